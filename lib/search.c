/*
 * search.c - query execution (see search.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mymalloc.h"
#include "record.h"
#include "search.h"
#include "terms.h"
#include "vstr.h"

typedef struct numvec {
    uint64_t *v;
    size_t  n;
    size_t  cap;
} NUMVEC;

static void nv_add(NUMVEC *nv, uint64_t x)
{
    if (nv->n == nv->cap) {
        nv->cap = nv->cap ? nv->cap * 2 : 64;
        nv->v = myrealloc(nv->v, nv->cap * sizeof(uint64_t));
    }
    nv->v[nv->n++] = x;
}

static int nv_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;

    return x < y ? -1 : x > y;
}

static void nv_sort_unique(NUMVEC *nv)
{
    size_t  o = 0;

    if (nv->n == 0)
        return;
    qsort(nv->v, nv->n, sizeof(uint64_t), nv_cmp);
    for (size_t i = 0; i < nv->n; i++)
        if (o == 0 || nv->v[o - 1] != nv->v[i])
            nv->v[o++] = nv->v[i];
    nv->n = o;
}

static int nv_has(const NUMVEC *nv, uint64_t x)
{
    return nv->n > 0 && bsearch(&x, nv->v, nv->n, sizeof(uint64_t), nv_cmp) != 0;
}

/* The posting list of a term, sorted ascending (as stored). */
static int search_postings(ADB *db, const char *term, NUMVEC *out)
{
    DBC    *cur;
    DBT     key = {0}, val = {0};
    unsigned char buf[8];
    int     rc;

    if ((rc = db->term->cursor(db->term, 0, &cur, DB_READ_COMMITTED)) != 0)
        return rc;
    key.data = (void *) term;
    key.size = (u_int32_t) strlen(term);
    val.data = buf;
    val.ulen = 8;
    val.flags = DB_DBT_USERMEM;
    for (rc = cur->get(cur, &key, &val, DB_SET); rc == 0;
         rc = cur->get(cur, &key, &val, DB_NEXT_DUP))
        if (val.size == 8)
            nv_add(out, adb_key_num(buf));
    cur->close(cur);
    return rc == DB_NOTFOUND ? 0 : rc;
}

/*
 * Numbers from a date.db or size.db range: keys from lo (incl.) to hi
 * (excl.), both as stored (big-endian, so byte order is numeric order).
 */
static int search_range(DB *dbp, uint64_t lo, uint64_t hi, NUMVEC *out)
{
    DBC    *cur;
    DBT     key = {0}, val = {0};
    unsigned char kbuf[8], vbuf[8];
    int     rc;

    if (lo >= hi)
        return 0;
    if ((rc = dbp->cursor(dbp, 0, &cur, DB_READ_COMMITTED)) != 0)
        return rc;
    record_put_u64(kbuf, lo);
    key.data = kbuf;
    key.ulen = 8;
    key.size = 8;
    key.flags = DB_DBT_USERMEM;
    val.data = vbuf;
    val.ulen = 8;
    val.flags = DB_DBT_USERMEM;
    for (rc = cur->get(cur, &key, &val, DB_SET_RANGE); rc == 0;
         rc = cur->get(cur, &key, &val, DB_NEXT)) {
        if (key.size != 8 || record_get_u64(kbuf) >= hi)
            break;
        nv_add(out, adb_key_num(vbuf));
    }
    cur->close(cur);
    nv_sort_unique(out);
    return rc == DB_NOTFOUND || rc == 0 ? 0 : rc;
}

/* Dates lo (incl.) to hi (excl.), through the order-preserving date key. */
static int search_dates(ADB *db, int64_t lo, int64_t hi, NUMVEC *out)
{
    unsigned char l[8], h[8];

    adb_date_key(lo, l);
    adb_date_key(hi, h);
    return search_range(db->date, record_get_u64(l), record_get_u64(h), out);
}

/* Sizes with gt < size < lt. */
static int search_sizes(ADB *db, int64_t gt, int64_t lt, NUMVEC *out)
{
    return search_range(db->size, (uint64_t) (gt + 1), (uint64_t) lt, out);
}

static void nv_intersect(NUMVEC *a, const NUMVEC *b)
{
    size_t  i = 0, j = 0, o = 0;

    while (i < a->n && j < b->n) {
        if (a->v[i] < b->v[j])
            i++;
        else if (a->v[i] > b->v[j])
            j++;
        else {
            a->v[o++] = a->v[i];
            i++, j++;
        }
    }
    a->n = o;
}

