/*
 * index_journal.h - the indexer's side of Exchange journal reports.
 *
 * A spool file that holds a journal report (journal.h), from whichever
 * path it came, is archived as the original message it carries: the
 * report's bytes are stored as a blob of their own, the message bytes
 * become the original's, and the envelope the report's.  The record then
 * names the report (ENVELOPE.journal), so `mailarc show` lists it and
 * `mailarc cat --journal` prints it; the report itself is not a record,
 * so it is never a search hit.  Forked reports of one original carry the
 * same bytes and merge into one record like any duplicate.
 */
#ifndef MAILARC_INDEX_JOURNAL_H
#define MAILARC_INDEX_JOURNAL_H

#include "adb.h"
#include "cfg.h"
#include "envelope.h"
#include "vstr.h"

/*
 * JOURNAL_OK (msg and env now hold the original and its envelope, the
 * report is in the store), JOURNAL_NOT, JOURNAL_MALFORMED (logged; archive
 * it as it came), or INDEX_JOURNAL_IOERR (the report could not be stored;
 * err says why: try the batch again).  The report goes where db says
 * (store.h), a blob.db entry in a transaction of its own.
 */
#define INDEX_JOURNAL_IOERR (-2)
int index_journal(const CONFIG *cfg, ADB *db, ENVELOPE *env, VSTR *msg, char *err,
                  size_t errlen);

/* The meta key that maps a report's id to its arrival (the store path). */
void index_journal_key(const char *hex, char *key, size_t keylen);

#endif
