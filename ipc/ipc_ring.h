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

#include "envelope.h"
#include "vstr.h"

#define IPC_RING_SLOT_DATA 4096

typedef struct ipc_ring IPC_RING;

size_t ipc_ring_bytes(long nslots);
/* Initialize a fresh segment (master). */
void ipc_ring_format(void *base, long nslots);
/* Attach an existing segment; NULL with errno on failure. */
IPC_RING *ipc_ring_attach(int shmid, int semid);
void ipc_ring_detach(IPC_RING *ring);
uint32_t ipc_ring_nslots(const IPC_RING *ring);

/* Store the envelope of queue id qid; the slot number, or IPC_SLOT_NONE. */
uint32_t ipc_ring_put(IPC_RING *ring, const char *qid, const char *data, size_t len);

/* Copy out and free the slot if it still holds qid's envelope; 0 ok, -1
 * if it holds something else (reaped and reused): then it is left alone. */
int ipc_ring_take(IPC_RING *ring, uint32_t slot, const char *qid, VSTR *out);

/* Free slots ready for longer than max_age seconds (lost notices). */
int ipc_ring_reap(IPC_RING *ring, long max_age);

#endif
