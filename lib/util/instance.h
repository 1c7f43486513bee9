/*
 * instance.h - pid files that say whether a daemon runs.
 *
 * A daemon holds an exclusive lock on data_dir/run/NAME.pid while it
 * runs (mailarcd.pid, mailarc-web.pid); readers (the CLI, the web panel,
 * the rc scripts through flock(1)) test the lock, so a pid file left by
 * a dead daemon never counts.
 */
#ifndef MAILARC_INSTANCE_H
#define MAILARC_INSTANCE_H

#include <sys/types.h>

#include "cfg.h"

/* Take the lock of run/NAME.pid and write our pid; the fd (keep it
 * open), or -1 if another holds it (its pid in *other).  Fatal when the
 * file cannot be opened. */
int instance_lock(const char *data_dir, const char *name, pid_t *other);
/* Write the pid again (after a daemon forked away from its parent). */
void instance_update(int fd);
void instance_unlock(const char *data_dir, const char *name, int fd);

/* The options every daemon takes: -f (foreground), -c FILE, -v; usage()
 * is called (and must not return) on anything else. */
void instance_options(int argc, char **argv, int *foreground, const char **conf,
                      void (*usage)(void));
/* Leave the terminal: fork (the parent exits), a new session, stdio on
 * /dev/null, and the pid file (whose lock moved with pidfd) rewritten. */
void instance_detach(int pidfd);

/* The pid of the daemon holding run/NAME.pid, or 0. */
pid_t instance_pid(const char *data_dir, const char *name);

/* The running master's pid, or 0. */
pid_t instance_running(const CONFIG *cfg);

#endif
