/*
 * web_search.c - GET /search (query box, up to five filter rows, sent or
 * received) and GET /api/search (JSON, as "mailarc search --json").
 *
 * Filter rows become terms of the query language, and the page shows the
 * query that ran, so what the rows mean is never hidden.  Searches run as
 * the logged-in user: a user's results hold only their own mail.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "digest.h"
#include "hitjson.h"
#include "json.h"
#include "lookup.h"
#include "mymalloc.h"
#include "query.h"
#include "search.h"
#include "snippet.h"
#include "sort.h"
#include "web.h"
#include "web_page.h"

#define PAGE_SIZE 50
#define ROWS 5

static const char *const fields[] = {
    "any", "Any text", "from", "From", "to", "To (incl. Cc, Bcc)", "cc", "Cc",
    "subject", "Subject", "body", "Body", "filename", "Attachment name", "msgid", "Message-ID",
    "date", "Date", "size", "Size", 0,
};
static const char *const conds[] = {
    "has", "contains", "not", "does not contain", "after", "is on or after",
    "before", "is before", "on", "is on", "larger", "is larger than", "smaller",
    "is smaller than", 0,
};
static const char *const dirs[] = {
    "all", "Sent and received", "sent", "Sent", "received", "Received", 0,
};

void web_urlenc(VSTR *out, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char) *s;

        if (isalnum(c) || strchr("-._~", c))
            vstr_addch(out, c);
        else
            vstr_sprintf_append(out, "%%%02X", c);
    }
}

static int in_list(const char *const *pairs, const char *v)
{
    for (int i = 0; pairs[i]; i += 2)
        if (strcmp(pairs[i], v) == 0)
            return 1;
    return 0;
}

/* One filter row as a term; 0 ok (nothing added for an empty value),
 * -1 with err. */
static int row_term(const char *field, const char *cond, const char *value, VSTR *q,
                    char *err, size_t errlen)
{
    VSTR   *v = vstr_alloc(strlen(value) + 8);
    int     datef = strcmp(field, "date") == 0, sizef = strcmp(field, "size") == 0;
    int     textc = strcmp(cond, "has") == 0 || strcmp(cond, "not") == 0;
    int     rc = 0;

    for (const char *p = value; *p; p++)        /* quotes cannot be escaped */
        vstr_addch(v, *p == '"' ? ' ' : *p);
    while (v->len && isspace((unsigned char) v->s[v->len - 1]))
        vstr_truncate(v, v->len - 1);
    if (v->len == 0)
        goto out;
    if (!in_list(fields, field) || !in_list(conds, cond)) {
        snprintf(err, errlen, "unknown filter field or condition");
        rc = -1;
    } else if (datef != (strcmp(cond, "after") == 0 || strcmp(cond, "before") == 0
                         || strcmp(cond, "on") == 0)
               || sizef != (strcmp(cond, "larger") == 0 || strcmp(cond, "smaller") == 0)
               || (!datef && !sizef && !textc)) {
        snprintf(err, errlen, "the condition \"%s\" does not apply to the field \"%s\"",
                 cond, field);
        rc = -1;
    } else if (datef || sizef) {
        vstr_sprintf_append(q, " %s:%s", cond, v->s);
    } else {
        const char *s = v->s;

        while (isspace((unsigned char) *s))
            s++;
        if (strcmp(field, "any") == 0) {
            /* bare words: each word one term */
            char   *copy = strdup(s), *save = 0;

            for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(0, " \t", &save))
                vstr_sprintf_append(q, " %s\"%s\"", strcmp(cond, "not") == 0 ? "-" : "", w);
            free(copy);
        } else {
            vstr_sprintf_append(q, " %s%s:\"%s\"", strcmp(cond, "not") == 0 ? "-" : "",
                                field, s);
        }
    }
out:
    vstr_free(v);
    return rc;
}

/* Sent or received, relative to the user's addresses (admins and
 * auditors: to default_domain). */
