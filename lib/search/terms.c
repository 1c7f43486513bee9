/*
 * terms.c - index terms of a record (see terms.h).
 */
#include <ctype.h>
#include <string.h>

#include "addr.h"
#include "terms.h"
#include "words.h"

void terms_key(char kind, const char *value, size_t len, VSTR *out)
{
    vstr_reset(out);
    vstr_addch(out, kind);
    vstr_addch(out, ':');
    if (len > TERMS_MAX_VALUE)
        len = TERMS_MAX_VALUE;
    for (size_t i = 0; i < len; i++)
        vstr_addch(out, tolower((unsigned char) value[i]));
}

struct tctx {
    char    kind;
    VSTR   *key;
    TERMS_FN fn;
    void   *ctx;
};

static void terms_emit(const char *v, size_t len, void *ctx)
{
    struct tctx *t = ctx;

    terms_key(t->kind, v, len, t->key);
    t->fn(t->key->s, t->key->len, t->ctx);
}

static void terms_addr(struct tctx *t, char kind, const char *name, const char *addr)
{
    t->kind = kind;
    addr_terms(name, addr, terms_emit, t);
}

static void terms_list(struct tctx *t, char kind, const STRLIST *addrs, const STRLIST *names)
{
    for (int i = 0; i < addrs->n; i++)
        terms_addr(t, kind, names && i < names->n ? names->v[i] : "", addrs->v[i]);
}

void terms_of_record(const MSGREC *r, TERMS_FN fn, void *ctx)
{
    struct tctx t = {0, vstr_alloc(128), fn, ctx};

    if (r->from_addr && (*r->from_addr || (r->from_name && *r->from_name)))
        terms_addr(&t, 'f', r->from_name, r->from_addr);
    if (r->sender_addr && *r->sender_addr)
        terms_addr(&t, 'f', "", r->sender_addr);
    terms_list(&t, 'f', &r->env_from, 0);
    terms_list(&t, 't', &r->to_addr, &r->to_name);
    terms_list(&t, 't', &r->cc_addr, &r->cc_name);
    terms_list(&t, 't', &r->bcc_addr, 0);
    terms_list(&t, 't', &r->env_rcpt, 0);
    terms_list(&t, 'c', &r->cc_addr, &r->cc_name);
    if (r->subject) {
        t.kind = 's';
        words_each(r->subject, strlen(r->subject), terms_emit, &t);
    }
    if (r->msgid && *r->msgid) {
        t.kind = 'm';
        terms_emit(r->msgid, strlen(r->msgid), &t);
    }
    vstr_free(t.key);
}

struct pctx {
    VSTR   *prev;                   /* the word before, "" at the start */
    VSTR   *key;
    size_t  left;                   /* words still to pair */
    int     all;
    TERMS_FN fn;
    void   *ctx;
};

static void terms_pair(const char *w, size_t len, void *ctx)
{
    struct pctx *p = ctx;

    if (!p->all && p->left == 0)
        return;
    p->left--;
    if (p->prev->len) {
        vstr_addch(p->prev, ' ');
        vstr_add(p->prev, w, len);
        terms_key(TERMS_PAIR, p->prev->s, p->prev->len, p->key);
        p->fn(p->key->s, p->key->len, p->ctx);
    }
    vstr_reset(p->prev);
    vstr_add(p->prev, w, len);
}

void terms_pairs(const char *text, size_t len, size_t max_words, TERMS_FN fn, void *ctx)
{
    struct pctx p = {vstr_alloc(2 * WORDS_MAX_LEN + 8), vstr_alloc(2 * WORDS_MAX_LEN + 8),
                     max_words, max_words == 0, fn, ctx};

    words_each(text, len, terms_pair, &p);
    vstr_free(p.prev);
    vstr_free(p.key);
}

static void terms_part(const MIME_PART *p, void *ctx)
{
    struct tctx *t = ctx;

    terms_of_part(p, t->fn, t->ctx);
}

void terms_of_text(char kind, const char *text, size_t len, TERMS_FN fn, void *ctx)
{
    struct tctx t = {kind, vstr_alloc(128), fn, ctx};

    words_each(text, len, terms_emit, &t);
    vstr_free(t.key);
}

void terms_of_part(const MIME_PART *p, TERMS_FN fn, void *ctx)
{
    struct tctx tc = {0, vstr_alloc(128), fn, ctx}, *t = &tc;

    if (p->text && p->text->len) {
        t->kind = 'b';
        words_each(p->text->s, p->text->len, terms_emit, t);
    }
    if (p->filename && *p->filename) {
        t->kind = 'n';
        words_each(p->filename, strlen(p->filename), terms_emit, t);
    }
    if (p->attachment) {
        t->kind = 'a';
        terms_emit("attachment", 10, t);
    }
    vstr_free(tc.key);
}

int terms_of_message(const char *msg, size_t len, const MIME_LIMITS *lim, TERMS_FN fn, void *ctx,
                     int *truncated)
{
    struct tctx t = {0, 0, fn, ctx};

    return mime_walk(msg, len, lim, terms_part, &t, truncated);
}
