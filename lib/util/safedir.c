/*
 * safedir.c - directories opened without following links (see safedir.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safedir.h"

#define SAFEDIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

int safedir_open(int at, const char *name)
{
    char    comp[256];
    const char *p = name;
    int     fd = at;

    if (at == AT_FDCWD) {
        /* A path from the configuration (data_dir): the administrator's,
         * a link set up by them included.  Below it, nothing is followed. */
        return open(name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
    while (*p) {
        size_t  n = strcspn(p, "/");
        int     next;

        if (n == 0 || n >= sizeof(comp) || (n == 2 && p[0] == '.' && p[1] == '.')) {
            if (fd != at)
                close(fd);
            errno = EINVAL;
            return -1;
        }
        memcpy(comp, p, n);
        comp[n] = 0;
        next = openat(fd, comp, SAFEDIR_FLAGS);
        if (fd != at)
            close(fd);
        if (next < 0)
            return -1;
        fd = next;
        p += n;
        while (*p == '/')
            p++;
    }
    return fd == at ? openat(at, ".", SAFEDIR_FLAGS) : fd;
}

int safedir_make(int at, const char *name, mode_t mode, int chown_it, uid_t uid, gid_t gid)
{
    int     fd;
    int     rc = at == AT_FDCWD ? mkdir(name, mode) : mkdirat(at, name, mode);

    if (rc < 0 && errno != EEXIST)
        return -1;
    if ((fd = safedir_open(at, name)) < 0)
        return -1;
    if (chown_it && (fchown(fd, uid, gid) < 0 || fchmod(fd, mode) < 0)) {
        int     saved = errno;

        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}
