/*
 * rfc2047.h - decode header text with RFC 2047 encoded words to UTF-8.
 *
 * Whitespace between adjacent encoded words is dropped; raw 8-bit text is
 * kept if it is UTF-8, else read as windows-1252.  Malformed encoded words
 * are kept literally.  Never fails.
 */
#ifndef MAILARC_RFC2047_H
#define MAILARC_RFC2047_H

#include <stddef.h>

#include "vstr.h"

void rfc2047_decode(const char *in, size_t len, VSTR *out);

#endif
