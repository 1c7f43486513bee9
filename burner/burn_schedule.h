/*
 * burn_schedule.h - the monthly schedule of mailarc-burner.
 *
 * After a month ends, its archive file and its media are made once.  A
 * month is done for a kind (archive, burn) when a job of that kind for
 * that month ended done or empty, whoever asked for it; media/schedule
 * remembers.  After downtime every month missed since the first month
 * with mail (or burn_schedule_start) is caught up, oldest first.  A
 * manual job always runs: that is how a month is made twice.
 */
#ifndef MAILARC_BURN_SCHEDULE_H
#define MAILARC_BURN_SCHEDULE_H

#include <time.h>

#include "cfg.h"
#include "job.h"

/* Jobs the schedule wants now (at most max); skips (month, kind) pairs
 * for which busy() says a job is queued or running.  Returns the count. */
int schedule_due(const CONFIG *cfg, time_t now, int (*busy)(void *, const char *, int),
                 void *ctx, JOB *out, int max);
/* Remember that a job ended done or empty. */
void schedule_mark(const CONFIG *cfg, const JOB *job);

#endif
