/*
 * mime.c - the MIME walker (see mime.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "decode.h"
#include "digest.h"
#include "hdr.h"
#include "html.h"
#include "mime.h"
#include "mymalloc.h"
#include "rfc2047.h"

typedef struct walk {
    const MIME_LIMITS *lim;
    MIME_CB cb;
    void   *ctx;
    int     parts;
    size_t  text;
    int     truncated;
} WALK;

typedef struct entity_hdr {
    VSTR   *ctype;                  /* Content-Type value */
    VSTR   *cte;                    /* Content-Transfer-Encoding */
    VSTR   *cdisp;                  /* Content-Disposition */
} ENTITY_HDR;

/* ---- parameters -------------------------------------------------------- */

/*
 * One pass over the header value into an array of (name, value) pairs, at
 * most lim->max_params of them, from at most lim->max_header bytes; then
 * every lookup is a pass over that array.  Nothing here rescans the value.
 */
typedef struct params {
    VSTR   *buf;                    /* "name\0value\0" pairs */
    size_t *off;                    /* offset of each name in buf */
    int     n;
} PARAMS;

static void mime_split_params(const char *v, size_t len, int max, PARAMS *ps)
{
    size_t  i = 0;

    ps->buf = vstr_alloc(256);
    ps->off = mymalloc(sizeof(size_t) * (size_t) max);
    ps->n = 0;
    /* Skip the leading value (type/subtype or disposition type). */
    while (i < len && v[i] != ';') {
        if (v[i] == '"') {
            const char *q = memchr(v + i + 1, '"', len - i - 1);

            i = q ? (size_t) (q - v) + 1 : len;
        } else {
            i++;
        }
    }
    while (i < len && ps->n < max) {
        size_t  ns;

        i++;                            /* the ';' */
        while (i < len && isspace((unsigned char) v[i]))
            i++;
        ns = i;
        while (i < len && v[i] != '=' && v[i] != ';')
            i++;
        if (i >= len || v[i] != '=')
            continue;
        ps->off[ps->n] = ps->buf->len;
        for (size_t k = ns; k < i; k++)
            if (!isspace((unsigned char) v[k]))
                vstr_addch(ps->buf, tolower((unsigned char) v[k]));
        vstr_addch(ps->buf, 0);
        i++;
        while (i < len && isspace((unsigned char) v[i]))
            i++;
        if (i < len && v[i] == '"') {
            for (i++; i < len && v[i] != '"'; i++) {
                if (v[i] == '\\' && i + 1 < len)
                    i++;
                vstr_addch(ps->buf, v[i]);
            }
            if (i < len)
                i++;
            while (i < len && v[i] != ';')
                i++;
        } else {
            size_t  vs = i;

            while (i < len && v[i] != ';')
                i++;
            {
                size_t  ve = i;

                while (ve > vs && isspace((unsigned char) v[ve - 1]))
                    ve--;
                vstr_add(ps->buf, v + vs, ve - vs);
            }
        }
        vstr_addch(ps->buf, 0);
        ps->n++;
    }
}

static const char *mime_pname(const PARAMS *ps, int k)
{
    return ps->buf->s + ps->off[k];
}

static const char *mime_pvalue(const PARAMS *ps, int k)
{
    const char *nm = mime_pname(ps, k);

    return nm + strlen(nm) + 1;
}

/* RFC 2231 extended value: charset'language'%XX... */
static void mime_ext_value(const char *val, int first, VSTR *raw, char *charset, size_t cslen)
{
    const char *p = val;

    if (first) {
        const char *q1 = strchr(val, '\'');
        const char *q2 = q1 ? strchr(q1 + 1, '\'') : 0;

        if (q2) {
            snprintf(charset, cslen, "%.*s", (int) (q1 - val), val);
            p = q2 + 1;
        }
    }
    for (; *p; p++) {
        if (*p == '%' && digest_hexval(p[1]) >= 0 && digest_hexval(p[2]) >= 0) {
            vstr_addch(raw, digest_hexval(p[1]) << 4 | digest_hexval(p[2]));
            p += 2;
        } else {
            vstr_addch(raw, *p);
        }
    }
}

