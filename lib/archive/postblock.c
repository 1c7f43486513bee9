/*
 * postblock.c - blocks of posting lists (see postblock.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "adb.h"
#include "mymalloc.h"
#include "postblock.h"

#define GAP_BYTES 10                /* the most a 64-bit gap takes */

int postblock_cmp(DB *dbp, const DBT *a, const DBT *b)
{
    size_t  n = a->size < b->size ? a->size : b->size;
    int     c;

    (void) dbp;
    if (n > 8)
        n = 8;
    if ((c = memcmp(a->data, b->data, n)) != 0 || n == 8)
        return c;
    return a->size < b->size ? -1 : a->size > b->size;     /* damaged: under 8 bytes */
}

size_t postblock_count(const unsigned char *d, size_t len)
{
    size_t  n = 1;

    if (len < 8)
        return 0;
    for (size_t i = 8; i < len; i++)
        n += (d[i] & 0x80) == 0;
    return n;
}

uint64_t postblock_first(const unsigned char *d)
{
    return adb_key_num(d);
}

size_t postblock_decode(const unsigned char *d, size_t len, uint64_t *out, int *bad)
{
    uint64_t x;
    size_t  n = 0, i = 8;

    if (bad)
        *bad = len < 8;
    if (len < 8)
        return 0;
    out[n++] = x = adb_key_num(d);
    while (i < len) {
        uint64_t gap = 0;
        int     shift = 0;
        size_t  start = i;

        while (i < len && (d[i] & 0x80) && i - start < GAP_BYTES - 1) {
            gap |= (uint64_t) (d[i++] & 0x7f) << shift;
            shift += 7;
        }
        if (i == len || (d[i] & 0x80)) {
            if (bad)
                *bad = 1;
            break;
        }
        gap |= (uint64_t) d[i++] << shift;
        if (gap == 0 || x + gap < x) {
            if (bad)
                *bad = 1;
            break;
        }
        out[n++] = x += gap;
    }
    return n;
}

/* Append the gaps of v[0..n) after last to the block in d (*len bytes,
 * POSTBLOCK_MAX room) while they fit: how many went in. */
static size_t block_extend(unsigned char *d, size_t *len, uint64_t last, const uint64_t *v,
                           size_t n)
{
    size_t  k = 0;

    for (; k < n; k++) {
        unsigned char g[GAP_BYTES];
        uint64_t gap = v[k] - last;
        size_t  m = 0;

        do {
            g[m] = (unsigned char) (gap & 0x7f);
            gap >>= 7;
            if (gap)
                g[m] |= 0x80;
            m++;
        } while (gap);
        if (*len + m > POSTBLOCK_MAX)
            break;
        memcpy(d + *len, g, m);
        *len += m;
        last = v[k];
    }
    return k;
}

/* The term as a key, in kb (POSTBLOCK_KEY bytes): a cursor writes back
 * the key it reads. */
static int key_dbt(DBT *key, unsigned char *kb, const char *term, size_t tlen)
{
    memset(key, 0, sizeof(*key));
    if (tlen > POSTBLOCK_KEY)
        return EINVAL;
    memcpy(kb, term, tlen);
    key->data = kb;
    key->size = (u_int32_t) tlen;
    key->ulen = POSTBLOCK_KEY;
    key->flags = DB_DBT_USERMEM;
    return 0;
}

static void val_dbt(DBT *val, unsigned char *blk, size_t len)
{
    memset(val, 0, sizeof(*val));
    val->data = blk;
    val->size = (u_int32_t) len;
    val->ulen = POSTBLOCK_ROOM;
    val->flags = DB_DBT_USERMEM;
}

/* Position c on term's last block. */
static int block_last(DBC *c, const char *term, size_t tlen, unsigned char *blk, size_t *len,
                      u_int32_t flags)
{
    unsigned char kb[POSTBLOCK_KEY];
    DBT     key = {0}, val;
    int     rc;

    if (tlen + 1 > sizeof(kb))
        return EINVAL;
    /* The first key after the term: the term with a NUL added is the
     * least string above it. */
    memcpy(kb, term, tlen);
    kb[tlen] = 0;
    key.data = kb;
    key.size = (u_int32_t) tlen + 1;
    key.ulen = sizeof(kb);
    key.flags = DB_DBT_USERMEM;
    val_dbt(&val, blk, 0);
    rc = c->get(c, &key, &val, DB_SET_RANGE | flags);
    if (rc == 0)
        rc = c->get(c, &key, &val, DB_PREV | flags);
    else if (rc == DB_NOTFOUND)
        rc = c->get(c, &key, &val, DB_LAST | flags);
    if (rc != 0)
        return rc;
    if (key.size != tlen || memcmp(kb, term, tlen) != 0)
        return DB_NOTFOUND;
    *len = val.size;
    return 0;
}

int postblock_floor(DBC *c, const char *term, size_t tlen, uint64_t x, unsigned char *blk,
                    size_t *len, int *above, u_int32_t flags)
{
    unsigned char kb[POSTBLOCK_KEY];
    DBT     key, val;
    int     rc;

    *above = 0;
    if ((rc = key_dbt(&key, kb, term, tlen)) != 0)
        return rc;
    adb_num_key(x, blk);
    val_dbt(&val, blk, 8);
    if ((rc = c->get(c, &key, &val, DB_GET_BOTH_RANGE | flags)) == DB_NOTFOUND)
        return block_last(c, term, tlen, blk, len, flags);     /* every block starts below x */
    if (rc != 0)
        return rc;
    if (val.size >= 8 && postblock_first(blk) == x) {
        *len = val.size;
        return 0;
    }
    if ((rc = c->get(c, &key, &val, DB_PREV_DUP | flags)) == DB_NOTFOUND) {
        *above = 1;
        rc = c->get(c, &key, &val, DB_CURRENT | flags);
    }
    *len = val.size;
    return rc;
}

