/*
 * web_admin.c - GET / (dashboard), GET/POST /admin/daemon (start, stop,
 * restart through daemon_control) and GET /admin/audit.
 *
 * The dashboard reads the scoreboard (receivers busy and idle), the
 * spool (the indexing backlog), the file system (disk left) and the
 * per-day arrival counters the indexer keeps in meta.db (today, this
 * month, the chart of the last 30 days).  The chart is SVG built in the
 * page's tree: no script.  Daemon control runs daemon_control with the
 * action at its end (or in place of "%a"), without a shell, with a
 * deadline, and shows its exit status and output.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../ipc/ipc_ids.h"
#include "../ipc/ipc_score.h"
#include "arrivals.h"
#include "date.h"
#include "fetchstatus.h"
#include "instance.h"
#include "msg.h"
#include "spool.h"
#include "web.h"
#include "delreq.h"
#include "digest.h"
#include "holds.h"
#include "seal.h"
#include "verifystatus.h"
#include "web_page.h"

#define CHART_DAYS 30
#define CONTROL_TIMEOUT 90

static void stat_box(xmlNodePtr parent, const char *label, const char *value)
{
    xmlNodePtr d = elc(parent, "div", "stat", 0);

    elc(d, "span", "value", value);
    elc(d, "span", "label", label);
}

static void chart(xmlNodePtr parent, const uint64_t *days, time_t now)
{
    uint64_t max = 1;
    xmlNodePtr svg, g;
    char    buf[64];
    const int w = 20, h = 120;

    for (int i = 0; i < CHART_DAYS; i++)
        if (days[i] > max)
            max = days[i];
    svg = el(parent, "svg", 0);
    attr(svg, "class", "chart");
    snprintf(buf, sizeof(buf), "0 0 %d %d", CHART_DAYS * w, h + 16);
    attr(svg, "viewBox", buf);
    attr(svg, "role", "img");
    attr(svg, "aria-label", "messages per day, last 30 days");
    for (int i = 0; i < CHART_DAYS; i++) {
        time_t  t = now - (time_t) (CHART_DAYS - 1 - i) * 86400;
        struct tm tm;
        int     bh = (int) ((double) days[i] / (double) max * h);
        char    day[16], tip[64];

        strftime(day, sizeof(day), "%Y-%m-%d", gmtime_r(&t, &tm));
        g = el(svg, "g", 0);
        snprintf(tip, sizeof(tip), "%s: %llu", day, (unsigned long long) days[i]);
        el(g, "title", tip);
        {
            xmlNodePtr rect = el(g, "rect", 0);

            attr(rect, "class", "bar");
            snprintf(buf, sizeof(buf), "%d", i * w + 2);
            attr(rect, "x", buf);
            snprintf(buf, sizeof(buf), "%d", h - bh);
            attr(rect, "y", buf);
            snprintf(buf, sizeof(buf), "%d", w - 4);
            attr(rect, "width", buf);
            snprintf(buf, sizeof(buf), "%d", bh > 0 ? bh : 0);
            attr(rect, "height", buf);
        }
        if (i % 7 == 1 || i == CHART_DAYS - 1) {
            xmlNodePtr tx = el(svg, "text", day + 5);

            attr(tx, "class", "axis");
            snprintf(buf, sizeof(buf), "%d", i * w);
            attr(tx, "x", buf);
            snprintf(buf, sizeof(buf), "%d", h + 13);
            attr(tx, "y", buf);
        }
    }
}

/* When each capture path last brought mail; a warning when all are silent. */
static void capture_table(xmlNodePtr parent, const CONFIG *cfg, const ARRIVAL_PATH *paths,
                          int n, int64_t newest, time_t now)
{
    xmlNodePtr table, tr;
    char    when[96], buf[256];

    el(parent, "h2", "Capture");
    if (newest > 0 && cfg->capture_silence_alert > 0
        && now - (time_t) newest >= cfg->capture_silence_alert) {
        arrivals_when(newest, (int64_t) now, when, sizeof(when));
        snprintf(buf, sizeof(buf), "No mail has arrived since %s: is the mail server still "
                 "sending to the archive?", when);
        elc(parent, "p", "error", buf);
    }
    if (n == 0) {
        el(parent, "p", "No message has arrived yet.");
        return;
    }
    table = elc(parent, "table", "capture", 0);
    tr = el(table, "tr", 0);
    el(tr, "th", "path");
    el(tr, "th", "last message");
    for (int i = 0; i < n; i++) {
        tr = el(table, "tr", 0);
        el(tr, "td", paths[i].name);
        arrivals_when(paths[i].last, (int64_t) now, when, sizeof(when));
        el(tr, "td", when);
    }
}

