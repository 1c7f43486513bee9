/*
 * cli_retention.c - "mailarc hold", "retention" and "delete": legal holds,
 * the retention report, and four-eyes deletion.
 *
 * Who acts is the invoking user (cli_invoker: SUDO_USER under sudo).
 * Holds and deletion requests need an admin (admin_users); an approval
 * needs an admin other than the one who asked.  Every change is written
 * to the audit log first (opened before privileges are dropped), and is
 * refused when it cannot be.  The files themselves are written as the
 * archive's user.  The deletion is carried out by the indexer; "delete
 * --approve" waits for it a while and reports what it did.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "access.h"
#include "auditlog.h"
#include "date.h"
#include "delreq.h"
#include "holds.h"
#include "kvfile.h"
#include "query.h"
#include "retention.h"
#include "search.h"
#include "vstr.h"
#include "cli.h"

#define APPROVE_WAIT 120                /* seconds for the indexer to carry it out */

typedef struct actor {
    char    login[256];
    ACCESS_ROLE role;
    AUDITLOG audit;
} ACTOR;

/* Who runs this, what they are, and the audit log open; then become the
 * archive's user.  0, or an exit status. */
static int actor_start(const CONFIG *cfg, const char *cmd, int need_admin, ACTOR *a)
{
    ACCESS  acc;
    char    err[1024];

    cli_invoker(a->login, sizeof(a->login));
    if (access_load(cfg, a->login, &acc, err, sizeof(err)) < 0) {
        fprintf(stderr, "mailarc: %s\n", err);
        return EXIT_USAGE;
    }
    a->role = acc.role;
    access_free(&acc);
    if (need_admin && a->role != ACCESS_ADMIN) {
        fprintf(stderr, "mailarc: %s: %s is not an admin (admin_users)%s\n", cmd, a->login,
                a->role == ACCESS_AUDITOR ? "; an auditor may look, not change" : "");
        return EXIT_USAGE;
    }
    if (auditlog_open(cfg, &a->audit, err, sizeof(err)) < 0) {
        fprintf(stderr, "mailarc: %s: refused, the audit log cannot be opened: %s\n", cmd, err);
        return EXIT_UNAVAILABLE;
    }
    if (cli_become_user(cfg, cmd) < 0) {
        auditlog_close(&a->audit);
        return EXIT_UNAVAILABLE;
    }
    return 0;
}

static int actor_audit(ACTOR *a, const char *action, const char *result, const char *detail)
{
    VSTR   *line = vstr_alloc(256);
    int     rc;

    auditlog_entry(line, "cli", a->login, action, result, detail, 0);
    if ((rc = auditlog_append(&a->audit, line->s)) < 0)
        fprintf(stderr, "mailarc: %s: refused, the audit log cannot be written: %m\n", action);
    vstr_free(line);
    return rc;
}

/* ---- hold --------------------------------------------------------------- */

static size_t query_count(ADB *db, const char *text)
{
    size_t  n = 0;
    char    err[256];

    return search_count(db, text, &n, err, sizeof(err)) == 0 ? n : 0;
}

static int hold_list(const CONFIG *cfg, int all)
{
    int     n;
    HOLD   *h = holds_list(cfg, !all, &n);
    ADB    *db = cli_open_db(cfg);
    char    when[32];

    if (n == 0)
        printf("no %slegal holds\n", all ? "" : "active ");
    for (int i = 0; i < n; i++) {
        size_t  found = query_count(db, h[i].query);

        date_iso(h[i].created, when, sizeof(when));
        printf("%-20s %s by %s, %zu message%s%s\n    query: %s\n", h[i].name, when, h[i].by,
               found, found == 1 ? "" : "s", h[i].released ? " (released)" : "", h[i].query);
        if (*h[i].reason)
            printf("    reason: %s\n", h[i].reason);
    }
    adb_close(db);
    holds_free(h, n);
    return 0;
}

