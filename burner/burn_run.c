/*
 * burn_run.c - archive and burn jobs (see burn_run.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "adb.h"
#include "catalog.h"
#include "digest.h"
#include "fileio.h"
#include "isoverify.h"
#include "media.h"
#include "msg.h"
#include "mymalloc.h"
#include "burn_content.h"
#include "burn_device.h"
#include "burn_docs.h"
#include "burn_seal.h"
#include "burn_iso.h"
#include "burn_run.h"
#include "burn_select.h"
#include "burn_tar.h"

typedef struct run {
    const CONFIG *cfg;
    JOB    *job;
    RUN_POLL poll;
    void   *poll_ctx;
    uint64_t base, total;
    struct timespec last;
    int     stopped;
} RUN;

static void run_save(RUN *r)
{
    if (job_save(r->cfg, r->job) < 0)
        msg_warn("job %s: cannot save its state: %s", r->job->id, strerror(errno));
}

static void run_step(RUN *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void run_fail(RUN *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void errf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Messages are cut to their buffers on purpose. */
static void errf(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}

static void run_fail(RUN *r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r->job->error, sizeof(r->job->error), fmt, ap);
    va_end(ap);
}

static void run_step(RUN *r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r->job->step, sizeof(r->job->step), fmt, ap);
    va_end(ap);
    job_log(r->cfg, r->job->id, "%s", r->job->step);
    run_save(r);
}

static int run_progress(void *ctx, uint64_t bytes)
{
    RUN    *r = ctx;
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    if (r->total)
        r->job->permille = (int) ((r->base + bytes) * 1000 / r->total);
    if (r->job->permille > 999)
        r->job->permille = 999;
    if ((now.tv_sec - r->last.tv_sec) * 1000 + (now.tv_nsec - r->last.tv_nsec) / 1000000 >= 250) {
        r->last = now;
        run_save(r);
        if (r->poll && r->poll(r->poll_ctx))
            r->stopped = 1;
    }
    return r->stopped;
}

static void verify_progress(void *ctx, uint64_t done, uint64_t total)
{
    (void) total;
    run_progress(ctx, done);
}

static void verify_line(void *ctx, const char *line)
{
    RUN    *r = ctx;

    job_log(r->cfg, r->job->id, "verify: %s", line);
}

static void result_add(JOB *job, const char *name)
{
    size_t  n = strlen(job->result);

    snprintf(job->result + n, sizeof(job->result) - n, "%s%s", n ? " " : "", name);
}

/* Write a file durably: temp name, fsync, rename; 0 or -1. */
static int put_file(const char *path, const void *data, size_t len)
{
    char    tmp[4200];
    int     fd, rc = -1;

    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) < 0)
        return -1;
    if (fileio_write_all(fd, data, len) == 0 && fsync(fd) == 0)
        rc = 0;
    if (close(fd) < 0)
        rc = -1;
    if (rc == 0)
        rc = rename(tmp, path);
    if (rc < 0)
        unlink(tmp);
    return rc;
}

/* After writing fd (rc so far): fsync and close it; the new rc. */
static int finish_file(int fd, const char *tmp, int rc, char *err, size_t len)
{
    if (rc == 0 && fsync(fd) < 0) {
        errf(err, len, "fsync %s: %s", tmp, strerror(errno));
        rc = -1;
    }
    if (close(fd) < 0 && rc == 0) {
        errf(err, len, "close %s: %s", tmp, strerror(errno));
        rc = -1;
    }
    return rc;
}

