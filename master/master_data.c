/*
 * master_data.c - data directory layout, pid file lock, stale cleanup.
 *
 * Root runs this code in a tree where the unprivileged user owns the
 * directories it writes (spool, store, db, archives, media) and may have
 * planted links in them.  data_dir, run/ and log/ belong to root.  Every
 * directory is opened one component at a time without following links
 * (lib/safedir), and files are acted on relative to those fds; a pid or
 * an IPC id read from a file is acted on only once it proves to be ours.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../ipc/ipc_ids.h"
#include "../ipc/ipc_score.h"
#include "msg.h"
#include "safedir.h"
#include "master_data.h"

/* Owned by root (0755), or by the user (0750) where the children write. */
static const struct data_subdir {
    const char *parent;
    const char *name;
    int     user;
} data_subdirs[] = {
    {0, "run", 0}, {0, "log", 0},
    {0, "spool", 1}, {"spool", "tmp", 1}, {"spool", "new", 1}, {"spool", "bad", 1},
    {0, "store", 1}, {0, "db", 1}, {0, "archives", 1}, {0, "media", 1}, {0, "fetch", 1},
    {0, "holds", 1}, {0, "deletions", 1},
};

static int data_fd = -1;

int master_data_init(const CONFIG *cfg, int drop, uid_t uid, gid_t gid)
{
    if (data_fd >= 0)
        close(data_fd);
    if ((data_fd = safedir_make(AT_FDCWD, cfg->data_dir, 0755, drop, 0, 0)) < 0)
        msg_fatal("%s: %s", cfg->data_dir,
                  errno == ELOOP || errno == ENOTDIR ? "not a directory (a link is refused)"
                  : strerror(errno));
    for (size_t i = 0; i < sizeof(data_subdirs) / sizeof(data_subdirs[0]); i++) {
        const struct data_subdir *d = &data_subdirs[i];
        int     at = d->parent ? safedir_open(data_fd, d->parent) : data_fd;
        int     fd = at < 0 ? -1 : safedir_make(at, d->name, d->user ? 0750 : 0755, drop,
                                              d->user ? uid : 0, d->user ? gid : 0);

        if (fd < 0)
            msg_fatal("%s/%s%s%s: %s", cfg->data_dir, d->parent ? d->parent : "",
                      d->parent ? "/" : "", d->name,
                      errno == ELOOP || errno == ENOTDIR ? "not a directory (a link is refused)"
                      : strerror(errno));
        close(fd);
        if (at != data_fd)
            close(at);
    }
    return data_fd;
}

int master_data_fd(void)
{
    return data_fd;
}

/* The writer's pid in a queue id "TIME.PID.COUNTER" (hex), or 0. */
static pid_t master_qid_pid(const char *qid)
{
    const char *dot = strchr(qid, '.');
    char   *end;
    long    pid;

    if (dot == 0)
        return 0;
    pid = strtol(dot + 1, &end, 16);
    return *end == '.' ? (pid_t) pid : 0;
}

void master_data_clean_tmp(const CONFIG *cfg, pid_t pid)
{
    DIR    *dir;
    struct dirent *de;
    int     fd;
    int     n = 0;

    if (data_fd < 0 || (fd = safedir_open(data_fd, "spool/tmp")) < 0) {
        msg_warn("%s/spool/tmp: %s", cfg->data_dir, strerror(errno));
        return;
    }
    if ((dir = fdopendir(fd)) == 0) {
        close(fd);
        return;
    }
    while ((de = readdir(dir)) != 0) {
        if (de->d_name[0] == '.' || (pid && master_qid_pid(de->d_name) != pid))
            continue;
        /* unlinkat removes the entry itself, a link included, never its target. */
        if (unlinkat(fd, de->d_name, 0) == 0)
            n++;
    }
    closedir(dir);
    if (n)
        msg_info("removed %d unfinished spool file(s) of interrupted sessions", n);
}

void master_data_forget_inflight(void)
{
    int     spool;

    if (data_fd < 0 || (spool = safedir_open(data_fd, "spool")) < 0)
        return;
    if (unlinkat(spool, "inflight", 0) == 0)
        msg_info("the indexer was killed from outside; its batch is not held against "
                 "the messages in it");
    close(spool);
}

int master_pid_is_ours(pid_t pid, const char *libexec, uid_t uid)
{
    char    path[64];
    char    exe[PATH_MAX];
    char    dir[PATH_MAX];
    struct stat st;
    ssize_t n;
    size_t  dl;

    if (pid <= 1 || kill(pid, 0) < 0)
        return 0;
    snprintf(path, sizeof(path), "/proc/%ld", (long) pid);
    if (stat(path, &st) < 0 || st.st_uid != uid)
        return 0;
    snprintf(path, sizeof(path), "/proc/%ld/exe", (long) pid);
    if ((n = readlink(path, exe, sizeof(exe) - 1)) <= 0)
        return 0;
    exe[n] = 0;
    if (realpath(libexec, dir) == 0)
        return 0;
    dl = strlen(dir);
    return strncmp(exe, dir, dl) == 0 && strncmp(exe + dl, "/mailarc-", 9) == 0
        && strchr(exe + dl + 1, '/') == 0;
}

void master_stale_cleanup(const CONFIG *cfg, const char *libexec, uid_t uid)
{
    IPC_IDS ids;
    IPC_SCORE *sc;
    pid_t   pids[IPC_SCORE_SLOTS];
    int     run;
    int     n = 0;

    if (data_fd < 0 || (run = safedir_open(data_fd, "run")) < 0)
        return;
    if (ipc_ids_read_at(&ids, run) < 0) {
        close(run);
        return;
    }
    if (ids.score >= 0 && (sc = ipc_score_attach(ids.score, 1)) != 0) {
        if (sc->magic == IPC_SCORE_MAGIC)
            for (int i = 0; i < IPC_SCORE_SLOTS; i++)
                if (master_pid_is_ours(sc->slot[i].pid, libexec, uid))
                    pids[n++] = sc->slot[i].pid;
        ipc_score_detach(sc);
    }
    for (int i = 0; i < n; i++)
        kill(pids[i], SIGTERM);
    /* Give them time to finish a batch or a session, then insist. */
    for (int tries = 0; tries < 100; tries++) {
        int     alive = 0;

        for (int i = 0; i < n; i++)
            if (master_pid_is_ours(pids[i], libexec, uid))
                alive++;
        if (alive == 0)
            break;
        usleep(100000);
    }
    for (int i = 0; i < n; i++)
        if (master_pid_is_ours(pids[i], libexec, uid)) {
            msg_warn("killing leftover process %ld", (long) pids[i]);
            kill(pids[i], SIGKILL);
            master_data_forget_inflight();      /* our SIGKILL, not a poison message */
        }
    /* A killed process still holds its sockets until it is really gone. */
    for (int tries = 0; tries < 100; tries++) {
        int     alive = 0;

        for (int i = 0; i < n; i++)
            if (master_pid_is_ours(pids[i], libexec, uid))
                alive++;
        if (alive == 0)
            break;
        usleep(50000);
    }
    if (n)
        msg_info("stopped %d process(es) left by a previous master", n);
    ipc_ids_remove(&ids);               /* only objects this uid created */
    unlinkat(run, "ipc.ids", 0);
    close(run);
    (void) cfg;
}
