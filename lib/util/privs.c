/*
 * privs.c - give up root for good (see privs.h).
 */
#include <errno.h>
#include <grp.h>
#include <unistd.h>

#include "privs.h"

static struct {
    int     active;
    uid_t   euid;
    gid_t   egid;
    int     ngroups;
    gid_t   groups[64];
} privs_saved;

int privs_assume(uid_t uid, gid_t gid)
{
    if (geteuid() != 0 || privs_saved.active)
        return 0;
    privs_saved.euid = geteuid();
    privs_saved.egid = getegid();
    if ((privs_saved.ngroups = getgroups(64, privs_saved.groups)) < 0)
        return -1;
    if (setgroups(1, &gid) < 0 || setegid(gid) < 0 || seteuid(uid) < 0) {
        int     saved = errno;

        privs_saved.active = 1;
        privs_resume();
        errno = saved;
        return -1;
    }
    privs_saved.active = 1;
    return 0;
}

int privs_resume(void)
{
    if (!privs_saved.active)
        return 0;
    privs_saved.active = 0;
    if (seteuid(privs_saved.euid) < 0 || setegid(privs_saved.egid) < 0
        || setgroups((size_t) privs_saved.ngroups, privs_saved.groups) < 0)
        return -1;
    return 0;
}

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
