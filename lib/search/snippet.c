/*
 * snippet.c - query words in context (see snippet.h).
 */
#include <string.h>

#include "digest.h"
#include "postings.h"
#include "store.h"
#include "words.h"
#include "snippet.h"
#include "xtext.h"

#define LEAD 60                     /* bytes of context before the first match */

void snippet_words(const QUERY *q, STRLIST *words)
{
    strlist_init(words);
    for (int i = 0; i < q->n; i++) {
        const QTERM *t = &q->t[i];

        if (t->kind == Q_POSTING && !t->neg && t->key
            && (t->key[0] == 'b' || t->key[0] == 'x' || t->key[0] == QUERY_ANY_TEXT)
            && t->key[1] == ':'
            && t->key[2])
            strlist_add_unique(words, t->key + 2);
    }
}

typedef struct first {
    const STRLIST *words;
    int     found;
    size_t  start;
} FIRST;

static void first_word(const char *w, size_t len, size_t start, size_t end, void *ctx)
{
    FIRST  *f = ctx;
    char    buf[WORDS_MAX_LEN + 8];

    (void) end;
    if (f->found || len >= sizeof(buf))
        return;
    memcpy(buf, w, len);
    buf[len] = 0;
    if (strlist_find(f->words, buf) >= 0) {
        f->found = 1;
        f->start = start;
    }
}

typedef struct marks {
    const STRLIST *words;
    SNIPPET *s;
} MARKS;

static void mark_word(const char *w, size_t len, size_t start, size_t end, void *ctx)
{
    MARKS  *m = ctx;
    char    buf[WORDS_MAX_LEN + 8];

    if (m->s->n == SNIPPET_MARKS || len >= sizeof(buf))
        return;
    memcpy(buf, w, len);
    buf[len] = 0;
    if (strlist_find(m->words, buf) >= 0) {
        m->s->off[m->s->n] = start;
        m->s->len[m->s->n++] = end - start;
    }
}

/* Where a word starts or ends: a boundary of UTF-8 characters and not
 * inside a run of letters and digits, moving toward the middle. */
static size_t cut_start(const char *t, size_t len, size_t at)
{
    while (at > 0 && at < len && ((unsigned char) t[at] & 0xc0) == 0x80)
        at++;
    while (at > 0 && at < len && t[at - 1] != ' ' && t[at - 1] != '\n' && t[at - 1] != '\t')
        at++;
    return at > len ? len : at;
}

static size_t cut_end(const char *t, size_t len, size_t at)
{
    if (at >= len)
        return len;
    while (at > 0 && ((unsigned char) t[at] & 0xc0) == 0x80)
        at--;
    while (at > 0 && t[at] != ' ' && t[at] != '\n' && t[at] != '\t')
        at--;
    return at;
}

typedef struct walk {
    const STRLIST *words;
    SNIPPET *s;
    int     done;
} WALK;

/* The snippet of one text, if it holds a word. */
static void snippet_text(WALK *w, const char *t, size_t len)
{
    FIRST   f = {w->words, 0, 0};
    MARKS   m = {w->words, w->s};
    size_t  from, to;

    if (w->done || len == 0)
        return;
    words_each_at(t, len, first_word, &f);
    if (!f.found)
        return;
    from = f.start > LEAD ? cut_start(t, len, f.start - LEAD) : 0;
    if (from > f.start)
        from = f.start;
    to = from + SNIPPET_WIDTH < len ? cut_end(t, len, from + SNIPPET_WIDTH) : len;
    if (to <= f.start)
        to = from + SNIPPET_WIDTH < len ? from + SNIPPET_WIDTH : len;
    while (to < len && ((unsigned char) t[to] & 0xc0) == 0x80)
        to++;                       /* never split a character */
    /* Runs of spaces, line ends and control characters become one space,
     * none at either end; the marks are found in the result. */
    w->s->text = vstr_alloc(to - from + 1);
    for (size_t i = from; i < to; i++) {
        unsigned char c = (unsigned char) t[i];
        int     space = c <= 0x20 || c == 0x7f;

        if (!space)
            vstr_addch(w->s->text, c);
        else if (w->s->text->len && w->s->text->s[w->s->text->len - 1] != ' ')
            vstr_addch(w->s->text, ' ');
    }
    if (w->s->text->len && w->s->text->s[w->s->text->len - 1] == ' ')
        vstr_truncate(w->s->text, w->s->text->len - 1);
    w->s->n = 0;
    words_each_at(w->s->text->s, w->s->text->len, mark_word, &m);
    w->done = 1;
}

static void snippet_part(const MIME_PART *p, void *ctx)
{
    if (p->text)
        snippet_text(ctx, p->text->s, p->text->len);
}

static void snippet_document(char kind, const char *name, size_t nlen, const char *data,
                             size_t len, void *ctx)
{
    (void) name, (void) nlen;
    if (kind == 'T')
        snippet_text(ctx, data, len);
}

int snippet_make(const char *msg, size_t len, const MIME_LIMITS *lim, const STRLIST *words,
                 SNIPPET *s)
{
    WALK    w = {words, s, 0};
    int     truncated = 0;

    memset(s, 0, sizeof(*s));
    if (words->n == 0)
        return 0;
    mime_walk(msg, len, lim, snippet_part, &w, &truncated);
    return w.done;
}

void snippet_free(SNIPPET *s)
{
    if (s->text)
        vstr_free(s->text);
    memset(s, 0, sizeof(*s));
}

int snippet_of_record(const CONFIG *cfg, ADB *db, uint64_t num, const MSGREC *r,
                      const STRLIST *words, SNIPPET *s)
{
    MIME_LIMITS lim;
    VSTR   *msg;
    char    hex[DIGEST_HEXLEN + 1], err[512];
    int     rc = 0;

    memset(s, 0, sizeof(*s));
    if (words->n == 0)
        return 0;
    msg = vstr_alloc(65536);
    digest_hex(r->sha, hex);
    mime_limits_cfg(&lim, cfg);
    if (store_get(cfg->data_dir, db, r->arrival, hex, msg, err, sizeof(err)) == 0)
        rc = snippet_make(msg->s, msg->len, &lim, words, s);
    if (rc == 0 && db) {
        unsigned char numk[8];
        WALK    w = {words, s, 0};

        /* No text part has a word: the text of the documents attached. */
        adb_num_key(num, numk);
        if (postings_xtext_get(db, 0, numk, msg) == 0)
            xtext_each(msg->s, msg->len, snippet_document, &w);
        rc = w.done;
    }
    vstr_free(msg);
    return rc;
}
