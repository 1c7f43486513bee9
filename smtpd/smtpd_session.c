/*
 * smtpd_session.c - the ESMTP command loop.
 *
 * Every command line is read through netio with smtp_line_limit and
 * smtp_timeout.  Replies are buffered and flushed only when no pipelined
 * input is waiting.  Nothing here acknowledges mail: smtpd_data.c answers
 * 250 only after the spool file is durable.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "bcc_decode.h"
#include "cidr.h"
#include "msg.h"
#include "mymalloc.h"
#include "smtpd_session.h"

#define SMTPD_MAX_ERRORS 20

void smtpd_reply(SMTPD_STATE *st, const char *fmt, ...)
{
    VSTR   *v = vstr_alloc(128);
    va_list ap;

    va_start(ap, fmt);
    vstr_vsprintf_append(v, fmt, ap);
    va_end(ap);
    vstr_add(v, "\r\n", 2);
    netio_write(st->nio, v->s, v->len);
    vstr_free(v);
}

int smtpd_flush(SMTPD_STATE *st)
{
    return netio_flush(st->nio);
}

void smtpd_reset(SMTPD_STATE *st)
{
    envelope_reset(&st->env);
    st->in_mail = 0;
    if (st->bdat)
        spool_abort(st->bdat);
    st->bdat = 0;
    st->bdat_error = 0;
    st->bdat_too_big = 0;
    smtpd_xforward_reset(&st->xf);
}

static void smtpd_ehlo(SMTPD_STATE *st, const char *args, int esmtp)
{
    const char *why;

    if (smtp_cmd_helo_arg(args, &why) < 0) {
        smtpd_reply(st, "501 %s", why);
        st->errors++;
        return;
    }
    smtpd_reset(st);
    myfree(st->helo);
    st->helo = mystrdup(args);
    st->esmtp = esmtp;
    if (!esmtp) {
        smtpd_reply(st, "250 %s", st->hostname);
        return;
    }
    smtpd_reply(st, "250-%s", st->hostname);
    smtpd_reply(st, "250-PIPELINING");
    smtpd_reply(st, "250-SIZE %ld", st->cfg->message_size_limit);
    if (st->tls_ctx && !netio_ssl(st->nio))
        smtpd_reply(st, "250-STARTTLS");
    smtpd_reply(st, "250-ENHANCEDSTATUSCODES");
    smtpd_reply(st, "250-8BITMIME");
    smtpd_reply(st, "250-SMTPUTF8");
    if (st->xf_ok)
        smtpd_reply(st, "250-XFORWARD NAME ADDR PROTO HELO SOURCE PORT IDENT");
    smtpd_reply(st, "250 CHUNKING");
}

static void smtpd_mail(SMTPD_STATE *st, const char *args)
{
    const char *why;
    const char *params;
    char   *addr;

    if (st->helo == 0) {
        smtpd_reply(st, "503 5.5.1 Error: send HELO/EHLO first");
        st->errors++;
        return;
    }
    if (st->in_mail) {
        smtpd_reply(st, "503 5.5.1 Error: nested MAIL command");
        st->errors++;
        return;
    }
    /* SMTPUTF8 is a parameter after the path, so allow 8-bit and check after. */
    if (smtp_cmd_path(args, "FROM:", 1, 1, &addr, &params, &why) < 0) {
        smtpd_reply(st, "501 %s", why);
        st->errors++;
        return;
    }
    if (smtp_cmd_mail_params(params, &st->mp, &why) < 0) {
        smtpd_reply(st, "501 %s", why);
        myfree(addr);
        st->errors++;
        return;
    }
    for (const char *p = addr; *p; p++)
        if ((unsigned char) *p >= 0x80 && !st->mp.smtputf8) {
            smtpd_reply(st, "553 5.6.7 Non-ASCII address requires SMTPUTF8");
            myfree(addr);
            st->errors++;
            return;
        }
    if (st->mp.size > st->cfg->message_size_limit) {
        smtpd_reply(st, "552 5.3.4 Message size exceeds fixed limit of %ld bytes",
                    st->cfg->message_size_limit);
        myfree(addr);
        return;
    }
    envelope_reset(&st->env);
    st->env.sender = addr;
    st->in_mail = 1;
    smtpd_reply(st, "250 2.1.0 Ok");
}

