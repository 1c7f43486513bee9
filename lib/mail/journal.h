/*
 * journal.h - Exchange and Microsoft 365 envelope journal reports.
 *
 * A journal report is a message from the journaling agent with the
 * original message attached, unaltered, as a message/rfc822 part, and its
 * envelope in a text part, one field per line:
 *
 *   Sender: alice@example.com
 *   Subject: ...
 *   Message-ID: <...>
 *   To: bob@example.com
 *   Cc: carol@example.com
 *   Bcc: dave@example.com
 *   To: member@example.com, Expanded: list@example.com
 *   Recipient: fwd@example.com, Forwarded: erin@example.com
 *
 * It is marked by an X-MS-Journal-Report header (Exchange 2007 and
 * later, Microsoft 365) or by "Content-Identifier: ExJournalReport"
 * (Exchange 2003, whose reports may also list "Recipients: a, b").
 *
 * journal_parse() finds the original's exact bytes (a slice of the report
 * when the part is 7bit, 8bit or binary, as it must be; decoded when a
 * gateway base64-encoded it) and the envelope.  Linear in the report; at
 * most max_rcpt recipients are kept (*dropped counts the rest).
 */
#ifndef MAILARC_JOURNAL_H
#define MAILARC_JOURNAL_H

#include <stddef.h>

#include "strlist.h"
#include "vstr.h"

typedef struct journal {
    const char *inner;              /* the original message's bytes */
    size_t  inner_len;
    VSTR   *decoded;                /* owns inner when it had to be decoded */
    char   *sender;                 /* "" for the null sender */
    STRLIST rcpt;                   /* every envelope recipient, in order (the record merges repeats) */
    STRLIST notes;                  /* "RCPT Expanded: SOURCE", "RCPT Forwarded: SOURCE" */
    int     dropped;                /* recipients beyond max_rcpt */
    int     exchange2003;           /* marked by Content-Identifier */
} JOURNAL;

#define JOURNAL_NOT 0               /* not a journal report */
#define JOURNAL_OK 1                /* j filled in */
#define JOURNAL_MALFORMED (-1)      /* marked as one, but unusable: why says how */

int journal_parse(const char *msg, size_t len, int max_rcpt, JOURNAL *j, char *why,
                  size_t whylen);
void journal_free(JOURNAL *j);

#endif