static int hit_cmp(const void *a, const void *b)
{
    const SEARCH_HIT *x = a, *y = b;

    if (x->date != y->date)
        return x->date > y->date ? -1 : 1;
    return x->num > y->num ? -1 : x->num < y->num;
}

/* What a user may see: every message with one of its addresses as sender
 * (f:) or recipient (t:), headers and envelope, Bcc included. */
static int search_visible(ADB *db, const ACCESS *acc, NUMVEC *out)
{
    VSTR   *key = vstr_alloc(64);
    int     rc = 0;

    for (int i = 0; i < acc->addrs.n && rc == 0; i++) {
        const char *a = acc->addrs.v[i];

        terms_key('f', a, strlen(a), key);
        if ((rc = search_postings(db, key->s, out)) == 0) {
            terms_key('t', a, strlen(a), key);
            rc = search_postings(db, key->s, out);
        }
    }
    nv_sort_unique(out);
    vstr_free(key);
    return rc;
}

/* The QTERMs [i, *end) of one group; is it a date or size range? */
static int search_group(const QUERY *q, int i, int *end)
{
    int     range = q->t[i].kind != Q_POSTING;

    for (*end = i; *end < q->n && q->t[*end].group == q->t[i].group; (*end)++)
        ;
    return range;
}

/* The messages one group matches: all its words, or its range. */
static int search_group_set(ADB *db, const QUERY *q, int i, int end, NUMVEC *out)
{
    NUMVEC  tmp = {0};
    int64_t lo = INT64_MIN / 2, hi = INT64_MAX / 2, gt = -1, lt = INT64_MAX;
    int     rc = 0;

    out->n = 0;
    if (q->t[i].kind == Q_POSTING) {
        for (int k = i; k < end && rc == 0; k++) {
            tmp.n = 0;
            if ((rc = search_postings(db, q->t[k].key, k == i ? out : &tmp)) == 0 && k > i)
                nv_intersect(out, &tmp);
        }
    } else {
        for (int k = i; k < end; k++) {
            const QTERM *t = &q->t[k];

            if (t->kind == Q_DATE_GE) lo = t->val;
            else if (t->kind == Q_DATE_LT) hi = t->val;
            else if (t->kind == Q_SIZE_GT) gt = t->val;
            else if (t->kind == Q_SIZE_LT) lt = t->val;
        }
        rc = (q->t[i].kind == Q_DATE_GE || q->t[i].kind == Q_DATE_LT)
            ? search_dates(db, lo, hi, out) : search_sizes(db, gt, lt, out);
    }
    myfree(tmp.v);
    return rc;
}

