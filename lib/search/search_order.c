/*
 * search_order.c - a page of candidates, newest first (see search_order.h).
 */
#include <stdlib.h>

#include "mymalloc.h"
#include "record.h"
#include "search_order.h"

const BOUNDS bounds_none = {INT64_MIN / 2, INT64_MAX / 2, -1, INT64_MAX};

int bounds_dated(const BOUNDS *b)
{
    return b->date_lo != INT64_MIN / 2 || b->date_hi != INT64_MAX / 2;
}

int bounds_sized(const BOUNDS *b)
{
    return b->size_gt != -1 || b->size_lt != INT64_MAX;
}

int range_dates(POSTLIST_CTX *s, const BOUNDS *b, NUMVEC *out)
{
    unsigned char l[8], h[8];

    adb_date_key(b->date_lo, l);
    adb_date_key(b->date_hi, h);
    return postlist_range(s, s->db->date, record_get_u64(l), record_get_u64(h), out);
}

int range_sizes(POSTLIST_CTX *s, const BOUNDS *b, NUMVEC *out)
{
    return postlist_range(s, s->db->size, (uint64_t) (b->size_gt + 1), (uint64_t) b->size_lt, out);
}

/* About how many messages the date bounds hold (DB->key_range). */
size_t range_share(POSTLIST_CTX *s, const BOUNDS *b)
{
    DB_KEY_RANGE lo = {0, 0, 0}, hi = {0, 0, 0};
    DBT     key = {0};
    unsigned char k[8];
    uint64_t all = adb_meta_live(s->db, 0);

    key.data = k;
    key.size = 8;
    adb_date_key(b->date_lo, k);
    if (s->db->date->key_range(s->db->date, 0, &key, &lo, 0) != 0)
        return all;
    adb_date_key(b->date_hi, k);
    if (s->db->date->key_range(s->db->date, 0, &key, &hi, 0) != 0)
        return all;
    return hi.less > lo.less ? (size_t) ((hi.less - lo.less) * (double) all) : 0;
}

/* ---- ordering ------------------------------------------------------------ */

static int hit_cmp(const void *a, const void *b)
{
    const SEARCH_HIT *x = a, *y = b;

    if (x->date != y->date)
        return x->date > y->date ? -1 : 1;
    return x->num > y->num ? -1 : x->num < y->num;
}

/* res->hits has room for the page (search_once sized it). */
static void page_add(SEARCH_RESULT *res, uint64_t num, int64_t date)
{
    res->hits[res->n].num = num;
    res->hits[res->n].date = date;
    res->n++;
}

int pager_full(const PAGER *pg)
{
    return pg->limit && pg->rank >= pg->offset + pg->limit;
}

static int pager_offer(PAGER *pg, uint64_t num, int64_t date)
{
    pg->seen++;
    for (int i = 0; i < pg->nlater; i++) {
        LATER  *l = &pg->later[i];
        int     match, rc;

        if (l->exclude) {
            if ((rc = postlist_has(pg->s, l->exclude, num, &match)) != 0)
                return rc;
            if (match)
                return 0;
            continue;
        }
        if (l->neg && !numset_has(&l->in_only, num))
            continue;
        if ((rc = phrase_test(pg->s, &l->p, num, &match)) != 0)
            return rc;
        if (match == l->neg)
            return 0;
    }
    if (pg->rank++ >= pg->offset)
        page_add(pg->res, num, date);
    return 0;
}

/* The total from cand candidates: exact when every one was offered, else
 * the hits so far and the rest at the rate seen. */
static void pager_total(PAGER *pg, size_t cand)
{
    if (pg->nlater == 0) {
        pg->res->total = cand;
    } else if (pg->seen >= cand || pg->seen == 0) {
        pg->res->total = pg->rank;
    } else {
        pg->res->total = pg->rank + (size_t) ((double) (cand - pg->seen) * (double) pg->rank
                                              / (double) pg->seen + 0.5);
        pg->res->estimated = 1;
    }
}

/* Dates and sizes of sorted candidates from order.db read in bulk across
 * their span (dense candidates); have[i] set for each one found. */
