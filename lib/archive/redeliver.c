/*
 * redeliver.c - restore archived mail through the relay (see redeliver.h).
 */
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "digest.h"
#include "hdr.h"
#include "mymalloc.h"
#include "redeliver.h"
#include "vstr.h"

void redeliver_original(const MSGREC *r, STRLIST *out)
{
    const STRLIST *lists[3] = {&r->to_addr, &r->cc_addr, &r->bcc_addr};

    strlist_init(out);
    for (int i = 0; i < r->env_rcpt.n; i++)
        strlist_add_unique(out, r->env_rcpt.v[i]);
    if (out->n)
        return;
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < lists[k]->n; i++)
            strlist_add_unique(out, lists[k]->v[i]);
}

int redeliver_addr_ok(const char *s)
{
    const char *at = strrchr(s, '@');
    size_t  n = strlen(s);

    if (n == 0 || n > 254 || at == 0 || at == s || at[1] == 0 || strchr(at + 1, '.') == 0)
        return 0;
    for (const char *p = s; *p; p++)
        if ((unsigned char) *p <= ' ' || (unsigned char) *p >= 0x7f
            || strchr("<>()[]\\,;:\"", *p))
            return 0;
    return 1;
}

void redeliver_relay(const CONFIG *cfg, const char *helo, SMTPC_OPTS *o)
{
    memset(o, 0, sizeof(*o));
    o->relay = cfg->relay_host;
    o->helo = helo;
    o->tls = smtpc_tls_mode(cfg->relay_tls);
    o->auth_user = cfg->relay_auth_user;
    o->auth_password = cfg->relay_auth_password;
    o->timeout = (int) cfg->relay_timeout;
}

void redeliver_origin(const CONFIG *cfg, char *host, size_t hostlen, VSTR *from, char *date,
                      size_t datelen)
{
    time_t  now = time(0);
    struct tm tm;

    redeliver_hostname(cfg, host, hostlen);
    if (*cfg->redeliver_from)
        vstr_set(from, cfg->redeliver_from);
    else
        vstr_sprintf(from, "mailarc@%s", host);
    strftime(date, datelen, "%a, %d %b %Y %H:%M:%S +0000", gmtime_r(&now, &tm));
}

void redeliver_hostname(const CONFIG *cfg, char *buf, size_t len)
{
    if (*cfg->smtp_hostname)
        snprintf(buf, len, "%s", cfg->smtp_hostname);
    else if (gethostname(buf, len) != 0 || *buf == 0)
        snprintf(buf, len, "localhost");
    buf[len - 1] = 0;
}

void redeliver_new_id(const char *host, VSTR *out)
{
    unsigned char rnd[16];
    char    hex[33];

    RAND_bytes(rnd, sizeof(rnd));
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
    vstr_sprintf_append(out, "<%s.%lld@%s>", hex, (long long) time(0), host);
}

/* Which recipients may be named in Resent-To: those the original To/Cc
 * showed. */
static int redeliver_shown(const MSGREC *r, const char *addr)
{
    for (int i = 0; i < r->to_addr.n; i++)
        if (strcasecmp(r->to_addr.v[i], addr) == 0)
            return 1;
    for (int i = 0; i < r->cc_addr.n; i++)
        if (strcasecmp(r->cc_addr.v[i], addr) == 0)
            return 1;
    return 0;
}

/* Where the Message-ID field starts and ends in the header, if any. */
static int redeliver_find_msgid(const char *msg, size_t len, size_t *start, size_t *end)
{
    size_t  hend = hdr_end(msg, len);
    size_t  p = 0;

    while (p < hend) {
        size_t  e = p;

        /* one field: its line and every continuation line */
        do {
            const char *lf = memchr(msg + e, '\n', hend - e);

            e = lf ? (size_t) (lf - msg) + 1 : hend;
        } while (e < hend && (msg[e] == ' ' || msg[e] == '\t'));
        if (e - p > 11 && strncasecmp(msg + p, "Message-ID:", 11) == 0) {
            *start = p;
            *end = e;
            return 1;
        }
        p = e;
    }
    return 0;
}

int redeliver_send(const CONFIG *cfg, const MSGREC *r, const char *msg, size_t len,
                   const STRLIST *rcpts, SMTPC_REPORT *rep, char *err, size_t errlen)
{
    char    host[256], date[64];
    VSTR   *pre = vstr_alloc(512), *body = 0;
    VSTR   *from = vstr_alloc(128);
    SMTPC_OPTS o;
    int     named = 0, rc;
    size_t  ms, me;

    redeliver_origin(cfg, host, sizeof(host), from, date, sizeof(date));
    vstr_sprintf(pre, "Resent-Date: %s\r\nResent-From: %s\r\nResent-To: ", date, from->s);
    for (int i = 0; i < rcpts->n; i++)
        if (redeliver_shown(r, rcpts->v[i]) || rcpts->n == 1)
            vstr_sprintf_append(pre, "%s%s", named++ ? ",\r\n " : "", rcpts->v[i]);
    if (named == 0)
        vstr_addstr(pre, "undisclosed-recipients:;");
    vstr_addstr(pre, "\r\nResent-Message-ID: ");
    redeliver_new_id(host, pre);
    vstr_addstr(pre, "\r\n");
    if (strcmp(cfg->redeliver_message_id, "new") == 0) {
        vstr_addstr(pre, "Message-ID: ");
        redeliver_new_id(host, pre);
        vstr_addstr(pre, "\r\n");
        if (redeliver_find_msgid(msg, len, &ms, &me)) {
            body = vstr_alloc(len + 32);
            vstr_addstr(pre, "X-Original-");
            vstr_add(pre, msg + ms, me - ms);
            vstr_add(body, msg, ms);
            vstr_add(body, msg + me, len - me);
            msg = body->s;
            len = body->len;
        }
    }
    redeliver_relay(cfg, host, &o);
    rc = smtpc_send(&o, from->s, rcpts, pre->s, pre->len, msg, len, rep, err, errlen);
    vstr_free(pre);
    vstr_free(from);
    if (body)
        vstr_free(body);
    return rc;
}