static void sync_dir(const char *dir)
{
    int     fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static int write_sha_file(const char *dir, const char *name, const char *sha)
{
    char    path[4200], line[512];

    snprintf(path, sizeof(path), "%s/%s.sha256", dir, name);
    snprintf(line, sizeof(line), "%s  %s\n", sha, name);
    return put_file(path, line, strlen(line));
}

/* SHA-256 of a file on disk; 0 or -1. */
static int hash_path(const char *path, char hex[65])
{
    unsigned char buf[65536], bin[DIGEST_LEN];
    int     fd = open(path, O_RDONLY | O_CLOEXEC);
    DIGEST *d;
    ssize_t n;

    if (fd < 0)
        return -1;
    d = digest_create();
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        digest_update(d, buf, (size_t) n);
    digest_final(d, bin);
    close(fd);
    digest_hex(bin, hex);
    return n < 0 ? -1 : 0;
}

static void remove_tree(const char *dir)
{
    DIR    *d = opendir(dir);
    struct dirent *de;
    char    path[4200];

    if (d == 0)
        return;
    while ((de = readdir(d)) != 0) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

/* ---- common preparation ----------------------------------------------- */

typedef struct prep {
    ADB    *db;
    MONTH   month;
    time_t  start, end;
    SELECTION sel;
    LOGFILE *logs;
    int     nlogs;
    char    staging[4096];
} PREP;

static void prep_free(PREP *p)
{
    select_free(&p->sel);
    logs_free(p->logs, p->nlogs);
    if (*p->staging)
        remove_tree(p->staging);
    if (p->db)
        adb_close(p->db);
}

/* 0 ready; 1 nothing arrived that month; -1 failed (job->error set). */
static int prep_month(RUN *r, PREP *p)
{
    char    err[1024];
    int     dberr = 0;

    memset(p, 0, sizeof(*p));
    if (month_parse(r->job->month, &p->month) < 0) {
        run_fail(r, "malformed month \"%s\"", r->job->month);
        return -1;
    }
    month_bounds(p->month, &p->start, &p->end);
    if ((p->db = adb_open(r->cfg, ADB_CATALOG, &dberr, err, sizeof(err))) == 0) {
        run_fail(r, "the archive is unavailable: %s", err);
        return -1;
    }
    run_step(r, "selecting the messages that arrived in %s", r->job->month);
    if (select_period(p->db, p->start, p->end, &p->sel, err, sizeof(err)) < 0) {
        run_fail(r, "%s", err);
        return -1;
    }
    if (p->sel.n == 0)
        return 1;
    snprintf(p->staging, sizeof(p->staging), "%s/media/.staging-%s", r->cfg->data_dir, r->job->id);
    if (mkdir(p->staging, 0750) < 0) {
        run_fail(r, "%s: %s", p->staging, strerror(errno));
        *p->staging = 0;
        return -1;
    }
    run_step(r, "%zu messages (%llu bytes); copying the mail server logs", p->sel.n,
             (unsigned long long) p->sel.bytes);
    if (logs_snapshot(r->cfg, p->start, p->end, p->staging, &p->logs, &p->nlogs, err,
                      sizeof(err)) < 0) {
        run_fail(r, "%s", err);
        return -1;
    }
    for (int i = 0; i < p->nlogs; i++)
        job_log(r->cfg, r->job->id, "log %s: %llu bytes", p->logs[i].name,
                (unsigned long long) p->logs[i].size);
    return 0;
}

static void add_logs(const PREP *p, VLIST *l)
{
    for (int i = 0; i < p->nlogs; i++) {
        char    path[300];

        snprintf(path, sizeof(path), "LOGS/%s", p->logs[i].name);
        vlist_add_file(l, path, p->logs[i].local, p->logs[i].size, p->logs[i].sha,
                       p->logs[i].mtime);
    }
}

static int exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0;
}

/* ---- archive files ------------------------------------------------------ */

static int run_archive(RUN *r, PREP *p)
{
    const CONFIG *cfg = r->cfg;
    const char *pw = cfg->archive_password;
    char    dir[4096], top[32], name[64], path[4200], tmp[4200], sha[65], check[65];
    char    mname[9], err[1024];
    VLIST   l = {0};
    VOLDESC d;
    uint64_t size = 0;
    int     fd, rc;

    snprintf(dir, sizeof(dir), "%s/archives", cfg->data_dir);
    month_name(p->month, mname);
    for (int k = 1;; k++) {
        char    plain[4200], enc[4200];

        if (k == 1)
            snprintf(top, sizeof(top), "%s", mname);
        else
            snprintf(top, sizeof(top), "%s-%d", mname, k);
        snprintf(plain, sizeof(plain), "%s/%s.tar.zst", dir, top);
        snprintf(enc, sizeof(enc), "%s/%s.tar.zst.enc", dir, top);
        if (!exists(plain) && !exists(enc))
            break;
    }
    snprintf(name, sizeof(name), "%s.tar.zst%s", top, *pw ? ".enc" : "");
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
    add_logs(p, &l);
    for (size_t i = 0; i < p->sel.n; i++)
        vlist_add_item(&l, &p->sel.items[i], p->db);
    memset(&d, 0, sizeof(d));
    d.name = top;
    d.label = top;
    d.media = "archive";
    d.month = p->month;
    d.number = d.of = 1;
    d.created = time(0);
    docs_add_readme_index(&d, &l);
    if (burn_seal_add(cfg, p->db, &l, d.created, err, sizeof(err)) < 0) {
        run_fail(r, "cannot seal the archive: %s", err);
        vlist_free(&l);
        return -1;
    }
    docs_add_manifest(&d, &l);
    if (burn_seal_sign(cfg, &l, d.created, err, sizeof(err)) < 0) {
        run_fail(r, "cannot sign the manifest: %s", err);
        vlist_free(&l);
        return -1;
    }
    r->total = vlist_bytes(&l);
    run_step(r, "writing %s%s", name, *pw ? " (AES-256 encrypted)" : "");
    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) < 0) {
        run_fail(r, "%s: %s", tmp, strerror(errno));
        vlist_free(&l);
        return -1;
    }
    rc = archive_write(cfg, top, &l, pw, (int) cfg->store_compress_level, fd, run_progress, r,
                       &size, sha, err, sizeof(err));
    vlist_free(&l);
    rc = finish_file(fd, tmp, rc, err, sizeof(err));
    if (rc == 0) {
        run_step(r, "reading %s back", name);
        if (hash_path(tmp, check) < 0 || strcmp(check, sha) != 0) {
            errf(err, sizeof(err), "%s reads back differently from what was written", name);
            rc = -1;
        }
    }
    if (rc == 0 && (rename(tmp, path) < 0 || write_sha_file(dir, name, sha) < 0)) {
        errf(err, sizeof(err), "%s: %s", path, strerror(errno));
        rc = -1;
    }
    if (rc < 0) {
        unlink(tmp);
        run_fail(r, "%s", err);
        return -1;
    }
    sync_dir(dir);
    job_log(cfg, r->job->id, "%s: %llu bytes, sha256 %s", name, (unsigned long long) size, sha);
    result_add(r->job, name);
    return 0;
}

