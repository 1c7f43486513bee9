/*
 * web_message.c - GET /message/ID (headers, envelope, text, attachments),
 * GET /message/ID.eml (the exact bytes) and POST /restore.
 *
 * A message the user may not see answers exactly like one that does not
 * exist: the same 404 page, the same "not found" line in a restore
 * report.  Archived HTML is never rendered: only the text extracted from
 * it is shown.  Restores go through lib/redeliver (the code behind
 * "mailarc redeliver"); a user may restore only to their own addresses,
 * an auditor not at all.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "addr.h"
#include "catalog.h"
#include "date.h"
#include "digest.h"
#include "hdr.h"
#include "lookup.h"
#include "charset.h"
#include "mime.h"
#include "postings.h"
#include "msg.h"
#include "redeliver.h"
#include "search.h"
#include "store.h"
#include "web.h"
#include "web_page.h"
#include "xtext.h"

#define RESTORE_MAX 200

/* Find a message the user may see and read its bytes (msg may be NULL);
 * media (may be NULL) gets the volumes holding it, docs (may be NULL) what
 * extraction gave for its documents (xtext.h), from the same open.
 * 0 found; 1 not found or not theirs; -1 the archive failed (answered). */
static int web_find_docs(WEB_REQ *r, const char *id, MSGREC *rec, VSTR *msg, VSTR *media,
                         VSTR *docs, char *hex)
{
    ADB    *db;
    uint64_t num;
    int     rc, vis;
    char    err[512];

    if (!digest_is_hex(id, 12, 64))
        return 1;
    if ((db = web_db_open(r)) == 0)
        return -1;
    rc = lookup_id(db, id, &num, rec);
    if (rc == LOOKUP_OK) {
        vis = search_visible(db, web_sees_all(r) ? 0 : &r->acc, num);
        if (vis != 1) {
            record_free(rec);
            rc = vis == 0 ? LOOKUP_NOTFOUND : LOOKUP_UNAVAILABLE;
        }
    }
    if (rc == LOOKUP_OK && media)
        catalog_describe_message(db, num, media);
    if (rc == LOOKUP_OK && docs) {
        unsigned char numk[8];

        adb_num_key(num, numk);
        postings_xtext_get(db, 0, numk, docs);
    }
    if (rc == LOOKUP_OK)
        digest_hex(rec->sha, hex);
    /* The blob while the database is open: it may live in blob.db. */
    if (rc == LOOKUP_OK && msg
        && store_get(web_config()->data_dir, db, rec->arrival, hex, msg, err, sizeof(err)) < 0) {
        web_db_close(db);
        msg_warn("message %s: %s", hex, err);
        record_free(rec);
        web_message_page(r, MHD_HTTP_SERVICE_UNAVAILABLE, "Message unavailable",
                         "The stored copy of this message cannot be read or does not match "
                         "its digest; the administrator has been told.");
        return -1;
    }
    web_db_close(db);
    if (rc == LOOKUP_UNAVAILABLE) {
        web_message_page(r, MHD_HTTP_SERVICE_UNAVAILABLE, "Archive unavailable",
                         "The message's record cannot be read right now.");
        return -1;
    }
    if (rc != LOOKUP_OK)
        return 1;
    return 0;
}

static int web_find(WEB_REQ *r, const char *id, MSGREC *rec, VSTR *msg, VSTR *media,
                    char *hex)
{
    return web_find_docs(r, id, rec, msg, media, 0, hex);
}

static int web_own(const WEB_REQ *r, const char *addr)
{
    VSTR   *c = vstr_alloc(64);
    int     own;

    addr_canon(addr, c);
    own = strlist_find(&r->acc.addrs, c->s) >= 0;
    vstr_free(c);
    return own;
}

/* Shows hidden recipients (Bcc, envelope) only to those who see all and
 * to the sender; a recipient sees only their own among them. */
