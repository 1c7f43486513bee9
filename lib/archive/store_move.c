/*
 * store_move.c - move every blob to where the store key says (see
 * store_move.h).
 *
 * A batch at a time: the records of up to MOVE_BATCH messages are read,
 * each blob is read from its old place and checked (size and digest),
 * written to its new place and made durable there, and only then removed
 * from the old one.  Readers look in both places (store.h), so they find
 * every message at every moment.  Each record is read again under a write
 * lock in the transaction that adds or removes the blob.db entry: a
 * lawful deletion that came meanwhile is never undone.
 */
#include <stdio.h>
#include <string.h>

#include "digest.h"
#include "msg.h"
#include "mymalloc.h"
#include "record.h"
#include "store.h"
#include "store_move.h"

#define MOVE_BATCH 256
#define JOURNAL_PREFIX "journal/"

typedef struct item {
    uint64_t num;                   /* its record; 0: a journal report */
    int64_t arrival, size;
    unsigned char sha[DIGEST_LEN];
    char    hex[DIGEST_HEXLEN + 1];
    VSTR   *blob;
    int     go;                     /* read and checked: move it */
} ITEM;

typedef struct mover {
    const char *data_dir;
    ADB    *db;
    STORE_CHECK *check;
    VSTR   *where;
    STORE_MOVE_STATS *st;
    ITEM    it[MOVE_BATCH];
    int     n;
} MOVER;

/* Up to MOVE_BATCH live records from *next on; *next moves past them.
 * 0, DB_NOTFOUND at the end (items may have been read), or an error. */
static int collect_records(MOVER *m, uint64_t *next)
{
    DBC    *c;
    DBT     key, val;
    unsigned char kbuf[8];
    int     rc;

    m->n = 0;
    for (rc = adb_msg_from(m->db, *next, &c, &key, &val, kbuf); rc == 0 && m->n < MOVE_BATCH;
         rc = c->get(c, &key, &val, DB_NEXT)) {
        MSGREC  r;
        ITEM   *it = &m->it[m->n];

        *next = adb_key_num(kbuf) + 1;
        if (record_decode(val.data, val.size, &r) < 0)
            continue;                   /* verify reports it */
        if (!(r.flags & REC_F_DELETED)) {
            it->num = adb_key_num(kbuf);
            it->arrival = r.arrival;
            it->size = r.size;
            memcpy(it->sha, r.sha, DIGEST_LEN);
            digest_hex(r.sha, it->hex);
            m->n++;
        }
        record_free(&r);
    }
    myfree(val.data);
    if (c)
        c->close(c);
    return rc;
}

/* Up to MOVE_BATCH journal reports (meta.db "journal/HEX" -> arrival)
 * after the key in last (empty: the first). */
static int collect_reports(MOVER *m, char *last, size_t lastlen)
{
    DBC    *c;
    DBT     key = {0}, val = {0};
    char    kbuf[256];
    unsigned char vbuf[8];
    int     rc;

    m->n = 0;
    if ((rc = m->db->meta->cursor(m->db->meta, 0, &c, DB_READ_COMMITTED)) != 0)
        return rc;
    snprintf(kbuf, sizeof(kbuf), "%s", *last ? last : JOURNAL_PREFIX);
    key.data = kbuf;
    key.size = (u_int32_t) strlen(kbuf);
    key.ulen = sizeof(kbuf) - 1;
    key.flags = DB_DBT_USERMEM;
    val.data = vbuf;
    val.ulen = sizeof(vbuf);
    val.flags = DB_DBT_USERMEM;
    rc = c->get(c, &key, &val, DB_SET_RANGE);
    if (rc == 0 && *last && key.size == strlen(last) && memcmp(kbuf, last, key.size) == 0)
        rc = c->get(c, &key, &val, DB_NEXT);
    for (; rc == 0 && m->n < MOVE_BATCH; rc = c->get(c, &key, &val, DB_NEXT)) {
        ITEM   *it = &m->it[m->n];

        kbuf[key.size] = 0;
        if (strncmp(kbuf, JOURNAL_PREFIX, strlen(JOURNAL_PREFIX)) != 0) {
            rc = DB_NOTFOUND;
            break;
        }
        snprintf(last, lastlen, "%s", kbuf);
        if (val.size != 8 || digest_unhex(kbuf + strlen(JOURNAL_PREFIX), it->sha) < 0)
            continue;
        it->num = 0;
        it->arrival = (int64_t) record_get_u64(vbuf);
        it->size = -1;
        digest_hex(it->sha, it->hex);
        m->n++;
    }
    c->close(c);
    return rc == DB_BUFFER_SMALL ? DB_NOTFOUND : rc;
}