/* ---- media images ------------------------------------------------------- */

typedef struct plan {
    size_t  first, count;
} PLAN;

/* Cut the month into volumes; NULL with job->error set when one message
 * alone is larger than the medium. */
static PLAN *plan_volumes(RUN *r, const PREP *p, const MEDIA_KIND *kind, int *nvol)
{
    uint64_t cap = (uint64_t) kind->sectors * MEDIA_SECTOR;
    uint64_t logs = 0, used;
    PLAN   *plan = mycalloc(p->sel.n + 1, sizeof(PLAN));
    int     v = 0;

    for (int i = 0; i < p->nlogs; i++)
        logs += p->logs[i].size + 2 * MEDIA_SECTOR;
    used = ISO_FIXED_OVERHEAD + logs;
    if (used >= cap) {
        snprintf(r->job->error, sizeof(r->job->error),
                 "the mail server logs of the month (%llu bytes) do not fit on a %s",
                 (unsigned long long) logs, kind->name);
        myfree(plan);
        return 0;
    }
    plan[0].first = 0;
    for (size_t i = 0; i < p->sel.n; i++) {
        const ITEM *it = &p->sel.items[i];
        uint64_t cost = (uint64_t) it->size + iso_overhead(it);

        if (ISO_FIXED_OVERHEAD + cost > cap) {
            snprintf(r->job->error, sizeof(r->job->error),
                     "message %s (%lld bytes) is larger than a %s holds", it->id,
                     (long long) it->size, kind->name);
            myfree(plan);
            return 0;
        }
        if (used + cost > cap && plan[v].count > 0) {
            v++;
            plan[v].first = i;
            used = ISO_FIXED_OVERHEAD;
        }
        plan[v].count++;
        used += cost;
    }
    *nvol = v + 1;
    return plan;
}