static void list_row(xmlNodePtr dl, const WEB_REQ *r, int privileged, const char *label,
                     const STRLIST *addrs, const STRLIST *names)
{
    VSTR   *v = vstr_alloc(128);
    int     k = 0;

    for (int i = 0; i < addrs->n; i++) {
        const char *name = names && i < names->n ? names->v[i] : "";

        if (!privileged && !web_own(r, addrs->v[i]))
            continue;
        if (k++)
            vstr_addstr(v, ", ");
        if (*name)
            vstr_sprintf_append(v, "%s <%s>", name, addrs->v[i]);
        else
            vstr_addstr(v, addrs->v[i]);
    }
    if (k)
        dl_row(dl, label, v->s);
    vstr_free(v);
}

/* An auditor follows one person: each address of the message links to
 * everything that person sent or received. */
static void mailbox_links(xmlNodePtr parent, const MSGREC *m)
{
    const STRLIST *lists[] = {&m->to_addr, &m->cc_addr, &m->bcc_addr, &m->env_rcpt};
    xmlNodePtr para = elc(parent, "p", "mailboxes", "Browse the mailbox of: ");
    STRLIST all;
    VSTR   *u = vstr_alloc(256);

    strlist_init(&all);
    if (m->from_addr && *m->from_addr)
        strlist_add_unique(&all, m->from_addr);
    for (size_t k = 0; k < sizeof(lists) / sizeof(lists[0]); k++)
        for (int i = 0; i < lists[k]->n; i++)
            if (*lists[k]->v[i])
                strlist_add_unique(&all, lists[k]->v[i]);
    for (int i = 0; i < all.n; i++) {
        vstr_sprintf(u, "from:%s OR to:%s", all.v[i], all.v[i]);
        {
            VSTR   *url = vstr_alloc(256);

            vstr_addstr(url, "/search?q=");
            web_urlenc(url, u->s);
            if (i)
                text(para, ", ");
            link_to(para, url->s, all.v[i]);
            vstr_free(url);
        }
    }
    strlist_free(&all);
    vstr_free(u);
}

typedef struct show_ctx {
    xmlNodePtr texts;
    xmlNodePtr files;
    int     nfiles;
} SHOW_CTX;

static void show_part(const MIME_PART *p, void *ctx)
{
    SHOW_CTX *c = ctx;
    char    line[512];

    if (p->attachment || p->text == 0) {
        snprintf(line, sizeof(line), "%s (%s, %zu bytes)",
                 *p->filename ? p->filename : "(unnamed)", p->type, p->size);
        el(c->files, "li", line);
        c->nfiles++;
    }
    if (p->text) {
        xmlNodePtr sec = elc(c->texts, "section", "part", 0);

        snprintf(line, sizeof(line), "%s%s%s", p->type, *p->filename ? " " : "", p->filename);
        elc(sec, "p", "parttype", line);
        el(sec, "pre", p->text->s);
    }
}

void web_restore_controls(xmlNodePtr form, const WEB_REQ *r, const char *label)
{
    xmlNodePtr p = elc(form, "p", "restore", 0), l;

    el(p, "span", label);
    l = el(p, "label", 0);
    attr(input(l, "radio", "to", "original"), "checked", "checked");
    text(l, web_sees_all(r) ? " the original recipients " : " my own address ");
    l = el(p, "label", 0);
    input(l, "radio", "to", "address");
    text(l, " this address: ");
    attr(input(p, "email", "address", ""), "placeholder", "name@example.com");
    input(p, "submit", 0, "Restore");
}

/* What mailarc-extract gave for one document: indexed, or why not. */
static void show_document(char kind, const char *name, size_t nlen, const char *data,
                          size_t len, void *ctx)
{
    VSTR   *line = vstr_alloc(128);
    VSTR   *clean = vstr_alloc(128);

    vstr_add(line, nlen ? name : "(unnamed)", nlen ? nlen : 9);
    if (kind == 'T')
        vstr_sprintf_append(line, ": %zu bytes of text indexed", len);
    else {
        vstr_addstr(line, ": extraction failed: ");
        vstr_add(line, data, len);
    }
    charset_display_clean(line->s, line->len, clean);
    if (kind == 'T')
        el(ctx, "li", clean->s);
    else
        elc(ctx, "li", "error", clean->s);
    vstr_free(line);
    vstr_free(clean);
}

