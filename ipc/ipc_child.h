/*
 * ipc_child.h - what every child of mailarcd does at start.
 *
 * Command line: PROG -c CONF --slot N --status-fd FD --master-pid PID
 *               [--listen-fd FD]...
 * The child loads the config, attaches the scoreboard and the ring, arms
 * the parent-death signal and installs flag-only signal handlers.  A child
 * started by hand (no --slot) still works, without the scoreboard.
 */
#ifndef MAILARC_IPC_CHILD_H
#define MAILARC_IPC_CHILD_H

#include <signal.h>
#include <sys/types.h>

#include "cfg.h"
#include "ipc_ids.h"
#include "ipc_ring.h"
#include "ipc_score.h"

#define CHILD_MAX_LISTEN 16

typedef struct child {
    CONFIG  cfg;
    int     slot;
    int     status_fd;
    int     listen_fd[CHILD_MAX_LISTEN];
    int     nlisten;
    pid_t   master_pid;
    IPC_IDS ids;
    IPC_SCORE *score;
    IPC_RING *ring;
} CHILD;

extern volatile sig_atomic_t child_stop;       /* SIGTERM seen */
extern volatile sig_atomic_t child_tick;       /* SIGALRM seen */
extern volatile sig_atomic_t child_retire;     /* SIGUSR1: finish the session, then exit */

void child_init(CHILD *c, int argc, char **argv, enum score_kind kind);
int child_master_gone(const CHILD *c);
void child_state(CHILD *c, enum score_state st);
SCORE_SLOT *child_slot(CHILD *c);           /* NULL without a scoreboard */

/* Report EXITING, detach the shared memory, release the config. */
void child_exit(CHILD *c);

#endif