/* Read each blob from its old place and check it. */
static void read_old(MOVER *m, int to_db)
{
    char    err[1024];

    for (int i = 0; i < m->n; i++) {
        ITEM   *it = &m->it[i];
        int     rc;

        it->go = 0;
        if (to_db)
            rc = store_fetch_file(m->data_dir, it->arrival, it->hex, 0, m->where, it->blob, err,
                                  sizeof(err));
        else {
            vstr_sprintf(m->where, "blob.db:%s", it->hex);
            rc = store_fetch_db(m->db, it->hex, 0, it->blob, err, sizeof(err));
        }
        if (rc == STORE_MISSING) {
            m->st->already++;
            continue;
        }
        if (rc == 0)
            rc = store_check_blob(m->check, m->where->s, it->hex, it->size, 0, it->blob, err,
                                  sizeof(err));
        if (rc != 0) {
            msg_warn("%s; left where it is", err);
            m->st->damaged++;
            continue;
        }
        it->go = 1;
    }
}

/* Is the message still live?  Its record under a write lock in txn: 1, 0,
 * or a Berkeley DB error (negative or positive, never 1). */
static int still_live(ADB *db, DB_TXN *txn, const ITEM *it, int *live)
{
    DBT     key = {0}, val = {0};
    unsigned char kbuf[8];
    MSGREC  r;
    int     rc;

    *live = 1;
    if (it->num == 0)
        return 0;                       /* a report goes with its message */
    adb_num_key(it->num, kbuf);
    key.data = kbuf;
    key.size = 8;
    val.flags = DB_DBT_MALLOC;
    if ((rc = db->msg->get(db->msg, txn, &key, &val, DB_RMW)) == DB_NOTFOUND) {
        *live = 0;
        return 0;
    }
    if (rc != 0)
        return rc;
    if (record_decode(val.data, val.size, &r) == 0) {
        *live = !(r.flags & REC_F_DELETED) && memcmp(r.sha, it->sha, DIGEST_LEN) == 0;
        record_free(&r);
    }
    myfree(val.data);
    return 0;
}

/* The blob.db side of a batch in one transaction: put (to_db) or delete
 * each moving blob whose message is still live; a message deleted
 * meanwhile gets go = 2 (its new copy, if any, is removed after). */
static int move_txn(MOVER *m, int to_db)
{
    DB_TXN *txn;
    int     rc = 0;

    for (int attempt = 0; attempt < ADB_DEADLOCK_RETRIES; attempt++) {
        if ((rc = m->db->env->txn_begin(m->db->env, 0, &txn, 0)) != 0)
            return rc;
        for (int i = 0; i < m->n && rc == 0; i++) {
            ITEM   *it = &m->it[i];
            DBT     key = {0};
            int     live;

            if (it->go == 0)
                continue;
            if ((rc = still_live(m->db, txn, it, &live)) != 0)
                break;
            it->go = live ? 1 : 2;
            if (!live)
                continue;
            if (to_db) {
                rc = store_put_db(m->db, txn, it->sha, it->blob->s, it->blob->len);
            } else {
                key.data = it->sha;
                key.size = DIGEST_LEN;
                if ((rc = m->db->blob->del(m->db->blob, txn, &key, 0)) == DB_NOTFOUND)
                    rc = 0;
            }
        }
        if (rc == 0)
            return txn->commit(txn, 0);
        txn->abort(txn);
        if (rc != DB_LOCK_DEADLOCK)
            return rc;
        for (int i = 0; i < m->n; i++)
            if (m->it[i].go == 2)
                m->it[i].go = 1;
    }
    return rc;
}

