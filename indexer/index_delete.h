/*
 * index_delete.h - carry out approved deletion requests (delreq.h).
 *
 * The indexer is the database's one writer, so it does the deleting.
 * Under holds/.lock, every message of the request is checked again: still
 * the same id, still past its retention period, not held by any active
 * hold (holds placed since the request count).  Each one that passes
 * loses its index entries and id.db entry and becomes a tombstone in one
 * transaction (id, size, dates and chain value stay, with rule, request,
 * requester, approver and the time); after the commit its blob is
 * unlinked.  Carrying out a request twice does no harm, so a crash in
 * between is finished by the next sweep.  The request then records what
 * was deleted, what was skipped and why, and the media volumes that
 * still hold copies.  With retention_auto_delete = yes the indexer also
 * makes, once a day, an approved request of everything expired and not
 * held (requester and approver "retention_auto_delete").
 */
#ifndef MAILARC_INDEX_DELETE_H
#define MAILARC_INDEX_DELETE_H

#include "../ipc/ipc_child.h"
#include "adb.h"

/* Each approved request in deletions/; 0, or -2 when the database needs
 * recovery. */
int index_deletions(CHILD *child, ADB *db);

#endif
