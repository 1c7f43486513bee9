/*
 * smtpd_session.h - one SMTP session of mailarc-smtpd.
 */
#ifndef MAILARC_SMTPD_SESSION_H
#define MAILARC_SMTPD_SESSION_H

#include <openssl/ssl.h>

#include "../ipc/ipc_child.h"
#include "envelope.h"
#include "netio.h"
#include "smtp_cmd.h"
#include "smtpd_xforward.h"
#include "spool.h"

typedef struct smtpd_state {
    CHILD  *child;
    const CONFIG *cfg;
    NETIO  *nio;
    SSL_CTX *tls_ctx;
    const char *hostname;
    char    client[64];
    char   *helo;
    int     esmtp;
    int     errors;
    long    junk;                   /* commands that moved no mail */
    int     in_mail;                /* MAIL accepted */
    SMTP_MAIL_PARAMS mp;
    ENVELOPE env;
    SPOOL_FILE *bdat;               /* BDAT transaction in progress */
    int     bdat_error;             /* errno of a failed BDAT write */
    int     bdat_too_big;
    int     xf_ok;                  /* the client is in xforward_allow */
    SMTPD_XFORWARD xf;              /* for the next transaction */
} SMTPD_STATE;

/* Serve one accepted connection; closes nothing (the caller does). */
void smtpd_session(CHILD *child, int fd, SSL_CTX *tls_ctx, const char *hostname);

/* Buffered replies: flushed when the client has nothing more pipelined. */
void smtpd_reply(SMTPD_STATE *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int smtpd_flush(SMTPD_STATE *st);

/* Reset the mail transaction (RSET, after DATA, after STARTTLS). */
void smtpd_reset(SMTPD_STATE *st);

/* Data phase (smtpd_data.c): -1 when the connection is lost. */
int smtpd_data(SMTPD_STATE *st);
int smtpd_bdat(SMTPD_STATE *st, long size, int last);

/* TLS (smtpd_tls.c). */
SSL_CTX *smtpd_tls_init(const CONFIG *cfg);
int smtpd_tls_start(SMTPD_STATE *st, char *desc, size_t desclen);

#endif
