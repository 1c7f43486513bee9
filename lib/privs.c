/*
 * privs.c - give up root for good (see privs.h).
 */
#include <errno.h>
#include <grp.h>
#include <unistd.h>

#include "privs.h"

int privs_drop(uid_t uid, gid_t gid)
{
    if (setgroups(1, &gid) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
        return -1;
    if (uid != 0 && setuid(0) == 0) {
        errno = EPERM;
        return -1;                      /* privileges must be gone */
    }
    return 0;
}