static int search_once(ADB *db, const QUERY *q, const ACCESS *acc, SEARCH_RESULT *res,
                       char *err, size_t errlen)
{
    NUMVEC  cand = {0};
    NUMVEC  tmp = {0};
    NUMVEC  alt = {0};
    int64_t date_lo = INT64_MIN / 2, date_hi = INT64_MAX / 2;
    int64_t size_gt = -1, size_lt = INT64_MAX;
    int     have_pos = 0;
    int     rc = 0;

    memset(res, 0, sizeof(*res));
    for (int i = 0; i < q->n && !(have_pos && cand.n == 0);) {
        int     cend = i, gend;
        int     alone;

        while (cend < q->n && q->t[cend].clause == q->t[i].clause)
            cend++;
        search_group(q, i, &gend);
        alone = gend == cend;
        if (q->t[i].neg) {
            i = cend;                   /* exclusions come after */
            continue;
        }
        if (alone && q->t[i].kind != Q_POSTING) {
            /* A lone range narrows the bounds checked on every candidate. */
            for (int k = i; k < cend; k++) {
                const QTERM *t = &q->t[k];

                switch (t->kind) {
                case Q_DATE_GE: if (t->val > date_lo) date_lo = t->val; break;
                case Q_DATE_LT: if (t->val < date_hi) date_hi = t->val; break;
                case Q_SIZE_GT: if (t->val > size_gt) size_gt = t->val; break;
                case Q_SIZE_LT: if (t->val < size_lt) size_lt = t->val; break;
                case Q_POSTING: break;
                }
            }
        } else {
            /* The clause's set: the union of its alternatives. */
            alt.n = 0;
            for (int g = i; g < cend; g = gend) {
                search_group(q, g, &gend);
                if ((rc = search_group_set(db, q, g, gend, &tmp)) != 0)
                    goto fail;
                for (size_t k = 0; k < tmp.n; k++)
                    nv_add(&alt, tmp.v[k]);
            }
            nv_sort_unique(&alt);
            if (!have_pos) {
                cand.n = 0;
                for (size_t k = 0; k < alt.n; k++)
                    nv_add(&cand, alt.v[k]);
                have_pos = 1;
            } else {
                nv_intersect(&cand, &alt);
            }
        }
        i = cend;
    }
    if (!have_pos && (rc = search_dates(db, date_lo, date_hi, &cand)) != 0)
        goto fail;
    if (acc && !access_sees_all(acc)) {
        NUMVEC  vis = {0};

        if ((rc = search_visible(db, acc, &vis)) != 0) {
            myfree(vis.v);
            goto fail;
        }
        nv_intersect(&cand, &vis);
        myfree(vis.v);
    }
    /* Negated values: drop messages that match every word of the value. */
    for (int i = 0; i < q->n && cand.n > 0; i++) {
        NUMVEC  ex = {0};
        int     first = 1;
        int     group = q->t[i].group;

        if (q->t[i].kind != Q_POSTING || !q->t[i].neg)
            continue;
        if (i > 0 && q->t[i - 1].neg && q->t[i - 1].group == group && q->t[i - 1].kind == Q_POSTING)
            continue;                   /* handled with the group's first word */
        for (int k = i; k < q->n && q->t[k].group == group; k++) {
            tmp.n = 0;
            if ((rc = search_postings(db, q->t[k].key, &tmp)) != 0) {
                myfree(ex.v);
                goto fail;
            }
            if (first) {
                for (size_t m = 0; m < tmp.n; m++)
                    nv_add(&ex, tmp.v[m]);
                first = 0;
            } else {
                nv_intersect(&ex, &tmp);
            }
        }
        {
            size_t  o = 0;

            for (size_t k = 0; k < cand.n; k++)
                if (!nv_has(&ex, cand.v[k]))
                    cand.v[o++] = cand.v[k];
            cand.n = o;
        }
        myfree(ex.v);
    }
    res->hits = mymalloc((cand.n ? cand.n : 1) * sizeof(SEARCH_HIT));
    for (size_t i = 0; i < cand.n; i++) {
        DBT     key = {0}, val = {0};
        unsigned char kbuf[8], vbuf[RECORD_FIXED];
        int64_t date, size;

        adb_num_key(cand.v[i], kbuf);
        key.data = kbuf;
        key.size = 8;
        val.data = vbuf;
        val.ulen = sizeof(vbuf);
        val.dlen = sizeof(vbuf);
        val.doff = 0;
        val.flags = DB_DBT_USERMEM | DB_DBT_PARTIAL;
        rc = db->msg->get(db->msg, 0, &key, &val, DB_READ_COMMITTED);
        if (rc == DB_NOTFOUND)
            continue;
        if (rc != 0)
            goto fail;
        if (record_peek(vbuf, val.size, &date, &size) < 0)
            continue;
        if (date < date_lo || date >= date_hi || size <= size_gt || size >= size_lt)
            continue;
        res->hits[res->n].num = cand.v[i];
        res->hits[res->n].date = date;
        res->hits[res->n].size = size;
        res->n++;
    }
    rc = 0;
    if (res->n > 1)
        qsort(res->hits, res->n, sizeof(SEARCH_HIT), hit_cmp);
    myfree(cand.v);
    myfree(tmp.v);
    myfree(alt.v);
    return 0;
fail:
    snprintf(err, errlen, "search: %s", db_strerror(rc));
    myfree(cand.v);
    myfree(tmp.v);
    myfree(alt.v);
    search_result_free(res);
    return rc;
}

int search_run(ADB *db, const QUERY *q, const ACCESS *acc, SEARCH_RESULT *res,
               char *err, size_t errlen)
{
    int     rc;

    /* A reader can be the victim the lock detector picks; it starts over. */
    for (int i = 0; i < ADB_DEADLOCK_RETRIES; i++)
        if ((rc = search_once(db, q, acc, res, err, errlen)) != DB_LOCK_DEADLOCK)
            break;
    return rc;
}

void search_result_free(SEARCH_RESULT *res)
{
    myfree(res->hits);
    memset(res, 0, sizeof(*res));
}
