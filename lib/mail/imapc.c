/*
 * imapc.c - IMAP server responses (see imapc.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imapc.h"
#include "mymalloc.h"

void imapc_resp_init(IMAPC_RESP *r)
{
    memset(r, 0, sizeof(*r));
    r->text = vstr_alloc(256);
}

void imapc_resp_free(IMAPC_RESP *r)
{
    if (r->text)
        vstr_free(r->text);
    for (int i = 0; i < IMAPC_LITERALS; i++)
        if (r->lit[i])
            vstr_free(r->lit[i]);
    memset(r, 0, sizeof(*r));
}

/* "{N}" or "{N+}" at the end of a line: N, else -1. */
static long imapc_literal_size(const VSTR *line, size_t *start)
{
    size_t  n = line->len, i;
    long    v = 0;

    if (n < 3 || line->s[n - 1] != '}')
        return -1;
    i = n - 2;
    if (line->s[i] == '+')
        i--;
    if (i >= n || line->s[i] < '0' || line->s[i] > '9')
        return -1;
    while (i > 0 && line->s[i] >= '0' && line->s[i] <= '9')
        i--;
    if (line->s[i] != '{' || n - i > 12)
        return -1;
    for (size_t k = i + 1; line->s[k] >= '0' && line->s[k] <= '9'; k++)
        v = v * 10 + (line->s[k] - '0');
    *start = i;
    return v;
}

static int imapc_literal(NETIO *nio, size_t n, VSTR *out)
{
    char    buf[65536];

    while (n > 0) {
        ssize_t got = netio_read(nio, buf, n < sizeof(buf) ? n : sizeof(buf));

        if (got <= 0)
            return got == 0 ? NETIO_EOF : (int) got;
        if (out)
            vstr_add(out, buf, (size_t) got);
        n -= (size_t) got;
    }
    return NETIO_OK;
}

static void imapc_classify(IMAPC_RESP *r, VSTR *all)
{
    static const char *const st[] = {"OK", "NO", "BAD", "BYE", "PREAUTH"};
    const char *p = all->s;

    if (p[0] == '*' && p[1] == ' ') {
        r->kind = IMAPC_UNTAGGED;
        p += 2;
    } else if (p[0] == '+') {
        r->kind = IMAPC_CONTINUE;
        p += p[1] == ' ' ? 2 : 1;
    } else {
        char   *end;

        r->kind = IMAPC_TAGGED;
        r->tag = (unsigned) strtoul(p + 1, &end, 10);
        p = *end == ' ' ? end + 1 : end;
    }
    for (int i = 0; i < 5; i++) {
        size_t  n = strlen(st[i]);

        if (strncasecmp(p, st[i], n) == 0 && (p[n] == ' ' || p[n] == 0)) {
            memcpy(r->status, st[i], n + 1);
            p += n + (p[n] == ' ');
            break;
        }
    }
    vstr_set(r->text, p);
}

int imapc_read(NETIO *nio, size_t max_literal, IMAPC_RESP *r, char *err, size_t errlen)
{
    VSTR   *line = vstr_alloc(256), *all = vstr_alloc(256);
    int     rc;

    for (int i = 0; i < IMAPC_LITERALS; i++)
        if (r->lit[i])
            vstr_reset(r->lit[i]);
    r->nlit = 0;
    r->too_big = 0;
    r->status[0] = 0;
    r->tag = 0;
    for (;;) {
        size_t  at;
        long    n;

        if ((rc = netio_getline(nio, line, IMAPC_LINE_MAX)) != NETIO_OK) {
            snprintf(err, errlen, rc == NETIO_TOOLONG ? "a response line over %d bytes"
                     : "the connection ended or timed out", IMAPC_LINE_MAX);
            goto out;
        }
        if ((n = imapc_literal_size(line, &at)) < 0) {
            vstr_add(all, line->s, line->len);
            break;
        }
        vstr_add(all, line->s, at);
        if ((size_t) n > max_literal || r->nlit == IMAPC_LITERALS) {
            r->too_big = 1;
            vstr_addstr(all, "{#-1}");
            rc = imapc_literal(nio, (size_t) n, 0);
        } else {
            if (r->lit[r->nlit] == 0)
                r->lit[r->nlit] = vstr_alloc((size_t) n + 1);
            vstr_reserve(r->lit[r->nlit], (size_t) n);
            vstr_sprintf_append(all, "{#%d}", r->nlit);
            rc = imapc_literal(nio, (size_t) n, r->lit[r->nlit]);
            r->nlit++;
        }
        if (rc != NETIO_OK) {
            snprintf(err, errlen, "the connection ended inside a literal of %ld bytes", n);
            goto out;
        }
    }
    if (all->len == 0 || (all->s[0] != '*' && all->s[0] != '+'
                          && !(all->s[0] >= 'A' && all->s[0] <= 'Z'))) {
        snprintf(err, errlen, "not an IMAP response: \"%.60s\"", all->s);
        rc = NETIO_ERROR;
        goto out;
    }
    imapc_classify(r, all);
    rc = NETIO_OK;
out:
    vstr_free(line);
    vstr_free(all);
    return rc;
}

