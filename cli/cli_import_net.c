/*
 * cli_import_net.c - "mailarc import" from a mail server, read-only:
 *
 *   imaps://USER@HOST[:PORT][/FOLDER]   (imap://: STARTTLS)
 *   pop3s://USER@HOST[:PORT]            (pop3://: STLS)
 *
 * IMAP: every folder (LIST, without \Noselect) unless one is named, each
 * opened with EXAMINE and read with UID FETCH (UID BODY.PEEK[]), so no flag
 * changes; POP3: UIDL and RETR, and QUIT without a DELE.  TLS is always
 * used and the server's certificate checked (against --ca-file if given).
 * The password comes from --password-file or $MAILARC_PASSWORD.  Each
 * message is an item "URL/FOLDER;UID=N" or "URL;UIDL=X".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "imapc.h"
#include "mymalloc.h"
#include "pop3c.h"
#include "strlist.h"
#include "tlsclient.h"
#include "cli_import.h"

#define NET_TIMEOUT 120

typedef struct net_url {
    int     pop3, implicit;
    char    user[256], host[256], port[8], folder[512];
} NET_URL;

static void url_decode(const char *s, size_t n, char *out, size_t outlen)
{
    size_t  o = 0;

    for (size_t i = 0; i < n && o + 1 < outlen; i++) {
        if (s[i] == '%' && i + 2 < n) {
            char    hex[3] = {s[i + 1], s[i + 2], 0};

            out[o++] = (char) strtol(hex, 0, 16);
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = 0;
}

int import_is_url(const char *s)
{
    return strncmp(s, "imap://", 7) == 0 || strncmp(s, "imaps://", 8) == 0
        || strncmp(s, "pop3://", 7) == 0 || strncmp(s, "pop3s://", 8) == 0;
}

static int url_parse(const char *s, NET_URL *u)
{
    const char *p = strstr(s, "://") + 3, *at = strchr(p, '@'), *slash, *colon;

    memset(u, 0, sizeof(*u));
    u->pop3 = s[0] == 'p';
    u->implicit = p[-4] == 's';
    if (at == 0 || at == p)
        return -1;
    url_decode(p, (size_t) (at - p), u->user, sizeof(u->user));
    p = at + 1;
    slash = strchr(p, '/');
    colon = memchr(p, ':', slash ? (size_t) (slash - p) : strlen(p));
    if ((colon ? colon : slash ? slash : p + strlen(p)) == p)
        return -1;
    snprintf(u->host, sizeof(u->host), "%.*s",
             (int) ((colon ? colon : slash ? slash : p + strlen(p)) - p), p);
    if (colon)
        snprintf(u->port, sizeof(u->port), "%.*s",
                 (int) ((slash ? slash : colon + strlen(colon)) - colon - 1), colon + 1);
    else
        snprintf(u->port, sizeof(u->port), "%d",
                 u->pop3 ? (u->implicit ? 995 : 110) : (u->implicit ? 993 : 143));
    if (slash && slash[1])
        url_decode(slash + 1, strlen(slash + 1), u->folder, sizeof(u->folder));
    return atoi(u->port) > 0 ? 0 : -1;
}

typedef struct net {
    NETIO  *nio;
    TLSC    tls;
    int     fd;
} NET;

static int net_open(NET *n, const NET_URL *u, const char *ca_file, char *err, size_t errlen)
{
    memset(n, 0, sizeof(*n));
    if ((n->fd = tlsc_connect("server", u->host, u->port, 30, err, errlen)) < 0)
        return -1;
    n->nio = netio_create(n->fd, NET_TIMEOUT);
    if (u->implicit)
        return tlsc_start(&n->tls, n->nio, u->host, 1, ca_file, err, errlen);
    return 0;
}

static void net_close(NET *n)
{
    tlsc_free(&n->tls);
    if (n->nio)
        netio_free(n->nio);
    if (n->fd > 0)
        close(n->fd);
}

/* A LIST response's mailbox name, unless it cannot be selected. */
static void on_list(IMAPC_SESS *s, void *ctx)
{
    STRLIST *folders = ctx;
    const char *t = s->r.text->s, *name;
    VSTR   *v;

    if (strncasecmp(t, "LIST (", 6) != 0 || strcasestr(t, "\\Noselect"))
        return;
    if ((t = strchr(t, ')')) == 0)
        return;
    t++;
    while (*t == ' ')
        t++;
    /* The delimiter: NIL or a quoted character. */
    if (*t == '"')
        t = strchr(t + 1, '"') ? strchr(t + 1, '"') + 1 : t + strlen(t);
    else
        while (*t && *t != ' ')
            t++;
    while (*t == ' ')
        t++;
    v = vstr_alloc(64);
    name = t;
    if (name[0] == '{' && name[1] == '#') {
        int     k = atoi(name + 2);

        if (k >= 0 && k < s->r.nlit)
            vstr_set(v, s->r.lit[k]->s);
    } else if (*name == '"') {
        for (name++; *name && *name != '"'; name++) {
            if (*name == '\\' && name[1])
                name++;
            vstr_addch(v, *name);
        }
    } else {
        vstr_set(v, name);
    }
    if (v->len)
        strlist_add(folders, v->s);
    vstr_free(v);
}

