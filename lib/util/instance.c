/*
 * instance.c - pid files with locks (see instance.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <getopt.h>
#include <unistd.h>

#include "instance.h"
#include "msg.h"
#include "safedir.h"

static void instance_path(const char *data_dir, const char *name, char *path, size_t len)
{
    snprintf(path, len, "%s/run/%s.pid", data_dir, name);
}

/* data_dir/run/NAME.pid opened without following a link anywhere below
 * data_dir: root opens it, and run/ may once have been the user's. */
static int instance_open(const char *data_dir, const char *name, int flags)
{
    char    file[300];
    int     dfd, run, fd = -1;

    if ((dfd = safedir_open(AT_FDCWD, data_dir)) < 0)
        return -1;
    run = safedir_open(dfd, "run");
    close(dfd);
    if (run < 0)
        return -1;
    snprintf(file, sizeof(file), "%s.pid", name);
    fd = openat(run, file, flags | O_NOFOLLOW | O_CLOEXEC, 0644);
    close(run);
    return fd;
}

int instance_lock(const char *data_dir, const char *name, pid_t *other)
{
    char    path[4096];
    char    buf[32];
    int     fd;
    ssize_t n;

    instance_path(data_dir, name, path, sizeof(path));
    if ((fd = instance_open(data_dir, name, O_RDWR | O_CREAT)) < 0)
        msg_fatal("%s: %s", path, errno == ELOOP ? "a link is refused" : strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        n = pread(fd, buf, sizeof(buf) - 1, 0);
        buf[n > 0 ? n : 0] = 0;
        *other = (pid_t) atol(buf);
        close(fd);
        return -1;
    }
    instance_update(fd);
    return fd;
}

void instance_update(int fd)
{
    char    buf[32];

    snprintf(buf, sizeof(buf), "%ld\n", (long) getpid());
    if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, strlen(buf), 0) < 0)
        msg_fatal("pid file: %s", strerror(errno));
}

void instance_unlock(const char *data_dir, const char *name, int fd)
{
    char    file[300];
    int     dfd, run;

    /* Remove the name only while the lock is still held on it. */
    if ((dfd = safedir_open(AT_FDCWD, data_dir)) >= 0) {
        if ((run = safedir_open(dfd, "run")) >= 0) {
            snprintf(file, sizeof(file), "%s.pid", name);
            unlinkat(run, file, 0);
            close(run);
        }
        close(dfd);
    }
    close(fd);
}

pid_t instance_pid(const char *data_dir, const char *name)
{
    char    buf[32];
    int     fd;
    ssize_t n;
    pid_t   pid = 0;

    if ((fd = instance_open(data_dir, name, O_RDONLY)) < 0)
        return 0;
    if (flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK) {
        n = pread(fd, buf, sizeof(buf) - 1, 0);
        buf[n > 0 ? n : 0] = 0;
        pid = (pid_t) atol(buf);
    }
    close(fd);
    return pid;
}

void instance_options(int argc, char **argv, int *foreground, const char **conf,
                      void (*usage)(void))
{
    int     ch;

    while ((ch = getopt(argc, argv, "fc:v")) != -1) {
        switch (ch) {
        case 'f': *foreground = 1; break;
        case 'c': *conf = optarg; break;
        case 'v': msg_verbose_set(1); break;
        default: usage();
        }
    }
    if (optind != argc)
        usage();
}

void instance_detach(int pidfd)
{
    pid_t   pid = fork();
    int     null;

    if (pid < 0)
        msg_fatal("fork: %s", strerror(errno));
    if (pid > 0)
        _exit(0);
    setsid();
    if ((null = open("/dev/null", O_RDWR)) >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        if (null > 2)
            close(null);
    }
    instance_update(pidfd);
}

pid_t instance_running(const CONFIG *cfg)
{
    return instance_pid(cfg->data_dir, "mailarcd");
}
