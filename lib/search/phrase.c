/*
 * phrase.c - phrase queries on stored positions (see phrase.h).
 */
#include <string.h>

#include "fwd.h"
#include "mymalloc.h"
#include "phrase.h"
#include "terms.h"
#include "vstr.h"

/* The sections a phrase of key's kind is looked for in; NULL: no check. */
static const char *phrase_kinds(const char *key)
{
    switch (key[0]) {
    case QUERY_ANY_TEXT: return "sbn";
    case 's': return "s";
    case 'b': return "b";
    case 'n': return "n";
    case 'x': return "x";
    default: return 0;
    }
}

int phrase_init(PHRASE *p, const QTERM *t, int n)
{
    memset(p, 0, sizeof(*p));
    if (n < 2 || (p->kinds = phrase_kinds(t[0].key)) == 0)
        return 0;
    p->n = n;
    p->h = mymalloc((size_t) n * sizeof(uint32_t));
    for (int i = 0; i < n; i++)
        p->h[i] = fwd_hash(t[i].key + 2, strlen(t[i].key + 2));
    p->val.flags = DB_DBT_REALLOC;
    return 1;
}

void phrase_free(PHRASE *p)
{
    myfree(p->h);
    myfree(p->val.data);
    memset(p, 0, sizeof(*p));
}

int phrase_test(POSTLIST_CTX *s, PHRASE *p, uint64_t num, int *keep)
{
    DBT     key = {0};
    unsigned char kbuf[8];
    int     rc;

    *keep = 1;
    if (p->h == 0 || s->db->pos == 0)
        return 0;
    adb_num_key(num, kbuf);
    key.data = kbuf;
    key.size = 8;
    rc = s->db->pos->get(s->db->pos, 0, &key, &p->val, DB_READ_COMMITTED);
    if (rc == DB_NOTFOUND)
        return 0;                       /* indexed before positions were kept */
    if (rc != 0)
        return rc;
    *keep = fwd_match(p->val.data, p->val.size, p->kinds, p->h, p->n) != 0;
    return 0;
}

int phrase_keys(const POSTLIST_CTX *s, const QTERM *t, int n, PHRASE_KEYS *k)
{
    VSTR   *pair, *key;

    memset(k, 0, sizeof(*k));
    if (!s->pairs || n < 2 || !t[0].phrase || phrase_kinds(t[0].key) == 0)
        return 0;
    pair = vstr_alloc(2 * TERMS_MAX_VALUE + 8);
    key = vstr_alloc(2 * TERMS_MAX_VALUE + 8);
    k->v = mymalloc((size_t) (n - 1) * sizeof(char *));
    for (int i = 0; i + 1 < n; i++) {
        vstr_reset(pair);
        vstr_add(pair, t[i].key + 2, strlen(t[i].key + 2));
        vstr_addch(pair, ' ');
        vstr_add(pair, t[i + 1].key + 2, strlen(t[i + 1].key + 2));
        terms_key(TERMS_PAIR, pair->s, pair->len, key);
        k->v[k->n++] = mystrdup(key->s);
    }
    vstr_free(pair);
    vstr_free(key);
    return k->n;
}

void phrase_keys_free(PHRASE_KEYS *k)
{
    for (int i = 0; i < k->n; i++)
        myfree(k->v[i]);
    myfree(k->v);
    memset(k, 0, sizeof(*k));
}

int phrase_filter(POSTLIST_CTX *s, const QTERM *t, int n, NUMVEC *cand)
{
    PHRASE  p;
    size_t  o = 0;
    int     rc = 0;

    if (cand->n == 0 || !phrase_init(&p, t, n))
        return 0;
    for (size_t i = 0; i < cand->n && rc == 0; i++) {
        int     keep;

        if ((rc = phrase_test(s, &p, cand->v[i], &keep)) == 0 && keep)
            cand->v[o++] = cand->v[i];
    }
    if (rc == 0)
        cand->n = o;
    phrase_free(&p);
    return rc;
}
