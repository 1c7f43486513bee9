/*
 * web_http.c - requests: reading forms, sessions, the CSRF and Origin
 * checks, routing to the pages, and the answer with its security headers.
 *
 * Routes (DESIGN.md "Web panel"): without a session every route but
 * /login and /static/ answers 303 to /login (401 for /api/).  Every POST
 * needs the session's CSRF token in the form field "csrf" and, when the
 * browser sends Origin, the panel's own origin; otherwise 403.
 */
#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "msg.h"
#include "mymalloc.h"
#include "web.h"
#include "web_http.h"
#include "web_page.h"
#include "web_pages.h"

static const char web_csp[] =
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

/* ---- form fields -------------------------------------------------------- */

static enum MHD_Result web_form_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *filename, const char *ctype,
                                      const char *enc, const char *data, uint64_t off,
                                      size_t size)
{
    WEB_REQ *r = cls;

    (void) kind;
    (void) filename;
    (void) ctype;
    (void) enc;
    if (data && size && memchr(data, 0, size))
        r->has_nul = 1;                 /* refused whole: never cut short */
    if (off > 0 && r->fname.n && strcmp(r->fname.v[r->fname.n - 1], key) == 0) {
        VSTR   *v = vstr_alloc(size + 256);
        char   *old = r->fval.v[r->fval.n - 1];

        vstr_addstr(v, old);
        vstr_add(v, data, size);
        myfree(old);
        r->fval.v[r->fval.n - 1] = vstr_export(v);
        return MHD_YES;
    }
    if (r->fname.n >= 1000)
        return MHD_NO;
    strlist_add(&r->fname, key);
    {
        char   *v = mystrndup(data ? data : "", size);

        strlist_add(&r->fval, v);
        myfree(v);
    }
    return MHD_YES;
}

/* ---- checks -------------------------------------------------------------- */

/* The form's CSRF token is the session's, and Origin (when sent) is ours. */
static int web_csrf_ok(WEB_REQ *r)
{
    const char *tok = web_field(r, "csrf");
    const char *origin = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Origin");
    const char *host = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Host");

    if (!r->has_sess || tok == 0 || strlen(tok) != WEB_TOKEN_HEX
        || CRYPTO_memcmp(tok, r->sess.csrf, WEB_TOKEN_HEX) != 0)
        return 0;
    if (origin) {
        VSTR   *want = vstr_alloc(128);
        int     ok;

        vstr_sprintf(want, "%s://%s", web_tls ? "https" : "http", host ? host : "");
        ok = host && strcasecmp(origin, want->s) == 0;
        vstr_free(want);
        return ok;
    }
    return 1;
}

static void web_client(WEB_REQ *r)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : 0;

    snprintf(r->client, sizeof(r->client), "unknown");
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *) (const void *) sa)->sin_addr,
                  r->client, sizeof(r->client));
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *) (const void *) sa)->sin6_addr,
                  r->client, sizeof(r->client));
}

/* ---- routing -------------------------------------------------------------- */

static int web_get(const WEB_REQ *r)
{
    return strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
}

static enum MHD_Result web_arg_nul(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
    WEB_REQ *r = cls;

    (void) kind;
    if (memchr(key, 0, key_size) || (value && memchr(value, 0, value_size)))
        r->has_nul = 1;
    return MHD_YES;
}

