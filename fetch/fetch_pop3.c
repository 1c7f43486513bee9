/*
 * fetch_pop3.c - one POP3 cycle of a journal account (RFC 1939, STLS of
 * RFC 2595; see fetch.h).
 *
 * USER and PASS, UIDL, then per message RETR (dot-stuffing undone) and the
 * durable store, then DELE (delete = expunge) or remembering its UIDL
 * (delete = none).  Deletions happen only at QUIT, after every message they
 * name was stored: a cycle that fails on the way leaves without QUIT, and
 * the server deletes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "mymalloc.h"
#include "fetch.h"

#define POP3_LINE 4096

/* One command and its status line; 0 on +OK, -1 (err) otherwise. */
static int pop3_cmd(FETCH_ACCT *a, VSTR *line, const char *what, const char *cmd, char *err,
                    size_t errlen)
{
    int     rc;

    if (cmd && (netio_printf(a->nio, "%s\r\n", cmd) != NETIO_OK
                || netio_flush(a->nio) != NETIO_OK)) {
        snprintf(err, errlen, "%s: the connection failed", what);
        return -1;
    }
    if ((rc = netio_getline(a->nio, line, POP3_LINE)) != NETIO_OK) {
        snprintf(err, errlen, "%s: the connection ended or timed out", what);
        return -1;
    }
    if (strncmp(line->s, "+OK", 3) != 0) {
        snprintf(err, errlen, "%s: %.200s", what, line->s);
        return -1;
    }
    return 0;
}

/* A multi-line answer up to ".", dot-stuffing undone, lines ended by
 * CRLF; over max it is read to its end and *too_big set. */
static int pop3_multiline(FETCH_ACCT *a, VSTR *out, size_t max, int *too_big, char *err,
                          size_t errlen)
{
    VSTR   *line = vstr_alloc(1024);
    int     rc;

    vstr_reset(out);
    *too_big = 0;
    for (;;) {
        if ((rc = netio_getline(a->nio, line, max + 3)) != NETIO_OK) {
            snprintf(err, errlen, "the connection ended inside a message");
            vstr_free(line);
            return -1;
        }
        if (line->len == 1 && line->s[0] == '.')
            break;
        if (*too_big)
            continue;
        if (out->len + line->len + 2 > max) {
            *too_big = 1;
            vstr_reset(out);
            continue;
        }
        vstr_add(out, line->s + (line->s[0] == '.'), line->len - (line->s[0] == '.'));
        vstr_add(out, "\r\n", 2);
    }
    vstr_free(line);
    return 0;
}

int fetch_pop3_cycle(FETCH_ACCT *a, int *more, char *err, size_t errlen)
{
    VSTR   *line = vstr_alloc(256), *msg = vstr_alloc(65536), *cmd = vstr_alloc(128);
    STRLIST uidl = {0};
    int     keep = strcmp(a->j->delete_mode, "none") == 0;
    int     stored = 0, rc = -1, too_big;
    size_t  max = (size_t) a->cfg->message_size_limit;

    *more = 0;
    if (fetch_connect(a, err, errlen) < 0 || pop3_cmd(a, line, "greeting", 0, err, errlen) < 0)
        goto out;
    if (strcmp(a->j->tls, "starttls") == 0
        && (pop3_cmd(a, line, "STLS", "STLS", err, errlen) < 0
            || fetch_starttls(a, err, errlen) < 0))
        goto out;
    vstr_sprintf(cmd, "USER %s", a->j->user);
    if (pop3_cmd(a, line, "login", cmd->s, err, errlen) < 0)
        goto out;
    vstr_sprintf(cmd, "PASS %s", a->password);
    if (pop3_cmd(a, line, "login", cmd->s, err, errlen) < 0)
        goto out;
    /* UIDL: "n uid" per message; the number is the index into uidl. */
    if (pop3_cmd(a, line, "UIDL", "UIDL", err, errlen) < 0
        || pop3_multiline(a, msg, 64 * 1024 * 1024, &too_big, err, errlen) < 0)
        goto out;
    for (char *p = msg->s, *nl; p && *p; p = nl) {
        long    num;
        char    id[128];

        if ((nl = strstr(p, "\r\n")) != 0)
            *nl = 0, nl += 2;
        if (sscanf(p, "%ld %127s", &num, id) == 2 && num == uidl.n + 1)
            strlist_add(&uidl, id);
    }
    for (int i = 0; i < uidl.n && !fetch_stop; i++) {
        char    id[160];

        if (keep && strlist_find(&a->seen, uidl.v[i]) >= 0)
            continue;
        if (stored == a->j->batch) {
            *more = 1;
            break;
        }
        vstr_sprintf(cmd, "RETR %d", i + 1);
        if (pop3_cmd(a, line, "RETR", cmd->s, err, errlen) < 0
            || pop3_multiline(a, msg, max, &too_big, err, errlen) < 0)
            goto out;                   /* no QUIT: nothing is deleted */
        if (too_big) {
            msg_warn("[journal %s] message %s is larger than message_size_limit; left in the "
                     "mailbox", a->j->name, uidl.v[i]);
            continue;
        }
        snprintf(id, sizeof(id), "uidl:%s", uidl.v[i]);
        if (fetch_store(a, msg->s, msg->len, id, err, errlen) < 0)
            goto out;
        stored++;
        if (keep) {
            strlist_add(&a->seen, uidl.v[i]);
        } else {
            vstr_sprintf(cmd, "DELE %d", i + 1);
            if (pop3_cmd(a, line, "DELE", cmd->s, err, errlen) < 0)
                goto out;
        }
    }
    if (keep && stored && fetch_state_save(a) < 0) {
        snprintf(err, errlen, "cannot save the account's state");
        goto out;
    }
    /* QUIT: the server now deletes what was marked, all of it stored. */
    if (pop3_cmd(a, line, "QUIT", "QUIT", err, errlen) < 0)
        goto out;
    rc = stored;
out:
    strlist_free(&uidl);
    vstr_free(line);
    vstr_free(msg);
    vstr_free(cmd);
    return rc;
}