static int order_scan(POSTLIST_CTX *s, const NUMVEC *cand, int64_t *date, int64_t *size, char *have)
{
    DBC    *cur;
    DBT     key = {0}, val = {0};
    unsigned char kbuf[8];
    size_t  i = 0;
    int     rc;

    if ((rc = s->db->order->cursor(s->db->order, 0, &cur, DB_READ_COMMITTED)) != 0)
        return rc;
    adb_num_key(cand->v[0], kbuf);
    key.data = kbuf;
    key.size = 8;
    val.data = s->bulk;
    val.ulen = POSTLIST_BULK;
    val.flags = DB_DBT_USERMEM;
    for (rc = cur->get(cur, &key, &val, DB_SET_RANGE | DB_MULTIPLE_KEY); rc == 0 && i < cand->n;
         rc = cur->get(cur, &key, &val, DB_NEXT | DB_MULTIPLE_KEY)) {
        void   *p, *k, *d;
        u_int32_t klen, dlen;

        DB_MULTIPLE_INIT(p, &val);
        while (i < cand->n) {
            uint64_t num;

            DB_MULTIPLE_KEY_NEXT(p, &val, k, klen, d, dlen);
            if (p == 0)
                break;
            if (klen != 8 || dlen != 16)
                continue;
            num = adb_key_num(k);
            while (i < cand->n && cand->v[i] < num)
                i++;
            if (i < cand->n && cand->v[i] == num) {
                date[i] = (int64_t) record_get_u64(d);
                size[i] = (int64_t) record_get_u64((const unsigned char *) d + 8);
                have[i++] = 1;
            }
        }
    }
    cur->close(cur);
    return rc == DB_NOTFOUND || rc == 0 ? 0 : rc;
}

/* The date and size of one message: order.db, else (an index written
 * before order.db existed) the fixed part of its record.  DB_NOTFOUND
 * when it has neither. */
static int order_get(POSTLIST_CTX *s, uint64_t num, int64_t *date, int64_t *size)
{
    DBT     key = {0}, val = {0};
    unsigned char kbuf[8], vbuf[RECORD_FIXED];
    int     rc;

    adb_num_key(num, kbuf);
    key.data = kbuf;
    key.size = 8;
    val.data = vbuf;
    val.ulen = sizeof(vbuf);
    val.flags = DB_DBT_USERMEM;
    rc = s->db->order ? s->db->order->get(s->db->order, 0, &key, &val, DB_READ_COMMITTED)
        : DB_NOTFOUND;
    if (rc == 0 && val.size == 16) {
        *date = (int64_t) record_get_u64(vbuf);
        *size = (int64_t) record_get_u64(vbuf + 8);
        return 0;
    }
    if (rc != 0 && rc != DB_NOTFOUND)
        return rc;
    val.dlen = sizeof(vbuf);
    val.flags = DB_DBT_USERMEM | DB_DBT_PARTIAL;
    if ((rc = s->db->msg->get(s->db->msg, 0, &key, &val, DB_READ_COMMITTED)) != 0)
        return rc;
    return record_peek(vbuf, val.size, date, size) < 0 ? DB_NOTFOUND : 0;
}

/* Read each candidate's date and size, check the bounds, sort. */
int order_each(POSTLIST_CTX *s, const NUMVEC *cand, const BOUNDS *b, PAGER *pg)
{
    size_t  m = cand->n ? cand->n : 1;
    SEARCH_HIT *all = mymalloc(m * sizeof(SEARCH_HIT));
    int64_t *date = mymalloc(m * sizeof(int64_t)), *size = mymalloc(m * sizeof(int64_t));
    char   *have = mycalloc(m, 1);
    size_t  n = 0;
    int     rc = 0;

    /* Dense candidates: one bulk pass over their span of order.db. */
    if (s->db->order && cand->n > 256
        && cand->v[cand->n - 1] - cand->v[0] < (uint64_t) cand->n * 32)
        rc = order_scan(s, cand, date, size, have);
    for (size_t i = 0; i < cand->n && rc == 0; i++) {
        if (!have[i]) {
            rc = order_get(s, cand->v[i], &date[i], &size[i]);
            if (rc == DB_NOTFOUND) {
                rc = 0;
                continue;
            }
            if (rc != 0)
                break;
        }
        if (date[i] < b->date_lo || date[i] >= b->date_hi || size[i] <= b->size_gt
            || size[i] >= b->size_lt)
            continue;
        all[n].num = cand->v[i];
        all[n].date = date[i];
        n++;
    }
    if (rc == 0) {
        if (n > 1)
            qsort(all, n, sizeof(SEARCH_HIT), hit_cmp);
        for (size_t i = 0; i < n && !pager_full(pg) && rc == 0; i++)
            rc = pager_offer(pg, all[i].num, all[i].date);
        pager_total(pg, n);
    }
    myfree(all);
    myfree(date);
    myfree(size);
    myfree(have);
    return rc;
}

typedef struct window {
    SEARCH_HIT *v;
    size_t  n, cap;
} WINDOW;

