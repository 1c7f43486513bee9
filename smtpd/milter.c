/*
 * milter.c - mailarc-milter: the archive's capture through the MTA's
 * milter interface (Postfix smtpd_milters, Sendmail INPUT_MAIL_FILTER).
 *
 * Started by mailarcd when milter_listen is set; runs as the archive's
 * user, one libmilter thread per MTA connection, at most
 * milter_max_sessions of them (more are answered with a temporary
 * failure at connect).  Per message it records the envelope the MTA was
 * given (sender, every recipient, queue id, client, HELO, TLS, SMTP AUTH
 * user) and rebuilds the queued bytes (milter_rebuild.h) into a spool
 * file.  Its only answers are "accept", once the spool file is fsynced and
 * published, and "temporary failure" when anything went wrong or the
 * archive is stopping: so no mail passes the MTA unarchived.  It never
 * asks to change the mail.
 *
 * Memory per session: the spool writer's buffer and the headers until the
 * end of the header (at most MILTER_HEAD_MAX before they are written out).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmilter/mfapi.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../ipc/ipc_child.h"
#include "../ipc/ipc_handoff.h"
#include "bcc_decode.h"
#include "hostport.h"
#include "milter_rebuild.h"
#include "msg.h"
#include "mymalloc.h"
#include "spool.h"

#define MILTER_HEAD_MAX 65536       /* headers held before the spool file exists */
#define MILTER_DRAIN_SECONDS 10     /* at stop: wait this long for messages being committed */

typedef struct msess {
    int     counted;                /* holds one of milter_max_sessions */
    unsigned long noreply;          /* SMFIP_NR_* steps the MTA agreed to */
    int     leadspc;                /* SMFIP_HDR_LEADSPC agreed */
    char   *client;
    char   *helo;
    /* The message in hand. */
    int     in_msg;
    int     failed;                 /* errno of a failure, or -1: refuse at the end */
    const char *why;                /* what failed, for the log */
    ENVELOPE env;
    SPOOL_FILE *sp;
    VSTR   *head;                   /* rebuilt headers not yet in the spool file */
} MSESS;

static CHILD child;
static int sessions;                /* atomic */
static int committing;              /* atomic: sessions inside xxfi_eom */
static int stopping;                /* atomic: answer every message with a temporary failure */

static int milter_stopping(void)
{
    return __atomic_load_n(&stopping, __ATOMIC_ACQUIRE);
}

static MSESS *milter_sess(SMFICTX *ctx)
{
    MSESS  *s = smfi_getpriv(ctx);

    if (s == 0) {
        s = mycalloc(1, sizeof(*s));
        envelope_init(&s->env);
        smfi_setpriv(ctx, s);
    }
    return s;
}

