/*
 * master_data.h - the data directory, and what a dead master left in it.
 *
 * Root never follows a path the unprivileged user could have changed:
 * data_dir, run/ and log/ belong to root, the directories the children
 * write belong to the user, and all of them are opened without following
 * links (lib/util/safedir.h).
 */
#ifndef MAILARC_MASTER_DATA_H
#define MAILARC_MASTER_DATA_H

#include <sys/types.h>

#include "cfg.h"

/* Create the layout of DESIGN.md and set owners and modes (when drop is
 * set: root's and uid/gid's); fatal on a link or a non-directory.
 * Returns the data_dir fd, kept open for the other calls here. */
int master_data_init(const CONFIG *cfg, int drop, uid_t uid, gid_t gid);

/* The data_dir fd of master_data_init(), or -1. */
int master_data_fd(void);

/* Remove receivers' unfinished files in spool/tmp (never acknowledged):
 * all of them (pid 0, at start) or those of one receiver that exited. */
void master_data_clean_tmp(const CONFIG *cfg, pid_t pid);

/* An indexer killed from outside (SIGKILL: an operator, the OOM killer,
 * the master itself) died of no message: remove its spool/inflight so
 * that its batch gets no strike (indexer/index_poison.h). */
void master_data_forget_inflight(void);

/* Is pid a mailarc child: a program libexec/mailarc-* run by uid? */
int master_pid_is_ours(pid_t pid, const char *libexec, uid_t uid);

/* Stop processes left from a master that died (those of its scoreboard
 * that are ours), then remove the stale SysV objects this uid created. */
void master_stale_cleanup(const CONFIG *cfg, const char *libexec, uid_t uid);

#endif
