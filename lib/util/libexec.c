/*
 * libexec.c - find the helper programs (see libexec.h).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libexec.h"
#include "mymalloc.h"

#ifndef LIBEXECDIR
#define LIBEXECDIR "/usr/lib/mailarc"
#endif

char   *libexec_dir(const char *probe)
{
    char    self[PATH_MAX];
    char    path[PATH_MAX + 64];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    const char *env = getenv("MAILARC_LIBEXEC");

    if (env && *env)
        return mystrdup(env);
    if (n > 0) {
        self[n] = 0;
        if (strrchr(self, '/'))
            *strrchr(self, '/') = 0;
        snprintf(path, sizeof(path), "%s/%s", self, probe);
        if (access(path, X_OK) == 0)
            return mystrdup(self);
    }
    return mystrdup(LIBEXECDIR);
}
