/*
 * index_batch.c - the indexer's unit of work (see index_batch.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "digest.h"
#include "msg.h"
#include "mymalloc.h"
#include "record.h"
#include "spool.h"
#include "store.h"
#include "postings.h"
#include "index_batch.h"
#include "index_journal.h"
#include "index_poison.h"
#include "journal.h"
#include "meta.h"
#include "verify.h"
#include "xtext.h"

typedef struct work {
    INDEX_ITEM *item;
    ENVELOPE env;
    MSGREC  rec;
    TERMSET *content;               /* body, file name, attachment terms */
    VSTR   *blob;                   /* store = db: the packed blob, written in the batch */
    int     journal;                /* JOURNAL_OK, JOURNAL_MALFORMED or JOURNAL_NOT */
    char    path[4096];
} WORK;

/* Move a damaged spool file aside: never delete what may be mail. */
static void index_quarantine(CHILD *child, const char *path, const char *qid, const char *why)
{
    char    dir[4096];
    char    dst[4200];

    snprintf(dir, sizeof(dir), "%s/spool/bad", child->cfg.data_dir);
    mkdir(dir, 0750);
    snprintf(dst, sizeof(dst), "%s/%s", dir, qid);
    if (rename(path, dst) < 0)
        msg_warn("%s: cannot move to %s: %s", path, dst, strerror(errno));
    msg_warn("%s: set aside in spool/bad: %s", qid, why);
    if (child->score)
        ipc_score_add(&child->score->rejected, 1);
}

static int index_seen_qid(ADB *db, const char *qid)
{
    DBT     key = {0}, val = {0};

    key.data = (void *) qid;
    key.size = (u_int32_t) strlen(qid);
    val.flags = DB_DBT_PARTIAL;
    val.dlen = 0;
    return db->qid->get(db->qid, 0, &key, &val, 0) == 0;
}

static void index_failure(char kind, const char *name, size_t nlen, const char *data,
                          size_t len, void *ctx)
{
    if (kind == 'F')
        msg_warn("%s: attachment \"%.*s\": extraction failed: %.*s; indexed without its text",
                 (const char *) ctx, (int) (nlen > 200 ? 200 : nlen), name, (int) len, data);
}

/* Say which documents gave no text, and why. */
static void index_note_failures(const char *qid, const TERMSET *content)
{
    const VSTR *x = postings_xtext(content);

    xtext_each(x->s, x->len, index_failure, (void *) qid);
}

/* One message inside the batch transaction. */
static int index_commit_one(const CONFIG *cfg, ADB *db, DB_TXN *txn, WORK *w,
                            unsigned char chain[32], VSTR *buf, POSTINGS_BATCH *later,
                            int *is_new)
{
    DBT     key = {0}, val = {0};
    unsigned char numk[8];
    int     rc;

    key.data = w->rec.sha;
    key.size = 32;
    val.data = numk;
    val.ulen = 8;
    val.flags = DB_DBT_USERMEM;
    rc = db->id->get(db->id, txn, &key, &val, DB_RMW);
    if (rc == 0) {
        DBT     mk = {0}, mv = {0};
        MSGREC  old;

        /* Same bytes again: merge this envelope into the stored record. */
        *is_new = 0;
        mk.data = numk;
        mk.size = 8;
        mv.flags = DB_DBT_MALLOC;
        if ((rc = db->msg->get(db->msg, txn, &mk, &mv, DB_RMW)) != 0)
            return rc;
        if (record_decode(mv.data, mv.size, &old) < 0) {
            myfree(mv.data);
            msg_warn("record %llu is damaged; keeping it, adding nothing",
                     (unsigned long long) adb_key_num(numk));
            return 0;
        }
        myfree(mv.data);
        old.arrivals++;
        {
            int     dropped = 0;

            meta_merge(&old, &w->env, (int) cfg->record_max_recipients,
                       (int) cfg->record_max_queue_ids, &dropped);
            if (dropped)
                msg_warn("%s: %d envelope address(es) of another arrival not recorded: "
                         "the record holds record_max_recipients=%ld", w->env.qid, dropped,
                         cfg->record_max_recipients);
        }
        record_encode(&old, buf);
        rc = adb_put(db->msg, txn, numk, 8, buf->s, buf->len, 0);
        if (rc == 0)
            rc = postings_put(db, txn, numk, &old, 0, 0, later);
        record_free(&old);
    } else if (rc == DB_NOTFOUND) {
        db_seq_t num;

        *is_new = 1;
        if ((rc = db->seq->get(db->seq, txn, 1, &num, 0)) != 0)
            return rc;
        adb_num_key((uint64_t) num, numk);
        verify_link(chain, w->rec.sha, (uint64_t) num, chain);
        memcpy(w->rec.chain, chain, 32);
        record_encode(&w->rec, buf);
        if ((rc = adb_put(db->msg, txn, numk, 8, buf->s, buf->len, 0)) == 0
            && (rc = adb_put(db->id, txn, w->rec.sha, 32, numk, 8, 0)) == 0
            && (w->blob == 0 || (rc = store_put_db(db, txn, w->rec.sha, w->blob->s,
                                                   w->blob->len)) == 0))
            rc = postings_put(db, txn, numk, &w->rec, w->content, 1, later);
    } else {
        return rc;
    }
    if (rc == 0)
        rc = adb_put(db->qid, txn, w->env.qid, strlen(w->env.qid), numk, 8, 0);
    return rc;
}

