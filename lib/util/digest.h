/*
 * digest.h - SHA-256 of message bytes, as lowercase hex (the message id).
 */
#ifndef MAILARC_DIGEST_H
#define MAILARC_DIGEST_H

#include <stddef.h>

#define DIGEST_LEN 32
#define DIGEST_HEXLEN 64

typedef struct digest DIGEST;

DIGEST *digest_create(void);
void digest_update(DIGEST *d, const void *data, size_t len);
void digest_final(DIGEST *d, unsigned char out[DIGEST_LEN]);   /* also frees d */
void digest_buffer(const void *data, size_t len, unsigned char out[DIGEST_LEN]);
void digest_hex(const unsigned char bin[DIGEST_LEN], char hex[DIGEST_HEXLEN + 1]);
int digest_unhex(const char *hex, unsigned char bin[DIGEST_LEN]);    /* 0 ok */
int digest_is_hex(const char *s, size_t minlen, size_t maxlen);

/* The value of one hex digit (either case), or -1. */
int digest_hexval(int c);

#endif
