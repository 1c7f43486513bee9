/*
 * terms.h - the index terms of a message record.
 *
 * A term is "<kind>:<value>" with kind one of
 *   f  From/Sender header address or envelope sender
 *   t  To, Cc, Bcc header address or envelope recipient
 *   c  Cc header address
 *   s  a word of the decoded subject
 *   m  the Message-ID (lower-case, without angle brackets)
 * Address values expand as addr_terms() says.  The indexer writes exactly
 * these; the query side builds its keys with terms_key() so both agree.
 */
#ifndef MAILARC_TERMS_H
#define MAILARC_TERMS_H

#include <stddef.h>

#include "record.h"
#include "vstr.h"

#define TERMS_MAX_VALUE 255

void terms_key(char kind, const char *value, size_t len, VSTR *out);
void terms_of_record(const MSGREC *r, void (*fn)(const char *term, size_t len, void *ctx), void *ctx);

#endif
