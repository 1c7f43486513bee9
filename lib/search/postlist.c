/*
 * postlist.c - reading posting lists and ranges (see postlist.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mymalloc.h"
#include "postblock.h"
#include "postlist.h"
#include "query.h"
#include "record.h"
#include "terms.h"

#define SEEK_RATIO 8                /* seek when list > ratio * candidates */

void numvec_add(NUMVEC *nv, uint64_t x)
{
    if (nv->n == nv->cap) {
        nv->cap = nv->cap ? nv->cap * 2 : 64;
        nv->v = myrealloc(nv->v, nv->cap * sizeof(uint64_t));
    }
    nv->v[nv->n++] = x;
}

int numvec_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;

    return x < y ? -1 : x > y;
}

/* LSD radix sort, 16 bits a pass, skipping passes where all keys agree:
 * message numbers are small, so one or two passes do. */
static void nv_radix(NUMVEC *nv)
{
    uint64_t *tmp = mymalloc(nv->n * sizeof(uint64_t));
    uint64_t *src = nv->v, *dst = tmp;
    uint64_t all_or = 0;
    size_t *count = mycalloc(65536, sizeof(size_t));

    for (size_t i = 0; i < nv->n; i++)
        all_or |= nv->v[i];
    for (int shift = 0; shift < 64 && (all_or >> shift) != 0; shift += 16) {
        size_t  sum = 0;

        memset(count, 0, 65536 * sizeof(size_t));
        for (size_t i = 0; i < nv->n; i++)
            count[(src[i] >> shift) & 0xffff]++;
        for (size_t b = 0; b < 65536; b++) {
            size_t  c = count[b];

            count[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < nv->n; i++)
            dst[count[(src[i] >> shift) & 0xffff]++] = src[i];
        {
            uint64_t *t = src;

            src = dst;
            dst = t;
        }
    }
    if (src != nv->v)
        memcpy(nv->v, src, nv->n * sizeof(uint64_t));
    myfree(tmp);
    myfree(count);
}

void numvec_sort_unique(NUMVEC *nv)
{
    size_t  o = 0;

    if (nv->n == 0)
        return;
    if (nv->n > 4096)
        nv_radix(nv);
    else
        qsort(nv->v, nv->n, sizeof(uint64_t), numvec_cmp);
    for (size_t i = 0; i < nv->n; i++)
        if (o == 0 || nv->v[o - 1] != nv->v[i])
            nv->v[o++] = nv->v[i];
    nv->n = o;
}

void numvec_copy(NUMVEC *dst, const NUMVEC *src)
{
    dst->n = 0;
    for (size_t i = 0; i < src->n; i++)
        numvec_add(dst, src->v[i]);
}

/* Keep in a (sorted) the members that are in (keep) or not in (!keep)
 * the sorted b. */
void numvec_merge(NUMVEC *a, const NUMVEC *b, int keep)
{
    size_t  i = 0, j = 0, o = 0;

    while (i < a->n) {
        while (j < b->n && b->v[j] < a->v[i])
            j++;
        if ((j < b->n && b->v[j] == a->v[i]) == keep)
            a->v[o++] = a->v[i];
        i++;
    }
    a->n = o;
}

void numset_init(NUMSET *ns, const NUMVEC *nv)
{
    uint64_t span;

    ns->nv = nv;
    ns->bits = 0;
    ns->base = nv->n ? nv->v[0] : 0;
    if (nv->n == 0)
        return;
    span = nv->v[nv->n - 1] - ns->base + 1;
    if (span / 64 + 1 > nv->n)
        return;
    ns->bits = mycalloc(span / 64 + 1, sizeof(uint64_t));
    for (size_t i = 0; i < nv->n; i++) {
        uint64_t b = nv->v[i] - ns->base;

        ns->bits[b / 64] |= (uint64_t) 1 << (b % 64);
    }
}

int numset_has(const NUMSET *ns, uint64_t x)
{
    const NUMVEC *nv = ns->nv;
    uint64_t b;

    if (nv->n == 0 || x < ns->base || x > nv->v[nv->n - 1])
        return 0;
    if (ns->bits == 0)
        return bsearch(&x, nv->v, nv->n, sizeof(uint64_t), numvec_cmp) != 0;
    b = x - ns->base;
    return (ns->bits[b / 64] >> (b % 64)) & 1;
}

void numset_free(NUMSET *ns)
{
    myfree(ns->bits);
    ns->bits = 0;
}

/* ---- posting lists ------------------------------------------------------ */


/* The posting keys a query key stands for: a bare word is three. */
static int post_keys(const char *key, char out[3][TERMS_MAX_VALUE + 8])
{
    static const char kinds[] = "sbn";

    if (key[0] != QUERY_ANY_TEXT) {
        snprintf(out[0], sizeof(out[0]), "%s", key);
        return 1;
    }
    for (int i = 0; i < 3; i++)
        snprintf(out[i], sizeof(out[i]), "%c%s", kinds[i], key + 1);
    return 3;
}

static int post_cursor(POSTLIST_CTX *s, DBC **cur)
{
    return s->db->term->cursor(s->db->term, 0, cur, DB_READ_COMMITTED);
}

/* Call fn with each block of one stored list, in order, read in bulk. */
static int post_blocks(POSTLIST_CTX *s, const char *term,
                       void (*fn)(const unsigned char *d, size_t len, void *ctx), void *ctx)
{
    DBC    *cur;
    DBT     key = {0}, val = {0};
    u_int32_t op = DB_SET;
    int     rc;

    if ((rc = post_cursor(s, &cur)) != 0)
        return rc;
    key.data = (void *) term;
    key.size = (u_int32_t) strlen(term);
    val.data = s->bulk;
    val.ulen = POSTLIST_BULK;
    val.flags = DB_DBT_USERMEM;
    while ((rc = cur->get(cur, &key, &val, op | DB_MULTIPLE)) == 0) {
        void   *p, *d;
        u_int32_t dlen;

        DB_MULTIPLE_INIT(p, &val);
        for (;;) {
            DB_MULTIPLE_NEXT(p, &val, d, dlen);
            if (p == 0)
                break;
            fn(d, dlen, ctx);
        }
        op = DB_NEXT_DUP;
    }
    cur->close(cur);
    return rc == DB_NOTFOUND ? 0 : rc;
}

static void block_nums(const unsigned char *d, size_t len, void *ctx)
{
    NUMVEC *out = ctx;
    size_t  need = out->n + postblock_count(d, len);

    if (need > out->cap) {
        out->cap = need * 2;
        out->v = myrealloc(out->v, out->cap * sizeof(uint64_t));
    }
    out->n += postblock_decode(d, len, out->v + out->n, 0);
}

static void block_count(const unsigned char *d, size_t len, void *ctx)
{
    *(size_t *) ctx += postblock_count(d, len);
}

/* Append one stored list (ascending) to out. */
static int post_read1(POSTLIST_CTX *s, const char *term, NUMVEC *out)
{
    return post_blocks(s, term, block_nums, out);
}

/* The members of a query key's list(s), sorted. */
int postlist_read(POSTLIST_CTX *s, const char *key, NUMVEC *out)
{
    char    k[3][TERMS_MAX_VALUE + 8];
    int     n = post_keys(key, k);
    int     rc = 0;

    out->n = 0;
    for (int i = 0; i < n && rc == 0; i++)
        rc = post_read1(s, k[i], out);
    if (n > 1)
        numvec_sort_unique(out);
    return rc;
}

static int post_count_term(POSTLIST_CTX *s, const char *term, size_t *n)
{
    return post_blocks(s, term, block_count, n);
}

int postlist_count(POSTLIST_CTX *s, const char *key, size_t *n)
{
    char    k[3][TERMS_MAX_VALUE + 8];
    int     m = post_keys(key, k);
    int     rc = 0;

    *n = 0;
    for (int i = 0; i < m && rc == 0; i++)
        rc = post_count_term(s, k[i], n);
    return rc;
}

int postlist_seeks(size_t count, size_t n)
{
    return count > n * SEEK_RATIO;
}

/* A list sought number by number, ascending: the block that may hold the
 * number sought, decoded. */
typedef struct seeker {
    DBC    *cur;
    const char *term;
    size_t  tlen;
    unsigned char blk[POSTBLOCK_ROOM];
    uint64_t v[POSTBLOCK_ROOM];
    size_t  n;                      /* numbers in v; 0: none read */
    uint64_t from;                  /* the list's members from here to v's last are in v */
    int     empty;                  /* the list has none */
} SEEKER;

/* Is x in the list?  *has 1 or 0.  0 or a Berkeley DB error. */
static int seek_has(SEEKER *k, uint64_t x, int *has)
{
    size_t  len, lo, hi;
    int     above, rc;

    *has = 0;
    if (k->empty)
        return 0;
    /* The block read last may still hold x (x above its first number and
     * not above its last). */
    if (k->n == 0 || x < k->from || x > k->v[k->n - 1]) {
        rc = postblock_floor(k->cur, k->term, k->tlen, x, k->blk, &len, &above, 0);
        if (rc == DB_NOTFOUND) {
            k->empty = 1;
            return 0;
        }
        if (rc != 0)
            return rc;
        k->n = postblock_decode(k->blk, len, k->v, 0);
        k->from = above ? 0 : k->v[0];
        if (k->n == 0)
            return 0;
    }
    for (lo = 0, hi = k->n; lo < hi;) {
        size_t  mid = (lo + hi) / 2;

        if (k->v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    *has = lo < k->n && k->v[lo] == x;
    return 0;
}

static int seek_open(POSTLIST_CTX *s, SEEKER *k, const char *term)
{
    k->term = term;
    k->tlen = strlen(term);
    k->n = 0;
    k->empty = 0;
    return post_cursor(s, &k->cur);
}

int postlist_has(POSTLIST_CTX *s, const char *key, uint64_t num, int *has)
{
    char    k[3][TERMS_MAX_VALUE + 8];
    int     m = post_keys(key, k);
    SEEKER *sk = mymalloc(sizeof(*sk));
    int     rc = 0;

    *has = 0;
    for (int i = 0; i < m && rc == 0 && !*has; i++) {
        if ((rc = seek_open(s, sk, k[i])) != 0)
            break;
        rc = seek_has(sk, num, has);
        sk->cur->close(sk->cur);
    }
    myfree(sk);
    return rc;
}

/* Mark the candidates that are in one stored list of count entries. */
static int post_mark_term(POSTLIST_CTX *s, const char *term, size_t count, const NUMVEC *cand,
                          char *mark, NUMVEC *tmp)
{
    SEEKER *sk;
    int     rc;

    if (count == 0 || cand->n == 0)
        return 0;
    if (!postlist_seeks(count, cand->n)) {
        size_t  j = 0;

        tmp->n = 0;
        if ((rc = post_read1(s, term, tmp)) != 0)
            return rc;
        for (size_t i = 0; i < cand->n; i++) {
            while (j < tmp->n && tmp->v[j] < cand->v[i])
                j++;
            if (j < tmp->n && tmp->v[j] == cand->v[i])
                mark[i] = 1;
        }
        return 0;
    }
    /* Seek each candidate in the block that may hold it. */
    sk = mymalloc(sizeof(*sk));
    if ((rc = seek_open(s, sk, term)) == 0) {
        for (size_t i = 0; i < cand->n && rc == 0; i++) {
            int     has;

            if ((rc = seek_has(sk, cand->v[i], &has)) == 0 && has)
                mark[i] = 1;
        }
        sk->cur->close(sk->cur);
    }
    myfree(sk);
    return rc;
}

int postlist_filter_terms(POSTLIST_CTX *s, const char *const *terms, int n, NUMVEC *cand,
                          int keep)
{
    char   *mark;
    NUMVEC  tmp = {0};
    size_t  o = 0;
    int     rc = 0;

    if (cand->n == 0)
        return 0;
    mark = mycalloc(cand->n, 1);
    for (int i = 0; i < n && rc == 0; i++) {
        size_t  count = 0;

        if ((rc = post_count_term(s, terms[i], &count)) == 0)
            rc = post_mark_term(s, terms[i], count, cand, mark, &tmp);
    }
    if (rc == 0) {
        for (size_t i = 0; i < cand->n; i++)
            if (mark[i] == keep)
                cand->v[o++] = cand->v[i];
        cand->n = o;
    }
    myfree(mark);
    myfree(tmp.v);
    return rc;
}

int postlist_filter(POSTLIST_CTX *s, const char *key, NUMVEC *cand, int keep)
{
    char    k[3][TERMS_MAX_VALUE + 8];
    const char *terms[3] = {k[0], k[1], k[2]};

    return postlist_filter_terms(s, terms, post_keys(key, k), cand, keep);
}

/* ---- date and size ranges ---------------------------------------------- */

/* Call fn for each entry of date.db or size.db with lo <= key < hi (keys
 * as stored: big-endian, so byte order is numeric order), in order, read
 * in bulk. */
int postlist_scan(POSTLIST_CTX *s, DB *dbp, uint64_t lo, uint64_t hi,
                      void (*fn)(const void *key, const void *num, void *ctx), void *ctx)
{
    DBC    *cur;
    DBT     key = {0}, val = {0};
    unsigned char kbuf[8];
    int     rc;
    int     done = 0;

    if (lo >= hi)
        return 0;
    if ((rc = dbp->cursor(dbp, 0, &cur, DB_READ_COMMITTED)) != 0)
        return rc;
    record_put_u64(kbuf, lo);
    key.data = kbuf;
    key.size = 8;
    val.data = s->bulk;
    val.ulen = POSTLIST_BULK;
    val.flags = DB_DBT_USERMEM;
    for (rc = cur->get(cur, &key, &val, DB_SET_RANGE | DB_MULTIPLE_KEY); rc == 0 && !done;
         rc = cur->get(cur, &key, &val, DB_NEXT | DB_MULTIPLE_KEY)) {
        void   *p, *k, *d;
        u_int32_t klen, dlen;

        DB_MULTIPLE_INIT(p, &val);
        for (;;) {
            DB_MULTIPLE_KEY_NEXT(p, &val, k, klen, d, dlen);
            if (p == 0)
                break;
            if (klen != 8 || record_get_u64(k) >= hi) {
                done = 1;
                break;
            }
            if (dlen == 8)
                fn(k, d, ctx);
        }
    }
    cur->close(cur);
    return rc == DB_NOTFOUND || rc == 0 ? 0 : rc;
}

static void range_add_num(const void *key, const void *num, void *ctx)
{
    (void) key;
    numvec_add(ctx, adb_key_num(num));
}

/* The numbers of a range, sorted. */
int postlist_range(POSTLIST_CTX *s, DB *dbp, uint64_t lo, uint64_t hi, NUMVEC *out)
{
    int     rc;

    out->n = 0;
    if ((rc = postlist_scan(s, dbp, lo, hi, range_add_num, out)) == 0)
        numvec_sort_unique(out);
    return rc;
}
