/*
 * smtpc.h - an SMTP client for redelivery: one message to a list of
 * recipients through a relay.
 *
 * ESMTP with STARTTLS (none, may, encrypt, verify), AUTH PLAIN or LOGIN
 * (only over TLS, or to a loopback relay), SIZE and 8BITMIME when offered.
 * The message goes out with CRLF line ends and dot-stuffing; its bytes
 * are otherwise sent as given.  Every recipient's reply is reported:
 * a refused recipient is never hidden behind an overall success.
 */
#ifndef MAILARC_SMTPC_H
#define MAILARC_SMTPC_H

#include <stddef.h>

#include "strlist.h"

enum { SMTPC_TLS_NONE, SMTPC_TLS_MAY, SMTPC_TLS_ENCRYPT, SMTPC_TLS_VERIFY };

typedef struct smtpc_opts {
    const char *relay;              /* host:port */
    const char *helo;
    int     tls;                    /* SMTPC_TLS_* */
    const char *auth_user;          /* empty: no AUTH */
    const char *auth_password;
    int     timeout;                /* seconds per read or write */
} SMTPC_OPTS;

typedef struct smtpc_report {
    STRLIST rcpt;                   /* each recipient ... */
    STRLIST reply;                  /* ... and the relay's last reply for it */
    int    *ok;                     /* 1 when the relay took the message for it */
    int     delivered;              /* how many recipients got it */
    int     refused;                /* how many the relay said no to */
    char    tls[64];                /* cipher when TLS was used */
} SMTPC_REPORT;

/* Send prefix (may be NULL) then msg, from `from` to every recipient.
 * Returns how many recipients the relay accepted the message for (report
 * filled for each); -1 when the session failed before any was accepted
 * (err says why; the report still names what the relay answered). */
int smtpc_send(const SMTPC_OPTS *o, const char *from, const STRLIST *rcpts,
               const char *prefix, size_t plen, const char *msg, size_t len,
               SMTPC_REPORT *rep, char *err, size_t errlen);
void smtpc_report_free(SMTPC_REPORT *rep);

/* "none" ... "verify" to SMTPC_TLS_*; -1 if unknown. */
int smtpc_tls_mode(const char *name);

#endif
