/*
 * addr.c - address list parsing and address terms (see addr.h).
 */
#include <ctype.h>
#include <string.h>

#include "addr.h"
#include "mymalloc.h"
#include "rfc2047.h"
#include "words.h"

void addr_list_init(ADDR_LIST *l)
{
    memset(l, 0, sizeof(*l));
}

void addr_list_free(ADDR_LIST *l)
{
    for (int i = 0; i < l->n; i++) {
        myfree(l->e[i].name);
        myfree(l->e[i].addr);
    }
    myfree(l->e);
    addr_list_init(l);
}

void addr_list_add(ADDR_LIST *l, const char *name, const char *addr)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->e = myrealloc(l->e, (size_t) l->cap * sizeof(ADDR_ENTRY));
    }
    l->e[l->n].name = mystrdup(name);
    l->e[l->n].addr = mystrdup(addr);
    l->n++;
}

static void addr_trim(VSTR *v)
{
    size_t  s = 0;

    while (s < v->len && isspace((unsigned char) v->s[s]))
        s++;
    if (s) {
        memmove(v->s, v->s + s, v->len - s + 1);
        v->len -= s;
    }
    while (v->len && isspace((unsigned char) v->s[v->len - 1]))
        vstr_truncate(v, v->len - 1);
}

/* Finish one list element: phrase/comment/angle parts collected so far. */
static void addr_emit(ADDR_LIST *l, VSTR *phrase, VSTR *comment, VSTR *angle, int had_angle)
{
    VSTR   *name = vstr_alloc(64);
    VSTR   *addr = vstr_alloc(64);

    addr_trim(phrase);
    addr_trim(comment);
    addr_trim(angle);
    if (had_angle) {
        const char *a = angle->s;

        if (*a == '@' && strchr(a, ':'))
            a = strchr(a, ':') + 1;
        vstr_addstr(addr, a);
        rfc2047_decode(phrase->s, phrase->len, name);
        if (name->len == 0 && comment->len)
            rfc2047_decode(comment->s, comment->len, name);
    } else {
        /* "user@domain (Name)": the phrase is the address. */
        for (size_t i = 0; i < phrase->len; i++)
            if (!isspace((unsigned char) phrase->s[i]))
                vstr_addch(addr, phrase->s[i]);
        rfc2047_decode(comment->s, comment->len, name);
    }
    if (addr->len || name->len)
        addr_list_add(l, name->s, addr->s);
    vstr_free(name);
    vstr_free(addr);
    vstr_reset(phrase);
    vstr_reset(comment);
    vstr_reset(angle);
}

void addr_parse_list(const char *text, size_t len, ADDR_LIST *l)
{
    VSTR   *phrase = vstr_alloc(64);
    VSTR   *comment = vstr_alloc(64);
    VSTR   *angle = vstr_alloc(64);
    int     had_angle = 0;
    size_t  i = 0;

    while (i < len) {
        char    c = text[i];

        if (c == '"') {
            /* Quoted string: copy its content without quotes. */
            for (i++; i < len && text[i] != '"'; i++) {
                if (text[i] == '\\' && i + 1 < len)
                    i++;
                vstr_addch(had_angle ? angle : phrase, text[i]);
            }
            i++;
        } else if (c == '(') {
            int     depth = 1;

            for (i++; i < len && depth > 0; i++) {
                if (text[i] == '\\' && i + 1 < len) {
                    vstr_addch(comment, text[++i]);
                    continue;
                }
                if (text[i] == '(')
                    depth++;
                else if (text[i] == ')' && --depth == 0)
                    break;
                vstr_addch(comment, text[i]);
            }
            vstr_addch(comment, ' ');
            i++;
        } else if (c == '<') {
            had_angle = 1;
            vstr_reset(angle);
            for (i++; i < len && text[i] != '>'; i++) {
                if (text[i] == '"') {
                    vstr_addch(angle, '"');
                    for (i++; i < len && text[i] != '"'; i++)
                        vstr_addch(angle, text[i]);
                    vstr_addch(angle, '"');
                    if (i >= len)
                        break;
                    continue;
                }
                if (!isspace((unsigned char) text[i]))
                    vstr_addch(angle, text[i]);
            }
            i++;
        } else if (c == ',' || c == ';') {
            addr_emit(l, phrase, comment, angle, had_angle);
            had_angle = 0;
            i++;
        } else if (c == ':' && !had_angle) {
            /* Group name: drop it, the members follow. */
            vstr_reset(phrase);
            vstr_reset(comment);
            i++;
        } else {
            vstr_addch(phrase, c);
            i++;
        }
    }
    addr_emit(l, phrase, comment, angle, had_angle);
    vstr_free(phrase);
    vstr_free(comment);
    vstr_free(angle);
}

void addr_canon(const char *addr, VSTR *out)
{
    size_t  n = strlen(addr);

    vstr_reset(out);
    while (n > 0 && isspace((unsigned char) addr[n - 1]))
        n--;
    while (n > 0 && isspace((unsigned char) *addr))
        addr++, n--;
    if (n >= 2 && addr[0] == '<' && addr[n - 1] == '>')
        addr++, n -= 2;
    for (size_t i = 0; i < n; i++)
        vstr_addch(out, tolower((unsigned char) addr[i]));
}

struct name_ctx {
    void    (*fn)(const char *, size_t, void *);
    void   *ctx;
};

static void addr_name_word(const char *w, size_t len, void *ctx)
{
    struct name_ctx *nc = ctx;

    nc->fn(w, len, nc->ctx);
}

/*
 * An address is at most 254 characters (RFC 5321 4.5.3.1 path limit less
 * the brackets) and a domain has at most 127 labels; past that it is junk,
 * and its parent domains would cost the square of its length in terms.
 */
#define ADDR_MAX_LEN 254
#define ADDR_MAX_PARENTS 127

void addr_terms(const char *name, const char *addr,
                void (*fn)(const char *, size_t, void *), void *ctx)
{
    VSTR   *a = vstr_alloc(64);
    const char *at;
    int     parents = 0;

    addr_canon(addr, a);
    if (a->len > ADDR_MAX_LEN)
        vstr_truncate(a, ADDR_MAX_LEN);
    if (a->len) {
        fn(a->s, a->len, ctx);
        if ((at = strrchr(a->s, '@')) != 0) {
            const char *d = at + 1;

            if (at > a->s)
                fn(a->s, (size_t) (at - a->s), ctx);
            while (*d && parents++ < ADDR_MAX_PARENTS) {
                fn(d, strlen(d), ctx);
                if ((d = strchr(d, '.')) == 0)
                    break;
                d++;
            }
        }
    }
    if (name && *name) {
        struct name_ctx nc = {fn, ctx};

        words_each(name, strlen(name), addr_name_word, &nc);
    }
    vstr_free(a);
}
