/*
 * web_compliance.c - /admin/holds and /admin/deletions: legal holds and
 * four-eyes deletion on the panel, with the same rules as the mailarc
 * command (holds.h, delreq.h, retention.h).
 *
 * Admins and auditors see both pages; only admins change anything, and an
 * approval must come from another admin than the one who asked (the PAM
 * login is the identity).  Every change is audited.  The deletion itself
 * is carried out by the indexer; after an approval the page waits a few
 * seconds for it and then shows the request as it stands.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "date.h"
#include "delreq.h"
#include "holds.h"
#include "kvfile.h"
#include "query.h"
#include "retention.h"
#include "search.h"
#include "web_page.h"
#include "web_pages.h"

#define APPROVE_WAIT 10                 /* seconds the page waits for the indexer */

static int compliance_allowed(WEB_REQ *r, const char *what)
{
    if (web_sees_all(r))
        return 1;
    web_message_page(r, MHD_HTTP_FORBIDDEN, "Forbidden", what);
    return 0;
}

static int compliance_admin(WEB_REQ *r, const char *action)
{
    if (web_is_admin(r))
        return 1;
    web_audit(r->client, r->sess.login, action, "refused", "");
    web_message_page(r, MHD_HTTP_FORBIDDEN, "Forbidden", "Only administrators change holds "
                     "and deletions; auditors may look.");
    return 0;
}

static void iso(time_t t, char *buf, size_t len)
{
    if (t)
        date_iso(t, buf, len);
    else
        snprintf(buf, len, "-");
}

/* ---- holds -------------------------------------------------------------- */

static size_t count_of(ADB *db, const char *text)
{
    size_t  n = 0;
    char    err[256];

    return db && search_count(db, text, &n, err, sizeof(err)) == 0 ? n : 0;
}

/* A one-line form of labelled text fields: fields holds name, label pairs. */
static void field_form(xmlNodePtr parent, const WEB_REQ *r, const char *path, const char *id,
                       const char *action, const char *const *fields, const char *submit)
{
    xmlNodePtr f = post_form(parent, r, path);

    attr(f, "id", id);
    input(f, "hidden", "action", action);
    for (; *fields; fields += 2) {
        el(f, "label", fields[1]);
        input(f, "text", fields[0], "");
    }
    input(f, "submit", 0, submit);
}

static void holds_page(WEB_REQ *r, int status, const char *notice, int bad)
{
    WEB_PAGE *p = page_new(r, "Legal holds");
    HOLD   *h;
    int     n;
    xmlNodePtr table, tr;
    char    buf[64];
    ADB    *db;

    el(p->main, "p", "A message that a hold's query finds can never be deleted, whatever its "
       "age; the query also covers mail archived after the hold was placed.");
    if (notice)
        elc(p->main, "p", bad ? "error" : "ok", notice);
    h = holds_list(web_config(), 0, &n);
    db = web_db_open(r);
    if (db == 0) {
        holds_free(h, n);
        page_free(p);
        return;
    }
    table = el(p->main, "table", 0);
    attr(table, "id", "holds");
    tr = el(table, "tr", 0);
    for (const char **c = (const char *[]) {"Name", "Placed", "By", "Messages", "Query", "Reason",
                                             "", 0}; *c; c++)
        el(tr, "th", *c);
    for (int i = 0; i < n; i++) {
        xmlNodePtr td;

        tr = el(table, "tr", 0);
        attr(tr, "class", h[i].released ? "released" : "active");
        el(tr, "td", h[i].name);
        iso(h[i].created, buf, sizeof(buf));
        el(tr, "td", buf);
        el(tr, "td", h[i].by);
        snprintf(buf, sizeof(buf), "%zu", count_of(db, h[i].query));
        el(tr, "td", buf);
        el(tr, "td", h[i].query);
        el(tr, "td", h[i].reason);
        td = el(tr, "td", 0);
        if (h[i].released) {
            char    rel[96];

            iso(h[i].released, buf, sizeof(buf));
            snprintf(rel, sizeof(rel), "released %s by %s", buf, h[i].released_by);
            text(td, rel);
        } else if (web_is_admin(r)) {
            xmlNodePtr f = post_form(td, r, "/admin/holds");

            input(f, "hidden", "action", "release");
            input(f, "hidden", "name", h[i].name);
            input(f, "submit", 0, "Release");
        }
    }
    web_db_close(db);
    if (n == 0)
        el(p->main, "p", "No legal holds.");
    holds_free(h, n);
    if (web_is_admin(r)) {
        el(p->main, "h2", "Place a hold");
        field_form(p->main, r, "/admin/holds", "add-hold", "add", (const char *[]) {
                   "name", "Name ", "query", " Query ", "reason", " Reason ", 0}, "Place hold");
    }
    page_send(r, p, status);
}

