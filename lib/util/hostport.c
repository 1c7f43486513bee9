/*
 * hostport.c - parse, bind and connect "host:port" endpoints.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hostport.h"
#include "mymalloc.h"

int hostport_split(const char *text, char **host, char **port)
{
    const char *colon;
    const char *h;
    size_t  hlen;
    char   *end;
    long    p;

    while (*text == ' ' || *text == '\t')
        text++;
    if (*text == '[') {
        const char *rb = strchr(text, ']');

        if (rb == 0 || rb[1] != ':')
            return -1;
        h = text + 1;
        hlen = (size_t) (rb - h);
        colon = rb + 1;
    } else {
        if ((colon = strrchr(text, ':')) == 0)
            return -1;
        h = text;
        hlen = (size_t) (colon - text);
        if (memchr(h, ':', hlen))
            return -1;
    }
    p = strtol(colon + 1, &end, 10);
    if (colon[1] == 0 || *end || p < 1 || p > 65535 || hlen == 0)
        return -1;
    *host = mystrndup(h, hlen);
    *port = mystrdup(colon + 1);
    return 0;
}

int hostport_list_check(const char *text, char *err, size_t errlen)
{
    char   *copy = mystrdup(text);
    char   *save = 0;
    int     ret = 0;

    for (char *t = strtok_r(copy, ", \t", &save); t; t = strtok_r(0, ", \t", &save)) {
        char   *h;
        char   *p;

        if (hostport_split(t, &h, &p) < 0) {
            snprintf(err, errlen, "\"%s\" is not host:port", t);
            ret = -1;
            break;
        }
        myfree(h);
        myfree(p);
    }
    myfree(copy);
    return ret;
}

/* Resolve an endpoint to its first address; 0, or -1 with err set. */
static int hostport_resolve(const char *endpoint, int passive, struct addrinfo **res,
                            char *err, size_t errlen)
{
    struct addrinfo hints = {0};
    char   *host;
    char   *port;
    int     rc;

    if (hostport_split(endpoint, &host, &port) < 0) {
        snprintf(err, errlen, "\"%s\" is not host:port", endpoint);
        return -1;
    }
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
    rc = getaddrinfo(host, port, &hints, res);
    myfree(host);
    myfree(port);
    if (rc != 0) {
        snprintf(err, errlen, "%s: %s", endpoint, gai_strerror(rc));
        return -1;
    }
    return 0;
}

int hostport_listen(const char *endpoint, int backlog, char *err, size_t errlen)
{
    struct addrinfo *res;
    int     fd = -1;
    int     on = 1;
    int     saved = 0;

    if (hostport_resolve(endpoint, 1, &res, err, errlen) < 0) {
        errno = EINVAL;
        return -1;
    }
    if ((fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, 0)) < 0
        || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0
        || bind(fd, res->ai_addr, res->ai_addrlen) < 0
        || listen(fd, backlog) < 0) {
        saved = errno;
        snprintf(err, errlen, "%s: %s", endpoint, strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    errno = saved;                      /* the caller retries EADDRINUSE */
    return fd;
}

int hostport_milter(const char *text, char *out, size_t outlen, char *err, size_t errlen)
{
    char   *host, *port;
    int     n;

    if (strncmp(text, "unix:", 5) == 0) {
        if (text[5] != '/' || strlen(text) - 5 >= 108) {
            snprintf(err, errlen, "\"%s\": unix: needs an absolute path of at most 107 bytes",
                     text);
            return -1;
        }
        n = snprintf(out, outlen, "%s", text);
    } else if (strncmp(text, "inet:", 5) == 0) {
        if (hostport_split(text + 5, &host, &port) < 0) {
            snprintf(err, errlen, "\"%s\": expected inet:HOST:PORT or inet:[V6ADDR]:PORT", text);
            return -1;
        }
        /* libmilter's own spelling: inet:PORT@HOST, inet6:PORT@HOST. */
        n = snprintf(out, outlen, "%s:%s@%s", strchr(host, ':') ? "inet6" : "inet", port, host);
        myfree(host);
        myfree(port);
    } else {
        snprintf(err, errlen, "\"%s\": expected inet:HOST:PORT or unix:PATH", text);
        return -1;
    }
    if (n < 0 || (size_t) n >= outlen) {
        snprintf(err, errlen, "\"%s\": too long", text);
        return -1;
    }
    return 0;
}
