/*
 * bcc_decode.h - envelope recipients encoded by a Postfix bcc map.
 *
 * Postfix's recipient_bcc_maps, with a regexp map such as
 *   /^(.+)@(.+)$/  archive+${1}=${2}@archive.invalid
 * sends the archive one copy of each message with one recipient per
 * original recipient, encoded as ANY+LOCAL=DOMAIN@bcc_decode_domain.  This
 * turns such a recipient back into LOCAL@DOMAIN: the part before the first
 * "+" is free, and the rest splits at its last "=" (a domain never holds
 * one).  A quoted local part ("archive+john smith=example.com") is
 * unquoted first, and LOCAL is quoted again when it needs to be.
 *
 * Linear in the address; never allocates beyond the output.
 */
#ifndef MAILARC_BCC_DECODE_H
#define MAILARC_BCC_DECODE_H

#include "envelope.h"
#include "vstr.h"

typedef enum {
    BCC_OTHER,                      /* not in the decode domain: keep it */
    BCC_DECODED,                    /* out holds LOCAL@DOMAIN */
    BCC_UNDECODABLE                 /* in the domain, but not ANY+LOCAL=DOMAIN */
} BCC_RESULT;

/* addr as it came in RCPT TO (without the angle brackets); domain the
 * bcc_decode_domain (matched without regard to case).  out is reset. */
BCC_RESULT bcc_decode(const char *addr, const char *domain, VSTR *out);

/* Add addr to env's recipients, decoded when it is of the recipe's form;
 * an undecodable one in the domain is added as it came.  With domain ""
 * (bcc_decode_domain unset) addr is added as it is.  Returns what
 * bcc_decode() said, for the caller to log. */
BCC_RESULT bcc_add_rcpt(ENVELOPE *env, const char *addr, const char *domain);

#endif
