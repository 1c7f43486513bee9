/*
 * meta.h - the metadata of a message: headers plus envelope.
 */
#ifndef MAILARC_META_H
#define MAILARC_META_H

#include <stddef.h>

#include "envelope.h"
#include "record.h"

/* Fill r from the message bytes and its envelope (r must be initialized). */
void meta_parse(const char *msg, size_t len, const ENVELOPE *env, MSGREC *r);

/*
 * Merge another arrival's envelope into r; 1 if anything changed.  Linear
 * in the two envelopes.  The record keeps at most max_rcpt envelope
 * addresses and max_qids queue ids (record_max_recipients,
 * record_max_queue_ids): arrivals past that still count in r->arrivals,
 * and *dropped (if not NULL) says how many addresses were not kept.
 */
int meta_merge(MSGREC *r, const ENVELOPE *env, int max_rcpt, int max_qids, int *dropped);

#define META_MAX_RCPT_DEFAULT 10000
#define META_MAX_QIDS_DEFAULT 100
/* Recipient notes from journal reports ("Expanded:", "Forwarded:") kept
 * per record; a small bound keeps the duplicate check cheap. */
#define META_MAX_NOTES 1000

/* Copy the header-derived fields (addresses, names, subject, Message-ID,
 * date, size) of src into dst, keeping dst's envelope, arrivals and chain:
 * how a reindex refreshes a record without losing merged arrivals. */
void meta_copy_headers(MSGREC *dst, const MSGREC *src);

#endif