/* "name*N" or "name*N*": N (0..max-1) and whether it is extended; else -1. */
static int mime_segment(const char *nm, const char *name, size_t nlen, int max, int *ext)
{
    const char *p;
    long    seg = 0;

    if (strncmp(nm, name, nlen) != 0 || nm[nlen] != '*' || !isdigit((unsigned char) nm[nlen + 1]))
        return -1;
    for (p = nm + nlen + 1; isdigit((unsigned char) *p); p++)
        if ((seg = seg * 10 + (*p - '0')) >= max)
            return -1;
    if (p > nm + nlen + 2 && nm[nlen + 1] == '0')
        return -1;                      /* "name*01" is no segment number */
    *ext = *p == '*';
    return p[*ext] == 0 ? (int) seg : -1;
}

static int mime_param_lim(const char *value, size_t len, const char *name,
                          const MIME_LIMITS *lim, VSTR *out)
{
    PARAMS  ps;
    VSTR   *raw = vstr_alloc(128);
    char    charset[64] = "";
    size_t  nlen = strlen(name);
    int     max = lim->max_params > 0 ? lim->max_params : 1;
    int    *seg;
    int     found = 0;
    int     ext;

    vstr_reset(out);
    if (len > lim->max_header)
        len = lim->max_header;
    mime_split_params(value, len, max, &ps);
    seg = mymalloc(sizeof(int) * (size_t) max);
    for (int k = 0; k < max; k++)
        seg[k] = -1;
    /* name*=charset''value, then name*0, name*1* ..., then plain name. */
    for (int k = 0; k < ps.n; k++) {
        const char *nm = mime_pname(&ps, k);
        int     s;

        if (!found && strncmp(nm, name, nlen) == 0 && strcmp(nm + nlen, "*") == 0) {
            mime_ext_value(mime_pvalue(&ps, k), 1, raw, charset, sizeof(charset));
            found = 1;
        } else if ((s = mime_segment(nm, name, nlen, max, &ext)) >= 0 && seg[s] < 0) {
            seg[s] = k;
        }
    }
    for (int s = 0; !found && s < max && seg[s] >= 0; s++) {
        const char *nm = mime_pname(&ps, seg[s]);

        if (nm[strlen(nm) - 1] == '*')
            mime_ext_value(mime_pvalue(&ps, seg[s]), s == 0, raw, charset, sizeof(charset));
        else
            vstr_addstr(raw, mime_pvalue(&ps, seg[s]));
        if (s + 1 == max || seg[s + 1] < 0)
            found = 1;
    }
    if (found) {
        charset_to_utf8(charset, raw->s, raw->len, out);
    } else {
        for (int k = 0; k < ps.n && !found; k++)
            if (strcmp(mime_pname(&ps, k), name) == 0) {
                const char *v = mime_pvalue(&ps, k);

                rfc2047_decode(v, strlen(v), out);      /* common, if not standard */
                found = 1;
            }
    }
    myfree(seg);
    myfree(ps.off);
    vstr_free(ps.buf);
    vstr_free(raw);
    return found;
}

int mime_param(const char *value, size_t len, const char *name, VSTR *out)
{
    static const MIME_LIMITS lim = MIME_LIMITS_DEFAULT;

    return mime_param_lim(value, len, name, &lim, out);
}

void mime_limits_cfg(MIME_LIMITS *lim, const CONFIG *cfg)
{
    lim->max_parts = (int) cfg->mime_max_parts;
    lim->max_depth = (int) cfg->mime_max_depth;
    lim->max_text = (size_t) cfg->mime_max_text;
    lim->max_params = (int) cfg->mime_max_params;
    lim->max_header = (size_t) cfg->mime_max_header;
}

/* ---- entities ---------------------------------------------------------- */