/* The next token of a response text: its start and length; 0 at the end. */
static int imapc_token(const char **p, const char **tok, size_t *len)
{
    const char *s = *p;

    while (*s == ' ')
        s++;
    if (*s == 0)
        return 0;
    *tok = s;
    if (*s == '(' || *s == ')') {
        s++;
    } else if (*s == '"') {
        for (s++; *s && *s != '"'; s++)
            if (*s == '\\' && s[1])
                s++;
        if (*s == '"')
            s++;
    } else {
        /* An atom, with BODY[...] brackets in it. */
        int     depth = 0;

        while (*s && (depth > 0 || (*s != ' ' && *s != '(' && *s != ')'))) {
            if (*s == '[')
                depth++;
            else if (*s == ']' && depth > 0)
                depth--;
            s++;
        }
    }
    *len = (size_t) (s - *tok);
    *p = s;
    return 1;
}

static void imapc_unquote(const char *t, size_t n, VSTR *out)
{
    vstr_reset(out);
    for (size_t i = 1; i + 1 < n; i++) {
        if (t[i] == '\\' && i + 2 < n)
            i++;
        vstr_addch(out, t[i]);
    }
}

const VSTR *imapc_fetch_body(const IMAPC_RESP *r, unsigned long *uid, VSTR *scratch)
{
    const char *p = r->text->s, *t;
    size_t  n;
    const VSTR *body = 0;
    char   *end;

    *uid = 0;
    strtoul(p, &end, 10);
    if (end == p || strncasecmp(end, " FETCH (", 8) != 0)
        return 0;
    p = end + 8;
    while (imapc_token(&p, &t, &n)) {
        if (n == 3 && strncasecmp(t, "UID", 3) == 0 && imapc_token(&p, &t, &n)) {
            *uid = strtoul(t, 0, 10);
        } else if (n == 6 && strncasecmp(t, "BODY[]", 6) == 0 && imapc_token(&p, &t, &n)) {
            int     k;

            if (n >= 4 && t[0] == '{' && t[1] == '#' && (k = atoi(t + 2)) >= 0 && k < r->nlit) {
                body = r->lit[k];
            } else if (n >= 2 && t[0] == '"') {
                imapc_unquote(t, n, scratch);
                body = scratch;
            } else if (n == 3 && strncasecmp(t, "NIL", 3) == 0) {
                vstr_reset(scratch);
                body = scratch;
            }
        }
    }
    return body;
}

unsigned long imapc_code_num(const IMAPC_RESP *r, const char *name)
{
    const char *p = r->text->s;
    size_t  n = strlen(name);

    if (*p != '[' || strncasecmp(p + 1, name, n) != 0 || p[1 + n] != ' ')
        return 0;
    return strtoul(p + 2 + n, 0, 10);
}

void imapc_quote(VSTR *out, const char *s)
{
    vstr_addch(out, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            vstr_addch(out, '\\');
        vstr_addch(out, *s);
    }
    vstr_addch(out, '"');
}

void imapc_sess_init(IMAPC_SESS *s, NETIO *nio, size_t max_literal)
{
    memset(s, 0, sizeof(*s));
    s->nio = nio;
    s->max_literal = max_literal;
    imapc_resp_init(&s->r);
}

void imapc_sess_free(IMAPC_SESS *s)
{
    imapc_resp_free(&s->r);
}

unsigned imapc_send(IMAPC_SESS *s, const char *fmt, ...)
{
    VSTR   *cmd = vstr_alloc(256);
    va_list ap;
    unsigned tag = ++s->tag;
    int     ok;

    vstr_sprintf(cmd, "A%u ", tag);
    va_start(ap, fmt);
    vstr_vsprintf_append(cmd, fmt, ap);
    va_end(ap);
    vstr_addstr(cmd, "\r\n");
    ok = netio_write(s->nio, cmd->s, cmd->len) == NETIO_OK && netio_flush(s->nio) == NETIO_OK;
    vstr_free(cmd);
    return ok ? tag : 0;
}

static void imapc_note(IMAPC_SESS *s)
{
    const char *t = s->r.text->s;
    char   *end;
    unsigned long n = strtoul(t, &end, 10);

    if (end != t && strcasecmp(end, " EXISTS") == 0)
        s->exists = n;
    if (strncasecmp(t, "CAPABILITY ", 11) == 0 || strncmp(t, "[CAPABILITY ", 12) == 0) {
        s->uidplus = strcasestr(t, " UIDPLUS") != 0;
        s->idle = strcasestr(t, " IDLE") != 0;
    }
}