/* What a step returns when the MTA agreed to expect no reply to it. */
static sfsistat milter_ok(const MSESS *s, unsigned long nr)
{
    return (s->noreply & nr) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

static void milter_msg_reset(MSESS *s)
{
    if (s->sp)
        spool_abort(s->sp);
    s->sp = 0;
    envelope_reset(&s->env);
    if (s->head)
        vstr_reset(s->head);
    s->in_msg = 0;
    s->failed = 0;
    s->why = 0;
}

static void milter_fail(MSESS *s, int err, const char *why)
{
    if (!s->failed) {
        s->failed = err ? err : -1;
        s->why = why;
    }
}

static void milter_macro(SMFICTX *ctx, const char *name, char **field)
{
    const char *v = smfi_getsymval(ctx, (char *) name);

    if (v && *v)
        envelope_set(field, v);
}

/* Open the spool file (the envelope is complete once the headers are). */
static void milter_spool_open(SMFICTX *ctx, MSESS *s)
{
    char    err[512];
    const char *ver, *cipher;

    if (s->sp || s->failed)
        return;
    milter_macro(ctx, "i", &s->env.mta_qid);
    ver = smfi_getsymval(ctx, "{tls_version}");
    cipher = smfi_getsymval(ctx, "{cipher}");
    if (ver && *ver) {
        VSTR   *t = vstr_alloc(64);

        vstr_sprintf(t, "%s %s", ver, cipher ? cipher : "");
        envelope_set(&s->env.tls, t->s);
        vstr_free(t);
    } else {
        envelope_set(&s->env.tls, "");
    }
    envelope_set(&s->env.client, s->client ? s->client : "");
    envelope_set(&s->env.helo, s->helo ? s->helo : "");
    envelope_set(&s->env.source, "milter");
    s->env.arrival = (long) time(0);
    if ((s->sp = spool_create(child.cfg.data_dir, &s->env, err, sizeof(err))) == 0) {
        msg_warn("cannot create spool file: %s", err);
        milter_fail(s, errno, "spool file not created");
    }
}

static void milter_spool_put(MSESS *s, const void *data, size_t len)
{
    if (s->failed || s->sp == 0)
        return;
    if ((long) len > child.cfg.message_size_limit - spool_size(s->sp)) {
        milter_fail(s, EFBIG, "larger than message_size_limit");
        return;
    }
    if (spool_write(s->sp, data, len) < 0)
        milter_fail(s, errno, "spool write failed");
}

static void milter_head_flush(SMFICTX *ctx, MSESS *s)
{
    milter_spool_open(ctx, s);
    milter_spool_put(s, s->head->s, s->head->len);
    vstr_reset(s->head);
}

static sfsistat milter_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
                                 unsigned long f2, unsigned long f3, unsigned long *pf0,
                                 unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
    MSESS  *s = milter_sess(ctx);
    unsigned long nr = SMFIP_NR_HDR | SMFIP_NR_EOH | SMFIP_NR_BODY;

    (void) f0;
    (void) f2;
    (void) f3;
    /* No actions: the milter never changes the mail. */
    *pf0 = 0;
    *pf2 = 0;
    *pf3 = 0;
    /* Every step sent (none of SMFIP_NO*), headers with their leading
     * white space, and no reply awaited to headers and body chunks. */
    s->leadspc = (f1 & SMFIP_HDR_LEADSPC) != 0;
    s->noreply = f1 & nr;
    *pf1 = (s->leadspc ? SMFIP_HDR_LEADSPC : 0) | s->noreply
        | (f1 & (SMFIP_NOUNKNOWN | SMFIP_NODATA));
    if (!s->leadspc)
        msg_warn("the MTA does not offer SMFIP_HDR_LEADSPC: header bytes after the colon "
                 "are rebuilt as one space");
    return SMFIS_CONTINUE;
}

static sfsistat milter_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *sa)
{
    MSESS  *s = milter_sess(ctx);
    char    addr[INET6_ADDRSTRLEN] = "";
    VSTR   *c = vstr_alloc(128);

    if (!s->counted) {
        if (__atomic_add_fetch(&sessions, 1, __ATOMIC_ACQ_REL) > child.cfg.milter_max_sessions) {
            __atomic_sub_fetch(&sessions, 1, __ATOMIC_ACQ_REL);
            msg_warn("more than milter_max_sessions=%ld MTA connections; refusing one",
                     child.cfg.milter_max_sessions);
            vstr_free(c);
            return SMFIS_TEMPFAIL;
        }
        s->counted = 1;
    }
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *) sa)->sin_addr, addr, sizeof(addr));
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *) sa)->sin6_addr, addr, sizeof(addr));
    if (*addr && hostname && *hostname && strcmp(hostname, addr) != 0
        && !(hostname[0] == '[' && strncmp(hostname + 1, addr, strlen(addr)) == 0))
        vstr_sprintf(c, "%s[%s]", hostname, addr);
    else if (*addr)
        vstr_set(c, addr);
    else
        vstr_set(c, hostname ? hostname : "");
    envelope_set(&s->client, c->s);
    vstr_free(c);
    if (child_slot(&child))
        ipc_score_add(&child_slot(&child)->sessions, 1);
    return SMFIS_CONTINUE;
}

static sfsistat milter_helo(SMFICTX *ctx, char *helo)
{
    MSESS  *s = milter_sess(ctx);

    envelope_set(&s->helo, helo ? helo : "");
    return SMFIS_CONTINUE;
}

/* "<a@b>" as the MTA passes it, without the brackets. */
static void milter_path(const char *arg, VSTR *out)
{
    size_t  n = strlen(arg);

    if (n >= 2 && arg[0] == '<' && arg[n - 1] == '>')
        vstr_add(out, arg + 1, n - 2);
    else
        vstr_add(out, arg, n);
}

