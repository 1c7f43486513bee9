/*
 * fetch_imap.c - one IMAP cycle of a journal account (see fetch.h).
 *
 * LOGIN, SELECT (UIDVALIDITY: when it changes, the folder is read from the
 * start), UID SEARCH, then per message UID FETCH (UID BODY.PEEK[]), which
 * leaves it unseen, and the durable store; after the batch, UID STORE
 * +FLAGS.SILENT (\Deleted) and, every expunge_every cycles, UID EXPUNGE of
 * exactly the UIDs archived (UIDPLUS; plain EXPUNGE without it).  With
 * idle = yes the cycle ends in IDLE until the mailbox changes, the
 * poll_interval passes, or 25 minutes (RFC 2177) have gone by.
 */
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "imapc.h"
#include "mymalloc.h"
#include "msg.h"
#include "fetch.h"

#define IDLE_MAX 1500               /* seconds: re-issue IDLE before servers drop it */

static size_t fetch_max(const FETCH_ACCT *a)
{
    return (size_t) a->cfg->message_size_limit;
}

static void imap_on_select(IMAPC_SESS *s, void *ctx)
{
    unsigned long v = imapc_code_num(&s->r, "UIDVALIDITY");

    if (v)
        *(unsigned long *) ctx = v;
}

static int uid_cmp(const void *x, const void *y)
{
    unsigned long a = *(const unsigned long *) x, b = *(const unsigned long *) y;

    return a < b ? -1 : a > b;
}

/* IDLE until the mailbox changes or the wait is over. */
static int imap_idle(FETCH_ACCT *a, IMAPC_SESS *s, char *err, size_t errlen)
{
    long    wait = a->j->poll_interval < IDLE_MAX ? a->j->poll_interval : IDLE_MAX;
    time_t  until = time(0) + wait;
    unsigned tag = imapc_send(s, "IDLE");
    char    why[256];
    int     changed = 0;

    if (tag == 0 || imapc_read(a->nio, fetch_max(a), &s->r, why, sizeof(why)) != NETIO_OK
        || s->r.kind != IMAPC_CONTINUE) {
        snprintf(err, errlen, "IDLE refused");
        return -1;
    }
    while (!fetch_stop && !changed && time(0) < until) {
        struct pollfd p = {netio_fd(a->nio), POLLIN, 0};

        if (netio_pending(a->nio) == 0 && (a->tls.ssl == 0 || !SSL_pending(a->tls.ssl))
            && poll(&p, 1, 1000) <= 0)
            continue;
        if (imapc_read(a->nio, fetch_max(a), &s->r, why, sizeof(why)) != NETIO_OK) {
            snprintf(err, errlen, "IDLE: %s", why);
            return -1;
        }
        if (s->r.kind == IMAPC_UNTAGGED && strcmp(s->r.status, "BYE") == 0) {
            snprintf(err, errlen, "the server said BYE during IDLE");
            return -1;
        }
        if (s->r.kind == IMAPC_UNTAGGED && strcasestr(s->r.text->s, "EXISTS"))
            changed = 1;
    }
    if (netio_write(a->nio, "DONE\r\n", 6) != NETIO_OK || netio_flush(a->nio) != NETIO_OK)
        return -1;
    return imapc_wait(s, tag, "IDLE", 0, 0, err, errlen);
}

