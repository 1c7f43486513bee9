/*
 * privs.h - give up root for good.
 */
#ifndef MAILARC_PRIVS_H
#define MAILARC_PRIVS_H

#include <sys/types.h>

/* setgroups, setresgid, setresuid to uid/gid, then check that root
 * cannot be regained.  0 ok, -1 failed (errno set). */
int privs_drop(uid_t uid, gid_t gid);

/*
 * Act as uid/gid for a while (effective ids and groups only), so that what
 * root does in the user's directories is checked as the user: files it
 * creates are the user's, and a link the user planted leads nowhere the
 * user could not go.  privs_resume() returns to the saved ids.  Both are
 * no-ops when not root.  0 ok, -1 failed (errno set).
 */
int privs_assume(uid_t uid, gid_t gid);
int privs_resume(void);

#endif
