/*
 * fwd.c - positions of words (see fwd.h).
 */
#include <string.h>

#include "fwd.h"
#include "words.h"

uint32_t fwd_hash(const char *word, size_t len)
{
    uint32_t h = 2166136261u;           /* FNV-1a */

    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char) word[i];
        h *= 16777619u;
    }
    return h;
}

typedef struct fwdctx {
    VSTR   *out;
    uint32_t n, max;
} FWDCTX;

static void fwd_word(const char *w, size_t len, void *ctx)
{
    FWDCTX *f = ctx;
    uint32_t h;

    if (f->max && f->n >= f->max)
        return;
    h = fwd_hash(w, len);
    for (int i = 0; i < 4; i++)
        vstr_addch(f->out, (int) ((h >> (8 * i)) & 0xff));
    f->n++;
}

void fwd_section(VSTR *out, char kind, const char *text, size_t len, size_t max_words)
{
    size_t  at;
    FWDCTX  f = {out, 0, max_words > UINT32_MAX ? UINT32_MAX : (uint32_t) max_words};

    vstr_addch(out, kind);
    at = out->len;
    vstr_add(out, "\0\0\0\0", 4);
    words_each(text, len, fwd_word, &f);
    if (f.n == 0) {
        vstr_truncate(out, at - 1);     /* no words: no section */
        return;
    }
    for (int i = 0; i < 4; i++)
        out->s[at + (size_t) i] = (char) ((f.n >> (8 * i)) & 0xff);
}

static uint32_t fwd_get(const unsigned char *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

int fwd_match(const void *entry, size_t len, const char *kinds, const uint32_t *h, int n)
{
    const unsigned char *p = entry, *end = p + len;

    while (p < end) {
        uint32_t count;
        const unsigned char *w;

        if (end - p < 5)
            return -1;
        count = fwd_get(p + 1);
        w = p + 5;
        if ((size_t) (end - w) / 4 < count)
            return -1;
        if (strchr(kinds, p[0]) && count >= (uint32_t) n) {
            for (uint32_t i = 0; i + (uint32_t) n <= count; i++) {
                int     k = 0;

                while (k < n && fwd_get(w + 4 * (i + (uint32_t) k)) == h[k])
                    k++;
                if (k == n)
                    return 1;
            }
        }
        p = w + 4 * (size_t) count;
    }
    return 0;
}
