/*
 * ipc_ring.c - the envelope ring (see ipc_ring.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include "mymalloc.h"
#include "ipc_ids.h"
#include "ipc_rec.h"
#include "ipc_ring.h"

#define RING_MAGIC 0x4d415231u          /* "MAR1" */

enum { SLOT_FREE = 0, SLOT_WRITING = 1, SLOT_READY = 2 };

struct ring_slot {
    uint32_t state;
    uint32_t len;
    int32_t pid;
    int64_t stamp;
    char    qid[ENVELOPE_QID_MAX];
    char    data[IPC_RING_SLOT_DATA];
};

struct ring_head {
    uint32_t magic;
    uint32_t nslots;
    uint32_t next;
    struct ring_slot slot[];
};

struct ipc_ring {
    struct ring_head *head;
    int     semid;
};

size_t ipc_ring_bytes(long nslots)
{
    return sizeof(struct ring_head) + (size_t) nslots * sizeof(struct ring_slot);
}

void ipc_ring_format(void *base, long nslots)
{
    struct ring_head *h = base;

    memset(h, 0, ipc_ring_bytes(nslots));
    h->nslots = (uint32_t) nslots;
    h->magic = RING_MAGIC;
}

IPC_RING *ipc_ring_attach(int shmid, int semid)
{
    void   *p = shmat(shmid, 0, 0);
    IPC_RING *r;

    if (p == (void *) -1)
        return 0;
    if (((struct ring_head *) p)->magic != RING_MAGIC) {
        shmdt(p);
        errno = EINVAL;
        return 0;
    }
    r = mymalloc(sizeof(*r));
    r->head = p;
    r->semid = semid;
    return r;
}

void ipc_ring_detach(IPC_RING *ring)
{
    shmdt(ring->head);
    myfree(ring);
}

uint32_t ipc_ring_nslots(const IPC_RING *ring)
{
    return ring->head->nslots;
}

static int ring_pid_dead(int32_t pid)
{
    return pid > 0 && kill(pid, 0) < 0 && errno == ESRCH;
}

uint32_t ipc_ring_put(IPC_RING *ring, const char *qid, const char *data, size_t len)
{
    struct ring_head *h = ring->head;
    uint32_t found = IPC_SLOT_NONE;

    if (len > IPC_RING_SLOT_DATA || ipc_sem_op(ring->semid, 0, -1) < 0)
        return IPC_SLOT_NONE;
    for (uint32_t i = 0; i < h->nslots; i++) {
        uint32_t k = (h->next + i) % h->nslots;
        struct ring_slot *s = &h->slot[k];

        if (s->state == SLOT_WRITING && ring_pid_dead(s->pid))
            s->state = SLOT_FREE;
        if (s->state == SLOT_FREE) {
            s->state = SLOT_WRITING;
            s->pid = (int32_t) getpid();
            h->next = (k + 1) % h->nslots;
            found = k;
            break;
        }
    }
    ipc_sem_op(ring->semid, 0, 1);
    if (found == IPC_SLOT_NONE)
        return found;
    snprintf(h->slot[found].qid, sizeof(h->slot[found].qid), "%s", qid);
    memcpy(h->slot[found].data, data, len);
    h->slot[found].len = (uint32_t) len;
    h->slot[found].stamp = (int64_t) time(0);
    __atomic_store_n(&h->slot[found].state, SLOT_READY, __ATOMIC_RELEASE);
    return found;
}

int ipc_ring_take(IPC_RING *ring, uint32_t slot, const char *qid, VSTR *out)
{
    struct ring_slot *s;
    int     ret = -1;

    if (slot >= ring->head->nslots)
        return -1;
    s = &ring->head->slot[slot];
    if (ipc_sem_op(ring->semid, 0, -1) < 0)
        return -1;
    if (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) == SLOT_READY
        && strncmp(s->qid, qid, sizeof(s->qid)) == 0) {
        if (s->len <= IPC_RING_SLOT_DATA) {
            vstr_reset(out);
            vstr_add(out, s->data, s->len);
            ret = 0;
        }
        s->state = SLOT_FREE;
    }
    ipc_sem_op(ring->semid, 0, 1);
    return ret;
}

int ipc_ring_reap(IPC_RING *ring, long max_age)
{
    struct ring_head *h = ring->head;
    int64_t now = (int64_t) time(0);
    int     n = 0;

    if (ipc_sem_op(ring->semid, 0, -1) < 0)
        return 0;
    for (uint32_t i = 0; i < h->nslots; i++) {
        struct ring_slot *s = &h->slot[i];

        if ((s->state == SLOT_READY && now - s->stamp > max_age)
            || (s->state == SLOT_WRITING && ring_pid_dead(s->pid))) {
            s->state = SLOT_FREE;
            n++;
        }
    }
    ipc_sem_op(ring->semid, 0, 1);
    return n;
}
