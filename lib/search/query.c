/*
 * query.c - query parsing (see query.h).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "mymalloc.h"
#include "query.h"
#include "terms.h"
#include "vstr.h"
#include "words.h"

static QTERM *query_add(QUERY *q, QKIND kind, int neg, int group)
{
    QTERM  *t;

    if (q->n == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 8;
        q->t = myrealloc(q->t, (size_t) q->cap * sizeof(QTERM));
    }
    t = &q->t[q->n++];
    memset(t, 0, sizeof(*t));
    t->kind = kind;
    t->neg = neg;
    t->group = group;
    t->clause = q->clause;
    return t;
}

void query_free(QUERY *q)
{
    for (int i = 0; i < q->n; i++)
        myfree(q->t[i].key);
    myfree(q->t);
    memset(q, 0, sizeof(*q));
}

struct word_ctx {
    QUERY  *q;
    char    kind;
    int     neg;
    int     group;
    int     count;
};

static void query_word(const char *w, size_t len, void *ctx)
{
    struct word_ctx *wc = ctx;
    VSTR   *k = vstr_alloc(64);
    QTERM  *t;

    terms_key(wc->kind, w, len, k);
    t = query_add(wc->q, Q_POSTING, wc->neg, wc->group);
    t->key = vstr_export(k);
    wc->count++;
}

static int query_size(const char *v, int64_t *out)
{
    char   *end;
    long long n;
    long long mul = 1;

    if (!isdigit((unsigned char) *v))
        return -1;
    errno = 0;
    n = strtoll(v, &end, 10);
    if (errno == ERANGE)
        return -1;
    switch (*end) {
    case 'k': case 'K': mul = 1024LL; end++; break;
    case 'm': case 'M': mul = 1024LL * 1024; end++; break;
    case 'g': case 'G': mul = 1024LL * 1024 * 1024; end++; break;
    }
    if (*end || n < 0 || n > LLONG_MAX / mul)
        return -1;
    *out = n * mul;
    return 0;
}

/* One term: field (may be empty), value, its original text for errors. */
static int query_term(QUERY *q, const char *field, const char *value, int neg, int group,
                      int quoted, const char *orig, char *err, size_t errlen)
{
    struct word_ctx wc = {q, 0, neg, group, 0};
    time_t  t;
    int64_t n;

    if (*value == 0) {
        snprintf(err, errlen, "empty value in term \"%s\"", orig);
        return -1;
    }
    if (*field == 0 || strcasecmp(field, "subject") == 0 || strcasecmp(field, "body") == 0
        || strcasecmp(field, "filename") == 0 || strcasecmp(field, "attachment") == 0) {
        int     first = q->n;

        wc.kind = *field == 0 ? QUERY_ANY_TEXT
            : strcasecmp(field, "subject") == 0 ? 's'
            : strcasecmp(field, "body") == 0 ? 'b'
            : strcasecmp(field, "attachment") == 0 ? 'x' : 'n';
        words_each(value, strlen(value), query_word, &wc);
        for (int i = first; quoted && wc.count > 1 && i < q->n; i++)
            q->t[i].phrase = 1;
    } else if (strcasecmp(field, "from") == 0 || strcasecmp(field, "to") == 0
               || strcasecmp(field, "cc") == 0) {
        VSTR   *v = vstr_alloc(64);
        size_t  len = strlen(value);

        wc.kind = (char) tolower((unsigned char) field[0]);
        if (len >= 2 && value[0] == '<' && value[len - 1] == '>')
            value++, len -= 2;
        vstr_add(v, value, len);
        if (strpbrk(v->s, "@.") && !strpbrk(v->s, " \t"))
            query_word(v->s, v->len, &wc);      /* an address, domain or local part */
        else
            words_each(v->s, v->len, query_word, &wc);
        vstr_free(v);
    } else if (strcasecmp(field, "msgid") == 0) {
        size_t  len = strlen(value);

        wc.kind = 'm';
        if (len >= 2 && value[0] == '<' && value[len - 1] == '>')
            value++, len -= 2;
        query_word(value, len, &wc);
    } else if (strcasecmp(field, "after") == 0 || strcasecmp(field, "before") == 0
               || strcasecmp(field, "on") == 0) {
        if (date_parse_day(value, &t) < 0) {
            snprintf(err, errlen, "bad date in term \"%s\" (want YYYY-MM-DD)", orig);
            return -1;
        }
        if (neg) {
            snprintf(err, errlen, "cannot negate a date term: \"%s\"", orig);
            return -1;
        }
        if (strcasecmp(field, "after") == 0) {
            query_add(q, Q_DATE_GE, 0, group)->val = t;
        } else if (strcasecmp(field, "before") == 0) {
            query_add(q, Q_DATE_LT, 0, group)->val = t;
        } else {
            query_add(q, Q_DATE_GE, 0, group)->val = t;
            query_add(q, Q_DATE_LT, 0, group)->val = t + 86400;
        }
        return 0;
    } else if (strcasecmp(field, "larger") == 0 || strcasecmp(field, "smaller") == 0) {
        if (query_size(value, &n) < 0) {
            snprintf(err, errlen, "bad size in term \"%s\" (want N, NK or NM)", orig);
            return -1;
        }
        if (neg) {
            snprintf(err, errlen, "cannot negate a size term: \"%s\"", orig);
            return -1;
        }
        query_add(q, tolower((unsigned char) field[0]) == 'l' ? Q_SIZE_GT : Q_SIZE_LT, 0,
                  group)->val = n;
        return 0;
    } else if (strcasecmp(field, "has") == 0) {
        if (strcasecmp(value, "attachment") != 0 && strcasecmp(value, "attachments") != 0) {
            snprintf(err, errlen, "unknown value in term \"%s\" (has: takes \"attachment\")",
                     orig);
            return -1;
        }
        wc.kind = 'a';
        query_word("attachment", 10, &wc);
    } else {
        snprintf(err, errlen, "unknown search field \"%s\" in term \"%s\"", field, orig);
        return -1;
    }
    if (wc.count == 0) {
        snprintf(err, errlen, "no searchable word in term \"%s\"", orig);
        return -1;
    }
    return 0;
}