static int isdigit_str(const char *s)
{
    return *s >= '0' && *s <= '9';
}

/* A stem no image in media/ uses yet: "2026-11", then "2026-11-2", ... */
static int free_stem(const char *dir, const char *month, char *stem, size_t len)
{
    for (int k = 1; k < 1000; k++) {
        DIR    *d = opendir(dir);
        struct dirent *de;
        char    prefix[64];
        int     used = 0;

        snprintf(stem, len, k == 1 ? "%s" : "%s-%d", month, k);
        snprintf(prefix, sizeof(prefix), "%s-v", stem);
        while (d && (de = readdir(d)) != 0)
            if (strncmp(de->d_name, prefix, strlen(prefix)) == 0 && isdigit_str(de->d_name + strlen(prefix)))
                used = 1;
        if (d)
            closedir(d);
        if (!used)
            return k;
    }
    return -1;
}

/* Master, read back and catalogue volume v; 0 or -1 (job->error set). */
static int write_volume(RUN *r, PREP *p, const MEDIA_KIND *kind, const PLAN *pl, int v, int of,
                        const char *stem, int run_no, VOLINFO *vi)
{
    const CONFIG *cfg = r->cfg;
    char    dir[4096], path[4200], tmp[4200], label[40], volset[40], err[1024];
    VLIST   l = {0};
    VOLDESC d;
    ISOVERIFY_RESULT res;
    uint64_t size = 0;
    uint64_t *nums;
    int     fd, rc;
    char    y[5], m[3];

    memcpy(y, r->job->month, 4);
    y[4] = 0;
    memcpy(m, r->job->month + 5, 2);
    m[2] = 0;
    if (run_no == 1) {
        errf(label, sizeof(label), "MAILARC_%s_%s_%dOF%d", y, m, v, of);
        errf(volset, sizeof(volset), "MAILARC_%s_%s", y, m);
    } else {
        errf(label, sizeof(label), "MAILARC_%s_%s_R%d_%dOF%d", y, m, run_no, v, of);
        errf(volset, sizeof(volset), "MAILARC_%s_%s_R%d", y, m, run_no);
    }
    memset(vi, 0, sizeof(*vi));
    errf(vi->name, sizeof(vi->name), "%s-v%dof%d", stem, v, of);
    errf(vi->label, sizeof(vi->label), "%s", label);
    snprintf(vi->media, sizeof(vi->media), "%s", kind->name);
    snprintf(vi->month, sizeof(vi->month), "%s", r->job->month);
    snprintf(vi->job, sizeof(vi->job), "%s", r->job->id);
    vi->number = v;
    vi->of = of;
    vi->created = (long long) time(0);
    vi->messages = pl->count;
    if (v == 1)
        add_logs(p, &l);
    for (size_t i = pl->first; i < pl->first + pl->count; i++)
        vlist_add_item(&l, &p->sel.items[i], p->db);
    memset(&d, 0, sizeof(d));
    d.name = vi->name;
    d.label = label;
    d.media = kind->name;
    d.month = p->month;
    d.number = v;
    d.of = of;
    d.created = (time_t) vi->created;
    docs_add_readme_index(&d, &l);
    if (burn_seal_add(cfg, p->db, &l, d.created, err, sizeof(err)) < 0) {
        run_fail(r, "cannot seal the archive: %s", err);
        vlist_free(&l);
        return -1;
    }
    docs_add_manifest(&d, &l);
    snprintf(vi->manifest_sha256, sizeof(vi->manifest_sha256), "%s", l.f[l.n - 1].sha);
    if (burn_seal_sign(cfg, &l, d.created, err, sizeof(err)) < 0) {
        run_fail(r, "cannot sign the manifest: %s", err);
        vlist_free(&l);
        return -1;
    }
    snprintf(dir, sizeof(dir), "%s/media", cfg->data_dir);
    snprintf(path, sizeof(path), "%s/%s.iso", dir, vi->name);
    snprintf(tmp, sizeof(tmp), "%s/.%s.iso.tmp", dir, vi->name);
    run_step(r, "writing volume %d of %d (%s, %llu messages)", v, of, label,
             (unsigned long long) pl->count);
    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) < 0) {
        run_fail(r, "%s: %s", tmp, strerror(errno));
        vlist_free(&l);
        return -1;
    }
    rc = iso_write_image(cfg, label, volset, &l, (uint64_t) kind->sectors * MEDIA_SECTOR, fd,
                         run_progress, r, &size, vi->image_sha256, err, sizeof(err));
    if (rc == ISO_WRITE_TOO_BIG)
        errf(err, sizeof(err), "volume %d would be %llu bytes, more than a %s holds", v,
                 (unsigned long long) size, kind->name);
    rc = finish_file(fd, tmp, rc, err, sizeof(err));
    vi->bytes = size;
    r->base += size;
    if (rc == 0) {
        run_step(r, "reading volume %d of %d back", v, of);
        if (isoverify(tmp, 0, verify_line, verify_progress, r, &res) != 0) {
            errf(err, sizeof(err), "volume %d did not read back correctly (%llu problems; "
                     "see the job log)", v, (unsigned long long) res.problems);
            rc = -1;
        } else if (res.messages != pl->count) {
            errf(err, sizeof(err), "volume %d reads back %llu messages, not %llu", v,
                     (unsigned long long) res.messages, (unsigned long long) pl->count);
            rc = -1;
        }
        r->base += size;
    }
    if (rc == 0) {
        char    xml[4200];
        const VFILE *man = &l.f[l.n - 1];

        snprintf(xml, sizeof(xml), "%s/%s.xml", dir, vi->name);
        if (rename(tmp, path) < 0 || put_file(xml, man->mem, (size_t) man->size) < 0
            || write_sha_file(dir, strrchr(path, '/') + 1, vi->image_sha256) < 0) {
            errf(err, sizeof(err), "%s: %s", path, strerror(errno));
            rc = -1;
        }
        sync_dir(dir);
    }
    vlist_free(&l);
    if (rc != 0) {
        unlink(tmp);
        run_fail(r, "%s", err);
        return -1;
    }
    nums = mycalloc(pl->count + 1, sizeof(uint64_t));
    for (size_t i = 0; i < pl->count; i++)
        nums[i] = p->sel.items[pl->first + i].num;
    rc = catalog_add(p->db, vi, nums, pl->count);
    myfree(nums);
    if (rc != 0) {
        run_fail(r, "catalogue: %s", db_strerror(rc));
        return -1;
    }
    job_log(cfg, r->job->id, "%s.iso: %s, %llu bytes, %llu messages, sha256 %s", vi->name, label,
            (unsigned long long) size, (unsigned long long) pl->count, vi->image_sha256);
    return 0;
}

