/*
 * cli_reindex.c - mailarc reindex: rebuild the index from the store.
 *
 * The posting lists, date.db, size.db and order.db are emptied in one transaction,
 * then every record is re-read with its blob (digest checked), its header
 * fields are derived again from the exact bytes, and its entries are
 * written exactly as the indexer writes them, a batch per transaction.
 * The record itself is re-read under a write lock inside that transaction,
 * so arrivals the running indexer merges meanwhile are kept.  Messages the
 * indexer adds during the rebuild get higher numbers and are reached too.
 * A record whose blob is missing or damaged is indexed from the record
 * alone and reported; blobs in the store that no record names are
 * reported.  Run as root, it works as the archive's user, like the
 * daemons, so the files it creates stay theirs.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "digest.h"
#include "meta.h"
#include "msg.h"
#include "mymalloc.h"
#include "postings.h"
#include "store.h"
#include "cli.h"

#define REINDEX_BATCH 1024             /* messages a transaction */
#define REINDEX_CHECKPOINT (REINDEX_BATCH * 16)
#define REINDEX_KEEP (1024 * 1024)      /* largest buffer a slot keeps */

typedef struct item {
    uint64_t num;
    int64_t arrival;
    char    hex[65];
    int     fetched;                /* packed holds the blob as stored */
    int     in_db;                  /* not in the files: blob.db is to be read */
    VSTR   *where, *packed, *xt;    /* its place, its bytes, its stored xtext.db entry */
    char    err[512];               /* why there is no blob */
    MSGREC  fresh;                  /* header fields derived from the blob */
    TERMSET *content;
    int     have_blob;
} ITEM;

/*
 * Two batches in flight: while this thread writes one (Berkeley DB), a
 * second thread decompresses, checks and parses the next (no database
 * handle: the environment is not opened for threads).
 */
typedef struct batch {
    ITEM    items[REINDEX_BATCH];
    int     n;
    pthread_t worker;
    int     working;
    const struct reindex *r;
    STORE_CHECK *check;
} BATCH;

typedef struct reindex {
    const CONFIG *cfg;
    ADB    *db;
    POSTINGS_OPTS po;
    uint64_t done, total, unreadable;
    int     tty;
    time_t  started, shown;
} REINDEX;

static void reindex_progress(REINDEX *r, int last)
{
    time_t  now = time(0);

    if (!last && now == r->shown)
        return;
    r->shown = now;
    if (r->tty)
        fprintf(stderr, "\rreindex: %llu of %llu messages (%llu%%)%s",
                (unsigned long long) r->done, (unsigned long long) r->total,
                (unsigned long long) (r->total ? r->done * 100 / r->total : 100),
                last ? "\n" : "");
    else if (last || (now - r->started) % 10 == 0)
        fprintf(stderr, "reindex: %llu of %llu messages\n", (unsigned long long) r->done,
                (unsigned long long) r->total);
}

static BATCH *reindex_batch_create(const REINDEX *r)
{
    BATCH  *b = mycalloc(1, sizeof(*b));

    b->r = r;
    b->check = store_check_create();
    for (int i = 0; i < REINDEX_BATCH; i++) {
        b->items[i].where = vstr_alloc(256);
        b->items[i].packed = vstr_alloc(65536);
        b->items[i].xt = vstr_alloc(256);
    }
    return b;
}

static void reindex_batch_free(BATCH *b)
{
    for (int i = 0; i < REINDEX_BATCH; i++) {
        vstr_free(b->items[i].where);
        vstr_free(b->items[i].packed);
        vstr_free(b->items[i].xt);
    }
    store_check_free(b->check);
    myfree(b);
}

/* Read the next batch of records after *next (outside any transaction)
 * with each blob's stored bytes: this thread's part, the database's. */