int query_parse(const char *text, QUERY *q, char *err, size_t errlen)
{
    const char *p = text;
    int     group = 0;
    int     pending_or = 0;
    int     last_neg = 0;

    memset(q, 0, sizeof(*q));
    for (;;) {
        VSTR   *field = vstr_alloc(16);
        VSTR   *value = vstr_alloc(64);
        const char *start;
        int     neg = 0;
        int     quoted = 0;
        int     rc;
        char   *orig;

        while (isspace((unsigned char) *p))
            p++;
        if (*p == 0) {
            vstr_free(field);
            vstr_free(value);
            if (pending_or) {
                snprintf(err, errlen, "OR at the end of the query needs a term after it");
                query_free(q);
                return -1;
            }
            break;
        }
        start = p;
        if (*p == '-') {
            neg = 1;
            p++;
        }
        /* field: letters followed by ':' */
        {
            const char *f = p;

            while (isalpha((unsigned char) *f))
                f++;
            if (*f == ':' && f > p) {
                vstr_add(field, p, (size_t) (f - p));
                p = f + 1;
            }
        }
        while (*p && !isspace((unsigned char) *p)) {
            if (*p == '"') {
                quoted = 1;
                for (p++; *p && *p != '"'; p++)
                    vstr_addch(value, *p);
                if (*p != '"') {
                    snprintf(err, errlen, "unbalanced quote in term \"%s\"", start);
                    vstr_free(field);
                    vstr_free(value);
                    query_free(q);
                    return -1;
                }
                p++;
            } else {
                vstr_addch(value, *p++);
            }
        }
        orig = mystrndup(start, (size_t) (p - start));
        if (!quoted && field->len == 0 && !neg && strcmp(value->s, "OR") == 0) {
            if (group == 0 || pending_or) {
                snprintf(err, errlen, "OR needs a term on each side (term %d)", group + 1);
                rc = -1;
            } else if (last_neg) {
                snprintf(err, errlen, "a negated term cannot be part of OR (term %d)", group);
                rc = -1;
            } else {
                pending_or = 1;
                myfree(orig);
                vstr_free(field);
                vstr_free(value);
                continue;
            }
        } else if (pending_or && neg) {
            snprintf(err, errlen, "a negated term cannot be part of OR: \"%s\"", orig);
            rc = -1;
        } else if (neg && field->len == 0 && value->len == 0) {
            snprintf(err, errlen, "a lone \"-\" is not a term");
            rc = -1;
        } else {
            if (!pending_or && group > 0)
                q->clause++;
            pending_or = 0;
            last_neg = neg;
            rc = query_term(q, field->s, value->s, neg, group, quoted, orig, err, errlen);
        }
        myfree(orig);
        vstr_free(field);
        vstr_free(value);
        if (rc < 0) {
            query_free(q);
            return -1;
        }
        group++;
    }
    return 0;
}