static void restore_form(xmlNodePtr parent, const WEB_REQ *r, const char *hex)
{
    xmlNodePtr f;

    if (r->acc.role == ACCESS_AUDITOR)
        return;
    f = post_form(parent, r, "/restore");
    input(f, "hidden", "id", hex);
    web_restore_controls(f, r, "Restore to ");
}

void web_message(WEB_REQ *r, const char *id)
{
    const CONFIG *cfg = web_config();
    MSGREC  m;
    VSTR   *msg = vstr_alloc(65536), *hdr = vstr_alloc(256);
    VSTR   *media = web_sees_all(r) ? vstr_alloc(256) : 0;
    VSTR   *docs = vstr_alloc(256);
    char    hex[DIGEST_HEXLEN + 1], date[32], when[32], size[64], url[128];
    WEB_PAGE *p;
    xmlNodePtr dl, env;
    SHOW_CTX sc;
    MIME_LIMITS lim;
    int     truncated = 0, privileged, rc;

    mime_limits_cfg(&lim, cfg);
    if ((rc = web_find_docs(r, id, &m, msg, media, docs, hex)) != 0) {
        if (rc > 0)
            web_not_found(r);
        vstr_free(msg);
        vstr_free(hdr);
        vstr_free(media);
        vstr_free(docs);
        return;
    }
    privileged = web_sees_all(r) || web_own(r, m.from_addr)
        || (m.env_from.n && web_own(r, m.env_from.v[0]));
    p = page_new(r, *m.subject ? m.subject : "(no subject)");
    date_iso((time_t) m.date, date, sizeof(date));
    date_iso((time_t) m.arrival, when, sizeof(when));
    snprintf(url, sizeof(url), "/message/%s.eml", hex);
    link_to(elc(p->main, "p", "actions", 0), url, "Download .eml");
    restore_form(p->main, r, hex);
    el(p->main, "h2", "Headers");
    dl = el(p->main, "dl", 0);
    dl_row(dl, "Date", date);
    if (*m.from_name) {
        vstr_sprintf(hdr, "%s <%s>", m.from_name, m.from_addr);
        dl_row(dl, "From", hdr->s);
    } else {
        dl_row(dl, "From", m.from_addr);
    }
    if (*m.sender_addr)
        dl_row(dl, "Sender", m.sender_addr);
    list_row(dl, r, 1, "To", &m.to_addr, &m.to_name);
    list_row(dl, r, 1, "Cc", &m.cc_addr, &m.cc_name);
    list_row(dl, r, privileged, "Bcc", &m.bcc_addr, 0);
    dl_row(dl, "Subject", m.subject);
    dl_row(dl, "Message-ID", m.msgid);
    snprintf(size, sizeof(size), "%lld bytes", (long long) m.size);
    dl_row(dl, "Size", size);
    dl_row(dl, "Id (SHA-256)", hex);
    if (web_sees_all(r))
        mailbox_links(p->main, &m);
    el(p->main, "h2", "Envelope");
    env = el(p->main, "dl", 0);
    snprintf(size, sizeof(size), "%s (%u arrival%s)", when, m.arrivals, m.arrivals == 1 ? "" : "s");
    dl_row(env, "Received", size);
    list_row(env, r, 1, "Sender", &m.env_from, 0);
    list_row(env, r, privileged, "Recipients", &m.env_rcpt, 0);
    if (web_sees_all(r)) {
        vstr_sprintf(hdr, "%s, HELO %s%s%s, source %s", m.client, m.helo, *m.tls ? ", TLS " : "",
                     m.tls, m.source);
        dl_row(env, "Client", hdr->s);
        if (*m.auth)
            dl_row(env, "SMTP AUTH", m.auth);
        /* An Exchange journal report it came in (mailarc cat --journal ID),
         * and which recipients came through a list or a forwarding. */
        for (int i = 0; i < m.journals.n; i++)
            dl_row(env, i ? "" : "Journal reports", m.journals.v[i]);
        for (int i = 0; i < m.rcpt_notes.n; i++)
            dl_row(env, i ? "" : "Recipient notes", m.rcpt_notes.v[i]);
        dl_row(env, "Media", media->s);
    }
    el(p->main, "h2", "Text");
    sc.texts = el(p->main, "div", 0);
    el(p->main, "h2", "Attachments");
    sc.files = el(p->main, "ul", 0);
    sc.nfiles = 0;
    mime_walk(msg->s, msg->len, &lim, show_part, &sc, &truncated);
    if (sc.nfiles == 0)
        el(sc.files, "li", "none");
    if (docs->len) {
        el(p->main, "h2", "Text of documents");
        xtext_each(docs->s, docs->len, show_document, el(p->main, "ul", 0));
    }
    if (truncated)
        elc(p->main, "p", "error", "MIME limits reached: the rest is not shown. "
            "Download the message to see all of it.");
    web_audit(r->client, r->sess.login, "view", "ok", hex);
    record_free(&m);
    vstr_free(msg);
    vstr_free(hdr);
    vstr_free(media);
    vstr_free(docs);
    page_send(r, p, MHD_HTTP_OK);
}

