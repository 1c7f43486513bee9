/*
 * index_poison.h - messages that crash or stall the indexer are set aside.
 *
 * Before a batch is indexed, the queue ids in it are written to
 * spool/inflight; after it, the file is removed.  An indexer that finds
 * the file at start knows its predecessor died inside that batch (a crash,
 * or a message over indexer_message_timeout CPU seconds, which ends the
 * process the same way; a SIGKILL from outside is not counted: the master
 * removes the file), and gives each of those messages a strike
 * (spool/strikes).  A message with a strike is indexed alone, so a second
 * death names it exactly; with two strikes it is a poison message: its
 * exact bytes are archived with its envelope but without reading its
 * headers or MIME (not searchable by content), a note with the reason goes
 * to spool/bad/QID.poison, and intake goes on.
 */
#ifndef MAILARC_INDEX_POISON_H
#define MAILARC_INDEX_POISON_H

#include "../ipc/ipc_child.h"
#include "index_batch.h"

#define POISON_STRIKES 2

/* At start: blame the batch a dead indexer left in spool/inflight. */
void poison_init(const CONFIG *cfg);

/* Strikes against a message so far. */
int poison_strikes(const char *qid);

/* Around one index_batch() call. */
void poison_begin(const INDEX_ITEM *items, int n);
void poison_end(const INDEX_ITEM *items, int n, int done);   /* done: not left for a retry */

/* Note that qid was archived unindexed, with the reason. */
void poison_note(const char *qid, const char *sha256, int strikes);

#endif
