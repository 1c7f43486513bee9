/*
 * search.c - query execution (see search.h).
 *
 * Candidates start from the rarest word of the query (a bulk read of its
 * posting list); every further word filters them, by seeking in its list
 * with DB_GET_BOTH_RANGE when the candidates are few compared with the
 * list, by reading and merging it otherwise.  Dates and sizes come from
 * date.db and size.db ranges.  The page is then ordered, newest first,
 * by search_order.h.  Posting lists are read through postlist.h.
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
#include "search_order.h"
#include "terms.h"
#include "vstr.h"

#define FEW 512                     /* check ranges on these record by record */
#define WALK_COST 64.0              /* a random record read, in date.db steps */

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

/* A walk of a date window holding total messages reaches need of n
 * candidates in about need * total / n sequential steps; reading each
 * candidate's date instead is a random access that costs some WALK_COST
 * steps. */
static int walk_pays(double need, uint64_t total, size_t n)
{
    return need * (double) total / (double) n < WALK_COST * (double) n;
}

/*
 * A page of many candidates whose dates are still to be checked: walk
 * those dates newest first rather than read every candidate's date.  When
 * the page fills first, the total is the candidates times the share of
 * messages the dates hold, at the rate the page's own checks passed
 * (estimated); else every candidate in the dates was offered.
 */
static int dated_walk(POSTLIST_CTX *s, const NUMVEC *cand, const BOUNDS *b, uint64_t live,
                      PAGER *pg)
{
    double  in;
    int     rc;

    if ((rc = order_walk(s, cand, cand->n, b->date_lo, b->date_hi, pg, 0)) != 0)
        return rc;
    pg->res->estimated = 0;
    pg->res->total = pg->rank;
    if (!pager_full(pg) || pg->seen == 0)
        return 0;
    in = live ? (double) cand->n * (double) range_share(s, b) / (double) live : 0;
    if (in * (double) pg->rank / (double) pg->seen > (double) pg->rank)
        pg->res->total = (size_t) (in * (double) pg->rank / (double) pg->seen + 0.5);
    pg->res->estimated = 1;
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
    uint64_t live = adb_meta_live(s->db, 0);
    double  need;
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
            && dense_pays(q, words, nwords, offset + limit, live)) {
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
        res->hits = mymalloc((limit ? limit : live ? live : 1) * sizeof(SEARCH_HIT));
        rc = order_walk(s, 0, live, wlo, whi, &pg, 0);
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
            size_t  count = 0;

            /* A list much longer than the candidates is sought message by
             * message; a page seeks only the candidates it reaches. */
            if (estimate && (rc = postlist_count(s, q->t[i].key, &count)) == 0
                && postlist_seeks(count, cand.n)) {
                later[pg.nlater++].exclude = q->t[i].key;
                continue;
            }
            if (rc == 0)
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
    need = (double) (limit ? offset + limit : cand.n);
    if (bounds_sized(&b) || cand.n == 0)
        rc = order_each(s, &cand, &b, &pg);
    else if (!bounds_dated(&b) && walk_pays(need, wcount ? wcount : live, cand.n))
        rc = order_walk(s, &cand, cand.n, wlo, whi, &pg, 0);
    else if (bounds_dated(&b) && estimate && walk_pays(need, live, cand.n))
        rc = dated_walk(s, &cand, &b, live, &pg);
    else
        rc = order_each(s, &cand, &b, &pg);
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
