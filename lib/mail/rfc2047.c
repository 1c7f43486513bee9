/*
 * rfc2047.c - encoded-word decoding (see rfc2047.h).
 */
#include <ctype.h>
#include <string.h>

#include "charset.h"
#include "decode.h"
#include "digest.h"
#include "rfc2047.h"

static void decode_q(const char *s, size_t len, VSTR *out)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '_') {
            vstr_addch(out, ' ');
        } else if (s[i] == '=' && i + 2 < len && digest_hexval(s[i + 1]) >= 0 && digest_hexval(s[i + 2]) >= 0) {
            vstr_addch(out, digest_hexval(s[i + 1]) << 4 | digest_hexval(s[i + 2]));
            i += 2;
        } else {
            vstr_addch(out, s[i]);
        }
    }
}

/*
 * An encoded word is at most 75 characters and holds no white space
 * (RFC 2047 section 2): the search for its end stops at either, so a value
 * full of unterminated "=?" costs a bounded look at each, never a scan to
 * the end of the value.
 */
#define RFC2047_MAX_WORD 75

/* Try an encoded word at s; returns its length, or 0 if it is not one. */
static size_t encoded_word(const char *s, size_t len, VSTR *out)
{
    const char *cs, *enc, *text, *end, *stop;
    char    charset[64];
    size_t  cslen;
    VSTR   *raw;

    if (len < 8 || s[0] != '=' || s[1] != '?')
        return 0;
    stop = s + (len < RFC2047_MAX_WORD ? len : RFC2047_MAX_WORD);
    cs = s + 2;
    if ((enc = memchr(cs, '?', (size_t) (stop - cs))) == 0 || enc + 3 > stop || enc[2] != '?')
        return 0;
    text = enc + 3;
    end = text;
    while (end + 1 < stop && !(end[0] == '?' && end[1] == '=')) {
        if (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
            return 0;
        end++;
    }
    if (end + 1 >= stop)
        return 0;
    cslen = (size_t) (enc - cs);
    if (cslen == 0 || cslen >= sizeof(charset))
        return 0;
    memcpy(charset, cs, cslen);
    charset[cslen] = 0;
    /* RFC 2231 language suffix: charset*lang */
    if (strchr(charset, '*'))
        *strchr(charset, '*') = 0;
    raw = vstr_alloc(end - text + 1);
    switch (toupper((unsigned char) enc[1])) {
    case 'B': decode_base64(text, (size_t) (end - text), raw); break;
    case 'Q': decode_q(text, (size_t) (end - text), raw); break;
    default:
        vstr_free(raw);
        return 0;
    }
    charset_to_utf8(charset, raw->s, raw->len, out);
    vstr_free(raw);
    return (size_t) (end + 2 - s);
}

void rfc2047_decode(const char *in, size_t len, VSTR *out)
{
    size_t  i = 0;
    size_t  plain = 0;
    int     last_was_word = 0;

    while (i < len) {
        size_t  n;

        if (in[i] == '=' && i + 1 < len && in[i + 1] == '?') {
            size_t  mark = out->len;

            n = encoded_word(in + i, len - i, out);
            if (n > 0) {
                /* Flush plain text before it, unless it is only the gap
                 * between two encoded words. */
                int     gap_only = last_was_word;

                for (size_t k = plain; k < i && gap_only; k++)
                    if (!strchr(" \t\r\n", in[k]))
                        gap_only = 0;
                if (!gap_only && i > plain) {
                    VSTR   *tmp = vstr_alloc(out->len - mark + 1);

                    vstr_add(tmp, out->s + mark, out->len - mark);
                    vstr_truncate(out, mark);
                    charset_raw_to_utf8(in + plain, i - plain, out);
                    vstr_add(out, tmp->s, tmp->len);
                    vstr_free(tmp);
                }
                i += n;
                plain = i;
                last_was_word = 1;
                continue;
            }
        }
        if (!strchr(" \t\r\n", in[i]))
            last_was_word = 0;
        i++;
    }
    if (plain < len)
        charset_raw_to_utf8(in + plain, len - plain, out);
}
