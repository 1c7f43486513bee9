/*
 * terms.h - the index terms of a message record.
 *
 * A term is "<kind>:<value>" with kind one of
 *   f  From/Sender header address or envelope sender
 *   t  To, Cc, Bcc header address or envelope recipient
 *   c  Cc header address
 *   s  a word of the decoded subject
 *   m  the Message-ID (lower-case, without angle brackets)
 *   b  a word of a text part: text/plain, other text types unless a file,
 *      text/html reduced to text (attached text files included)
 *   n  a word of an attachment's file name
 *   x  a word of an attachment's text: documents (PDF, OOXML, OpenDocument,
 *      RTF) through mailarc-extract, text files in their charset
 *   a  "a:attachment" when some part is a file: Content-Disposition
 *      attachment, a file name, or a non-text type
 *   p  two words next to each other, "p:quarterly report", in the subject,
 *      a text part, a file name or an attachment's text, whichever: the
 *      candidates of a phrase, which word positions (fwd.h) then confirm
 *      (only with phrase_pairs; postings.c writes them)
 * Address values expand as addr_terms() says; values longer than
 * TERMS_MAX_VALUE bytes are cut there, on both sides alike.  The indexer writes exactly
 * these; the query side builds its keys with terms_key() so both agree.
 */
#ifndef MAILARC_TERMS_H
#define MAILARC_TERMS_H

#include <stddef.h>

#include "mime.h"
#include "record.h"
#include "vstr.h"

#define TERMS_MAX_VALUE 255
#define TERMS_PAIR 'p'

void terms_key(char kind, const char *value, size_t len, VSTR *out);
typedef void (*TERMS_FN)(const char *term, size_t len, void *ctx);

/* The header and envelope terms (f t c s m) of a record. */
void terms_of_record(const MSGREC *r, TERMS_FN fn, void *ctx);

/* The terms (b n a) of one part, and those of kind for a text's words. */
void terms_of_part(const MIME_PART *p, TERMS_FN fn, void *ctx);
void terms_of_text(char kind, const char *text, size_t len, TERMS_FN fn, void *ctx);

/* The pairs (p) of the first max_words words of a text (0: all). */
void terms_pairs(const char *text, size_t len, size_t max_words, TERMS_FN fn, void *ctx);

/* The content terms (b n a) of the message bytes; returns mime_walk's
 * part count, *truncated set when a limit cut the walk short. */
int terms_of_message(const char *msg, size_t len, const MIME_LIMITS *lim, TERMS_FN fn, void *ctx,
                     int *truncated);

#endif