/* Burn one catalogued volume and read the disc back; 0 or -1. */
static int burn_volume(RUN *r, PREP *p, VOLINFO *vi)
{
    const CONFIG *cfg = r->cfg;
    char    image[4200], err[1024];
    ISOVERIFY_RESULT res;
    time_t  now = time(0);
    char    when[32];

    snprintf(image, sizeof(image), "%s/media/%s.iso", cfg->data_dir, vi->name);
    run_step(r, "burning %s to %s", vi->name, cfg->burn_device);
    if (device_burn(cfg, r->job->id, image, err, sizeof(err)) < 0) {
        run_fail(r, "%s; the image waits in media/", err);
        return -1;
    }
    run_step(r, "reading the disc of %s back", vi->name);
    if (isoverify(device_read_path(cfg->burn_device), p->db, verify_line, 0, r, &res) != 0
        || strcmp(res.label, vi->label) != 0) {
        snprintf(r->job->error, sizeof(r->job->error),
                 "the disc of %s did not read back correctly (see the job log)", vi->name);
        return -1;
    }
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    snprintf(vi->burned, sizeof(vi->burned), "%s at %s, read back and verified",
             cfg->burn_device, when);
    return catalog_update(p->db, vi) == 0 ? 0 : -1;
}

static int run_burn(RUN *r, PREP *p)
{
    const MEDIA_KIND *kind = media_find(r->job->media);
    char    dir[4096], stem[48];
    PLAN   *plan;
    int     nvol = 0, run_no;
    VOLINFO *vols;
    int     rc = 0;

    if (kind == 0) {
        run_fail(r, "unknown media \"%s\"", r->job->media);
        return -1;
    }
    if ((plan = plan_volumes(r, p, kind, &nvol)) == 0)
        return -1;
    snprintf(dir, sizeof(dir), "%s/media", r->cfg->data_dir);
    run_no = free_stem(dir, r->job->month, stem, sizeof(stem));
    r->total = 0;
    for (size_t i = 0; i < p->sel.n; i++)
        r->total += 2 * (uint64_t) p->sel.items[i].size;
    for (int i = 0; i < p->nlogs; i++)
        r->total += 2 * p->logs[i].size;
    job_log(r->cfg, r->job->id, "%d volume%s of %s (%s)", nvol, nvol == 1 ? "" : "s", kind->name,
            kind->what);
    vols = mycalloc((size_t) nvol, sizeof(VOLINFO));
    for (int v = 0; v < nvol && rc == 0; v++) {
        rc = write_volume(r, p, kind, &plan[v], v + 1, nvol, stem, run_no, &vols[v]);
        if (rc == 0) {
            char    name[80];

            snprintf(name, sizeof(name), "%s.iso", vols[v].name);
            result_add(r->job, name);
        }
    }
    if (rc == 0 && *r->cfg->burn_device) {
        for (int v = 0; v < nvol && rc == 0; v++)
            rc = burn_volume(r, p, &vols[v]);
    } else if (rc == 0) {
        job_log(r->cfg, r->job->id, "no drive configured (burn_device): the images wait in %s",
                dir);
    }
    myfree(vols);
    myfree(plan);
    return rc;
}

