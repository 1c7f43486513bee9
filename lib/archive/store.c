/*
 * store.c - message blobs (see store.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "digest.h"
#include "fileio.h"
#include "msg.h"
#include "mymalloc.h"
#include "record.h"
#include "store.h"

#define STORE_MAGIC "MAZ1"
#define STORE_HDR 12

void store_path(const char *data_dir, int64_t arrival, const char *hex, VSTR *out)
{
    time_t  t = (time_t) arrival;
    struct tm tm;

    gmtime_r(&t, &tm);
    vstr_sprintf(out, "%s/store/%04d/%02d/%02d/%s", data_dir, tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, hex);
}

/*
 * What store_sync() makes durable: the files written and the directories
 * changed since it last ran.  One writer process at a time (the indexer,
 * or mailarc store migrate), single-threaded.
 */
typedef struct pending {
    char  **v;
    size_t  n, cap;
} PENDING;

static PENDING pend_files, pend_dirs;

static void pending_add(PENDING *p, const char *path)
{
    /* Blobs of a batch share a few day directories: skip a repeat. */
    if (p == &pend_dirs)
        for (size_t i = p->n; i-- > 0 && i + 8 >= p->n;)
            if (strcmp(p->v[i], path) == 0)
                return;
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 256;
        p->v = myrealloc(p->v, p->cap * sizeof(char *));
    }
    p->v[p->n++] = mystrdup(path);
}

static void pending_add_parent(const char *path)
{
    char    dir[4096];
    char   *slash;

    snprintf(dir, sizeof(dir), "%s", path);
    if ((slash = strrchr(dir, '/')) != 0 && slash != dir) {
        *slash = 0;
        pending_add(&pend_dirs, dir);
    }
}

static void pending_clear(PENDING *p)
{
    while (p->n > 0)
        myfree(p->v[--p->n]);
}

static int store_mkdirs(char *path)
{
    for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
        *p = 0;
        if (mkdir(path, 0750) == 0) {
            pending_add_parent(path);   /* its entry in the parent */
        } else if (errno != EEXIST) {
            *p = '/';
            return -1;
        }
        *p = '/';
    }
    return 0;
}

/*
 * The day directory of the last blob stays open: blobs of one batch share
 * it, so a blob costs open, write, close and rename relative to it, and
 * directories are created only when the day changes.
 */
static int store_day_fd = -1;
static char store_day_path[4096];

