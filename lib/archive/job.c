/*
 * job.c - job ids and state files (see job.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "fileio.h"
#include "job.h"
#include "mymalloc.h"
#include "vstr.h"

static const char *kind_names[] = {0, "archive", "burn"};
static const char *state_names[] = {"queued", "running", "done", "empty", "failed"};

const char *job_kind_name(int kind)
{
    return kind == JOB_ARCHIVE || kind == JOB_BURN ? kind_names[kind] : "?";
}

const char *job_state_name(int state)
{
    return state >= JOB_QUEUED && state <= JOB_FAILED ? state_names[state] : "?";
}

int job_kind_parse(const char *s)
{
    if (strcmp(s, "archive") == 0)
        return JOB_ARCHIVE;
    if (strcmp(s, "burn") == 0)
        return JOB_BURN;
    return -1;
}

static void job_copy(char *dst, size_t len, const char *val)
{
    size_t  n = strnlen(val, len - 1);

    memcpy(dst, val, n);
    dst[n] = 0;
}

void job_new_id(char id[JOB_ID_MAX])
{
    unsigned char rnd[3] = {0, 0, 0};
    time_t  now = time(0);
    struct tm tm;

    if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
        rnd[0] = (unsigned char) getpid();
        rnd[1] = (unsigned char) (getpid() >> 8);
        rnd[2] = (unsigned char) clock();
    }
    char    buf[64];

    gmtime_r(&now, &tm);
    strftime(buf, 16, "%Y%m%d-%H%M%S", &tm);
    snprintf(buf + 15, sizeof(buf) - 15, "-%02x%02x%02x", rnd[0], rnd[1], rnd[2]);
    job_copy(id, JOB_ID_MAX, buf);
}

int job_id_ok(const char *id)
{
    size_t  n = strlen(id);

    if (n != 22 || id[8] != '-' || id[15] != '-')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f') || id[i] == '-'))
            return 0;
    return 1;
}

int job_dir(const CONFIG *cfg, char *buf, size_t len)
{
    snprintf(buf, len, "%s/media/jobs", cfg->data_dir);
    if (mkdir(buf, 0750) < 0 && errno != EEXIST)
        return -1;
    return 0;
}

/* Values are one line: newlines and other control bytes become spaces. */
static void job_put(VSTR *out, const char *key, const char *val)
{
    vstr_sprintf_append(out, "%s=", key);
    for (const char *p = val; *p; p++)
        vstr_addch(out, (unsigned char) *p < 0x20 ? ' ' : *p);
    vstr_addch(out, '\n');
}

int job_save(const CONFIG *cfg, const JOB *job)
{
    char    dir[4096], path[4200], tmp[4200];
    VSTR   *out = vstr_alloc(1024);
    int     fd, rc = -1;

    if (!job_id_ok(job->id) || job_dir(cfg, dir, sizeof(dir)) < 0) {
        vstr_free(out);
        return -1;
    }
    job_put(out, "id", job->id);
    job_put(out, "kind", job_kind_name(job->kind));
    job_put(out, "month", job->month);
    job_put(out, "media", job->media);
    job_put(out, "origin", job->origin);
    job_put(out, "user", job->user);
    job_put(out, "state", job_state_name(job->state));
    vstr_sprintf_append(out, "permille=%d\ncreated=%lld\nstarted=%lld\nfinished=%lld\n",
                        job->permille, (long long) job->created, (long long) job->started,
                        (long long) job->finished);
    job_put(out, "step", job->step);
    job_put(out, "result", job->result);
    job_put(out, "error", job->error);
    snprintf(path, sizeof(path), "%s/%s.job", dir, job->id);
    snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, job->id);
    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) >= 0) {
        if (fileio_write_all(fd, out->s, out->len) == 0 && close(fd) == 0)
            rc = rename(tmp, path);
        else
            close(fd);
        if (rc < 0)
            unlink(tmp);
    }
    vstr_free(out);
    return rc;
}