static int hold_add_cmd(const CONFIG *cfg, int argc, char **argv)
{
    static const struct option opts[] = {{"reason", required_argument, 0, 'r'}, {0, 0, 0, 0}};
    const char *reason = "";
    VSTR   *query, *detail;
    ACTOR   a;
    char    err[1024];
    int     c, rc;

    optind = 3;
    while ((c = getopt_long(argc, argv, "+", opts, 0)) != -1) {
        if (c != 'r') {
            fprintf(stderr, "usage: mailarc hold add NAME [--reason TEXT] QUERY...\n");
            return EXIT_USAGE;
        }
        reason = optarg;
    }
    if (!hold_name_ok(argv[2])) {
        fprintf(stderr, "mailarc: hold add: \"%s\" is not a hold name (1 to 64 of A-Z a-z 0-9 "
                ". _ -)\n", argv[2]);
        return EXIT_USAGE;
    }
    if ((query = cli_query_args(argc, argv, optind, 0)) == 0)
        return EXIT_USAGE;
    if (query->len == 0) {
        fprintf(stderr, "mailarc: hold add %s: a hold needs a query\n", argv[2]);
        vstr_free(query);
        return EXIT_USAGE;
    }
    if ((rc = actor_start(cfg, "hold add", 1, &a)) != 0) {
        vstr_free(query);
        return rc;
    }
    detail = vstr_alloc(256);
    vstr_sprintf(detail, "name=%s reason=%s query=%s", argv[2], reason, query->s);
    if (actor_audit(&a, "hold-add", "ok", detail->s) < 0) {
        rc = EXIT_UNAVAILABLE;
    } else if (hold_add(cfg, argv[2], query->s, reason, a.login, err, sizeof(err)) < 0) {
        fprintf(stderr, "mailarc: hold add: %s\n", err);
        actor_audit(&a, "hold-add", "failed", err);
        rc = EXIT_USAGE;
    } else {
        printf("hold %s placed\n", argv[2]);
    }
    auditlog_close(&a.audit);
    vstr_free(query);
    vstr_free(detail);
    return rc;
}

static int hold_release_cmd(const CONFIG *cfg, const char *name)
{
    VSTR   *detail;
    ACTOR   a;
    char    err[1024];
    int     rc;

    if ((rc = actor_start(cfg, "hold release", 1, &a)) != 0)
        return rc;
    detail = vstr_alloc(128);
    vstr_sprintf(detail, "name=%s", name);
    if (actor_audit(&a, "hold-release", "ok", detail->s) < 0) {
        rc = EXIT_UNAVAILABLE;
    } else if (hold_release(cfg, name, a.login, err, sizeof(err)) < 0) {
        fprintf(stderr, "mailarc: hold release: %s\n", err);
        actor_audit(&a, "hold-release", "failed", err);
        rc = EXIT_NOTFOUND;
    } else {
        printf("hold %s released\n", name);
    }
    auditlog_close(&a.audit);
    vstr_free(detail);
    return rc;
}

int cli_hold(const CONFIG *cfg, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "list") == 0)
        return hold_list(cfg, argc == 3 && strcmp(argv[2], "--all") == 0);
    if (argc == 3 && strcmp(argv[1], "release") == 0)
        return hold_release_cmd(cfg, argv[2]);
    if (argc >= 3 && strcmp(argv[1], "add") == 0)
        return hold_add_cmd(cfg, argc, argv);
    fprintf(stderr, "usage: mailarc hold add NAME [--reason TEXT] QUERY... | hold list [--all]"
            " | hold release NAME\n");
    return EXIT_USAGE;
}

/* ---- retention ---------------------------------------------------------- */

typedef struct tally {
    uint64_t messages, expired, held;
} TALLY;

