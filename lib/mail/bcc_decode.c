/*
 * bcc_decode.c - envelope recipients encoded by a Postfix bcc map (see
 * bcc_decode.h).
 */
#include <string.h>
#include <strings.h>

#include "bcc_decode.h"

/* RFC 5321 atext, plus 8-bit bytes (SMTPUTF8). */
static int bcc_atext(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c >= 0x80 || strchr("!#$%&'*+-/=?^_`{|}~", c) != 0;
}

/* Is local[0..len) a dot-atom (needs no quotes)? */
static int bcc_dot_atom(const char *local, size_t len)
{
    if (len == 0 || local[0] == '.' || local[len - 1] == '.')
        return 0;
    for (size_t i = 0; i < len; i++) {
        if (local[i] == '.') {
            if (local[i + 1] == '.')
                return 0;
        } else if (!bcc_atext((unsigned char) local[i])) {
            return 0;
        }
    }
    return 1;
}

static int bcc_domain_ok(const char *d, size_t len)
{
    if (len == 0)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) d[i];

        if (c <= ' ' || c == 0x7f || c == '@' || c == '"' || c == '\\' || c == '<' || c == '>')
            return 0;
    }
    return 1;
}

BCC_RESULT bcc_decode(const char *addr, const char *domain, VSTR *out)
{
    const char *at = strrchr(addr, '@');
    const char *plus, *eq;
    VSTR   *local;
    size_t  n;

    vstr_reset(out);
    if (at == 0 || *domain == 0 || strcasecmp(at + 1, domain) != 0)
        return BCC_OTHER;

    /* The local part as Postfix meant it: unquoted. */
    local = vstr_alloc((size_t) (at - addr) + 1);
    n = (size_t) (at - addr);
    if (n >= 2 && addr[0] == '"' && addr[n - 1] == '"') {
        for (size_t i = 1; i + 1 < n; i++) {
            if (addr[i] == '\\' && i + 2 < n)
                i++;
            vstr_addch(local, addr[i]);
        }
    } else {
        vstr_add(local, addr, n);
    }

    plus = memchr(local->s, '+', local->len);
    eq = 0;
    if (plus)
        for (const char *p = plus + 1; p < local->s + local->len; p++)
            if (*p == '=')
                eq = p;
    if (plus == 0 || eq == 0 || eq == plus + 1
        || !bcc_domain_ok(eq + 1, (size_t) (local->s + local->len - eq - 1))) {
        vstr_free(local);
        return BCC_UNDECODABLE;
    }

    n = (size_t) (eq - plus - 1);
    if (bcc_dot_atom(plus + 1, n)) {
        vstr_add(out, plus + 1, n);
    } else {
        vstr_addch(out, '"');
        for (size_t i = 0; i < n; i++) {
            if (plus[1 + i] == '"' || plus[1 + i] == '\\')
                vstr_addch(out, '\\');
            vstr_addch(out, plus[1 + i]);
        }
        vstr_addch(out, '"');
    }
    vstr_addch(out, '@');
    vstr_addstr(out, eq + 1);
    vstr_free(local);
    return BCC_DECODED;
}

BCC_RESULT bcc_add_rcpt(ENVELOPE *env, const char *addr, const char *domain)
{
    VSTR   *orig = vstr_alloc(64);
    BCC_RESULT r = bcc_decode(addr, domain, orig);

    envelope_add_rcpt(env, r == BCC_DECODED ? orig->s : addr);
    vstr_free(orig);
    return r;
}
