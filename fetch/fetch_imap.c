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

typedef struct isess {
    FETCH_ACCT *a;
    IMAPC_RESP r;
    int     uidplus, idle;
    unsigned long exists;
} ISESS;

static size_t fetch_max(const FETCH_ACCT *a)
{
    return (size_t) a->cfg->message_size_limit;
}

/* Send "A<tag> ..." and return the tag; 0 on a write error. */
static unsigned imap_send(ISESS *s, const char *fmt, ...)
{
    VSTR   *cmd = vstr_alloc(256);
    va_list ap;
    unsigned tag = ++s->a->tag;
    int     rc;

    vstr_sprintf(cmd, "A%u ", tag);
    va_start(ap, fmt);
    vstr_vsprintf_append(cmd, fmt, ap);
    va_end(ap);
    vstr_addstr(cmd, "\r\n");
    rc = netio_write(s->a->nio, cmd->s, cmd->len) == NETIO_OK && netio_flush(s->a->nio) == NETIO_OK;
    vstr_free(cmd);
    return rc ? tag : 0;
}

/* Untagged responses seen while waiting for a tagged one. */
typedef void (*UNTAGGED_FN)(ISESS *s, void *ctx);

static void imap_note(ISESS *s)
{
    const char *t = s->r.text->s;
    char   *end;
    unsigned long n = strtoul(t, &end, 10);

    if (end != t && strcasecmp(end, " EXISTS") == 0)
        s->exists = n;
    if (strncasecmp(t, "CAPABILITY ", 11) == 0 || strncmp(t, "[CAPABILITY ", 12) == 0) {
        s->uidplus = strcasestr(t, " UIDPLUS") != 0;
        s->idle = strcasestr(t, " IDLE") != 0;
    }
}

/* Read to the tagged reply of tag; 0 when OK, -1 (err) otherwise. */
static int imap_wait(ISESS *s, unsigned tag, const char *what, UNTAGGED_FN fn, void *ctx,
                     char *err, size_t errlen)
{
    char    why[256];

    if (tag == 0) {
        snprintf(err, errlen, "%s: the connection failed", what);
        return -1;
    }
    for (;;) {
        if (imapc_read(s->a->nio, fetch_max(s->a), &s->r, why, sizeof(why)) != NETIO_OK) {
            snprintf(err, errlen, "%s: %s", what, why);
            return -1;
        }
        if (s->r.kind == IMAPC_TAGGED && s->r.tag == tag)
            break;
        if (s->r.kind == IMAPC_UNTAGGED) {
            if (strcmp(s->r.status, "BYE") == 0) {
                snprintf(err, errlen, "%s: the server said BYE: %.200s", what, s->r.text->s);
                return -1;
            }
            imap_note(s);
            if (fn)
                fn(s, ctx);
        }
    }
    if (strcmp(s->r.status, "OK") != 0) {
        snprintf(err, errlen, "%s: %s %.200s", what, s->r.status, s->r.text->s);
        return -1;
    }
    return 0;
}

static void imap_on_select(ISESS *s, void *ctx)
{
    unsigned long v = imapc_code_num(&s->r, "UIDVALIDITY");

    if (v)
        *(unsigned long *) ctx = v;
}

typedef struct uids {
    unsigned long *v;
    int     n, cap;
} UIDS;

static void imap_on_search(ISESS *s, void *ctx)
{
    UIDS   *u = ctx;
    const char *p = s->r.text->s;

    if (strncasecmp(p, "SEARCH", 6) != 0)
        return;
    for (p += 6;;) {
        char   *end;
        unsigned long v;

        while (*p == ' ')
            p++;
        v = strtoul(p, &end, 10);
        if (end == p)
            break;
        if (u->n == u->cap) {
            u->cap = u->cap ? u->cap * 2 : 1024;
            u->v = myrealloc(u->v, (size_t) u->cap * sizeof(unsigned long));
        }
        u->v[u->n++] = v;
        p = end;
    }
}

static int uid_cmp(const void *x, const void *y)
{
    unsigned long a = *(const unsigned long *) x, b = *(const unsigned long *) y;

    return a < b ? -1 : a > b;
}

typedef struct fetched {
    unsigned long want;
    int     got;
    int     too_big;
    VSTR   *body;
} FETCHED;