/* Each live record's number and date, from the fixed part of msg.db. */
static int each_live(ADB *db, void (*fn)(uint64_t num, int64_t date, void *ctx), void *ctx)
{
    DBC    *c;
    DBT     k = {0}, v = {0};
    unsigned char fixed[97];
    int     rc;

    if ((rc = db->msg->cursor(db->msg, 0, &c, 0)) != 0)
        return rc;
    v.data = fixed;
    v.ulen = v.dlen = sizeof(fixed);
    v.flags = DB_DBT_USERMEM | DB_DBT_PARTIAL;
    while ((rc = c->get(c, &k, &v, DB_NEXT)) == 0) {
        uint32_t flags;

        if (k.size != 8 || v.size < sizeof(fixed))
            continue;
        flags = (uint32_t) fixed[93] << 24 | (uint32_t) fixed[94] << 16
            | (uint32_t) fixed[95] << 8 | fixed[96];
        if (!(flags & REC_F_DELETED))
            fn(adb_key_num(k.data), (int64_t) record_get_u64(fixed + 1), ctx);
    }
    c->close(c);
    return rc == DB_NOTFOUND ? 0 : rc;
}

typedef struct report {
    const RETENTION *ret;
    const RETENTION_EVAL *ev;
    TALLY  *t;
    time_t  now;
} REPORT;

static void report_one(uint64_t num, int64_t date, void *ctx)
{
    REPORT *r = ctx;
    int     k = retention_rule_of(r->ev, num);

    r->t[k].messages++;
    if (retention_end(r->ret, r->ev, num, date) <= (int64_t) r->now) {
        r->t[k].expired++;
        if (retention_held_by(r->ev, num) >= 0)
            r->t[k].held++;
    }
}

int cli_retention(const CONFIG *cfg, int argc, char **argv)
{
    RETENTION ret;
    RETENTION_EVAL *ev;
    HOLD   *holds;
    REPORT  rep;
    TALLY   total = {0, 0, 0};
    ADB    *db;
    char    err[1024], per[24];
    int     nholds, rc;

    (void) argv;
    if (argc != 1) {
        fprintf(stderr, "usage: mailarc retention\n");
        return EXIT_USAGE;
    }
    if (retention_load(cfg, &ret, err, sizeof(err)) < 0) {
        fprintf(stderr, "mailarc: %s\n", err);
        return EXIT_USAGE;
    }
    db = cli_open_db(cfg);
    holds = holds_list(cfg, 1, &nholds);
    if ((ev = retention_eval(db, &ret, holds, nholds, err, sizeof(err))) == 0) {
        fprintf(stderr, "mailarc: retention: %s\n", err);
        adb_close(db);
        return EXIT_UNAVAILABLE;
    }
    rep.ret = &ret;
    rep.ev = ev;
    rep.t = calloc((size_t) ret.n + 1, sizeof(TALLY));
    rep.now = time(0);
    rc = each_live(db, report_one, &rep);
    printf("%-4s %-8s %10s %10s %10s  %s\n", "RULE", "PERIOD", "MESSAGES", "EXPIRED", "HELD",
           "QUERY");
    for (int i = 0; i <= ret.n; i++) {
        const TALLY *t = &rep.t[i];
        char    no[16] = "-";

        if (i < ret.n)
            snprintf(no, sizeof(no), "%d", i + 1);
        period_str(i < ret.n ? &ret.rules[i].period : &ret.def, per, sizeof(per));
        printf("%-4s %-8s %10llu %10llu %10llu  %s\n", no, per,
               (unsigned long long) t->messages, (unsigned long long) t->expired,
               (unsigned long long) t->held, i < ret.n ? ret.rules[i].query : "(retention_default)");
        total.messages += t->messages;
        total.expired += t->expired;
        total.held += t->held;
    }
    printf("%-13s %10llu %10llu %10llu  %d active hold%s\n", "total", (unsigned long long)
           total.messages, (unsigned long long) total.expired, (unsigned long long) total.held,
           nholds, nholds == 1 ? "" : "s");
    free(rep.t);
    retention_eval_free(ev);
    retention_free(&ret);
    holds_free(holds, nholds);
    adb_close(db);
    if (rc != 0) {
        fprintf(stderr, "mailarc: retention: %s\n", db_strerror(rc));
        return EXIT_UNAVAILABLE;
    }
    return 0;
}

/* ---- delete ------------------------------------------------------------- */

