/*
 * utf8.h - UTF-8 code points, validation and bidirectional controls.
 *
 * Never fails: an invalid sequence decodes as U+FFFD, one byte at a time,
 * so a caller walking a string always moves forward.
 */
#ifndef MAILARC_UTF8_H
#define MAILARC_UTF8_H

#include <stddef.h>

#include "vstr.h"

/* Decode one code point; returns bytes used (>=1) and *cp (0xFFFD if bad). */
size_t utf8_next(const unsigned char *s, size_t len, unsigned *cp);
void utf8_put(VSTR *out, unsigned cp);

/* Append in, replacing invalid UTF-8 (and NUL) with U+FFFD. */
void utf8_clean(const char *in, size_t len, VSTR *out);

/* The length of the bidirectional control (U+061C, U+200E/F, U+202A..E,
 * U+2066..9) that s starts with, in UTF-8 bytes, or 0. */
size_t utf8_bidi_len(const char *s, size_t len);

#endif