static void web_route(WEB_REQ *r)
{
    const char *u = r->url;
    int     get = web_get(r);
    const char *cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, WEB_COOKIE);
    char    err[512];

    if (!get && !r->post) {
        web_message_page(r, MHD_HTTP_METHOD_NOT_ALLOWED, "Not allowed",
                         "This method is not used here.");
        web_header(r, "Allow", "GET, HEAD, POST");
        return;
    }
    if (!web_host_ok(MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Host"))) {
        web_message_page(r, 421, "Unknown host name",
                         "This panel does not answer to that host name (see web_hostnames).");
        return;
    }
    MHD_get_connection_values_n(r->conn, MHD_GET_ARGUMENT_KIND, web_arg_nul, r);
    if (r->has_nul) {
        web_message_page(r, MHD_HTTP_BAD_REQUEST, "Bad request",
                         "A form field or query argument holds a NUL byte; nothing was done.");
        return;
    }
    if (strncmp(u, "/static/", 8) == 0 && get) {
        web_static(r, u + 8);
        return;
    }
    if (strcmp(u, "/favicon.ico") == 0) {
        /* browsers ask on their own, in parallel with the login page: a
         * redirect to /login here would start a second session there */
        web_static(r, "favicon.ico");
        return;
    }
    r->has_sess = web_session_get(cookie, &r->sess) == 0;
    if (r->too_large) {
        web_message_page(r, MHD_HTTP_CONTENT_TOO_LARGE, "Too large",
                         "The form sent is larger than the panel accepts.");
        return;
    }
    if (r->post && !web_csrf_ok(r)) {
        web_audit(r->client, r->has_sess ? r->sess.login : "", "csrf", "refused", u);
        web_message_page(r, MHD_HTTP_FORBIDDEN, "Forbidden",
                         "The form was not sent from this panel's own page (CSRF token or "
                         "Origin missing or wrong). Reload the page and try again.");
        return;
    }
    if (strcmp(u, "/login") == 0) {
        if (get)
            web_login_get(r);
        else
            web_login_post(r);
        return;
    }
    if (!r->has_sess || *r->sess.login == 0) {
        if (strncmp(u, "/api/", 5) == 0) {
            VSTR   *j = vstr_alloc(64);

            vstr_addstr(j, "{\"error\":\"log in first\"}");
            web_json(r, MHD_HTTP_UNAUTHORIZED, j);
        } else {
            web_redirect(r, "/login");
        }
        return;
    }
    if (access_load(web_config(), r->sess.login, &r->acc, err, sizeof(err)) < 0) {
        msg_warn("%s", err);
        web_message_page(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "Configuration error",
                         "Your addresses cannot be read; the administrator has been told.");
        return;
    }
    r->has_acc = 1;
    r->sess.role = r->acc.role;
    if (strcmp(u, "/logout") == 0 && r->post)
        web_logout(r);
    else if (strcmp(u, "/") == 0 && get)
        web_dashboard(r);
    else if (strcmp(u, "/search") == 0 && get)
        web_search_page(r);
    else if (strcmp(u, "/api/search") == 0 && get)
        web_api_search(r);
    else if (strncmp(u, "/message/", 9) == 0 && get) {
        size_t  n = strlen(u + 9);

        if (n > 4 && strcmp(u + 9 + n - 4, ".eml") == 0) {
            char   *id = mystrndup(u + 9, n - 4);

            web_download(r, id);
            myfree(id);
        } else {
            web_message(r, u + 9);
        }
    } else if (strcmp(u, "/restore") == 0 && r->post)
        web_restore(r);
    else if (strcmp(u, "/admin/daemon") == 0)
        get ? web_daemon_get(r) : web_daemon_post(r);
    else if (strcmp(u, "/admin/audit") == 0 && get)
        web_audit_page(r);
    else if (strcmp(u, "/export") == 0)
        web_export(r);
    else if (strcmp(u, "/admin/holds") == 0)
        get ? web_holds_get(r) : web_holds_post(r);
    else if (strcmp(u, "/admin/deletions") == 0)
        get ? web_deletions_get(r) : web_deletions_post(r);
    else if (strcmp(u, "/burner") == 0)
        get ? web_burner_page(r) : web_burner_post(r);
    else if (strncmp(u, "/burner/job/", 12) == 0 && get)
        web_burner_job(r, u + 12);
    else if (strncmp(u, "/burner/media/", 14) == 0 && get)
        web_burner_file(r, "media", u + 14);
    else if (strncmp(u, "/burner/archives/", 17) == 0 && get)
        web_burner_file(r, "archives", u + 17);
    else
        web_not_found(r);
}