static int delete_request(const CONFIG *cfg, const char *reason, const char *query)
{
    RETENTION_COUNTS c;
    STRLIST kv;
    ACTOR   a;
    ADB    *db;
    VSTR   *detail;
    char    err[1024], when[32];
    const char *id;
    int     rc;

    if ((rc = actor_start(cfg, "delete --request", 1, &a)) != 0)
        return rc;
    detail = vstr_alloc(256);
    db = cli_open_db(cfg);
    rc = retention_request(cfg, db, query, reason, a.login, &kv, &c, err, sizeof(err));
    adb_close(db);
    if (rc < 0) {
        fprintf(stderr, "mailarc: delete: %s\n", err);
        rc = EXIT_USAGE;
        goto out;
    }
    rc = EXIT_UNAVAILABLE;
    id = kv_get(&kv, "id");
    printf("%llu message%s match: %llu can be deleted; left out: %llu not past retention, "
           "%llu under a legal hold\n", (unsigned long long) c.matched, c.matched == 1 ? "" : "s",
           (unsigned long long) c.deletable, (unsigned long long) c.not_expired,
           (unsigned long long) c.held);
    if (c.deletable == 0) {
        printf("nothing to delete: no request made\n");
        rc = EXIT_NOTFOUND;
        goto out;
    }
    vstr_sprintf(detail, "request=%s deletable=%llu not_expired=%llu held=%llu reason=%s query=%s",
                 id, (unsigned long long) c.deletable, (unsigned long long) c.not_expired,
                 (unsigned long long) c.held, reason, query);
    if (actor_audit(&a, "delete-request", "ok", detail->s) < 0)
        goto out;
    if (delreq_save(cfg, id, &kv) < 0) {
        fprintf(stderr, "mailarc: delete: cannot save request %s: %m\n", id);
        goto out;
    }
    date_iso((time_t) kv_get_num(&kv, "expires"), when, sizeof(when));
    printf("request %s: another admin approves it with\n    mailarc delete --approve %s\n"
           "before %s\n", id, id, when);
    rc = 0;
out:
    strlist_free(&kv);
    auditlog_close(&a.audit);
    vstr_free(detail);
    return rc;
}

static void request_print(const STRLIST *kv, time_t now)
{
    char    when[32];

    date_iso((time_t) kv_get_num(kv, "created"), when, sizeof(when));
    printf("%s  %-9s %s by %s; %lld to delete, left out %lld not expired, %lld held\n",
           kv_get(kv, "id"), delreq_state(kv, now), when, kv_get(kv, "requester"),
           kv_get_num(kv, "deletable"), kv_get_num(kv, "not_expired"), kv_get_num(kv, "held"));
    printf("    query: %s\n    reason: %s\n", kv_get(kv, "query"), kv_get(kv, "reason"));
    if (kv_get(kv, "approver"))
        printf("    approved by %s\n", kv_get(kv, "approver"));
    if (strcmp(delreq_state(kv, now), "done") == 0) {
        const char *vols = kv_get(kv, "volumes");

        printf("    deleted %lld, skipped %lld\n", kv_get_num(kv, "deleted"),
               kv_get_num(kv, "skipped"));
        printf("    copies remain on media: %s\n", vols && *vols ? vols : "none");
    }
    if (kv_get(kv, "error"))
        printf("    error: %s\n", kv_get(kv, "error"));
}

static int delete_list(const CONFIG *cfg)
{
    STRLIST ids;

    delreq_list(cfg, &ids);
    if (ids.n == 0)
        printf("no deletion requests\n");
    for (int i = 0; i < ids.n; i++) {
        STRLIST kv;

        if (delreq_load(cfg, ids.v[i], &kv) == 0)
            request_print(&kv, time(0));
        strlist_free(&kv);
    }
    strlist_free(&ids);
    return 0;
}

