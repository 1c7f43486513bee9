/*
 * journal.c - envelope journal reports (see journal.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "decode.h"
#include "hdr.h"
#include "journal.h"
#include "mime.h"
#include "mymalloc.h"

#define JOURNAL_MAX_PARTS 16        /* a report has two; more is not one of ours */

typedef struct jpart {
    const char *p;
    size_t  len;
} JPART;

static void journal_trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
        (*n)--;
}

typedef struct jparts {
    JPART  *v;
    int     n, max, overflow;
} JPARTS;

static int journal_part(const char *part, size_t n, void *ctx)
{
    JPARTS *ps = ctx;

    if (ps->n == ps->max) {
        ps->overflow = 1;
        return 1;
    }
    ps->v[ps->n].p = part;
    ps->v[ps->n].len = n;
    ps->n++;
    return 0;
}

/* The parts of the report; -1 when it was cut short or has too many. */
static int journal_parts(const char *body, size_t len, const char *boundary, JPART *parts,
                         int max)
{
    JPARTS  ps = {parts, 0, max, 0};

    if (!mime_parts(body, len, boundary, journal_part, &ps) || ps.overflow)
        return -1;
    return ps.n;
}

/* Lower-case type/subtype of a Content-Type value, "" when absent. */
static void journal_ctype(const char *h, size_t hlen, VSTR *type, VSTR *tmp)
{
    vstr_reset(type);
    if (hdr_get(h, hlen, "Content-Type", "", tmp) == 0)
        return;
    for (size_t i = 0; i < tmp->len && tmp->s[i] != ';'; i++)
        if (tmp->s[i] != ' ' && tmp->s[i] != '\t' && tmp->s[i] != '\r' && tmp->s[i] != '\n')
            vstr_addch(type, tmp->s[i] >= 'A' && tmp->s[i] <= 'Z' ? tmp->s[i] + 32 : tmp->s[i]);
}

/* "<a@b>" or "a@b" without the brackets and blanks. */
static void journal_addr(const char *s, size_t n, VSTR *out)
{
    journal_trim(&s, &n);
    if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
        s++;
        n -= 2;
        journal_trim(&s, &n);
    }
    vstr_reset(out);
    vstr_add(out, s, n);
}

static int journal_name_is(const char *line, size_t nlen, const char *want)
{
    return strlen(want) == nlen && strncasecmp(line, want, nlen) == 0;
}

static void journal_add_rcpt(JOURNAL *j, int max_rcpt, const char *a)
{
    if (*a == 0)
        return;
    if (j->rcpt.n >= max_rcpt) {
        j->dropped++;
        return;
    }
    strlist_add(&j->rcpt, a);
}

/* One "To: ADDR[, Expanded: SRC]" line (or Cc, Bcc, Recipient). */
static void journal_recipient(JOURNAL *j, int max_rcpt, const char *v, size_t vlen, VSTR *a,
                              VSTR *note)
{
    static const char *const redir[] = {"Expanded:", "Forwarded:"};
    const char *comma = memchr(v, ',', vlen);

    if (comma) {
        const char *rest = comma + 1;
        size_t  rlen = vlen - (size_t) (rest - v);

        journal_trim(&rest, &rlen);
        for (int k = 0; k < 2; k++) {
            size_t  kl = strlen(redir[k]);

            if (rlen > kl && strncasecmp(rest, redir[k], kl) == 0) {
                journal_addr(v, (size_t) (comma - v), a);
                journal_add_rcpt(j, max_rcpt, a->s);
                if (a->len && j->rcpt.n && j->notes.n < max_rcpt) {
                    VSTR   *src = vstr_alloc(64);

                    journal_addr(rest + kl, rlen - kl, src);
                    vstr_sprintf(note, "%s %.*s %s", a->s, (int) kl, redir[k], src->s);
                    strlist_add(&j->notes, note->s);
                    vstr_free(src);
                }
                return;
            }
        }
    }
    /* No redirection: one address (Exchange 2003 "Recipients:" may list
     * several, comma-separated). */
    while (vlen) {
        const char *c = memchr(v, ',', vlen);
        size_t  n = c ? (size_t) (c - v) : vlen;

        journal_addr(v, n, a);
        journal_add_rcpt(j, max_rcpt, a->s);
        if (!c)
            break;
        v = c + 1;
        vlen -= n + 1;
    }
}

static void journal_envelope(JOURNAL *j, const char *text, size_t len, int max_rcpt)
{
    VSTR   *a = vstr_alloc(64), *note = vstr_alloc(128);
    size_t  i = 0;

    while (i < len) {
        const char *line = text + i;
        const char *lf = memchr(line, '\n', len - i);
        size_t  llen = lf ? (size_t) (lf - line) : len - i;
        const char *colon = memchr(line, ':', llen);

        i += llen + (lf ? 1 : 0);
        if (colon == 0 || line[0] == ' ' || line[0] == '\t')
            continue;
        {
            size_t  nlen = (size_t) (colon - line);
            const char *v = colon + 1;
            size_t  vlen = llen - nlen - 1;

            journal_trim(&v, &vlen);
            if (journal_name_is(line, nlen, "Sender")) {
                if (j->sender == 0) {
                    journal_addr(v, vlen, a);
                    j->sender = mystrdup(a->s);
                }
            } else if (journal_name_is(line, nlen, "To") || journal_name_is(line, nlen, "Cc")
                       || journal_name_is(line, nlen, "Bcc")
                       || journal_name_is(line, nlen, "Recipient")
                       || journal_name_is(line, nlen, "Recipients")) {
                journal_recipient(j, max_rcpt, v, vlen, a, note);
            }
        }
    }
    vstr_free(a);
    vstr_free(note);
}