/* A report's arrival, for `mailarc cat --journal`, and the status counts. */
static int index_journal_count(ADB *db, DB_TXN *txn, const WORK *w)
{
    char    key[128];
    int     rc;

    if (w->journal == JOURNAL_MALFORMED)
        return adb_meta_put_u64(db, txn, "journal_malformed",
                                adb_meta_u64(db, txn, "journal_malformed") + 1);
    if (w->journal != JOURNAL_OK)
        return 0;
    index_journal_key(w->env.journal, key, sizeof(key));
    if ((rc = adb_meta_put_u64(db, txn, key, (uint64_t) w->env.arrival)) != 0)
        return rc;
    return adb_meta_put_u64(db, txn, "journal_reports",
                            adb_meta_u64(db, txn, "journal_reports") + 1);
}

/* When each capture path last brought a message (status, the dashboard,
 * the capture watchdog): "last/SOURCE" and "last_arrival" in meta.db. */
static int index_note_arrivals(ADB *db, DB_TXN *txn, const WORK *w, int n)
{
    const char *src[8];
    long    when[8];
    long    newest = 0;
    int     nsrc = 0, rc;
    char    key[128];

    for (int i = 0; i < n; i++) {
        const char *s = w[i].env.source && *w[i].env.source ? w[i].env.source : "smtp";
        int     k;

        if (w[i].item == 0)
            continue;
        if (w[i].env.arrival > newest)
            newest = w[i].env.arrival;
        for (k = 0; k < nsrc && strcmp(src[k], s) != 0; k++)
            ;
        if (k == nsrc) {
            if (nsrc == 8)
                continue;               /* more paths in one batch than that: the next batch */
            src[nsrc] = s;
            when[nsrc++] = 0;
        }
        if (w[i].env.arrival > when[k])
            when[k] = w[i].env.arrival;
    }
    for (int k = 0; k < nsrc; k++) {
        snprintf(key, sizeof(key), "last/%.100s", src[k]);
        if ((uint64_t) when[k] > adb_meta_u64(db, txn, key)
            && (rc = adb_meta_put_u64(db, txn, key, (uint64_t) when[k])) != 0)
            return rc;
    }
    if (newest > 0 && (uint64_t) newest > adb_meta_u64(db, txn, "last_arrival"))
        return adb_meta_put_u64(db, txn, "last_arrival", (uint64_t) newest);
    return 0;
}

