/*
 * master_data.h - the data directory and the instance lock.
 */
#ifndef MAILARC_MASTER_DATA_H
#define MAILARC_MASTER_DATA_H

#include <sys/types.h>

#include "../lib/cfg.h"

/* Create the layout of DESIGN.md; chown to uid/gid when drop is set. */
void master_data_init(const CONFIG *cfg, int drop, uid_t uid, gid_t gid);

/* Remove receivers' unfinished files in spool/tmp (never acknowledged):
 * all of them (pid 0, at start) or those of one receiver that exited. */
void master_data_clean_tmp(const CONFIG *cfg, pid_t pid);

/* chown every file in data_dir/db (after recovery as root). */
void master_data_chown_db(const CONFIG *cfg, uid_t uid, gid_t gid);


/* Stop processes left from a master that died: they are in the stale
 * scoreboard; then remove the stale SysV objects. */
void master_stale_cleanup(const CONFIG *cfg);

#endif