void web_holds_get(WEB_REQ *r)
{
    if (compliance_allowed(r, "Only administrators and auditors see legal holds."))
        holds_page(r, MHD_HTTP_OK, 0, 0);
}

void web_holds_post(WEB_REQ *r)
{
    const char *action = web_field(r, "action"), *name = web_field(r, "name");
    const char *query = web_field(r, "query"), *reason = web_field(r, "reason");
    VSTR   *detail = vstr_alloc(256);
    char    err[512];
    QUERY   q;

    if (!compliance_admin(r, "hold")) {
        vstr_free(detail);
        return;
    }
    name = name ? name : "";
    if (action && strcmp(action, "add") == 0) {
        if (!hold_name_ok(name)) {
            holds_page(r, MHD_HTTP_BAD_REQUEST, "A hold's name is 1 to 64 of A-Z a-z 0-9 . _ -",
                       1);
        } else if (query == 0 || *query == 0 || query_parse(query, &q, err, sizeof(err)) < 0) {
            holds_page(r, MHD_HTTP_BAD_REQUEST, query && *query ? err : "A hold needs a query.",
                       1);
        } else {
            query_free(&q);
            vstr_sprintf(detail, "name=%s reason=%s query=%s", name, reason ? reason : "", query);
            if (hold_add(web_config(), name, query, reason ? reason : "", r->sess.login, err,
                         sizeof(err)) < 0) {
                web_audit(r->client, r->sess.login, "hold-add", "failed", err);
                holds_page(r, MHD_HTTP_CONFLICT, err, 1);
            } else {
                web_audit(r->client, r->sess.login, "hold-add", "ok", detail->s);
                vstr_sprintf(detail, "Hold %s placed.", name);
                holds_page(r, MHD_HTTP_OK, detail->s, 0);
            }
        }
    } else if (action && strcmp(action, "release") == 0) {
        vstr_sprintf(detail, "name=%s", name);
        if (hold_release(web_config(), name, r->sess.login, err, sizeof(err)) < 0) {
            holds_page(r, MHD_HTTP_NOT_FOUND, err, 1);
        } else {
            web_audit(r->client, r->sess.login, "hold-release", "ok", detail->s);
            vstr_sprintf(detail, "Hold %s released.", name);
            holds_page(r, MHD_HTTP_OK, detail->s, 0);
        }
    } else {
        holds_page(r, MHD_HTTP_BAD_REQUEST, "The action must be add or release.", 1);
    }
    vstr_free(detail);
}

/* ---- deletions ---------------------------------------------------------- */