static void web_respond(WEB_REQ *r)
{
    struct MHD_Response *resp;

    if (r->file_fd >= 0) {
        /* libmicrohttpd owns the fd from here and streams it. */
        resp = MHD_create_response_from_fd64(r->file_size, r->file_fd);
        r->file_fd = -1;
    } else if (r->reader) {
        /* And here the reader's state, freed with reader_free. */
        resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, r->reader,
                                                 r->reader_cls, r->reader_free);
        r->reader = 0;
    } else {
        resp = MHD_create_response_from_buffer(r->body->len, r->body->s, MHD_RESPMEM_MUST_COPY);
    }

    MHD_add_response_header(resp, "Content-Type", r->ctype);
    MHD_add_response_header(resp, "Content-Security-Policy", web_csp);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    /* same-origin, not no-referrer: under no-referrer browsers send
     * "Origin: null" with the panel's own forms */
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    if (strncmp(r->url, "/static/", 8) != 0)
        MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (web_tls)
        MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
    for (int i = 0; i < r->hname.n; i++)
        MHD_add_response_header(resp, r->hname.v[i], r->hval.v[i]);
    MHD_queue_response(r->conn, (unsigned) r->status, resp);
    MHD_destroy_response(resp);
}

enum MHD_Result web_handle(void *cls, struct MHD_Connection *conn, const char *url,
                           const char *method, const char *version, const char *upload,
                           size_t *upload_size, void **ctx)
{
    WEB_REQ *r = *ctx;

    (void) cls;
    (void) version;
    if (r == 0) {
        r = mycalloc(1, sizeof(*r));
        r->conn = conn;
        r->url = url;
        r->method = method;
        r->post = strcmp(method, "POST") == 0;
        r->body = vstr_alloc(4096);
        r->file_fd = -1;
        r->status = MHD_HTTP_OK;
        r->ctype = "text/html; charset=utf-8";
        strlist_init(&r->fname);
        strlist_init(&r->fval);
        strlist_init(&r->hname);
        strlist_init(&r->hval);
        web_client(r);
        if (r->post)
            r->pp = MHD_create_post_processor(conn, 16384, web_form_field, r);
        *ctx = r;
        return MHD_YES;
    }
    if (*upload_size) {
        r->body_len += *upload_size;
        if (r->body_len > WEB_BODY_MAX)
            r->too_large = 1;
        else if (r->pp && MHD_post_process(r->pp, upload, *upload_size) != MHD_YES)
            r->too_large = r->fname.n >= 1000;
        *upload_size = 0;
        return MHD_YES;
    }
    web_conn_reading(conn, 0);          /* read in full: the deadline is met */
    web_route(r);
    web_respond(r);
    return MHD_YES;
}

void web_done(void *cls, struct MHD_Connection *conn, void **ctx,
              enum MHD_RequestTerminationCode toe)
{
    WEB_REQ *r = *ctx;

    (void) cls;
    (void) toe;
    web_conn_reading(conn, 1);          /* the next request's clock */
    if (r == 0)
        return;
    if (r->pp)
        MHD_destroy_post_processor(r->pp);
    if (r->reader && r->reader_free)        /* never handed to a response */
        r->reader_free(r->reader_cls);
    if (r->file_fd >= 0)
        close(r->file_fd);
    for (int i = 0; i < r->fval.n; i++)
        explicit_bzero(r->fval.v[i], strlen(r->fval.v[i]));
    strlist_free(&r->fname);
    strlist_free(&r->fval);
    strlist_free(&r->hname);
    strlist_free(&r->hval);
    if (r->has_acc)
        access_free(&r->acc);
    vstr_free(r->body);
    myfree(r);
    *ctx = 0;
}