static int move_batch(MOVER *m, int to_db, char *err, size_t errlen)
{
    int     rc;

    read_old(m, to_db);
    if (!to_db) {
        /* The files first, durable before blob.db lets go of them. */
        for (int i = 0; i < m->n; i++) {
            ITEM   *it = &m->it[i];

            if (it->go && store_put_packed(m->data_dir, it->arrival, it->hex, it->blob->s,
                                           it->blob->len, err, errlen) < 0) {
                msg_warn("%s; left in blob.db", err);
                m->st->failed++;
                it->go = 0;
            }
        }
        if (store_sync(m->data_dir, err, errlen) < 0)
            return -1;
    }
    if ((rc = move_txn(m, to_db)) != 0) {
        snprintf(err, errlen, "blob.db: %s", db_strerror(rc));
        return -1;
    }
    /* Committed (and the log flushed): the old copies can go.  A message
     * deleted meanwhile loses the new copy just made too. */
    for (int i = 0; i < m->n; i++) {
        ITEM   *it = &m->it[i];

        if (it->go == 0)
            continue;
        if ((to_db || it->go == 2)
            && store_unlink(m->data_dir, it->arrival, it->hex, err, errlen) < 0) {
            msg_warn("%s", err);
            m->st->failed++;
            continue;
        }
        if (it->go == 1)
            m->st->moved++;
    }
    return store_sync(m->data_dir, err, errlen);
}

int store_move(const char *data_dir, ADB *db, STORE_MOVE_STATS *st, char *err, size_t errlen)
{
    MOVER  *m = mycalloc(1, sizeof(*m));
    int     to_db = db->store_db;
    uint64_t next = 1;
    char    last[256] = "";
    int     rc = 0, ret = 0, done;

    st->moved = st->already = st->damaged = st->failed = 0;
    if (db->blob == 0) {
        snprintf(err, errlen, "blob.db is not open");
        myfree(m);
        return -1;
    }
    m->data_dir = data_dir;
    m->db = db;
    m->st = st;
    m->check = store_check_create();
    m->where = vstr_alloc(256);
    for (int i = 0; i < MOVE_BATCH; i++)
        m->it[i].blob = vstr_alloc(16384);
    /* The messages, then the journal reports. */
    for (int pass = 0; pass < 2 && ret == 0; pass++) {
        do {
            for (int attempt = 0; attempt < ADB_DEADLOCK_RETRIES; attempt++) {
                uint64_t from = next;
                char    was[sizeof(last)];

                memcpy(was, last, sizeof(was));
                rc = pass == 0 ? collect_records(m, &next) : collect_reports(m, last,
                                                                            sizeof(last));
                if (rc != DB_LOCK_DEADLOCK)
                    break;
                next = from;            /* read the batch again */
                memcpy(last, was, sizeof(last));
            }
            done = rc == DB_NOTFOUND;
            if (rc != 0 && !done) {
                snprintf(err, errlen, "%s: %s", pass ? "meta.db" : "msg.db", db_strerror(rc));
                ret = -1;
                break;
            }
            if (m->n && move_batch(m, to_db, err, errlen) < 0) {
                ret = -1;
                break;
            }
            if (st->progress)
                st->progress(st, st->ctx);
        } while (!done);
    }
    for (int i = 0; i < MOVE_BATCH; i++)
        vstr_free(m->it[i].blob);
    vstr_free(m->where);
    store_check_free(m->check);
    myfree(m);
    return ret;
}