static void dir_term(WEB_REQ *r, const char *dir, VSTR *q)
{
    const char *key = strcmp(dir, "sent") == 0 ? "from" : strcmp(dir, "received") == 0 ? "to" : 0;

    if (key == 0)
        return;
    vstr_addstr(q, " ");
    if (web_sees_all(r)) {
        if (*web_config()->default_domain)
            vstr_sprintf_append(q, "%s:%s", key, web_config()->default_domain);
        return;
    }
    for (int i = 0; i < r->acc.addrs.n; i++)
        vstr_sprintf_append(q, "%s%s:%s", i ? " OR " : "", key, r->acc.addrs.v[i]);
}

/* The snippet as text with <mark> elements: escaped by the tree. */
static void snippet_node(xmlNodePtr parent, const SNIPPET *s)
{
    xmlNodePtr d = elc(parent, "div", "snippet", 0);
    size_t  at = 0;

    for (int i = 0; i < s->n; i++) {
        char   *piece;

        if (s->off[i] > at) {
            piece = mystrndup(s->text->s + at, s->off[i] - at);
            text(d, piece);
            myfree(piece);
        }
        piece = mystrndup(s->text->s + s->off[i], s->len[i]);
        el(d, "mark", piece);
        myfree(piece);
        at = s->off[i] + s->len[i];
    }
    if (at < s->text->len)
        text(d, s->text->s + at);
}

/* A column heading that sorts by it: the other way when it is the order. */
static void sort_th(xmlNodePtr tr, const char *label, SEARCH_SORT col, const char *base,
                    SEARCH_SORT by, int asc)
{
    VSTR   *u = vstr_alloc(256), *l = vstr_alloc(64);
    int     next_asc = col == by ? !asc : (col == SORT_FROM || col == SORT_SUBJECT);

    vstr_sprintf(u, "/search?page=1%s&sort=%s&order=%s", base, search_sort_name(col),
                 next_asc ? "asc" : "desc");
    vstr_sprintf(l, "%s%s", label, col != by ? "" : asc ? " \xe2\x96\xb2" : " \xe2\x96\xbc");
    attr(link_to(el(tr, "th", 0), u->s, l->s), "class", col == by ? "sort current" : "sort");
    vstr_free(u);
    vstr_free(l);
}

static void result_table(xmlNodePtr parent, ADB *db, const SEARCH_RESULT *res,
                         const STRLIST *words, int checked, const char *base, SEARCH_SORT by,
                         int asc)
{
    xmlNodePtr t = elc(parent, "table", "results", 0), tr;

    tr = el(el(t, "thead", 0), "tr", 0);
    el(tr, "th", "");
    sort_th(tr, "Date", SORT_DATE, base, by, asc);
    sort_th(tr, "From", SORT_FROM, base, by, asc);
    el(tr, "th", "To");
    sort_th(tr, "Subject", SORT_SUBJECT, base, by, asc);
    sort_th(tr, "Size", SORT_SIZE, base, by, asc);
    t = el(t, "tbody", 0);
    for (size_t i = 0; i < res->n; i++) {
        MSGREC  m;
        char    hex[DIGEST_HEXLEN + 1], date[32], url[128], size[32];
        VSTR   *to = vstr_alloc(128);
        xmlNodePtr cb;

        if (lookup_record(db, res->hits[i].num, &m) < 0)
            continue;
        digest_hex(m.sha, hex);
        date_iso((time_t) m.date, date, sizeof(date));
        date[10] = ' ';
        date[16] = 0;
        snprintf(url, sizeof(url), "/message/%s", hex);
        for (int k = 0; k < m.to_addr.n && k < 3; k++)
            vstr_sprintf_append(to, "%s%s", k ? ", " : "", m.to_addr.v[k]);
        if (m.to_addr.n > 3)
            vstr_sprintf_append(to, " (+%d)", m.to_addr.n - 3);
        tr = el(t, "tr", 0);
        cb = input(el(tr, "td", 0), "checkbox", "id", hex);
        attr(cb, "aria-label", "select");
        if (checked)
            attr(cb, "checked", "checked");
        el(tr, "td", date);
        el(tr, "td", m.from_addr);
        el(tr, "td", to->s);
        {
            xmlNodePtr td = el(tr, "td", 0);
            SNIPPET sn;

            link_to(td, url, *m.subject ? m.subject : "(no subject)");
            snippet_of_record(web_config(), db, res->hits[i].num, &m, words, &sn);
            if (sn.text)
                snippet_node(td, &sn);
            snippet_free(&sn);
        }
        snprintf(size, sizeof(size), "%lld", (long long) m.size);
        elc(tr, "td", "num", size);
        vstr_free(to);
        record_free(&m);
    }
}

