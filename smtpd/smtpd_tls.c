/*
 * smtpd_tls.c - STARTTLS for mailarc-smtpd with OpenSSL.
 *
 * The context is built once per process from smtp_tls_cert/smtp_tls_key
 * (a bad file is fatal at start, not at the first client); TLS 1.2 is the
 * minimum.  The negotiated protocol and cipher go into the envelope.
 */
#include <errno.h>
#include <openssl/err.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "smtpd_session.h"

SSL_CTX *smtpd_tls_init(const CONFIG *cfg)
{
    SSL_CTX *ctx;

    if (*cfg->smtp_tls_cert == 0)
        return 0;
    if (access(cfg->smtp_tls_cert, R_OK) < 0)
        msg_fatal("smtp_tls_cert %s: %s", cfg->smtp_tls_cert, strerror(errno));
    if (access(cfg->smtp_tls_key, R_OK) < 0)
        msg_fatal("smtp_tls_key %s: %s", cfg->smtp_tls_key, strerror(errno));
    if ((ctx = SSL_CTX_new(TLS_server_method())) == 0)
        msg_fatal("cannot create TLS context");
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
    if (SSL_CTX_use_certificate_chain_file(ctx, cfg->smtp_tls_cert) != 1)
        msg_fatal("%s: cannot load certificate: %s", cfg->smtp_tls_cert,
                  ERR_reason_error_string(ERR_get_error()));
    if (SSL_CTX_use_PrivateKey_file(ctx, cfg->smtp_tls_key, SSL_FILETYPE_PEM) != 1)
        msg_fatal("%s: cannot load private key: %s", cfg->smtp_tls_key,
                  ERR_reason_error_string(ERR_get_error()));
    if (SSL_CTX_check_private_key(ctx) != 1)
        msg_fatal("%s does not match %s", cfg->smtp_tls_key, cfg->smtp_tls_cert);
    return ctx;
}

int smtpd_tls_start(SMTPD_STATE *st, char *desc, size_t desclen)
{
    SSL    *ssl = SSL_new(st->tls_ctx);

    if (ssl == 0 || SSL_set_fd(ssl, netio_fd(st->nio)) != 1 || SSL_accept(ssl) != 1) {
        msg_info("TLS handshake with %s failed: %s", st->client,
                 ERR_reason_error_string(ERR_get_error()));
        if (ssl)
            SSL_free(ssl);
        return -1;
    }
    netio_set_ssl(st->nio, ssl);
    snprintf(desc, desclen, "%s %s", SSL_get_version(ssl), SSL_get_cipher_name(ssl));
    return 0;
}
