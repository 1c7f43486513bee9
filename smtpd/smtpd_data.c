/*
 * smtpd_data.c - the DATA and BDAT phases: stream to the spool, hand off.
 *
 * Message bytes are kept exactly: lines of any length, bare LF and 8-bit
 * data pass through; only DATA's dot-stuffing is undone.  250 is sent only
 * after spool_commit() made the file durable; a storage failure answers
 * 4xx so the client retries, and leaves no file.  Too large a message is
 * read to its end, discarded and answered 552.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "../ipc/ipc_handoff.h"
#include "msg.h"
#include "smtpd_session.h"

/*
 * DATA ends only at CRLF "." CRLF (RFC 5321 4.1.1.4).  A line starts only
 * after CRLF, so a bare LF followed by "." is message text, kept as it
 * arrived: a client cannot end the message where a receiver that honours
 * bare LF would not, and smuggle a second envelope in after it.
 */
enum { D_BOL, D_MID, D_CR, D_DOT, D_DOTCR };

static SPOOL_FILE *smtpd_spool_open(SMTPD_STATE *st)
{
    char    err[512];
    SPOOL_FILE *sp;
    SSL    *ssl = netio_ssl(st->nio);

    st->env.arrival = (long) time(0);
    envelope_set(&st->env.client, st->client);
    envelope_set(&st->env.helo, st->helo ? st->helo : "");
    if (ssl) {
        char    tls[160];

        snprintf(tls, sizeof(tls), "%s %s", SSL_get_version(ssl), SSL_get_cipher_name(ssl));
        envelope_set(&st->env.tls, tls);
    } else {
        envelope_set(&st->env.tls, "");
    }
    envelope_set(&st->env.source, "smtp");
    smtpd_xforward_apply(&st->xf, &st->env);
    if ((sp = spool_create(st->cfg->data_dir, &st->env, err, sizeof(err))) == 0)
        msg_warn("cannot create spool file: %s", err);
    return sp;
}

/* Answer the end of a message; sp is committed or aborted here. */
static void smtpd_finish(SMTPD_STATE *st, SPOOL_FILE *sp, int too_big, int werr)
{
    SCORE_SLOT *slot = child_slot(st->child);

    if (too_big) {
        if (sp)
            spool_abort(sp);
        smtpd_reply(st, "552 5.3.4 Message size exceeds fixed limit of %ld bytes",
                    st->cfg->message_size_limit);
        msg_info("reject: message from %s too large", st->client);
    } else if (sp && !werr && spool_size(sp) == 0) {
        /* Zero bytes are no message, whether from DATA or BDAT 0 LAST. */
        spool_abort(sp);
        smtpd_reply(st, "554 5.6.0 Error: message is empty");
        msg_info("reject: empty message from %s", st->client);
    } else if (sp == 0 || werr || spool_commit(sp, &st->env) < 0) {
        int     e = werr ? werr : errno;

        if (sp && werr)
            spool_abort(sp);
        if (e == ENOSPC || e == EDQUOT || e == EFBIG)
            smtpd_reply(st, "452 4.3.1 Insufficient system storage, try again later");
        else
            smtpd_reply(st, "451 4.3.0 Error: cannot store message, try again later");
        msg_warn("message from %s not stored: %s", st->client, strerror(e));
    } else {
        smtpd_reply(st, "250 2.0.0 Ok: queued as %s", st->env.qid);
        st->junk = 0;                   /* RSET between messages is not junk */
        msg_info("%s: client=%s from=<%s> nrcpt=%d size=%ld sha256=%s", st->env.qid,
                 st->client, st->env.sender, st->env.rcpt.n, st->env.size, st->env.sha256);
        if (slot) {
            ipc_score_add(&slot->messages, 1);
            ipc_score_add(&slot->bytes, (uint64_t) st->env.size);
        }
        ipc_handoff(st->child, &st->env);
    }
    envelope_reset(&st->env);
    smtpd_xforward_reset(&st->xf);
    st->in_mail = 0;
}

