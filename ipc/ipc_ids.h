/*
 * ipc_ids.h - the SysV objects of one mailarcd instance.
 *
 * All are created IPC_PRIVATE by the master; their ids are written to
 * run/ipc.ids so that children, the CLI and the next master find them.
 * A master that starts over stale ids removes those objects first.
 */
#ifndef MAILARC_IPC_IDS_H
#define MAILARC_IPC_IDS_H

#include <sys/types.h>

typedef struct ipc_ids {
    int     msq;                /* notice queue */
    int     sem;                /* semaphore set: ring lock */
    int     ring;               /* shared-memory envelope ring */
    int     score;              /* shared-memory scoreboard */
} IPC_IDS;

/* Create all objects; owner uid/gid for the children.  0 or -1 (errno). */
int ipc_ids_create(IPC_IDS *ids, long ring_slots, long queue_bytes, uid_t uid, gid_t gid);

/* run/ipc.ids, written under a temporary name and renamed; neither name
 * is followed if it is a link.  0 or -1 (errno). */
int ipc_ids_write(const IPC_IDS *ids, const char *run_dir);
int ipc_ids_read(IPC_IDS *ids, const char *run_dir);
int ipc_ids_read_at(IPC_IDS *ids, int run_fd);

/* Remove the objects; an id that names an object this uid did not create
 * as IPC_PRIVATE (a stale or forged file) is left alone. */
void ipc_ids_remove(const IPC_IDS *ids);

/* EINTR-safe semaphore operation with SEM_UNDO; 0 or -1. */
int ipc_sem_op(int semid, int num, int delta);

#endif