static void request_row(WEB_REQ *r, xmlNodePtr table, const STRLIST *kv, time_t now)
{
    const char *state = delreq_state(kv, now), *id = kv_get(kv, "id");
    xmlNodePtr tr = el(table, "tr", 0), td;
    char    buf[256];

    attr(tr, "id", id ? id : "");
    el(tr, "td", id);
    elc(tr, "td", "state", state);
    iso((time_t) kv_get_num(kv, "created"), buf, sizeof(buf));
    el(tr, "td", buf);
    el(tr, "td", kv_get(kv, "requester"));
    snprintf(buf, sizeof(buf), "%lld to delete; left out %lld not expired, %lld held",
             kv_get_num(kv, "deletable"), kv_get_num(kv, "not_expired"), kv_get_num(kv, "held"));
    el(tr, "td", buf);
    el(tr, "td", kv_get(kv, "query"));
    el(tr, "td", kv_get(kv, "reason"));
    td = el(tr, "td", 0);
    if (strcmp(state, "done") == 0) {
        const char *vols = kv_get(kv, "volumes");

        snprintf(buf, sizeof(buf), "Approved by %s. Deleted %lld, skipped %lld. ",
                 kv_get(kv, "approver"), kv_get_num(kv, "deleted"), kv_get_num(kv, "skipped"));
        text(td, buf);
        elc(td, "span", "media", vols && *vols ? "Copies remain on media volumes: " :
            "No copies on media.");
        if (vols && *vols)
            elc(td, "span", "volumes", vols);
    } else if (strcmp(state, "approved") == 0) {
        snprintf(buf, sizeof(buf), "Approved by %s; the indexer is deleting.",
                 kv_get(kv, "approver"));
        text(td, buf);
    } else if (strcmp(state, "failed") == 0) {
        snprintf(buf, sizeof(buf), "Failed: %s", kv_get(kv, "error") ? kv_get(kv, "error") : "?");
        text(td, buf);
    } else if (strcmp(state, "requested") == 0 && web_is_admin(r)) {
        xmlNodePtr f;

        if (strcmp(kv_get(kv, "requester"), r->sess.login) != 0) {
            f = post_form(td, r, "/admin/deletions");
            input(f, "hidden", "action", "approve");
            input(f, "hidden", "id", id);
            input(f, "submit", 0, "Approve");
        } else {
            text(td, "Waiting for another admin. ");
        }
        f = post_form(td, r, "/admin/deletions");
        input(f, "hidden", "action", "cancel");
        input(f, "hidden", "id", id);
        input(f, "submit", 0, "Cancel");
    }
}

static void deletions_page(WEB_REQ *r, int status, const char *notice, int bad)
{
    WEB_PAGE *p = page_new(r, "Deletions");
    STRLIST ids;
    xmlNodePtr table, tr;
    time_t  now = time(0);

    el(p->main, "p", "Mail is deleted only past its retention period, never under a legal hold, "
       "and only when one admin asks and another approves. What was written to media "
       "cannot be unwritten: a deleted message stays on the volumes named here.");
    if (notice)
        elc(p->main, "p", bad ? "error" : "ok", notice);
    if (web_is_admin(r)) {
        el(p->main, "h2", "Ask for a deletion");
        field_form(p->main, r, "/admin/deletions", "request-deletion", "request",
                   (const char *[]) {"query", "Query ", "reason", " Reason ", 0},
                   "Request deletion");
    }
    el(p->main, "h2", "Requests");
    delreq_list(web_config(), &ids);
    table = el(p->main, "table", 0);
    attr(table, "id", "requests");
    tr = el(table, "tr", 0);
    for (const char **c = (const char *[]) {"Request", "State", "Asked", "By", "Messages", "Query",
                                             "Reason", "", 0}; *c; c++)
        el(tr, "th", *c);
    for (int i = 0; i < ids.n; i++) {
        STRLIST kv;

        if (delreq_load(web_config(), ids.v[i], &kv) == 0)
            request_row(r, table, &kv, now);
        strlist_free(&kv);
    }
    if (ids.n == 0)
        el(p->main, "p", "No deletion requests.");
    strlist_free(&ids);
    page_send(r, p, status);
}

void web_deletions_get(WEB_REQ *r)
{
    if (compliance_allowed(r, "Only administrators and auditors see deletion requests."))
        deletions_page(r, MHD_HTTP_OK, 0, 0);
}

