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

static void instance_path(const char *data_dir, const char *name, char *path, size_t len)
{
    snprintf(path, len, "%s/run/%s.pid", data_dir, name);
}

int instance_lock(const char *data_dir, const char *name, pid_t *other)
{
    char    path[4096];
    char    buf[32];
    int     fd;
    ssize_t n;

    instance_path(data_dir, name, path, sizeof(path));
    if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
        msg_fatal("%s: %s", path, strerror(errno));
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
    char    path[4096];

    instance_path(data_dir, name, path, sizeof(path));
    unlink(path);
    close(fd);
}

pid_t instance_pid(const char *data_dir, const char *name)
{
    char    path[4096];
    char    buf[32];
    int     fd;
    ssize_t n;
    pid_t   pid = 0;

    instance_path(data_dir, name, path, sizeof(path));
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
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