static void smtpd_rcpt(SMTPD_STATE *st, const char *args)
{
    const char *why;
    const char *params;
    char   *addr;

    if (!st->in_mail) {
        smtpd_reply(st, "503 5.5.1 Error: need MAIL command");
        st->errors++;
        return;
    }
    if (st->env.rcpt.n >= st->cfg->recipient_limit) {
        smtpd_reply(st, "452 4.5.3 Error: too many recipients");
        return;
    }
    if (smtp_cmd_path(args, "TO:", 0, st->mp.smtputf8, &addr, &params, &why) < 0) {
        smtpd_reply(st, "501 %s", why);
        st->errors++;
        return;
    }
    if (smtp_cmd_rcpt_params(params, &why) < 0) {
        smtpd_reply(st, "501 %s", why);
        myfree(addr);
        st->errors++;
        return;
    }
    /* A recipient of the Postfix bcc-map recipe is recorded as the original
     * recipient it stands for. */
    if (bcc_add_rcpt(&st->env, addr, st->cfg->bcc_decode_domain) == BCC_UNDECODABLE)
        msg_warn("%s: recipient <%s> is in bcc_decode_domain but not ANY+LOCAL=DOMAIN; "
                 "recorded as it came", st->client, addr);
    myfree(addr);
    smtpd_reply(st, "250 2.1.5 Ok");
}

static int smtpd_starttls(SMTPD_STATE *st, const char *args)
{
    char    desc[128];

    if (*args) {
        smtpd_reply(st, "501 5.5.4 Syntax: STARTTLS");
        return 0;
    }
    if (st->tls_ctx == 0 || netio_ssl(st->nio)) {
        smtpd_reply(st, "502 5.5.1 Error: STARTTLS is not available here");
        return 0;
    }
    /* Anything pipelined after STARTTLS is plaintext injection: drop it. */
    netio_discard_input(st->nio);
    smtpd_reply(st, "220 2.0.0 Ready to start TLS");
    if (smtpd_flush(st) < 0)
        return -1;
    if (smtpd_tls_start(st, desc, sizeof(desc)) < 0)
        return -1;
    smtpd_reset(st);
    myfree(st->helo);
    st->helo = 0;
    st->esmtp = 0;
    return 0;
}

/* Commands that move no mail: counted, so NOOPs cannot hold a receiver. */
static int smtpd_junk(SMTPD_STATE *st)
{
    if (++st->junk <= st->cfg->smtp_junk_command_limit)
        return 0;
    smtpd_reply(st, "421 4.7.0 %s Error: too many commands without mail", st->hostname);
    msg_info("disconnect %s: more than %ld commands without mail", st->client,
             st->cfg->smtp_junk_command_limit);
    return -1;
}