void web_search_page(WEB_REQ *r)
{
    const char *qtext = web_arg(r, "q");
    const char *dir = web_arg(r, "dir");
    const char *pg = web_arg(r, "page");
    long    page = pg ? strtol(pg, 0, 10) : 1;
    VSTR   *q = vstr_alloc(256), *args = vstr_alloc(256), *base = 0;
    WEB_PAGE *p = page_new(r, "Search");
    SEARCH_SORT by = SORT_DATE;
    int     asc = 0;
    xmlNodePtr f, tb;
    char    err[512] = "";
    int     status = MHD_HTTP_OK, asked = 0;

    if (page < 1 || page > 100000)
        page = 1;
    if (dir == 0 || !in_list(dirs, dir))
        dir = "all";
    /* the form: query box, rows, direction */
    f = el(p->main, "form", 0);
    attr(f, "method", "get");
    attr(f, "action", "/search");
    attr(f, "class", "search");
    {
        xmlNodePtr l = el(f, "label", "Query ");
        xmlNodePtr box = input(l, "search", "q", qtext ? qtext : "");

        attr(box, "size", "60");
        attr(box, "placeholder", "from:alice subject:invoice after:2026-01-01");
    }
    tb = elc(f, "table", "filters", 0);
    for (int i = 1; i <= ROWS; i++) {
        char    fk[8], ck[8], vk[8];
        const char *fv, *cv, *vv;
        xmlNodePtr tr = el(tb, "tr", 0);

        snprintf(fk, sizeof(fk), "f%d", i);
        snprintf(ck, sizeof(ck), "c%d", i);
        snprintf(vk, sizeof(vk), "v%d", i);
        fv = web_arg(r, fk);
        cv = web_arg(r, ck);
        vv = web_arg(r, vk);
        select_box(el(tr, "td", 0), fk, fields, fv ? fv : "any");
        select_box(el(tr, "td", 0), ck, conds, cv ? cv : "has");
        input(el(tr, "td", 0), "text", vk, vv ? vv : "");
        if (vv && *vv) {
            asked = 1;
            if (*err == 0 && row_term(fv ? fv : "any", cv ? cv : "has", vv, q, err,
                                      sizeof(err)) < 0)
                status = MHD_HTTP_BAD_REQUEST;
            vstr_sprintf_append(args, "&%s=", fk);
            web_urlenc(args, fv ? fv : "any");
            vstr_sprintf_append(args, "&%s=", ck);
            web_urlenc(args, cv ? cv : "has");
            vstr_sprintf_append(args, "&%s=", vk);
            web_urlenc(args, vv);
        }
    }
    {
        xmlNodePtr l = el(f, "label", "Show ");

        select_box(l, "dir", dirs, dir);
    }
    input(f, "submit", 0, "Search");
    if (qtext && *qtext) {
        asked = 1;
        vstr_addstr(args, "&q=");
        web_urlenc(args, qtext);
        {
            VSTR   *full = vstr_alloc(strlen(qtext) + q->len + 2);

            vstr_addstr(full, qtext);
            vstr_add(full, q->s, q->len);
            vstr_set(q, full->s);
            vstr_free(full);
        }
    }
    if (strcmp(dir, "all") != 0) {
        asked = 1;
        vstr_sprintf_append(args, "&dir=%s", dir);
        dir_term(r, dir, q);
    }
    /* The order: newest first unless asked; the links keep it. */
    base = vstr_alloc(256);
    vstr_set(base, args->s);
    {
        const char *sa = web_arg(r, "sort"), *oa = web_arg(r, "order");

        if (sa && search_sort_parse(sa, &by) < 0)
            snprintf(err, sizeof(err), "sort is date, size, from or subject");
        asc = oa && strcmp(oa, "asc") == 0;
        if (by != SORT_DATE || asc)
            vstr_sprintf_append(args, "&sort=%s&order=%s", search_sort_name(by),
                                asc ? "asc" : "desc");
    }
    if (*err) {
        elc(p->main, "p", "error", err);
    } else if (asked) {
        QUERY   qq;
        SEARCH_RESULT res;
        ADB    *db;
        VSTR   *shown = vstr_alloc(256);
        char    line[256];

        vstr_sprintf(shown, "Query: %s", q->s);
        elc(p->main, "p", "query", shown->s);
        vstr_free(shown);
        if (query_parse(q->s, &qq, err, sizeof(err)) < 0) {
            VSTR   *m = vstr_alloc(128);

            vstr_sprintf(m, "Bad query: %s", err);
            elc(p->main, "p", "error", m->s);
            vstr_free(m);
            status = MHD_HTTP_BAD_REQUEST;
            web_audit(r->client, r->sess.login, "search", "bad-query", q->s);
        } else if ((db = web_db_open(r)) == 0) {
            query_free(&qq);
            page_free(p);
            vstr_free(q);
            vstr_free(args);
            vstr_free(base);
            return;
        } else {
            const ACCESS *acc = web_sees_all(r) ? 0 : &r->acc;
            int     rc;
            STRLIST words;

            if (by == SORT_DATE && !asc) {
                rc = search_page_run(db, &qq, acc, (size_t) (page - 1) * PAGE_SIZE, PAGE_SIZE,
                                     &res, err, sizeof(err));
            } else if ((rc = search_run(db, &qq, acc, 0, 0, &res, err, sizeof(err))) == 0) {
                /* Another order needs every hit; by sender or subject
                 * every record, so only up to search_sort_max of them. */
                if ((by == SORT_FROM || by == SORT_SUBJECT)
                    && res.total > (size_t) web_config()->search_sort_max) {
                    snprintf(line, sizeof(line), "%zu results are more than search_sort_max "
                             "(%ld) to sort by %s; shown newest first.", res.total,
                             web_config()->search_sort_max, search_sort_name(by));
                    elc(p->main, "p", "error", line);
                    by = SORT_DATE;
                    asc = 0;
                }
                search_sort(db, &res, by, asc);
                search_page(&res, (size_t) (page - 1) * PAGE_SIZE, PAGE_SIZE);
            }

            snippet_words(&qq, &words);
            query_free(&qq);
            if (rc != 0) {
                elc(p->main, "p", "error", err);
                status = MHD_HTTP_SERVICE_UNAVAILABLE;
            } else {
                xmlNodePtr form, nav;
                long    pages = (long) ((res.total + PAGE_SIZE - 1) / PAGE_SIZE);

                snprintf(line, sizeof(line), "%s%zu message%s found%s",
                         res.estimated ? "About " : "", res.total, res.total == 1 ? "" : "s",
                         pages > 1 ? "" : ".");
                elc(p->main, "p", "count", line);
                if (res.total) {
                    VSTR   *u = vstr_alloc(256);
                    xmlNodePtr a;

                    vstr_addstr(u, "/export?format=mbox&q=");
                    web_urlenc(u, q->s);
                    a = link_to(el(p->main, "p", 0), u->s, "Export all as mbox");
                    attr(a, "id", "export");
                    attr(a, "download", "");
                    vstr_free(u);
                }
                if (res.n) {
                    const char *all = web_arg(r, "all");
                    int     checked = all && strcmp(all, "1") == 0;
                    VSTR   *u = vstr_alloc(256);
                    xmlNodePtr sel = elc(p->main, "p", "select", 0), b;

                    /* No script on the panel: selecting all is a page. */
                    vstr_sprintf(u, "/search?page=%ld%s%s", page, args->s, checked ? "" : "&all=1");
                    attr(link_to(sel, u->s, checked ? "Select none" : "Select all on this page"),
                         "id", "select-all");
                    vstr_free(u);
                    form = post_form(p->main, r, "/restore");
                    attr(form, "id", "results");
                    result_table(form, db, &res, &words, checked, base->s, by, asc);
                    b = input(elc(form, "p", "export-selected", 0), "submit", 0,
                              "Export selected as mbox");
                    attr(b, "formaction", "/export");
                    attr(b, "id", "export-selected");
                    if (r->acc.role != ACCESS_AUDITOR)
                        web_restore_controls(form, r, "Restore selected to ");
                }
                nav = elc(p->main, "p", "pages", 0);
                if (pages > 1) {
                    VSTR   *u = vstr_alloc(256);

                    long    last = 0;

                    if (page > 1) {
                        vstr_sprintf(u, "/search?page=%ld%s", page - 1, args->s);
                        link_to(nav, u->s, "Previous");
                    }
                    snprintf(line, sizeof(line), " page %ld of %ld: ", page, pages);
                    text(nav, line);
                    /* The first, the last, and two on each side of this one. */
                    for (long k = 1; k <= pages; k++) {
                        char    no[24];

                        if (k != 1 && k != pages && (k < page - 2 || k > page + 2))
                            continue;
                        if (last && k > last + 1)
                            text(nav, " … ");
                        snprintf(no, sizeof(no), "%ld", k);
                        if (k == page) {
                            elc(nav, "strong", "current", no);
                        } else {
                            vstr_sprintf(u, "/search?page=%ld%s", k, args->s);
                            link_to(nav, u->s, no);
                        }
                        text(nav, " ");
                        last = k;
                    }
                    if (page < pages) {
                        vstr_sprintf(u, "/search?page=%ld%s", page + 1, args->s);
                        link_to(nav, u->s, "Next");
                    }
                    vstr_free(u);
                }
                web_audit(r->client, r->sess.login, "search", "ok", q->s);
                search_result_free(&res);
            }
            strlist_free(&words);
            web_db_close(db);
        }
    }
    vstr_free(q);
    vstr_free(args);
    vstr_free(base);
    page_send(r, p, status);
}