/* Journal mailboxes: each one's last success, count and last error. */
static void journal_table(xmlNodePtr parent, const CONFIG *cfg, time_t now)
{
    xmlNodePtr table, tr;
    char    buf[1300], when[96];

    if (cfg->njournals == 0)
        return;
    el(parent, "h2", "Journal mailboxes");
    table = elc(parent, "table", "journals", 0);
    tr = el(table, "tr", 0);
    el(tr, "th", "mailbox");
    el(tr, "th", "state");
    el(tr, "th", "last success");
    el(tr, "th", "fetched");
    el(tr, "th", "last error");
    for (int i = 0; i < cfg->njournals; i++) {
        const CFG_JOURNAL *j = &cfg->journals[i];
        FETCH_STATUS st;

        fetch_status_read(cfg, j, &st);
        tr = el(table, "tr", 0);
        snprintf(buf, sizeof(buf), "%s (%s %s:%ld)", j->name, j->protocol, j->host, j->port);
        el(tr, "td", buf);
        elc(tr, "td", st.failures ? "error" : "ok",
            !st.known ? "not read yet" : st.failures ? "failing" : "ok");
        if (st.last_success)
            arrivals_when((int64_t) st.last_success, (int64_t) now, when, sizeof(when));
        el(tr, "td", st.last_success ? when : "never");
        snprintf(buf, sizeof(buf), "%ld", st.fetched);
        el(tr, "td", buf);
        el(tr, "td", st.last_error);
    }
}

/* The last scheduled verify, the seal key, and what waits for a decision. */
static void integrity_table(xmlNodePtr parent, const CONFIG *cfg, time_t now)
{
    VERIFY_STATUS st;
    xmlNodePtr table, tr;
    STRLIST ids;
    HOLD   *holds;
    char    buf[768], when[32], fp[DIGEST_HEXLEN + 1];
    int     waiting = 0, nholds;

    el(parent, "h2", "Integrity");
    table = el(parent, "table", 0);
    attr(table, "id", "integrity");
    verify_status_load(cfg, &st);
    tr = el(table, "tr", 0);
    el(tr, "th", "Last verify");
    if (!st.known) {
        el(tr, "td", cfg->verify_interval ? "not run yet" : "off (verify_interval = 0)");
    } else {
        date_iso(st.when, when, sizeof(when));
        if (st.ok)
            snprintf(buf, sizeof(buf), "%s: intact, %llu records (%llu deleted)", when,
                     (unsigned long long) st.records, (unsigned long long) st.tombstones);
        else
            snprintf(buf, sizeof(buf), "%s: FAILED, %llu problem%s; the first: %s", when,
                     (unsigned long long) st.problems, st.problems == 1 ? "" : "s", st.first);
        elc(tr, "td", st.ok ? "ok" : "error", buf);
    }
    tr = el(table, "tr", 0);
    el(tr, "th", "Seal key");
    if (seal_fingerprint(cfg, fp) == 0)
        snprintf(buf, sizeof(buf), "SHA256:%s", fp);
    else
        snprintf(buf, sizeof(buf), "none yet");
    el(tr, "td", buf);
    delreq_list(cfg, &ids);
    for (int i = 0; i < ids.n; i++) {
        STRLIST kv;

        if (delreq_load(cfg, ids.v[i], &kv) == 0 && strcmp(delreq_state(&kv, now), "requested") == 0)
            waiting++;
        strlist_free(&kv);
    }
    strlist_free(&ids);
    holds = holds_list(cfg, 1, &nholds);
    holds_free(holds, nholds);
    tr = el(table, "tr", 0);
    el(tr, "th", "Legal holds");
    snprintf(buf, sizeof(buf), "%d active", nholds);
    link_to(el(tr, "td", 0), "/admin/holds", buf);
    tr = el(table, "tr", 0);
    el(tr, "th", "Deletion requests");
    snprintf(buf, sizeof(buf), "%d waiting for approval", waiting);
    link_to(el(tr, "td", 0), "/admin/deletions", buf);
}