/* One command; -1 ends the session. */
static int smtpd_command(SMTPD_STATE *st, const char *line)
{
    const char *args;
    const char *why;
    long    size;
    int     last;

    switch (smtp_cmd_verb(line, &args)) {
    case SMTP_EHLO: smtpd_ehlo(st, args, 1); break;
    case SMTP_HELO: smtpd_ehlo(st, args, 0); break;
    case SMTP_MAIL: smtpd_mail(st, args); break;
    case SMTP_RCPT: smtpd_rcpt(st, args); break;
    case SMTP_XFORWARD: smtpd_xforward_cmd(st, args); break;
    case SMTP_DATA:
        if (*args) {
            smtpd_reply(st, "501 5.5.4 Syntax: DATA");
        } else if (st->bdat) {
            smtpd_reply(st, "503 5.5.1 Error: DATA after BDAT");
        } else if (!st->in_mail || st->env.rcpt.n == 0) {
            smtpd_reply(st, "503 5.5.1 Error: need RCPT command");
            st->errors++;
        } else {
            return smtpd_data(st);
        }
        break;
    case SMTP_BDAT:
        if (smtp_cmd_bdat(args, &size, &last, &why) < 0) {
            /* The chunk size is unknown, so the stream cannot be resynced. */
            smtpd_reply(st, "501 %s", why);
            smtpd_reply(st, "421 4.5.0 %s Closing connection", st->hostname);
            return -1;
        }
        return smtpd_bdat(st, size, last);
    case SMTP_RSET:
        if (smtpd_junk(st) < 0)
            return -1;
        smtpd_reset(st);
        smtpd_reply(st, "250 2.0.0 Ok");
        break;
    case SMTP_NOOP:
        if (smtpd_junk(st) < 0)
            return -1;
        smtpd_reply(st, "250 2.0.0 Ok");
        break;
    case SMTP_QUIT:
        smtpd_reply(st, "221 2.0.0 Bye");
        return -1;
    case SMTP_VRFY:
        if (smtpd_junk(st) < 0)
            return -1;
        smtpd_reply(st, "502 5.5.1 VRFY command is disabled");
        break;
    case SMTP_EXPN:
        if (smtpd_junk(st) < 0)
            return -1;
        smtpd_reply(st, "502 5.5.1 EXPN command is disabled");
        break;
    case SMTP_HELP:
        if (smtpd_junk(st) < 0)
            return -1;
        smtpd_reply(st, "214 2.0.0 See RFC 5321; this server archives mail");
        break;
    case SMTP_STARTTLS:
        return smtpd_starttls(st, args);
    default:
        smtpd_reply(st, "500 5.5.2 Error: command not recognized");
        st->errors++;
        break;
    }
    return 0;
}

static void smtpd_client_name(const struct sockaddr_storage *ss, char *buf, size_t len)
{
    const void *a = ss->ss_family == AF_INET6
        ? (const void *) &((const struct sockaddr_in6 *) ss)->sin6_addr
        : (const void *) &((const struct sockaddr_in *) ss)->sin_addr;

    if (inet_ntop(ss->ss_family, a, buf, (socklen_t) len) == 0)
        snprintf(buf, len, "unknown");
}

/* The client address as 16 bytes (IPv4 mapped into IPv6). */
static void smtpd_client_key(const struct sockaddr_storage *ss, uint8_t key[16])
{
    memset(key, 0, 16);
    if (ss->ss_family == AF_INET6) {
        memcpy(key, &((const struct sockaddr_in6 *) ss)->sin6_addr, 16);
    } else if (ss->ss_family == AF_INET) {
        key[10] = key[11] = 0xff;
        memcpy(key + 12, &((const struct sockaddr_in *) ss)->sin_addr, 4);
    }
}

/*
 * Publish the client in this receiver's slot and count the receivers that
 * serve it now, this one included.  Two receivers that accept from the same
 * address at once may both count the other: the cap errs on refusing.
 */
static long smtpd_client_sessions(CHILD *child, const uint8_t key[16])
{
    SCORE_SLOT *me = child_slot(child);
    long    n = 0;

    if (me == 0)
        return 1;
    memcpy(me->client, key, 16);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (int i = 0; i < IPC_SCORE_SLOTS; i++) {
        SCORE_SLOT *s = &child->score->slot[i];

        if (s->pid > 0 && s->kind == SCORE_SMTPD && memcmp(s->client, key, 16) == 0)
            n++;
    }
    return n;
}

static void smtpd_client_clear(CHILD *child)
{
    if (child_slot(child))
        memset(child_slot(child)->client, 0, 16);
}

