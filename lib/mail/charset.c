/*
 * charset.c - charset conversion with glibc iconv (see charset.h).
 */
#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "charset.h"

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
        utf8_clean(in, len, out);
        return;
    }
    /* Latin-1 as windows-1252: what mail clients actually mean. */
    if (strcasecmp(charset, "iso-8859-1") == 0 || strcasecmp(charset, "latin1") == 0)
        charset = "WINDOWS-1252";
    if ((cd = iconv_open("UTF-8", charset)) == (iconv_t) - 1) {
        utf8_clean(in, len, out);
        return;
    }
    while (ileft > 0) {
        char   *op = buf;
        size_t  oleft = sizeof(buf);
        size_t  r = iconv(cd, &ip, &ileft, &op, &oleft);

        utf8_clean(buf, sizeof(buf) - oleft, out);
        if (r == (size_t) -1) {
            if (errno == E2BIG)
                continue;
            /* Invalid or incomplete input: one replacement, skip a byte. */
            utf8_put(out, 0xfffd);
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
        size_t  n = utf8_next(s + i, len - i, &cp);

        if (cp == 0xfffd && !(n == 3 && s[i] == 0xef)) {
            charset_to_utf8("WINDOWS-1252", in, len, out);
            return;
        }
        i += n;
    }
    utf8_clean(in, len, out);
}

void charset_display_clean(const char *in, size_t len, VSTR *out)
{
    VSTR   *clean = vstr_alloc(len + 16);

    utf8_clean(in, len, clean);
    for (size_t i = 0; i < clean->len; i++) {
        unsigned char c = (unsigned char) clean->s[i];
        size_t  b;

        if (c >= 0xd8 && (b = utf8_bidi_len(clean->s + i, clean->len - i)) > 0) {
            vstr_addstr(out, "\xef\xbf\xbd");
            i += b - 1;
        } else if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f)
            vstr_addstr(out, "\xef\xbf\xbd");
        else if (c != '\r')
            vstr_addch(out, c);
    }
    vstr_free(clean);
}
