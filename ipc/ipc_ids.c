/*
 * ipc_ids.c - create, publish, find and remove the SysV objects.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "fileio.h"
#include "msg.h"
#include "safedir.h"
#include "ipc_ids.h"
#include "ipc_ring.h"
#include "ipc_score.h"

union semun {
    int     val;
    struct semid_ds *buf;
    unsigned short *array;
};

static void ipc_chown_msq(int id, uid_t uid, gid_t gid, long qbytes)
{
    struct msqid_ds ds;

    if (msgctl(id, IPC_STAT, &ds) < 0)
        return;
    ds.msg_perm.uid = uid;
    ds.msg_perm.gid = gid;
    if (qbytes > 0)
        ds.msg_qbytes = (msglen_t) qbytes;
    if (msgctl(id, IPC_SET, &ds) < 0 && qbytes > 0) {
        /* Unprivileged masters may not raise the queue above MSGMNB. */
        msgctl(id, IPC_STAT, &ds);
        ds.msg_perm.uid = uid;
        ds.msg_perm.gid = gid;
        if (msgctl(id, IPC_SET, &ds) < 0)
            msg_warn("cannot set owner of message queue: %s", strerror(errno));
    }
}

static void ipc_chown_shm(int id, uid_t uid, gid_t gid)
{
    struct shmid_ds ds;

    if (shmctl(id, IPC_STAT, &ds) == 0) {
        ds.shm_perm.uid = uid;
        ds.shm_perm.gid = gid;
        if (shmctl(id, IPC_SET, &ds) < 0)
            msg_warn("cannot set owner of shared memory: %s", strerror(errno));
    }
}

int ipc_ids_create(IPC_IDS *ids, long ring_slots, long queue_bytes, uid_t uid, gid_t gid)
{
    union semun arg;
    struct semid_ds sds;
    unsigned short vals[1] = {1};

    ids->msq = ids->sem = ids->ring = ids->score = -1;
    if ((ids->msq = msgget(IPC_PRIVATE, IPC_CREAT | 0600)) < 0)
        goto fail;
    ipc_chown_msq(ids->msq, uid, gid, queue_bytes);
    if ((ids->sem = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600)) < 0)
        goto fail;
    arg.array = vals;
    if (semctl(ids->sem, 0, SETALL, arg) < 0)
        goto fail;
    arg.buf = &sds;
    if (semctl(ids->sem, 0, IPC_STAT, arg) == 0) {
        sds.sem_perm.uid = uid;
        sds.sem_perm.gid = gid;
        semctl(ids->sem, 0, IPC_SET, arg);
    }
    if ((ids->ring = shmget(IPC_PRIVATE, ipc_ring_bytes(ring_slots), IPC_CREAT | 0600)) < 0)
        goto fail;
    ipc_chown_shm(ids->ring, uid, gid);
    if ((ids->score = shmget(IPC_PRIVATE, sizeof(IPC_SCORE), IPC_CREAT | 0600)) < 0)
        goto fail;
    ipc_chown_shm(ids->score, uid, gid);
    return 0;
fail:
    {
        int     saved = errno;

        ipc_ids_remove(ids);
        errno = saved;
    }
    return -1;
}

int ipc_ids_write(const IPC_IDS *ids, const char *run_dir)
{
    char    buf[128];
    int     dfd, fd, n, rc = -1;

    if ((dfd = safedir_open(AT_FDCWD, run_dir)) < 0)
        return -1;
    n = snprintf(buf, sizeof(buf), "msq %d\nsem %d\nring %d\nscore %d\n", ids->msq, ids->sem,
                 ids->ring, ids->score);
    unlinkat(dfd, "ipc.ids.tmp", 0);
    if ((fd = openat(dfd, "ipc.ids.tmp", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                     0644)) >= 0) {
        if (fileio_write_all(fd, buf, (size_t) n) == 0 && fsync(fd) == 0 && close(fd) == 0)
            rc = renameat(dfd, "ipc.ids.tmp", dfd, "ipc.ids");
        else
            close(fd);
    }
    close(dfd);
    return rc;
}

int ipc_ids_read_at(IPC_IDS *ids, int run_fd)
{
    char    buf[128];
    ssize_t len;
    int     fd, n;

    ids->msq = ids->sem = ids->ring = ids->score = -1;
    if ((fd = openat(run_fd, "ipc.ids", O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
        return -1;
    len = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (len < 0)
        return -1;
    buf[len] = 0;
    n = sscanf(buf, "msq %d\nsem %d\nring %d\nscore %d\n", &ids->msq, &ids->sem,
               &ids->ring, &ids->score);
    if (n != 4) {
        ids->msq = ids->sem = ids->ring = ids->score = -1;
        errno = EINVAL;
        return -1;
    }
    return 0;
}

int ipc_ids_read(IPC_IDS *ids, const char *run_dir)
{
    int     dfd = safedir_open(AT_FDCWD, run_dir);
    int     rc;

    if (dfd < 0) {
        ids->msq = ids->sem = ids->ring = ids->score = -1;
        return -1;
    }
    rc = ipc_ids_read_at(ids, dfd);
    close(dfd);
    return rc;
}

/* Made by this uid, as IPC_PRIVATE: one of ours, not someone else's. */
static int ipc_mine(const struct ipc_perm *p)
{
    return p->__key == IPC_PRIVATE && p->cuid == geteuid();
}

void ipc_ids_remove(const IPC_IDS *ids)
{
    struct msqid_ds mds;
    struct shmid_ds sds;
    struct semid_ds seds;
    union semun arg;

    if (ids->msq >= 0 && msgctl(ids->msq, IPC_STAT, &mds) == 0 && ipc_mine(&mds.msg_perm))
        msgctl(ids->msq, IPC_RMID, 0);
    arg.buf = &seds;
    if (ids->sem >= 0 && semctl(ids->sem, 0, IPC_STAT, arg) == 0 && ipc_mine(&seds.sem_perm))
        semctl(ids->sem, 0, IPC_RMID);
    if (ids->ring >= 0 && shmctl(ids->ring, IPC_STAT, &sds) == 0 && ipc_mine(&sds.shm_perm))
        shmctl(ids->ring, IPC_RMID, 0);
    if (ids->score >= 0 && shmctl(ids->score, IPC_STAT, &sds) == 0 && ipc_mine(&sds.shm_perm))
        shmctl(ids->score, IPC_RMID, 0);
}

int ipc_sem_op(int semid, int num, int delta)
{
    struct sembuf op = {(unsigned short) num, (short) delta, SEM_UNDO};

    while (semop(semid, &op, 1) < 0) {
        if (errno != EINTR)
            return -1;
    }
    return 0;
}
