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
#include "attext.h"
#include "mime.h"
#include "record.h"

typedef struct termset TERMSET;
typedef struct postings_batch POSTINGS_BATCH;

typedef struct postings_opts {
    MIME_LIMITS lim;
    ATTEXT_OPTS ax;
    int     extract;                /* start mailarc-extract; else reuse xtext.db */
    size_t  phrase_max_words;
    int     pairs;                  /* word pairs too (phrase_pairs) */
} POSTINGS_OPTS;

void postings_opts_cfg(POSTINGS_OPTS *o, const CONFIG *cfg, int extract);
void postings_opts_free(POSTINGS_OPTS *o);

/* The content terms (body, file names, attachment, attachment text) and
 * word positions of the message bytes.  Documents are read by
 * mailarc-extract when o->extract is set, else their text is taken from
 * stored (the message's xtext.db entry, may be NULL).  *truncated (may be
 * NULL) is set when a MIME limit was reached. */
TERMSET *postings_content(const char *msg, size_t len, const POSTINGS_OPTS *o,
                          const void *stored, size_t stored_len, int *truncated);
void postings_content_free(TERMSET *ts);

/* The message's extraction results (xtext.h), as postings_put() stores them. */
const VSTR *postings_xtext(const TERMSET *ts);

/* The xtext.db entry of num into out (emptied first): 0, DB_NOTFOUND or
 * another Berkeley DB error. */
int postings_xtext_get(ADB *db, DB_TXN *txn, const unsigned char num[8], VSTR *out);

/* The terms of rec and of content (may be NULL); with ranges (a message
 * new to the index), also its date, size and order entries.  With later
 * (may be NULL) the term.db writes wait in it for postings_batch_flush().
 * 0 or a Berkeley DB error. */
int postings_put(ADB *db, DB_TXN *txn, const unsigned char num[8], const MSGREC *rec,
                 const TERMSET *content, int ranges, POSTINGS_BATCH *later);

/* A transaction's term.db writes, made at its end in the order of the
 * tree: each term's numbers go to its list in one write (postblock.h), so
 * that each list is visited once per transaction rather than once per
 * message, which keeps the writes within the cache when term.db outgrows
 * it.  flush() writes and empties the batch: 0 or a Berkeley DB
 * error (the caller aborts the transaction). */
POSTINGS_BATCH *postings_batch_create(void);
int     postings_batch_flush(ADB *db, DB_TXN *txn, POSTINGS_BATCH *b);
void    postings_batch_free(POSTINGS_BATCH *b);

/* Whether every message of the index has its word pairs (terms.h, p), so
 * that a phrase can start from them: true of an index that the indexer
 * started empty or that reindex rebuilt, with phrase_pairs on, and that
 * has had them written ever since.  postings_pairs_mark() records it, or
 * its loss (reindex empties the tables first); postings_pairs_begin(), in
 * each indexer transaction, marks an empty index when on is set (pairs
 * are written), and the loss when it is not.  0 or a Berkeley DB error. */
int     postings_pairs_ready(ADB *db, DB_TXN *txn);
int     postings_pairs_mark(ADB *db, DB_TXN *txn, int ready);
int     postings_pairs_begin(ADB *db, DB_TXN *txn, int on);

/* The reverse of postings_put() with ranges, for a lawful deletion: every
 * entry of the message (content: its postings_content(), from the blob
 * before it is removed).  0 or a Berkeley DB error. */
int postings_del(ADB *db, DB_TXN *txn, const unsigned char num[8], const MSGREC *rec,
                 const TERMSET *content);

#endif
