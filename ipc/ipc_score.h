/*
 * ipc_score.h - the shared-memory scoreboard.
 *
 * The master owns the slot table (which pid is in which slot, of which
 * kind); each child updates only its own slot's state and counters with
 * atomic operations.  The CLI and the web panel read it; the next master
 * reads it after a crash to find children that outlived their master.
 */
#ifndef MAILARC_IPC_SCORE_H
#define MAILARC_IPC_SCORE_H

#include <stdint.h>
#include <sys/types.h>

#define IPC_SCORE_SLOTS 1024
#define IPC_SCORE_MAGIC 0x4d415332u     /* "MAS2" */

enum score_kind { SCORE_NONE = 0, SCORE_SMTPD, SCORE_INDEXER, SCORE_BURNER, SCORE_MILTER,
                  SCORE_FETCH };
enum score_state { SCORE_STARTING = 0, SCORE_IDLE, SCORE_BUSY, SCORE_EXITING };

typedef struct score_slot {
    int32_t pid;
    uint32_t kind;
    uint32_t state;                 /* written by the child */
    uint32_t retiring;              /* written by the master: asked to leave */
    uint64_t sessions;
    uint64_t messages;
    uint64_t bytes;
    int64_t started;
    uint8_t client[16];             /* receiver: the client served (IPv4 mapped), or 0 */
} SCORE_SLOT;

typedef struct ipc_score {
    uint32_t magic;
    int32_t master_pid;
    int64_t master_started;
    uint64_t indexed;               /* messages committed by the indexer */
    uint64_t duplicates;            /* arrivals merged into a stored message */
    uint64_t rejected;              /* spool files set aside as damaged */
    int64_t last_index;             /* time of the last commit */
    SCORE_SLOT slot[IPC_SCORE_SLOTS];
} IPC_SCORE;

IPC_SCORE *ipc_score_attach(int shmid, int readonly);
void ipc_score_detach(IPC_SCORE *sc);

/* Child side: set own state; bump counters. */
void ipc_score_state(IPC_SCORE *sc, int slot, enum score_state st);
void ipc_score_add(uint64_t *counter, uint64_t n);

/* Status pipe record: child -> master, fixed size, atomic (< PIPE_BUF). */
#define IPC_STATUS_VERSION 1
typedef struct ipc_status {
    uint32_t version;
    int32_t pid;
    uint32_t slot;
    uint32_t state;
} IPC_STATUS;

/* Child side: report a state change to the master; never blocks long. */
void ipc_status_send(int fd, int slot, enum score_state st);

#endif
