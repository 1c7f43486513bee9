/*
 * tlsclient.c - TCP connect and TLS handshake for clients (see tlsclient.h).
 */
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "tlsclient.h"

int tlsc_connect(const char *what, const char *host, const char *port, int timeout, char *err,
                 size_t errlen)
{
    struct addrinfo hints = {0}, *res = 0, *ai;
    struct timeval tv = {timeout, 0};
    int     fd = -1, rc;

    hints.ai_socktype = SOCK_STREAM;
    if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
        snprintf(err, errlen, "%s %s:%s: %s", what, host, port, gai_strerror(rc));
        return -1;
    }
    snprintf(err, errlen, "%s %s:%s: cannot connect", what, host, port);
    for (ai = res; ai; ai = ai->ai_next) {
        if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol)) < 0)
            continue;
        /* Linux bounds connect() by the send timeout. */
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        snprintf(err, errlen, "%s %s:%s: %m", what, host, port);
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

int tlsc_start(TLSC *t, NETIO *nio, const char *host, int verify, const char *ca_file,
               char *err, size_t errlen)
{
    memset(t, 0, sizeof(*t));
    if ((t->ctx = SSL_CTX_new(TLS_client_method())) == 0 || (t->ssl = SSL_new(t->ctx)) == 0) {
        snprintf(err, errlen, "TLS: %s", ERR_reason_error_string(ERR_get_error()));
        return -1;
    }
    SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
    if (host && *host)
        SSL_set_tlsext_host_name(t->ssl, host);
    if (verify) {
        if (ca_file && *ca_file) {
            if (SSL_CTX_load_verify_locations(t->ctx, ca_file, 0) != 1) {
                snprintf(err, errlen, "TLS: cannot load %s: %s", ca_file,
                         ERR_reason_error_string(ERR_get_error()));
                return -1;
            }
        } else {
            SSL_CTX_set_default_verify_paths(t->ctx);
        }
        SSL_set_verify(t->ssl, SSL_VERIFY_PEER, 0);
        if (host && *host)
            SSL_set1_host(t->ssl, host);
    }
    SSL_set_fd(t->ssl, netio_fd(nio));
    if (SSL_connect(t->ssl) != 1) {
        long    v = SSL_get_verify_result(t->ssl);

        snprintf(err, errlen, "TLS handshake failed: %s",
                 v != X509_V_OK ? X509_verify_cert_error_string(v)
                 : ERR_reason_error_string(ERR_get_error()));
        return -1;
    }
    netio_set_ssl(nio, t->ssl);
    return 0;
}

void tlsc_free(TLSC *t)
{
    if (t->ssl)
        SSL_free(t->ssl);
    if (t->ctx)
        SSL_CTX_free(t->ctx);
    memset(t, 0, sizeof(*t));
}