static int reindex_read(REINDEX *r, uint64_t *next, BATCH *b)
{
    DBC    *cur;
    DBT     key, val;
    unsigned char kbuf[8];
    int     rc;

    b->n = 0;
    for (rc = adb_msg_from(r->db, *next, &cur, &key, &val, kbuf);
         rc == 0 && b->n < REINDEX_BATCH; rc = cur->get(cur, &key, &val, DB_NEXT)) {
        ITEM   *it = &b->items[b->n];
        MSGREC  old;

        if (key.size != 8)
            continue;
        it->num = adb_key_num(kbuf);
        *next = it->num + 1;
        record_init(&it->fresh);
        it->content = 0;
        it->have_blob = it->fetched = it->in_db = 0;
        if (record_decode(val.data, val.size, &old) < 0) {
            msg_warn("record %llu is damaged; left as it is",
                     (unsigned long long) it->num);
            r->unreadable++;
            continue;
        }
        if (old.flags & REC_F_DELETED) {    /* a tombstone has no entries */
            record_free(&old);
            continue;
        }
        digest_hex(old.sha, it->hex);
        it->arrival = old.arrival;
        vstr_reset(it->packed);
        vstr_reset(it->xt);
        if (!r->po.extract)
            postings_xtext_get(r->db, 0, kbuf, it->xt);
        record_free(&old);
        b->n++;
    }
    if (cur)
        cur->close(cur);
    if (rc == DB_NOTFOUND)
        rc = 0;
    myfree(val.data);
    return rc;
}

/* Check an item's blob, derive header fields and content terms from its
 * exact bytes. */
static void reindex_prepare_item(const REINDEX *r, STORE_CHECK *check, ITEM *it)
{
    const VSTR *msg = check->out;
    ENVELOPE env;

    if (!it->fetched || store_check_blob(check, it->where->s, it->hex, -1, 0, it->packed,
                                         it->err, sizeof(it->err)) != 0)
        return;
    envelope_init(&env);
    env.arrival = it->arrival;
    memcpy(env.sha256, it->hex, sizeof(env.sha256));
    /* With no Date header, the date is the first arrival. */
    meta_parse(msg->s, msg->len, &env, &it->fresh);
    it->content = postings_content(msg->s, msg->len, &r->po, it->xt->s,
                                   r->po.extract ? 0 : it->xt->len, 0);
    it->have_blob = 1;
    envelope_free(&env);
}

/* The other thread's part: read each blob from the files (a blob kept in
 * blob.db is left to the thread that holds the database), and prepare it. */
static void *reindex_prepare(void *arg)
{
    BATCH  *b = arg;
    const REINDEX *r = b->r;

    for (int i = 0; i < b->n; i++) {
        ITEM   *it = &b->items[i];
        int     rc = store_fetch_file(r->cfg->data_dir, it->arrival, it->hex, 0, it->where,
                                      it->packed, it->err, sizeof(it->err));

        if (rc == STORE_MISSING && r->db->blob) {
            it->in_db = 1;
            continue;
        }
        it->fetched = rc == 0;
        reindex_prepare_item(r, b->check, it);
    }
    return 0;
}

static void reindex_start(BATCH *b)
{
    int     rc;

    if (b->n == 0)
        return;
    if ((rc = pthread_create(&b->worker, 0, reindex_prepare, b)) != 0) {
        msg_warn("cannot start a thread (%s); preparing in this one", strerror(rc));
        reindex_prepare(b);
        return;
    }
    b->working = 1;
}

/* Wait for the batch, and report the blobs it could not read. */
static void reindex_wait(REINDEX *r, BATCH *b)
{
    if (b->working)
        pthread_join(b->worker, 0);
    b->working = 0;
    for (int i = 0; i < b->n; i++) {
        ITEM   *it = &b->items[i];

        if (it->in_db) {
            it->fetched = store_fetch(r->cfg->data_dir, r->db, it->arrival, it->hex, 0, it->where,
                                      it->packed, it->err, sizeof(it->err)) == 0;
            reindex_prepare_item(r, b->check, it);
        }
    }
    for (int i = 0; i < b->n; i++)
        if (!b->items[i].have_blob) {
            msg_warn("message %s: %s; indexed from its record alone", b->items[i].hex,
                     b->items[i].err);
            r->unreadable++;
        }
}