void web_download(WEB_REQ *r, const char *id)
{
    MSGREC  m;
    char    hex[DIGEST_HEXLEN + 1], disp[128];
    int     rc;

    if ((rc = web_find(r, id, &m, r->body, 0, hex)) != 0) {
        if (rc > 0)
            web_not_found(r);
        return;
    }
    r->ctype = "message/rfc822";
    snprintf(disp, sizeof(disp), "attachment; filename=\"%s.eml\"", hex);
    web_header(r, "Content-Disposition", disp);
    web_audit(r->client, r->sess.login, "download", "ok", hex);
    record_free(&m);
}

/* Where a restore goes; 0 with rcpts filled, -1 with why. */
static int restore_rcpts(const WEB_REQ *r, const MSGREC *m, const char *to, STRLIST *rcpts,
                         const char **why)
{
    strlist_init(rcpts);
    if (strcmp(to, "original") != 0) {
        if (!web_sees_all(r) && !web_own(r, to)) {
            *why = "you may restore only to your own addresses";
            return -1;
        }
        strlist_add(rcpts, to);
        return 0;
    }
    if (web_sees_all(r)) {
        redeliver_original(m, rcpts);
    } else {
        STRLIST orig;

        redeliver_original(m, &orig);
        for (int i = 0; i < orig.n; i++)
            if (web_own(r, orig.v[i]))
                strlist_add_unique(rcpts, orig.v[i]);
        strlist_free(&orig);
        if (rcpts->n == 0 && r->acc.addrs.n)
            strlist_add(rcpts, r->acc.addrs.v[0]);
    }
    if (rcpts->n == 0) {
        *why = "the message has no recipients to send to";
        return -1;
    }
    return 0;
}

static void report_row(xmlNodePtr tb, const char *id, const char *rcpt, const char *result,
                       const char *reply)
{
    xmlNodePtr tr = el(tb, "tr", 0);

    el(tr, "td", id);
    el(tr, "td", rcpt);
    elc(tr, "td", strcmp(result, "sent") == 0 ? "ok" : "bad", result);
    el(tr, "td", reply);
}

