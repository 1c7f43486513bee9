/*
 * xtext.c - stored extraction results (see xtext.h).
 */
#include <stdint.h>

#include "xtext.h"

static void xtext_put32(VSTR *out, size_t n)
{
    for (int i = 3; i >= 0; i--)
        vstr_addch(out, (int) ((n >> (8 * i)) & 0xff));
}

static size_t xtext_get32(const unsigned char *p)
{
    return (size_t) p[0] << 24 | (size_t) p[1] << 16 | (size_t) p[2] << 8 | p[3];
}

void xtext_add(VSTR *out, char kind, const char *name, const char *data, size_t len)
{
    size_t  nlen = 0;

    while (name[nlen])
        nlen++;
    vstr_addch(out, kind);
    xtext_put32(out, nlen);
    vstr_add(out, name, nlen);
    xtext_put32(out, len);
    vstr_add(out, data, len);
}

int xtext_each(const void *entry, size_t len, XTEXT_FN fn, void *ctx)
{
    const unsigned char *p = entry, *end = p + len;

    while (p < end) {
        size_t  nlen, dlen;
        const unsigned char *name, *data;

        if (end - p < 9 || (p[0] != 'T' && p[0] != 'F'))
            return -1;
        nlen = xtext_get32(p + 1);
        name = p + 5;
        if ((size_t) (end - name) < nlen + 4)
            return -1;
        dlen = xtext_get32(name + nlen);
        data = name + nlen + 4;
        if ((size_t) (end - data) < dlen)
            return -1;
        fn((char) p[0], (const char *) name, nlen, (const char *) data, dlen, ctx);
        p = data + dlen;
    }
    return 0;
}

static void xtext_count(char kind, const char *name, size_t nlen, const char *data, size_t len,
                        void *ctx)
{
    (void) name, (void) nlen, (void) data, (void) len;
    if (kind == 'F')
        (*(size_t *) ctx)++;
}

size_t xtext_failures(const void *entry, size_t len)
{
    size_t  n = 0;

    xtext_each(entry, len, xtext_count, &n);
    return n;
}
