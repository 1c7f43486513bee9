/*
 * fwd.h - word positions of one message, for phrase queries.
 *
 * pos.db holds, for each message, its words in order: a section per
 * subject, text part, file name and attachment, each a kind ('s', 'b',
 * 'n', 'x', as in terms.h), a count and that many 32-bit hashes of the
 * words (little-endian).  A phrase matches when its hashes stand next to
 * each other in one section of a kind the query allows; sections keep
 * parts apart, so a phrase never spans two.  The hashes confirm what the
 * posting lists already found (every word is in the message), which keeps
 * a collision harmless in practice.  A section keeps at most max_words
 * words (phrase_max_words; 0 no limit).
 */
#ifndef MAILARC_FWD_H
#define MAILARC_FWD_H

#include <stddef.h>
#include <stdint.h>

#include "vstr.h"

uint32_t fwd_hash(const char *word, size_t len);

/* Append the section of kind for text's words (words.h). */
void fwd_section(VSTR *out, char kind, const char *text, size_t len, size_t max_words);

/* 1 if the n hashes stand in a row in a section whose kind is in kinds,
 * 0 if not, -1 when the entry is malformed. */
int fwd_match(const void *entry, size_t len, const char *kinds, const uint32_t *h, int n);

#endif
