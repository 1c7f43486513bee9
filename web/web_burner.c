/*
 * web_burner.c - the burner page: drives, jobs with their progress and
 * log, starting a job, the images and archive files with downloads.
 *
 * Administrators see and start jobs; auditors see them and download
 * images and archive files (they take media away); users get 403.
 * Files are served straight from media/ and archives/ by name, and only
 * names the burner itself writes are accepted.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../ipc/ipc_job.h"
#include "catalog.h"
#include "date.h"
#include "drives.h"
#include "fileio.h"
#include "job.h"
#include "media.h"
#include "msg.h"
#include "mymalloc.h"
#include "web_page.h"

static int burner_allowed(WEB_REQ *r)
{
    if (web_sees_all(r))
        return 1;
    web_message_page(r, MHD_HTTP_FORBIDDEN, "Forbidden",
                     "Only administrators and auditors use the burner.");
    return 0;
}

static void job_row(xmlNodePtr t, const JOB *j)
{
    xmlNodePtr tr = el(t, "tr", 0), td, prog;
    char    url[64], pm[16], when[32];

    snprintf(url, sizeof(url), "/burner/job/%s", j->id);
    link_to(el(tr, "td", 0), url, j->id);
    el(tr, "td", job_kind_name(j->kind));
    el(tr, "td", j->month);
    el(tr, "td", j->kind == JOB_BURN ? j->media : "");
    date_iso(j->created, when, sizeof(when));
    el(tr, "td", when);
    el(tr, "td", j->origin);
    el(tr, "td", j->user);
    if (j->state == JOB_FAILED)
        elc(tr, "td", "error", job_state_name(j->state));
    else
        el(tr, "td", job_state_name(j->state));
    td = el(tr, "td", 0);
    prog = el(td, "progress", 0);
    snprintf(pm, sizeof(pm), "%d", j->permille);
    attr(prog, "value", pm);
    attr(prog, "max", "1000");
    snprintf(pm, sizeof(pm), " %d%%", j->permille / 10);
    text(td, pm);
    el(tr, "td", j->state == JOB_FAILED ? j->error : j->state == JOB_DONE ? j->result : j->step);
}

static int name_ok(const char *name, const char *const *suffixes)
{
    size_t  n = strlen(name);

    if (n == 0 || n > 80 || name[0] == '.' || strchr(name, '/'))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'z')
              || (name[i] >= 'A' && name[i] <= 'Z') || name[i] == '-' || name[i] == '.'))
            return 0;
    for (int i = 0; suffixes[i]; i++) {
        size_t  k = strlen(suffixes[i]);

        if (n > k && strcmp(name + n - k, suffixes[i]) == 0)
            return 1;
    }
    return 0;
}

static const char *const media_suffixes[] = {".iso", ".iso.sha256", ".xml", 0};
static const char *const archive_suffixes[] = {".tar.zst", ".tar.zst.enc", ".sha256", 0};

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The files of a directory the burner wrote, sorted. */
static void list_files(const char *dir, const char *const *suffixes, STRLIST *out)
{
    DIR    *d = opendir(dir);
    struct dirent *de;

    while (d && (de = readdir(d)) != 0)
        if (name_ok(de->d_name, suffixes))
            strlist_add(out, de->d_name);
    if (d)
        closedir(d);
    if (out->n > 1)
        qsort(out->v, (size_t) out->n, sizeof(char *), by_name);
}

static void files_table(WEB_REQ *r, xmlNodePtr parent, const char *kind, ADB *db)
{
    const CONFIG *cfg = web_config();
    char    dir[4096];
    STRLIST names;
    xmlNodePtr t, tr;
    int     media = strcmp(kind, "media") == 0;
    VSTR   *v = vstr_alloc(256);

    (void) r;
    snprintf(dir, sizeof(dir), "%s/%s", cfg->data_dir, kind);
    strlist_init(&names);
    list_files(dir, media ? media_suffixes : archive_suffixes, &names);
    t = elc(parent, "table", "results", 0);
    tr = el(el(t, "thead", 0), "tr", 0);
    el(tr, "th", "File");
    el(tr, "th", "Bytes");
    el(tr, "th", media ? "Volume" : "SHA-256");
    for (int i = 0; i < names.n; i++) {
        const char *n = names.v[i];
        char    path[4200], url[256], size[32];
        struct stat st;

        if (media ? !name_ok(n, (const char *const[]) {".iso", 0})
            : strstr(n, ".sha256") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, n);
        if (stat(path, &st) < 0)
            continue;
        tr = el(t, "tr", 0);
        snprintf(url, sizeof(url), "/burner/%s/%s", kind, n);
        link_to(el(tr, "td", 0), url, n);
        snprintf(size, sizeof(size), "%lld", (long long) st.st_size);
        el(tr, "td", size);
        vstr_reset(v);
        if (media) {
            VOLINFO vi;
            char    vname[96];

            snprintf(vname, sizeof(vname), "%.*s", (int) (strlen(n) - 4), n);
            if (db && catalog_volume(db, vname, &vi) == 0) {
                catalog_describe(&vi, v);
                vstr_sprintf_append(v, ", %llu messages", (unsigned long long) vi.messages);
            } else {
                vstr_set(v, "not in the catalogue");
            }
        } else {
            int     fd;

            snprintf(path, sizeof(path), "%s/%s.sha256", dir, n);
            if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
                if (fileio_read_all(fd, v, 256) < 0 || v->len < 64)
                    vstr_reset(v);
                vstr_truncate(v, v->len >= 64 ? 64 : v->len);
                close(fd);
            }
        }
        el(tr, "td", v->s);
    }
    if (names.n == 0)
        el(parent, "p", media ? "No images yet." : "No archive files yet.");
    strlist_free(&names);
    vstr_free(v);
}

