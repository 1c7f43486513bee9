/*
 * indexer.c - mailarc-indexer: the only writer of the database.
 *
 * Waits for notices on the SysV queue (a blocking msgrcv, woken every
 * second by SIGALRM), and sweeps spool/new at start and every
 * indexer_sweep_interval seconds: the spool is the truth, the queue only
 * makes indexing prompt.  Gathers up to indexer_batch messages and hands
 * them to index_batch().  Exits on SIGTERM after the batch in hand, or
 * when the master is gone.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "../ipc/ipc_child.h"
#include "../ipc/ipc_rec.h"
#include "msg.h"
#include "mymalloc.h"
#include "words.h"
#include "index_batch.h"
#include "index_delete.h"
#include "index_poison.h"

typedef struct batch {
    INDEX_ITEM *items;
    int     n;
    int     cap;
} BATCH;

static int batch_has(const BATCH *b, const char *qid)
{
    for (int i = 0; i < b->n; i++)
        if (strcmp(b->items[i].qid, qid) == 0)
            return 1;
    return 0;
}

static void batch_add(BATCH *b, const char *qid, const VSTR *ring_env)
{
    INDEX_ITEM *it;

    if (batch_has(b, qid))
        return;
    it = &b->items[b->n++];
    memset(it, 0, sizeof(*it));
    snprintf(it->qid, sizeof(it->qid), "%s", qid);
    if (ring_env) {
        it->ring_env = mymemdup(ring_env->s, ring_env->len + 1);
        it->ring_len = ring_env->len;
    }
}

static void batch_clear(BATCH *b)
{
    for (int i = 0; i < b->n; i++)
        myfree(b->items[i].ring_env);
    b->n = 0;
}

/* Take one queue record into the batch. */
static void indexer_take(CHILD *c, BATCH *b, const struct ipc_wire *w, size_t got, VSTR *tmp)
{
    IPC_REC rec;
    const char *why;
    uint32_t nslots = c->ring ? ipc_ring_nslots(c->ring) : 0;

    if (ipc_rec_decode(w, got, nslots, &rec, &why) < 0) {
        msg_warn("ignoring queue record: %s", why);
        return;
    }
    if (rec.type != IPC_REC_SPOOLED)
        return;
    if (rec.slot != IPC_SLOT_NONE && c->ring && ipc_ring_take(c->ring, rec.slot, rec.qid, tmp) == 0)
        batch_add(b, rec.qid, tmp);
    else
        batch_add(b, rec.qid, 0);
}

static void indexer_drain(CHILD *c, BATCH *b, VSTR *tmp)
{
    struct ipc_wire w;
    size_t  got;

    while (b->n < b->cap && c->ids.msq >= 0
           && ipc_rec_recv(c->ids.msq, IPC_MTYPE_INDEXER, 1, &w, &got) == 0)
        indexer_take(c, b, &w, got, tmp);
}

static void indexer_sweep(CHILD *c, BATCH *b)
{
    char    path[4096];
    DIR    *dir;
    struct dirent *de;

    snprintf(path, sizeof(path), "%s/spool/new", c->cfg.data_dir);
    if ((dir = opendir(path)) == 0) {
        msg_warn("%s: %s", path, strerror(errno));
        return;
    }
    while (b->n < b->cap && (de = readdir(dir)) != 0) {
        if (de->d_name[0] == '.' || strlen(de->d_name) >= ENVELOPE_QID_MAX)
            continue;
        batch_add(b, de->d_name, 0);
    }
    closedir(dir);
}

/*
 * Index the batch: messages with a strike first, each alone (a poison
 * message once it has POISON_STRIKES), then the rest together; each call
 * bracketed by spool/inflight.  Returns as index_batch() does.
 */
