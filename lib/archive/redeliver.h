/*
 * redeliver.h - send an archived message again (restore), the same for
 * "mailarc redeliver" and the web panel.
 *
 * The message goes through relay_host with Resent-Date, Resent-From,
 * Resent-To and Resent-Message-ID fields put in front of the original
 * header; its bytes are otherwise the archived ones.  With
 * redeliver_message_id = new, the Message-ID field is replaced by a new
 * one and the old value is kept in X-Original-Message-ID.
 *
 * Resent-To names only the recipients the original To/Cc already showed;
 * Bcc and envelope-only recipients get the message without being named
 * ("undisclosed-recipients:;" when nobody may be named).
 */
#ifndef MAILARC_REDELIVER_H
#define MAILARC_REDELIVER_H

#include <stddef.h>

#include "cfg.h"
#include "record.h"
#include "smtpc.h"
#include "strlist.h"

/* The original recipients: every envelope recipient (Bcc included), or,
 * for a message without an envelope (an import), To, Cc and Bcc. */
void redeliver_original(const MSGREC *r, STRLIST *out);

/* Send msg (the archived bytes of r) to rcpts.  Returns what smtpc_send()
 * returns; rep filled for each recipient. */
int redeliver_send(const CONFIG *cfg, const MSGREC *r, const char *msg, size_t len,
                   const STRLIST *rcpts, SMTPC_REPORT *rep, char *err, size_t errlen);

/* The archive's name in HELO and Message-IDs: smtp_hostname, else the
 * host's name. */
void redeliver_hostname(const CONFIG *cfg, char *buf, size_t len);
/* Our name (redeliver_hostname), the envelope sender (redeliver_from, or
 * mailarc@HOST) and the time as a Date header value. */
void redeliver_origin(const CONFIG *cfg, char *host, size_t hostlen, VSTR *from, char *date,
                      size_t datelen);
/* The relay_* keys as SMTP client options, with helo as our name. */
void redeliver_relay(const CONFIG *cfg, const char *helo, SMTPC_OPTS *o);
/* Append a new "<random@host>" Message-ID. */
void redeliver_new_id(const char *host, VSTR *out);

/* Is text one plain ASCII address (local@domain, no spaces, brackets,
 * controls, DEL or 8-bit bytes)? */
int redeliver_addr_ok(const char *text);

#endif