static int import_imap(IMPORT_CTX *ic, const char *src, const NET_URL *u, const char *password,
                       const char *ca_file, size_t max)
{
    NET     n;
    IMAPC_SESS s;
    STRLIST folders = {0};
    VSTR   *q = vstr_alloc(128), *where = vstr_alloc(256);
    VSTR   *body = vstr_alloc(65536);
    char    err[512];
    int     ret = 0;
    TLSC_PEER peer = {u->host, 1, ca_file};

    if (net_open(&n, u, ca_file, err, sizeof(err)) < 0)
        goto refused;
    imapc_sess_init(&s, n.nio, max);
    if (imapc_start(&s, &n.tls, u->implicit ? 0 : &peer, u->user, password, err,
                    sizeof(err)) < 0) {
        imapc_sess_free(&s);
        net_close(&n);
        goto refused;
    }
    if (*u->folder)
        strlist_add(&folders, u->folder);
    else if (imapc_wait(&s, imapc_send(&s, "LIST \"\" \"*\""), "LIST", on_list, &folders, err,
                        sizeof(err)) < 0) {
        imapc_sess_free(&s);
        net_close(&n);
        goto refused;
    }
    for (int f = 0; f < folders.n && ret == 0 && !import_stopped(); f++) {
        unsigned long *uids = 0;
        int     nuids = 0;

        vstr_reset(q);
        imapc_quote(q, folders.v[f]);
        if (imapc_wait(&s, imapc_send(&s, "EXAMINE %s", q->s), "EXAMINE", 0, 0, err,
                       sizeof(err)) < 0
            || imapc_uid_search(&s, "ALL", &uids, &nuids, err, sizeof(err)) < 0) {
            vstr_sprintf(where, "%s/%s", src, folders.v[f]);
            ret = import_item(ic, where->s, 0, err, "", 0);
            myfree(uids);
            continue;
        }
        for (int i = 0; i < nuids && ret == 0 && !import_stopped(); i++) {
            int     got;

            vstr_sprintf(where, "%s/%s;UID=%lu", src, folders.v[f], uids[i]);
            if ((got = imapc_fetch_uid(&s, uids[i], body, err, sizeof(err))) < 0) {
                ret = import_item(ic, where->s, 0, err, "", 0);
                break;                  /* the session is gone */
            }
            if (got == 2)
                ret = import_item(ic, where->s, 0, "over message_size_limit", "", 0);
            else if (got == 1)
                ret = import_item(ic, where->s, body, 0, "", body->len);
        }
        myfree(uids);
    }
    imapc_wait(&s, imapc_send(&s, "LOGOUT"), "LOGOUT", 0, 0, err, sizeof(err));
    imapc_sess_free(&s);
    net_close(&n);
    goto out;
refused:
    ret = import_item(ic, src, 0, err, "", 0);
out:
    strlist_free(&folders);
    vstr_free(q);
    vstr_free(where);
    vstr_free(body);
    return ret;
}

