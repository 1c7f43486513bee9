/*
 * adb.c - Berkeley DB environment and schema (see adb.h).
 */
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "adb.h"
#include "postblock.h"
#include "adb_shm.h"
#include "msg.h"
#include "mymalloc.h"
#include "privs.h"
#include "record.h"
#include "vstr.h"

#define ADB_THREADS 256

static int adb_is_alive(DB_ENV *env, pid_t pid, db_threadid_t tid, u_int32_t flags)
{
    (void) env;
    (void) tid;
    (void) flags;
    return kill(pid, 0) == 0 || errno == EPERM;
}

/* ADB_READ_SHARED: every thread of this process is the process. */
static void adb_thread_id_pid(DB_ENV *env, pid_t *pid, db_threadid_t *tid)
{
    (void) env;
    *pid = getpid();
    if (tid)
        memset(tid, 0, sizeof(*tid));
}

static void adb_errcall(const DB_ENV *env, const char *pfx, const char *msg)
{
    (void) env;
    (void) pfx;
    msg_warn("berkeley db: %s", msg);
}

void adb_num_key(uint64_t num, unsigned char key[8])
{
    record_put_u64(key, num);
}

uint64_t adb_key_num(const void *key)
{
    return record_get_u64(key);
}

void adb_date_key(int64_t date, unsigned char key[8])
{
    record_put_u64(key, (uint64_t) date ^ (UINT64_C(1) << 63));
}

int64_t adb_key_date(const void *key)
{
    return (int64_t) (record_get_u64(key) ^ (UINT64_C(1) << 63));
}

static int adb_open_one(ADB *db, DB **dbp, const char *file, int dup, char *err, size_t errlen)
{
    u_int32_t flags = 0;
    int     rc;

    if ((rc = db_create(dbp, db->env, 0)) != 0) {
        snprintf(err, errlen, "%s: %s", file, db_strerror(rc));
        return rc;
    }
    /* Positions are a few KB a message: pages that hold them whole, not
     * in overflow chains, make the phrase check one page read. */
    if (strcmp(file, "pos.db") == 0)
        (*dbp)->set_pagesize(*dbp, 65536);
    /* Blobs of a few KB to a few tens: most fit a page or two. */
    if (strcmp(file, "blob.db") == 0)
        (*dbp)->set_pagesize(*dbp, 16384);
    if (dup && (rc = (*dbp)->set_flags(*dbp, DB_DUP | DB_DUPSORT)) != 0) {
        snprintf(err, errlen, "%s: %s", file, db_strerror(rc));
        return rc;
    }
    /* Posting blocks keep their place as they grow (postblock.h). */
    if (strcmp(file, "term.db") == 0
        && (rc = (*dbp)->set_dup_compare(*dbp, postblock_cmp)) != 0) {
        snprintf(err, errlen, "%s: %s", file, db_strerror(rc));
        return rc;
    }
    if (db->mode == ADB_READ || db->mode == ADB_READ_SHARED)
        flags |= DB_RDONLY;
    else
        flags |= DB_CREATE | DB_AUTO_COMMIT;
    if ((rc = (*dbp)->open(*dbp, 0, file, 0, DB_BTREE, flags, 0640)) != 0) {
        snprintf(err, errlen, "%s: %s", file, db_strerror(rc));
        (*dbp)->close(*dbp, 0);
        *dbp = 0;
    }
    return rc;
}