static sfsistat milter_envfrom(SMFICTX *ctx, char **argv)
{
    MSESS  *s = milter_sess(ctx);
    VSTR   *a;

    milter_msg_reset(s);
    if (milter_stopping())
        return SMFIS_TEMPFAIL;
    a = vstr_alloc(64);
    milter_path(argv && argv[0] ? argv[0] : "", a);
    envelope_set(&s->env.sender, a->s);
    vstr_free(a);
    milter_macro(ctx, "{auth_authen}", &s->env.auth);
    milter_macro(ctx, "i", &s->env.mta_qid);
    s->in_msg = 1;
    return SMFIS_CONTINUE;
}

static sfsistat milter_envrcpt(SMFICTX *ctx, char **argv)
{
    MSESS  *s = milter_sess(ctx);
    VSTR   *a;

    if (!s->in_msg)
        return SMFIS_CONTINUE;
    /* As the SMTP receiver's 452: this recipient is tried again later. */
    if (s->env.rcpt.n >= child.cfg.recipient_limit)
        return SMFIS_TEMPFAIL;
    a = vstr_alloc(64);
    milter_path(argv && argv[0] ? argv[0] : "", a);
    if (bcc_add_rcpt(&s->env, a->s, child.cfg.bcc_decode_domain) == BCC_UNDECODABLE)
        msg_warn("recipient <%s> is in bcc_decode_domain but not ANY+LOCAL=DOMAIN; "
                 "recorded as it came", a->s);
    vstr_free(a);
    return SMFIS_CONTINUE;
}

static sfsistat milter_header(SMFICTX *ctx, char *name, char *value)
{
    MSESS  *s = milter_sess(ctx);

    if (!s->in_msg)
        return milter_ok(s, SMFIP_NR_HDR);
    if (s->head == 0)
        s->head = vstr_alloc(4096);
    milter_rebuild_header(s->head, name, value ? value : "", s->leadspc);
    if (s->head->len > MILTER_HEAD_MAX)
        milter_head_flush(ctx, s);
    return milter_ok(s, SMFIP_NR_HDR);
}

static sfsistat milter_eoh(SMFICTX *ctx)
{
    MSESS  *s = milter_sess(ctx);

    if (!s->in_msg)
        return milter_ok(s, SMFIP_NR_EOH);
    if (s->head == 0)
        s->head = vstr_alloc(64);
    milter_rebuild_eoh(s->head);
    milter_head_flush(ctx, s);
    return milter_ok(s, SMFIP_NR_EOH);
}

static sfsistat milter_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
    MSESS  *s = milter_sess(ctx);

    if (s->in_msg)
        milter_spool_put(s, chunk, len);
    return milter_ok(s, SMFIP_NR_BODY);
}

static sfsistat milter_eom(SMFICTX *ctx)
{
    MSESS  *s = milter_sess(ctx);
    sfsistat rc = SMFIS_TEMPFAIL;

    if (!s->in_msg)
        return SMFIS_TEMPFAIL;
    __atomic_add_fetch(&committing, 1, __ATOMIC_ACQ_REL);
    if (s->sp == 0 && !s->failed)
        milter_eoh(ctx);                /* an MTA that sent no end of header */
    if (milter_stopping())
        milter_fail(s, 0, "the archive is stopping");
    else if (!s->failed && spool_size(s->sp) == 0)
        milter_fail(s, 0, "empty message");
    if (s->failed) {
        msg_warn("message from %s (MTA queue id %s) not archived: %s%s%s; temporary failure",
                 s->client ? s->client : "?", s->env.mta_qid ? s->env.mta_qid : "?", s->why,
                 s->failed > 0 ? ": " : "", s->failed > 0 ? strerror(s->failed) : "");
    } else if (spool_commit(s->sp, &s->env) < 0) {
        s->sp = 0;
        msg_warn("message from %s not archived: cannot make the spool file durable: %s; "
                 "temporary failure", s->client ? s->client : "?", strerror(errno));
    } else {
        s->sp = 0;
        msg_info("%s: client=%s mta_qid=%s from=<%s> nrcpt=%d size=%ld sha256=%s", s->env.qid,
                 s->client ? s->client : "", s->env.mta_qid ? s->env.mta_qid : "",
                 s->env.sender ? s->env.sender : "", s->env.rcpt.n, s->env.size, s->env.sha256);
        if (child_slot(&child)) {
            ipc_score_add(&child_slot(&child)->messages, 1);
            ipc_score_add(&child_slot(&child)->bytes, (uint64_t) s->env.size);
        }
        ipc_handoff(&child, &s->env);
        rc = SMFIS_ACCEPT;
    }
    milter_msg_reset(s);
    __atomic_sub_fetch(&committing, 1, __ATOMIC_ACQ_REL);
    return rc;
}