void run_job(const CONFIG *cfg, JOB *job, RUN_POLL poll, void *poll_ctx)
{
    RUN     r;
    PREP    p;
    int     rc;

    memset(&r, 0, sizeof(r));
    r.cfg = cfg;
    r.job = job;
    r.poll = poll;
    r.poll_ctx = poll_ctx;
    clock_gettime(CLOCK_MONOTONIC, &r.last);
    job->state = JOB_RUNNING;
    job->started = time(0);
    job->permille = 0;
    job_log(cfg, job->id, "%s %s%s%s, asked by %s (%s)", job_kind_name(job->kind), job->month,
            job->kind == JOB_BURN ? " on " : "", job->kind == JOB_BURN ? job->media : "",
            *job->user ? job->user : "?", job->origin);
    run_save(&r);
    rc = prep_month(&r, &p);
    if (rc == 0)
        rc = job->kind == JOB_ARCHIVE ? run_archive(&r, &p) : run_burn(&r, &p);
    prep_free(&p);
    job->finished = time(0);
    if (rc == 1) {
        job->state = JOB_EMPTY;
        job->permille = 1000;
        snprintf(job->step, sizeof(job->step), "no messages arrived in %s", job->month);
    } else if (rc < 0 || r.stopped) {
        job->state = JOB_FAILED;
        if (r.stopped)
            snprintf(job->error, sizeof(job->error), "stopped: the burner is shutting down");
        snprintf(job->step, sizeof(job->step), "failed");
    } else {
        job->state = JOB_DONE;
        job->permille = 1000;
        snprintf(job->step, sizeof(job->step), "done");
    }
    job_log(cfg, job->id, "%s%s%s", job_state_name(job->state), *job->error ? ": " : "",
            job->error);
    run_save(&r);
}
