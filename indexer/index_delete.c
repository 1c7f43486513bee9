/*
 * index_delete.c - lawful deletion, carried out (see index_delete.h).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "delreq.h"
#include "digest.h"
#include "holds.h"
#include "kvfile.h"
#include "lookup.h"
#include "msg.h"
#include "mymalloc.h"
#include "postings.h"
#include "record.h"
#include "retention.h"
#include "store.h"
#include "index_delete.h"
#include "index_journal.h"

#define CHUNK 64                    /* messages per transaction */
#define AUTO_EVERY 86400            /* retention_auto_delete runs once a day */

typedef struct victim {
    uint64_t num;
    char    hex[DIGEST_HEXLEN + 1];
    char   *rule;
    MSGREC  rec;
    TERMSET *content;
    int     go;                     /* passed the checks */
    STRLIST reports;                /* "ARRIVAL ID" of its journal reports' blobs */
} VICTIM;

/* The tombstone of r: what identifies it and why it went. */
static void tombstone(const MSGREC *r, const VICTIM *v, const STRLIST *kv, const char *id,
                      MSGREC *t)
{
    char    when[32];

    record_init(t);
    t->date = r->date;
    t->size = r->size;
    t->arrival = r->arrival;
    memcpy(t->sha, r->sha, 32);
    memcpy(t->chain, r->chain, 32);
    t->arrivals = r->arrivals;
    t->flags = r->flags | REC_F_DELETED;
    t->subject = mystrdup("");
    t->msgid = mystrdup("");
    t->from_addr = mystrdup("");
    t->from_name = mystrdup("");
    t->sender_addr = mystrdup("");
    t->client = mystrdup("");
    t->helo = mystrdup("");
    t->tls = mystrdup("");
    t->source = mystrdup(r->source ? r->source : "");
    t->auth = mystrdup("");
    snprintf(when, sizeof(when), "%lld", (long long) time(0));
    kv_add(&t->tomb, "rule", v->rule);
    kv_add(&t->tomb, "request", id);
    kv_add(&t->tomb, "requester", kv_get(kv, "requester"));
    kv_add(&t->tomb, "approver", kv_get(kv, "approver"));
    kv_add(&t->tomb, "deleted", when);
}

static int delete_chunk(ADB *db, VICTIM *v, int n, const STRLIST *kv, const char *id,
                        uint64_t *deleted)
{
    DB_TXN *txn;
    VSTR   *buf = vstr_alloc(1024);
    uint64_t done = 0;
    int     rc;

    if ((rc = db->env->txn_begin(db->env, 0, &txn, 0)) != 0)
        goto out;
    for (int i = 0; i < n && rc == 0; i++) {
        unsigned char numk[8];
        DBT     key = {0};
        MSGREC  t;

        if (!v[i].go)
            continue;
        adb_num_key(v[i].num, numk);
        if ((rc = postings_del(db, txn, numk, &v[i].rec, v[i].content)) != 0)
            break;
        key.data = v[i].rec.sha;
        key.size = 32;
        if ((rc = db->id->del(db->id, txn, &key, 0)) == DB_NOTFOUND)
            rc = 0;
        if (rc != 0)
            break;
        /* The journal reports it came in hold the message too. */
        for (int k = 0; k < v[i].rec.journals.n && rc == 0; k++) {
            char    jkey[128], line[128];
            DBT     mk = {0};

            index_journal_key(v[i].rec.journals.v[k], jkey, sizeof(jkey));
            snprintf(line, sizeof(line), "%llu %s",
                     (unsigned long long) adb_meta_u64(db, txn, jkey), v[i].rec.journals.v[k]);
            strlist_add(&v[i].reports, line);
            mk.data = jkey;
            mk.size = (u_int32_t) strlen(jkey);
            if ((rc = db->meta->del(db->meta, txn, &mk, 0)) == DB_NOTFOUND)
                rc = 0;
        }
        if (rc != 0)
            break;
        /* Media checks still tell a lawful deletion from a loss. */
        {
            char    dkey[80];

            lookup_deleted_key(v[i].hex, dkey, sizeof(dkey));
            if ((rc = adb_meta_put_u64(db, txn, dkey, v[i].num)) != 0)
                break;
        }
        tombstone(&v[i].rec, &v[i], kv, id, &t);
        record_encode(&t, buf);
        record_free(&t);
        rc = adb_put(db->msg, txn, numk, 8, buf->s, buf->len, 0);
        done++;
    }
    if (rc == 0)
        rc = adb_meta_put_u64(db, txn, "deleted", adb_meta_u64(db, txn, "deleted") + done);
    if (rc == 0)
        rc = txn->commit(txn, 0);
    else
        txn->abort(txn);
    if (rc == 0)
        *deleted += done;
out:
    vstr_free(buf);
    return rc;
}

