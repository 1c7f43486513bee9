/*
 * web_audit.c - the audit log: every login, search, view, download,
 * restore and daemon action, one line each.
 *
 * The file (auditlog.h: hash-chained, shared with the mailarc command) is
 * opened before privileges are dropped, for appending only (O_APPEND)
 * and, when mailarc-web starts as root, marked append-only in the file
 * system (FS_APPEND_FL, as "chattr +a"): the unprivileged web side can
 * add lines but neither rewrite nor truncate it, and a restart appends
 * to the same file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auditlog.h"
#include "date.h"
#include "msg.h"
#include "mymalloc.h"
#include "web.h"

#define AUDIT_WINDOW (1024 * 1024)

static AUDITLOG audit = {-1, -1};
static pthread_mutex_t audit_lock = PTHREAD_MUTEX_INITIALIZER;

int web_audit_open(const CONFIG *cfg, char *err, size_t errlen)
{
    return auditlog_open(cfg, &audit, err, errlen);
}

/*
 * What an unauthenticated client can make the panel write is bounded: a
 * value is kept to AUDIT_MAX_VALUE bytes (with its full length noted), and
 * entries without a login are rate-limited to web_audit_anonymous_limit a
 * minute; the ones over it are counted, and the count is logged with the
 * next entry that is written.
 */
#define AUDIT_MAX_VALUE 256

static double audit_tokens = -1;
static time_t audit_refilled;
static unsigned long audit_suppressed;

/* Lock held.  May an entry without a login be written now? */
static int audit_anonymous_ok(void)
{
    long    limit = web_config()->web_audit_anonymous_limit;
    time_t  now = time(0);

    if (audit_tokens < 0) {
        audit_tokens = (double) limit;
        audit_refilled = now;
    }
    audit_tokens += (double) (now - audit_refilled) * (double) limit / 60.0;
    audit_refilled = now;
    if (audit_tokens > (double) limit)
        audit_tokens = (double) limit;
    if (audit_tokens < 1) {
        audit_suppressed++;
        return 0;
    }
    audit_tokens -= 1;
    return 1;
}

void web_audit(const char *client, const char *login, const char *action,
               const char *result, const char *detail)
{
    VSTR   *line = vstr_alloc(256);
    char    when[32];

    date_iso(time(0), when, sizeof(when));
    auditlog_entry(line, client, login, action, result, detail, AUDIT_MAX_VALUE);
    pthread_mutex_lock(&audit_lock);
    if (*login == 0 && !audit_anonymous_ok()) {
        pthread_mutex_unlock(&audit_lock);
        vstr_free(line);
        return;
    }
    if (audit_suppressed) {
        VSTR   *note = vstr_alloc(128);

        vstr_sprintf(note, "%s client=- login=- action=audit result=suppressed "
                     "detail=\"%lu entries without a login over web_audit_anonymous_limit\"",
                     when, audit_suppressed);
        if (auditlog_append(&audit, note->s) < 0)
            msg_warn("audit log: write: %m");
        vstr_free(note);
        audit_suppressed = 0;
    }
    if (auditlog_append(&audit, line->s) < 0)
        msg_warn("audit log: write: %m");
    pthread_mutex_unlock(&audit_lock);
    vstr_free(line);
}

off_t web_audit_read(off_t before, int max, STRLIST *lines)
{
    struct stat st;
    off_t   from, first;
    char   *buf;
    ssize_t n;
    STRLIST all;

    strlist_init(lines);
    if (audit.rfd < 0 || fstat(audit.rfd, &st) < 0)
        return 0;
    if (before <= 0 || before > st.st_size)
        before = st.st_size;
    /* One window of at most 1 MiB before the offset; its first line may be
     * cut, and is then left for the next page. */
    from = before > AUDIT_WINDOW ? before - AUDIT_WINDOW : 0;
    buf = mymalloc((size_t) (before - from) + 1);
    n = pread(audit.rfd, buf, (size_t) (before - from), from);
    if (n < 0)
        n = 0;
    buf[n] = 0;
    strlist_init(&all);
    first = from + n;
    {
        STRLIST offs;
        char    o[32];
        char   *p = buf;

        strlist_init(&offs);
        if (from > 0) {                 /* skip the cut line */
            char   *e = memchr(buf, '\n', (size_t) n);

            p = e ? e + 1 : buf + n;
        }
        for (char *e; p < buf + n; p = e + 1) {
            if ((e = memchr(p, '\n', (size_t) (buf + n - p))) == 0)
                break;                  /* a line being written */
            *e = 0;
            strlist_add(&all, p);
            snprintf(o, sizeof(o), "%lld", (long long) (from + (p - buf)));
            strlist_add(&offs, o);
        }
        for (int i = all.n > max ? all.n - max : 0; i < all.n; i++) {
            strlist_add(lines, all.v[i]);
            if (lines->n == 1)
                first = (off_t) atoll(offs.v[i]);
        }
        if (all.n == 0 && from > 0)
            first = from;               /* one line longer than the window */
        strlist_free(&offs);
    }
    strlist_free(&all);
    myfree(buf);
    return first;
}
