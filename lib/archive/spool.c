/*
 * spool.c - spool files (see spool.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "fileio.h"
#include "mymalloc.h"
#include "spool.h"

#define SPOOL_BUF 65536

struct spool_file {
    int     fd;
    int     failed;
    char   *tmp_path;
    char   *new_path;
    char   *new_dir;
    DIGEST *digest;
    long    size;
    size_t  buf_len;
    char    buf[SPOOL_BUF];
};

SPOOL_FILE *spool_create(const char *data_dir, ENVELOPE *env, char *err, size_t errlen)
{
    SPOOL_FILE *sp = mycalloc(1, sizeof(*sp));
    VSTR   *path = vstr_alloc(256);
    VSTR   *pro = vstr_alloc(1024);

    envelope_new_qid(env->qid);
    vstr_sprintf(path, "%s/spool/tmp/%s", data_dir, env->qid);
    sp->tmp_path = mystrdup(path->s);
    vstr_sprintf(path, "%s/spool/new/%s", data_dir, env->qid);
    sp->new_path = mystrdup(path->s);
    vstr_sprintf(path, "%s/spool/new", data_dir);
    sp->new_dir = mystrdup(path->s);
    vstr_free(path);
    sp->fd = open(sp->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    env->size = 0;
    env->sha256[0] = 0;
    envelope_format(env, pro);
    if (sp->fd < 0 || fileio_write_all(sp->fd, pro->s, pro->len) < 0) {
        snprintf(err, errlen, "%s: %s", sp->tmp_path, strerror(errno));
        vstr_free(pro);
        spool_abort(sp);
        return 0;
    }
    vstr_free(pro);
    sp->digest = digest_create();
    return sp;
}

int spool_write(SPOOL_FILE *sp, const void *data, size_t len)
{
    if (sp->failed)
        return -1;
    digest_update(sp->digest, data, len);
    sp->size += (long) len;
    if (sp->buf_len + len > SPOOL_BUF) {
        if (fileio_write_all(sp->fd, sp->buf, sp->buf_len) < 0) {
            sp->failed = errno;
            return -1;
        }
        sp->buf_len = 0;
    }
    if (len >= SPOOL_BUF) {
        if (fileio_write_all(sp->fd, data, len) < 0) {
            sp->failed = errno;
            return -1;
        }
        return 0;
    }
    memcpy(sp->buf + sp->buf_len, data, len);
    sp->buf_len += len;
    return 0;
}

long spool_size(const SPOOL_FILE *sp)
{
    return sp->size;
}

static int spool_fsync_dir(const char *dir)
{
    int     fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int     ret;

    if (fd < 0)
        return -1;
    ret = fsync(fd);
    close(fd);
    return ret;
}

static int spool_finish(SPOOL_FILE *sp, ENVELOPE *env, int sync_dir);

int spool_commit(SPOOL_FILE *sp, ENVELOPE *env)
{
    return spool_finish(sp, env, 1);
}

int spool_commit_deferred(SPOOL_FILE *sp, ENVELOPE *env)
{
    return spool_finish(sp, env, 0);
}

int spool_sync_new(const char *data_dir)
{
    VSTR   *dir = vstr_alloc(256);
    int     rc;

    vstr_sprintf(dir, "%s/spool/new", data_dir);
    rc = spool_fsync_dir(dir->s);
    vstr_free(dir);
    return rc;
}

static int spool_finish(SPOOL_FILE *sp, ENVELOPE *env, int sync_dir)
{
    unsigned char bin[DIGEST_LEN];
    char    num[ENVELOPE_SIZE_WIDTH + 1];
    int     saved;

    digest_final(sp->digest, bin);
    sp->digest = 0;
    digest_hex(bin, env->sha256);
    env->size = sp->size;
    snprintf(num, sizeof(num), "%0*ld", ENVELOPE_SIZE_WIDTH, env->size);
    if (sp->failed) {
        errno = sp->failed;
        goto fail;
    }
    if (fileio_write_all(sp->fd, sp->buf, sp->buf_len) < 0
        || pwrite(sp->fd, num, ENVELOPE_SIZE_WIDTH, ENVELOPE_SIZE_OFF) != ENVELOPE_SIZE_WIDTH
        || pwrite(sp->fd, env->sha256, 64, ENVELOPE_SHA_OFF) != 64
        || fsync(sp->fd) < 0)
        goto fail;
    if (close(sp->fd) < 0) {
        sp->fd = -1;
        goto fail;
    }
    sp->fd = -1;
    if (rename(sp->tmp_path, sp->new_path) < 0)
        goto fail;
    if (sync_dir && spool_fsync_dir(sp->new_dir) < 0) {
        /* Not durable: take it back so the client's retry is the only copy. */
        saved = errno;
        unlink(sp->new_path);
        errno = saved;
        goto fail;
    }
    myfree(sp->tmp_path);
    myfree(sp->new_path);
    myfree(sp->new_dir);
    myfree(sp);
    return 0;
