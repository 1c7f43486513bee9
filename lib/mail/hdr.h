/*
 * hdr.h - reading RFC 5322 header fields from exact message bytes.
 *
 * Works on the raw bytes (CRLF or LF), unfolds continuation lines, and
 * stops at the first empty line.  Field names match case-insensitively.
 */
#ifndef MAILARC_HDR_H
#define MAILARC_HDR_H

#include <stddef.h>

#include "vstr.h"

/* Length of the header section (through the empty line), or len. */
size_t hdr_end(const char *msg, size_t len);

/* Unfolded values of every field named name, joined by sep; count found. */
int hdr_get(const char *msg, size_t len, const char *name, const char *sep, VSTR *out);

/* Call fn for each field with its name and unfolded value. */
void hdr_walk(const char *msg, size_t len,
              void (*fn)(const char *name, size_t nlen, const char *val, size_t vlen, void *ctx),
              void *ctx);

#endif
