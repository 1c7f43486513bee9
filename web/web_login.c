/*
 * web_login.c - GET/POST /login, POST /logout.
 *
 * The login form belongs to an anonymous session whose only use is its
 * CSRF token.  A successful login ends that session and starts a new one
 * with a new id (an id planted before login is worth nothing after it).
 * Failures are throttled per login and per client address (web_session.c)
 * and every attempt is audited.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "web.h"
#include "web_page.h"

static void web_set_cookie(WEB_REQ *r, const char *id)
{
    VSTR   *c = vstr_alloc(160);

    vstr_sprintf(c, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", WEB_COOKIE, id,
                 web_tls ? "; Secure" : "");
    web_header(r, "Set-Cookie", c->s);
    vstr_free(c);
}

static void web_login_form(WEB_REQ *r, int status, const char *problem, const char *login)
{
    WEB_PAGE *p = page_new(r, "Log in");
    xmlNodePtr f, l;

    if (problem)
        elc(p->main, "p", "error", problem);
    f = post_form(p->main, r, "/login");
    attr(f, "class", "login");
    l = el(f, "label", "Login ");
    attr(input(l, "text", "user", login ? login : ""), "autocomplete", "username");
    l = el(f, "label", "Password ");
    attr(input(l, "password", "password", 0), "autocomplete", "current-password");
    input(f, "submit", 0, "Log in");
    page_send(r, p, status);
}

void web_login_get(WEB_REQ *r)
{
    if (r->has_sess && *r->sess.login) {
        web_redirect(r, "/");
        return;
    }
    if (!r->has_sess) {
        web_session_new(0, ACCESS_USER, &r->sess);
        r->has_sess = 1;
        web_set_cookie(r, r->sess.id);
    }
    web_login_form(r, MHD_HTTP_OK, 0, 0);
}

void web_login_post(WEB_REQ *r)
{
    const char *login = web_field(r, "user");
    const char *password = web_field(r, "password");
    char    why[256], err[256];
    long    wait, delay;
    ACCESS  acc;
    int     ok;

    if (login == 0 || password == 0 || *login == 0 || strlen(login) > 100) {
        web_login_form(r, MHD_HTTP_UNAUTHORIZED, "Give a login and a password.", login);
        return;
    }
    if ((wait = web_throttle_reserve(login, r->client)) > 0) {
        char    msg[200];

        snprintf(msg, sizeof(msg), "Too many failed logins. Try again in %ld minute%s.",
                 (wait + 59) / 60, (wait + 59) / 60 == 1 ? "" : "s");
        web_audit(r->client, login, "login", "locked-out", "");
        web_login_form(r, MHD_HTTP_TOO_MANY_REQUESTS, msg, login);
        return;
    }
    ok = web_pam_check(login, password, why, sizeof(why));
    if (ok < 0) {
        msg_warn("login %s: %s", login, why);
        web_audit(r->client, login, "login", "error", why);
        web_login_form(r, MHD_HTTP_SERVICE_UNAVAILABLE,
                       "Logins cannot be checked right now; the administrator has been told.",
                       login);
        return;
    }
    if (!ok) {
        delay = web_throttle_fail(login, r->client);
        web_audit(r->client, login, "login", "failed", why);
        usleep((useconds_t) delay * 1000);
        web_login_form(r, MHD_HTTP_UNAUTHORIZED, "Wrong login or password.", login);
        return;
    }
    if (access_load(web_config(), login, &acc, err, sizeof(err)) < 0) {
        msg_warn("%s", err);
        web_login_form(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                       "Your addresses cannot be read; the administrator has been told.", login);
        return;
    }
    web_throttle_ok(login, r->client);
    web_session_end(r->sess.id);
    web_session_new(login, acc.role, &r->sess);
    access_free(&acc);
    web_set_cookie(r, r->sess.id);
    web_audit(r->client, login, "login", "ok", "");
    web_redirect(r, "/");
}

void web_logout(WEB_REQ *r)
{
    web_audit(r->client, r->sess.login, "logout", "ok", "");
    web_session_end(r->sess.id);
    web_header(r, "Set-Cookie", WEB_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    web_redirect(r, "/login");
}

/* The stylesheet, linked into the binary from web/static/mailarc.css. */
extern const char _binary_web_static_mailarc_css_start[];
extern const char _binary_web_static_mailarc_css_end[];

void web_static(WEB_REQ *r, const char *name)
{
    if (strcmp(name, "mailarc.css") != 0) {
        r->status = MHD_HTTP_NOT_FOUND;
        r->ctype = "text/plain; charset=utf-8";
        vstr_set(r->body, "not found\n");
        return;
    }
    vstr_reset(r->body);
    vstr_add(r->body, _binary_web_static_mailarc_css_start,
             (size_t) (_binary_web_static_mailarc_css_end - _binary_web_static_mailarc_css_start));
    r->ctype = "text/css; charset=utf-8";
    web_header(r, "Cache-Control", "max-age=3600");
}