static void window_add(const void *key, const void *num, void *ctx)
{
    WINDOW *w = ctx;

    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 1024;
        w->v = myrealloc(w->v, w->cap * sizeof(SEARCH_HIT));
    }
    w->v[w->n].num = adb_key_num(num);
    w->v[w->n++].date = adb_key_date(key);
}

/* The date.db entries with lo <= date < hi, oldest first. */
static int walk_window(POSTLIST_CTX *s, int64_t lo, int64_t hi, WINDOW *w)
{
    unsigned char l[8], h[8];

    w->n = 0;
    adb_date_key(lo, l);
    adb_date_key(hi, h);
    return postlist_scan(s, s->db->date, record_get_u64(l), record_get_u64(h), window_add, w);
}

/* The first and last dates in date.db; DB_NOTFOUND when empty. */
static int walk_span(POSTLIST_CTX *s, int64_t *first, int64_t *last)
{
    DBC    *cur;
    DBT     key = {0}, val = {0};
    unsigned char kbuf[8];
    int     rc;

    if ((rc = s->db->date->cursor(s->db->date, 0, &cur, DB_READ_COMMITTED)) != 0)
        return rc;
    key.data = kbuf;
    key.ulen = 8;
    key.flags = DB_DBT_USERMEM;
    val.flags = DB_DBT_PARTIAL;
    if ((rc = cur->get(cur, &key, &val, DB_FIRST)) == 0) {
        *first = adb_key_date(kbuf);
        if ((rc = cur->get(cur, &key, &val, DB_LAST)) == 0)
            *last = adb_key_date(kbuf);
    }
    cur->close(cur);
    return rc;
}

/* The window's messages that f keeps, into nums. */
static int walk_filter(POSTLIST_CTX *s, const WINDOW *win, WALK_FILTER *f, NUMVEC *nums)
{
    int     rc;

    nums->n = 0;
    for (size_t j = 0; j < win->n; j++)
        numvec_add(nums, win->v[j].num);
    numvec_sort_unique(nums);
    f->scanned += nums->n;
    if ((rc = f->fn(s, nums, f->ctx)) == 0)
        f->kept += nums->n;
    return rc;
}

/*
 * Many candidates (bounds already applied), all with lo <= date < hi:
 * walk date.db newest first from hi until the page is full, a window of
 * dates at a time read forward in bulk (a cursor stepping backwards costs
 * ten times more per entry).  The first window is sized from the density
 * of candidates; each next one doubles.  cand NULL means every message,
 * or those that f (may be NULL) keeps.
 */
int order_walk(POSTLIST_CTX *s, const NUMVEC *cand, size_t total, int64_t lo, int64_t hi,
               PAGER *pg, WALK_FILTER *f)
{
    WINDOW  win = {0, 0, 0};
    NUMVEC  nums = {0};
    NUMSET  in;
    int64_t first, last, top, width;
    uint64_t all = adb_meta_live(s->db, 0);
    size_t  dense = f ? f->expect : cand ? cand->n : 0;
    double  need, per_sec;
    int     rc;

    pager_total(pg, total);
    if ((rc = walk_span(s, &first, &last)) != 0)
        return rc == DB_NOTFOUND ? 0 : rc;
    top = hi < last + 1 ? hi : last + 1;
    lo = lo > first ? lo : first;
    need = (double) (pg->limit ? pg->offset + pg->limit : total);
    per_sec = (double) (all ? all : 1) / (double) (last - first + 1);
    width = (int64_t) (2.0 * need * (dense ? (double) all / (double) dense : 1.0) / per_sec)
        + 3600;
    if (cand)
        numset_init(&in, cand);
    while (top > lo && pg->seen < total && !pager_full(pg) && rc == 0) {
        int64_t bottom = top - lo > width ? top - width : lo;

        if ((rc = walk_window(s, bottom, top, &win)) != 0
            || (f && (rc = walk_filter(s, &win, f, &nums)) != 0))
            break;
        if (f)
            numset_init(&in, &nums);
        for (size_t j = win.n; j-- > 0 && pg->seen < total && !pager_full(pg) && rc == 0;) {
            if ((cand || f) && !numset_has(&in, win.v[j].num))
                continue;
            rc = pager_offer(pg, win.v[j].num, win.v[j].date);
        }
        if (f)
            numset_free(&in);
        top = bottom;
        width = width > INT64_MAX / 4 ? width : width * 2;
    }
    if (f)
        f->done = top <= lo;
    else if (rc == 0)
        pager_total(pg, total);
    if (cand)
        numset_free(&in);
    myfree(win.v);
    myfree(nums.v);
    return rc;
}
