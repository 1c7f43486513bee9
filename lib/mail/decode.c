/*
 * decode.c - base64 and quoted-printable (see decode.h).
 */
#include <string.h>

#include "decode.h"
#include "digest.h"

static int b64(int c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

void decode_base64(const char *in, size_t len, VSTR *out)
{
    unsigned acc = 0;
    int     bits = 0;
    unsigned char *o;

    vstr_reserve(out, len / 4 * 3 + 3);
    o = (unsigned char *) out->s + out->len;
    for (size_t i = 0; i < len; i++) {
        int     v;

        if (in[i] == '=')
            break;                      /* padding ends the data */
        if ((v = b64((unsigned char) in[i])) < 0)
            continue;
        acc = (acc << 6 | (unsigned) v) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            *o++ = (unsigned char) ((acc >> bits) & 0xff);
        }
    }
    out->len = (size_t) ((char *) o - out->s);     /* within the reserve */
    out->s[out->len] = 0;
}

/* 1 for the bytes of the alphabet: counting by table runs at memory speed
 * over the attachments an indexer only sizes. */
static const char B64_IN[256] =
    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
    "\0\0\0\0\0\0\0\0\0\0\0\1\0\0\0\1\1\1\1\1\1\1\1\1\1\1\0\0\0\0\0\0"
    "\0\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\0\0\0\0\0"
    "\0\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\0\0\0\0\0";

size_t decode_base64_size(const char *in, size_t len)
{
    const char *pad = memchr(in, '=', len);
    size_t  end = pad ? (size_t) (pad - in) : len, n = 0;

    for (size_t i = 0; i < end; i++)
        n += (size_t) B64_IN[(unsigned char) in[i]];
    return n * 6 / 8;
}

void decode_qp(const char *in, size_t len, VSTR *out)
{
    vstr_reserve(out, len);
    for (size_t i = 0; i < len; i++) {
        if (in[i] != '=') {
            vstr_addch(out, in[i]);
            continue;
        }
        if (i + 2 < len && in[i + 1] == '\r' && in[i + 2] == '\n') {
            i += 2;                     /* soft line break */
        } else if (i + 1 < len && in[i + 1] == '\n') {
            i += 1;
        } else if (i + 2 < len && digest_hexval(in[i + 1]) >= 0 && digest_hexval(in[i + 2]) >= 0) {
            vstr_addch(out, digest_hexval(in[i + 1]) << 4 | digest_hexval(in[i + 2]));
            i += 2;
        } else {
            /* "=" followed by trailing blanks then a line end is a soft break too. */
            size_t  j = i + 1;

            while (j < len && (in[j] == ' ' || in[j] == '\t'))
                j++;
            if (j < len && (in[j] == '\n' || (in[j] == '\r' && j + 1 < len && in[j + 1] == '\n'))) {
                i = in[j] == '\n' ? j : j + 1;
                continue;
            }
            vstr_addch(out, '=');
        }
    }
}
