/*
 * auditlog.c - the hash-chained audit log (see auditlog.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/fs.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "date.h"
#include "digest.h"
#include "fileio.h"
#include "msg.h"
#include "mymalloc.h"
#include "auditlog.h"

#define TAIL_WINDOW 65536           /* a line is far shorter */
#define PREV " prev="

static void auditlog_path(const CONFIG *cfg, VSTR *path)
{
    if (*cfg->audit_log)
        vstr_set(path, cfg->audit_log);
    else
        vstr_sprintf(path, "%s/log/audit.log", cfg->data_dir);
}

int auditlog_open(const CONFIG *cfg, AUDITLOG *a, char *err, size_t errlen)
{
    VSTR   *path = vstr_alloc(256);
    int     flags;

    auditlog_path(cfg, path);
    a->wfd = open(path->s, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640);
    a->rfd = open(path->s, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (a->wfd < 0 || a->rfd < 0) {
        snprintf(err, errlen, "audit log %s: %s", path->s, strerror(errno));
        auditlog_close(a);
        vstr_free(path);
        return -1;
    }
    if (geteuid() == 0) {
        struct passwd *pw = getpwnam(cfg->user);
        struct stat st;

        /* Readable by the archive's group, for the seals; still root's.
         * Before the append-only flag, which forbids changing owners. */
        if (pw && fstat(a->wfd, &st) == 0 && st.st_uid == 0 && st.st_gid != pw->pw_gid
            && fchown(a->wfd, 0, pw->pw_gid) < 0)
            msg_info("audit log %s: cannot give it the group of %s: %m", path->s, cfg->user);
        if (ioctl(a->wfd, FS_IOC_GETFLAGS, &flags) == 0 && !(flags & FS_APPEND_FL)) {
            flags |= FS_APPEND_FL;
            if (ioctl(a->wfd, FS_IOC_SETFLAGS, &flags) < 0)
                msg_info("audit log %s: cannot mark it append-only here (%m); "
                         "it is still opened for appending only", path->s);
        }
    }
    vstr_free(path);
    return 0;
}

void auditlog_close(AUDITLOG *a)
{
    if (a->wfd >= 0)
        close(a->wfd);
    if (a->rfd >= 0)
        close(a->rfd);
    a->wfd = a->rfd = -1;
}

/* The hash of the last complete line of the file behind fd (zeros when
 * empty).  0 or -1. */
static int auditlog_tail(int fd, unsigned char hash[32])
{
    struct stat st;
    char   *buf;
    off_t   from;
    ssize_t n;
    char   *end, *start;

    memset(hash, 0, 32);
    if (fstat(fd, &st) < 0)
        return -1;
    if (st.st_size == 0)
        return 0;
    from = st.st_size > TAIL_WINDOW ? st.st_size - TAIL_WINDOW : 0;
    buf = mymalloc(TAIL_WINDOW + 1);
    if ((n = pread(fd, buf, (size_t) (st.st_size - from), from)) <= 0) {
        myfree(buf);
        return -1;
    }
    /* A line cut short by a crash has no newline: the chain goes on from
     * the last whole line, and verify reports the torn one. */
    end = memrchr(buf, '\n', (size_t) n);
    if (end == 0) {
        myfree(buf);
        return from == 0 ? 0 : -1;
    }
    start = end > buf ? memrchr(buf, '\n', (size_t) (end - buf)) : 0;
    start = start ? start + 1 : buf;
    if (start == buf && from > 0) {
        myfree(buf);
        return -1;
    }
    digest_buffer(start, (size_t) (end + 1 - start), hash);
    myfree(buf);
    return 0;
}

int auditlog_append(AUDITLOG *a, const char *line)
{
    unsigned char prev[32];
    char    hex[DIGEST_HEXLEN + 1];
    VSTR   *v;
    int     rc = -1, saved;

    if (a->wfd < 0) {
        errno = EBADF;
        return -1;
    }
    if (flock(a->wfd, LOCK_EX) < 0)
        return -1;
    if (auditlog_tail(a->rfd, prev) == 0) {
        digest_hex(prev, hex);
        v = vstr_alloc(strlen(line) + 80);
        vstr_sprintf(v, "%s" PREV "%s\n", line, hex);
        rc = write(a->wfd, v->s, v->len) == (ssize_t) v->len ? 0 : -1;
        if (rc == 0 && fdatasync(a->wfd) < 0)
            rc = -1;
        vstr_free(v);
    }
    saved = errno;
    flock(a->wfd, LOCK_UN);
    errno = saved;
    return rc;
}

/* A value, escaped; with cap, at most cap bytes of it, its length noted. */
static void auditlog_value(VSTR *out, const char *s, size_t cap)
{
    size_t  n = strlen(s);

    for (size_t i = 0; i < n && (cap == 0 || i < cap); i++) {
        unsigned char c = (unsigned char) s[i];

        if (c == '"' || c == '\\')
            vstr_sprintf_append(out, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            vstr_sprintf_append(out, "\\x%02x", c);
        else
            vstr_addch(out, c);
    }
    if (cap && n > cap)
        vstr_sprintf_append(out, "...(%zu bytes)", n);
}

void auditlog_entry(VSTR *out, const char *client, const char *login, const char *action,
                    const char *result, const char *detail, size_t cap)
{
    char    when[32];

    date_iso(time(0), when, sizeof(when));
    vstr_sprintf(out, "%s client=%s login=", when, client);
    auditlog_value(out, *login ? login : "-", cap);
    vstr_sprintf_append(out, " action=%s result=%s detail=\"", action, result);
    auditlog_value(out, detail ? detail : "", cap);
    vstr_addch(out, '"');
}

int auditlog_write(const CONFIG *cfg, const char *login, const char *action, const char *result,
                   const char *detail, char *err, size_t errlen)
{
    AUDITLOG a;
    VSTR   *line = vstr_alloc(256);
    int     rc = -1;

    if (auditlog_open(cfg, &a, err, errlen) == 0) {
        auditlog_entry(line, "cli", login, action, result, detail, 0);
        if ((rc = auditlog_append(&a, line->s)) < 0)
            snprintf(err, errlen, "audit log: %s", strerror(errno));
        auditlog_close(&a);
    }
    vstr_free(line);
    return rc;
}

int auditlog_scan(const CONFIG *cfg, AUDITLOG_FN fn, void *ctx, char *err, size_t errlen)
{
    VSTR   *path = vstr_alloc(256);
    size_t  cap = 1 << 20, used = 0;
    char   *buf;
    unsigned char hash[32];
    uint64_t lineno = 0;
    int     fd, rc = 0;
    ssize_t n;

    auditlog_path(cfg, path);
    if ((fd = open(path->s, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
        int     missing = errno == ENOENT;

        if (!missing)
            snprintf(err, errlen, "audit log %s: %s", path->s, strerror(errno));
        vstr_free(path);
        return missing ? 0 : -1;
    }
    buf = mymalloc(cap + 1);
    for (;;) {
        char   *p, *nl;

        if (used == cap) {
            cap *= 2;
            buf = myrealloc(buf, cap + 1);
        }
        if ((n = read(fd, buf + used, cap - used)) < 0) {
            snprintf(err, errlen, "audit log %s: %s", path->s, strerror(errno));
            rc = -1;
            break;
        }
        used += (size_t) n;
        p = buf;
        while ((nl = memchr(p, '\n', used - (size_t) (p - buf))) != 0) {
            digest_buffer(p, (size_t) (nl + 1 - p), hash);
            *nl = 0;
            fn(++lineno, hash, p, (size_t) (nl - p), ctx);
            p = nl + 1;
        }
        used -= (size_t) (p - buf);
        memmove(buf, p, used);
        if (n == 0)
            break;
    }
    if (rc == 0 && used) {          /* a torn last line */
        digest_buffer(buf, used, hash);
        buf[used] = 0;
        fn(++lineno, hash, buf, used, ctx);
    }
    close(fd);
    myfree(buf);
    vstr_free(path);
    return rc;
}

struct head {
    uint64_t lines;
    unsigned char hash[32];
};

static void head_fn(uint64_t lineno, const unsigned char hash[32], const char *line, size_t len,
                    void *ctx)
{
    struct head *h = ctx;

    (void) line;
    (void) len;
    h->lines = lineno;
    memcpy(h->hash, hash, 32);
}

int auditlog_head(const CONFIG *cfg, uint64_t *lines, unsigned char hash[32], char *err,
                  size_t errlen)
{
    struct head h;

    memset(&h, 0, sizeof(h));
    if (auditlog_scan(cfg, head_fn, &h, err, errlen) < 0)
        return -1;
    *lines = h.lines;
    memcpy(hash, h.hash, 32);
    return 0;
}

struct check {
    void    (*out)(void *, const char *);
    void   *ctx;
    AUDIT_CHECK *res;
    unsigned char prev[32];
    int     chained;                /* a chained line was seen */
    VSTR   *msg;
};

static void check_fn(uint64_t lineno, const unsigned char hash[32], const char *line,
                     size_t len, void *ctx)
{
    struct check *c = ctx;
    const char *p = 0;
    unsigned char want[32];

    c->res->lines = lineno;
    for (const char *q = line; (q = memmem(q, len - (size_t) (q - line), PREV, 6)) != 0; q++)
        p = q;
    if (p && (size_t) (line + len - p) == 6 + DIGEST_HEXLEN
        && digest_unhex(p + 6, want) == 0) {
        if (lineno > 1 && memcmp(want, c->prev, 32) != 0) {
            vstr_sprintf(c->msg, "audit chain broken between lines %llu and %llu: line %llu "
                         "changed, or lines removed or inserted there",
                         (unsigned long long) (lineno - 1), (unsigned long long) lineno,
                         (unsigned long long) (lineno - 1));
            c->out(c->ctx, c->msg->s);
            c->res->problems++;
        } else if (lineno == 1 && memcmp(want, (unsigned char[32]) {0}, 32) != 0) {
            vstr_sprintf(c->msg, "audit line 1 does not start the chain: lines before it "
                         "removed");
            c->out(c->ctx, c->msg->s);
            c->res->problems++;
        }
        c->chained = 1;
    } else if (c->chained) {
        vstr_sprintf(c->msg, "audit line %llu has no chain value: inserted, changed or torn",
                     (unsigned long long) lineno);
        c->out(c->ctx, c->msg->s);
        c->res->problems++;
    }
    memcpy(c->prev, hash, 32);
}

int auditlog_verify(const CONFIG *cfg, void (*out)(void *, const char *), void *ctx,
                    AUDIT_CHECK *res, char *err, size_t errlen)
{
    struct check c;

    memset(&c, 0, sizeof(c));
    memset(res, 0, sizeof(*res));
    c.out = out;
    c.ctx = ctx;
    c.res = res;
    c.msg = vstr_alloc(256);
    if (auditlog_scan(cfg, check_fn, &c, err, errlen) < 0) {
        vstr_free(c.msg);
        return -1;
    }
    vstr_free(c.msg);
    return res->problems ? 1 : 0;
}