/* New blocks of v[0..n) under term. */
static int block_put(DBC *c, const char *term, size_t tlen, const uint64_t *v, size_t n)
{
    unsigned char blk[POSTBLOCK_MAX], kb[POSTBLOCK_KEY];
    DBT     key, val;
    int     rc = key_dbt(&key, kb, term, tlen);

    while (n > 0 && rc == 0) {
        size_t  len = 8, k;

        adb_num_key(v[0], blk);
        k = 1 + block_extend(blk, &len, v[0], v + 1, n - 1);
        val_dbt(&val, blk, len);
        rc = c->put(c, &key, &val, DB_NODUPDATA);
        v += k;
        n -= k;
    }
    return rc;
}

/* v[0..n) (ascending) into the block under cursor c (its numbers f[0..nf),
 * the bytes blk[0..len)), all of them below the next block: on its end in
 * place when they follow it, else the union written anew. */
static int block_join(DBC *c, const char *term, size_t tlen, unsigned char *blk, size_t len,
                      const uint64_t *f, size_t nf, const uint64_t *v, size_t n)
{
    unsigned char kb[POSTBLOCK_KEY];
    DBT     key, val;
    uint64_t *all;
    size_t  i = 0, j = 0, o = 0, k;
    int     rc;

    if ((rc = key_dbt(&key, kb, term, tlen)) != 0)
        return rc;
    if (v[0] > f[nf - 1] && len <= POSTBLOCK_MAX) {
        if ((k = block_extend(blk, &len, f[nf - 1], v, n)) > 0) {
            val_dbt(&val, blk, len);
            if ((rc = c->put(c, &key, &val, DB_CURRENT)) != 0)
                return rc;
        }
        return block_put(c, term, tlen, v + k, n - k);
    }
    all = mymalloc((nf + n) * sizeof(uint64_t));
    while (i < nf || j < n) {
        uint64_t x = j == n || (i < nf && f[i] < v[j]) ? f[i++] : v[j++];

        if (o == 0 || all[o - 1] != x)
            all[o++] = x;
    }
    if ((rc = c->del(c, 0)) == 0)
        rc = block_put(c, term, tlen, all, o);
    myfree(all);
    return rc;
}

/* The first number of the block after the one under c, or UINT64_MAX;
 * c stays where it was. */
static int block_next_first(DBC *c, uint64_t *first)
{
    unsigned char kb[POSTBLOCK_KEY], blk[POSTBLOCK_ROOM];
    DBT     key = {0}, val;
    int     rc;

    key.data = kb;
    key.ulen = sizeof(kb);
    key.flags = DB_DBT_USERMEM;
    val_dbt(&val, blk, 0);
    *first = UINT64_MAX;
    if ((rc = c->get(c, &key, &val, DB_NEXT_DUP | DB_RMW)) == DB_NOTFOUND)
        return 0;
    if (rc != 0)
        return rc;
    if (val.size >= 8)
        *first = postblock_first(blk);
    return c->get(c, &key, &val, DB_PREV_DUP | DB_RMW);
}

int postblock_add(DBC *c, const char *term, size_t tlen, const uint64_t *v, size_t n)
{
    unsigned char blk[POSTBLOCK_ROOM];
    uint64_t f[POSTBLOCK_ROOM];     /* a block's numbers: no allocation per term */
    size_t  len, nf, k;
    int     above, rc;

    if (n == 0)
        return 0;

    /* The usual case: all of v follows the list, and goes on its last block. */
    if ((rc = block_last(c, term, tlen, blk, &len, DB_RMW)) == DB_NOTFOUND) {
        rc = block_put(c, term, tlen, v, n);
        n = 0;
    } else if (rc == 0 && (nf = postblock_decode(blk, len, f, 0)) > 0 && f[nf - 1] < v[0]) {
        rc = block_join(c, term, tlen, blk, len, f, nf, v, n);
        n = 0;
    }
    /* Else v a part at a time: the numbers up to the next block go into
     * the block at or below the first of them (or before the first block). */
    while (n > 0 && rc == 0) {
        uint64_t limit;

        if ((rc = postblock_floor(c, term, tlen, v[0], blk, &len, &above, DB_RMW)) != 0)
            break;
        nf = postblock_decode(blk, len, f, 0);
        if (above || nf == 0)
            limit = nf ? f[0] : v[0] + 1;
        else if ((rc = block_next_first(c, &limit)) != 0)
            break;
        for (k = 1; k < n && v[k] < limit; k++)
            ;
        if (above || nf == 0)
            rc = block_put(c, term, tlen, v, k);
        else
            rc = block_join(c, term, tlen, blk, len, f, nf, v, k);
        v += k;
        n -= k;
    }
    return rc;
}

int postblock_del(DBC *c, const char *term, size_t tlen, uint64_t num)
{
    unsigned char blk[POSTBLOCK_ROOM];
    uint64_t *v;
    size_t  len, n, o = 0;
    int     above, rc;

    if ((rc = postblock_floor(c, term, tlen, num, blk, &len, &above, DB_RMW)) != 0)
        return rc == DB_NOTFOUND ? 0 : rc;
    if (above || (n = postblock_count(blk, len)) == 0)
        return 0;
    v = mymalloc(n * sizeof(uint64_t));
    n = postblock_decode(blk, len, v, 0);
    for (size_t i = 0; i < n; i++)
        if (v[i] != num)
            v[o++] = v[i];
    if (o < n && (rc = c->del(c, 0)) == 0)
        rc = block_put(c, term, tlen, v, o);
    myfree(v);
    return rc;
}