/* One transaction: refresh each record and write its entries. */
static int reindex_write(REINDEX *r, const BATCH *b)
{
    const ITEM *items = b->items;
    int     n = b->n;
    DB_TXN *txn;
    VSTR   *buf = vstr_alloc(4096);
    POSTINGS_BATCH *later = postings_batch_create();
    int     rc;

    if ((rc = r->db->env->txn_begin(r->db->env, 0, &txn, 0)) != 0)
        goto out;
    for (int i = 0; i < n && rc == 0; i++) {
        DBT     key = {0}, val = {0};
        unsigned char kbuf[8];
        MSGREC  rec;

        adb_num_key(items[i].num, kbuf);
        key.data = kbuf;
        key.size = 8;
        val.flags = DB_DBT_MALLOC;
        if ((rc = r->db->msg->get(r->db->msg, txn, &key, &val, DB_RMW)) != 0)
            break;
        if (record_decode(val.data, val.size, &rec) < 0 || (rec.flags & REC_F_DELETED)) {
            if (rec.flags & REC_F_DELETED)
                record_free(&rec);
            myfree(val.data);
            continue;
        }
        if (items[i].have_blob) {
            meta_copy_headers(&rec, &items[i].fresh);
            record_encode(&rec, buf);
            if (buf->len != val.size || memcmp(buf->s, val.data, val.size) != 0)
                rc = adb_put(r->db->msg, txn, kbuf, 8, buf->s, buf->len, 0);
        }
        myfree(val.data);
        if (rc == 0)
            rc = postings_put(r->db, txn, kbuf, &rec, items[i].content, 1, later);
        record_free(&rec);
    }
    if (rc == 0)
        rc = postings_batch_flush(r->db, txn, later);
    if (rc == 0)
        rc = txn->commit(txn, 0);
    else
        txn->abort(txn);
out:
    postings_batch_free(later);
    vstr_free(buf);
    return rc;
}

static void reindex_free(BATCH *b)
{
    for (int i = 0; i < b->n; i++) {
        ITEM   *it = &b->items[i];

        record_free(&it->fresh);
        postings_content_free(it->content);
        it->content = 0;
        /* One large message must not keep its size in every slot. */
        if (it->packed->cap > REINDEX_KEEP) {
            vstr_free(it->packed);
            it->packed = vstr_alloc(65536);
        }
    }
    b->n = 0;
}

/* Empty a table.  A truncate locks every page of it in one transaction,
 * so the lock table (db_max_locks) must hold them all. */
static int reindex_empty(REINDEX *r, DB *dbp)
{
    DB_TXN *txn;
    u_int32_t count;
    int     rc;

    if ((rc = r->db->env->txn_begin(r->db->env, 0, &txn, 0)) != 0)
        return rc;
    if ((rc = dbp->truncate(dbp, txn, &count, 0)) == 0)
        return txn->commit(txn, 0);
    txn->abort(txn);
    if (rc == ENOMEM)
        fprintf(stderr, "mailarc: reindex: emptying %s takes a lock per page, more than "
                "db_max_locks (%ld); raise it and restart mailarcd\n", dbp->fname,
                r->cfg->db_max_locks);
    return rc;
}

/* The tables reindex writes, emptied (each on its own: a run that stops
 * half way is run again). */
static int reindex_truncate(REINDEX *r)
{
    DB     *all[] = {r->db->term, r->db->date, r->db->size, r->db->order, r->db->pos,
                     r->po.extract ? r->db->xtext : 0};
    /* Pairs are lost first: a run cut short leaves phrases on positions. */
    int     rc = postings_pairs_mark(r->db, 0, 0);

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]) && rc == 0; i++)
        if (all[i])
            rc = reindex_empty(r, all[i]);
    if (rc == 0 && r->po.extract)
        rc = adb_meta_put_u64(r->db, 0, "extract_failed", 0);
    return rc;
}

/* Blobs under store/ that no record names. */
static uint64_t reindex_orphans(REINDEX *r, const char *dir, int depth)
{
    DIR    *d = opendir(dir);
    struct dirent *e;
    uint64_t n = 0;

    if (d == 0)
        return 0;
    while ((e = readdir(d)) != 0) {
        char    path[4096];

        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (depth < 3) {
            n += reindex_orphans(r, path, depth + 1);
        } else if (strlen(e->d_name) == 64) {
            unsigned char sha[32];
            DBT     key = {0}, val = {0};

            if (digest_unhex(e->d_name, sha) < 0)
                continue;
            key.data = sha;
            key.size = 32;
            val.flags = DB_DBT_PARTIAL;
            if (r->db->id->get(r->db->id, 0, &key, &val, 0) == DB_NOTFOUND) {
                msg_warn("%s: in the store but in no record", path);
                n++;
            }
        }
    }
    closedir(d);
    return n;
}

static void reindex_done(REINDEX *r)
{
    postings_opts_free(&r->po);
}

