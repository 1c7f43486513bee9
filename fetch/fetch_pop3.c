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
#include "pop3c.h"
#include "fetch.h"

int fetch_pop3_cycle(FETCH_ACCT *a, int *more, char *err, size_t errlen)
{
    VSTR   *line = vstr_alloc(256), *msg = vstr_alloc(65536), *cmd = vstr_alloc(128);
    STRLIST uidl = {0};
    int     keep = strcmp(a->j->delete_mode, "none") == 0;
    int     stored = 0, rc = -1, too_big;
    size_t  max = (size_t) a->cfg->message_size_limit;

    *more = 0;
    {
        TLSC_PEER peer = {a->j->host, a->j->tls_verify, a->j->tls_ca_file};

        if (fetch_connect(a, err, errlen) < 0
            || pop3c_start(a->nio, &a->tls, strcmp(a->j->tls, "starttls") == 0 ? &peer : 0,
                           a->j->user, a->password, err, errlen) < 0)
            goto out;
    }
    /* UIDL: "n uid" per message; the number is the index into uidl. */
    if (pop3c_cmd(a->nio, line, "UIDL", "UIDL", err, errlen) < 0
        || pop3c_multiline(a->nio, msg, 64 * 1024 * 1024, &too_big, err, errlen) < 0)
        goto out;
    pop3c_uidl(msg, &uidl);
    for (int i = 0; i < uidl.n && !fetch_stop; i++) {
        char    id[160];

        if (keep && strlist_find(&a->seen, uidl.v[i]) >= 0)
            continue;
        if (stored == a->j->batch) {
            *more = 1;
            break;
        }
        vstr_sprintf(cmd, "RETR %d", i + 1);
        if (pop3c_cmd(a->nio, line, "RETR", cmd->s, err, errlen) < 0
            || pop3c_multiline(a->nio, msg, max, &too_big, err, errlen) < 0)
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
            if (pop3c_cmd(a->nio, line, "DELE", cmd->s, err, errlen) < 0)
                goto out;
        }
    }
    if (keep && stored && fetch_state_save(a) < 0) {
        snprintf(err, errlen, "cannot save the account's state");
        goto out;
    }
    /* QUIT: the server now deletes what was marked, all of it stored. */
    if (pop3c_cmd(a->nio, line, "QUIT", "QUIT", err, errlen) < 0)
        goto out;
    rc = stored;
out:
    strlist_free(&uidl);
    vstr_free(line);
    vstr_free(msg);
    vstr_free(cmd);
    return rc;
}
