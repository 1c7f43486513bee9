/*
 * postings.h - write a message's entries into the index databases.
 *
 * The one writer of term.db, date.db, size.db and order.db, used by the indexer
 * (inside its batch transaction) and by "mailarc reindex": both index a
 * message exactly alike.  Each distinct term is written once per message.
 * Content terms are collected before the transaction (MIME work stays
 * outside it); header and envelope terms come from the record inside it.
 */
#ifndef MAILARC_POSTINGS_H
#define MAILARC_POSTINGS_H

#include <stddef.h>

#include "adb.h"
#include "mime.h"
#include "record.h"

typedef struct termset TERMSET;

/* The content terms (body, file names, attachment) of the message bytes;
 * *truncated (may be NULL) is set when a MIME limit was reached. */
TERMSET *postings_content(const char *msg, size_t len, const MIME_LIMITS *lim, int *truncated);
void postings_content_free(TERMSET *ts);

/* The terms of rec and of content (may be NULL); with ranges (a message
 * new to the index), also its date, size and order entries.  0 or a Berkeley DB
 * error. */
int postings_put(ADB *db, DB_TXN *txn, const unsigned char num[8], const MSGREC *rec,
                 const TERMSET *content, int ranges);

/* The reverse of postings_put() with ranges, for a lawful deletion: every
 * entry of the message (content: its postings_content(), from the blob
 * before it is removed).  0 or a Berkeley DB error. */
int postings_del(ADB *db, DB_TXN *txn, const unsigned char num[8], const MSGREC *rec,
                 const TERMSET *content);

#endif