int cli_reindex(const CONFIG *cfg, int argc, char **argv)
{
    REINDEX r;
    BATCH  *b[2];
    uint64_t next = 0, orphans;
    char    err[512], store[4096];
    int     dberr = 0;
    int     rc = 0;

    if (argc > 2 || (argc == 2 && strcmp(argv[1], "--extract") != 0)) {
        fprintf(stderr, "usage: mailarc reindex [--extract]\n");
        return EXIT_USAGE;
    }
    if (cfg->user[0] && cli_become_user(cfg, "reindex") < 0)
        return EXIT_USAGE;
    memset(&r, 0, sizeof(r));
    r.cfg = cfg;
    /* --extract reads every document again; otherwise their stored text is used. */
    postings_opts_cfg(&r.po, cfg, argc == 2);
    r.tty = isatty(2);
    r.started = time(0);
    if ((r.db = adb_open(cfg, ADB_WRITE, &dberr, err, sizeof(err))) == 0) {
        fprintf(stderr, "mailarc: %s\n", err);
        return EXIT_UNAVAILABLE;
    }
    r.total = adb_meta_live(r.db, 0);
    /* Positions are written once and not read during the rebuild: their
     * 64 KB pages leave the cache first, so that a full cache reuses them
     * for each other instead of freeing 4 KB pages of the other tables to
     * make room, which Berkeley DB's allocator pays for with long walks. */
    if (r.db->pos)
        r.db->pos->set_priority(r.db->pos, DB_PRIORITY_VERY_LOW);
    for (int attempt = 0; attempt < ADB_DEADLOCK_RETRIES; attempt++)
        if ((rc = reindex_truncate(&r)) != DB_LOCK_DEADLOCK)
            break;
    if (rc != 0)
        goto fail;
    b[0] = reindex_batch_create(&r);
    b[1] = reindex_batch_create(&r);
    if ((rc = reindex_read(&r, &next, b[0])) == 0)
        reindex_start(b[0]);
    for (int cur = 0; rc == 0 && b[cur]->n > 0; cur = !cur) {
        reindex_wait(&r, b[cur]);
        /* The next batch is prepared while this one is written. */
        if ((rc = reindex_read(&r, &next, b[!cur])) != 0)
            break;
        reindex_start(b[!cur]);
        for (int attempt = 0; attempt < ADB_DEADLOCK_RETRIES; attempt++)
            if ((rc = reindex_write(&r, b[cur])) != DB_LOCK_DEADLOCK)
                break;
        r.done += (uint64_t) b[cur]->n;
        reindex_free(b[cur]);
        if (rc != 0)
            break;
        /* Checkpoints let Berkeley DB remove the logs a rebuild writes;
         * each visits every buffer of the cache. */
        if (r.done % REINDEX_CHECKPOINT == 0)
            r.db->env->txn_checkpoint(r.db->env, 0, 0, 0);
        if (r.done > r.total)
            r.total = r.done;           /* the indexer added some meanwhile */
        reindex_progress(&r, 0);
    }
    for (int i = 0; i < 2; i++) {
        if (b[i]->working)
            reindex_wait(&r, b[i]);
        reindex_free(b[i]);
        reindex_batch_free(b[i]);
    }
    if (rc == 0)
        rc = postings_pairs_mark(r.db, 0, cfg->phrase_pairs);   /* all or none have pairs */
    if (rc != 0)
        goto fail;
    reindex_progress(&r, 1);
    r.db->env->txn_checkpoint(r.db->env, 0, 0, 0);
    snprintf(store, sizeof(store), "%s/store", cfg->data_dir);
    orphans = reindex_orphans(&r, store, 0);
    printf("reindexed %llu messages in %lld s", (unsigned long long) r.done,
           (long long) (time(0) - r.started));
    if (r.unreadable)
        printf("; %llu without a readable blob or record", (unsigned long long) r.unreadable);
    if (orphans)
        printf("; %llu blobs in the store have no record", (unsigned long long) orphans);
    printf("\n");
    adb_close(r.db);
    reindex_done(&r);
    return r.unreadable || orphans ? EXIT_NOTFOUND : 0;
fail:
    fprintf(stderr, "mailarc: reindex: %s (after %llu messages; run it again)\n",
            db_strerror(rc), (unsigned long long) r.done);
    adb_close(r.db);
    reindex_done(&r);
    return EXIT_UNAVAILABLE;
}