static int job_parse(const char *text, JOB *job)
{
    const char *line = text;
    int     seen = 0;

    memset(job, 0, sizeof(*job));
    while (*line) {
        const char *nl = strchr(line, '\n');
        const char *eq = strchr(line, '=');
        size_t  klen;
        char    val[1024];
        size_t  vlen;

        if (nl == 0 || eq == 0 || eq > nl)
            return -1;
        klen = (size_t) (eq - line);
        vlen = (size_t) (nl - eq - 1);
        if (vlen >= sizeof(val))
            vlen = sizeof(val) - 1;
        memcpy(val, eq + 1, vlen);
        val[vlen] = 0;
#define KEY(k) (klen == strlen(k) && strncmp(line, k, klen) == 0)
        if (KEY("id"))
            job_copy(job->id, sizeof(job->id), val), seen |= 1;
        else if (KEY("kind"))
            job->kind = job_kind_parse(val), seen |= 2;
        else if (KEY("month"))
            job_copy(job->month, sizeof(job->month), val);
        else if (KEY("media"))
            job_copy(job->media, sizeof(job->media), val);
        else if (KEY("origin"))
            job_copy(job->origin, sizeof(job->origin), val);
        else if (KEY("user"))
            job_copy(job->user, sizeof(job->user), val);
        else if (KEY("step"))
            job_copy(job->step, sizeof(job->step), val);
        else if (KEY("result"))
            job_copy(job->result, sizeof(job->result), val);
        else if (KEY("error"))
            job_copy(job->error, sizeof(job->error), val);
        else if (KEY("permille"))
            job->permille = atoi(val);
        else if (KEY("created"))
            job->created = (time_t) atoll(val);
        else if (KEY("started"))
            job->started = (time_t) atoll(val);
        else if (KEY("finished"))
            job->finished = (time_t) atoll(val);
        else if (KEY("state")) {
            job->state = -1;
            for (int s = JOB_QUEUED; s <= JOB_FAILED; s++)
                if (strcmp(val, state_names[s]) == 0)
                    job->state = s;
            seen |= 4;
        }
#undef KEY
        line = nl + 1;
    }
    return seen == 7 && job->kind > 0 && job->state >= 0 && job_id_ok(job->id) ? 0 : -1;
}

int job_load(const CONFIG *cfg, const char *id, JOB *job)
{
    char    path[4200];
    VSTR   *buf;
    int     fd, rc = -1;

    if (!job_id_ok(id))
        return -1;
    snprintf(path, sizeof(path), "%s/media/jobs/%s.job", cfg->data_dir, id);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return -1;
    buf = vstr_alloc(2048);
    if (fileio_read_all(fd, buf, 65536) == 0)
        rc = job_parse(buf->s, job);
    close(fd);
    vstr_free(buf);
    return rc == 0 && strcmp(job->id, id) == 0 ? 0 : -1;
}

static int job_newest_first(const void *a, const void *b)
{
    return strcmp(((const JOB *) b)->id, ((const JOB *) a)->id);
}

JOB    *job_list(const CONFIG *cfg, int *n)
{
    char    dir[4096];
    DIR    *d;
    struct dirent *de;
    JOB    *all = 0;
    int     cap = 0;

    *n = 0;
    snprintf(dir, sizeof(dir), "%s/media/jobs", cfg->data_dir);
    if ((d = opendir(dir)) == 0)
        return 0;
    while ((de = readdir(d)) != 0) {
        size_t  len = strlen(de->d_name);
        char    id[JOB_ID_MAX];

        if (len != 26 || strcmp(de->d_name + 22, ".job") != 0)
            continue;
        memcpy(id, de->d_name, 22);
        id[22] = 0;
        if (*n == cap)
            all = myrealloc(all, (size_t) (cap = cap ? cap * 2 : 32) * sizeof(JOB));
        if (job_load(cfg, id, &all[*n]) == 0)
            (*n)++;
    }
    closedir(d);
    if (*n > 1)
        qsort(all, (size_t) *n, sizeof(JOB), job_newest_first);
    return all;
}

void job_log_path(const CONFIG *cfg, const char *id, char *buf, size_t len)
{
    snprintf(buf, len, "%s/media/jobs/%s.log", cfg->data_dir, job_id_ok(id) ? id : "invalid");
}

void job_log(const CONFIG *cfg, const char *id, const char *fmt, ...)
{
    char    path[4200];
    VSTR   *line = vstr_alloc(256);
    char    when[32];
    time_t  now = time(0);
    struct tm tm;
    va_list ap;
    int     fd;

    gmtime_r(&now, &tm);
    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
    vstr_sprintf(line, "%s ", when);
    va_start(ap, fmt);
    vstr_vsprintf_append(line, fmt, ap);
    va_end(ap);
    vstr_addch(line, '\n');
    job_log_path(cfg, id, path, sizeof(path));
    if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640)) >= 0) {
        if (fileio_write_all(fd, line->s, line->len) < 0) {
            /* A log that cannot be written must not fail the job. */
        }
        close(fd);
    }
    vstr_free(line);
}
