/*
 * charset.c - charset conversion with glibc iconv (see charset.h).
 */
#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "charset.h"

size_t charset_utf8_next(const unsigned char *s, size_t len, unsigned *cp)
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

void charset_utf8_put(VSTR *out, unsigned cp)
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

void charset_utf8_clean(const char *in, size_t len, VSTR *out)
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
            size_t  n = charset_utf8_next(s + i, len - i, &cp);

            charset_utf8_put(out, cp ? cp : 0xfffd);
            i += n;
        }
    }
}

static int charset_is_utf8(const char *cs)
{
    return strcasecmp(cs, "utf-8") == 0 || strcasecmp(cs, "utf8") == 0
        || strcasecmp(cs, "us-ascii") == 0 || strcasecmp(cs, "ascii") == 0 || *cs == 0;
}

void charset_to_utf8(const char *charset, const char *in, size_t len, VSTR *out)
{
    iconv_t cd;
    char   *ip = (char *) in;
    size_t  ileft = len;
    char    buf[4096];

    if (charset_is_utf8(charset)) {
        charset_utf8_clean(in, len, out);
        return;
    }
    /* Latin-1 as windows-1252: what mail clients actually mean. */
    if (strcasecmp(charset, "iso-8859-1") == 0 || strcasecmp(charset, "latin1") == 0)
        charset = "WINDOWS-1252";
    if ((cd = iconv_open("UTF-8", charset)) == (iconv_t) - 1) {
        charset_utf8_clean(in, len, out);
        return;
    }
    while (ileft > 0) {
        char   *op = buf;
        size_t  oleft = sizeof(buf);
        size_t  r = iconv(cd, &ip, &ileft, &op, &oleft);

        charset_utf8_clean(buf, sizeof(buf) - oleft, out);
        if (r == (size_t) -1) {
            if (errno == E2BIG)
                continue;
            /* Invalid or incomplete input: one replacement, skip a byte. */
            charset_utf8_put(out, 0xfffd);
            ip++;
            ileft--;
            iconv(cd, 0, 0, 0, 0);
        }
    }
    iconv_close(cd);
}

void charset_raw_to_utf8(const char *in, size_t len, VSTR *out)
{
    const unsigned char *s = (const unsigned char *) in;

    for (size_t i = 0; i < len;) {
        unsigned cp;
        size_t  n = charset_utf8_next(s + i, len - i, &cp);

        if (cp == 0xfffd && !(n == 3 && s[i] == 0xef)) {
            charset_to_utf8("WINDOWS-1252", in, len, out);
            return;
        }
        i += n;
    }
    charset_utf8_clean(in, len, out);
}

size_t charset_bidi_len(const char *s, size_t len)
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

void charset_display_clean(const char *in, size_t len, VSTR *out)
{
    VSTR   *clean = vstr_alloc(len + 16);

    charset_utf8_clean(in, len, clean);
    for (size_t i = 0; i < clean->len; i++) {
        unsigned char c = (unsigned char) clean->s[i];
        size_t  b;

        if (c >= 0xd8 && (b = charset_bidi_len(clean->s + i, clean->len - i)) > 0) {
            vstr_addstr(out, "\xef\xbf\xbd");
            i += b - 1;
        } else if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f)
            vstr_addstr(out, "\xef\xbf\xbd");
        else if (c != '\r')
            vstr_addch(out, c);
    }
    vstr_free(clean);
}
