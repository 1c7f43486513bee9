/*
 * postings.c - index entries of one message (see postings.h).
 */
#include <stdlib.h>
#include <string.h>

#include "mymalloc.h"
#include "postings.h"
#include "terms.h"
#include "vstr.h"

/* An address expands into several terms, header and envelope recipients
 * repeat each other and words repeat in a text: collect, sort, and keep
 * each term once. */
struct termset {
    VSTR   *arena;                  /* NUL-separated terms */
    size_t *off;
    size_t  n, cap;
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

static const char *termset_base;

static int termset_cmp(const void *a, const void *b)
{
    return strcmp(termset_base + *(const size_t *) a, termset_base + *(const size_t *) b);
}

/* Sort and drop repeats. */
static void termset_finish(TERMSET *ts)
{
    size_t  o = 0;

    if (ts->n < 2)
        return;
    termset_base = ts->arena->s;
    qsort(ts->off, ts->n, sizeof(size_t), termset_cmp);
    for (size_t i = 0; i < ts->n; i++)
        if (o == 0 || strcmp(ts->arena->s + ts->off[o - 1], ts->arena->s + ts->off[i]) != 0)
            ts->off[o++] = ts->off[i];
    ts->n = o;
}

TERMSET *postings_content(const char *msg, size_t len, const MIME_LIMITS *lim, int *truncated)
{
    TERMSET *ts = termset_create(16384);

    terms_of_message(msg, len, lim, termset_add, ts, truncated);
    termset_finish(ts);
    return ts;
}

void postings_content_free(TERMSET *ts)
{
    termset_free(ts);
}

static int postings_put_set(ADB *db, DB_TXN *txn, const unsigned char num[8], const TERMSET *ts)
{
    int     rc = 0;

    for (size_t i = 0; i < ts->n && rc == 0; i++) {
        const char *t = ts->arena->s + ts->off[i];

        rc = adb_put(db->term, txn, t, strlen(t), num, 8, DB_NODUPDATA);
    }
    return rc;
}

int postings_put(ADB *db, DB_TXN *txn, const unsigned char num[8], const MSGREC *rec,
                 const TERMSET *content, int ranges)
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
    if (content && (rc = postings_put_set(db, txn, num, content)) != 0)
        goto out;
    terms_of_record(rec, termset_add, ts);
    termset_finish(ts);
    rc = postings_put_set(db, txn, num, ts);
out:
    termset_free(ts);
    return rc;
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

int postings_del(ADB *db, DB_TXN *txn, const unsigned char num[8], const MSGREC *rec,
                 const TERMSET *content)
{
    TERMSET *ts = termset_create(2048);
    unsigned char dk[8], sk[8];
    DBT     key = {0};
    int     rc;

    adb_date_key(rec->date, dk);
    adb_num_key((uint64_t) rec->size, sk);
    if ((rc = postings_del_one(db->date, txn, dk, 8, num)) != 0
        || (rc = postings_del_one(db->size, txn, sk, 8, num)) != 0)
        goto out;
    if (db->order) {
        key.data = (void *) num;
        key.size = 8;
        if ((rc = db->order->del(db->order, txn, &key, 0)) == DB_NOTFOUND)
            rc = 0;
        if (rc != 0)
            goto out;
    }
    for (size_t i = 0; content && i < content->n && rc == 0; i++) {
        const char *t = content->arena->s + content->off[i];

        rc = postings_del_one(db->term, txn, t, strlen(t), num);
    }
    if (rc != 0)
        goto out;
    terms_of_record(rec, termset_add, ts);
    termset_finish(ts);
    for (size_t i = 0; i < ts->n && rc == 0; i++) {
        const char *t = ts->arena->s + ts->off[i];

        rc = postings_del_one(db->term, txn, t, strlen(t), num);
    }
out:
    termset_free(ts);
    return rc;
}
