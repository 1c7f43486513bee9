/*
 * ipc_score.c - scoreboard and status pipe (see ipc_score.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/shm.h>
#include <unistd.h>

#include "ipc_score.h"

IPC_SCORE *ipc_score_attach(int shmid, int readonly)
{
    void   *p = shmat(shmid, 0, readonly ? SHM_RDONLY : 0);

    if (p == (void *) -1)
        return 0;
    return p;
}

void ipc_score_detach(IPC_SCORE *sc)
{
    shmdt(sc);
}

void ipc_score_state(IPC_SCORE *sc, int slot, enum score_state st)
{
    if (sc && slot >= 0 && slot < IPC_SCORE_SLOTS)
        __atomic_store_n(&sc->slot[slot].state, (uint32_t) st, __ATOMIC_RELEASE);
}

void ipc_score_add(uint64_t *counter, uint64_t n)
{
    __atomic_add_fetch(counter, n, __ATOMIC_RELAXED);
}

void ipc_status_send(int fd, int slot, enum score_state st)
{
    IPC_STATUS rec;

    if (fd < 0)
        return;
    memset(&rec, 0, sizeof(rec));
    rec.version = IPC_STATUS_VERSION;
    rec.pid = (int32_t) getpid();
    rec.slot = (uint32_t) slot;
    rec.state = (uint32_t) st;
    while (write(fd, &rec, sizeof(rec)) < 0 && errno == EINTR)
        ;
}