int imapc_wait(IMAPC_SESS *s, unsigned tag, const char *what, IMAPC_ON_UNTAGGED fn, void *ctx,
               char *err, size_t errlen)
{
    char    why[256];

    if (tag == 0) {
        snprintf(err, errlen, "%s: the connection failed", what);
        return -1;
    }
    for (;;) {
        if (imapc_read(s->nio, s->max_literal, &s->r, why, sizeof(why)) != NETIO_OK) {
            snprintf(err, errlen, "%s: %s", what, why);
            return -1;
        }
        if (s->r.kind == IMAPC_TAGGED && s->r.tag == tag)
            break;
        if (s->r.kind == IMAPC_UNTAGGED) {
            if (strcmp(s->r.status, "BYE") == 0) {
                snprintf(err, errlen, "%s: the server said BYE: %.200s", what, s->r.text->s);
                return -1;
            }
            imapc_note(s);
            if (fn)
                fn(s, ctx);
        }
    }
    if (strcmp(s->r.status, "OK") != 0) {
        snprintf(err, errlen, "%s: %s %.200s", what, s->r.status, s->r.text->s);
        return -1;
    }
    return 0;
}

int imapc_greeting(IMAPC_SESS *s, char *err, size_t errlen)
{
    char    why[256] = "";

    if (imapc_read(s->nio, 4096, &s->r, why, sizeof(why)) != NETIO_OK
        || s->r.kind != IMAPC_UNTAGGED
        || (strcmp(s->r.status, "OK") != 0 && strcmp(s->r.status, "PREAUTH") != 0)) {
        snprintf(err, errlen, "no IMAP greeting: %s",
                 *why ? why : s->r.text->s);
        return -1;
    }
    imapc_note(s);
    return 0;
}

int imapc_login(IMAPC_SESS *s, const char *user, const char *password, char *err,
                size_t errlen)
{
    VSTR   *cmd = vstr_alloc(128);
    int     rc;

    vstr_addstr(cmd, "LOGIN ");
    imapc_quote(cmd, user);
    vstr_addch(cmd, ' ');
    imapc_quote(cmd, password);
    rc = imapc_wait(s, imapc_send(s, "%s", cmd->s), "login", 0, 0, err, errlen);
    vstr_free(cmd);
    return rc;
}

void imapc_search_all(const IMAPC_RESP *r, unsigned long **v, int *n, int *cap)
{
    const char *p = r->text->s;

    if (r->kind != IMAPC_UNTAGGED || strncasecmp(p, "SEARCH", 6) != 0)
        return;
    for (p += 6;;) {
        char   *end;
        unsigned long x;

        while (*p == ' ')
            p++;
        x = strtoul(p, &end, 10);
        if (end == p)
            break;
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 1024;
            *v = myrealloc(*v, (size_t) *cap * sizeof(unsigned long));
        }
        (*v)[(*n)++] = x;
        p = end;
    }
}

static void imapc_on_search(IMAPC_SESS *s, void *ctx)
{
    struct uidv {
        unsigned long *v;
        int     n, cap;
    }      *u = ctx;

    imapc_search_all(&s->r, &u->v, &u->n, &u->cap);
}

int imapc_uid_search(IMAPC_SESS *s, const char *criteria, unsigned long **v, int *n, char *err,
                     size_t errlen)
{
    struct uidv {
        unsigned long *v;
        int     n, cap;
    }       u = {0, 0, 0};
    int     rc = imapc_wait(s, imapc_send(s, "UID SEARCH %s", criteria), "UID SEARCH",
                            imapc_on_search, &u, err, errlen);

    *v = u.v;
    *n = u.n;
    return rc;
}

typedef struct imapc_one {
    unsigned long want;
    int     got;
    VSTR   *body;
} IMAPC_ONE;

static void imapc_on_fetch(IMAPC_SESS *s, void *ctx)
{
    IMAPC_ONE *o = ctx;
    VSTR   *scratch = vstr_alloc(64);
    unsigned long uid;
    const VSTR *b = imapc_fetch_body(&s->r, &uid, scratch);

    if (uid == o->want) {
        if (s->r.too_big) {
            o->got = 2;
        } else if (b) {
            vstr_reset(o->body);
            vstr_add(o->body, b->s, b->len);
            o->got = 1;
        }
    }
    vstr_free(scratch);
}

int imapc_fetch_uid(IMAPC_SESS *s, unsigned long uid, VSTR *body, char *err, size_t errlen)
{
    IMAPC_ONE o = {uid, 0, body};

    if (imapc_wait(s, imapc_send(s, "UID FETCH %lu (UID BODY.PEEK[])", uid), "UID FETCH",
                   imapc_on_fetch, &o, err, errlen) < 0)
        return -1;
    return o.got;
}

int imapc_start(IMAPC_SESS *s, TLSC *tls, const TLSC_PEER *starttls, const char *user,
                const char *password, char *err, size_t errlen)
{
    if (imapc_greeting(s, err, errlen) < 0)
        return -1;
    if (starttls
        && (imapc_wait(s, imapc_send(s, "STARTTLS"), "STARTTLS", 0, 0, err, errlen) < 0
            || tlsc_start(tls, s->nio, starttls->host, starttls->verify, starttls->ca_file, err,
                          errlen) < 0))
        return -1;
    if (imapc_wait(s, imapc_send(s, "CAPABILITY"), "CAPABILITY", 0, 0, err, errlen) < 0)
        return -1;
    return imapc_login(s, user, password, err, errlen);
}