void web_restore(WEB_REQ *r)
{
    const char *to = web_field(r, "to");
    WEB_PAGE *p;
    xmlNodePtr tb, tr;
    int     status = MHD_HTTP_OK, nids = 0, sent = 0, failed = 0;

    if (r->acc.role == ACCESS_AUDITOR) {
        web_audit(r->client, r->sess.login, "restore", "refused", "auditor");
        web_message_page(r, MHD_HTTP_FORBIDDEN, "Forbidden", "Auditors cannot restore mail.");
        return;
    }
    if (to && strcmp(to, "address") == 0)
        to = web_field(r, "address");
    if (to == 0 || (strcmp(to, "original") != 0 && !redeliver_addr_ok(to))) {
        web_message_page(r, MHD_HTTP_BAD_REQUEST, "Restore",
                         "Choose the original recipients or give one e-mail address.");
        return;
    }
    for (int i = 0; i < r->fname.n; i++)
        nids += strcmp(r->fname.v[i], "id") == 0;
    if (nids == 0 || nids > RESTORE_MAX) {
        web_message_page(r, MHD_HTTP_BAD_REQUEST, "Restore",
                         nids ? "Too many messages at once: restore at most 200."
                         : "Select at least one message.");
        return;
    }
    p = page_new(r, "Restore report");
    tb = elc(p->main, "table", "report", 0);
    tr = el(el(tb, "thead", 0), "tr", 0);
    el(tr, "th", "Message");
    el(tr, "th", "Recipient");
    el(tr, "th", "Result");
    el(tr, "th", "Relay's answer");
    tb = el(tb, "tbody", 0);
    for (int i = 0; i < r->fname.n; i++) {
        const char *id = r->fval.v[i];
        char    hex[DIGEST_HEXLEN + 1], err[512], detail[600];
        const char *why = 0;
        MSGREC  m;
        VSTR   *msg;
        STRLIST rcpts;
        SMTPC_REPORT rep;
        int     rc;

        if (strcmp(r->fname.v[i], "id") != 0)
            continue;
        msg = vstr_alloc(65536);
        if ((rc = web_find(r, id, &m, msg, 0, hex)) != 0) {
            vstr_free(msg);
            if (rc < 0) {               /* the archive failed: answered */
                page_free(p);
                return;
            }
            report_row(tb, id, "-", "not found", "no such message");
            web_audit(r->client, r->sess.login, "restore", "not-found", id);
            status = MHD_HTTP_NOT_FOUND;
            failed++;
            continue;
        }
        if (restore_rcpts(r, &m, to, &rcpts, &why) < 0) {
            report_row(tb, hex, "-", "refused", why);
            web_audit(r->client, r->sess.login, "restore", "refused", hex);
            if (status == MHD_HTTP_OK)
                status = MHD_HTTP_FORBIDDEN;
            failed++;
        } else {
            rc = redeliver_send(web_config(), &m, msg->s, msg->len, &rcpts, &rep, err,
                                sizeof(err));
            for (int k = 0; k < rep.rcpt.n; k++) {
                report_row(tb, hex, rep.rcpt.v[k], rep.ok[k] ? "sent" : "REFUSED",
                           rep.reply.v[k]);
                snprintf(detail, sizeof(detail), "%s to %s: %s", hex, rep.rcpt.v[k],
                         rep.reply.v[k]);
                web_audit(r->client, r->sess.login, "restore", rep.ok[k] ? "sent" : "refused",
                          detail);
                sent += rep.ok[k];
                failed += !rep.ok[k];
            }
            if (rc < 0) {
                elc(p->main, "p", "error", err);
                if (status == MHD_HTTP_OK)
                    status = MHD_HTTP_BAD_GATEWAY;
            } else if (rep.delivered < rep.rcpt.n && status == MHD_HTTP_OK) {
                status = MHD_HTTP_BAD_GATEWAY;
            }
            smtpc_report_free(&rep);
        }
        strlist_free(&rcpts);
        record_free(&m);
        vstr_free(msg);
    }
    {
        char    line[128];

        snprintf(line, sizeof(line), "%d sent, %d not sent.", sent, failed);
        elc(p->main, "p", failed ? "error" : "count", line);
    }
    page_send(r, p, status);
}