static void mime_hdr_cb(const char *name, size_t nlen, const char *val, size_t vlen, void *ctx)
{
    ENTITY_HDR *h = ctx;
    VSTR   *dst = 0;

    if (nlen == 12 && strncasecmp(name, "content-type", 12) == 0)
        dst = h->ctype;
    else if (nlen == 25 && strncasecmp(name, "content-transfer-encoding", 25) == 0)
        dst = h->cte;
    else if (nlen == 19 && strncasecmp(name, "content-disposition", 19) == 0)
        dst = h->cdisp;
    if (dst && dst->len == 0)
        vstr_add(dst, val, vlen);
}

/* The lower-case leading token of a header value ("text/plain"). */
static void mime_token(const VSTR *v, VSTR *out)
{
    vstr_reset(out);
    for (size_t i = 0; i < v->len && v->s[i] != ';'; i++)
        if (!isspace((unsigned char) v->s[i]))
            vstr_addch(out, tolower((unsigned char) v->s[i]));
}

void mime_part_decode(const MIME_PART *p, VSTR *out)
{
    if (strcmp(p->cte, "base64") == 0)
        decode_base64(p->body, p->body_len, out);
    else if (strcmp(p->cte, "quoted-printable") == 0)
        decode_qp(p->body, p->body_len, out);
    else
        vstr_add(out, p->body, p->body_len);
}

static void mime_entity(WALK *w, const char *buf, size_t len, int depth, const char *deftype);

int mime_parts(const char *body, size_t len, const char *boundary,
               int (*cb)(const char *part, size_t n, void *ctx), void *ctx)
{
    size_t  blen = strlen(boundary);
    size_t  i = 0;
    const char *part = 0;

    /* A delimiter is "--boundary" at the start of a line. */
    while (i < len) {
        const char *line = body + i;
        const char *lf = memchr(line, '\n', len - i);
        size_t  llen = lf ? (size_t) (lf - line) : len - i;

        if (llen >= blen + 2 && line[0] == '-' && line[1] == '-'
            && memcmp(line + 2, boundary, blen) == 0) {
            int     close = llen >= blen + 4 && line[blen + 2] == '-' && line[blen + 3] == '-';

            if (part) {
                /* The line break before the delimiter belongs to it. */
                const char *end = line;

                if (end > part && end[-1] == '\n')
                    end--;
                if (end > part && end[-1] == '\r')
                    end--;
                if (cb(part, (size_t) (end - part), ctx))
                    return 1;
            }
            part = lf ? lf + 1 : body + len;
            if (close)
                return 1;
        }
        i += llen + (lf ? 1 : 0);
    }
    if (part && part < body + len)          /* no closing delimiter: to the end */
        cb(part, (size_t) (body + len - part), ctx);
    return 0;
}

typedef struct mp_ctx {
    WALK   *w;
    int     depth;
    const char *deftype;
} MP_CTX;

static int mime_multipart_one(const char *part, size_t n, void *ctx)
{
    MP_CTX *m = ctx;

    mime_entity(m->w, part, n, m->depth + 1, m->deftype);
    return 0;
}

static void mime_multipart(WALK *w, const char *body, size_t len, const char *boundary,
                           int depth, const char *deftype)
{
    MP_CTX  m = {w, depth, deftype};

    mime_parts(body, len, boundary, mime_multipart_one, &m);
}