fail:
    saved = errno;
    spool_abort(sp);
    errno = saved;
    return -1;
}

void spool_abort(SPOOL_FILE *sp)
{
    unsigned char bin[DIGEST_LEN];

    if (sp->digest)
        digest_final(sp->digest, bin);
    if (sp->fd >= 0)
        close(sp->fd);
    unlink(sp->tmp_path);
    myfree(sp->tmp_path);
    myfree(sp->new_path);
    myfree(sp->new_dir);
    myfree(sp);
}

int spool_read(const char *path, const char *known, size_t known_len, ENVELOPE *env,
               VSTR *msg, int max_rcpt, char *err, size_t errlen)
{
    struct stat st;
    long    off = 0;
    int     fd;
    unsigned char bin[DIGEST_LEN];
    char    hex[DIGEST_HEXLEN + 1];

    if (known && (off = envelope_parse(env, known, known_len, max_rcpt, err, errlen)) < 0)
        return SPOOL_DAMAGED;
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0) {
        int     saved = errno;

        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        errno = saved;
        return SPOOL_IOERR;
    }
    vstr_reset(msg);
    vstr_reserve(msg, (size_t) st.st_size + 1);
    if ((known && lseek(fd, off, SEEK_SET) < 0) || fileio_read_all(fd, msg, 0) < 0) {
        int     saved = errno;

        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        close(fd);
        errno = saved;
        return SPOOL_IOERR;
    }
    close(fd);
    if (!known) {
        if ((off = envelope_parse(env, msg->s, msg->len, max_rcpt, err, errlen)) < 0)
            return SPOOL_DAMAGED;
        /* Drop the prologue: what remains is the message, byte for byte. */
        memmove(msg->s, msg->s + off, msg->len - (size_t) off + 1);
        msg->len -= (size_t) off;
    }
    if (msg->len != (size_t) env->size) {
        snprintf(err, errlen, "%s: size %ld in envelope, %zu bytes in file", path,
                 env->size, msg->len);
        return SPOOL_DAMAGED;
    }
    digest_buffer(msg->s, msg->len, bin);
    digest_hex(bin, hex);
    if (strcmp(hex, env->sha256) != 0) {
        snprintf(err, errlen, "%s: digest mismatch (envelope %s, content %s)", path,
                 env->sha256, hex);
        return SPOOL_DAMAGED;
    }
    return 0;
}

long spool_count_suffix(const char *data_dir, const char *sub, const char *suffix, int with)
{
    char    path[4096];
    DIR    *dir;
    struct dirent *de;
    size_t  sl = suffix ? strlen(suffix) : 0;
    long    n = 0;

    snprintf(path, sizeof(path), "%s/%s", data_dir, sub);
    if ((dir = opendir(path)) == 0)
        return -1;
    while ((de = readdir(dir)) != 0) {
        size_t  l = strlen(de->d_name);
        int     has = sl && l > sl && strcmp(de->d_name + l - sl, suffix) == 0;

        if (de->d_name[0] != '.' && (sl == 0 || has == with))
            n++;
    }
    closedir(dir);
    return n;
}

long spool_count(const char *data_dir, const char *sub)
{
    return spool_count_suffix(data_dir, sub, 0, 0);
}
