/*
 * ipc_ring.h - shared-memory ring of envelope slots.
 *
 * A receiver claims a free slot under the ring semaphore, writes the
 * envelope text into it and marks it ready; the indexer copies it out and
 * frees it.  A full ring or an envelope larger than a slot is not an
 * error: the caller sends the notice without a slot and the indexer reads
 * the envelope from the spool file.  Slots held by dead processes, or
 * ready but never collected, are reclaimed.
 */
#ifndef MAILARC_IPC_RING_H
#define MAILARC_IPC_RING_H

#include <stddef.h>
#include <stdint.h>

#include "../lib/vstr.h"

#define IPC_RING_SLOT_DATA 4096

typedef struct ipc_ring IPC_RING;

size_t ipc_ring_bytes(long nslots);
/* Initialize a fresh segment (master). */
void ipc_ring_format(void *base, long nslots);
/* Attach an existing segment; NULL with errno on failure. */
IPC_RING *ipc_ring_attach(int shmid, int semid);
void ipc_ring_detach(IPC_RING *ring);
uint32_t ipc_ring_nslots(const IPC_RING *ring);

/* Store data in a slot; the slot number, or IPC_SLOT_NONE. */
uint32_t ipc_ring_put(IPC_RING *ring, const char *data, size_t len);

/* Copy the slot out for queue id qid and free it; 0 ok, -1 if stale. */
int ipc_ring_take(IPC_RING *ring, uint32_t slot, VSTR *out);

/* Free slots ready for longer than max_age seconds (lost notices). */
int ipc_ring_reap(IPC_RING *ring, long max_age);

#endif