/* A configured environment handle, not yet opened. */
static int adb_env_create(ADB *db, const CONFIG *cfg, int shared)
{
    int     rc;

    if ((rc = db_env_create(&db->env, 0)) != 0)
        return rc;
    db->env->set_errcall(db->env, adb_errcall);
    db->env->set_cachesize(db->env, (u_int32_t) (cfg->db_cache_size >> 30),
                           (u_int32_t) (cfg->db_cache_size & ((1L << 30) - 1)), 1);
    db->env->set_lk_detect(db->env, DB_LOCK_DEFAULT);
    /* A truncate (mailarc reindex) locks every page of a table at once. */
    db->env->set_lk_max_locks(db->env, (u_int32_t) cfg->db_max_locks);
    db->env->set_lk_max_objects(db->env, (u_int32_t) cfg->db_max_locks);
    db->env->set_lk_max_lockers(db->env, 4096);
    db->env->set_lg_bsize(db->env, 4 * 1024 * 1024);
    db->env->set_lg_max(db->env, 64 * 1024 * 1024);
    db->env->set_thread_count(db->env, ADB_THREADS);
    db->env->set_isalive(db->env, adb_is_alive);
    if (shared)
        db->env->set_thread_id(db->env, adb_thread_id_pid);
    return 0;
}

/* Recovery creates the regions: in shared memory when configured and
 * possible (adb_shm.h), else in files.  Joiners find them through
 * __db.001 either way. */
static int adb_env_recover(ADB *db, const CONFIG *cfg, const char *home, u_int32_t flags)
{
    long    key;
    int     rc;

    if (!cfg->db_shared_memory)
        return db->env->open(db->env, home, flags, 0640);
    if ((key = adb_shm_key(home)) == 0) {
        msg_warn("database regions stay in files: no free shared memory key (%s)",
                 strerror(errno));
        return db->env->open(db->env, home, flags, 0640);
    }
    db->env->set_shm_key(db->env, key);
    if ((rc = db->env->open(db->env, home, flags | DB_SYSTEM_MEM, 0640)) == 0)
        return 0;
    msg_warn("database regions stay in files: shared memory at key %ld: %s", key,
             db_strerror(rc));
    db->env->close(db->env, 0);
    db->env = 0;
    if ((rc = adb_env_create(db, cfg, 0)) != 0)
        return rc;
    return db->env->open(db->env, home, flags, 0640);
}

