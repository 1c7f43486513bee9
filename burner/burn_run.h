/*
 * burn_run.h - running one job: a month's archive file, or its media.
 *
 * Nothing is called good before it is checked: an archive file is read
 * back and its SHA-256 compared with what was written; every image is
 * read back through libcdio and each file checked before it gets its
 * final name and enters the catalogue.  Files are written under
 * temporary names, fsynced, then renamed; a failed or stopped job leaves
 * nothing half-written under a final name.
 */
#ifndef MAILARC_BURN_RUN_H
#define MAILARC_BURN_RUN_H

#include "cfg.h"
#include "job.h"

/* Called often during a job; non-zero stops it (shutdown). */
typedef int (*RUN_POLL)(void *ctx);

/* Runs the job to its end state (done, empty or failed), saving its
 * state file as it goes. */
void run_job(const CONFIG *cfg, JOB *job, RUN_POLL poll, void *poll_ctx);

#endif
