/*
 * postings.c - index entries of one message (see postings.h).
 */
#include <stdlib.h>
#include <string.h>

#include "fwd.h"
#include "msg.h"
#include "mymalloc.h"
#include "postblock.h"
#include "postings.h"
#include "terms.h"
#include "vstr.h"
#include "xtext.h"

/* An address expands into several terms, header and envelope recipients
 * repeat each other and words repeat in a text: collect, sort, and keep
 * each term once. */
struct termset {
    VSTR   *arena;                  /* NUL-separated terms */
    size_t *off;
    size_t  n, cap;
    VSTR   *fwd;                    /* word positions of the content (fwd.h) */
    VSTR   *xtext;                  /* extraction results (xtext.h) */
    int     xtext_new;              /* made now: postings_put() stores them */
    int     pairs;                  /* holds word pairs: the subject's go too */
    const POSTINGS_OPTS *opts;      /* while collecting */
};

static TERMSET *termset_create(size_t size)
{
    TERMSET *ts = mycalloc(1, sizeof(*ts));

    ts->arena = vstr_alloc(size);
    return ts;
}

static void termset_free(TERMSET *ts)
{
    if (ts) {
        vstr_free(ts->fwd);
        vstr_free(ts->xtext);
        vstr_free(ts->arena);
        myfree(ts->off);
        myfree(ts);
    }
}

static void termset_add(const char *term, size_t len, void *ctx)
{
    TERMSET *ts = ctx;

    if (ts->n == ts->cap) {
        ts->cap = ts->cap ? ts->cap * 2 : 256;
        ts->off = myrealloc(ts->off, ts->cap * sizeof(size_t));
    }
    ts->off[ts->n++] = ts->arena->len;
    vstr_add(ts->arena, term, len);
    vstr_addch(ts->arena, 0);
}

/* The arena comes as an argument: reindex builds term sets in two threads. */
static int termset_cmp(const void *a, const void *b, void *arena)
{
    const char *base = arena;

    return strcmp(base + *(const size_t *) a, base + *(const size_t *) b);
}

/* Sort and drop repeats. */
static void termset_finish(TERMSET *ts)
{
    size_t  o = 0;

    if (ts->n < 2)
        return;
    qsort_r(ts->off, ts->n, sizeof(size_t), termset_cmp, ts->arena->s);
    for (size_t i = 0; i < ts->n; i++)
        if (o == 0 || strcmp(ts->arena->s + ts->off[o - 1], ts->arena->s + ts->off[i]) != 0)
            ts->off[o++] = ts->off[i];
    ts->n = o;
}

void postings_opts_cfg(POSTINGS_OPTS *o, const CONFIG *cfg, int extract)
{
    mime_limits_cfg(&o->lim, cfg);
    attext_opts_cfg(&o->ax, cfg);
    o->extract = extract;
    o->phrase_max_words = (size_t) cfg->phrase_max_words;
    o->pairs = cfg->phrase_pairs;
}

void postings_opts_free(POSTINGS_OPTS *o)
{
    attext_opts_free(&o->ax);
}

/* The word order of a text: its section of positions and its pairs, both
 * for the first phrase_max_words words. */
static void postings_order(TERMSET *ts, char kind, const char *text, size_t len)
{
    fwd_section(ts->fwd, kind, text, len, ts->opts->phrase_max_words);
    if (ts->opts->pairs)
        terms_pairs(text, len, ts->opts->phrase_max_words, termset_add, ts);
}

/* Text of kind: its terms and its word order. */
static void postings_text(TERMSET *ts, char kind, const char *text, size_t len)
{
    terms_of_text(kind, text, len, termset_add, ts);
    postings_order(ts, kind, text, len);
}