static ADB *adb_open_env(const CONFIG *cfg, ADB_MODE mode, int *dberr, char *err, size_t errlen)
{
    ADB    *db = mycalloc(1, sizeof(*db));
    VSTR   *home = vstr_alloc(256);
    u_int32_t flags = DB_INIT_MPOOL | DB_INIT_LOCK | DB_INIT_LOG | DB_INIT_TXN;
    int     rc;
    int     shared = mode == ADB_READ_SHARED;
    int     regions_gone = 0;

    if (shared)
        mode = ADB_READ;
    db->mode = mode;
    vstr_sprintf(home, "%s/db", cfg->data_dir);
    if ((rc = adb_env_create(db, cfg, shared)) != 0)
        goto fail;
    if (mode == ADB_RECOVER) {
        flags |= DB_CREATE | DB_RECOVER;
        if (mkdir(home->s, 0750) < 0 && errno != EEXIST) {
            snprintf(err, errlen, "%s: %s", home->s, strerror(errno));
            *dberr = errno;
            goto fail_env;
        }
        if ((rc = adb_env_recover(db, cfg, home->s, flags)) != 0)
            goto fail;
    } else if ((rc = db->env->open(db->env, home->s, flags, 0640)) == ENOENT) {
        /* mailarcd stopped cleanly and removed the environment (having
         * written every page to the files): a new one, in files, is as
         * good.  The master's next recovery replaces it. */
        db->env->close(db->env, 0);
        db->env = 0;
        if ((rc = adb_env_create(db, cfg, shared)) != 0
            || (rc = db->env->open(db->env, home->s, flags | DB_CREATE, 0640)) != 0)
            goto fail;
    } else if (rc != 0) {
        /* __db.001 names regions the kernel no longer has: a reboot, or
         * ipcrm, after mailarcd stopped without removing them.  Only
         * recovery can tell what the files then hold. */
        regions_gone = rc == EINVAL && cfg->db_shared_memory;
        goto fail;
    }
    if (mode != ADB_READ)
        db->env->log_set_config(db->env, DB_LOG_AUTO_REMOVE, 1);
    /* A reader is not recovery: if a writer died, say the archive needs it. */
    if ((rc = adb_open_one(db, &db->msg, "msg.db", 0, err, errlen)) != 0
        || (rc = adb_open_one(db, &db->id, "id.db", 0, err, errlen)) != 0
        || (rc = adb_open_one(db, &db->qid, "qid.db", 0, err, errlen)) != 0
        || (rc = adb_open_one(db, &db->term, "term.db", 1, err, errlen)) != 0
        || (rc = adb_open_one(db, &db->date, "date.db", 1, err, errlen)) != 0
        || (rc = adb_open_one(db, &db->size, "size.db", 1, err, errlen)) != 0
        || ((rc = adb_open_one(db, &db->order, "order.db", 0, err, errlen)) != 0
            && !(rc == ENOENT && mode == ADB_READ))
        || (rc = adb_open_one(db, &db->meta, "meta.db", 0, err, errlen)) != 0
        || ((rc = adb_open_one(db, &db->media, "media.db", 1, err, errlen)) != 0
            && !(rc == ENOENT && mode == ADB_READ))
        || ((rc = adb_open_one(db, &db->volume, "volume.db", 0, err, errlen)) != 0
            && !(rc == ENOENT && mode == ADB_READ))
        || ((rc = adb_open_one(db, &db->pos, "pos.db", 0, err, errlen)) != 0
            && !(rc == ENOENT && mode == ADB_READ))
        || ((rc = adb_open_one(db, &db->xtext, "xtext.db", 0, err, errlen)) != 0
            && !(rc == ENOENT && mode == ADB_READ))
        || ((rc = adb_open_one(db, &db->blob, "blob.db", 0, err, errlen)) != 0
            && !(rc == ENOENT && mode == ADB_READ))) {
        *dberr = rc;
        vstr_free(home);
        adb_close(db);
        return 0;
    }
    if (mode == ADB_WRITE) {
        DBT     key = {0};

        key.data = "seq";
        key.size = 3;
        if ((rc = db_sequence_create(&db->seq, db->meta, 0)) != 0
            || (rc = db->seq->initial_value(db->seq, 1)) != 0
            || (rc = db->seq->open(db->seq, 0, &key, DB_CREATE | DB_AUTO_COMMIT)) != 0) {
            snprintf(err, errlen, "sequence: %s", db_strerror(rc));
            *dberr = rc;
            vstr_free(home);
            adb_close(db);
            return 0;
        }
    }
    db->store_db = strcmp(cfg->store, "db") == 0;
    vstr_free(home);
    return db;
fail:
    if (regions_gone)
        snprintf(err, errlen, "%s: cannot join the database's shared memory (%s): if the machine "
                 "restarted or the segments were removed since mailarcd last ran, starting "
                 "mailarcd recovers the database", home->s, db_strerror(rc));
    else
        snprintf(err, errlen, "%s: %s", home->s, db_strerror(rc));
    *dberr = rc;
fail_env:
    vstr_free(home);
    if (db->env)
        db->env->close(db->env, 0);
    myfree(db);
    return 0;
}

/*
 * Root joins the environment as the archive's user: db/ and the regions
 * are the user's, and what they name (region files, the shared memory
 * segments __db.001 points at) is then opened with the user's rights,
 * never root's.  The master recovers as the user already.
 */
ADB    *adb_open(const CONFIG *cfg, ADB_MODE mode, int *dberr, char *err, size_t errlen)
{
    struct passwd *pw;
    int     assumed = 0;
    ADB    *db;

    if (geteuid() == 0 && mode != ADB_RECOVER && cfg->user[0]
        && (pw = getpwnam(cfg->user)) != 0 && pw->pw_uid != 0) {
        if (privs_assume(pw->pw_uid, pw->pw_gid) < 0) {
            snprintf(err, errlen, "cannot act as user %s: %s", cfg->user, strerror(errno));
            *dberr = errno;
            return 0;
        }
        assumed = 1;
    }
    db = adb_open_env(cfg, mode, dberr, err, errlen);
    if (assumed && privs_resume() < 0)
        msg_fatal("cannot return to root: %s", strerror(errno));
    return db;
}

