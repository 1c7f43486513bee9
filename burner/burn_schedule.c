/*
 * burn_schedule.c - monthly jobs and their catch-up (see burn_schedule.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "adb.h"
#include "fileio.h"
#include "media.h"
#include "msg.h"
#include "vstr.h"
#include "burn_schedule.h"

static void schedule_path(const CONFIG *cfg, char *buf, size_t len)
{
    snprintf(buf, len, "%s/media/schedule", cfg->data_dir);
}

/* Is "YYYY-MM KIND" a line of media/schedule? */
static int schedule_is_done(const VSTR *text, const char *month, int kind)
{
    char    want[64];
    size_t  n;

    n = (size_t) snprintf(want, sizeof(want), "%s %s ", month, job_kind_name(kind));
    for (const char *line = text->s; line && *line;) {
        if (strncmp(line, want, n) == 0)
            return 1;
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    return 0;
}

static void schedule_read(const CONFIG *cfg, VSTR *text)
{
    char    path[4200];
    int     fd;

    schedule_path(cfg, path, sizeof(path));
    vstr_reset(text);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
        if (fileio_read_all(fd, text, 1 << 20) < 0)
            vstr_reset(text);
        close(fd);
    }
}

void schedule_mark(const CONFIG *cfg, const JOB *job)
{
    char    path[4200], line[128];
    int     fd;

    schedule_path(cfg, path, sizeof(path));
    snprintf(line, sizeof(line), "%s %s %s\n", job->month, job_kind_name(job->kind), job->id);
    if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640)) < 0
        || fileio_write_all(fd, line, strlen(line)) < 0 || fsync(fd) < 0)
        msg_warn("%s: %s", path, strerror(errno));
    if (fd >= 0)
        close(fd);
}

/* The first month any message arrived in, from the day counters. */
static int first_month(const CONFIG *cfg, MONTH *m)
{
    ADB    *db;
    DBC    *cur = 0;
    DBT     key = {0}, val = {0};
    char    err[1024], day[16], kbuf[64];
    int     dberr = 0, rc = -1;

    if ((db = adb_open(cfg, ADB_READ, &dberr, err, sizeof(err))) == 0) {
        msg_warn("schedule: the archive is unavailable: %s", err);
        return -1;
    }
    memcpy(kbuf, "day:", 4);
    key.data = kbuf;
    key.size = 4;
    key.ulen = sizeof(kbuf);
    key.flags = DB_DBT_USERMEM;
    val.flags = DB_DBT_PARTIAL | DB_DBT_USERMEM;   /* the key is all we need */
    val.data = day;
    val.ulen = 0;
    if (db->meta->cursor(db->meta, 0, &cur, 0) == 0) {
        if (cur->get(cur, &key, &val, DB_SET_RANGE) == 0 && key.size == 14
            && memcmp(kbuf, "day:", 4) == 0) {
            memcpy(day, kbuf + 4, 7);
            day[7] = 0;
            rc = month_parse(day, m);
        } else {
            rc = 1;                     /* no mail yet */
        }
        cur->close(cur);
    }
    adb_close(db);
    return rc;
}

int schedule_due(const CONFIG *cfg, time_t now, int (*busy)(void *, const char *, int),
                 void *ctx, JOB *out, int max)
{
    MONTH   first, last = month_prev(month_of(now));
    VSTR   *done;
    int     n = 0;

    if (strcmp(cfg->burn_schedule, "monthly") != 0)
        return 0;
    if (*cfg->burn_schedule_start) {
        if (month_parse(cfg->burn_schedule_start, &first) < 0)
            return 0;
    } else if (first_month(cfg, &first) != 0) {
        return 0;
    }
    done = vstr_alloc(1024);
    schedule_read(cfg, done);
    for (MONTH m = first; month_cmp(m, last) <= 0 && n < max; m = month_next(m)) {
        char    ms[8];

        month_str(m, ms);
        for (int kind = JOB_ARCHIVE; kind <= JOB_BURN && n < max; kind++) {
            JOB    *j = &out[n];

            if (schedule_is_done(done, ms, kind) || busy(ctx, ms, kind))
                continue;
            memset(j, 0, sizeof(*j));
            job_new_id(j->id);
            j->kind = kind;
            snprintf(j->month, sizeof(j->month), "%s", ms);
            snprintf(j->media, sizeof(j->media), "%s", cfg->burn_media);
            snprintf(j->origin, sizeof(j->origin), "schedule");
            snprintf(j->user, sizeof(j->user), "mailarc-burner");
            n++;
        }
    }
    vstr_free(done);
    return n;
}
