/*
 * master_spawn.h - the master's children: spawning, status, reaping.
 *
 * Four services: the smtpd pool (between smtpd_min_idle idle and
 * smtpd_max_procs in all), the single indexer, the single burner, the
 * single milter when milter_listen is set, and the single mailarc-fetch
 * when there are [journal NAME] sections.  A child that dies
 * before it reported ready throttles its service with doubling back-off
 * (up to restart_backoff_max) instead of crash-looping.
 */
#ifndef MAILARC_MASTER_SPAWN_H
#define MAILARC_MASTER_SPAWN_H

#include <sys/types.h>
#include <time.h>

#include "../ipc/ipc_child.h"
#include "../ipc/ipc_score.h"
#include "cfg.h"

typedef struct master MASTER;

typedef struct service {
    const char *name;               /* "smtpd", "indexer" */
    const char *prog;               /* mailarc-smtpd ... */
    enum score_kind kind;
    time_t  throttle_until;
    int     backoff;
} SERVICE;

struct master {
    CONFIG  cfg;
    char   *conf_path;
    char   *libexec;
    uid_t   uid;                    /* children's user, when root */
    gid_t   gid;
    int     drop;
    int     status_rd, status_wr;
    int     listen_fd[CHILD_MAX_LISTEN];
    int     nlisten;
    IPC_SCORE *score;
    SERVICE smtpd, indexer, burner, milter, fetch;
    int     stopping;
    int     (*on_crash)(MASTER *m, SERVICE *svc);   /* failchk hook */
};

pid_t master_spawn(MASTER *m, SERVICE *svc);
/* Reap exited children; calls on_crash for abnormal exits. */
void master_reap(MASTER *m);
/* Read status records from the pipe into the scoreboard. */
void master_status_read(MASTER *m);
/* Keep the pool within bounds and the indexer running. */
void master_maintain(MASTER *m);
/* Count children of a service (all, idle). */
int master_count(MASTER *m, SERVICE *svc, int *idle);
/* Signal every child of a service (NULL: all). */
void master_signal_all(MASTER *m, SERVICE *svc, int sig);

/* Replace the receivers: the old ones finish their sessions and exit. */
void master_retire(MASTER *m, SERVICE *svc);

#endif
