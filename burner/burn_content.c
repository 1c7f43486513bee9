/*
 * burn_content.c - the file list, its sources, and log snapshots.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "fileio.h"
#include "mymalloc.h"
#include "store.h"
#include "burn_content.h"

static VFILE *vlist_new(VLIST *l, const char *path)
{
    VFILE  *f;

    if (l->n == l->cap)
        l->f = myrealloc(l->f, (l->cap = l->cap ? l->cap * 2 : 256) * sizeof(VFILE));
    f = &l->f[l->n++];
    memset(f, 0, sizeof(*f));
    snprintf(f->path, sizeof(f->path), "%s", path);
    return f;
}

void vlist_add_item(VLIST *l, const ITEM *it, ADB *db)
{
    VFILE  *f = vlist_new(l, it->path);

    f->src = VSRC_BLOB;
    f->size = (uint64_t) it->size;
    f->mtime = it->arrival;
    memcpy(f->sha, it->id, sizeof(f->sha));
    f->item = it;
    f->db = db;
}

void vlist_add_mem(VLIST *l, const char *path, unsigned char *mem, size_t len, int64_t mtime)
{
    VFILE  *f = vlist_new(l, path);
    unsigned char bin[DIGEST_LEN];

    f->src = VSRC_MEM;
    f->size = len;
    f->mtime = mtime;
    f->mem = mem;
    digest_buffer(mem, len, bin);
    digest_hex(bin, f->sha);
}

void vlist_add_file(VLIST *l, const char *path, const char *local, uint64_t size,
                    const char *sha, int64_t mtime)
{
    VFILE  *f = vlist_new(l, path);

    f->src = VSRC_FILE;
    f->size = size;
    f->mtime = mtime;
    f->local = mystrdup(local);
    snprintf(f->sha, sizeof(f->sha), "%s", sha);
}

void vlist_free(VLIST *l)
{
    for (size_t i = 0; i < l->n; i++) {
        myfree(l->f[i].local);
        myfree(l->f[i].mem);
    }
    myfree(l->f);
    memset(l, 0, sizeof(*l));
}

uint64_t vlist_bytes(const VLIST *l)
{
    uint64_t n = 0;

    for (size_t i = 0; i < l->n; i++)
        n += l->f[i].size;
    return n;
}

int vreader_open(const CONFIG *cfg, const VFILE *f, VREADER *r, char *err, size_t len)
{
    memset(r, 0, sizeof(*r));
    r->f = f;
    r->fd = -1;
    r->left = f->size;
    switch (f->src) {
    case VSRC_MEM:
        return 0;
    case VSRC_BLOB:
        r->buf = vstr_alloc((size_t) f->size + 1);
        if (store_get(cfg->data_dir, f->db, f->item->arrival, f->item->id, r->buf, err, len) < 0) {
            vreader_close(r);
            return -1;
        }
        if (r->buf->len != f->size) {
            snprintf(err, len, "message %s: %zu bytes, the record says %llu", f->item->id,
                     r->buf->len, (unsigned long long) f->size);
            vreader_close(r);
            return -1;
        }
        return 0;
    case VSRC_FILE:
        if ((r->fd = open(f->local, O_RDONLY | O_CLOEXEC)) < 0) {
            snprintf(err, len, "%s: %s", f->local, strerror(errno));
            return -1;
        }
        return 0;
    }
    return -1;
}

long vreader_read(VREADER *r, void *buf, size_t len)
{
    ssize_t n;

    if (len > r->left)
        len = (size_t) r->left;
    if (len == 0)
        return 0;
    switch (r->f->src) {
    case VSRC_MEM:
        memcpy(buf, r->f->mem + r->off, len);
        break;
    case VSRC_BLOB:
        memcpy(buf, r->buf->s + r->off, len);
        break;
    case VSRC_FILE:
        while ((n = read(r->fd, buf, len)) < 0 && errno == EINTR)
            ;
        if (n <= 0)
            return -1;                  /* shorter than when it was listed */
        len = (size_t) n;
        break;
    }
    r->off += len;
    r->left -= len;
    return (long) len;
}