static int import_pop3(IMPORT_CTX *ic, const char *src, const NET_URL *u, const char *password,
                       const char *ca_file, size_t max)
{
    NET     n;
    VSTR   *line = vstr_alloc(256), *msg = vstr_alloc(65536), *cmd = vstr_alloc(128);
    VSTR   *where = vstr_alloc(256);
    STRLIST ids = {0};
    char    err[512];
    int     ret = 0, big;
    TLSC_PEER peer = {u->host, 1, ca_file};

    if (net_open(&n, u, ca_file, err, sizeof(err)) < 0) {
        ret = import_item(ic, src, 0, err, "", 0);
        goto out;
    }
    if (pop3c_start(n.nio, &n.tls, u->implicit ? 0 : &peer, u->user, password, err,
                    sizeof(err)) < 0
        || pop3c_cmd(n.nio, line, "UIDL", "UIDL", err, sizeof(err)) < 0
        || pop3c_multiline(n.nio, msg, 64 * 1024 * 1024, &big, err, sizeof(err)) < 0) {
        ret = import_item(ic, src, 0, err, "", 0);
        net_close(&n);
        goto out;
    }
    pop3c_uidl(msg, &ids);
    for (int i = 0; i < ids.n && ret == 0 && !import_stopped(); i++) {
        vstr_sprintf(where, "%s;UIDL=%s", src, ids.v[i]);
        vstr_sprintf(cmd, "RETR %d", i + 1);
        if (pop3c_cmd(n.nio, line, "RETR", cmd->s, err, sizeof(err)) < 0
            || pop3c_multiline(n.nio, msg, max, &big, err, sizeof(err)) < 0) {
            ret = import_item(ic, where->s, 0, err, "", 0);
            break;
        }
        ret = big ? import_item(ic, where->s, 0, "over message_size_limit", "", 0)
            : import_item(ic, where->s, msg, 0, "", msg->len);
    }
    /* QUIT without a DELE: the mailbox stays as it was. */
    pop3c_cmd(n.nio, line, "QUIT", "QUIT", err, sizeof(err));
    net_close(&n);
out:
    strlist_free(&ids);
    vstr_free(line);
    vstr_free(msg);
    vstr_free(cmd);
    vstr_free(where);
    return ret;
}

int import_net(IMPORT_CTX *ic, const char *source, const char *password, const char *ca_file,
               size_t max)
{
    NET_URL u;
    VSTR   *shown = vstr_alloc(256);
    int     ret;

    if (url_parse(source, &u) < 0) {
        vstr_free(shown);
        return import_item(ic, source, 0, "not a server address: expected "
                           "imaps://USER@HOST[:PORT][/FOLDER] or pop3s://USER@HOST[:PORT]", "", 0);
    }
    /* Locations name the server without the folder part of the URL. */
    vstr_sprintf(shown, "%s://%s@%s:%s", u.pop3 ? (u.implicit ? "pop3s" : "pop3")
                 : (u.implicit ? "imaps" : "imap"), u.user, u.host, u.port);
    if (password == 0) {
        ret = import_item(ic, shown->s, 0, "no password: give --password-file FILE or set "
                          "MAILARC_PASSWORD", "", 0);
    } else if (u.pop3) {
        ret = import_pop3(ic, shown->s, &u, password, ca_file, max);
    } else {
        ret = import_imap(ic, shown->s, &u, password, ca_file, max);
    }
    vstr_free(shown);
    return ret;
}
