/*
 * ipc_rec.h - records on the SysV notice queue.
 *
 * Small, fixed-size, versioned: a receiver tells the indexer "queue id Q
 * is in spool/new, its envelope is in ring slot S (or none)".  Decoding
 * checks the exact size, the version, the type and the queue id.
 */
#ifndef MAILARC_IPC_REC_H
#define MAILARC_IPC_REC_H

#include <stddef.h>
#include <stdint.h>

#include "envelope.h"

#define IPC_REC_VERSION 1
#define IPC_MTYPE_INDEXER 1L
#define IPC_MTYPE_BURNER 2L
#define IPC_SLOT_NONE UINT32_MAX

enum ipc_rec_type {
    IPC_REC_SPOOLED = 1,            /* a spool file is ready */
    IPC_REC_WAKEUP = 2,             /* sweep the spool now */
};

typedef struct ipc_rec {
    int     type;
    uint32_t slot;
    char    qid[ENVELOPE_QID_MAX];
} IPC_REC;

/* The wire form: what msgsnd/msgrcv move (mtype first, as SysV wants). */
struct ipc_wire {
    long    mtype;
    unsigned char version;
    unsigned char type;
    unsigned char pad[2];
    uint32_t slot;
    char    qid[ENVELOPE_QID_MAX];
};

#define IPC_WIRE_SIZE (sizeof(struct ipc_wire) - sizeof(long))

void ipc_rec_encode(const IPC_REC *rec, long mtype, struct ipc_wire *w);
/* 0 ok; -1 with a reason when the record is malformed. */
int ipc_rec_decode(const struct ipc_wire *w, size_t got, uint32_t nslots,
                   IPC_REC *rec, const char **why);

/* Send without waiting: 0 sent, -1 queue full or gone (errno). */
int ipc_rec_send(int msq, const IPC_REC *rec, long mtype);

/* Receive (blocking unless nowait): 0, or -1 with errno (EINTR, ENOMSG, EIDRM). */
int ipc_rec_recv(int msq, long mtype, int nowait, struct ipc_wire *w, size_t *got);

#endif