static void deletion_request(WEB_REQ *r)
{
    const char *query = web_field(r, "query"), *reason = web_field(r, "reason");
    RETENTION_COUNTS c;
    STRLIST kv;
    VSTR   *msg = vstr_alloc(256);
    char    err[512];
    ADB    *db;
    int     rc;

    if (query == 0 || *query == 0 || reason == 0 || *reason == 0) {
        deletions_page(r, MHD_HTTP_BAD_REQUEST, "A deletion needs a query and a reason.", 1);
        vstr_free(msg);
        return;
    }
    if ((db = web_db_open(r)) == 0) {
        vstr_free(msg);
        return;
    }
    rc = retention_request(web_config(), db, query, reason, r->sess.login, &kv, &c, err,
                           sizeof(err));
    web_db_close(db);
    if (rc < 0) {
        deletions_page(r, MHD_HTTP_BAD_REQUEST, err, 1);
    } else if (c.deletable == 0) {
        vstr_sprintf(msg, "%llu messages match, none can be deleted: %llu not past retention, "
                     "%llu under a legal hold. No request was made.",
                     (unsigned long long) c.matched, (unsigned long long) c.not_expired,
                     (unsigned long long) c.held);
        deletions_page(r, MHD_HTTP_OK, msg->s, 1);
    } else {
        vstr_sprintf(msg, "request=%s deletable=%llu not_expired=%llu held=%llu reason=%s "
                     "query=%s", kv_get(&kv, "id"), (unsigned long long) c.deletable,
                     (unsigned long long) c.not_expired, (unsigned long long) c.held, reason,
                     query);
        web_audit(r->client, r->sess.login, "delete-request", "ok", msg->s);
        if (delreq_save(web_config(), kv_get(&kv, "id"), &kv) < 0) {
            deletions_page(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "The request cannot be saved.", 1);
        } else {
            vstr_sprintf(msg, "Request %s: %llu messages match; %llu can be deleted, left out "
                         "%llu not past retention and %llu under a legal hold. Another admin "
                         "must approve it.", kv_get(&kv, "id"), (unsigned long long) c.matched,
                         (unsigned long long) c.deletable, (unsigned long long) c.not_expired,
                         (unsigned long long) c.held);
            deletions_page(r, MHD_HTTP_OK, msg->s, 0);
        }
    }
    strlist_free(&kv);
    vstr_free(msg);
}

static void deletion_decide(WEB_REQ *r, int approve)
{
    const char *id = web_field(r, "id");
    const char *action = approve ? "delete-approve" : "delete-cancel";
    STRLIST kv;
    VSTR   *detail = vstr_alloc(128);
    char    why[256];

    if (id == 0 || !delreq_id_ok(id) || delreq_load(web_config(), id, &kv) < 0) {
        deletions_page(r, MHD_HTTP_NOT_FOUND, "No such request.", 1);
        vstr_free(detail);
        return;
    }
    vstr_sprintf(detail, "request=%s", id);
    if (delreq_decision_ok(&kv, r->sess.login, approve, time(0), why, sizeof(why)) < 0) {
        web_audit(r->client, r->sess.login, action, "refused", detail->s);
        deletions_page(r, MHD_HTTP_FORBIDDEN, why, 1);
    } else {
        web_audit(r->client, r->sess.login, action, "ok", detail->s);
        if (delreq_decide(web_config(), id, &kv, r->sess.login, approve) < 0) {
            deletions_page(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "The request cannot be saved.", 1);
        } else {
            for (int i = 0; approve && i < APPROVE_WAIT * 5; i++) {
                strlist_free(&kv);
                if (delreq_load(web_config(), id, &kv) == 0
                    && strcmp(delreq_state(&kv, 0), "approved") != 0)
                    break;
                usleep(200000);
            }
            vstr_sprintf(detail, "Request %s %s.", id, approve ? "approved" : "cancelled");
            deletions_page(r, MHD_HTTP_OK, detail->s, 0);
        }
    }
    strlist_free(&kv);
    vstr_free(detail);
}

void web_deletions_post(WEB_REQ *r)
{
    const char *action = web_field(r, "action");

    if (!compliance_admin(r, "delete"))
        return;
    if (action && strcmp(action, "request") == 0)
        deletion_request(r);
    else if (action && (strcmp(action, "approve") == 0 || strcmp(action, "cancel") == 0))
        deletion_decide(r, strcmp(action, "approve") == 0);
    else
        deletions_page(r, MHD_HTTP_BAD_REQUEST, "The action must be request, approve or cancel.",
                       1);
}
