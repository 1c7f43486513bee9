/*
 * charset.h - text in any declared charset to UTF-8.
 *
 * Never fails: an unknown charset or an invalid byte sequence becomes
 * U+FFFD and conversion goes on.  UTF-8 input is validated the same way.
 */
#ifndef MAILARC_CHARSET_H
#define MAILARC_CHARSET_H

#include <stddef.h>

#include "utf8.h"
#include "vstr.h"

void charset_to_utf8(const char *charset, const char *in, size_t len, VSTR *out);

/* Undeclared 8-bit text: UTF-8 if it is valid UTF-8, else windows-1252. */
void charset_raw_to_utf8(const char *in, size_t len, VSTR *out);

/* Append in as text safe to display: invalid UTF-8, control bytes (all
 * but tab and newline) and bidirectional controls (which could make a
 * subject or file name read as something else) become U+FFFD; CR is
 * dropped. */
void charset_display_clean(const char *in, size_t len, VSTR *out);

#endif