static sfsistat milter_abort(SMFICTX *ctx)
{
    milter_msg_reset(milter_sess(ctx));
    return SMFIS_CONTINUE;
}

static sfsistat milter_close(SMFICTX *ctx)
{
    MSESS  *s = smfi_getpriv(ctx);

    if (s == 0)
        return SMFIS_CONTINUE;
    milter_msg_reset(s);
    envelope_free(&s->env);
    if (s->head)
        vstr_free(s->head);
    myfree(s->client);
    myfree(s->helo);
    if (s->counted)
        __atomic_sub_fetch(&sessions, 1, __ATOMIC_ACQ_REL);
    myfree(s);
    smfi_setpriv(ctx, 0);
    return SMFIS_CONTINUE;
}

int main(int argc, char **argv)
{
    struct smfiDesc desc = {
        .xxfi_name = "mailarc",
        .xxfi_version = SMFI_VERSION,
        .xxfi_flags = 0,
        .xxfi_connect = milter_connect,
        .xxfi_helo = milter_helo,
        .xxfi_envfrom = milter_envfrom,
        .xxfi_envrcpt = milter_envrcpt,
        .xxfi_header = milter_header,
        .xxfi_eoh = milter_eoh,
        .xxfi_body = milter_body,
        .xxfi_eom = milter_eom,
        .xxfi_abort = milter_abort,
        .xxfi_close = milter_close,
        .xxfi_negotiate = milter_negotiate,
    };
    char    conn[256], err[512];
    int     rc;

    child_init(&child, argc, argv, SCORE_MILTER);
    /* Keep the stop signals pending until libmilter's signal thread waits
     * for them: one that came before would only set child_stop. */
    {
        sigset_t stop;

        sigemptyset(&stop);
        sigaddset(&stop, SIGTERM);
        sigaddset(&stop, SIGINT);
        sigaddset(&stop, SIGHUP);
        pthread_sigmask(SIG_BLOCK, &stop, 0);
        if (child_stop || child_master_gone(&child))
            _exit(0);
    }
    if (*child.cfg.milter_listen == 0)
        msg_fatal("milter_listen is not set");
    if (hostport_milter(child.cfg.milter_listen, conn, sizeof(conn), err, sizeof(err)) < 0)
        msg_fatal("milter_listen: %s", err);
    if (smfi_register(desc) != MI_SUCCESS)
        msg_fatal("smfi_register failed");
    if (smfi_setconn(conn) != MI_SUCCESS)
        msg_fatal("smfi_setconn(%s) failed", conn);
    smfi_settimeout((int) child.cfg.milter_timeout);
    if (smfi_opensocket(1) != MI_SUCCESS)
        msg_fatal("cannot listen on %s (milter_listen): %s", child.cfg.milter_listen,
                  strerror(errno));
    if (child_slot(&child))
        child_slot(&child)->started = (int64_t) time(0);
    child_state(&child, SCORE_IDLE);
    msg_info("listening on %s", child.cfg.milter_listen);
    /* libmilter's own thread takes SIGTERM (and the parent-death signal,
     * which is SIGTERM) and ends smfi_main. */
    rc = smfi_main();
    __atomic_store_n(&stopping, 1, __ATOMIC_RELEASE);
    /* Messages being committed right now get their answer; every later
     * one gets a temporary failure until the process is gone. */
    for (int i = 0; i < MILTER_DRAIN_SECONDS * 10 && __atomic_load_n(&committing, __ATOMIC_ACQUIRE);
         i++)
        usleep(100000);
    msg_info("stopping%s", rc == MI_SUCCESS ? "" : " (smfi_main failed)");
    child_exit(&child);
    _exit(rc == MI_SUCCESS ? 0 : 1);
}