static int index_txn(const CONFIG *cfg, ADB *db, WORK *w, int n, int *added, int *dups)
{
    DB_TXN *txn;
    VSTR   *buf = vstr_alloc(4096);
    POSTINGS_BATCH *later = postings_batch_create();
    unsigned char chain[32];
    uint64_t count;
    DBT     key = {0}, val = {0};
    int     rc;

    *added = *dups = 0;
    if ((rc = db->env->txn_begin(db->env, 0, &txn, 0)) != 0)
        goto out;
    key.data = "chain";
    key.size = 5;
    val.data = chain;
    val.ulen = 32;
    val.flags = DB_DBT_USERMEM;
    rc = db->meta->get(db->meta, txn, &key, &val, DB_RMW);
    if (rc == DB_NOTFOUND)
        memset(chain, 0, sizeof(chain));
    else if (rc != 0)
        goto abort;
    count = adb_meta_u64(db, txn, "count");
    if ((rc = postings_pairs_begin(db, txn, cfg->phrase_pairs)) != 0)
        goto abort;
    for (int i = 0; i < n; i++) {
        int     is_new = 0;

        if (w[i].item == 0)
            continue;
        if ((rc = index_commit_one(cfg, db, txn, &w[i], chain, buf, later, &is_new)) != 0)
            goto abort;
        if ((rc = index_journal_count(db, txn, &w[i])) != 0)
            goto abort;
        if (is_new) {
            char    day[32];

            adb_day_key(w[i].rec.arrival, day, sizeof(day));
            if ((rc = adb_meta_put_u64(db, txn, day, adb_meta_u64(db, txn, day) + 1)) != 0)
                goto abort;
            count++;
            (*added)++;
        } else {
            (*dups)++;
        }
    }
    if ((rc = postings_batch_flush(db, txn, later)) != 0
        || (rc = index_note_arrivals(db, txn, w, n)) != 0)
        goto abort;
    val.data = chain;
    val.size = 32;
    val.flags = 0;
    if ((rc = db->meta->put(db->meta, txn, &key, &val, 0)) != 0
        || (rc = adb_meta_put_u64(db, txn, "count", count)) != 0)
        goto abort;
    rc = txn->commit(txn, 0);
    goto out;
abort:
    txn->abort(txn);
out:
    postings_batch_free(later);
    vstr_free(buf);
    return rc;
}

/* With store = db a transaction carries the blobs: at most this many
 * bytes of them, the rest of the batch in the next transaction. */
#define DB_BLOB_BYTES (64 * 1024 * 1024)

/* Index items from the first on; *used says how many were taken (all but
 * with store = db, where the blobs' bytes end a chunk). */