void web_dashboard(WEB_REQ *r)
{
    const CONFIG *cfg = web_config();
    WEB_PAGE *p = page_new(r, "Dashboard");
    xmlNodePtr stats = elc(p->main, "div", "stats", 0);
    uint64_t days[CHART_DAYS] = {0}, total = 0, month = 0;
    ARRIVAL_PATH paths[32];
    int     npaths = 0;
    int64_t newest = 0;
    time_t  now = time(0);
    struct tm today;
    char    buf[128], run[4096];
    pid_t   master = instance_running(cfg);
    struct statvfs vfs;
    ADB    *db;
    int     busy = -1, idle = 0;

    gmtime_r(&now, &today);
    if (web_sees_all(r) && (db = web_db_open(r)) != 0) {
        total = adb_meta_live(db, 0);
        for (int i = 0; i < CHART_DAYS; i++) {
            adb_day_key(now - (time_t) (CHART_DAYS - 1 - i) * 86400, buf, sizeof(buf));
            days[i] = adb_meta_u64(db, 0, buf);
        }
        for (int d = 1; d <= today.tm_mday; d++) {
            snprintf(buf, sizeof(buf), "day:%04d-%02d-%02d", today.tm_year + 1900,
                     today.tm_mon + 1, d);
            month += adb_meta_u64(db, 0, buf);
        }
        npaths = arrivals_read(db, paths, 32, &newest);
        web_db_close(db);
    } else if (web_sees_all(r)) {
        page_free(p);                   /* 503 answered */
        return;
    }
    if (!web_sees_all(r)) {
        el(p->main, "p", "Search your own mail: everything you sent or received, Bcc included.");
        link_to(el(p->main, "p", 0), "/search", "Go to search");
        page_send(r, p, MHD_HTTP_OK);
        return;
    }
    snprintf(buf, sizeof(buf), "%llu", (unsigned long long) days[CHART_DAYS - 1]);
    stat_box(stats, "today", buf);
    snprintf(buf, sizeof(buf), "%llu", (unsigned long long) month);
    stat_box(stats, "this month", buf);
    snprintf(buf, sizeof(buf), "%llu", (unsigned long long) total);
    stat_box(stats, "messages in the archive", buf);
    snprintf(run, sizeof(run), "%s/run", cfg->data_dir);
    if (master) {
        IPC_IDS ids;
        IPC_SCORE *sc;

        if (ipc_ids_read(&ids, run) == 0 && (sc = ipc_score_attach(ids.score, 1)) != 0) {
            if (sc->magic == IPC_SCORE_MAGIC) {
                busy = 0;
                for (int i = 0; i < IPC_SCORE_SLOTS; i++)
                    if (sc->slot[i].pid > 0 && sc->slot[i].kind == SCORE_SMTPD) {
                        if (sc->slot[i].state == SCORE_BUSY)
                            busy++;
                        else
                            idle++;
                    }
            }
            ipc_score_detach(sc);
        }
    }
    if (busy >= 0)
        snprintf(buf, sizeof(buf), "%d busy, %d idle", busy, idle);
    else
        snprintf(buf, sizeof(buf), "%s", master ? "unknown" : "not running");
    stat_box(stats, "receivers", buf);
    snprintf(buf, sizeof(buf), "%ld", spool_count(cfg->data_dir, "spool/new"));
    stat_box(stats, "waiting to be indexed", buf);
    if (statvfs(cfg->data_dir, &vfs) == 0) {
        double  gb = (double) vfs.f_bavail * (double) vfs.f_frsize / 1e9;
        double  pct = vfs.f_blocks ? 100.0 * (double) vfs.f_bavail / (double) vfs.f_blocks : 0;

        snprintf(buf, sizeof(buf), "%.1f GB (%.0f%%)", gb, pct);
        stat_box(stats, "disk left", buf);
    }
    if (master)
        snprintf(buf, sizeof(buf), "mailarcd is running (pid %ld).", (long) master);
    else
        snprintf(buf, sizeof(buf), "mailarcd is not running: mail is not being archived.");
    elc(p->main, "p", master ? "ok" : "error", buf);
    capture_table(p->main, cfg, paths, npaths, newest, now);
    journal_table(p->main, cfg, now);
    integrity_table(p->main, cfg, now);
    el(p->main, "h2", "Messages per day (last 30 days, by arrival)");
    chart(p->main, days, now);
    page_send(r, p, MHD_HTTP_OK);
}