static void postings_part(const MIME_PART *p, void *ctx)
{
    TERMSET *ts = ctx;
    const char *type;
    char    why[512];

    terms_of_part(p, termset_add, ts);
    if (p->text && p->text->len)
        postings_order(ts, 'b', p->text->s, p->text->len);
    if (*p->filename)
        postings_order(ts, 'n', p->filename, strlen(p->filename));
    type = attext_type(&ts->opts->ax, p, why, sizeof(why));
    if (type && strcmp(type, "text") == 0) {
        /* Text files are read here, the same way every time. */
        VSTR   *text = vstr_alloc(p->size + 16);
        int     cut;

        attext_part(&ts->opts->ax, type, p, text, &cut, why, sizeof(why));
        postings_text(ts, 'x', text->s, text->len);
        vstr_free(text);
    } else if (ts->opts->extract && (type || *why)) {
        VSTR   *text = vstr_alloc(4096);
        int     cut = 0;

        if (type && attext_part(&ts->opts->ax, type, p, text, &cut, why, sizeof(why)) == 0) {
            xtext_add(ts->xtext, 'T', p->filename, text->s, text->len);
            postings_text(ts, 'x', text->s, text->len);
        } else {
            xtext_add(ts->xtext, 'F', p->filename, why, strlen(why));
        }
        vstr_free(text);
    }
}

static void postings_stored(char kind, const char *name, size_t nlen, const char *data,
                            size_t len, void *ctx)
{
    (void) name, (void) nlen;
    if (kind == 'T')
        postings_text(ctx, 'x', data, len);
}

TERMSET *postings_content(const char *msg, size_t len, const POSTINGS_OPTS *o,
                          const void *stored, size_t stored_len, int *truncated)
{
    TERMSET *ts = termset_create(16384);

    ts->fwd = vstr_alloc(4096);
    ts->xtext = vstr_alloc(64);
    ts->opts = o;
    ts->pairs = o->pairs;
    mime_walk(msg, len, &o->lim, postings_part, ts, truncated);
    if (o->extract) {
        ts->xtext_new = 1;
    } else if (stored && stored_len) {
        vstr_add(ts->xtext, stored, stored_len);
        if (xtext_each(stored, stored_len, postings_stored, ts) < 0)
            msg_warn("damaged xtext.db entry: attachment text only in part indexed");
    }
    ts->opts = 0;
    termset_finish(ts);
    return ts;
}

const VSTR *postings_xtext(const TERMSET *ts)
{
    return ts->xtext;
}

int postings_xtext_get(ADB *db, DB_TXN *txn, const unsigned char num[8], VSTR *out)
{
    DBT     key = {0}, val = {0};
    int     rc;

    vstr_reset(out);
    if (db->xtext == 0)
        return DB_NOTFOUND;
    key.data = (void *) num;
    key.size = 8;
    val.flags = DB_DBT_MALLOC;
    if ((rc = db->xtext->get(db->xtext, txn, &key, &val, DB_READ_COMMITTED)) != 0)
        return rc;
    vstr_add(out, val.data, val.size);
    myfree(val.data);
    return 0;
}

void postings_content_free(TERMSET *ts)
{
    termset_free(ts);
}

/* Term writes held back to the end of a transaction (postings.h). */
struct postings_batch {
    VSTR   *arena;                  /* each: the term, NUL, the 8-byte number */
    size_t *off;
    size_t  n, cap;
};

POSTINGS_BATCH *postings_batch_create(void)
{
    POSTINGS_BATCH *b = mycalloc(1, sizeof(*b));

    b->arena = vstr_alloc(65536);
    return b;
}

void postings_batch_free(POSTINGS_BATCH *b)
{
    if (b) {
        vstr_free(b->arena);
        myfree(b->off);
        myfree(b);
    }
}

static void postings_batch_add(POSTINGS_BATCH *b, const char *t, const unsigned char num[8])
{
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 4096;
        b->off = myrealloc(b->off, b->cap * sizeof(size_t));
    }
    b->off[b->n++] = b->arena->len;
    vstr_add(b->arena, t, strlen(t) + 1);
    vstr_add(b->arena, (const char *) num, 8);
}

/* The order of term.db: the term's bytes, then the number's. */
static int batch_cmp(const void *a, const void *b, void *arena)
{
    const char *x = (const char *) arena + *(const size_t *) a;
    const char *y = (const char *) arena + *(const size_t *) b;
    int     c = strcmp(x, y);

    return c ? c : memcmp(x + strlen(x) + 1, y + strlen(y) + 1, 8);
}

/* The cursor of a transaction's term.db writes, closed by the caller. */
static int term_cursor(ADB *db, DB_TXN *txn, DBC **c)
{
    return db->term->cursor(db->term, txn, c, 0);
}

