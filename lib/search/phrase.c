/*
 * phrase.c - phrase queries on stored positions (see phrase.h).
 */
#include <string.h>

#include "fwd.h"
#include "mymalloc.h"
#include "phrase.h"

int phrase_init(PHRASE *p, const QTERM *t, int n)
{
    memset(p, 0, sizeof(*p));
    if (n < 2)
        return 0;
    switch (t[0].key[0]) {
    case QUERY_ANY_TEXT: p->kinds = "sbn"; break;
    case 's': p->kinds = "s"; break;
    case 'b': p->kinds = "b"; break;
    case 'n': p->kinds = "n"; break;
    case 'x': p->kinds = "x"; break;
    default: return 0;
    }
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
