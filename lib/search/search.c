/*
 * search.c - query execution (see search.h).
 *
 * Candidates start from the rarest word of the query (a bulk read of its
 * posting list); every further word filters them, by seeking in its list
 * with DB_GET_BOTH_RANGE when the candidates are few compared with the
 * list, by reading and merging it otherwise.  Dates and sizes come from
 * date.db and size.db ranges.  The page is ordered either from each
 * candidate's order.db entry (few candidates) or by walking date.db from
 * the newest end until the page is full (many candidates).  Posting lists
 * and ranges are read through postlist.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mymalloc.h"
#include "phrase.h"
#include "postings.h"
#include "postlist.h"
#include "record.h"
#include "search.h"
#include "terms.h"
#include "vstr.h"

#define FEW 512                     /* check ranges on these record by record */
#define WALK_COST 64.0              /* a random record read, in date.db steps */

typedef struct bounds {
    int64_t date_lo, date_hi;       /* lo <= date < hi */
    int64_t size_gt, size_lt;       /* gt < size < lt */
} BOUNDS;

static int bounds_dated(const BOUNDS *b)
{
    return b->date_lo != INT64_MIN / 2 || b->date_hi != INT64_MAX / 2;
}

static int bounds_sized(const BOUNDS *b)
{
    return b->size_gt != -1 || b->size_lt != INT64_MAX;
}

static int range_dates(POSTLIST_CTX *s, const BOUNDS *b, NUMVEC *out)
{
    unsigned char l[8], h[8];

    adb_date_key(b->date_lo, l);
    adb_date_key(b->date_hi, h);
    return postlist_range(s, s->db->date, record_get_u64(l), record_get_u64(h), out);
}

static int range_sizes(POSTLIST_CTX *s, const BOUNDS *b, NUMVEC *out)
{
    return postlist_range(s, s->db->size, (uint64_t) (b->size_gt + 1), (uint64_t) b->size_lt, out);
}

/* About how many messages the date bounds hold (DB->key_range). */
static size_t range_share(POSTLIST_CTX *s, const BOUNDS *b)
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

/* ---- query structure ---------------------------------------------------- */

/* The end of the group starting at i, and of the clause starting at i. */
static int group_end(const QUERY *q, int i)
{
    int     e = i;

    while (e < q->n && q->t[e].group == q->t[i].group)
        e++;
    return e;
}

static int clause_end(const QUERY *q, int i)
{
    int     e = i;

    while (e < q->n && q->t[e].clause == q->t[i].clause)
        e++;
    return e;
}

static void bounds_add(BOUNDS *b, const QTERM *t)
{
    switch (t->kind) {
    case Q_DATE_GE: if (t->val > b->date_lo) b->date_lo = t->val; break;
    case Q_DATE_LT: if (t->val < b->date_hi) b->date_hi = t->val; break;
    case Q_SIZE_GT: if (t->val > b->size_gt) b->size_gt = t->val; break;
    case Q_SIZE_LT: if (t->val < b->size_lt) b->size_lt = t->val; break;
    case Q_POSTING: break;
    }
}

static const BOUNDS bounds_none = {INT64_MIN / 2, INT64_MAX / 2, -1, INT64_MAX};

