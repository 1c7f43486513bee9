/*
 * tlsclient.h - the client side of TCP and TLS, for the SMTP relay
 * client and the journal mailbox clients.
 */
#ifndef MAILARC_TLSCLIENT_H
#define MAILARC_TLSCLIENT_H

#include <openssl/ssl.h>
#include <stddef.h>

#include "netio.h"

/* Connect to host:port, each attempt bounded by timeout seconds (connect
 * and every later send).  fd, or -1 with err ("WHAT host:port: reason"). */
int tlsc_connect(const char *what, const char *host, const char *port, int timeout, char *err,
                 size_t errlen);

typedef struct tlsc {
    SSL_CTX *ctx;
    SSL    *ssl;
} TLSC;

/*
 * Start TLS on nio's socket (after STARTTLS, or at once for implicit TLS):
 * TLS 1.2 or later, SNI for host; with verify, the chain (ca_file, or the
 * system's roots when NULL or "") and the host name are checked.  0, or -1
 * with err.  tlsc_free() releases it (after the connection is done).
 */
int tlsc_start(TLSC *t, NETIO *nio, const char *host, int verify, const char *ca_file,
               char *err, size_t errlen);
void tlsc_free(TLSC *t);

/* Who to start TLS with, for the protocol clients' STARTTLS and STLS. */
typedef struct tlsc_peer {
    const char *host;
    int     verify;
    const char *ca_file;
} TLSC_PEER;

#endif
