/*
 * burn_device.c - xorriso as the burning program (see burn_device.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "job.h"
#include "vstr.h"
#include "burn_device.h"

const char *device_read_path(const char *device)
{
    return strncmp(device, "stdio:", 6) == 0 ? device + 6 : device;
}

int device_burn(const CONFIG *cfg, const char *job_id, const char *image, char *err, size_t len)
{
    char    dev[4200];
    int     pfd[2];
    pid_t   pid;
    int     status;
    VSTR   *out = vstr_alloc(4096);
    char    buf[4096];
    ssize_t n;

    snprintf(dev, sizeof(dev), "dev=%s", cfg->burn_device);
    if (pipe2(pfd, O_CLOEXEC) < 0) {
        snprintf(err, len, "pipe: %s", strerror(errno));
        vstr_free(out);
        return -1;
    }
    if ((pid = fork()) < 0) {
        snprintf(err, len, "fork: %s", strerror(errno));
        close(pfd[0]);
        close(pfd[1]);
        vstr_free(out);
        return -1;
    }
    if (pid == 0) {
        dup2(pfd[1], 1);
        dup2(pfd[1], 2);
        execlp("xorriso", "xorriso", "-as", "cdrecord", "-v", dev, "-dao", "-eject", image,
               (char *) 0);
        fprintf(stderr, "cannot run xorriso: %s\n", strerror(errno));
        _exit(127);
    }
    close(pfd[1]);
    while ((n = read(pfd[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
        if (n > 0)
            vstr_add(out, buf, (size_t) n);
    close(pfd[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    for (char *line = out->s, *nl; line && *line; line = nl) {
        if ((nl = strchr(line, '\n')) != 0)
            *nl++ = 0;
        if (*line)
            job_log(cfg, job_id, "xorriso: %s", line);
    }
    vstr_free(out);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(err, len, "xorriso could not burn %s to %s (exit %d; see the job log)", image,
                 cfg->burn_device, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return -1;
    }
    return 0;
}