static long api_num(const char *s, long def, long max)
{
    char   *end;
    long    n;

    if (s == 0 || *s == 0)
        return def;
    n = strtol(s, &end, 10);
    if (*end || n < 0 || n > max)
        return -1;
    return n;
}

void web_api_search(WEB_REQ *r)
{
    const char *qtext = web_arg(r, "q");
    long    limit = api_num(web_arg(r, "limit"), 50, 1000);
    long    offset = api_num(web_arg(r, "offset"), 0, 100000000);
    VSTR   *j = vstr_alloc(4096);
    QUERY   q;
    SEARCH_RESULT res;
    char    err[512];
    ADB    *db;

    if (limit < 0 || offset < 0) {
        vstr_addstr(j, "{\"error\":\"limit must be 0..1000 and offset a number >= 0\"}");
        web_json(r, MHD_HTTP_BAD_REQUEST, j);
        return;
    }
    if (qtext == 0 || query_parse(qtext, &q, err, sizeof(err)) < 0) {
        vstr_addstr(j, "{\"error\":");
        json_str(j, qtext ? err : "the parameter q (the query) is missing");
        vstr_addstr(j, "}");
        web_audit(r->client, r->sess.login, "search", "bad-query", qtext ? qtext : "");
        web_json(r, MHD_HTTP_BAD_REQUEST, j);
        return;
    }
    if ((db = web_db_open(r)) == 0) {
        query_free(&q);
        vstr_free(j);
        return;
    }
    if ((limit ? search_page_run : search_run)(db, &q, web_sees_all(r) ? 0 : &r->acc,
                                               (size_t) offset, limit ? (size_t) limit : 1,
                                               &res, err, sizeof(err)) != 0) {
        vstr_addstr(j, "{\"error\":");
        json_str(j, err);
        vstr_addstr(j, "}");
        web_json(r, MHD_HTTP_SERVICE_UNAVAILABLE, j);
    } else {
        STRLIST words;

        snippet_words(&q, &words);
        vstr_sprintf(j, "{\"total\":%zu,%s\"results\":[", res.total,
                     res.estimated ? "\"estimated\":true," : "");
        for (size_t i = 0, k = 0; limit && i < res.n; i++) {
            MSGREC  m;
            SNIPPET sn;

            if (lookup_record(db, res.hits[i].num, &m) < 0)
                continue;
            if (k++)
                vstr_addch(j, ',');
            snippet_of_record(web_config(), db, res.hits[i].num, &m, &words, &sn);
            hitjson_append(j, &m, &sn);
            snippet_free(&sn);
            record_free(&m);
        }
        strlist_free(&words);
        vstr_addstr(j, "]}\n");
        web_audit(r->client, r->sess.login, "search", "ok", qtext);
        search_result_free(&res);
        web_json(r, MHD_HTTP_OK, j);
    }
    query_free(&q);
    web_db_close(db);
}
