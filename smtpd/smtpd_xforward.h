/*
 * smtpd_xforward.h - Postfix's XFORWARD: an MTA in xforward_allow tells
 * the archive who really sent the message (client name and address, HELO,
 * its own queue id) before each mail transaction, so that the record shows
 * the original client instead of the relaying MTA.
 *
 * Attributes hold for the next transaction only: they are forgotten after
 * the message, on RSET and on HELO/EHLO.  Values are xtext (RFC 3461);
 * "[UNAVAILABLE]" and "[TEMPUNAVAIL]" mean "not known".  Clients outside
 * xforward_allow get 550 and change nothing.
 */
#ifndef MAILARC_SMTPD_XFORWARD_H
#define MAILARC_SMTPD_XFORWARD_H

#include "envelope.h"

struct smtpd_state;

#define SMTPD_XFORWARD_VALUE_MAX 255

typedef struct smtpd_xforward {
    char   *name, *addr, *helo, *ident;
} SMTPD_XFORWARD;

/* The XFORWARD command (args after the verb); replies itself. */
void smtpd_xforward_cmd(struct smtpd_state *st, const char *args);

/* Put what was forwarded into the envelope: client "NAME[ADDR]" (or ADDR),
 * HELO, the MTA's queue id. */
void smtpd_xforward_apply(const SMTPD_XFORWARD *xf, ENVELOPE *env);

void smtpd_xforward_reset(SMTPD_XFORWARD *xf);

#endif