static int indexer_run(CHILD *c, ADB *db, BATCH *b)
{
    INDEX_ITEM *rest = mycalloc((size_t) b->n, sizeof(INDEX_ITEM));
    int     nrest = 0, r = 0;

    for (int i = 0; i < b->n; i++) {
        INDEX_ITEM *it = &b->items[i];
        int     strikes = poison_strikes(it->qid);

        if (strikes == 0) {
            rest[nrest++] = *it;        /* shallow: b keeps ownership */
            continue;
        }
        it->unindexed = strikes >= POISON_STRIKES;
        poison_begin(it, 1);
        r = index_batch(c, db, it, 1);
        poison_end(it, 1, r >= 0);
        if (r < 0)
            break;
    }
    if (r >= 0 && nrest > 0) {
        poison_begin(rest, nrest);
        r = index_batch(c, db, rest, nrest);
        poison_end(rest, nrest, r >= 0);
    }
    myfree(rest);
    return r;
}

int main(int argc, char **argv)
{
    CHILD   child;
    ADB    *db;
    BATCH   b;
    VSTR   *tmp = vstr_alloc(4096);
    struct itimerval it = {{1, 0}, {1, 0}};
    char    err[1024];
    int     dberr = 0;
    time_t  last_sweep = 0;
    time_t  last_ckp = time(0);
    int     retry_wait = 0;

    child_init(&child, argc, argv, SCORE_INDEXER);
    words_init();
    poison_init(&child.cfg);
    if ((db = adb_open(&child.cfg, ADB_WRITE, &dberr, err, sizeof(err))) == 0)
        msg_fatal("cannot open database: %s", err);
    b.cap = (int) child.cfg.indexer_batch;
    b.items = mycalloc((size_t) b.cap, sizeof(INDEX_ITEM));
    b.n = 0;
    setitimer(ITIMER_REAL, &it, 0);
    if (child_slot(&child))
        child_slot(&child)->started = (int64_t) time(0);
    child_state(&child, SCORE_IDLE);
    while (!child_stop && !child_master_gone(&child)) {
        time_t  now = time(0);
        int     r;

        indexer_drain(&child, &b, tmp);
        if (b.n < b.cap && now - last_sweep >= child.cfg.indexer_sweep_interval) {
            indexer_sweep(&child, &b);
            last_sweep = now;
            /* Approved deletions: between batches, like the sweep. */
            if (index_deletions(&child, db) == -2)
                msg_fatal("database needs recovery; exiting so the master can run it");
            if (child.ring)
                ipc_ring_reap(child.ring, 60);
        }
        if (b.n == 0) {
            struct ipc_wire w;
            size_t  got;

            /* Sleep until a notice or the next tick. */
            child_tick = 0;
            if (child.ids.msq >= 0
                && ipc_rec_recv(child.ids.msq, IPC_MTYPE_INDEXER, 0, &w, &got) == 0)
                indexer_take(&child, &b, &w, got, tmp);
            else if (errno == EIDRM || errno == EINVAL)
                break;                  /* the master removed the queue */
            else if (child.ids.msq < 0)
                sleep(1);
            continue;
        }
        child_state(&child, SCORE_BUSY);
        r = indexer_run(&child, db, &b);
        child_state(&child, SCORE_IDLE);
        if (r == -2)
            msg_fatal("database needs recovery; exiting so the master can run it");
        if (r < 0) {
            /* Storage trouble (disk full): back off, then sweep again. */
            retry_wait = retry_wait ? (retry_wait * 2 > 30 ? 30 : retry_wait * 2) : 1;
            batch_clear(&b);
            for (int s = 0; s < retry_wait && !child_stop; s++)
                sleep(1);
            last_sweep = 0;
            continue;
        }
        retry_wait = 0;
        if (b.n == b.cap)
            last_sweep = 0;             /* more may be waiting in the spool */
        batch_clear(&b);
        /* A checkpoint writes every dirty page of the cache.  Once term.db
         * outgrows the cache most of it is dirty, so checkpoints come when
         * 512 MB of log (a few seconds of recovery) or 5 minutes have
         * passed, not every 30 seconds. */
        if (time(0) - last_ckp >= 30) {
            db->env->txn_checkpoint(db->env, 512 * 1024, 5, 0);
            last_ckp = time(0);
        }
    }
    batch_clear(&b);
    myfree(b.items);
    vstr_free(tmp);
    db->env->txn_checkpoint(db->env, 0, 0, 0);
    adb_close(db);
    child_exit(&child);
    return 0;
}
