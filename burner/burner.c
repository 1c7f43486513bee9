/*
 * burner.c - mailarc-burner: runs archive and media jobs one at a time.
 *
 * Jobs come from the SysV queue (the CLI, the web panel) and from the
 * monthly schedule, checked at start and every minute.  A request is
 * acknowledged by its state file (state queued) as soon as it is read,
 * also while another job runs: the running job polls the queue.  Exits
 * on SIGTERM (a running job stops and is marked failed) or when the
 * master is gone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <stdint.h>
#include <libisofs/libisofs.h>

#include "../ipc/ipc_child.h"
#include "../ipc/ipc_job.h"
#include "drives.h"
#include "msg.h"
#include "mymalloc.h"
#include "burn_run.h"
#include "burn_schedule.h"
#include "burn_watchdog.h"
#include "burn_integrity.h"

#define SCHEDULE_INTERVAL 60
#define PENDING_MAX 256
#define RETRY_FAILED 3600               /* a failed scheduled month is tried again after */

typedef struct burner {
    CHILD   child;
    JOB     pending[PENDING_MAX];
    int     npending;
    const JOB *running;
    struct failed {
        char    month[8];
        int     kind;
        time_t  when;
    } failed[32];
    int     nfailed;
    time_t  started;                /* of the archive: silence counts from here */
} BURNER;

static void burner_queue(BURNER *b, JOB *job)
{
    if (b->npending == PENDING_MAX) {
        msg_warn("job %s dropped: %d jobs already wait", job->id, PENDING_MAX);
        return;
    }
    job->state = JOB_QUEUED;
    job->created = time(0);
    snprintf(job->step, sizeof(job->step), "waiting");
    if (job_save(&b->child.cfg, job) < 0)
        msg_warn("job %s: cannot save its state: %s", job->id, strerror(errno));
    job_log(&b->child.cfg, job->id, "queued: %s %s %s (%s, %s)", job_kind_name(job->kind),
            job->month, job->media, job->origin, job->user);
    b->pending[b->npending++] = *job;
}

/* Take every waiting request off the queue; -1 when the queue is gone. */
static int burner_take(BURNER *b)
{
    JOB     job;
    int     r;

    while (b->child.ids.msq >= 0 && (r = ipc_job_take(b->child.ids.msq, &job)) == 1)
        burner_queue(b, &job);
    return b->child.ids.msq >= 0 && r < 0 ? -1 : 0;
}

static int burner_busy(void *ctx, const char *month, int kind)
{
    BURNER *b = ctx;
    time_t  now = time(0);

    for (int i = 0; i < b->npending; i++)
        if (b->pending[i].kind == kind && strcmp(b->pending[i].month, month) == 0)
            return 1;
    if (b->running && b->running->kind == kind && strcmp(b->running->month, month) == 0)
        return 1;
    for (int i = 0; i < b->nfailed; i++)
        if (b->failed[i].kind == kind && strcmp(b->failed[i].month, month) == 0
            && now - b->failed[i].when < RETRY_FAILED)
            return 1;
    return 0;
}

static void burner_schedule(BURNER *b)
{
    JOB     due[24];
    int     n = schedule_due(&b->child.cfg, time(0), burner_busy, b, due, 24);

    for (int i = 0; i < n; i++)
        burner_queue(b, &due[i]);
}

static int burner_poll(void *ctx)
{
    BURNER *b = ctx;

    if (burner_take(b) < 0)
        return 1;
    watchdog_tick(&b->child.cfg, b->started, time(0));
    return child_stop || child_master_gone(&b->child);
}

static void burner_note_failure(BURNER *b, const JOB *job)
{
    int     i = b->nfailed < 32 ? b->nfailed++ : 31;

    snprintf(b->failed[i].month, sizeof(b->failed[i].month), "%s", job->month);
    b->failed[i].kind = job->kind;
    b->failed[i].when = time(0);
}

static void burner_run_next(BURNER *b)
{
    JOB     job = b->pending[0];

    memmove(b->pending, b->pending + 1, (size_t) --b->npending * sizeof(JOB));
    b->running = &job;
    child_state(&b->child, SCORE_BUSY);
    run_job(&b->child.cfg, &job, burner_poll, b);
    child_state(&b->child, SCORE_IDLE);
    b->running = 0;
    if (job.state == JOB_DONE || job.state == JOB_EMPTY)
        schedule_mark(&b->child.cfg, &job);
    else if (strcmp(job.origin, "schedule") == 0)
        burner_note_failure(b, &job);
    if (child_slot(&b->child))
        ipc_score_add(&child_slot(&b->child)->messages, 1);
}

int main(int argc, char **argv)
{
    static BURNER b;
    struct itimerval it = {{1, 0}, {1, 0}};
    time_t  last_schedule = 0;
    VSTR   *drives = vstr_alloc(256);
    int     rc;

    child_init(&b.child, argc, argv, SCORE_BURNER);
    if ((rc = iso_init()) < 0)
        msg_fatal("libisofs: %s", iso_error_to_msg(rc));
    iso_set_msgs_severities("NEVER", "SORRY", "mailarc-burner: libisofs: ");
    if (drives_list(drives) == 0)
        msg_info("no optical drive found; images wait in %s/media", b.child.cfg.data_dir);
    else
        msg_info("optical drives: %s", drives->s);
    vstr_free(drives);
    setitimer(ITIMER_REAL, &it, 0);
    if (child_slot(&b.child))
        child_slot(&b.child)->started = (int64_t) time(0);
    child_state(&b.child, SCORE_IDLE);
    b.started = b.child.score && b.child.score->master_started > 0
        ? (time_t) b.child.score->master_started : time(0);
    while (!child_stop && !child_master_gone(&b.child)) {
        if (burner_take(&b) < 0)
            break;                      /* the master removed the queue */
        watchdog_tick(&b.child.cfg, b.started, time(0));
        integrity_tick(&b.child.cfg, time(0));
        if (time(0) - last_schedule >= SCHEDULE_INTERVAL) {
            burner_schedule(&b);
            last_schedule = time(0);
        }
        if (b.npending > 0) {
            burner_run_next(&b);
            continue;
        }
        /* Sleep until the next tick (SIGALRM interrupts the pause). */
        child_tick = 0;
        if (!child_tick && !child_stop)
            pause();
    }
    iso_finish();
    child_exit(&b.child);
    return 0;
}