/* The volumes holding num (media.db), into vols. */
static void note_volumes(ADB *db, uint64_t num, STRLIST *vols)
{
    DBC    *c;
    DBT     key = {0}, val = {0};
    unsigned char numk[8];
    int     rc;

    if (db->media == 0 || db->media->cursor(db->media, 0, &c, 0) != 0)
        return;
    adb_num_key(num, numk);
    key.data = numk;
    key.size = 8;
    for (rc = c->get(c, &key, &val, DB_SET); rc == 0; rc = c->get(c, &key, &val, DB_NEXT_DUP)) {
        char   *name = mystrndup(val.data, val.size);

        strlist_add_unique(vols, name);
        myfree(name);
    }
    c->close(c);
}

/* Read the victims' records and blobs, and check them again. */
static void check_chunk(const CONFIG *cfg, ADB *db, const RETENTION *ret, const RETENTION_EVAL *ev,
                        VICTIM *v, int n, STRLIST *vols, uint64_t *skipped, uint64_t *gone)
{
    POSTINGS_OPTS po;
    VSTR   *blob = vstr_alloc(65536);
    VSTR   *xt = vstr_alloc(256);
    char    hex[DIGEST_HEXLEN + 1], err[512];
    time_t  now = time(0);

    /* The attachment text comes from xtext.db, exactly as it was indexed. */
    postings_opts_cfg(&po, cfg, 0);
    po.pairs = 1;           /* whatever phrase_pairs says now, it may have been on */
    for (int i = 0; i < n; i++) {
        record_init(&v[i].rec);
        if (lookup_record(db, v[i].num, &v[i].rec) < 0) {
            msg_warn("deletion: record %llu is missing", (unsigned long long) v[i].num);
            (*skipped)++;
            continue;
        }
        digest_hex(v[i].rec.sha, hex);
        if (strcmp(hex, v[i].hex) != 0) {
            msg_warn("deletion: record %llu is not %s", (unsigned long long) v[i].num, v[i].hex);
            (*skipped)++;
            continue;
        }
        if (v[i].rec.flags & REC_F_DELETED) {
            /* Deleted by an earlier run that stopped before the unlink. */
            if (store_remove(cfg->data_dir, db, v[i].rec.arrival, hex, err, sizeof(err)) < 0)
                msg_warn("deletion: %s", err);
            (*gone)++;
            continue;
        }
        if (retention_held_by(ev, v[i].num) >= 0
            || retention_end(ret, ev, v[i].num, v[i].rec.date) > (int64_t) now) {
            (*skipped)++;
            continue;
        }
        note_volumes(db, v[i].num, vols);
        if (store_get(cfg->data_dir, db, v[i].rec.arrival, hex, blob, err, sizeof(err)) == 0) {
            unsigned char numk[8];

            adb_num_key(v[i].num, numk);
            postings_xtext_get(db, 0, numk, xt);
            v[i].content = postings_content(blob->s, blob->len, &po, xt->s, xt->len, 0);
        } else
            msg_warn("deletion: %s: %s; its body terms stay in the index", hex, err);
        v[i].go = 1;
    }
    vstr_free(blob);
    vstr_free(xt);
    postings_opts_free(&po);
}

static void victims_free(VICTIM *v, int n)
{
    for (int i = 0; i < n; i++) {
        record_free(&v[i].rec);
        postings_content_free(v[i].content);
        myfree(v[i].rule);
        strlist_free(&v[i].reports);
    }
}

/* One approved request: 0 done (or failed for good, in its file), 1 to
 * be tried again at the next sweep, -2 the database needs recovery. */