static int index_chunk(CHILD *child, ADB *db, INDEX_ITEM *items, int n, int *used)
{
    WORK   *w = mycalloc((size_t) n, sizeof(WORK));
    VSTR   *msgbuf = vstr_alloc(65536);
    VSTR   *packed = vstr_alloc(65536);
    const char *dir = child->cfg.data_dir;
    char    err[1024];
    int     live = 0;
    int     ret = 0;
    int     added = 0, dups = 0;
    /* Files spooled before recipient_limit was lowered must still read. */
    int     max_rcpt = (int) child->cfg.recipient_limit * 4 + 1000;
    POSTINGS_OPTS po;
    int     truncated;
    int     rc = 0;
    size_t  blob_bytes = 0;

    postings_opts_cfg(&po, &child->cfg, 1);
    *used = n;
    for (int i = 0; i < n; i++) {
        WORK   *x = &w[i];

        envelope_init(&x->env);
        record_init(&x->rec);
        snprintf(x->path, sizeof(x->path), "%s/spool/new/%s", dir, items[i].qid);
        /* The ring only saves reading the prologue; the file is the truth. */
        rc = items[i].ring_env == 0 ? SPOOL_DAMAGED
            : spool_read(x->path, items[i].ring_env, items[i].ring_len, &x->env, msgbuf,
                         max_rcpt, err, sizeof(err));
        if (rc == SPOOL_DAMAGED)
            rc = spool_read(x->path, 0, 0, &x->env, msgbuf, max_rcpt, err, sizeof(err));
        if (rc == SPOOL_IOERR) {
            if (errno != ENOENT)        /* ENOENT: done by an earlier batch */
                msg_warn("cannot read %s: %s; will retry", items[i].qid, err);
            rc = 0;
            continue;
        }
        if (rc == SPOOL_DAMAGED) {
            index_quarantine(child, x->path, items[i].qid, err);
            rc = 0;
            continue;
        }
        if (strcmp(x->env.qid, items[i].qid) != 0) {
            index_quarantine(child, x->path, items[i].qid, "queue id does not match file name");
            continue;
        }
        if (index_seen_qid(db, x->env.qid)) {
            unlink(x->path);            /* committed before a crash; finish the job */
            continue;
        }
        if (items[i].unindexed) {
            /* A poison message: its envelope, size and bytes, nothing read. */
            meta_parse("", 0, &x->env, &x->rec);
            x->rec.size = (int64_t) msgbuf->len;
        } else {
            /* Over indexer_message_timeout of CPU, SIGPROF ends the process:
             * the message then gets a strike (index_poison.h). */
            struct itimerval cap = {{0, 0}, {child->cfg.indexer_message_timeout, 0}};
            struct itimerval off = {{0, 0}, {0, 0}};

            setitimer(ITIMER_PROF, &cap, 0);
            x->journal = index_journal(&child->cfg, db, &x->env, msgbuf, err, sizeof(err));
            if (x->journal == INDEX_JOURNAL_IOERR) {
                setitimer(ITIMER_PROF, &off, 0);
                msg_warn("cannot store the journal report %s: %s; will retry", x->env.qid, err);
                ret = -1;
                goto out;
            }
            meta_parse(msgbuf->s, msgbuf->len, &x->env, &x->rec);
            x->content = postings_content(msgbuf->s, msgbuf->len, &po, 0, 0, &truncated);
            setitimer(ITIMER_PROF, &off, 0);
            if (truncated)
                msg_info("%s: MIME limits reached; text beyond them is not indexed", x->env.qid);
            index_note_failures(x->env.qid, x->content);
        }
        /* Files are written now and synced before the commit; blob.db
         * entries are written in the batch's transaction. */
        if (db->store_db)
            x->blob = vstr_alloc(msgbuf->len / 2 + 64);
        if (store_pack(msgbuf->s, msgbuf->len, (int) child->cfg.store_compress_level,
                       x->blob ? x->blob : packed, err, sizeof(err)) < 0
            || (x->blob == 0 && store_put_packed(dir, x->rec.arrival, x->env.sha256, packed->s,
                                                 packed->len, err, sizeof(err)) < 0)) {
            msg_warn("cannot store %s: %s; will retry", x->env.qid, err);
            ret = -1;
            goto out;
        }
        x->item = &items[i];
        live++;
        if (x->blob && (blob_bytes += x->blob->len) >= DB_BLOB_BYTES && i + 1 < n) {
            msg_info("%d message(s) of this batch go in the next transaction: "
                     "blob.db's share of one is %d MB", n - i - 1, DB_BLOB_BYTES >> 20);
            *used = n = i + 1;
            break;
        }
    }
    if (live == 0)
        goto out;
    if (!db->store_db && store_sync(dir, err, sizeof(err)) < 0) {
        msg_warn("%s; will retry", err);
        ret = -1;
        goto out;
    }
    for (int attempt = 0; attempt < 5; attempt++) {
        rc = index_txn(&child->cfg, db, w, n, &added, &dups);
        if (rc != DB_LOCK_DEADLOCK)
            break;
    }
    if (rc != 0) {
        msg_warn("cannot commit %d messages: %s; will retry", live, db_strerror(rc));
        ret = rc == DB_RUNRECOVERY ? -2 : -1;
        goto out;
    }
    for (int i = 0; i < n; i++)
        if (w[i].item) {
            if (w[i].item->unindexed)
                poison_note(w[i].item->qid, w[i].env.sha256, POISON_STRIKES);
            unlink(w[i].path);
        }
    if (child->score) {
        ipc_score_add(&child->score->indexed, (uint64_t) added);
        ipc_score_add(&child->score->duplicates, (uint64_t) dups);
        child->score->last_index = (int64_t) time(0);
    }
    msg_debug("committed %d new, %d duplicate", added, dups);
    ret = added + dups;
out:
    for (int i = 0; i < n; i++) {
        envelope_free(&w[i].env);
        record_free(&w[i].rec);
        postings_content_free(w[i].content);
        vstr_free(w[i].blob);
    }
    myfree(w);
    vstr_free(msgbuf);
    vstr_free(packed);
    postings_opts_free(&po);
    return ret;
}

int index_batch(CHILD *child, ADB *db, INDEX_ITEM *items, int n)
{
    int     total = 0, used, r;

    for (int off = 0; off < n; off += used) {
        if ((r = index_chunk(child, db, items + off, n - off, &used)) < 0)
            return r;
        total += r;
    }
    return total;
}