int postings_batch_flush(ADB *db, DB_TXN *txn, POSTINGS_BATCH *b)
{
    DBC    *c;
    uint64_t *nums;
    int     rc;

    if (b->n == 0)
        return 0;
    if ((rc = term_cursor(db, txn, &c)) != 0)
        return rc;
    qsort_r(b->off, b->n, sizeof(size_t), batch_cmp, b->arena->s);
    nums = mymalloc(b->n * sizeof(uint64_t));
    /* A term's numbers of the whole batch go to its list at once. */
    for (size_t i = 0, k; i < b->n && rc == 0; i = k) {
        const char *t = b->arena->s + b->off[i];
        size_t  len = strlen(t), n = 0;

        for (k = i; k < b->n && strcmp(b->arena->s + b->off[k], t) == 0; k++)
            if (n == 0 || adb_key_num(b->arena->s + b->off[k] + len + 1) != nums[n - 1])
                nums[n++] = adb_key_num(b->arena->s + b->off[k] + len + 1);
        rc = postblock_add(c, t, len, nums, n);
    }
    myfree(nums);
    c->close(c);
    b->n = 0;
    vstr_reset(b->arena);
    return rc;
}

static int postings_put_set(ADB *db, DB_TXN *txn, const unsigned char num[8], const TERMSET *ts,
                            POSTINGS_BATCH *later)
{
    uint64_t n = adb_key_num(num);
    DBC    *c = 0;
    int     rc = 0;

    if (later == 0 && ts->n > 0 && (rc = term_cursor(db, txn, &c)) != 0)
        return rc;
    for (size_t i = 0; i < ts->n && rc == 0; i++) {
        const char *t = ts->arena->s + ts->off[i];

        if (later)
            postings_batch_add(later, t, num);
        else
            rc = postblock_add(c, t, strlen(t), &n, 1);
    }
    if (c)
        c->close(c);
    return rc;
}

/* A message new to the index: its positions and, when made now, its
 * extraction results (and the count of failures status shows). */
static int postings_put_extra(ADB *db, DB_TXN *txn, const unsigned char num[8],
                              const MSGREC *rec, const TERMSET *content)
{
    VSTR   *fwd = vstr_alloc(1024);
    DBT     key = {0};
    size_t  failed;
    int     rc = 0;

    if (rec->subject)
        fwd_section(fwd, 's', rec->subject, strlen(rec->subject), 0);
    if (content)
        vstr_add(fwd, content->fwd->s, content->fwd->len);
    if (db->pos && fwd->len)
        rc = adb_put(db->pos, txn, num, 8, fwd->s, fwd->len, 0);
    vstr_free(fwd);
    if (rc != 0 || content == 0 || !content->xtext_new || db->xtext == 0)
        return rc;
    if (content->xtext->len == 0) {
        key.data = (void *) num;
        key.size = 8;
        rc = db->xtext->del(db->xtext, txn, &key, 0);
        return rc == DB_NOTFOUND ? 0 : rc;
    }
    if ((rc = adb_put(db->xtext, txn, num, 8, content->xtext->s, content->xtext->len, 0)) != 0)
        return rc;
    failed = xtext_failures(content->xtext->s, content->xtext->len);
    if (failed > 0)
        rc = adb_meta_put_u64(db, txn, "extract_failed",
                              adb_meta_u64(db, txn, "extract_failed") + failed);
    return rc;
}

int postings_put(ADB *db, DB_TXN *txn, const unsigned char num[8], const MSGREC *rec,
                 const TERMSET *content, int ranges, POSTINGS_BATCH *later)
{
    TERMSET *ts = termset_create(2048);
    int     rc = 0;

    if (ranges) {
        unsigned char dk[8], sk[8], ord[16];

        adb_date_key(rec->date, dk);
        adb_num_key((uint64_t) rec->size, sk);
        record_put_u64(ord, (uint64_t) rec->date);
        record_put_u64(ord + 8, (uint64_t) rec->size);
        if ((rc = adb_put(db->date, txn, dk, 8, num, 8, DB_NODUPDATA)) != 0
            || (rc = adb_put(db->size, txn, sk, 8, num, 8, DB_NODUPDATA)) != 0
            || (rc = adb_put(db->order, txn, num, 8, ord, 16, 0)) != 0)
            goto out;
    }
    if (content && (rc = postings_put_set(db, txn, num, content, later)) != 0)
        goto out;
    if (ranges && (rc = postings_put_extra(db, txn, num, rec, content)) != 0)
        goto out;
    terms_of_record(rec, termset_add, ts);
    if (content && content->pairs && rec->subject)
        terms_pairs(rec->subject, strlen(rec->subject), 0, termset_add, ts);
    termset_finish(ts);
    rc = postings_put_set(db, txn, num, ts, later);
out:
    termset_free(ts);
    return rc;
}