static void start_form(WEB_REQ *r, xmlNodePtr parent)
{
    const CONFIG *cfg = web_config();
    xmlNodePtr f = post_form(parent, r, "/burner");
    const char *kinds[] = {"burn", "Media images", "archive", "Archive file", 0};
    const char *months[2 * 13 + 1];
    char    mbuf[12][8];
    const char *media[2 * 8 + 1];
    MONTH   m = month_of(time(0));
    int     k = 0;

    for (int i = 0; i < 12; i++) {
        m = month_prev(m);
        month_str(m, mbuf[i]);
        months[k++] = mbuf[i];
        months[k++] = mbuf[i];
    }
    months[k] = 0;
    k = 0;
    for (const MEDIA_KIND *mk = media_kinds(); mk->name; mk++) {
        media[k++] = mk->name;
        media[k++] = mk->what;
    }
    media[k] = 0;
    attr(f, "class", "burner-start");
    el(f, "label", "Make ");
    select_box(f, "kind", kinds, "burn");
    el(f, "label", " of ");
    select_box(f, "month", months, mbuf[0]);
    el(f, "label", " on ");
    select_box(f, "media", media, cfg->burn_media);
    input(f, "submit", 0, "Start");
}

void web_burner_page(WEB_REQ *r)
{
    const CONFIG *cfg = web_config();
    WEB_PAGE *p;
    VSTR   *drives;
    JOB    *jobs;
    int     n, running = 0;
    xmlNodePtr t, tr;
    ADB    *db;

    if (!burner_allowed(r))
        return;
    drives = vstr_alloc(256);
    jobs = job_list(cfg, &n);
    for (int i = 0; i < n; i++)
        running |= jobs[i].state == JOB_QUEUED || jobs[i].state == JOB_RUNNING;
    p = page_new(r, "Burner");
    if (running) {
        xmlNodePtr meta = el(xmlDocGetRootElement(p->doc)->children, "meta", 0);

        attr(meta, "http-equiv", "refresh");
        attr(meta, "content", "3");
    }
    el(p->main, "h2", "Drive");
    if (drives_list(drives) > 0)
        el(p->main, "pre", drives->s);
    else
        el(p->main, "p", "libcdio finds no optical drive on this machine.");
    if (*cfg->burn_device) {
        vstr_sprintf(drives, "Images are burned to %s and the disc is read back and verified.",
                     cfg->burn_device);
        el(p->main, "p", drives->s);
    } else {
        vstr_sprintf(drives, "No drive is configured (burn_device): images wait in %s/media "
                     "to be downloaded or burned by hand.", cfg->data_dir);
        elc(p->main, "p", "notice", drives->s);
    }
    if (web_is_admin(r)) {
        el(p->main, "h2", "Start a job");
        start_form(r, p->main);
    }
    el(p->main, "h2", "Jobs");
    t = elc(p->main, "table", "results", 0);
    tr = el(el(t, "thead", 0), "tr", 0);
    for (const char **h = (const char *[]) {"Job", "What", "Month", "Media", "Asked", "By", "Who",
                                             "State", "Progress", "Result", 0}; *h; h++)
        el(tr, "th", *h);
    for (int i = 0; i < n && i < 100; i++)
        job_row(t, &jobs[i]);
    if (n == 0)
        el(p->main, "p", "No jobs yet.");
    free(jobs);
    vstr_free(drives);
    if ((db = web_db_open(r)) == 0) {
        page_free(p);
        return;
    }
    el(p->main, "h2", "Media images");
    files_table(r, p->main, "media", db);
    web_db_close(db);
    el(p->main, "h2", "Archive files");
    files_table(r, p->main, "archives", 0);
    page_send(r, p, MHD_HTTP_OK);
}