/* Run daemon_control ACTION; its exit status (-1: could not run it) and
 * output (stdout and stderr). */
static int control_run(const char *action, VSTR *out)
{
    char   *cmd = strdup(web_config()->daemon_control), *save = 0;
    char   *argv[32];
    int     argc = 0, pfd[2], status = -1;
    pid_t   pid;
    time_t  deadline = time(0) + CONTROL_TIMEOUT;

    int     placed = 0;

    /* The action goes where "%a" is, else at the end. */
    for (char *w = strtok_r(cmd, " \t", &save); w && argc < 30; w = strtok_r(0, " \t", &save)) {
        placed |= strcmp(w, "%a") == 0;
        argv[argc++] = strcmp(w, "%a") == 0 ? (char *) action : w;
    }
    if (!placed)
        argv[argc++] = (char *) action;
    argv[argc] = 0;
    if (argc < 2 || pipe2(pfd, O_CLOEXEC) < 0) {
        vstr_addstr(out, "daemon_control is empty or a pipe cannot be made");
        free(cmd);
        return -1;
    }
    if ((pid = fork()) == 0) {
        dup2(pfd[1], 1);
        dup2(pfd[1], 2);
        close_range(3, ~0U, 0);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(pfd[1]);
    if (pid < 0) {
        vstr_addstr(out, "fork failed");
        close(pfd[0]);
        free(cmd);
        return -1;
    }
    for (;;) {
        struct pollfd pf = {pfd[0], POLLIN, 0};
        char    buf[4096];
        ssize_t n;
        int     left = (int) (deadline - time(0));

        if (left <= 0 || poll(&pf, 1, left * 1000) <= 0) {
            kill(pid, SIGKILL);
            vstr_addstr(out, "\n[daemon_control did not finish in time and was stopped]\n");
            break;
        }
        if ((n = read(pfd[0], buf, sizeof(buf))) <= 0)
            break;
        if (out->len < 65536)
            vstr_add(out, buf, (size_t) n);
    }
    close(pfd[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    free(cmd);
    if (WIFEXITED(status))
        return WEXITSTATUS(status) == 127 && out->len == 0 ? -1 : WEXITSTATUS(status);
    return -1;
}

static void daemon_page(WEB_REQ *r, const char *done, int done_rc, const VSTR *done_out)
{
    WEB_PAGE *p = page_new(r, "Archive daemon");
    VSTR   *out = vstr_alloc(1024);
    int     rc = control_run("status", out);
    char    line[256];

    if (done) {
        el(p->main, "h2", "Result");
        snprintf(line, sizeof(line), "%s: %s (exit status %d)", done,
                 done_rc == 0 ? "done" : "failed", done_rc);
        elc(p->main, "p", done_rc == 0 ? "ok" : "error", line);
        if (done_out->len)
            el(p->main, "pre", done_out->s);
    }
    el(p->main, "h2", "Status");
    /* LSB: 0 running, 3 not running, others: unknown or failed */
    snprintf(line, sizeof(line), "%s (status exit %d)",
             rc == 0 ? "running" : rc == 3 ? "stopped" : "unknown", rc);
    elc(elc(p->main, "p", rc == 0 ? "ok" : "error", 0), "strong", "state", line);
    if (out->len)
        el(p->main, "pre", out->s);
    for (int i = 0; i < 3; i++) {
        static const char *acts[] = {"start", "stop", "restart"};
        xmlNodePtr f = post_form(p->main, r, "/admin/daemon");

        attr(f, "class", "inline");
        input(f, "hidden", "action", acts[i]);
        input(f, "submit", 0, i == 0 ? "Start" : i == 1 ? "Stop" : "Restart");
    }
    snprintf(line, sizeof(line), "Runs: %s start|stop|restart|status",
             web_config()->daemon_control);
    elc(p->main, "p", "note", line);
    vstr_free(out);
    page_send(r, p, MHD_HTTP_OK);
}

void web_daemon_get(WEB_REQ *r)
{
    if (!web_is_admin(r)) {
        web_message_page(r, MHD_HTTP_FORBIDDEN, "Forbidden", "Only administrators control the "
                         "archive daemon.");
        return;
    }
    daemon_page(r, 0, 0, 0);
}

void web_daemon_post(WEB_REQ *r)
{
    const char *action = web_field(r, "action");
    VSTR   *out;
    int     rc;
    char    detail[64];

    if (!web_is_admin(r)) {
        web_audit(r->client, r->sess.login, "daemon", "refused", action ? action : "");
        web_message_page(r, MHD_HTTP_FORBIDDEN, "Forbidden", "Only administrators control the "
                         "archive daemon.");
        return;
    }
    if (action == 0 || (strcmp(action, "start") != 0 && strcmp(action, "stop") != 0
                        && strcmp(action, "restart") != 0)) {
        web_message_page(r, MHD_HTTP_BAD_REQUEST, "Archive daemon",
                         "The action must be start, stop or restart.");
        return;
    }
    out = vstr_alloc(1024);
    rc = control_run(action, out);
    snprintf(detail, sizeof(detail), "%s exit=%d", action, rc);
    web_audit(r->client, r->sess.login, "daemon", rc == 0 ? "ok" : "failed", detail);
    msg_info("daemon %s by %s: exit %d", action, r->sess.login, rc);
    daemon_page(r, action, rc, out);
    vstr_free(out);
}

#define AUDIT_PAGE 500

void web_audit_page(WEB_REQ *r)
{
    WEB_PAGE *p;
    STRLIST lines;
    xmlNodePtr pre, nav;
    off_t   older;

    if (!web_sees_all(r)) {
        web_message_page(r, MHD_HTTP_FORBIDDEN, "Forbidden",
                         "Only administrators and auditors read the audit log.");
        return;
    }
    {
        const char *b = web_arg(r, "before");
        char   *end;
        long long before = b ? strtoll(b, &end, 10) : 0;

        if (b && (*b == 0 || *end || before < 0)) {
            web_message_page(r, MHD_HTTP_BAD_REQUEST, "Bad request",
                             "before= takes a byte offset from a link of this page.");
            return;
        }
        p = page_new(r, "Audit log");
        older = web_audit_read((off_t) before, AUDIT_PAGE, &lines);
    }
    el(p->main, "p", "Entries newest first, 500 a page.");
    pre = elc(p->main, "pre", "audit", 0);
    for (int i = lines.n - 1; i >= 0; i--) {
        text(pre, lines.v[i]);
        text(pre, "\n");
    }
    strlist_free(&lines);
    nav = elc(p->main, "p", "pager", 0);
    if (older > 0) {
        char    href[64];

        snprintf(href, sizeof(href), "/admin/audit?before=%lld", (long long) older);
        link_to(nav, href, "Older entries");
    }
    if (web_arg(r, "before")) {
        text(nav, " ");
        link_to(nav, "/admin/audit", "Newest entries");
    }
    web_audit(r->client, r->sess.login, "audit-read", "ok", "");
    page_send(r, p, MHD_HTTP_OK);
}
