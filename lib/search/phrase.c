/*
 * phrase.c - phrase queries on stored positions (see phrase.h).
 */
#include <string.h>

#include "fwd.h"
#include "mymalloc.h"
#include "phrase.h"

int phrase_filter(POSTLIST_CTX *s, const QTERM *t, int n, NUMVEC *cand)
{
    uint32_t *h;
    const char *kinds;
    DBT     key = {0}, val = {0};
    unsigned char kbuf[8];
    size_t  o = 0;
    int     rc = 0;

    if (s->db->pos == 0 || n < 2 || cand->n == 0)
        return 0;
    switch (t[0].key[0]) {
    case QUERY_ANY_TEXT: kinds = "sbn"; break;
    case 's': kinds = "s"; break;
    case 'b': kinds = "b"; break;
    case 'n': kinds = "n"; break;
    case 'x': kinds = "x"; break;
    default: return 0;
    }
    h = mymalloc((size_t) n * sizeof(uint32_t));
    for (int i = 0; i < n; i++)
        h[i] = fwd_hash(t[i].key + 2, strlen(t[i].key + 2));
    key.data = kbuf;
    key.size = 8;
    val.flags = DB_DBT_REALLOC;
    for (size_t i = 0; i < cand->n; i++) {
        int     keep;

        adb_num_key(cand->v[i], kbuf);
        rc = s->db->pos->get(s->db->pos, 0, &key, &val, DB_READ_COMMITTED);
        if (rc == DB_NOTFOUND) {
            keep = 1;                   /* indexed before positions were kept */
        } else if (rc != 0) {
            break;
        } else {
            keep = fwd_match(val.data, val.size, kinds, h, n) != 0;
        }
        rc = 0;
        if (keep)
            cand->v[o++] = cand->v[i];
    }
    if (rc == 0)
        cand->n = o;
    myfree(val.data);
    myfree(h);
    return rc;
}