void smtpd_session(CHILD *child, int fd, SSL_CTX *tls_ctx, const char *hostname)
{
    uint8_t ckey[16];
    time_t  deadline;
    SMTPD_STATE st;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    struct timeval tv;
    CIDR_LIST *allow;
    VSTR   *line = vstr_alloc(1024);

    memset(&st, 0, sizeof(st));
    st.child = child;
    st.cfg = &child->cfg;
    st.tls_ctx = tls_ctx;
    st.hostname = hostname;
    st.nio = netio_create(fd, (int) st.cfg->smtp_timeout);
    tv.tv_sec = st.cfg->smtp_timeout;
    tv.tv_usec = 0;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (getpeername(fd, (struct sockaddr *) &ss, &sl) < 0) {
        netio_free(st.nio);
        vstr_free(line);
        return;
    }
    smtpd_client_name(&ss, st.client, sizeof(st.client));
    allow = cidr_list_parse(st.cfg->smtp_allow);
    if (!cidr_list_match(allow, (struct sockaddr *) &ss)) {
        msg_info("reject: connect from %s: not in smtp_allow", st.client);
        smtpd_reply(&st, "554 5.7.1 %s: client %s is not allowed to send to this archive",
                    hostname, st.client);
        smtpd_flush(&st);
        cidr_list_free(allow);
        netio_free(st.nio);
        vstr_free(line);
        return;
    }
    cidr_list_free(allow);
    if (*st.cfg->xforward_allow) {
        allow = cidr_list_parse(st.cfg->xforward_allow);
        st.xf_ok = cidr_list_match(allow, (struct sockaddr *) &ss);
        cidr_list_free(allow);
    }
    smtpd_client_key(&ss, ckey);
    if (smtpd_client_sessions(child, ckey) > st.cfg->smtp_client_limit) {
        msg_info("reject: connect from %s: more than %ld sessions from it", st.client,
                 st.cfg->smtp_client_limit);
        smtpd_reply(&st, "421 4.7.0 %s Error: too many connections from %s, try again later",
                    hostname, st.client);
        smtpd_flush(&st);
        smtpd_client_clear(child);
        netio_free(st.nio);
        vstr_free(line);
        return;
    }
    deadline = time(0) + st.cfg->smtp_session_limit;
    smtpd_reply(&st, "220 %s ESMTP mailarc", hostname);
    for (;;) {
        int     r;

        if (time(0) >= deadline) {
            smtpd_reply(&st, "421 4.4.2 %s Error: session lasted over %ld s", hostname,
                        st.cfg->smtp_session_limit);
            msg_info("disconnect %s: session limit of %ld s", st.client,
                     st.cfg->smtp_session_limit);
            break;
        }

        if (netio_pending(st.nio) == 0 && smtpd_flush(&st) < 0)
            break;
        /* Stopping: the transaction in progress finishes, no new one starts. */
        netio_set_interrupt(st.nio, st.in_mail ? 0 : &child_stop);
        r = (child_stop && !st.in_mail) ? NETIO_INTR
            : netio_getline(st.nio, line, (size_t) st.cfg->smtp_line_limit);
        if (r == NETIO_INTR) {
            smtpd_reply(&st, "421 4.3.2 %s Service shutting down", hostname);
            break;
        }
        if (r == NETIO_TOOLONG) {
            smtpd_reply(&st, "500 5.5.2 Error: command line too long (limit %ld)",
                        st.cfg->smtp_line_limit);
            if (++st.errors >= SMTPD_MAX_ERRORS)
                goto too_many;
            continue;
        }
        if (r == NETIO_TIMEOUT) {
            smtpd_reply(&st, "421 4.4.2 %s Error: timeout exceeded", hostname);
            break;
        }
        if (r != NETIO_OK)
            break;
        if (memchr(line->s, 0, line->len)) {
            smtpd_reply(&st, "500 5.5.2 Error: NUL byte in command");
            st.errors++;
            continue;
        }
        if (smtpd_command(&st, line->s) < 0)
            break;
        if (st.errors >= SMTPD_MAX_ERRORS)
            goto too_many;
    }
    goto done;
too_many:
    smtpd_reply(&st, "421 4.7.0 %s Error: too many errors", hostname);
done:
    /* No longer counted against the client before it can see the last
     * reply and connect again. */
    smtpd_client_clear(child);
    smtpd_flush(&st);
    smtpd_reset(&st);
    myfree(st.helo);
    if (netio_ssl(st.nio)) {
        SSL_shutdown(netio_ssl(st.nio));
        SSL_free(netio_ssl(st.nio));
    }
    netio_free(st.nio);
    vstr_free(line);
}
