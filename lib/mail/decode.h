/*
 * decode.h - MIME content transfer decodings, tolerant of garbage.
 *
 * base64 skips characters outside the alphabet and missing padding;
 * quoted-printable keeps malformed "=" sequences literally and honours
 * soft line breaks with CR LF or bare LF.  Output is appended.
 */
#ifndef MAILARC_DECODE_H
#define MAILARC_DECODE_H

#include <stddef.h>

#include "vstr.h"

void decode_base64(const char *in, size_t len, VSTR *out);
/* The bytes decode_base64 would give, without decoding. */
size_t decode_base64_size(const char *in, size_t len);
void decode_qp(const char *in, size_t len, VSTR *out);

#endif