int smtpd_data(SMTPD_STATE *st)
{
    SPOOL_FILE *sp;
    int     state = D_BOL;
    int     done = 0;
    int     too_big = 0;
    int     werr = 0;
    long    limit = st->cfg->message_size_limit;
    long    got = 0;

    smtpd_reply(st, "354 End data with <CR><LF>.<CR><LF>");
    if (smtpd_flush(st) < 0)
        return -1;
    sp = smtpd_spool_open(st);
    if (sp == 0)
        werr = errno ? errno : EIO;

#define EMIT(ptr, n) do { \
        size_t  n_ = (n); \
        got += (long) n_; \
        if (got > limit) too_big = 1; \
        if (n_ && sp && !too_big && !werr && spool_write(sp, (ptr), n_) < 0) \
            werr = errno ? errno : EIO; \
    } while (0)

    while (!done) {
        const char *p;
        ssize_t n = netio_peek(st->nio, &p);
        size_t  i = 0;
        size_t  span = 0;

        if (n < 0) {
            if (sp)
                spool_abort(sp);
            if (n == NETIO_TIMEOUT) {
                smtpd_reply(st, "421 4.4.2 %s Error: timeout exceeded", st->hostname);
                smtpd_flush(st);
            }
            envelope_reset(&st->env);
            st->in_mail = 0;
            return -1;
        }
        while (i < (size_t) n && !done) {
            switch (state) {
            case D_MID: {
                    const char *cr = memchr(p + i, '\r', (size_t) n - i);

                    if (cr == 0) {
                        i = (size_t) n;
                    } else {
                        i = (size_t) (cr - p) + 1;
                        state = D_CR;
                    }
                    break;
                }
            case D_CR:
                if (p[i] == '\n') {
                    i++;
                    state = D_BOL;
                } else if (p[i] != '\r') {
                    state = D_MID;
                } else {
                    i++;
                }
                break;
            case D_BOL:
                if (p[i] == '.') {
                    EMIT(p + span, i - span);
                    span = ++i;
                    state = D_DOT;
                } else {
                    state = D_MID;
                }
                break;
            case D_DOT:
                if (p[i] == '\r') {
                    span = ++i;
                    state = D_DOTCR;
                } else {
                    state = D_MID;      /* the dot was stuffing: dropped */
                }
                break;
            case D_DOTCR:
                if (p[i] == '\n') {
                    span = ++i;
                    done = 1;
                } else {
                    EMIT("\r", 1);     /* ".\r" then not LF: the CR is text */
                    span = i;
                    if (p[i] == '\r') {
                        i++;
                        state = D_CR;
                    } else {
                        state = D_MID;
                    }
                }
                break;
            }
        }
        if (!done)
            EMIT(p + span, i - span);
        netio_consume(st->nio, i);
    }
#undef EMIT
    smtpd_finish(st, sp, too_big, werr);
    return 0;
}

int smtpd_bdat(SMTPD_STATE *st, long size, int last)
{
    long    left = size;
    int     usable = st->in_mail && st->env.rcpt.n > 0;

    /* A chunk larger than any message may be would take as long to read
     * and discard as the client likes: refuse it and close. */
    if (size > st->cfg->message_size_limit) {
        smtpd_reply(st, "552 5.3.4 Message size exceeds fixed limit of %ld bytes",
                    st->cfg->message_size_limit);
        smtpd_reply(st, "421 4.5.0 %s Closing connection", st->hostname);
        msg_info("reject: BDAT chunk of %ld bytes from %s", size, st->client);
        smtpd_reset(st);
        return -1;
    }

    if (usable && st->bdat == 0 && !st->bdat_error && !st->bdat_too_big) {
        if ((st->bdat = smtpd_spool_open(st)) == 0)
            st->bdat_error = errno ? errno : EIO;
    }
    /* size may be anything up to LONG_MAX: compare against what is left,
     * never add it to what was received. */
    if (usable && size > st->cfg->message_size_limit - (st->bdat ? spool_size(st->bdat) : 0))
        st->bdat_too_big = 1;
    while (left > 0) {
        const char *p;
        ssize_t n = netio_peek(st->nio, &p);

        if (n < 0) {
            if (n == NETIO_TIMEOUT) {
                smtpd_reply(st, "421 4.4.2 %s Error: timeout exceeded", st->hostname);
                smtpd_flush(st);
            }
            smtpd_reset(st);
            return -1;
        }
        if (n > left)
            n = left;
        if (usable && st->bdat && !st->bdat_too_big && !st->bdat_error
            && n > st->cfg->message_size_limit - spool_size(st->bdat))
            st->bdat_too_big = 1;
        if (usable && st->bdat && !st->bdat_too_big && !st->bdat_error
            && spool_write(st->bdat, p, (size_t) n) < 0)
            st->bdat_error = errno ? errno : EIO;
        netio_consume(st->nio, (size_t) n);
        left -= n;
    }
    if (!usable) {
        smtpd_reply(st, "503 5.5.1 Error: need %s command", st->in_mail ? "RCPT" : "MAIL");
        st->errors++;
        return 0;
    }
    if (st->bdat_too_big || st->bdat_error) {
        /* Fail now; later chunks of this message get 503 until a new MAIL. */
        SPOOL_FILE *sp = st->bdat;
        int     too_big = st->bdat_too_big;
        int     werr = st->bdat_error;

        st->bdat = 0;
        st->bdat_too_big = st->bdat_error = 0;
        smtpd_finish(st, sp, too_big, werr ? werr : EIO);
        return 0;
    }
    if (!last) {
        smtpd_reply(st, "250 2.0.0 %ld bytes received", size);
        return 0;
    }
    {
        SPOOL_FILE *sp = st->bdat;

        st->bdat = 0;
        smtpd_finish(st, sp, 0, 0);
    }
    return 0;
}
