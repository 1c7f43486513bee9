/*
 * hdr.c - header field access (see hdr.h).
 */
#include <string.h>
#include <strings.h>

#include "hdr.h"

size_t hdr_end(const char *msg, size_t len)
{
    size_t  i = 0;

    while (i < len) {
        const char *lf = memchr(msg + i, '\n', len - i);
        size_t  llen;

        if (lf == 0)
            return len;
        llen = (size_t) (lf - (msg + i));
        if (llen == 0 || (llen == 1 && msg[i] == '\r'))
            return (size_t) (lf - msg) + 1;
        i = (size_t) (lf - msg) + 1;
    }
    return len;
}

void hdr_walk(const char *msg, size_t len,
              void (*fn)(const char *, size_t, const char *, size_t, void *), void *ctx)
{
    size_t  end = hdr_end(msg, len);
    size_t  i = 0;
    VSTR   *val = vstr_alloc(256);

    while (i < end) {
        const char *line = msg + i;
        const char *lf = memchr(line, '\n', end - i);
        size_t  llen = lf ? (size_t) (lf - line) : end - i;
        const char *colon = memchr(line, ':', llen);
        size_t  nlen;

        i += llen + (lf ? 1 : 0);
        if (llen == 0 || (llen == 1 && line[0] == '\r'))
            break;
        if (colon == 0 || line[0] == ' ' || line[0] == '\t')
            continue;                   /* not a field: stray continuation or junk */
        nlen = (size_t) (colon - line);
        while (nlen > 0 && (line[nlen - 1] == ' ' || line[nlen - 1] == '\t'))
            nlen--;
        vstr_reset(val);
        vstr_add(val, colon + 1, llen - (size_t) (colon + 1 - line));
        /* Continuation lines. */
        while (i < end && (msg[i] == ' ' || msg[i] == '\t')) {
            const char *c = msg + i;
            const char *clf = memchr(c, '\n', end - i);
            size_t  clen = clf ? (size_t) (clf - c) : end - i;

            if (val->len && val->s[val->len - 1] == '\r')
                vstr_truncate(val, val->len - 1);
            vstr_add(val, c, clen);
            i += clen + (clf ? 1 : 0);
        }
        if (val->len && val->s[val->len - 1] == '\r')
            vstr_truncate(val, val->len - 1);
        {
            size_t  s = 0;
            size_t  e = val->len;

            while (s < e && (val->s[s] == ' ' || val->s[s] == '\t'))
                s++;
            while (e > s && (val->s[e - 1] == ' ' || val->s[e - 1] == '\t'))
                e--;
            fn(line, nlen, val->s + s, e - s, ctx);
        }
    }
    vstr_free(val);
}

struct hdr_get_ctx {
    const char *name;
    const char *sep;
    VSTR   *out;
    int     count;
};

static void hdr_get_one(const char *name, size_t nlen, const char *val, size_t vlen, void *ctx)
{
    struct hdr_get_ctx *g = ctx;

    if (strlen(g->name) != nlen || strncasecmp(name, g->name, nlen) != 0)
        return;
    if (g->count++ > 0)
        vstr_addstr(g->out, g->sep);
    vstr_add(g->out, val, vlen);
}

int hdr_get(const char *msg, size_t len, const char *name, const char *sep, VSTR *out)
{
    struct hdr_get_ctx g = {name, sep, out, 0};

    vstr_reset(out);
    hdr_walk(msg, len, hdr_get_one, &g);
    return g.count;
}
