/*
 * utf8.c - UTF-8 decoding, encoding and validation (see utf8.h).
 */
#include "utf8.h"

size_t utf8_next(const unsigned char *s, size_t len, unsigned *cp)
{
    unsigned c = s[0];
    size_t  n;
    unsigned v;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        v = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        v = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        v = c & 0x07;
    } else {
        *cp = 0xfffd;
        return 1;
    }
    if (len < n) {
        *cp = 0xfffd;
        return 1;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *cp = 0xfffd;
            return 1;
        }
        v = v << 6 | (s[i] & 0x3f);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are invalid. */
    if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10ffff))
        || (v >= 0xd800 && v <= 0xdfff)) {
        *cp = 0xfffd;
        return 1;
    }
    *cp = v;
    return n;
}

void utf8_put(VSTR *out, unsigned cp)
{
    char    b[4];

    if (cp < 0x80) {
        vstr_addch(out, (int) cp);
    } else if (cp < 0x800) {
        b[0] = (char) (0xc0 | cp >> 6);
        b[1] = (char) (0x80 | (cp & 0x3f));
        vstr_add(out, b, 2);
    } else if (cp < 0x10000) {
        b[0] = (char) (0xe0 | cp >> 12);
        b[1] = (char) (0x80 | ((cp >> 6) & 0x3f));
        b[2] = (char) (0x80 | (cp & 0x3f));
        vstr_add(out, b, 3);
    } else {
        b[0] = (char) (0xf0 | cp >> 18);
        b[1] = (char) (0x80 | ((cp >> 12) & 0x3f));
        b[2] = (char) (0x80 | ((cp >> 6) & 0x3f));
        b[3] = (char) (0x80 | (cp & 0x3f));
        vstr_add(out, b, 4);
    }
}

void utf8_clean(const char *in, size_t len, VSTR *out)
{
    const unsigned char *s = (const unsigned char *) in;
    size_t  i = 0;

    while (i < len) {
        size_t  start = i;

        while (i < len && s[i] < 0x80 && s[i] != 0)
            i++;
        vstr_add(out, in + start, i - start);
        if (i < len) {
            unsigned cp;
            size_t  n = utf8_next(s + i, len - i, &cp);

            utf8_put(out, cp ? cp : 0xfffd);
            i += n;
        }
    }
}

size_t utf8_bidi_len(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *) s;

    if (len >= 2 && u[0] == 0xd8 && u[1] == 0x9c)
        return 2;                       /* U+061C ARABIC LETTER MARK */
    if (len >= 3 && u[0] == 0xe2 && u[1] == 0x80
        && (u[2] == 0x8e || u[2] == 0x8f || (u[2] >= 0xaa && u[2] <= 0xae)))
        return 3;                       /* U+200E, U+200F, U+202A..U+202E */
    if (len >= 3 && u[0] == 0xe2 && u[1] == 0x81 && u[2] >= 0xa6 && u[2] <= 0xa9)
        return 3;                       /* U+2066..U+2069 */
    return 0;
}
