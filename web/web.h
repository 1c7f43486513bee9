/*
 * web.h - mailarc-web: the pieces its files share.
 *
 * One process: the HTTP side (libmicrohttpd, a thread per connection)
 * runs unprivileged; PAM runs in a helper that stays root (web_pam.c).
 * Requests read the archive read-only, one at a time (web_db_lock), and
 * build their pages as libxml2 trees (web_page.c), so every text is
 * escaped by construction.
 */
#ifndef MAILARC_WEB_H
#define MAILARC_WEB_H

#include <microhttpd.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "access.h"
#include "adb.h"
#include "cfg.h"
#include "strlist.h"
#include "vstr.h"

#define WEB_COOKIE "mailarc_session"
#define WEB_TOKEN_HEX 64                /* 256-bit ids and CSRF tokens */
#define WEB_BODY_MAX (256 * 1024)       /* largest form accepted */

/* ---- configuration (web_main.c) ---- */

/* The configuration in force.  A reload (SIGHUP) installs a new one and
 * keeps the old, so a request may go on using the one it started with. */
const CONFIG *web_config(void);
extern int web_tls;                     /* serving HTTPS */

/* ---- sessions and login throttling (web_session.c) ---- */

typedef struct web_sess {
    char    id[WEB_TOKEN_HEX + 1];
    char    csrf[WEB_TOKEN_HEX + 1];
    char    login[128];                 /* "" before login */
    ACCESS_ROLE role;
} WEB_SESS;

void web_session_init(void);
/* A new session (anonymous when login is NULL); a copy in *out. */
void web_session_new(const char *login, ACCESS_ROLE role, WEB_SESS *out);
/* Find a live session by id and touch it; 0 found, -1 none or expired. */
int web_session_get(const char *id, WEB_SESS *out);
void web_session_end(const char *id);
/* Random hex token of WEB_TOKEN_HEX digits. */
void web_token(char out[WEB_TOKEN_HEX + 1]);

/* Seconds until login or client may try again; 0: go on, this attempt is
 * counted as a failure until web_throttle_ok() takes it back.  Addresses in
 * web_lockout_exempt_addresses are never counted nor locked out. */
long web_throttle_reserve(const char *login, const char *client);
/* After a failed check: the delay (ms) to serve before answering. */
long web_throttle_fail(const char *login, const char *client);
void web_throttle_ok(const char *login, const char *client);

/* ---- PAM (web_pam.c) ---- */

/* Start the helper (before privileges are dropped); 0 ok. */
int web_pam_start(const CONFIG *cfg);
/* 1 authenticated and allowed, 0 refused, -1 the helper failed. */
int web_pam_check(const char *login, const char *password, char *why, size_t whylen);

/* ---- audit log (web_audit.c) ---- */

/* Open (before privileges are dropped); 0 ok. */
int web_audit_open(const CONFIG *cfg, char *err, size_t errlen);
/* One line: time, client, login, action, result, detail. */
void web_audit(const char *client, const char *login, const char *action,
               const char *result, const char *detail);
/* The last max lines, newest last. */
/* Up to max whole entries that end at or before byte offset `before` (0:
 * the end), oldest first; returns the offset of the first one, the
 * `before` of the page of older entries (0 when there are none). */
off_t web_audit_read(off_t before, int max, STRLIST *lines);

/* ---- requests: the request, and helpers for answering it (web_req.c) ---- */

typedef struct web_req {
    struct MHD_Connection *conn;
    const char *url;
    const char *method;
    int     post;
    struct MHD_PostProcessor *pp;
    STRLIST fname, fval;                /* form fields, in order */
    size_t  body_len;
    int     too_large;
    int     has_nul;                    /* a form field or argument held a NUL */
    int     has_sess;
    WEB_SESS sess;
    ACCESS  acc;                        /* what the logged-in user may see */
    int     has_acc;
    char    client[64];
    /* the answer */
    int     status;
    const char *ctype;
    VSTR   *body;
    int     file_fd;                    /* >= 0: answer with this file instead */
    uint64_t file_size;
    MHD_ContentReaderCallback reader;   /* set: stream the answer from it */
    MHD_ContentReaderFreeCallback reader_free;
    void   *reader_cls;
    STRLIST hname, hval;                /* extra response headers */
} WEB_REQ;

const char *web_arg(WEB_REQ *r, const char *name);          /* query string */
const char *web_field(WEB_REQ *r, const char *name);        /* first form field */
void web_header(WEB_REQ *r, const char *name, const char *value);
void web_redirect(WEB_REQ *r, const char *to);
/* A plain page with a heading and one message (errors, 404 ...). */
void web_message_page(WEB_REQ *r, int status, const char *title, const char *text);
void web_not_found(WEB_REQ *r);
void web_json(WEB_REQ *r, int status, VSTR *json);          /* takes json */
/* Append s URL-encoded (RFC 3986 unreserved characters kept). */
void web_urlenc(VSTR *out, const char *s);
int web_is_admin(const WEB_REQ *r);
int web_sees_all(const WEB_REQ *r);

/* Request deadline (web_conn.c): the MHD_OPTION_NOTIFY_CONNECTION
 * callback, the watchdog thread, and whether a connection is reading a
 * request (its clock runs) or answering one. */
void web_conn_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                     enum MHD_ConnectionNotificationCode code);
void web_conn_reading(struct MHD_Connection *conn, int reading);
void web_conn_start(void);
void web_conn_stop(void);

/* Is this Host header value one the panel answers to (web_host.c)? */
int web_host_ok(const char *value);

/* The archive, read-only; NULL with a 503 answered.  Pair with web_db_close. */
ADB    *web_db_open(WEB_REQ *r);
/* The same without answering: NULL with err set (a streamed answer). */
ADB    *web_db_take(char *err, size_t errlen);
void web_db_close(ADB *db);

#endif