/* Handles of environments marked dead: see adb_panic(). */
static ADB *adb_dead;

void adb_close(ADB *db)
{
    if (db->seq)
        db->seq->close(db->seq, 0);
    DB     *all[] = {db->msg, db->id, db->qid, db->term, db->date, db->size, db->order, db->meta,
                      db->media, db->volume, db->pos, db->xtext, db->blob};

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (all[i])
            all[i]->close(all[i], 0);
    if (db->env)
        db->env->close(db->env, 0);
    if (db->dead) {
        db->next_dead = adb_dead;
        adb_dead = db;
        return;
    }
    myfree(db);
}

int adb_failchk(ADB *db)
{
    return db->env->failchk(db->env, 0);
}

void adb_panic(ADB *db)
{
    db->env->set_flags(db->env, DB_PANIC_ENVIRONMENT, 1);
    db->dead = 1;
}

int adb_put(DB *dbp, DB_TXN *txn, const void *k, size_t klen, const void *v, size_t vlen,
            u_int32_t flags)
{
    DBT     key = {0}, val = {0};
    int     rc;

    key.data = (void *) k;
    key.size = (u_int32_t) klen;
    val.data = (void *) v;
    val.size = (u_int32_t) vlen;
    rc = dbp->put(dbp, txn, &key, &val, flags);
    return rc == DB_KEYEXIST ? 0 : rc;
}

int adb_msg_from(ADB *db, uint64_t from, DBC **c, DBT *key, DBT *val, unsigned char kbuf[8])
{
    int     rc;

    memset(key, 0, sizeof(*key));
    memset(val, 0, sizeof(*val));
    if ((rc = db->msg->cursor(db->msg, 0, c, DB_READ_COMMITTED)) != 0) {
        *c = 0;
        return rc;
    }
    adb_num_key(from, kbuf);
    key->data = kbuf;
    key->size = 8;
    key->ulen = 8;
    key->flags = DB_DBT_USERMEM;
    val->flags = DB_DBT_REALLOC;
    return (*c)->get(*c, key, val, DB_SET_RANGE);
}

void adb_day_key(int64_t when, char *buf, size_t len)
{
    time_t  t = (time_t) when;
    struct tm tm;

    strftime(buf, len, "day:%Y-%m-%d", gmtime_r(&t, &tm));
}

uint64_t adb_meta_u64(ADB *db, DB_TXN *txn, const char *name)
{
    DBT     key = {0}, val = {0};
    unsigned char buf[8];

    key.data = (void *) name;
    key.size = (u_int32_t) strlen(name);
    val.data = buf;
    val.ulen = sizeof(buf);
    val.flags = DB_DBT_USERMEM;
    if (db->meta->get(db->meta, txn, &key, &val, 0) != 0 || val.size != 8)
        return 0;
    return record_get_u64(buf);
}

int adb_meta_put_u64(ADB *db, DB_TXN *txn, const char *name, uint64_t v)
{
    DBT     key = {0}, val = {0};
    unsigned char buf[8];

    record_put_u64(buf, v);
    key.data = (void *) name;
    key.size = (u_int32_t) strlen(name);
    val.data = buf;
    val.size = 8;
    return db->meta->put(db->meta, txn, &key, &val, 0);
}

uint64_t adb_meta_live(ADB *db, DB_TXN *txn)
{
    uint64_t count = adb_meta_u64(db, txn, "count");
    uint64_t deleted = adb_meta_u64(db, txn, "deleted");

    return count > deleted ? count - deleted : 0;
}
