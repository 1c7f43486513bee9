/*
 * xtext.h - what extraction gave for a message's attachments.
 *
 * xtext.db holds, for each message that has documents, one item per
 * document: 'T' with the text mailarc-extract gave, or 'F' with why it
 * failed; each with the attachment's file name.  The index is built from
 * it again without starting mailarc-extract (reindex, lawful deletion);
 * "mailarc reindex --extract" writes it afresh.  Items: kind(1),
 * name length(4), name, data length(4), data; lengths big-endian.
 */
#ifndef MAILARC_XTEXT_H
#define MAILARC_XTEXT_H

#include <stddef.h>

#include "vstr.h"

void xtext_add(VSTR *out, char kind, const char *name, const char *data, size_t len);

typedef void (*XTEXT_FN)(char kind, const char *name, size_t nlen, const char *data,
                         size_t len, void *ctx);

/* Each item in order; 0, or -1 when the entry is malformed (the items
 * before the damage were given). */
int xtext_each(const void *entry, size_t len, XTEXT_FN fn, void *ctx);

/* The number of 'F' items. */
size_t xtext_failures(const void *entry, size_t len);

#endif
