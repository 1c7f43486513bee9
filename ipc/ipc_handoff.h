/*
 * ipc_handoff.h - tell the indexer that a spool file is ready.
 *
 * The envelope goes into a ring slot when one is free, and a notice onto
 * the SysV queue when it has room.  Neither waits: a notice that is lost
 * only delays indexing until the indexer's sweep of spool/new/.  Safe to
 * call from several threads (the ring is guarded by SysV semaphores).
 */
#ifndef MAILARC_IPC_HANDOFF_H
#define MAILARC_IPC_HANDOFF_H

#include "envelope.h"
#include "ipc_child.h"

void ipc_handoff(CHILD *child, const ENVELOPE *env);

#endif
