/*
 * privs.h - give up root for good.
 */
#ifndef MAILARC_PRIVS_H
#define MAILARC_PRIVS_H

#include <sys/types.h>

/* setgroups, setresgid, setresuid to uid/gid, then check that root
 * cannot be regained.  0 ok, -1 failed (errno set). */
int privs_drop(uid_t uid, gid_t gid);

#endif