void web_burner_post(WEB_REQ *r)
{
    const char *kind = web_field(r, "kind"), *month = web_field(r, "month");
    const char *media = web_field(r, "media");
    JOB     job;
    MONTH   m;
    char    err[512], url[64], detail[96];

    if (!web_is_admin(r)) {
        web_audit(r->client, r->sess.login, "burner", "refused", kind ? kind : "");
        web_message_page(r, MHD_HTTP_FORBIDDEN, "Forbidden",
                         "Only administrators start burner jobs.");
        return;
    }
    memset(&job, 0, sizeof(job));
    if (kind == 0 || (job.kind = job_kind_parse(kind)) < 0 || month == 0
        || month_parse(month, &m) < 0
        || (job.kind == JOB_BURN && (media == 0 || media_find(media) == 0))) {
        web_message_page(r, MHD_HTTP_BAD_REQUEST, "Burner",
                         "A job needs kind (burn or archive), month (YYYY-MM) and, to burn, "
                         "media (cd, dvd, dvd-dl, bd, udo30, udo60, udo120).");
        return;
    }
    month_str(m, job.month);
    snprintf(job.media, sizeof(job.media), "%s", job.kind == JOB_BURN ? media : "");
    snprintf(job.origin, sizeof(job.origin), "web");
    snprintf(job.user, sizeof(job.user), "%.31s", r->sess.login);
    if (ipc_job_submit(web_config(), &job, err, sizeof(err)) < 0) {
        web_audit(r->client, r->sess.login, "burner", "failed", err);
        web_message_page(r, MHD_HTTP_SERVICE_UNAVAILABLE, "Burner", err);
        return;
    }
    snprintf(detail, sizeof(detail), "%s %s %s job=%s", kind, job.month, job.media, job.id);
    web_audit(r->client, r->sess.login, "burner", "ok", detail);
    snprintf(url, sizeof(url), "/burner/job/%s", job.id);
    web_redirect(r, url);
}

void web_burner_job(WEB_REQ *r, const char *id)
{
    const CONFIG *cfg = web_config();
    JOB     job;
    WEB_PAGE *p;
    xmlNodePtr t, dl;
    char    path[4200], when[32];
    VSTR   *log;
    int     fd;

    if (!burner_allowed(r))
        return;
    if (job_load(cfg, id, &job) < 0) {
        /* Just handed over: the burner writes the state file within a second. */
        if (job_id_ok(id)) {
            p = page_new(r, "Burner job");
            xmlNodePtr meta = el(xmlDocGetRootElement(p->doc)->children, "meta", 0);

            attr(meta, "http-equiv", "refresh");
            attr(meta, "content", "1");
            el(p->main, "p", "Handing the job to mailarc-burner...");
            page_send(r, p, MHD_HTTP_OK);
        } else {
            web_not_found(r);
        }
        return;
    }
    p = page_new(r, "Burner job");
    if (job.state == JOB_QUEUED || job.state == JOB_RUNNING) {
        xmlNodePtr meta = el(xmlDocGetRootElement(p->doc)->children, "meta", 0);

        attr(meta, "http-equiv", "refresh");
        attr(meta, "content", "2");
    }
    t = elc(p->main, "table", "results", 0);
    job_row(t, &job);
    dl = el(p->main, "dl", 0);
    dl_row(dl, "State", job_state_name(job.state));
    dl_row(dl, "Step", job.step);
    if (job.started) {
        date_iso(job.started, when, sizeof(when));
        dl_row(dl, "Started", when);
    }
    if (job.finished) {
        date_iso(job.finished, when, sizeof(when));
        dl_row(dl, "Finished", when);
    }
    if (*job.result) {
        xmlNodePtr dd;

        el(dl, "dt", "Files");
        dd = el(dl, "dd", 0);
        for (char *s = job.result, *sp; s && *s; s = sp) {
            char    url[1100];

            if ((sp = strchr(s, ' ')) != 0)
                *sp++ = 0;
            snprintf(url, sizeof(url), "/burner/%s/%s", job.kind == JOB_BURN ? "media" : "archives",
                     s);
            link_to(dd, url, s);
            text(dd, " ");
        }
    }
    if (*job.error)
        dl_row(dl, "Error", job.error);
    el(p->main, "h2", "Log");
    job_log_path(cfg, id, path, sizeof(path));
    log = vstr_alloc(4096);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
        if (fileio_read_all(fd, log, 4 << 20) < 0)
            vstr_set(log, "(the log cannot be read)");
        close(fd);
    }
    el(p->main, "pre", log->s);
    vstr_free(log);
    link_to(el(p->main, "p", 0), "/burner", "All jobs");
    page_send(r, p, MHD_HTTP_OK);
}

void web_burner_file(WEB_REQ *r, const char *kind, const char *name)
{
    const CONFIG *cfg = web_config();
    int     media = strcmp(kind, "media") == 0;
    char    path[4200], disp[256], detail[300];
    struct stat st;
    int     fd;

    if (!burner_allowed(r))
        return;
    if (!name_ok(name, media ? media_suffixes : archive_suffixes)) {
        web_not_found(r);
        return;
    }
    snprintf(path, sizeof(path), "%s/%s/%s", cfg->data_dir, kind, name);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        web_not_found(r);
        return;
    }
    snprintf(detail, sizeof(detail), "%s/%s", kind, name);
    web_audit(r->client, r->sess.login, "download", "ok", detail);
    r->file_fd = fd;
    r->file_size = (uint64_t) st.st_size;
    r->ctype = strstr(name, ".iso") && !strstr(name, ".sha256") ? "application/x-iso9660-image"
        : strstr(name, ".xml") ? "application/xml" : strstr(name, ".sha256") ? "text/plain"
        : "application/octet-stream";
    snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", name);
    web_header(r, "Content-Disposition", disp);
}
