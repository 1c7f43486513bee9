/*
 * job.h - burner jobs: ids, and the state file each job keeps.
 *
 * A job is one archive file or one set of media images for one month.
 * Its state lives in media/jobs/ID.job ("key=value" lines, replaced
 * atomically by mailarc-burner, the only writer) and its log in
 * media/jobs/ID.log.  Ids sort by creation time: YYYYMMDD-HHMMSS-xxxxxx.
 */
#ifndef MAILARC_JOB_H
#define MAILARC_JOB_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cfg.h"

#define JOB_ID_MAX 32

enum job_kind { JOB_ARCHIVE = 1, JOB_BURN = 2 };
enum job_state { JOB_QUEUED = 0, JOB_RUNNING, JOB_DONE, JOB_EMPTY, JOB_FAILED };

typedef struct job {
    char    id[JOB_ID_MAX];
    int     kind;
    char    month[8];               /* YYYY-MM */
    char    media[8];               /* burn only */
    char    origin[16];
    char    user[32];
    int     state;
    int     permille;               /* progress */
    char    step[128];              /* what it is doing now */
    time_t  created, started, finished;
    char    result[1024];           /* files written, space separated */
    char    error[512];
} JOB;

const char *job_kind_name(int kind);
const char *job_state_name(int state);
int job_kind_parse(const char *s);          /* -1 if unknown */

/* A fresh id from the clock and 24 random bits. */
void job_new_id(char id[JOB_ID_MAX]);
/* Only [0-9a-f-], 22 characters: safe in a path. */
int job_id_ok(const char *id);

/* media/jobs, created if needed; 0 or -1 (errno). */
int job_dir(const CONFIG *cfg, char *buf, size_t len);

/* Write the state file atomically; 0 or -1 (errno). */
int job_save(const CONFIG *cfg, const JOB *job);
/* Read one; 0, or -1 when missing or malformed. */
int job_load(const CONFIG *cfg, const char *id, JOB *job);
/* All jobs, newest first; *n set.  Free with myfree(). */
JOB    *job_list(const CONFIG *cfg, int *n);

/* Append a line to the job's log (time-stamped). */
void job_log(const CONFIG *cfg, const char *id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Path of the log. */
void job_log_path(const CONFIG *cfg, const char *id, char *buf, size_t len);

#endif
