/*
 * digest.c - SHA-256 through OpenSSL's EVP interface.
 */
#include <openssl/evp.h>
#include <string.h>

#include "digest.h"
#include "msg.h"

struct digest {
    EVP_MD_CTX *ctx;
};

DIGEST *digest_create(void)
{
    DIGEST *d;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();

    if (ctx == 0 || EVP_DigestInit_ex(ctx, EVP_sha256(), 0) != 1)
        msg_panic("cannot initialize SHA-256");
    d = (DIGEST *) ctx;             /* the context is the whole state */
    return d;
}

void digest_update(DIGEST *d, const void *data, size_t len)
{
    if (EVP_DigestUpdate((EVP_MD_CTX *) d, data, len) != 1)
        msg_panic("SHA-256 update failed");
}

void digest_final(DIGEST *d, unsigned char out[DIGEST_LEN])
{
    unsigned int n = 0;

    if (EVP_DigestFinal_ex((EVP_MD_CTX *) d, out, &n) != 1 || n != DIGEST_LEN)
        msg_panic("SHA-256 final failed");
    EVP_MD_CTX_free((EVP_MD_CTX *) d);
}

void digest_buffer(const void *data, size_t len, unsigned char out[DIGEST_LEN])
{
    DIGEST *d = digest_create();

    digest_update(d, data, len);
    digest_final(d, out);
}

void digest_hex(const unsigned char bin[DIGEST_LEN], char hex[DIGEST_HEXLEN + 1])
{
    static const char x[] = "0123456789abcdef";

    for (int i = 0; i < DIGEST_LEN; i++) {
        hex[2 * i] = x[bin[i] >> 4];
        hex[2 * i + 1] = x[bin[i] & 15];
    }
    hex[DIGEST_HEXLEN] = 0;
}

int digest_hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int digest_unhex(const char *hex, unsigned char bin[DIGEST_LEN])
{
    if (strlen(hex) != DIGEST_HEXLEN)
        return -1;
    for (int i = 0; i < DIGEST_LEN; i++) {
        int     hi = digest_hexval(hex[2 * i]);
        int     lo = digest_hexval(hex[2 * i + 1]);

        if (hi < 0 || lo < 0)
            return -1;
        bin[i] = (unsigned char) (hi << 4 | lo);
    }
    return 0;
}

int digest_is_hex(const char *s, size_t minlen, size_t maxlen)
{
    size_t  n = strlen(s);

    if (n < minlen || n > maxlen)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (digest_hexval(s[i]) < 0)
            return 0;
    return 1;
}
