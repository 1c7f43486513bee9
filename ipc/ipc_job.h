/*
 * ipc_job.h - burner job requests on the SysV queue (mtype IPC_MTYPE_BURNER).
 *
 * The CLI and the web panel name the job (a fresh id, lib/archive/job.h) and send
 * what to do; mailarc-burner answers through the job's state file.
 * Fixed size and versioned; decoding checks every field, so a malformed
 * record is dropped with a reason rather than run.
 */
#ifndef MAILARC_IPC_JOB_H
#define MAILARC_IPC_JOB_H

#include <stddef.h>

#include "job.h"

#define IPC_JOB_VERSION 1

struct ipc_job_wire {
    long    mtype;
    unsigned char version;
    unsigned char kind;
    unsigned char pad[2];
    char    month[8];               /* YYYY-MM */
    char    media[8];
    char    id[JOB_ID_MAX];
    char    origin[16];             /* cli, web, schedule */
    char    user[32];               /* who asked */
};

#define IPC_JOB_WIRE_SIZE (sizeof(struct ipc_job_wire) - sizeof(long))

/* Hand a job to the running mailarc-burner: gives it a fresh id and
 * sends it.  0 sent; -1 with err set (the daemon is not running, or the
 * queue is full). */
int ipc_job_submit(const CONFIG *cfg, JOB *job, char *err, size_t len);

/* Send without waiting: 0, or -1 with errno (EAGAIN: queue full). */
int ipc_job_send(int msq, const JOB *job);
/* Take one request if there is one: 1 taken (job filled), 0 none,
 * -1 the queue is gone (errno).  Malformed records are logged and dropped. */
int ipc_job_take(int msq, JOB *job);

#endif
