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

static int store_mkdirs(char *path)
{
    for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
        *p = 0;
        if (mkdir(path, 0750) < 0 && errno != EEXIST) {
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

int store_put(const char *data_dir, int64_t arrival, const char *hex,
              const char *msg, size_t len, int level, char *err, size_t errlen)
{
    static ZSTD_CCtx *cctx;
    VSTR   *path = vstr_alloc(256);
    char    tmp[DIGEST_HEXLEN + 8];
    size_t  bound = ZSTD_compressBound(len);
    char   *buf = 0;
    size_t  clen;
    int     dfd;
    int     fd;
    int     ret = -1;

    /* Same bytes stored before: rename would replace them with themselves. */
    store_path(data_dir, arrival, hex, path);
    if ((dfd = store_day_dir(path->s, err, errlen)) < 0)
        goto out;
    if (cctx == 0 && (cctx = ZSTD_createCCtx()) == 0) {
        snprintf(err, errlen, "cannot create zstd context");
        goto out;
    }
    buf = mymalloc(bound + STORE_HDR);
    memcpy(buf, STORE_MAGIC, 4);
    record_put_u64((unsigned char *) buf + 4, (uint64_t) len);
    clen = ZSTD_compressCCtx(cctx, buf + STORE_HDR, bound, msg, len, level);
    if (ZSTD_isError(clen)) {
        snprintf(err, errlen, "zstd: %s", ZSTD_getErrorName(clen));
        goto out;
    }
    snprintf(tmp, sizeof(tmp), ".%s.tmp", hex);
    if ((fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) < 0) {
        snprintf(err, errlen, "%s: %s", path->s, strerror(errno));
        goto out;
    }
    if (fileio_write_all(fd, buf, clen + STORE_HDR) < 0 || close(fd) < 0) {
        snprintf(err, errlen, "%s: %s", path->s, strerror(errno));
        close(fd);
        unlinkat(dfd, tmp, 0);
        goto out;
    }
    if (renameat(dfd, tmp, dfd, hex) < 0) {
        snprintf(err, errlen, "%s: %s", path->s, strerror(errno));
        unlinkat(dfd, tmp, 0);
        goto out;
    }
    ret = 0;
out:
    myfree(buf);
    vstr_free(path);
    return ret;
}

int store_sync(const char *data_dir, char *err, size_t errlen)
{
    VSTR   *path = vstr_alloc(256);
    int     fd;
    int     ret = 0;

    vstr_sprintf(path, "%s/store", data_dir);
    if ((fd = open(path->s, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || syncfs(fd) < 0) {
        snprintf(err, errlen, "%s: sync: %s", path->s, strerror(errno));
        ret = -1;
    }
    if (fd >= 0)
        close(fd);
    vstr_free(path);
    return ret;
}

int store_get(const char *data_dir, int64_t arrival, const char *hex, VSTR *out,
              char *err, size_t errlen)
{
    VSTR   *path = vstr_alloc(256);
    VSTR   *blob = vstr_alloc(65536);
    unsigned char bin[DIGEST_LEN];
    char    got[DIGEST_HEXLEN + 1];
    uint64_t olen;
    size_t  r;
    int     fd;
    int     ret = -1;

    store_path(data_dir, arrival, hex, path);
    if ((fd = open(path->s, O_RDONLY | O_CLOEXEC)) < 0) {
        snprintf(err, errlen, "%s: %s", path->s, strerror(errno));
        goto out;
    }
    if (fileio_read_all(fd, blob, 0) < 0) {
        snprintf(err, errlen, "%s: %s", path->s, strerror(errno));
        close(fd);
        goto out;
    }
    close(fd);
    if (blob->len < STORE_HDR || memcmp(blob->s, STORE_MAGIC, 4) != 0) {
        snprintf(err, errlen, "%s: not a mailarc blob", path->s);
        goto out;
    }
    olen = record_get_u64((unsigned char *) blob->s + 4);
    if (olen > (uint64_t) 1 << 34) {
        snprintf(err, errlen, "%s: absurd size", path->s);
        goto out;
    }
    vstr_reset(out);
    vstr_reserve(out, (size_t) olen);
    r = ZSTD_decompress(out->s, (size_t) olen, blob->s + STORE_HDR, blob->len - STORE_HDR);
    if (ZSTD_isError(r) || r != olen) {
        snprintf(err, errlen, "%s: damaged blob (%s)", path->s,
                 ZSTD_isError(r) ? ZSTD_getErrorName(r) : "wrong size");
        goto out;
    }
    out->len = (size_t) olen;
    out->s[out->len] = 0;
    digest_buffer(out->s, out->len, bin);
    digest_hex(bin, got);
    if (strcmp(got, hex) != 0) {
        snprintf(err, errlen, "%s: digest mismatch: content is %s", path->s, got);
        goto out;
    }
    ret = 0;
out:
    vstr_free(path);
    vstr_free(blob);
    return ret;
}
