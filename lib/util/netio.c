/*
 * netio.c - bounded, deadline-limited network I/O (see netio.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mymalloc.h"
#include "netio.h"

#define NETIO_BUFSIZE 65536

struct netio {
    int     fd;
    int     timeout;
    SSL    *ssl;
    char   *in;
    size_t  in_off;
    size_t  in_len;
    VSTR   *out;
    volatile sig_atomic_t *intr;
};

NETIO *netio_create(int fd, int timeout)
{
    NETIO  *nio = mycalloc(1, sizeof(*nio));

    nio->fd = fd;
    nio->timeout = timeout;
    nio->in = mymalloc(NETIO_BUFSIZE);
    nio->out = vstr_alloc(4096);
    return nio;
}

void netio_free(NETIO *nio)
{
    myfree(nio->in);
    vstr_free(nio->out);
    myfree(nio);
}

int netio_fd(const NETIO *nio)
{
    return nio->fd;
}

void netio_set_timeout(NETIO *nio, int timeout)
{
    nio->timeout = timeout;
}

void netio_set_ssl(NETIO *nio, SSL *ssl)
{
    nio->ssl = ssl;
}

void netio_set_interrupt(NETIO *nio, volatile sig_atomic_t *flag)
{
    nio->intr = flag;
}

SSL    *netio_ssl(const NETIO *nio)
{
    return nio->ssl;
}

size_t netio_pending(const NETIO *nio)
{
    return nio->in_len - nio->in_off;
}

void netio_discard_input(NETIO *nio)
{
    nio->in_off = nio->in_len = 0;
}

static long netio_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Wait until fd is ready or the deadline passes. */
static int netio_wait(NETIO *nio, short events, long deadline)
{
    for (;;) {
        long    left = deadline - netio_now_ms();
        struct pollfd pfd = {nio->fd, events, 0};
        int     n;

        if ((events & POLLIN) && nio->intr && *nio->intr)
            return NETIO_INTR;
        if (left <= 0)
            return NETIO_TIMEOUT;
        n = poll(&pfd, 1, (int) left);
        if (n > 0)
            return NETIO_OK;
        if (n == 0)
            return NETIO_TIMEOUT;
        if (errno != EINTR)
            return NETIO_ERROR;
    }
}

/* Refill the input buffer; NETIO_OK or an error. */
static int netio_fill(NETIO *nio, long deadline)
{
    for (;;) {
        ssize_t n;

        if (!(nio->ssl && SSL_pending(nio->ssl))) {
            int     w = netio_wait(nio, POLLIN, deadline);

            if (w != NETIO_OK)
                return w;
        }
        if (nio->ssl) {
            n = SSL_read(nio->ssl, nio->in, NETIO_BUFSIZE);
            if (n <= 0) {
                int     e = SSL_get_error(nio->ssl, (int) n);

                if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
                    continue;
                return e == SSL_ERROR_ZERO_RETURN ? NETIO_EOF : NETIO_ERROR;
            }
        } else {
            n = read(nio->fd, nio->in, NETIO_BUFSIZE);
            if (n < 0) {
                if (errno == EINTR || errno == EAGAIN)
                    continue;
                return NETIO_ERROR;
            }
            if (n == 0)
                return NETIO_EOF;
        }
        nio->in_off = 0;
        nio->in_len = (size_t) n;
        return NETIO_OK;
    }
}

int netio_getline(NETIO *nio, VSTR *line, size_t limit)
{
    long    deadline = netio_now_ms() + nio->timeout * 1000L;
    int     toolong = 0;

    vstr_reset(line);
    for (;;) {
        char   *start;
        char   *lf;
        size_t  avail;
        size_t  take;

        if (nio->in_off == nio->in_len) {
            int     r = netio_fill(nio, deadline);

            if (r != NETIO_OK)
                return r;
        }
        start = nio->in + nio->in_off;
        avail = nio->in_len - nio->in_off;
        lf = memchr(start, '\n', avail);
        take = lf ? (size_t) (lf - start) + 1 : avail;
        if (!toolong) {
            vstr_add(line, start, take);
            if (line->len > limit + 2) {
                toolong = 1;
                vstr_reset(line);
            }
        }
        nio->in_off += take;
        if (lf)
            break;
    }
    if (toolong)
        return NETIO_TOOLONG;
    vstr_truncate(line, line->len - 1);
    if (line->len && line->s[line->len - 1] == '\r')
        vstr_truncate(line, line->len - 1);
    if (line->len > limit)
        return NETIO_TOOLONG;
    return NETIO_OK;
}

ssize_t netio_read(NETIO *nio, void *buf, size_t len)
{
    size_t  avail;

    if (nio->in_off == nio->in_len) {
        int     r = netio_fill(nio, netio_now_ms() + nio->timeout * 1000L);

        if (r != NETIO_OK)
            return r;
    }
    avail = nio->in_len - nio->in_off;
    if (len > avail)
        len = avail;
    memcpy(buf, nio->in + nio->in_off, len);
    nio->in_off += len;
    return (ssize_t) len;
}

ssize_t netio_peek(NETIO *nio, const char **data)
{
    if (nio->in_off == nio->in_len) {
        int     r = netio_fill(nio, netio_now_ms() + nio->timeout * 1000L);

        if (r != NETIO_OK)
            return r;
    }
    *data = nio->in + nio->in_off;
    return (ssize_t) (nio->in_len - nio->in_off);
}

void netio_consume(NETIO *nio, size_t len)
{
    nio->in_off += len;
}

int netio_write(NETIO *nio, const void *buf, size_t len)
{
    vstr_add(nio->out, buf, len);
    if (nio->out->len >= NETIO_BUFSIZE)
        return netio_flush(nio);
    return NETIO_OK;
}

int netio_printf(NETIO *nio, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vstr_vsprintf_append(nio->out, fmt, ap);
    va_end(ap);
    if (nio->out->len >= NETIO_BUFSIZE)
        return netio_flush(nio);
    return NETIO_OK;
}

int netio_flush(NETIO *nio)
{
    long    deadline = netio_now_ms() + nio->timeout * 1000L;
    size_t  off = 0;

    while (off < nio->out->len) {
        ssize_t n;
        int     w = netio_wait(nio, POLLOUT, deadline);

        if (w != NETIO_OK)
            return w;
        if (nio->ssl) {
            n = SSL_write(nio->ssl, nio->out->s + off, (int) (nio->out->len - off));
            if (n <= 0) {
                int     e = SSL_get_error(nio->ssl, (int) n);

                if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
                    continue;
                return NETIO_ERROR;
            }
        } else {
            n = write(nio->fd, nio->out->s + off, nio->out->len - off);
            if (n < 0) {
                if (errno == EINTR || errno == EAGAIN)
                    continue;
                return NETIO_ERROR;
            }
        }
        off += (size_t) n;
    }
    vstr_reset(nio->out);
    return NETIO_OK;
}
