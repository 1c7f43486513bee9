/*
 * master_data.c - data directory layout, pid file lock, stale cleanup.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../ipc/ipc_ids.h"
#include "../ipc/ipc_score.h"
#include "../lib/msg.h"
#include "master_data.h"

static const char *data_subdirs[] = {
    "spool", "spool/tmp", "spool/new", "spool/bad", "store", "db", "archives", "media",
    "run", "log",
};

void master_data_init(const CONFIG *cfg, int drop, uid_t uid, gid_t gid)
{
    char    path[4096];

    if (mkdir(cfg->data_dir, 0755) < 0 && errno != EEXIST)
        msg_fatal("%s: %s", cfg->data_dir, strerror(errno));
    if (drop && chown(cfg->data_dir, uid, gid) < 0)
        msg_fatal("chown %s: %s", cfg->data_dir, strerror(errno));
    for (size_t i = 0; i < sizeof(data_subdirs) / sizeof(data_subdirs[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", cfg->data_dir, data_subdirs[i]);
        if (mkdir(path, 0750) < 0 && errno != EEXIST)
            msg_fatal("%s: %s", path, strerror(errno));
        if (drop && chown(path, uid, gid) < 0)
            msg_fatal("chown %s: %s", path, strerror(errno));
    }
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
    char    path[4096];
    DIR    *dir;
    struct dirent *de;
    int     n = 0;

    snprintf(path, sizeof(path), "%s/spool/tmp", cfg->data_dir);
    if ((dir = opendir(path)) == 0)
        return;
    while ((de = readdir(dir)) != 0) {
        char    f[4400];

        if (de->d_name[0] == '.' || (pid && master_qid_pid(de->d_name) != pid))
            continue;
        snprintf(f, sizeof(f), "%s/%s", path, de->d_name);
        if (unlink(f) == 0)
            n++;
    }
    closedir(dir);
    if (n)
        msg_info("removed %d unfinished spool file(s) of interrupted sessions", n);
}

void master_data_chown_db(const CONFIG *cfg, uid_t uid, gid_t gid)
{
    char    path[4096];
    DIR    *dir;
    struct dirent *de;

    snprintf(path, sizeof(path), "%s/db", cfg->data_dir);
    if ((dir = opendir(path)) == 0)
        return;
    while ((de = readdir(dir)) != 0) {
        char    f[4400];

        if (strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(f, sizeof(f), "%s/%s", path, de->d_name);
        if (chown(f, uid, gid) < 0)
            msg_warn("chown %s: %s", f, strerror(errno));
    }
    closedir(dir);
}

/* Is pid one of ours?  Its command line names a mailarc program. */
static int master_is_ours(pid_t pid)
{
    char    path[64];
    char    cmd[512];
    ssize_t n;
    int     fd;

    snprintf(path, sizeof(path), "/proc/%ld/cmdline", (long) pid);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return 0;
    n = read(fd, cmd, sizeof(cmd) - 1);
    close(fd);
    if (n <= 0)
        return 0;
    cmd[n] = 0;
    return strstr(cmd, "mailarc-") != 0;
}

void master_stale_cleanup(const CONFIG *cfg)
{
    char    run[4096];
    IPC_IDS ids;
    IPC_SCORE *sc;
    pid_t   pids[IPC_SCORE_SLOTS];
    int     n = 0;

    snprintf(run, sizeof(run), "%s/run", cfg->data_dir);
    if (ipc_ids_read(&ids, run) < 0)
        return;
    if (ids.score >= 0 && (sc = ipc_score_attach(ids.score, 1)) != 0) {
        if (sc->magic == IPC_SCORE_MAGIC)
            for (int i = 0; i < IPC_SCORE_SLOTS; i++)
                if (sc->slot[i].pid > 0 && master_is_ours(sc->slot[i].pid))
                    pids[n++] = sc->slot[i].pid;
        ipc_score_detach(sc);
    }
    for (int i = 0; i < n; i++)
        kill(pids[i], SIGTERM);
    /* Give them time to finish a batch or a session, then insist. */
    for (int tries = 0; tries < 100; tries++) {
        int     alive = 0;

        for (int i = 0; i < n; i++)
            if (pids[i] > 0 && kill(pids[i], 0) == 0 && master_is_ours(pids[i]))
                alive++;
        if (alive == 0)
            break;
        usleep(100000);
    }
    for (int i = 0; i < n; i++)
        if (kill(pids[i], 0) == 0 && master_is_ours(pids[i])) {
            msg_warn("killing leftover process %ld", (long) pids[i]);
            kill(pids[i], SIGKILL);
        }
    /* A killed process still holds its sockets until it is really gone. */
    for (int tries = 0; tries < 100; tries++) {
        int     alive = 0;

        for (int i = 0; i < n; i++)
            if (kill(pids[i], 0) == 0 && master_is_ours(pids[i]))
                alive++;
        if (alive == 0)
            break;
        usleep(50000);
    }
    if (n)
        msg_info("stopped %d process(es) left by a previous master", n);
    ipc_ids_remove(&ids);
    snprintf(run + strlen(run), sizeof(run) - strlen(run), "/ipc.ids");
    unlink(run);
}
