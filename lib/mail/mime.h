/*
 * mime.h - walk the parts of a message and get their text and names.
 *
 * Nested multiparts and message/rfc822 are followed up to a depth limit;
 * base64 and quoted-printable are decoded tolerantly; text is converted to
 * UTF-8 (an unknown or lying charset degrades to U+FFFD, never to a
 * failure); HTML is reduced to text; attachment file names come from
 * Content-Disposition or Content-Type, RFC 2231 and RFC 2047 decoded.
 * Limits on parts, depth and decoded text bound the work per message.
 * Broken MIME never fails: what cannot be parsed is treated as text.
 */
#ifndef MAILARC_MIME_H
#define MAILARC_MIME_H

#include <stddef.h>

#include "cfg.h"
#include "vstr.h"

typedef struct mime_limits {
    int     max_parts;
    int     max_depth;
    size_t  max_text;               /* decoded text bytes per message */
    int     max_params;             /* parameters read from one header */
    size_t  max_header;             /* bytes of one header value parsed for them */
} MIME_LIMITS;

#define MIME_LIMITS_DEFAULT {1000, 32, 4 * 1024 * 1024, 100, 64 * 1024}

/* The limits of mailarc.conf (mime_max_*). */
void mime_limits_cfg(MIME_LIMITS *lim, const CONFIG *cfg);

typedef struct mime_part {
    const char *type;               /* lower-case "type/subtype" */
    const char *charset;            /* as declared, "" if none */
    const char *filename;           /* UTF-8, "" if none */
    int     attachment;             /* a file rather than the message text */
    int     depth;
    size_t  size;                   /* decoded bytes */
    const VSTR *text;               /* UTF-8 text of text parts, else NULL */
    const char *body;               /* the part's body as sent, still encoded */
    size_t  body_len;
    const char *cte;                /* lower-case Content-Transfer-Encoding, "" if none */
} MIME_PART;

typedef void (*MIME_CB)(const MIME_PART *part, void *ctx);

/* Call cb for every leaf part, in order.  Returns the number of parts
 * seen; *truncated is set when a limit cut the walk short. */
int mime_walk(const char *msg, size_t len, const MIME_LIMITS *lim, MIME_CB cb, void *ctx,
              int *truncated);

/* The decoded bytes of a part (base64, quoted-printable or as sent),
 * appended to out. */
void mime_part_decode(const MIME_PART *p, VSTR *out);

/* The parts of a multipart body: cb for each part between "--boundary"
 * lines (the line break before a delimiter belongs to it, RFC 2046 5.1.1);
 * cb returns non-zero to stop.  1 when the closing delimiter (or a stop)
 * ended the walk; 0 when the body ended first (its last part still went
 * to cb). */
int mime_parts(const char *body, size_t len, const char *boundary,
               int (*cb)(const char *part, size_t n, void *ctx), void *ctx);

/* A header parameter (RFC 2045 syntax, RFC 2231 continuations and
 * charsets, RFC 2047 words tolerated); 1 found (value in out), 0 not. */
int mime_param(const char *value, size_t len, const char *name, VSTR *out);

#endif