/* The messages one group matches on its own (inside an OR). */
static int group_set(POSTLIST_CTX *s, const QUERY *q, int i, int end, NUMVEC *out)
{
    BOUNDS  b = bounds_none;
    NUMVEC  tmp = {0};
    int     rc = 0;

    if (q->t[i].kind == Q_POSTING) {
        PHRASE_KEYS pk;

        if (phrase_keys(s, &q->t[i], end - i, &pk) > 0) {
            rc = postlist_read(s, pk.v[0], out);
            for (int k = 1; k < pk.n && rc == 0; k++)
                rc = postlist_filter(s, pk.v[k], out, 1);
        } else if ((rc = postlist_read(s, q->t[i].key, out)) == 0) {
            for (int k = i + 1; k < end && rc == 0; k++)
                rc = postlist_filter(s, q->t[k].key, out, 1);
        }
        phrase_keys_free(&pk);
        if (rc == 0 && q->t[i].phrase)
            rc = phrase_filter(s, &q->t[i], end - i, out);
        return rc;
    }
    for (int k = i; k < end; k++)
        bounds_add(&b, &q->t[k]);
    if (bounds_dated(&b))
        rc = range_dates(s, &b, out);
    if (rc == 0 && bounds_sized(&b)) {
        if (bounds_dated(&b)) {
            if ((rc = range_sizes(s, &b, &tmp)) == 0)
                numvec_merge(out, &tmp, 1);
        } else {
            rc = range_sizes(s, &b, out);
        }
    }
    myfree(tmp.v);
    return rc;
}

typedef struct word {
    const char *key;
    size_t  count;
} WORD;

