/*
 * ipc_job.c - burner job requests on the queue (see ipc_job.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>

#include <stdio.h>

#include "instance.h"
#include "media.h"
#include "msg.h"
#include "ipc_ids.h"
#include "ipc_job.h"
#include "ipc_rec.h"

static void ipc_job_field(char *dst, size_t len, const char *src)
{
    memset(dst, 0, len);
    memcpy(dst, src, strnlen(src, len - 1));
}

int ipc_job_send(int msq, const JOB *job)
{
    struct ipc_job_wire w;

    memset(&w, 0, sizeof(w));
    w.mtype = IPC_MTYPE_BURNER;
    w.version = IPC_JOB_VERSION;
    w.kind = (unsigned char) job->kind;
    ipc_job_field(w.month, sizeof(w.month), job->month);
    ipc_job_field(w.media, sizeof(w.media), job->media);
    ipc_job_field(w.id, sizeof(w.id), job->id);
    ipc_job_field(w.origin, sizeof(w.origin), job->origin);
    ipc_job_field(w.user, sizeof(w.user), job->user);
    while (msgsnd(msq, &w, IPC_JOB_WIRE_SIZE, IPC_NOWAIT) < 0)
        if (errno != EINTR)
            return -1;
    return 0;
}

static int ipc_job_terminated(const char *s, size_t len)
{
    return memchr(s, 0, len) != 0;
}

static const char *ipc_job_check(const struct ipc_job_wire *w, size_t got)
{
    MONTH   m;

    if (got != IPC_JOB_WIRE_SIZE)
        return "record has the wrong size";
    if (w->version != IPC_JOB_VERSION)
        return "record has an unknown version";
    if (w->kind != JOB_ARCHIVE && w->kind != JOB_BURN)
        return "record has an unknown job kind";
    if (!ipc_job_terminated(w->month, sizeof(w->month)) || month_parse(w->month, &m) < 0)
        return "record has a malformed month";
    if (!ipc_job_terminated(w->media, sizeof(w->media))
        || (w->kind == JOB_BURN && media_find(w->media) == 0))
        return "record names unknown media";
    if (!ipc_job_terminated(w->id, sizeof(w->id)) || !job_id_ok(w->id))
        return "record has a malformed job id";
    if (!ipc_job_terminated(w->origin, sizeof(w->origin))
        || !ipc_job_terminated(w->user, sizeof(w->user)))
        return "record has an unterminated field";
    return 0;
}

int ipc_job_take(int msq, JOB *job)
{
    struct {
        long    mtype;
        char    data[IPC_JOB_WIRE_SIZE + 1];
    } buf;
    struct ipc_job_wire w;
    const char *why;
    ssize_t n;

    for (;;) {
        n = msgrcv(msq, &buf, sizeof(buf.data), IPC_MTYPE_BURNER, IPC_NOWAIT | MSG_NOERROR);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno == ENOMSG ? 0 : -1;
        }
        memset(&w, 0, sizeof(w));
        memcpy((char *) &w + sizeof(long), buf.data,
               (size_t) n < IPC_JOB_WIRE_SIZE ? (size_t) n : IPC_JOB_WIRE_SIZE);
        if ((why = ipc_job_check(&w, (size_t) n)) != 0) {
            msg_warn("ignoring job request: %s", why);
            continue;
        }
        memset(job, 0, sizeof(*job));
        job->kind = w.kind;
        memcpy(job->month, w.month, sizeof(job->month));
        memcpy(job->media, w.media, sizeof(job->media));
        memcpy(job->id, w.id, sizeof(job->id));
        memcpy(job->origin, w.origin, sizeof(job->origin));
        memcpy(job->user, w.user, sizeof(job->user));
        return 1;
    }
}

int ipc_job_submit(const CONFIG *cfg, JOB *job, char *err, size_t len)
{
    IPC_IDS ids;
    char    run[4096];

    snprintf(run, sizeof(run), "%s/run", cfg->data_dir);
    if (instance_running(cfg) == 0 || ipc_ids_read(&ids, run) < 0) {
        snprintf(err, len, "mailarcd is not running, so mailarc-burner cannot take the job");
        return -1;
    }
    job_new_id(job->id);
    job->created = time(0);
    if (ipc_job_send(ids.msq, job) < 0) {
        snprintf(err, len, "cannot hand the job to mailarc-burner: %s",
                 errno == EAGAIN ? "the queue is full, try again" : strerror(errno));
        return -1;
    }
    return 0;
}
