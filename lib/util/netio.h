/*
 * netio.h - buffered network I/O with a line limit and a deadline.
 *
 * The one reader for untrusted peers: every line read is bounded by a
 * length limit and a deadline; an over-long line is consumed and reported,
 * never truncated silently.  Plain sockets and TLS (OpenSSL) alike.
 */
#ifndef MAILARC_NETIO_H
#define MAILARC_NETIO_H

#include <openssl/ssl.h>
#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#include "vstr.h"

typedef struct netio NETIO;

enum {
    NETIO_OK = 0,
    NETIO_EOF = -1,
    NETIO_TIMEOUT = -2,
    NETIO_TOOLONG = -3,
    NETIO_ERROR = -4,
    NETIO_INTR = -5,                /* the interrupt flag was set */
};

NETIO *netio_create(int fd, int timeout);
void netio_free(NETIO *nio);                 /* does not close fd */
int netio_fd(const NETIO *nio);
void netio_set_timeout(NETIO *nio, int timeout);
void netio_set_ssl(NETIO *nio, SSL *ssl);    /* read/write through TLS now */
SSL *netio_ssl(const NETIO *nio);

/* While *flag is set, waiting for input ends with NETIO_INTR (NULL: off):
 * how a stopping server lets peers go between transactions. */
void netio_set_interrupt(NETIO *nio, volatile sig_atomic_t *flag);

/* Read a line without its CR LF; NETIO_OK or an error code. */
int netio_getline(NETIO *nio, VSTR *line, size_t limit);

/* Read up to len bytes (buffered first); >0, or an error code. */
ssize_t netio_read(NETIO *nio, void *buf, size_t len);

/* Buffered input without copying: fill if empty, then point at it. */
ssize_t netio_peek(NETIO *nio, const char **data);
void netio_consume(NETIO *nio, size_t len);

/* Bytes already received and not yet consumed. */
size_t netio_pending(const NETIO *nio);
void netio_discard_input(NETIO *nio);

/* Buffered output; 0 or an error code. */
int netio_write(NETIO *nio, const void *buf, size_t len);
int netio_printf(NETIO *nio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int netio_flush(NETIO *nio);

#endif