static int word_cmp(const void *a, const void *b)
{
    const WORD *x = a, *y = b;

    return x->count < y->count ? -1 : x->count > y->count;
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

/* A phrase checked only on the candidates a page reaches. */
typedef struct later {
    PHRASE  p;
    int     neg;                    /* drop the matches rather than keep them */
    NUMVEC  only;                   /* neg: the messages holding all the words */
    NUMSET  in_only;                /* ... to look up */
} LATER;

/* Candidates offered newest first; the page takes those that pass. */
typedef struct pager {
    POSTLIST_CTX *s;
    SEARCH_RESULT *res;
    LATER  *later;
    int     nlater;
    size_t  offset, limit;
    size_t  rank;                   /* hits so far */
    size_t  seen;                   /* candidates offered */
} PAGER;

static int pager_full(const PAGER *pg)
{
    return pg->limit && pg->rank >= pg->offset + pg->limit;
}

static int pager_offer(PAGER *pg, uint64_t num, int64_t date)
{
    pg->seen++;
    for (int i = 0; i < pg->nlater; i++) {
        LATER  *l = &pg->later[i];
        int     match, rc;

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
static int order_each(POSTLIST_CTX *s, const NUMVEC *cand, const BOUNDS *b, PAGER *pg)
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

/* A walk that keeps, window by window, the messages fn leaves in nums
 * (their numbers, sorted) instead of looking them up in candidates:
 * scanned and kept count what it saw. */
typedef struct walk_filter {
    int     (*fn)(POSTLIST_CTX *s, NUMVEC *nums, void *ctx);
    void   *ctx;
    size_t  expect;                 /* about how many messages it keeps */
    size_t  scanned, kept;
    int     done;                   /* the walk reached its oldest date */
} WALK_FILTER;

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
static int order_walk(POSTLIST_CTX *s, const NUMVEC *cand, size_t total, int64_t lo, int64_t hi,
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

/* ---- the query ------------------------------------------------------------ */

/* What this user may see: one of their addresses as sender (f:) or
 * recipient (t:), headers and envelope, Bcc included. */
static int search_access(POSTLIST_CTX *s, const ACCESS *acc, NUMVEC *cand)
{
    char  **keys = mycalloc((size_t) acc->addrs.n * 2 + 1, sizeof(char *));
    VSTR   *key = vstr_alloc(64);
    int     n = 0, rc;

    for (int i = 0; i < acc->addrs.n; i++)
        for (const char *kind = "ft"; *kind; kind++) {
            terms_key(*kind, acc->addrs.v[i], strlen(acc->addrs.v[i]), key);
            keys[n++] = mystrdup(key->s);
        }
    rc = postlist_filter_terms(s, (const char *const *) keys, n, cand, 1);
    while (n > 0)
        myfree(keys[--n]);
    myfree(keys);
    vstr_free(key);
    return rc;
}

/* ---- dense words ------------------------------------------------------------ */

#define SEEK_COST 64.0              /* a seek in a posting list, in entries read in bulk */

/* Words, one-word exclusions and dates only: no OR, no phrase, no size. */
static int dense_shape(const QUERY *q)
{
    for (int i = 0; i < q->n; i = group_end(q, i)) {
        int     ge = group_end(q, i);

        if (ge != clause_end(q, i) || (q->t[i].phrase && ge - i > 1)
            || (q->t[i].neg && (ge - i != 1 || q->t[i].kind != Q_POSTING)))
            return 0;
        for (int k = i; k < ge; k++)
            if (q->t[k].kind == Q_SIZE_GT || q->t[k].kind == Q_SIZE_LT)
                return 0;
    }
    return 1;
}

/* Would seeking each walked message in every list cost less than reading
 * the lists?  The walk takes about need * live / rarest messages. */
static int dense_pays(const QUERY *q, const WORD *words, int nwords, size_t need, uint64_t live)
{
    double  read = 0, seeks = 0;

    if (words[0].count == 0)
        return 0;
    for (int i = 0; i < nwords; i++)
        read += (double) words[i].count;
    for (int i = 0; i < q->n; i++)
        if (q->t[i].kind == Q_POSTING)
            seeks += q->t[i].key[0] == QUERY_ANY_TEXT ? 3 : 1;
    return (double) need * (double) live / (double) words[0].count * seeks * SEEK_COST < read;
}

typedef struct dense {
    const QUERY *q;
    const WORD *words;
    int     nwords;
    const ACCESS *acc;
} DENSE;

/* Keep the window's messages (sorted numbers) that have every word, the
 * rarest first, and none of the exclusions, and that acc may see. */
static int dense_filter(POSTLIST_CTX *s, NUMVEC *nums, void *ctx)
{
    const DENSE *d = ctx;
    int     rc = 0;

    for (int i = 0; i < d->nwords && rc == 0 && nums->n > 0; i++)
        rc = postlist_filter(s, d->words[i].key, nums, 1);
    for (int i = 0; i < d->q->n && rc == 0 && nums->n > 0; i++)
        if (d->q->t[i].neg)
            rc = postlist_filter(s, d->q->t[i].key, nums, 0);
    if (rc == 0 && nums->n > 0 && d->acc && !access_sees_all(d->acc))
        rc = search_access(s, d->acc, nums);
    return rc;
}

/*
 * Words that most messages hold: rather than read lists of a good part of
 * the archive, walk the dates (order_walk) and keep the messages of each
 * window that are in the lists, a seek per message and list.  The total is
 * exact when the walk reached the oldest date, else the share kept so far
 * of the messages the dates hold (estimated).
 */
static int dense_walk(POSTLIST_CTX *s, const QUERY *q, const WORD *words, int nwords,
                      const ACCESS *acc, const BOUNDS *b, PAGER *pg)
{
    DENSE   d = {q, words, nwords, acc};
    WALK_FILTER f = {dense_filter, &d, words[0].count, 0, 0, 0};
    size_t  all = (size_t) adb_meta_live(s->db, 0);
    int     rc;

    if ((rc = order_walk(s, 0, all, b->date_lo, b->date_hi, pg, &f)) != 0)
        return rc;
    if (f.done) {
        pg->res->total = f.kept;
    } else {
        size_t  held = bounds_dated(b) ? range_share(s, b) : all;

        pg->res->total = f.scanned ? (size_t) ((double) f.kept * (double) held
                                               / (double) f.scanned + 0.5) : pg->rank;
        if (pg->res->total < pg->rank)
            pg->res->total = pg->rank;
        pg->res->estimated = 1;
    }
    return 0;
}

static int search_once(POSTLIST_CTX *s, const QUERY *q, const ACCESS *acc, size_t offset,
                       size_t limit, int estimate, SEARCH_RESULT *res)
{
    NUMVEC  cand = {0}, tmp = {0}, alt = {0};
    LATER  *later = mycalloc((size_t) q->n + 1, sizeof(LATER));
    PAGER   pg = {s, res, later, 0, offset, limit, 0, 0};
    BOUNDS  b = bounds_none;
    int64_t wlo = bounds_none.date_lo, whi = bounds_none.date_hi;   /* dates applied */
    size_t  wcount = 0;                 /* messages in that window, 0: not counted */
    WORD   *words = mycalloc((size_t) q->n + 1, sizeof(WORD));
    PHRASE_KEYS *pk = mycalloc((size_t) q->n + 1, sizeof(PHRASE_KEYS));
    int     nwords = 0, npk = 0;
    int     have = 0;
    int     rc = 0;

    /* Plain words of one-group clauses (a phrase's pairs when the index
     * has them), and the bounds of lone ranges. */
    for (int i = 0; i < q->n; i = clause_end(q, i)) {
        if (q->t[i].neg || group_end(q, i) != clause_end(q, i))
            continue;
        if (phrase_keys(s, &q->t[i], group_end(q, i) - i, &pk[npk]) > 0) {
            for (int k = 0; k < pk[npk].n; k++) {
                words[nwords].key = pk[npk].v[k];
                if ((rc = postlist_count(s, pk[npk].v[k], &words[nwords].count)) != 0)
                    goto out;
                nwords++;
            }
            npk++;
            continue;
        }
        for (int k = i; k < clause_end(q, i); k++) {
            if (q->t[k].kind == Q_POSTING) {
                words[nwords].key = q->t[k].key;
                if ((rc = postlist_count(s, q->t[k].key, &words[nwords].count)) != 0)
                    goto out;
                nwords++;
            } else {
                bounds_add(&b, &q->t[k]);
            }
        }
    }
    /* The rarest word first; every other word filters.  A page of words
     * most messages hold walks the dates instead. */
    if (nwords > 0) {
        qsort(words, (size_t) nwords, sizeof(WORD), word_cmp);
        if (estimate && limit > 0 && !bounds_sized(&b) && dense_shape(q)
            && dense_pays(q, words, nwords, offset + limit, adb_meta_live(s->db, 0))) {
            res->hits = mymalloc(limit * sizeof(SEARCH_HIT));
            rc = dense_walk(s, q, words, nwords, acc, &b, &pg);
            goto out;
        }
        if ((rc = postlist_read(s, words[0].key, &cand)) != 0)
            goto out;
        have = 1;
        for (int k = 1; k < nwords && cand.n > 0 && rc == 0; k++)
            rc = postlist_filter(s, words[k].key, &cand, 1);
        if (rc != 0)
            goto out;
    }
    /* OR clauses: the union of their alternatives. */
    for (int i = 0; i < q->n && !(have && cand.n == 0); i = clause_end(q, i)) {
        int     ce = clause_end(q, i);

        if (q->t[i].neg || group_end(q, i) == ce)
            continue;
        alt.n = 0;
        for (int g = i; g < ce; g = group_end(q, g)) {
            if ((rc = group_set(s, q, g, group_end(q, g), &tmp)) != 0)
                goto out;
            for (size_t k = 0; k < tmp.n; k++)
                numvec_add(&alt, tmp.v[k]);
        }
        numvec_sort_unique(&alt);
        if (have) {
            numvec_merge(&cand, &alt, 1);
        } else {
            numvec_copy(&cand, &alt);
            have = 1;
        }
    }
    /* Nothing but ranges: start from one of them. */
    if (!have && q->n == 0 && !(acc && !access_sees_all(acc))) {
        uint64_t total = adb_meta_live(s->db, 0);

        res->hits = mymalloc((limit ? limit : total ? total : 1) * sizeof(SEARCH_HIT));
        rc = order_walk(s, 0, total, wlo, whi, &pg, 0);
        goto out;
    }
    if (!have && bounds_sized(&b) && !bounds_dated(&b)) {
        if ((rc = range_sizes(s, &b, &cand)) != 0)
            goto out;
        b.size_gt = bounds_none.size_gt;
        b.size_lt = bounds_none.size_lt;
        have = 1;
    }
    if (!have || (cand.n > FEW && bounds_dated(&b) && range_share(s, &b) < cand.n * 4)) {
        /* Many candidates and a range not much larger: one bulk range
         * read beats reading each candidate's date. */
        if ((rc = range_dates(s, &b, have ? &tmp : &cand)) != 0)
            goto out;
        wcount = have ? tmp.n : cand.n;
        if (have)
            numvec_merge(&cand, &tmp, 1);
        wlo = b.date_lo;
        whi = b.date_hi;
        b.date_lo = bounds_none.date_lo;
        b.date_hi = bounds_none.date_hi;
        have = 1;
    }
    if (cand.n > FEW && bounds_sized(&b)) {
        if ((rc = range_sizes(s, &b, &tmp)) != 0)
            goto out;
        numvec_merge(&cand, &tmp, 1);
        b.size_gt = bounds_none.size_gt;
        b.size_lt = bounds_none.size_lt;
    }
    if (acc && !access_sees_all(acc) && cand.n > 0 && (rc = search_access(s, acc, &cand)) != 0)
        goto out;
    /* Phrases: the words are all there; are they next to each other?  For
     * a page with an estimated total, only the candidates it reaches are
     * checked, newest first. */
    estimate = estimate && limit > 0;
    for (int i = 0; i < q->n && cand.n > 0; i = clause_end(q, i)) {
        if (q->t[i].neg || !q->t[i].phrase || group_end(q, i) != clause_end(q, i))
            continue;
        if (estimate) {
            if (phrase_init(&later[pg.nlater].p, &q->t[i], group_end(q, i) - i))
                pg.nlater++;
            else
                phrase_free(&later[pg.nlater].p);
        } else if ((rc = phrase_filter(s, &q->t[i], group_end(q, i) - i, &cand)) != 0) {
            goto out;
        }
    }
    /* Exclusions: drop messages that match every word of a negated value. */
    for (int i = 0; i < q->n && cand.n > 0; i = group_end(q, i)) {
        int     ge = group_end(q, i);

        if (!q->t[i].neg || q->t[i].kind != Q_POSTING)
            continue;
        if (ge - i == 1) {
            rc = postlist_filter(s, q->t[i].key, &cand, 0);
        } else {
            PHRASE_KEYS npk;

            /* The candidates holding the phrase's pairs, or its words. */
            numvec_copy(&alt, &cand);
            if (phrase_keys(s, &q->t[i], ge - i, &npk) > 0)
                for (int k = 0; k < npk.n && alt.n > 0 && rc == 0; k++)
                    rc = postlist_filter(s, npk.v[k], &alt, 1);
            else
                for (int k = i; k < ge && alt.n > 0 && rc == 0; k++)
                    rc = postlist_filter(s, q->t[k].key, &alt, 1);
            phrase_keys_free(&npk);
            if (rc == 0 && q->t[i].phrase && estimate && alt.n > 0
                && phrase_init(&later[pg.nlater].p, &q->t[i], ge - i)) {
                /* Checked later, on the candidates holding every word. */
                later[pg.nlater].neg = 1;
                later[pg.nlater].only = alt;
                numset_init(&later[pg.nlater].in_only, &later[pg.nlater].only);
                pg.nlater++;
                memset(&alt, 0, sizeof(alt));
                continue;
            }
            if (rc == 0 && q->t[i].phrase)
                rc = phrase_filter(s, &q->t[i], ge - i, &alt);
            numvec_merge(&cand, &alt, 0);
        }
        if (rc != 0)
            goto out;
    }
    /* The page, newest first. */
    res->hits = mymalloc(((limit && limit < cand.n) ? limit : cand.n ? cand.n : 1)
                         * sizeof(SEARCH_HIT));
    if (bounds_dated(&b) || bounds_sized(&b) || cand.n == 0) {
        rc = order_each(s, &cand, &b, &pg);
    } else {
        uint64_t total = wcount ? wcount : adb_meta_live(s->db, 0);
        double  need = (double) (limit ? offset + limit : cand.n);

        /* A walk of the date window takes about need * total / cand.n
         * sequential steps; a record read is a random access that costs
         * some WALK_COST steps. */
        if (need * (double) total / (double) cand.n < WALK_COST * (double) cand.n)
            rc = order_walk(s, &cand, cand.n, wlo, whi, &pg, 0);
        else
            rc = order_each(s, &cand, &b, &pg);
    }
out:
    for (int i = 0; i < pg.nlater; i++) {
        phrase_free(&later[i].p);
        numset_free(&later[i].in_only);
        myfree(later[i].only.v);
    }
    myfree(later);
    myfree(words);
    for (int i = 0; i < npk; i++)
        phrase_keys_free(&pk[i]);
    myfree(pk);
    myfree(cand.v);
    myfree(tmp.v);
    myfree(alt.v);
    return rc;
}

static int search_go(ADB *db, const QUERY *q, const ACCESS *acc, size_t offset, size_t limit,
                     int estimate, SEARCH_RESULT *res, char *err, size_t errlen)
{
    POSTLIST_CTX s = {db, mymalloc(POSTLIST_BULK), postings_pairs_ready(db, 0)};
    int     rc = 0;

    /* A reader can be the victim the lock detector picks; it starts over. */
    for (int i = 0; i < ADB_DEADLOCK_RETRIES; i++) {
        memset(res, 0, sizeof(*res));
        if ((rc = search_once(&s, q, acc, offset, limit, estimate, res)) != DB_LOCK_DEADLOCK)
            break;
        search_result_free(res);
    }
    if (rc != 0) {
        snprintf(err, errlen, "search: %s", db_strerror(rc));
        search_result_free(res);
    }
    myfree(s.bulk);
    return rc;
}

int search_run(ADB *db, const QUERY *q, const ACCESS *acc, size_t offset, size_t limit,
               SEARCH_RESULT *res, char *err, size_t errlen)
{
    return search_go(db, q, acc, offset, limit, 0, res, err, errlen);
}

int search_page_run(ADB *db, const QUERY *q, const ACCESS *acc, size_t offset, size_t limit,
                    SEARCH_RESULT *res, char *err, size_t errlen)
{
    return search_go(db, q, acc, offset, limit, 1, res, err, errlen);
}

void search_result_free(SEARCH_RESULT *res)
{
    myfree(res->hits);
    memset(res, 0, sizeof(*res));
}

int search_visible(ADB *db, const ACCESS *acc, uint64_t num)
{
    POSTLIST_CTX s = {db, mymalloc(POSTLIST_BULK), 0};
    NUMVEC  cand = {0};
    int     rc = 0;

    if (acc == 0 || access_sees_all(acc)) {
        myfree(s.bulk);
        return 1;
    }
    for (int i = 0; i < ADB_DEADLOCK_RETRIES; i++) {
        cand.n = 0;
        numvec_add(&cand, num);
        if ((rc = search_access(&s, acc, &cand)) != DB_LOCK_DEADLOCK)
            break;
    }
    myfree(s.bulk);
    myfree(cand.v);
    return rc != 0 ? -1 : cand.n == 1;
}

int search_count(ADB *db, const char *text, size_t *n, char *err, size_t errlen)
{
    SEARCH_RESULT res;
    QUERY   q;
    int     rc;

    *n = 0;
    if (query_parse(text, &q, err, errlen) < 0)
        return -1;
    rc = search_run(db, &q, 0, 0, 1, &res, err, errlen);
    query_free(&q);
    if (rc != 0)
        return -1;
    *n = res.total;
    search_result_free(&res);
    return 0;
}