static int store_day_dir(const char *path, char *err, size_t errlen)
{
    char    dir[4096];
    char   *slash;

    snprintf(dir, sizeof(dir), "%s", path);
    if ((slash = strrchr(dir, '/')) == 0) {
        snprintf(err, errlen, "%s: not a store path", path);
        return -1;
    }
    *slash = 0;
    if (store_day_fd >= 0 && strcmp(dir, store_day_path) == 0)
        return store_day_fd;
    if (store_day_fd >= 0)
        close(store_day_fd);
    store_day_fd = -1;
    *slash = '/';
    if (store_mkdirs(dir) < 0) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    *slash = 0;
    if ((store_day_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    snprintf(store_day_path, sizeof(store_day_path), "%s", dir);
    return store_day_fd;
}

int store_pack(const char *msg, size_t len, int level, VSTR *out, char *err, size_t errlen)
{
    static ZSTD_CCtx *cctx;
    size_t  bound = ZSTD_compressBound(len);
    size_t  clen;

    if (cctx == 0 && (cctx = ZSTD_createCCtx()) == 0) {
        snprintf(err, errlen, "cannot create zstd context");
        return -1;
    }
    vstr_reset(out);
    vstr_reserve(out, bound + STORE_HDR);
    memcpy(out->s, STORE_MAGIC, 4);
    record_put_u64((unsigned char *) out->s + 4, (uint64_t) len);
    clen = ZSTD_compressCCtx(cctx, out->s + STORE_HDR, bound, msg, len, level);
    if (ZSTD_isError(clen)) {
        snprintf(err, errlen, "zstd: %s", ZSTD_getErrorName(clen));
        return -1;
    }
    out->len = clen + STORE_HDR;
    return 0;
}

int store_put_packed(const char *data_dir, int64_t arrival, const char *hex, const char *blob,
                     size_t blen, char *err, size_t errlen)
{
    VSTR   *path = vstr_alloc(256);
    char    tmp[DIGEST_HEXLEN + 8];
    int     dfd;
    int     fd;
    int     ret = -1;

    /* Same bytes stored before: rename would replace them with themselves. */
    store_path(data_dir, arrival, hex, path);
    if ((dfd = store_day_dir(path->s, err, errlen)) < 0)
        goto out;
    snprintf(tmp, sizeof(tmp), ".%s.tmp", hex);
    if ((fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) < 0) {
        snprintf(err, errlen, "%s: %s", path->s, strerror(errno));
        goto out;
    }
    if (fileio_write_all(fd, blob, blen) < 0) {
        snprintf(err, errlen, "%s: %s", path->s, strerror(errno));
        close(fd);
        unlinkat(dfd, tmp, 0);
        goto out;
    }
    /* Start writing it out now; store_sync() waits for it. */
    sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    if (close(fd) < 0) {
        snprintf(err, errlen, "%s: %s", path->s, strerror(errno));
        unlinkat(dfd, tmp, 0);
        goto out;
    }
    if (renameat(dfd, tmp, dfd, hex) < 0) {
        snprintf(err, errlen, "%s: %s", path->s, strerror(errno));
        unlinkat(dfd, tmp, 0);
        goto out;
    }
    pending_add(&pend_files, path->s);
    pending_add_parent(path->s);
    ret = 0;
out:
    vstr_free(path);
    return ret;
}

int store_put_db(ADB *db, DB_TXN *txn, const unsigned char sha[32], const char *blob, size_t blen)
{
    return db->blob ? adb_put(db->blob, txn, sha, DIGEST_LEN, blob, blen, 0) : EINVAL;
}

int store_put(const char *data_dir, ADB *db, int64_t arrival, const char *hex,
              const char *msg, size_t len, int level, char *err, size_t errlen)
{
    VSTR   *blob = vstr_alloc(len / 2 + 64);
    int     ret;

    unsigned char sha[DIGEST_LEN];
    int     rc;

    if (store_pack(msg, len, level, blob, err, errlen) < 0) {
        ret = -1;
    } else if (db == 0 || !db->store_db) {
        ret = store_put_packed(data_dir, arrival, hex, blob->s, blob->len, err, errlen);
    } else if (digest_unhex(hex, sha) < 0) {
        snprintf(err, errlen, "blob.db: %s: not a digest", hex);
        ret = -1;
    } else if ((rc = store_put_db(db, 0, sha, blob->s, blob->len)) != 0) {
        snprintf(err, errlen, "blob.db: %s", db_strerror(rc));
        ret = -1;
    } else {
        ret = 0;
    }
    vstr_free(blob);
    return ret;
}

/* fsync (data only for a file) one path: 0, or -1 with err; a file gone
 * since (moved on by a migration) is no error. */
static int store_sync_one(const char *path, int dir, char *err, size_t errlen)
{
    int     fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (dir ? O_DIRECTORY : 0));
    int     rc;

    if (fd < 0) {
        if (errno == ENOENT && !dir)
            return 0;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    rc = dir ? fsync(fd) : fdatasync(fd);
    if (rc < 0)
        snprintf(err, errlen, "%s: sync: %s", path, strerror(errno));
    close(fd);
    return rc;
}

int store_sync(const char *data_dir, char *err, size_t errlen)
{
    int     ret = 0;

    /* Only what this process changed: a syncfs() would also wait for
     * everything else dirty on the file system (the spool, the database
     * environment's mapped regions), which at a million messages was
     * most of the indexer's time. */
    (void) data_dir;
    for (size_t i = 0; i < pend_files.n && ret == 0; i++)
        ret = store_sync_one(pend_files.v[i], 0, err, errlen);
    for (size_t i = 0; i < pend_dirs.n && ret == 0; i++)
        ret = store_sync_one(pend_dirs.v[i], 1, err, errlen);
    pending_clear(&pend_files);
    pending_clear(&pend_dirs);
    return ret;
}

int store_fetch_file(const char *data_dir, int64_t arrival, const char *hex, int quick,
                     VSTR *where, VSTR *blob, char *err, size_t errlen)
{
    int     fd;

    store_path(data_dir, arrival, hex, where);
    if ((fd = open(where->s, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
        snprintf(err, errlen, "%s: %s", where->s, strerror(errno));
        return errno == ENOENT ? STORE_MISSING : STORE_CHANGED;
    }
    vstr_reset(blob);
    if (quick) {
        ssize_t n;

        vstr_reserve(blob, STORE_HDR);
        n = pread(fd, blob->s, STORE_HDR, 0);
        blob->len = n > 0 ? (size_t) n : 0;
    } else if (fileio_read_all(fd, blob, 0) < 0) {
        snprintf(err, errlen, "%s: %s", where->s, strerror(errno));
        close(fd);
        return STORE_CHANGED;
    }
    close(fd);
    return 0;
}

int store_fetch_db(ADB *db, const char *hex, int quick, VSTR *blob, char *err, size_t errlen)
{
    unsigned char sha[DIGEST_LEN];
    DBT     key = {0}, val = {0};
    int     rc;

    vstr_reset(blob);
    if (db == 0 || db->blob == 0 || digest_unhex(hex, sha) < 0) {
        snprintf(err, errlen, "blob.db: %s: not there", hex);
        return STORE_MISSING;
    }
    key.data = sha;
    key.size = DIGEST_LEN;
    for (int i = 0; i < ADB_DEADLOCK_RETRIES; i++) {
        val.flags = DB_DBT_USERMEM;
        if (quick) {
            val.flags |= DB_DBT_PARTIAL;
            val.dlen = STORE_HDR;
        }
        val.data = blob->s;
        val.ulen = (u_int32_t) (blob->cap - 1);
        rc = db->blob->get(db->blob, 0, &key, &val, DB_READ_COMMITTED);
        if (rc == DB_BUFFER_SMALL) {
            vstr_reserve(blob, val.size);
            i--;
            continue;
        }
        if (rc != DB_LOCK_DEADLOCK)
            break;
    }
    if (rc == 0) {
        blob->len = val.size;
        blob->s[blob->len] = 0;
        return 0;
    }
    snprintf(err, errlen, "blob.db: %s: %s", hex, rc == DB_NOTFOUND ? "not there" : db_strerror(rc));
    return rc == DB_NOTFOUND ? STORE_MISSING : STORE_CHANGED;
}

/* Check a blob's bytes (from where) and decompress them into out:
 * 0 or STORE_CHANGED.  With quick, only the header: magic and size. */
static int store_decode(const char *where, const char *hex, int64_t size, int quick,
                        ZSTD_DCtx *dctx, const VSTR *blob, VSTR *out, char *err, size_t errlen)
{
    unsigned char bin[DIGEST_LEN];
    char    got[DIGEST_HEXLEN + 1];
    uint64_t olen;
    size_t  r;

    if (blob->len < STORE_HDR || memcmp(blob->s, STORE_MAGIC, 4) != 0) {
        snprintf(err, errlen, "%s: not a mailarc blob", where);
        return STORE_CHANGED;
    }
    olen = record_get_u64((unsigned char *) blob->s + 4);
    if (olen > (uint64_t) 1 << 34 || (size >= 0 && olen != (uint64_t) size)) {
        snprintf(err, errlen, "%s: wrong size", where);
        return STORE_CHANGED;
    }
    if (quick)
        return 0;
    vstr_reset(out);
    vstr_reserve(out, (size_t) olen);
    /* Without a context of the caller's, zstd makes and frees one. */
    r = dctx ? ZSTD_decompressDCtx(dctx, out->s, (size_t) olen, blob->s + STORE_HDR,
                                   blob->len - STORE_HDR)
        : ZSTD_decompress(out->s, (size_t) olen, blob->s + STORE_HDR, blob->len - STORE_HDR);
    if (ZSTD_isError(r) || r != olen) {
        snprintf(err, errlen, "%s: damaged blob (%s)", where,
                 ZSTD_isError(r) ? ZSTD_getErrorName(r) : "wrong size");
        return STORE_CHANGED;
    }
    out->len = (size_t) olen;
    out->s[out->len] = 0;
    digest_buffer(out->s, out->len, bin);
    digest_hex(bin, got);
    if (strcmp(got, hex) != 0) {
        snprintf(err, errlen, "%s: digest mismatch: content is %s", where, got);
        return STORE_CHANGED;
    }
    return 0;
}

/*
 * Read a blob from wherever it is: its file, else blob.db, else its file
 * again.  A migration makes the new copy durable before it removes the
 * old one, so the second look at the file catches a blob that moved from
 * blob.db to a file between the first two.
 */
int store_fetch(const char *data_dir, ADB *db, int64_t arrival, const char *hex, int quick,
                VSTR *where, VSTR *blob, char *err, size_t errlen)
{
    int     rc = store_fetch_file(data_dir, arrival, hex, quick, where, blob, err, errlen);

    if (rc != STORE_MISSING || db == 0 || db->blob == 0)
        return rc;
    vstr_sprintf(where, "blob.db:%s", hex);
    if ((rc = store_fetch_db(db, hex, quick, blob, err, errlen)) != STORE_MISSING)
        return rc;
    return store_fetch_file(data_dir, arrival, hex, quick, where, blob, err, errlen);
}

int store_get(const char *data_dir, ADB *db, int64_t arrival, const char *hex, VSTR *out,
              char *err, size_t errlen)
{
    VSTR   *where = vstr_alloc(256);
    VSTR   *blob = vstr_alloc(65536);
    int     ret = store_fetch(data_dir, db, arrival, hex, 0, where, blob, err, errlen);

    if (ret == 0)
        ret = store_decode(where->s, hex, -1, 0, 0, blob, out, err, errlen);
    vstr_free(where);
    vstr_free(blob);
    return ret;
}

STORE_CHECK *store_check_create(void)
{
    STORE_CHECK *c = mycalloc(1, sizeof(*c));

    c->path = vstr_alloc(256);
    c->blob = vstr_alloc(65536);
    c->out = vstr_alloc(65536);
    if ((c->dctx = ZSTD_createDCtx()) == 0)
        msg_fatal("cannot create a zstd context");
    return c;
}

void store_check_free(STORE_CHECK *c)
{
    if (c) {
        vstr_free(c->path);
        vstr_free(c->blob);
        vstr_free(c->out);
        ZSTD_freeDCtx(c->dctx);
        myfree(c);
    }
}

int store_check(STORE_CHECK *c, const char *data_dir, ADB *db, int64_t arrival, const char *hex,
                int64_t size, int quick, char *err, size_t errlen)
{
    int     rc = store_fetch(data_dir, db, arrival, hex, quick, c->path, c->blob, err, errlen);

    return rc ? rc : store_decode(c->path->s, hex, size, quick, c->dctx, c->blob, c->out, err,
                                  errlen);
}

int store_check_blob(STORE_CHECK *c, const char *where, const char *hex, int64_t size, int quick,
                     const VSTR *blob, char *err, size_t errlen)
{
    if (where)
        vstr_sprintf(c->path, "%s", where);
    else
        vstr_sprintf(c->path, "blob.db:%s", hex);
    return store_decode(c->path->s, hex, size, quick, c->dctx, blob, c->out, err, errlen);
}

/* Unlink a blob file relative to its day directory, opened without
 * following links; with sync, fsync that directory now, else leave it to
 * store_sync(). */
static int store_remove_file(const char *data_dir, int64_t arrival, const char *hex, int sync,
                             char *err, size_t errlen)
{
    VSTR   *path = vstr_alloc(256);
    char   *slash;
    int     dfd, ret = -1;

    store_path(data_dir, arrival, hex, path);
    slash = strrchr(path->s, '/');
    *slash = 0;
    if ((dfd = open(path->s, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
        if (errno == ENOENT)
            ret = 0;
        else
            snprintf(err, errlen, "%s: %s", path->s, strerror(errno));
        goto out;
    }
    if (unlinkat(dfd, slash + 1, 0) < 0 && errno != ENOENT)
        snprintf(err, errlen, "%s/%s: %s", path->s, slash + 1, strerror(errno));
    else if (sync && fsync(dfd) < 0)
        snprintf(err, errlen, "%s: fsync: %s", path->s, strerror(errno));
    else
        ret = 0;
    if (ret == 0 && !sync)
        pending_add(&pend_dirs, path->s);
    close(dfd);
out:
    vstr_free(path);
    return ret;
}

int store_unlink(const char *data_dir, int64_t arrival, const char *hex, char *err, size_t errlen)
{
    return store_remove_file(data_dir, arrival, hex, 0, err, errlen);
}

int store_remove(const char *data_dir, ADB *db, int64_t arrival, const char *hex, char *err,
                 size_t errlen)
{
    unsigned char sha[DIGEST_LEN];
    DBT     key = {0};
    int     rc;

    if (store_remove_file(data_dir, arrival, hex, 1, err, errlen) < 0)
        return -1;
    if (db == 0 || db->blob == 0 || digest_unhex(hex, sha) < 0)
        return 0;
    key.data = sha;
    key.size = DIGEST_LEN;
    rc = db->blob->del(db->blob, 0, &key, 0);
    if (rc != 0 && rc != DB_NOTFOUND) {
        snprintf(err, errlen, "blob.db: %s: %s", hex, db_strerror(rc));
        return -1;
    }
    return 0;
}