/* The transfer encoding of a part, lower case, "" when absent. */
static void journal_cte(const char *h, size_t hlen, VSTR *out, VSTR *tmp)
{
    const char *s;
    size_t  n;

    vstr_reset(out);
    if (hdr_get(h, hlen, "Content-Transfer-Encoding", "", tmp) == 0)
        return;
    s = tmp->s;
    n = tmp->len;
    journal_trim(&s, &n);
    for (size_t i = 0; i < n; i++)
        vstr_addch(out, s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
}

static int journal_malformed(char *why, size_t whylen, const char *text)
{
    snprintf(why, whylen, "%s", text);
    return JOURNAL_MALFORMED;
}

int journal_parse(const char *msg, size_t len, int max_rcpt, JOURNAL *j, char *why,
                  size_t whylen)
{
    size_t  hend = hdr_end(msg, len);
    VSTR   *tmp = vstr_alloc(128), *type = vstr_alloc(64), *cte = vstr_alloc(16);
    VSTR   *boundary = vstr_alloc(80), *text = 0;
    JPART   parts[JOURNAL_MAX_PARTS];
    int     n, rc = JOURNAL_OK;
    int     have_text = 0;

    memset(j, 0, sizeof(*j));
    if (hdr_get(msg, hend, "X-MS-Journal-Report", "", tmp) == 0) {
        const char *s;
        size_t  sl;

        if (hdr_get(msg, hend, "Content-Identifier", "", tmp) == 0) {
            rc = JOURNAL_NOT;
            goto out;
        }
        s = tmp->s;
        sl = tmp->len;
        journal_trim(&s, &sl);
        if (sl != 15 || strncasecmp(s, "ExJournalReport", 15) != 0) {
            rc = JOURNAL_NOT;
            goto out;
        }
        j->exchange2003 = 1;
    }
    journal_ctype(msg, hend, type, tmp);
    if (strncmp(type->s, "multipart/", 10) != 0
        || !mime_param(tmp->s, tmp->len, "boundary", boundary) || boundary->len == 0) {
        rc = journal_malformed(why, whylen, "a journal report that is not multipart");
        goto out;
    }
    if ((n = journal_parts(msg + hend, len - hend, boundary->s, parts, JOURNAL_MAX_PARTS)) < 0) {
        rc = journal_malformed(why, whylen, "a journal report cut short, or with too many parts");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        size_t  ph = hdr_end(parts[i].p, parts[i].len);
        const char *body = parts[i].p + ph;
        size_t  blen = parts[i].len - ph;

        journal_ctype(parts[i].p, ph, type, tmp);
        journal_cte(parts[i].p, ph, cte, tmp);
        if (!have_text && (type->len == 0 || strcmp(type->s, "text/plain") == 0)) {
            have_text = 1;
            text = vstr_alloc(blen + 1);
            if (strcmp(cte->s, "base64") == 0)
                decode_base64(body, blen, text);
            else if (strcmp(cte->s, "quoted-printable") == 0)
                decode_qp(body, blen, text);
            else
                vstr_add(text, body, blen);
        } else if (j->inner == 0 && strcmp(type->s, "message/rfc822") == 0) {
            if (cte->len == 0 || strcmp(cte->s, "7bit") == 0 || strcmp(cte->s, "8bit") == 0
                || strcmp(cte->s, "binary") == 0) {
                j->inner = body;
                j->inner_len = blen;
            } else if (strcmp(cte->s, "base64") == 0) {
                j->decoded = vstr_alloc(decode_base64_size(body, blen) + 1);
                decode_base64(body, blen, j->decoded);
                j->inner = j->decoded->s;
                j->inner_len = j->decoded->len;
            } else {
                rc = journal_malformed(why, whylen,
                                       "the original message has an unknown transfer encoding");
                goto out;
            }
        }
    }
    if (!have_text) {
        rc = journal_malformed(why, whylen, "a journal report without its envelope text");
        goto out;
    }
    if (j->inner == 0 || j->inner_len == 0) {
        rc = journal_malformed(why, whylen, "a journal report without the original message");
        goto out;
    }
    journal_envelope(j, text->s, text->len, max_rcpt);
    if (j->sender == 0) {
        rc = journal_malformed(why, whylen, "a journal report without a Sender line");
        goto out;
    }
    if (j->rcpt.n == 0) {
        rc = journal_malformed(why, whylen, "a journal report without recipients");
        goto out;
    }
out:
    if (rc != JOURNAL_OK)
        journal_free(j);
    vstr_free(tmp);
    vstr_free(type);
    vstr_free(cte);
    vstr_free(boundary);
    if (text)
        vstr_free(text);
    return rc;
}

void journal_free(JOURNAL *j)
{
    if (j->decoded)
        vstr_free(j->decoded);
    myfree(j->sender);
    strlist_free(&j->rcpt);
    strlist_free(&j->notes);
    memset(j, 0, sizeof(*j));
}
