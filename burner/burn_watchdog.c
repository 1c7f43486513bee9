/*
 * burn_watchdog.c - the capture watchdog (see burn_watchdog.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "adb.h"
#include "alert.h"
#include "arrivals.h"
#include "fileio.h"
#include "msg.h"
#include "spool.h"
#include "vstr.h"
#include "burn_watchdog.h"

#define WATCHDOG_RETRY 600          /* seconds after a failed send */

static time_t next_check, next_try;

/* The newest file waiting in spool/new: mail that came but is not indexed. */
static time_t watchdog_spool_newest(const CONFIG *cfg)
{
    char    path[4096];
    DIR    *d;
    struct dirent *e;
    struct stat st;
    time_t  newest = 0;

    snprintf(path, sizeof(path), "%s/spool/new", cfg->data_dir);
    if ((d = opendir(path)) == 0)
        return 0;
    while ((e = readdir(d)) != 0)
        if (e->d_name[0] != '.' && fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0
            && st.st_mtime > newest)
            newest = st.st_mtime;
    closedir(d);
    return newest;
}

static void watchdog_state_path(const CONFIG *cfg, char *buf, size_t len)
{
    snprintf(buf, len, "%s/media/watchdog", cfg->data_dir);     /* the burner's own directory */
}

/* The silence already reported (its start), or 0. */
static time_t watchdog_reported(const CONFIG *cfg)
{
    char    path[4096], buf[64];
    int     fd;
    ssize_t n;

    watchdog_state_path(cfg, path, sizeof(path));
    if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
        return 0;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = 0;
    return (time_t) strtoll(buf, 0, 10);
}

static void watchdog_record(const CONFIG *cfg, time_t since)
{
    char    path[4096], tmp[4200], buf[64];
    int     fd, len = snprintf(buf, sizeof(buf), "%lld\n", (long long) since);

    watchdog_state_path(cfg, path, sizeof(path));
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0640)) < 0
        || fileio_write_all(fd, buf, (size_t) len) < 0 || fsync(fd) < 0 || close(fd) < 0
        || rename(tmp, path) < 0)
        msg_warn("capture watchdog: cannot record the alert in %s: %s", path, strerror(errno));
}

static void watchdog_body(const CONFIG *cfg, ADB *db, time_t since, time_t now, VSTR *body)
{
    ARRIVAL_PATH paths[32];
    int     n = db ? arrivals_read(db, paths, 32, 0) : 0;
    char    when[96];

    arrivals_when((int64_t) since, (int64_t) now, when, sizeof(when));
    vstr_sprintf(body, "No message has reached the mail archive in %s since %s.\n"
                 "This alert is sent once for each silence longer than "
                 "capture_silence_alert (%ld s).\n\n", cfg->data_dir, when,
                 cfg->capture_silence_alert);
    if (n == 0)
        vstr_addstr(body, "No message has arrived since the archive was set up.\n");
    for (int i = 0; i < n; i++) {
        arrivals_when(paths[i].last, (int64_t) now, when, sizeof(when));
        vstr_sprintf_append(body, "Last message over %-8s %s\n", paths[i].name, when);
    }
    vstr_sprintf_append(body, "Messages waiting to be indexed: %ld\n\n",
                        spool_count(cfg->data_dir, "spool/new"));
    vstr_addstr(body, "Check that the mail server still sends to the archive (its queue, "
                "for Postfix \"postqueue -p\", and its log for deliveries to the archive), "
                "and run \"mailarc status\" on the archive.\n");
}

void watchdog_tick(const CONFIG *cfg, time_t since_start, time_t now)
{
    long    limit = cfg->capture_silence_alert;
    long    every = limit / 4 < 1 ? 1 : limit / 4 > 60 ? 60 : limit / 4;
    int64_t newest = 0;
    time_t  since, spool;
    char    err[1024];
    int     dberr = 0;
    ADB    *db;
    VSTR   *body;

    if (limit <= 0 || now < next_check || now < next_try)
        return;
    next_check = now + every;
    if ((db = adb_open(cfg, ADB_READ, &dberr, err, sizeof(err))) != 0)
        newest = (int64_t) adb_meta_u64(db, 0, "last_arrival");
    /* Silence since the last message; on a new archive, since it started. */
    since = newest > 0 ? (time_t) newest : since_start;
    if (now - since >= limit && (spool = watchdog_spool_newest(cfg)) > since)
        since = spool;
    if (now - since < limit || watchdog_reported(cfg) == since) {
        if (db)
            adb_close(db);
        return;
    }
    body = vstr_alloc(1024);
    watchdog_body(cfg, db, since, now, body);
    if (db)
        adb_close(db);
    if (alert_send(cfg, "no mail has arrived for a while", body->s, err, sizeof(err)) < 0) {
        msg_warn("capture watchdog: no mail for %ld s, and the alert could not be sent "
                 "through %s: %s; trying again in %d s", (long) (now - since), cfg->relay_host,
                 err, WATCHDOG_RETRY);
        next_try = now + WATCHDOG_RETRY;
    } else {
        msg_warn("capture watchdog: no mail for %ld s; alert sent", (long) (now - since));
        watchdog_record(cfg, since);
    }
    vstr_free(body);
}
