/*
 * web_audit.c - the audit log: every login, search, view, download,
 * restore and daemon action, one line each.
 *
 * The file is opened before privileges are dropped, for appending only
 * (O_APPEND) and, when mailarc-web starts as root, marked append-only in
 * the file system (FS_APPEND_FL, as "chattr +a"): the unprivileged web
 * side can add lines but neither rewrite nor truncate it, and a restart
 * appends to the same file.  Each line is one write(), so lines from
 * concurrent requests never mix.
 *
 * Line: 2026-11-21T10:00:00Z client=ADDR login=NAME action=ACTION
 *       result=RESULT detail="…"   (quotes, backslashes and control
 *       bytes in values are escaped)
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/date.h"
#include "../lib/msg.h"
#include "../lib/mymalloc.h"
#include "web.h"

static int audit_wfd = -1, audit_rfd = -1;
static pthread_mutex_t audit_lock = PTHREAD_MUTEX_INITIALIZER;

int web_audit_open(const CONFIG *cfg, char *err, size_t errlen)
{
    VSTR   *path = vstr_alloc(256);
    int     flags;

    if (*cfg->audit_log)
        vstr_set(path, cfg->audit_log);
    else {
        vstr_sprintf(path, "%s/log", cfg->data_dir);
        mkdir(path->s, 0750);
        vstr_addstr(path, "/audit.log");
    }
    audit_wfd = open(path->s, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    audit_rfd = open(path->s, O_RDONLY | O_CLOEXEC);
    if (audit_wfd < 0 || audit_rfd < 0) {
        snprintf(err, errlen, "audit log %s: %s", path->s, strerror(errno));
        vstr_free(path);
        return -1;
    }
    if (geteuid() == 0) {
        if (ioctl(audit_wfd, FS_IOC_GETFLAGS, &flags) == 0 && !(flags & FS_APPEND_FL)) {
            flags |= FS_APPEND_FL;
            if (ioctl(audit_wfd, FS_IOC_SETFLAGS, &flags) < 0)
                msg_info("audit log %s: cannot mark it append-only here (%m); "
                         "it is still opened for appending only", path->s);
        }
    }
    vstr_free(path);
    return 0;
}

static void audit_value(VSTR *out, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char) *s;

        if (c == '"' || c == '\\')
            vstr_sprintf_append(out, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            vstr_sprintf_append(out, "\\x%02x", c);
        else
            vstr_addch(out, c);
    }
}

void web_audit(const char *client, const char *login, const char *action,
               const char *result, const char *detail)
{
    VSTR   *line = vstr_alloc(256);
    char    when[32];

    date_iso(time(0), when, sizeof(when));
    vstr_sprintf(line, "%s client=%s login=", when, client);
    audit_value(line, *login ? login : "-");
    vstr_sprintf_append(line, " action=%s result=%s detail=\"", action, result);
    audit_value(line, detail ? detail : "");
    vstr_addstr(line, "\"\n");
    pthread_mutex_lock(&audit_lock);
    if (audit_wfd >= 0 && write(audit_wfd, line->s, line->len) != (ssize_t) line->len)
        msg_warn("audit log: write: %m");
    pthread_mutex_unlock(&audit_lock);
    vstr_free(line);
}

void web_audit_tail(STRLIST *lines, int max)
{
    struct stat st;
    off_t   from;
    char   *buf;
    ssize_t n;
    STRLIST all;

    strlist_init(lines);
    if (audit_rfd < 0 || fstat(audit_rfd, &st) < 0)
        return;
    from = st.st_size > 1024 * 1024 ? st.st_size - 1024 * 1024 : 0;
    buf = mymalloc((size_t) (st.st_size - from) + 1);
    n = pread(audit_rfd, buf, (size_t) (st.st_size - from), from);
    if (n < 0)
        n = 0;
    buf[n] = 0;
    strlist_init(&all);
    for (char *p = buf, *e; *p; p = e + 1) {
        if ((e = strchr(p, '\n')) == 0)
            break;                      /* a line being written */
        *e = 0;
        if (from == 0 || p != buf)      /* skip a cut first line */
            strlist_add(&all, p);
    }
    for (int i = all.n > max ? all.n - max : 0; i < all.n; i++)
        strlist_add(lines, all.v[i]);
    strlist_free(&all);
    myfree(buf);
}
