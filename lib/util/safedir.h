/*
 * safedir.h - directories that root opens under a tree it does not own.
 *
 * Root (mailarcd, mailarc-web at start) works inside data_dir, where the
 * unprivileged user owns some directories and could plant a symbolic link
 * in any of them.  Every call here opens one path component at a time
 * relative to a directory fd, with O_NOFOLLOW, so a link is refused
 * (ELOOP or ENOTDIR) instead of followed; callers then act on the fd
 * (fchown, fchmod, *at() calls), never on a path again.
 */
#ifndef MAILARC_SAFEDIR_H
#define MAILARC_SAFEDIR_H

#include <sys/types.h>

/* Open directory `name` (one component, or a relative path walked one
 * component at a time, never through a link or "..") below the directory
 * fd `at`; with AT_FDCWD, `name` is the administrator's path (data_dir)
 * and is opened as it is, links and all.  -1 with errno set on failure. */
int safedir_open(int at, const char *name);

/*
 * Create directory `name` (one component) below `at` with `mode` if it is
 * missing, and open it as safedir_open() does; when chown_it is set, give
 * it the owner uid:gid and `mode` even if it existed.  Returns the open fd,
 * or -1 with errno set.
 */
int safedir_make(int at, const char *name, mode_t mode, int chown_it, uid_t uid, gid_t gid);

#endif