static void mime_leaf(WALK *w, const char *body, size_t len, int depth, const char *type,
                      ENTITY_HDR *h)
{
    VSTR   *cte = vstr_alloc(32);
    VSTR   *disp = vstr_alloc(32);
    VSTR   *decoded = 0;
    VSTR   *charset = vstr_alloc(32);
    VSTR   *filename = vstr_alloc(64);
    VSTR   *text = 0;
    int     want_text;
    MIME_PART p;

    mime_token(h->cte, cte);
    mime_token(h->cdisp, disp);
    mime_param_lim(h->ctype->s, h->ctype->len, "charset", w->lim, charset);
    if (!mime_param_lim(h->cdisp->s, h->cdisp->len, "filename", w->lim, filename))
        mime_param_lim(h->ctype->s, h->ctype->len, "name", w->lim, filename);
    memset(&p, 0, sizeof(p));
    p.type = type;
    p.charset = charset->s;
    p.filename = filename->s;
    p.depth = depth;
    p.body = body;
    p.body_len = len;
    p.cte = cte->s;
    p.attachment = strcmp(disp->s, "attachment") == 0 || filename->len > 0
        || strncmp(type, "text/", 5) != 0;
    want_text = strncmp(type, "text/", 5) == 0 && w->text < w->lim->max_text
        && (!p.attachment || strcmp(type, "text/plain") == 0 || strcmp(type, "text/html") == 0);
    /* A file's bytes are never text: count them without decoding. */
    if (!want_text && strcmp(cte->s, "base64") == 0) {
        p.size = decode_base64_size(body, len);
    } else {
        decoded = vstr_alloc(len + 16);
        if (strcmp(cte->s, "base64") == 0)
            decode_base64(body, len, decoded);
        else if (strcmp(cte->s, "quoted-printable") == 0)
            decode_qp(body, len, decoded);
        else
            vstr_add(decoded, body, len);
        p.size = decoded->len;
    }
    if (want_text) {
        size_t  room = w->lim->max_text - w->text;
        size_t  take = decoded->len < room ? decoded->len : room;
        VSTR   *utf8 = vstr_alloc(take + 16);

        if (take < decoded->len)
            w->truncated = 1;
        charset_to_utf8(charset->s, decoded->s, take, utf8);
        if (strcmp(type, "text/html") == 0) {
            text = vstr_alloc(utf8->len + 16);
            html_to_text(utf8->s, utf8->len, text);
            vstr_free(utf8);
        } else {
            text = utf8;
        }
        w->text += take;
    }
    p.text = text;
    w->cb(&p, w->ctx);
    vstr_free(text);
    vstr_free(cte);
    vstr_free(disp);
    vstr_free(decoded);
    vstr_free(charset);
    vstr_free(filename);
}

static void mime_entity(WALK *w, const char *buf, size_t len, int depth, const char *deftype)
{
    ENTITY_HDR h = {vstr_alloc(128), vstr_alloc(32), vstr_alloc(64)};
    VSTR   *type = vstr_alloc(32);
    VSTR   *boundary = vstr_alloc(80);
    size_t  hend = hdr_end(buf, len);

    if (w->parts >= w->lim->max_parts || depth > w->lim->max_depth) {
        w->truncated = 1;
        goto out;
    }
    w->parts++;
    hdr_walk(buf, len, mime_hdr_cb, &h);
    mime_token(h.ctype, type);
    if (type->len == 0 || strchr(type->s, '/') == 0)
        vstr_set(type, deftype);
    if (strncmp(type->s, "multipart/", 10) == 0
        && mime_param_lim(h.ctype->s, h.ctype->len, "boundary", w->lim, boundary) && boundary->len > 0) {
        mime_multipart(w, buf + hend, len - hend, boundary->s, depth,
                       strcmp(type->s, "multipart/digest") == 0 ? "message/rfc822" : "text/plain");
    } else if (strcmp(type->s, "message/rfc822") == 0 && hend < len) {
        mime_entity(w, buf + hend, len - hend, depth + 1, "text/plain");
    } else {
        if (strncmp(type->s, "multipart/", 10) == 0)
            vstr_set(type, "text/plain");   /* no usable boundary: read it as text */
        mime_leaf(w, buf + hend, len - hend, depth, type->s, &h);
    }
out:
    vstr_free(h.ctype);
    vstr_free(h.cte);
    vstr_free(h.cdisp);
    vstr_free(type);
    vstr_free(boundary);
}

int mime_walk(const char *msg, size_t len, const MIME_LIMITS *lim, MIME_CB cb, void *ctx,
              int *truncated)
{
    WALK    w = {lim, cb, ctx, 0, 0, 0};

    mime_entity(&w, msg, len, 0, "text/plain");
    if (truncated)
        *truncated = w.truncated;
    return w.parts;
}