static void imap_on_fetch(ISESS *s, void *ctx)
{
    FETCHED *f = ctx;
    VSTR   *scratch = vstr_alloc(64);
    unsigned long uid;
    const VSTR *b = imapc_fetch_body(&s->r, &uid, scratch);

    if (uid == f->want) {
        if (s->r.too_big)
            f->too_big = 1;
        else if (b) {
            vstr_reset(f->body);
            vstr_add(f->body, b->s, b->len);
            f->got = 1;
        }
    }
    vstr_free(scratch);
}

static void uid_set(VSTR *out, const unsigned long *u, int n)
{
    vstr_reset(out);
    for (int i = 0; i < n; i++)
        vstr_sprintf_append(out, "%s%lu", i ? "," : "", u[i]);
}

/* IDLE until the mailbox changes or the wait is over. */
static int imap_idle(ISESS *s, char *err, size_t errlen)
{
    long    wait = s->a->j->poll_interval < IDLE_MAX ? s->a->j->poll_interval : IDLE_MAX;
    time_t  until = time(0) + wait;
    unsigned tag = imap_send(s, "IDLE");
    char    why[256];
    int     changed = 0;

    if (tag == 0 || imapc_read(s->a->nio, fetch_max(s->a), &s->r, why, sizeof(why)) != NETIO_OK
        || s->r.kind != IMAPC_CONTINUE) {
        snprintf(err, errlen, "IDLE refused");
        return -1;
    }
    while (!fetch_stop && !changed && time(0) < until) {
        struct pollfd p = {netio_fd(s->a->nio), POLLIN, 0};

        if (netio_pending(s->a->nio) == 0 && (s->a->tls.ssl == 0 || !SSL_pending(s->a->tls.ssl))
            && poll(&p, 1, 1000) <= 0)
            continue;
        if (imapc_read(s->a->nio, fetch_max(s->a), &s->r, why, sizeof(why)) != NETIO_OK) {
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
    if (netio_write(s->a->nio, "DONE\r\n", 6) != NETIO_OK || netio_flush(s->a->nio) != NETIO_OK)
        return -1;
    return imap_wait(s, tag, "IDLE", 0, 0, err, errlen);
}

int fetch_imap_cycle(FETCH_ACCT *a, int *more, char *err, size_t errlen)
{
    ISESS   s = {a, {0}, 0, 0, 0};
    VSTR   *cmd = vstr_alloc(256), *set = vstr_alloc(256);
    UIDS    found = {0, 0, 0};
    unsigned long validity = 0;
    unsigned long *stored = 0;
    int     nstored = 0, rc = -1, n;
    char    why[256] = "";
    FETCHED f = {0, 0, 0, vstr_alloc(65536)};

    imapc_resp_init(&s.r);
    *more = 0;
    if (fetch_connect(a, err, errlen) < 0)
        goto out;
    if (imapc_read(a->nio, 4096, &s.r, why, sizeof(why)) != NETIO_OK
        || s.r.kind != IMAPC_UNTAGGED || strcmp(s.r.status, "BYE") == 0) {
        snprintf(err, errlen, "no IMAP greeting from %s:%ld: %s", a->j->host, a->j->port,
                 s.r.kind == IMAPC_UNTAGGED && *s.r.status ? s.r.text->s : why);
        goto out;
    }
    if (strcmp(a->j->tls, "starttls") == 0) {
        if (imap_wait(&s, imap_send(&s, "STARTTLS"), "STARTTLS", 0, 0, err, errlen) < 0
            || fetch_starttls(a, err, errlen) < 0)
            goto out;
    }
    if (imap_wait(&s, imap_send(&s, "CAPABILITY"), "CAPABILITY", 0, 0, err, errlen) < 0)
        goto out;
    vstr_reset(cmd);
    vstr_addstr(cmd, "LOGIN ");
    imapc_quote(cmd, a->j->user);
    vstr_addch(cmd, ' ');
    imapc_quote(cmd, a->password);
    if (imap_wait(&s, imap_send(&s, "%s", cmd->s), "login", 0, 0, err, errlen) < 0)
        goto out;
    vstr_reset(cmd);
    imapc_quote(cmd, a->j->folder);
    if (imap_wait(&s, imap_send(&s, "SELECT %s", cmd->s), "SELECT", imap_on_select, &validity,
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
        n = imap_wait(&s, imap_send(&s, "UID SEARCH UID %lu:*%s", a->last_uid + 1,
                                    a->j->unread_only ? " UNSEEN" : ""),
                      "UID SEARCH", imap_on_search, &found, err, errlen);
    else
        n = imap_wait(&s, imap_send(&s, "UID SEARCH UNDELETED%s",
                                    a->j->unread_only ? " UNSEEN" : ""),
                      "UID SEARCH", imap_on_search, &found, err, errlen);
    if (n < 0)
        goto out;
    qsort(found.v, (size_t) found.n, sizeof(unsigned long), uid_cmp);
    stored = mycalloc((size_t) a->j->batch + 1, sizeof(unsigned long));
    for (int i = 0; i < found.n && !fetch_stop; i++) {
        char    id[64];

        if (found.v[i] <= a->last_uid && strcmp(a->j->delete_mode, "none") == 0)
            continue;                   /* "UID n:*" always names the last one */
        if (nstored == a->j->batch) {
            *more = 1;
            break;
        }
        f.want = found.v[i];
        f.got = f.too_big = 0;
        if (imap_wait(&s, imap_send(&s, "UID FETCH %lu (UID BODY.PEEK[])", f.want), "UID FETCH",
                      imap_on_fetch, &f, err, errlen) < 0)
            goto finish;
        if (f.too_big) {
            msg_warn("[journal %s] UID %lu is larger than message_size_limit; left in the "
                     "mailbox", a->j->name, f.want);
            continue;
        }
        if (!f.got)
            continue;                   /* expunged meanwhile */
        snprintf(id, sizeof(id), "uid:%lu/%lu", a->uidvalidity, f.want);
        if (fetch_store(a, f.body->s, f.body->len, id, err, errlen) < 0)
            goto finish;
        stored[nstored++] = f.want;
        if (f.want > a->last_uid)
            a->last_uid = f.want;
    }
    rc = 0;
finish:
    /* What was stored is durable: now, and only now, it may go. */
    if (nstored > 0 && strcmp(a->j->delete_mode, "expunge") == 0 && a->nio) {
        char    e2[256];

        uid_set(set, stored, nstored);
        if (imap_wait(&s, imap_send(&s, "UID STORE %s +FLAGS.SILENT (\\Deleted)", set->s),
                      "UID STORE", 0, 0, e2, sizeof(e2)) == 0) {
            for (int i = 0; i < nstored; i++) {
                char    u[32];

                snprintf(u, sizeof(u), "%lu", stored[i]);
                strlist_add(&a->pending, u);
            }
        } else if (rc == 0) {
            snprintf(err, errlen, "%s", e2);
            rc = -1;
        }
    }
    a->cycles++;
    if (fetch_state_save(a) < 0 && rc == 0) {
        snprintf(err, errlen, "cannot save the account's state");
        rc = -1;
    }
    if (a->pending.n > 0 && a->cycles % a->j->expunge_every == 0 && a->nio) {
        char    e2[256];

        vstr_reset(set);
        for (int i = 0; i < a->pending.n; i++)
            vstr_sprintf_append(set, "%s%s", i ? "," : "", a->pending.v[i]);
        if ((s.uidplus ? imap_wait(&s, imap_send(&s, "UID EXPUNGE %s", set->s), "UID EXPUNGE",
                                   0, 0, e2, sizeof(e2))
             : imap_wait(&s, imap_send(&s, "EXPUNGE"), "EXPUNGE", 0, 0, e2, sizeof(e2))) == 0) {
            strlist_free(&a->pending);
            fetch_state_save(a);
        } else if (rc == 0) {
            snprintf(err, errlen, "%s", e2);
            rc = -1;
        }
    }
    a->idled = 0;
    if (rc == 0 && a->j->idle && !*more && s.idle && !fetch_stop) {
        rc = imap_idle(&s, err, errlen);
        a->idled = rc == 0;
    }
    if (a->nio) {
        char    e2[256];

        imap_wait(&s, imap_send(&s, "LOGOUT"), "LOGOUT", 0, 0, e2, sizeof(e2));
    }
    if (rc == 0)
        rc = nstored;
out:
    imapc_resp_free(&s.r);
    vstr_free(cmd);
    vstr_free(set);
    vstr_free(f.body);
    myfree(found.v);
    myfree(stored);
    return rc;
}
