/*
 * record.h - the stored metadata of one distinct message.
 *
 * Binary, versioned, big-endian.  The first bytes are fixed: version,
 * date, size, so search can read just those (a partial get) to sort and
 * filter.  Decoding is strict: any inconsistency is an error, not a guess.
 */
#ifndef MAILARC_RECORD_H
#define MAILARC_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "strlist.h"
#include "vstr.h"

/* Version 2 adds auth, journals and rcpt_notes after source; version 3
 * adds tomb.  Older records still decode. */
#define RECORD_VERSION 3
#define RECORD_FIXED 25             /* version + date + size + arrival */

typedef struct msgrec {
    int64_t date;                   /* Date header, UTC; arrival if missing */
    int64_t size;
    int64_t arrival;                /* first arrival */
    unsigned char sha[32];
    unsigned char chain[32];        /* hash chain value after this message */
    uint32_t arrivals;              /* how many times these bytes came in */
    uint32_t flags;
    char   *subject;                /* decoded, UTF-8 */
    char   *msgid;
    char   *from_addr;
    char   *from_name;
    char   *sender_addr;
    STRLIST to_addr, to_name, cc_addr, cc_name, bcc_addr;
    STRLIST env_from, env_rcpt, qids;
    char   *client, *helo, *tls, *source;
    char   *auth;                   /* SMTP AUTH user seen by the MTA (milter) */
    STRLIST journals;               /* hex ids of the journal reports it came in */
    STRLIST rcpt_notes;             /* "RCPT Expanded: LIST", from journal reports */
    STRLIST tomb;                   /* a lawful deletion: "key=value" (rule, request,
                                     * requester, approver, deleted), REC_F_DELETED */
} MSGREC;

#define REC_F_HAS_DATE 1
#define REC_F_DELETED 2             /* a tombstone: blob removed, index forgot it */

void record_init(MSGREC *r);
void record_free(MSGREC *r);
void record_encode(const MSGREC *r, VSTR *out);
int record_decode(const void *buf, size_t len, MSGREC *r);   /* 0 or -1 */
/* Read date and size from the fixed part; 0 or -1. */
int record_peek(const void *buf, size_t len, int64_t *date, int64_t *size);

void record_put_u64(unsigned char *p, uint64_t v);
uint64_t record_get_u64(const unsigned char *p);

#endif