static int carry_out(CHILD *child, ADB *db, const char *id, STRLIST *kv)
{
    const CONFIG *cfg = &child->cfg;
    RETENTION ret;
    RETENTION_EVAL *ev = 0;
    HOLD   *holds;
    STRLIST vols;
    VICTIM *v = mycalloc(CHUNK, sizeof(VICTIM));
    VSTR   *list = vstr_alloc(256);
    uint64_t deleted = 0, skipped = 0, gone = 0;
    char    err[1024];
    int     nholds, lock, n = 0, rc = 0;

    strlist_init(&vols);
    if ((lock = holds_lock(cfg)) < 0) {
        msg_warn("deletion %s: cannot lock holds: %m; will retry", id);
        myfree(v);
        vstr_free(list);
        return 1;
    }
    holds = holds_list(cfg, 1, &nholds);
    if (retention_load(cfg, &ret, err, sizeof(err)) < 0
        || (ev = retention_eval(db, &ret, holds, nholds, err, sizeof(err))) == 0) {
        kv_set(kv, "state", "failed");
        kv_set(kv, "error", err);
        goto done;
    }
    for (int i = 0; i <= kv->n && rc == 0; i++) {
        const char *line = i < kv->n ? kv->v[i] : 0;

        if (line && strncmp(line, "msg=", 4) == 0) {
            char    hex[DIGEST_HEXLEN + 1], rule[1024] = "";
            unsigned long long num;

            if (sscanf(line + 4, "%llu %64s %1023[^\n]", &num, hex, rule) >= 2) {
                memset(&v[n], 0, sizeof(v[n]));
                v[n].num = num;
                memcpy(v[n].hex, hex, sizeof(hex));
                v[n].rule = mystrdup(rule);
                n++;
            }
        }
        if (n == CHUNK || (line == 0 && n)) {
            check_chunk(cfg, db, &ret, ev, v, n, &vols, &skipped, &gone);
            rc = delete_chunk(db, v, n, kv, id, &deleted);
            for (int k = 0; k < n && rc == 0; k++) {
                if (v[k].go && store_remove(cfg->data_dir, db, v[k].rec.arrival, v[k].hex, err,
                                            sizeof(err)) < 0)
                    msg_warn("deletion %s: %s", id, err);
                for (int j = 0; j < v[k].reports.n; j++) {
                    unsigned long long when;
                    char    hex[DIGEST_HEXLEN + 1];

                    if (sscanf(v[k].reports.v[j], "%llu %64s", &when, hex) == 2 && when
                        && store_remove(cfg->data_dir, db, (int64_t) when, hex, err, sizeof(err)) < 0)
                        msg_warn("deletion %s: journal report: %s", id, err);
                }
            }
            victims_free(v, n);
            n = 0;
        }
    }
    if (rc != 0) {
        msg_warn("deletion %s: %s; will retry", id, db_strerror(rc));
        goto out;
    }
    for (int i = 0; i < vols.n; i++)
        vstr_sprintf_append(list, "%s%s", i ? " " : "", vols.v[i]);
    kv_set(kv, "state", "done");
    kv_set_num(kv, "deleted", (long long) (deleted + gone));
    kv_set_num(kv, "skipped", (long long) skipped);
    kv_set(kv, "volumes", list->s);
    msg_info("deletion %s: %llu message(s) deleted, %llu skipped (held, not expired or gone)",
             id, (unsigned long long) (deleted + gone), (unsigned long long) skipped);
done:
    kv_set_num(kv, "done", (long long) time(0));
    if (delreq_save(cfg, id, kv) < 0)
        msg_warn("deletion %s: cannot save its state: %m", id);
out:
    retention_eval_free(ev);
    retention_free(&ret);
    holds_free(holds, nholds);
    strlist_free(&vols);
    close(lock);
    myfree(v);
    vstr_free(list);
    return rc == DB_RUNRECOVERY ? -2 : rc ? 1 : 0;
}

/* retention_auto_delete = yes: once a day, a request for everything past
 * retention and not held, approved by the configuration itself. */
static void index_auto_request(CHILD *child, ADB *db)
{
    const CONFIG *cfg = &child->cfg;
    RETENTION_COUNTS c;
    STRLIST kv;
    VSTR   *stamp = vstr_alloc(256);
    struct stat st;
    char    err[512];
    int     fd;

    vstr_sprintf(stamp, "%s/deletions/.auto", cfg->data_dir);
    if (stat(stamp->s, &st) == 0 && time(0) - st.st_mtime < AUTO_EVERY) {
        vstr_free(stamp);
        return;
    }
    if ((fd = open(stamp->s, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0640)) >= 0)
        close(fd);
    if (retention_request(cfg, db, "", "retention_auto_delete = yes", "retention_auto_delete",
                          &kv, &c, err, sizeof(err)) < 0) {
        msg_warn("retention_auto_delete: %s", err);
    } else if (c.deletable > 0) {
        kv_set(&kv, "state", "approved");
        kv_set(&kv, "approver", "retention_auto_delete");
        kv_set_num(&kv, "approved", (long long) time(0));
        if (delreq_save(cfg, kv_get(&kv, "id"), &kv) < 0)
            msg_warn("retention_auto_delete: cannot save request: %m");
        else
            msg_info("retention_auto_delete: request %s for %llu expired message(s)",
                     kv_get(&kv, "id"), (unsigned long long) c.deletable);
    }
    strlist_free(&kv);
    vstr_free(stamp);
}

int index_deletions(CHILD *child, ADB *db)
{
    /* Requests pile up (done ones are kept): read only those written
     * since the last sweep that left nothing to retry.  An approval
     * rewrites its file. */
    static time_t since;
    time_t  start = time(0);
    STRLIST ids;
    int     rc = 0, retry = 0;

    if (child->cfg.retention_auto_delete)
        index_auto_request(child, db);
    delreq_list(&child->cfg, &ids);
    for (int i = 0; i < ids.n && rc >= 0; i++) {
        STRLIST kv;
        const char *state;

        if (since && delreq_mtime(&child->cfg, ids.v[i]) < since - 1)
            continue;
        if (delreq_load(&child->cfg, ids.v[i], &kv) < 0)
            continue;
        state = kv_get(&kv, "state");
        if (state && strcmp(state, "approved") == 0)
            rc = carry_out(child, db, ids.v[i], &kv);
        retry |= rc == 1;
        strlist_free(&kv);
    }
    strlist_free(&ids);
    if (!retry && rc >= 0)
        since = start;
    return rc < 0 ? rc : 0;
}
