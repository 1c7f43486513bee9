/*
 * index_batch.h - make a batch of spool files part of the archive.
 *
 * For each: read and verify the spool file, skip envelopes already merged
 * (a crash between commit and unlink), store the blob; then one sync of
 * the store, one Berkeley DB transaction for the whole batch, and only
 * after the commit the spool files are removed.  A crash anywhere leaves
 * every message either fully committed or still in the spool.
 */
#ifndef MAILARC_INDEX_BATCH_H
#define MAILARC_INDEX_BATCH_H

#include "../ipc/ipc_child.h"
#include "adb.h"
#include "envelope.h"

typedef struct index_item {
    char    qid[ENVELOPE_QID_MAX];
    char   *ring_env;               /* envelope text from the ring, or NULL */
    size_t  ring_len;
    int     unindexed;              /* a poison message: bytes and envelope only */
} INDEX_ITEM;

/* Process items; returns how many were committed, -1 on a storage error
 * (the spool files stay for the next attempt). */
int index_batch(CHILD *child, ADB *db, INDEX_ITEM *items, int n);

#endif