static int delete_decide(const CONFIG *cfg, const char *id, int approve)
{
    const char *cmd = approve ? "delete --approve" : "delete --cancel";
    STRLIST kv;
    ACTOR   a;
    VSTR   *detail = vstr_alloc(128);
    char    why[256];
    int     rc;

    if (!delreq_id_ok(id) || delreq_load(cfg, id, &kv) < 0) {
        fprintf(stderr, "mailarc: %s: no request %s\n", cmd, id);
        vstr_free(detail);
        return EXIT_NOTFOUND;
    }
    if ((rc = actor_start(cfg, cmd, 1, &a)) != 0) {
        strlist_free(&kv);
        vstr_free(detail);
        return rc;
    }
    vstr_sprintf(detail, "request=%s", id);
    rc = EXIT_USAGE;
    if (delreq_decision_ok(&kv, a.login, approve, time(0), why, sizeof(why)) < 0) {
        fprintf(stderr, "mailarc: %s: %s\n", cmd, why);
        actor_audit(&a, approve ? "delete-approve" : "delete-cancel", "refused", detail->s);
    } else if (actor_audit(&a, approve ? "delete-approve" : "delete-cancel", "ok",
                           detail->s) < 0) {
        rc = EXIT_UNAVAILABLE;
    } else {
        if (delreq_decide(cfg, id, &kv, a.login, approve) < 0) {
            fprintf(stderr, "mailarc: %s: cannot save request %s: %m\n", cmd, id);
            rc = EXIT_UNAVAILABLE;
        } else if (!approve) {
            printf("request %s cancelled\n", id);
            rc = 0;
        } else {
            /* The indexer carries it out at its next sweep. */
            rc = 0;
            for (int i = 0; i < APPROVE_WAIT * 5; i++) {
                strlist_free(&kv);
                if (delreq_load(cfg, id, &kv) == 0 && strcmp(delreq_state(&kv, 0), "approved") != 0)
                    break;
                usleep(200000);
            }
            if (strcmp(delreq_state(&kv, 0), "approved") == 0)
                printf("request %s approved; the indexer deletes when it runs\n", id);
            else
                request_print(&kv, time(0));
            if (strcmp(delreq_state(&kv, 0), "failed") == 0)
                rc = EXIT_UNAVAILABLE;
        }
    }
    strlist_free(&kv);
    auditlog_close(&a.audit);
    vstr_free(detail);
    return rc;
}

int cli_delete(const CONFIG *cfg, int argc, char **argv)
{
    static const struct option opts[] = {
        {"request", no_argument, 0, 'q'},
        {"reason", required_argument, 0, 'r'},
        {"approve", required_argument, 0, 'a'},
        {"cancel", required_argument, 0, 'c'},
        {"list", no_argument, 0, 'l'},
        {0, 0, 0, 0},
    };
    const char *reason = 0, *approve = 0, *cancel = 0;
    int     request = 0, list = 0, c;
    VSTR   *query;

    while ((c = getopt_long(argc, argv, "+", opts, 0)) != -1) {
        switch (c) {
        case 'q': request = 1; break;
        case 'r': reason = optarg; break;
        case 'a': approve = optarg; break;
        case 'c': cancel = optarg; break;
        case 'l': list = 1; break;
        default: goto usage;
        }
    }
    if (request + list + (approve != 0) + (cancel != 0) != 1
        || (!request && (reason || optind < argc)))
        goto usage;
    if (list || approve || cancel)
        return list ? delete_list(cfg) : delete_decide(cfg, approve ? approve : cancel, approve != 0);
    if (reason == 0 || *reason == 0 || optind == argc) {
        fprintf(stderr, "mailarc: delete --request needs --reason TEXT and a query\n");
        goto usage;
    }
    if ((query = cli_query_args(argc, argv, optind, 0)) == 0)
        return EXIT_USAGE;
    c = delete_request(cfg, reason, query->s);
    vstr_free(query);
    return c;
usage:
    fprintf(stderr, "usage: mailarc delete --request --reason TEXT QUERY... | delete --list\n"
            "       | delete --approve REQUEST | delete --cancel REQUEST\n");
    return EXIT_USAGE;
}
