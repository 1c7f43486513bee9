/*
 * pop3c.h - the client side of POP3 (RFC 1939): status lines and
 * multi-line answers, for the journal mailbox client.
 */
#ifndef MAILARC_POP3C_H
#define MAILARC_POP3C_H

#include <stddef.h>

#include "netio.h"
#include "tlsclient.h"
#include "strlist.h"
#include "vstr.h"

#define POP3C_LINE 4096

/* Send cmd (NULL: only read, as for the greeting) and read the status
 * line into line; 0 on "+OK", -1 with err ("WHAT: reason") otherwise. */
int pop3c_cmd(NETIO *nio, VSTR *line, const char *what, const char *cmd, char *err,
              size_t errlen);

/* A session's start: the greeting, STLS into tls when stls is given,
 * USER and PASS.  0, or -1 with err. */
int pop3c_start(NETIO *nio, TLSC *tls, const TLSC_PEER *stls, const char *user,
                const char *password, char *err, size_t errlen);

/* A multi-line answer up to the "." line: dot-stuffing undone, each line
 * ended by CRLF.  Over max bytes it is read to its end, out stays empty
 * and *too_big is set.  0, or -1 (err) when the connection ended first. */
int pop3c_multiline(NETIO *nio, VSTR *out, size_t max, int *too_big, char *err, size_t errlen);

/* A UIDL answer ("n id" lines, from pop3c_multiline) as a list of ids:
 * ids.v[i] is message i + 1's; numbers out of order end the list. */
void pop3c_uidl(const VSTR *answer, STRLIST *ids);

#endif