#define PAIRS_META "pairs"

int postings_pairs_ready(ADB *db, DB_TXN *txn)
{
    return adb_meta_u64(db, txn, PAIRS_META) == 1;
}

int postings_pairs_mark(ADB *db, DB_TXN *txn, int ready)
{
    return adb_meta_put_u64(db, txn, PAIRS_META, ready ? 1 : 0);
}

int postings_pairs_begin(ADB *db, DB_TXN *txn, int on)
{
    int     ready = postings_pairs_ready(db, txn);

    if (!on)
        return ready ? postings_pairs_mark(db, txn, 0) : 0;
    if (ready || adb_meta_live(db, txn) != 0)
        return 0;
    return postings_pairs_mark(db, txn, 1);
}

/* Delete the duplicate (key, num) of dbp, if there. */
static int postings_del_one(DB *dbp, DB_TXN *txn, const void *k, size_t klen,
                            const unsigned char num[8])
{
    DBC    *c;
    DBT     key = {0}, val = {0};
    int     rc;

    if ((rc = dbp->cursor(dbp, txn, &c, 0)) != 0)
        return rc;
    key.data = (void *) k;
    key.size = (u_int32_t) klen;
    val.data = (void *) num;
    val.size = 8;
    if ((rc = c->get(c, &key, &val, DB_GET_BOTH | DB_RMW)) == 0)
        rc = c->del(c, 0);
    else if (rc == DB_NOTFOUND)
        rc = 0;
    c->close(c);
    return rc;
}

/* Take num out of the lists of the terms of ts (may be NULL). */
static int postings_del_terms(ADB *db, DB_TXN *txn, uint64_t num, const TERMSET *ts)
{
    DBC    *c;
    int     rc;

    if (ts == 0 || ts->n == 0)
        return 0;
    if ((rc = term_cursor(db, txn, &c)) != 0)
        return rc;
    for (size_t i = 0; i < ts->n && rc == 0; i++) {
        const char *t = ts->arena->s + ts->off[i];

        rc = postblock_del(c, t, strlen(t), num);
    }
    c->close(c);
    return rc;
}

int postings_del(ADB *db, DB_TXN *txn, const unsigned char num[8], const MSGREC *rec,
                 const TERMSET *content)
{
    TERMSET *ts = termset_create(2048);
    unsigned char dk[8], sk[8];
    DBT     key = {0};
    size_t  n;
    int     rc;

    adb_date_key(rec->date, dk);
    adb_num_key((uint64_t) rec->size, sk);
    if ((rc = postings_del_one(db->date, txn, dk, 8, num)) != 0
        || (rc = postings_del_one(db->size, txn, sk, 8, num)) != 0)
        goto out;
    key.data = (void *) num;
    key.size = 8;
    {
        DB     *byid[] = {db->order, db->pos, db->xtext};

        for (size_t i = 0; i < sizeof(byid) / sizeof(byid[0]) && rc == 0; i++)
            if (byid[i] && (rc = byid[i]->del(byid[i], txn, &key, 0)) == DB_NOTFOUND)
                rc = 0;
        if (rc != 0)
            goto out;
    }
    if (content && (n = xtext_failures(content->xtext->s, content->xtext->len)) > 0) {
        uint64_t f = adb_meta_u64(db, txn, "extract_failed");

        if ((rc = adb_meta_put_u64(db, txn, "extract_failed", f > n ? f - n : 0)) != 0)
            goto out;
    }
    if ((rc = postings_del_terms(db, txn, adb_key_num(num), content)) != 0)
        goto out;
    /* Pairs whether or not phrase_pairs is on now: it may have been. */
    terms_of_record(rec, termset_add, ts);
    if (rec->subject)
        terms_pairs(rec->subject, strlen(rec->subject), 0, termset_add, ts);
    termset_finish(ts);
    rc = postings_del_terms(db, txn, adb_key_num(num), ts);
out:
    termset_free(ts);
    return rc;
}