int fetch_imap_cycle(FETCH_ACCT *a, int *more, char *err, size_t errlen)
{
    IMAPC_SESS s;
    VSTR   *cmd = vstr_alloc(256), *set = vstr_alloc(256);
    unsigned long *found = 0;
    int     nfound = 0;
    unsigned long validity = 0;
    unsigned long *stored = 0;
    int     nstored = 0, rc = -1, n;
    char    why[256] = "";
    VSTR   *body = vstr_alloc(65536);

    imapc_sess_init(&s, 0, fetch_max(a));
    *more = 0;
    if (fetch_connect(a, err, errlen) < 0)
        goto out;
    s.nio = a->nio;
    {
        TLSC_PEER peer = {a->j->host, a->j->tls_verify, a->j->tls_ca_file};

        if (imapc_start(&s, &a->tls, strcmp(a->j->tls, "starttls") == 0 ? &peer : 0,
                        a->j->user, a->password, why, sizeof(why)) < 0) {
            snprintf(err, errlen, "%s:%ld: %s", a->j->host, a->j->port, why);
            goto out;
        }
    }
    vstr_reset(cmd);
    imapc_quote(cmd, a->j->folder);
    if (imapc_wait(&s, imapc_send(&s, "SELECT %s", cmd->s), "SELECT", imap_on_select, &validity,
                  err, errlen) < 0)
        goto out;
    if (validity != a->uidvalidity) {
        if (a->uidvalidity)
            msg_warn("[journal %s] UIDVALIDITY of %s changed from %lu to %lu: reading it from "
                     "the start (the archive's dedup absorbs what it has)", a->j->name,
                     a->j->folder, a->uidvalidity, validity);
        a->uidvalidity = validity;
        a->last_uid = 0;
        strlist_free(&a->pending);
        if (fetch_state_save(a) < 0) {
            snprintf(err, errlen, "cannot save the account's state");
            goto out;
        }
    }
    if (strcmp(a->j->delete_mode, "none") == 0)
        vstr_sprintf(cmd, "UID %lu:*%s", a->last_uid + 1, a->j->unread_only ? " UNSEEN" : "");
    else
        vstr_sprintf(cmd, "UNDELETED%s", a->j->unread_only ? " UNSEEN" : "");
    if (imapc_uid_search(&s, cmd->s, &found, &nfound, err, errlen) < 0)
        goto out;
    if (nfound > 1)
        qsort(found, (size_t) nfound, sizeof(unsigned long), uid_cmp);
    stored = mycalloc((size_t) a->j->batch + 1, sizeof(unsigned long));
    for (int i = 0; i < nfound && !fetch_stop; i++) {
        char    id[64];

        if (found[i] <= a->last_uid && strcmp(a->j->delete_mode, "none") == 0)
            continue;                   /* "UID n:*" always names the last one */
        snprintf(id, sizeof(id), "%lu", found[i]);
        if (strlist_find(&a->pending, id) >= 0)
            continue;                   /* archived; its deletion is under way */
        if (nstored == a->j->batch) {
            *more = 1;
            break;
        }
        if ((n = imapc_fetch_uid(&s, found[i], body, err, errlen)) < 0)
            goto finish;
        if (n == 2) {
            msg_warn("[journal %s] UID %lu is larger than message_size_limit; left in the "
                     "mailbox", a->j->name, found[i]);
            continue;
        }
        if (n == 0)
            continue;                   /* expunged meanwhile */
        snprintf(id, sizeof(id), "uid:%lu/%lu", a->uidvalidity, found[i]);
        if (fetch_store(a, body->s, body->len, id, err, errlen) < 0)
            goto finish;
        stored[nstored++] = found[i];
        if (found[i] > a->last_uid)
            a->last_uid = found[i];
    }
    rc = 0;
finish:
    /*
     * What was stored is durable: now, and only now, it may go.  The UIDs
     * are first saved as pending (so a crash after the \Deleted flag
     * cannot strand a flagged message that no later search would find),
     * then flagged, and every expunge_every cycles expunged; pending UIDs
     * are flagged again each time, which costs nothing when they are.
     */
    for (int i = 0; i < nstored && strcmp(a->j->delete_mode, "expunge") == 0; i++) {
        char    u[32];

        snprintf(u, sizeof(u), "%lu", stored[i]);
        strlist_add(&a->pending, u);
    }
    a->cycles++;
    if (fetch_state_save(a) < 0) {
        if (rc == 0) {
            snprintf(err, errlen, "cannot save the account's state");
            rc = -1;
        }
    } else if (a->pending.n > 0 && a->nio) {
        char    e2[256];

        vstr_reset(set);
        for (int i = 0; i < a->pending.n; i++)
            vstr_sprintf_append(set, "%s%s", i ? "," : "", a->pending.v[i]);
        n = imapc_wait(&s, imapc_send(&s, "UID STORE %s +FLAGS.SILENT (\\Deleted)", set->s),
                       "UID STORE", 0, 0, e2, sizeof(e2));
        if (n == 0 && a->cycles % a->j->expunge_every == 0) {
            n = s.uidplus ? imapc_wait(&s, imapc_send(&s, "UID EXPUNGE %s", set->s),
                                       "UID EXPUNGE", 0, 0, e2, sizeof(e2))
                : imapc_wait(&s, imapc_send(&s, "EXPUNGE"), "EXPUNGE", 0, 0, e2, sizeof(e2));
            if (n == 0) {
                strlist_free(&a->pending);
                fetch_state_save(a);
            }
        }
        if (n < 0 && rc == 0) {
            snprintf(err, errlen, "%s", e2);
            rc = -1;
        }
    }
    a->idled = 0;
    if (rc == 0 && a->j->idle && !*more && s.idle && !fetch_stop) {
        rc = imap_idle(a, &s, err, errlen);
        a->idled = rc == 0;
    }
    if (a->nio) {
        char    e2[256];

        imapc_wait(&s, imapc_send(&s, "LOGOUT"), "LOGOUT", 0, 0, e2, sizeof(e2));
    }
    if (rc == 0)
        rc = nstored;
out:
    imapc_sess_free(&s);
    vstr_free(cmd);
    vstr_free(set);
    vstr_free(body);
    myfree(found);
    myfree(stored);
    return rc;
}
