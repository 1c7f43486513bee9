/*
 * smtpc.c - SMTP client for redelivery (see smtpc.h).
 */
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hostport.h"
#include "mymalloc.h"
#include "netio.h"
#include "smtpc.h"
#include "tlsclient.h"
#include "vstr.h"

#define SMTPC_LINE 4096

typedef struct smtpc {
    NETIO  *nio;
    TLSC    tls;
    VSTR   *reply;                  /* last reply, lines joined by " / " */
    VSTR   *ehlo;                   /* EHLO keywords, one per line, upper case */
    int     code;
} SMTPC;

int smtpc_tls_mode(const char *name)
{
    static const char *names[] = {"none", "may", "encrypt", "verify"};

    for (int i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

static int smtpc_connect(const char *relay, int timeout, char *err, size_t errlen)
{
    char   *host = 0, *port = 0;
    int     fd;

    if (hostport_split(relay, &host, &port) < 0) {
        snprintf(err, errlen, "relay_host \"%s\" is not host:port", relay);
        return -1;
    }
    fd = tlsc_connect("relay", host, port, timeout, err, errlen);
    myfree(host);
    myfree(port);
    return fd;
}

/* Read one reply (all its lines); its code, or -1 on a broken session. */
static int smtpc_reply(SMTPC *c, char *err, size_t errlen)
{
    VSTR   *line = vstr_alloc(256);
    int     first = 1;

    vstr_reset(c->reply);
    for (;;) {
        int     r = netio_getline(c->nio, line, SMTPC_LINE);

        if (r != NETIO_OK) {
            snprintf(err, errlen, "the relay %s", r == NETIO_TIMEOUT ? "did not answer in time"
                     : r == NETIO_EOF ? "closed the connection" : "sent a bad reply");
            vstr_free(line);
            return c->code = -1;
        }
        if (line->len < 3 || line->s[0] < '2' || line->s[0] > '5' || line->s[1] < '0'
            || line->s[1] > '9' || line->s[2] < '0' || line->s[2] > '9'
            || (line->len > 3 && line->s[3] != ' ' && line->s[3] != '-')) {
            snprintf(err, errlen, "the relay sent a line that is not an SMTP reply");
            vstr_free(line);
            return c->code = -1;
        }
        if (!first)
            vstr_addstr(c->reply, " / ");
        vstr_add(c->reply, line->s, line->len);
        first = 0;
        if (line->len == 3 || line->s[3] == ' ')
            break;
    }
    c->code = atoi(c->reply->s);
    vstr_free(line);
    return c->code;
}

static int smtpc_cmd(SMTPC *c, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int smtpc_cmd(SMTPC *c, char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    VSTR   *cmd = vstr_alloc(256);

    va_start(ap, fmt);
    vstr_vsprintf_append(cmd, fmt, ap);
    va_end(ap);
    vstr_addstr(cmd, "\r\n");
    if (netio_write(c->nio, cmd->s, cmd->len) != NETIO_OK || netio_flush(c->nio) != NETIO_OK) {
        snprintf(err, errlen, "cannot write to the relay");
        vstr_free(cmd);
        return c->code = -1;
    }
    vstr_free(cmd);
    return smtpc_reply(c, err, errlen);
}

static int smtpc_has(const SMTPC *c, const char *kw)
{
    size_t  n = strlen(kw);

    for (const char *p = c->ehlo->s; *p;) {
        const char *e = strchr(p, '\n');

        if (strncasecmp(p, kw, n) == 0 && (p[n] == '\n' || p[n] == ' ' || p[n] == 0))
            return 1;
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

/* Does the AUTH keyword (or the old "AUTH=") list mechanism mech? */
static int smtpc_auth_has(const SMTPC *c, const char *mech)
{
    size_t  n = strlen(mech);

    for (const char *p = c->ehlo->s; *p;) {
        const char *e = strchr(p, '\n');
        size_t  len = e ? (size_t) (e - p) : strlen(p);

        if (len > 5 && strncasecmp(p, "AUTH", 4) == 0 && (p[4] == ' ' || p[4] == '='))
            for (const char *w = p + 5; w + n <= p + len; w++)
                if ((w == p + 5 || w[-1] == ' ') && strncasecmp(w, mech, n) == 0
                    && (w + n == p + len || w[n] == ' '))
                    return 1;
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

/* EHLO, keeping the keywords; HELO when EHLO is refused. */
static int smtpc_ehlo(SMTPC *c, const char *helo, char *err, size_t errlen)
{
    vstr_reset(c->ehlo);
    if (smtpc_cmd(c, err, errlen, "EHLO %s", helo) == 250) {
        /* "250-host / 250-PIPELINING / 250 SIZE 100": the keywords follow
         * each " / 250-" or " / 250 ". */
        for (const char *p = strstr(c->reply->s, " / "); p; p = strstr(p + 3, " / ")) {
            const char *kw = p + 7;
            const char *end = strstr(kw, " / ");

            if (strlen(p) < 7)
                break;
            vstr_add(c->ehlo, kw, end ? (size_t) (end - kw) : strlen(kw));
            vstr_addch(c->ehlo, '\n');
        }
        return 0;
    }
    if (c->code < 0)
        return -1;
    if (smtpc_cmd(c, err, errlen, "HELO %s", helo) == 250)
        return 0;
    if (c->code > 0)
        snprintf(err, errlen, "the relay refused HELO: %s", c->reply->s);
    return -1;
}

static int smtpc_starttls(SMTPC *c, const SMTPC_OPTS *o, char *err, size_t errlen)
{
    char   *host = 0, *port = 0;

    if (smtpc_cmd(c, err, errlen, "STARTTLS") != 220) {
        if (c->code > 0)
            snprintf(err, errlen, "the relay refused STARTTLS: %s", c->reply->s);
        return -1;
    }
    hostport_split(o->relay, &host, &port);
    if (tlsc_start(&c->tls, c->nio, host, o->tls == SMTPC_TLS_VERIFY, 0, err, errlen) < 0) {
        char    why[512];

        snprintf(why, sizeof(why), "%s", err);
        snprintf(err, errlen, "relay %s: %s", o->relay, why);
        myfree(host);
        myfree(port);
        return -1;
    }
    myfree(host);
    myfree(port);
    return 0;
}

static void smtpc_base64(const char *p, size_t n, VSTR *out)
{
    vstr_reset(out);
    vstr_reserve(out, 4 * (n / 3 + 1) + 1);
    out->len = (size_t) EVP_EncodeBlock((unsigned char *) out->s, (const unsigned char *) p,
                                        (int) n);
    out->s[out->len] = 0;
}

static int smtpc_loopback(const char *relay)
{
    return strncmp(relay, "127.", 4) == 0 || strncmp(relay, "[::1]", 5) == 0
        || strncmp(relay, "localhost:", 10) == 0;
}

static int smtpc_auth(SMTPC *c, const SMTPC_OPTS *o, char *err, size_t errlen)
{
    VSTR   *raw = vstr_alloc(256), *b64 = vstr_alloc(512);
    int     rc = -1;

    if (c->tls.ssl == 0 && !smtpc_loopback(o->relay)) {
        snprintf(err, errlen, "AUTH is configured but the session to %s is not encrypted",
                 o->relay);
        goto out;
    }
    if (smtpc_auth_has(c, "PLAIN")) {
        vstr_addch(raw, 0);
        vstr_add(raw, o->auth_user, strlen(o->auth_user));
        vstr_addch(raw, 0);
        vstr_add(raw, o->auth_password, strlen(o->auth_password));
        smtpc_base64(raw->s, raw->len, b64);
        rc = smtpc_cmd(c, err, errlen, "AUTH PLAIN %s", b64->s);
    } else if (smtpc_auth_has(c, "LOGIN")) {
        smtpc_base64(o->auth_user, strlen(o->auth_user), b64);
        if (smtpc_cmd(c, err, errlen, "AUTH LOGIN %s", b64->s) == 334) {
            smtpc_base64(o->auth_password, strlen(o->auth_password), b64);
            rc = smtpc_cmd(c, err, errlen, "%s", b64->s);
        } else {
            rc = c->code;
        }
    } else {
        snprintf(err, errlen, "the relay offers neither AUTH PLAIN nor AUTH LOGIN");
        goto out;
    }
    if (rc == 235)
        rc = 0;
    else {
        if (rc > 0)
            snprintf(err, errlen, "the relay refused the login: %s", c->reply->s);
        rc = -1;
    }
out:
    vstr_free(raw);
    vstr_free(b64);
    return rc;
}

/* The message with CRLF line ends (a bare CR or LF becomes CRLF),
 * dot-stuffed, then ".". */
static int smtpc_data(SMTPC *c, const char *prefix, size_t plen, const char *msg, size_t len)
{
    VSTR   *out = vstr_alloc(len + plen + len / 32 + 16);
    const char *parts[2] = {prefix, msg};
    size_t  lens[2] = {prefix ? plen : 0, len};
    int     bol = 1, rc;

    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < lens[k]; i++) {
            char    ch = parts[k][i];

            if (ch == '\r' || ch == '\n') {
                if (ch == '\r' && i + 1 < lens[k] && parts[k][i + 1] == '\n')
                    i++;
                vstr_addstr(out, "\r\n");
                bol = 1;
                continue;
            }
            if (bol && ch == '.')
                vstr_addch(out, '.');
            vstr_addch(out, ch);
            bol = 0;
        }
    if (!bol)
        vstr_addstr(out, "\r\n");
    vstr_addstr(out, ".\r\n");
    rc = netio_write(c->nio, out->s, out->len) == NETIO_OK && netio_flush(c->nio) == NETIO_OK;
    vstr_free(out);
    return rc ? 0 : -1;
}

static void smtpc_close(SMTPC *c)
{
    if (c->tls.ssl)
        SSL_shutdown(c->tls.ssl);
    tlsc_free(&c->tls);
    if (c->nio) {
        close(netio_fd(c->nio));
        netio_free(c->nio);
    }
    vstr_free(c->reply);
    vstr_free(c->ehlo);
}

static void smtpc_note(SMTPC_REPORT *rep, int i, const char *reply)
{
    myfree(rep->reply.v[i]);
    rep->reply.v[i] = mystrdup(reply);
}

static int smtpc_eightbit(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char) p[i] >= 0x80)
            return 1;
    return 0;
}

int smtpc_send(const SMTPC_OPTS *o, const char *from, const STRLIST *rcpts,
               const char *prefix, size_t plen, const char *msg, size_t len,
               SMTPC_REPORT *rep, char *err, size_t errlen)
{
    SMTPC   c = {0};
    int     fd, accepted = 0, rc = -1;

    memset(rep, 0, sizeof(*rep));
    strlist_init(&rep->rcpt);
    strlist_init(&rep->reply);
    rep->ok = mycalloc((size_t) rcpts->n + 1, sizeof(int));
    for (int i = 0; i < rcpts->n; i++) {
        strlist_add(&rep->rcpt, rcpts->v[i]);
        strlist_add(&rep->reply, "not tried: the session failed first");
    }
    if ((fd = smtpc_connect(o->relay, o->timeout, err, errlen)) < 0)
        return -1;
    c.nio = netio_create(fd, o->timeout);
    c.reply = vstr_alloc(256);
    c.ehlo = vstr_alloc(256);
    if (smtpc_reply(&c, err, errlen) != 220) {
        if (c.code > 0)
            snprintf(err, errlen, "the relay refused the session: %s", c.reply->s);
        goto out;
    }
    if (smtpc_ehlo(&c, o->helo, err, errlen) < 0)
        goto out;
    if (o->tls != SMTPC_TLS_NONE && smtpc_has(&c, "STARTTLS")) {
        if (smtpc_starttls(&c, o, err, errlen) < 0 || smtpc_ehlo(&c, o->helo, err, errlen) < 0)
            goto out;
        snprintf(rep->tls, sizeof(rep->tls), "%s", SSL_get_cipher_name(c.tls.ssl));
    } else if (o->tls >= SMTPC_TLS_ENCRYPT) {
        snprintf(err, errlen, "relay_tls requires TLS but the relay does not offer STARTTLS");
        goto out;
    }
    if (o->auth_user && *o->auth_user && smtpc_auth(&c, o, err, errlen) < 0)
        goto out;
    {
        VSTR   *mail = vstr_alloc(256);

        vstr_sprintf(mail, "MAIL FROM:<%s>", from);
        if (smtpc_has(&c, "SIZE"))
            vstr_sprintf_append(mail, " SIZE=%zu", len + plen);
        if (smtpc_has(&c, "8BITMIME") && smtpc_eightbit(msg, len))
            vstr_addstr(mail, " BODY=8BITMIME");
        rc = smtpc_cmd(&c, err, errlen, "%s", mail->s);
        vstr_free(mail);
        if (rc != 250) {
            if (rc > 0)
                snprintf(err, errlen, "the relay refused the sender <%s>: %s", from, c.reply->s);
            rc = -1;
            goto out;
        }
    }
    for (int i = 0; i < rcpts->n; i++) {
        int     r = smtpc_cmd(&c, err, errlen, "RCPT TO:<%s>", rcpts->v[i]);

        if (r < 0) {
            rc = -1;
            goto out;
        }
        smtpc_note(rep, i, c.reply->s);
        if (r == 250 || r == 251) {
            rep->ok[i] = 1;
            accepted++;
        } else {
            rep->refused++;
        }
    }
    if (accepted == 0) {
        snprintf(err, errlen, "the relay refused every recipient");
        rc = -1;
        goto out;
    }
    if (smtpc_cmd(&c, err, errlen, "DATA") != 354
        || smtpc_data(&c, prefix, plen, msg, len) < 0 || smtpc_reply(&c, err, errlen) != 250) {
        if (c.code > 0)
            snprintf(err, errlen, "the relay refused the message: %s", c.reply->s);
        for (int i = 0; i < rcpts->n; i++)
            if (rep->ok[i]) {
                rep->ok[i] = 0;
                rep->refused += c.code > 0;
                smtpc_note(rep, i, c.code > 0 ? c.reply->s : err);
            }
        rc = -1;
        goto out;
    }
    for (int i = 0; i < rcpts->n; i++)
        if (rep->ok[i])
            smtpc_note(rep, i, c.reply->s);
    rep->delivered = accepted;
    rc = accepted;
    smtpc_cmd(&c, err, errlen, "QUIT");
out:
    smtpc_close(&c);
    return rc;
}

void smtpc_report_free(SMTPC_REPORT *rep)
{
    strlist_free(&rep->rcpt);
    strlist_free(&rep->reply);
    myfree(rep->ok);
    rep->ok = 0;
}
