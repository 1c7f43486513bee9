/*
 * words.c - the tokenizer (see words.h).
 */
#include <locale.h>
#include <wctype.h>

#include "msg.h"
#include "utf8.h"
#include "words.h"

void words_init(void)
{
    if (setlocale(LC_CTYPE, "C.UTF-8") == 0 && setlocale(LC_CTYPE, "C.utf8") == 0)
        msg_warn("no C.UTF-8 locale: non-ASCII words are not recognized");
}

static int words_alnum(unsigned cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    return cp != 0xfffd && iswalnum((wint_t) cp);
}

static unsigned words_lower(unsigned cp)
{
    if (cp < 0x80)
        return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    return (unsigned) towlower((wint_t) cp);
}

void words_each(const char *text, size_t len,
                void (*fn)(const char *, size_t, void *), void *ctx)
{
    const unsigned char *s = (const unsigned char *) text;
    VSTR   *w = vstr_alloc(WORDS_MAX_LEN + 8);
    size_t  i = 0;

    while (i < len) {
        unsigned cp;
        size_t  n = utf8_next(s + i, len - i, &cp);

        if (words_alnum(cp)) {
            if (w->len + 4 <= WORDS_MAX_LEN)
                utf8_put(w, words_lower(cp));
        } else if (w->len) {
            fn(w->s, w->len, ctx);
            vstr_reset(w);
        }
        i += n;
    }
    if (w->len)
        fn(w->s, w->len, ctx);
    vstr_free(w);
}

void words_each_at(const char *text, size_t len,
                   void (*fn)(const char *, size_t, size_t, size_t, void *), void *ctx)
{
    const unsigned char *s = (const unsigned char *) text;
    VSTR   *w = vstr_alloc(WORDS_MAX_LEN + 8);
    size_t  i = 0, start = 0;

    while (i < len) {
        unsigned cp;
        size_t  n = utf8_next(s + i, len - i, &cp);

        if (words_alnum(cp)) {
            if (w->len == 0)
                start = i;
            if (w->len + 4 <= WORDS_MAX_LEN)
                utf8_put(w, words_lower(cp));
        } else if (w->len) {
            fn(w->s, w->len, start, i, ctx);
            vstr_reset(w);
        }
        i += n;
    }
    if (w->len)
        fn(w->s, w->len, start, len, ctx);
    vstr_free(w);
}