void vreader_close(VREADER *r)
{
    if (r->buf)
        vstr_free(r->buf);
    if (r->fd >= 0)
        close(r->fd);
    r->buf = 0;
    r->fd = -1;
}

/* ---- log snapshots ----------------------------------------------------- */

static int log_newest_first(const void *a, const void *b)
{
    const LOGFILE *x = a, *y = b;

    return x->mtime < y->mtime ? 1 : x->mtime > y->mtime ? -1 : strcmp(x->name, y->name);
}

/* Copy src to dst, hashing; 0 or -1. */
static int log_copy(const char *src, const char *dst, LOGFILE *lf, char *err, size_t len)
{
    int     in, out;
    char    buf[65536];
    ssize_t n;
    DIGEST *d;
    unsigned char bin[DIGEST_LEN];

    if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0) {
        snprintf(err, len, "%s: %s (mta_logs)", src, strerror(errno));
        return -1;
    }
    if ((out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) < 0) {
        snprintf(err, len, "%s: %s", dst, strerror(errno));
        close(in);
        return -1;
    }
    d = digest_create();
    lf->size = 0;
    while ((n = read(in, buf, sizeof(buf))) > 0) {
        if (fileio_write_all(out, buf, (size_t) n) < 0) {
            n = -1;
            break;
        }
        digest_update(d, buf, (size_t) n);
        lf->size += (uint64_t) n;
    }
    digest_final(d, bin);
    digest_hex(bin, lf->sha);
    close(in);
    if (n < 0 || close(out) < 0) {
        snprintf(err, len, "copying %s: %s", src, strerror(errno));
        return -1;
    }
    return 0;
}

int logs_snapshot(const CONFIG *cfg, time_t start, time_t end, const char *dir,
                  LOGFILE **out, int *n, char *err, size_t len)
{
    glob_t  g;
    LOGFILE *all;
    int     nall = 0, rc;

    *out = 0;
    *n = 0;
    if (*cfg->mta_logs == 0)
        return 0;
    rc = glob(cfg->mta_logs, 0, 0, &g);
    if (rc == GLOB_NOMATCH)
        return 0;
    if (rc != 0) {
        snprintf(err, len, "mta_logs: cannot expand \"%s\"", cfg->mta_logs);
        return -1;
    }
    all = mycalloc(g.gl_pathc ? g.gl_pathc : 1, sizeof(LOGFILE));
    for (size_t i = 0; i < g.gl_pathc; i++) {
        struct stat st;
        const char *base = strrchr(g.gl_pathv[i], '/');

        if (stat(g.gl_pathv[i], &st) < 0 || !S_ISREG(st.st_mode))
            continue;
        snprintf(all[nall].name, sizeof(all[nall].name), "%s", base ? base + 1 : g.gl_pathv[i]);
        all[nall].local = mystrdup(g.gl_pathv[i]);
        all[nall].mtime = (int64_t) st.st_mtime;
        nall++;
    }
    globfree(&g);
    qsort(all, (size_t) nall, sizeof(LOGFILE), log_newest_first);
    /* all[i] covers (mtime of all[i+1], mtime of all[i]]. */
    for (int i = 0; i < nall; i++) {
        int64_t from = i + 1 < nall ? all[i + 1].mtime : INT64_MIN;
        char    dst[4096];

        if (all[i].mtime < (int64_t) start || from >= (int64_t) end) {
            myfree(all[i].local);
            all[i].local = 0;
            continue;
        }
        snprintf(dst, sizeof(dst), "%s/%s", dir, all[i].name);
        if (log_copy(all[i].local, dst, &all[i], err, len) < 0) {
            logs_free(all, nall);
            return -1;
        }
        myfree(all[i].local);
        all[i].local = mystrdup(dst);
    }
    /* Keep the chosen ones, oldest first. */
    for (int i = 0; i < nall; i++)
        if (all[i].local)
            all[(*n)++] = all[i];
    for (int a = 0, b = *n - 1; a < b; a++, b--) {
        LOGFILE t = all[a];

        all[a] = all[b];
        all[b] = t;
    }
    *out = all;
    return 0;
}

void logs_free(LOGFILE *l, int n)
{
    for (int i = 0; i < n; i++)
        myfree(l[i].local);
    myfree(l);
}
