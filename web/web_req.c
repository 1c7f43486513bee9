/*
 * web_req.c - what every page uses while answering a request: query and
 * form fields, extra headers, redirects, message pages, JSON answers, the
 * user's role, and the archive database opened for one request.
 *
 * The pages depend on this file and on web_page.c; the router
 * (web_http.c) depends on the pages; nothing here calls back into either.
 */
#include <string.h>

#include "msg.h"
#include "web.h"
#include "web_page.h"

static pthread_mutex_t web_db_lock = PTHREAD_MUTEX_INITIALIZER;

const char *web_arg(WEB_REQ *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *web_field(WEB_REQ *r, const char *name)
{
    for (int i = 0; i < r->fname.n; i++)
        if (strcmp(r->fname.v[i], name) == 0)
            return r->fval.v[i];
    return 0;
}

void web_header(WEB_REQ *r, const char *name, const char *value)
{
    strlist_add(&r->hname, name);
    strlist_add(&r->hval, value);
}

void web_redirect(WEB_REQ *r, const char *to)
{
    r->status = MHD_HTTP_SEE_OTHER;
    web_header(r, "Location", to);
    vstr_reset(r->body);
    r->ctype = "text/plain; charset=utf-8";
}

void web_message_page(WEB_REQ *r, int status, const char *title, const char *s)
{
    WEB_PAGE *p = page_new(r, title);

    el(p->main, "p", s);
    page_send(r, p, status);
}

void web_not_found(WEB_REQ *r)
{
    web_message_page(r, MHD_HTTP_NOT_FOUND, "Not found",
                     "There is no such page or message.");
}

void web_json(WEB_REQ *r, int status, VSTR *json)
{
    vstr_reset(r->body);
    vstr_add(r->body, json->s, json->len);
    vstr_free(json);
    r->status = status;
    r->ctype = "application/json";
}

int web_is_admin(const WEB_REQ *r)
{
    return r->has_acc && r->acc.role == ACCESS_ADMIN;
}

int web_sees_all(const WEB_REQ *r)
{
    return r->has_acc && access_sees_all(&r->acc);
}

ADB    *web_db_take(char *err, size_t errlen)
{
    int     dberr = 0;
    ADB    *db;

    pthread_mutex_lock(&web_db_lock);
    if ((db = adb_open(web_config(), ADB_READ_SHARED, &dberr, err, errlen)) == 0)
        pthread_mutex_unlock(&web_db_lock);
    return db;
}

ADB    *web_db_open(WEB_REQ *r)
{
    char    err[1024];
    ADB    *db;

    if ((db = web_db_take(err, sizeof(err))) == 0) {
        msg_warn("the archive is unavailable: %s", err);
        if (strncmp(r->url, "/api/", 5) == 0) {
            VSTR   *j = vstr_alloc(64);

            vstr_addstr(j, "{\"error\":\"the archive is unavailable\"}");
            web_json(r, MHD_HTTP_SERVICE_UNAVAILABLE, j);
        } else {
            web_message_page(r, MHD_HTTP_SERVICE_UNAVAILABLE, "Archive unavailable",
                             "The archive database cannot be opened right now. "
                             "Is mailarcd running?");
        }
    }
    return db;
}

void web_db_close(ADB *db)
{
    adb_close(db);
    pthread_mutex_unlock(&web_db_lock);
}
