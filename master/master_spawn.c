/*
 * master_spawn.c - fork+exec, status, reaping and throttling of children.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "msg.h"
#include "privs.h"
#include "master_data.h"
#include "master_spawn.h"

#define CHILD_STATUS_FD 3
#define CHILD_LISTEN_FD 4
#define MASTER_QUICK_CRASH 10       /* seconds */

static int master_free_slot(MASTER *m)
{
    for (int i = 0; i < IPC_SCORE_SLOTS; i++)
        if (m->score->slot[i].pid == 0)
            return i;
    return -1;
}

static SERVICE *master_service_of(MASTER *m, uint32_t kind)
{
    if (kind == SCORE_SMTPD)
        return &m->smtpd;
    if (kind == SCORE_INDEXER)
        return &m->indexer;
    if (kind == SCORE_BURNER)
        return &m->burner;
    if (kind == SCORE_MILTER)
        return &m->milter;
    if (kind == SCORE_FETCH)
        return &m->fetch;
    return 0;
}

/* In the child: drop privileges for good; any failure is fatal. */
static void master_child_drop(MASTER *m)
{
    if (!m->drop)
        return;
    if (privs_drop(m->uid, m->gid) < 0)
        _exit(1);
}

pid_t master_spawn(MASTER *m, SERVICE *svc)
{
    char    path[4096];
    char    slotarg[16], fdarg[16], pidarg[16];
    char   *argv[12 + 2 * CHILD_MAX_LISTEN];
    char    lfd[CHILD_MAX_LISTEN][16];
    int     slot = master_free_slot(m);
    int     argc = 0;
    sigset_t all, old;
    pid_t   pid;

    if (slot < 0) {
        msg_warn("scoreboard full; not starting %s", svc->name);
        return -1;
    }
    snprintf(path, sizeof(path), "%s/%s", m->libexec, svc->prog);
    snprintf(slotarg, sizeof(slotarg), "%d", slot);
    snprintf(fdarg, sizeof(fdarg), "%d", CHILD_STATUS_FD);
    argv[argc++] = path;
    argv[argc++] = "-c";
    argv[argc++] = m->conf_path;
    argv[argc++] = "--slot";
    argv[argc++] = slotarg;
    argv[argc++] = "--status-fd";
    argv[argc++] = fdarg;
    snprintf(pidarg, sizeof(pidarg), "%ld", (long) getpid());
    argv[argc++] = "--master-pid";
    argv[argc++] = pidarg;
    if (svc->kind == SCORE_SMTPD) {
        for (int i = 0; i < m->nlisten; i++) {
            snprintf(lfd[i], sizeof(lfd[i]), "%d", CHILD_LISTEN_FD + i);
            argv[argc++] = "--listen-fd";
            argv[argc++] = lfd[i];
        }
    }
    argv[argc] = 0;
    /*
     * Signals stay blocked across fork until the child has the default
     * actions back: a SIGTERM sent to the new pid before its exec must not
     * run the master's handler in the child (which would swallow it and
     * leave a child that never stops), but end the child.
     */
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    if ((pid = fork()) < 0) {
        sigprocmask(SIG_SETMASK, &old, 0);
        msg_warn("fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        sigset_t none;

        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        signal(SIGCHLD, SIG_DFL);
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, 0);
        /* Arrange fds: status pipe at 3, listeners from 4 (smtpd only). */
        if (dup2(m->status_wr, CHILD_STATUS_FD) < 0)
            _exit(1);
        if (svc->kind == SCORE_SMTPD) {
            int     tmp[CHILD_MAX_LISTEN];

            /* Move listeners out of the way first, then into place. */
            for (int i = 0; i < m->nlisten; i++)
                if ((tmp[i] = fcntl(m->listen_fd[i], F_DUPFD_CLOEXEC, 64)) < 0)
                    _exit(1);
            for (int i = 0; i < m->nlisten; i++)
                if (dup2(tmp[i], CHILD_LISTEN_FD + i) < 0)
                    _exit(1);
        }
        master_child_drop(m);
        execv(path, argv);
        fprintf(stderr, "mailarcd: exec %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    sigprocmask(SIG_SETMASK, &old, 0);
    memset(&m->score->slot[slot], 0, sizeof(SCORE_SLOT));
    m->score->slot[slot].kind = (uint32_t) svc->kind;
    m->score->slot[slot].state = SCORE_STARTING;
    m->score->slot[slot].started = (int64_t) time(0);
    __atomic_store_n(&m->score->slot[slot].pid, (int32_t) pid, __ATOMIC_RELEASE);
    msg_debug("started %s pid %ld slot %d", svc->name, (long) pid, slot);
    return pid;
}

void master_reap(MASTER *m)
{
    int     status;
    pid_t   pid;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        int     slot = -1;
        SERVICE *svc;
        int     was_ready;
        int     abnormal;
        time_t  lived;

        for (int i = 0; i < IPC_SCORE_SLOTS; i++)
            if (m->score->slot[i].pid == pid) {
                slot = i;
                break;
            }
        if (slot < 0)
            continue;
        svc = master_service_of(m, m->score->slot[slot].kind);
        was_ready = m->score->slot[slot].state != SCORE_STARTING;
        lived = time(0) - (time_t) m->score->slot[slot].started;
        abnormal = WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 0);
        memset(&m->score->slot[slot], 0, sizeof(SCORE_SLOT));
        if (svc == 0)
            continue;
        if ((svc->kind == SCORE_SMTPD || svc->kind == SCORE_MILTER || svc->kind == SCORE_FETCH)
            && abnormal)
            master_data_clean_tmp(&m->cfg, pid);       /* its unfinished message */
        if (svc->kind == SCORE_INDEXER && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
            master_data_forget_inflight();
        if (abnormal) {
            if (WIFSIGNALED(status))
                msg_warn("%s pid %ld killed by signal %d", svc->name, (long) pid, WTERMSIG(status));
            else
                msg_warn("%s pid %ld exited with status %d", svc->name, (long) pid,
                         WEXITSTATUS(status));
            if (m->on_crash)
                m->on_crash(m, svc);
        }
        /* Died before serving anything, or crashed soon after (a poison
         * message, a broken disk): throttle, do not loop. */
        if ((!was_ready || (abnormal && lived < MASTER_QUICK_CRASH)) && !m->stopping) {
            svc->backoff = svc->backoff ? svc->backoff * 2 : 1;
            if (svc->backoff > m->cfg.restart_backoff_max)
                svc->backoff = (int) m->cfg.restart_backoff_max;
            svc->throttle_until = time(0) + svc->backoff;
            msg_warn("%s %s; throttling it for %d s", svc->name,
                     was_ready ? "crashed soon after start" : "failed at start", svc->backoff);
        } else if (!abnormal) {
            svc->backoff = 0;
        }
    }
}

void master_status_read(MASTER *m)
{
    IPC_STATUS rec;
    ssize_t n;

    while ((n = read(m->status_rd, &rec, sizeof(rec))) == (ssize_t) sizeof(rec)) {
        SCORE_SLOT *s;
        SERVICE *svc;

        if (rec.version != IPC_STATUS_VERSION || rec.slot >= IPC_SCORE_SLOTS
            || rec.state > SCORE_EXITING) {
            msg_warn("malformed status record ignored");
            continue;
        }
        s = &m->score->slot[rec.slot];
        if (s->pid != rec.pid)
            continue;                   /* a record from a reaped child */
        s->state = rec.state;
        if (rec.state == SCORE_IDLE && time(0) - (time_t) s->started >= MASTER_QUICK_CRASH
            && (svc = master_service_of(m, s->kind)) != 0)
            svc->backoff = 0;
    }
    if (n > 0)
        msg_warn("short status record ignored");
}

int master_count(MASTER *m, SERVICE *svc, int *idle)
{
    int     n = 0, i0 = 0;

    for (int i = 0; i < IPC_SCORE_SLOTS; i++) {
        SCORE_SLOT *s = &m->score->slot[i];

        if (s->pid == 0 || s->kind != (uint32_t) svc->kind || s->state == SCORE_EXITING
            || s->retiring)
            continue;
        n++;
        if (s->state == SCORE_IDLE || s->state == SCORE_STARTING)
            i0++;
    }
    if (idle)
        *idle = i0;
    return n;
}

void master_signal_all(MASTER *m, SERVICE *svc, int sig)
{
    for (int i = 0; i < IPC_SCORE_SLOTS; i++) {
        SCORE_SLOT *s = &m->score->slot[i];

        if (s->pid > 0 && (svc == 0 || s->kind == (uint32_t) svc->kind))
            kill(s->pid, sig);
    }
}

void master_retire(MASTER *m, SERVICE *svc)
{
    for (int i = 0; i < IPC_SCORE_SLOTS; i++) {
        SCORE_SLOT *s = &m->score->slot[i];

        if (s->pid > 0 && s->kind == (uint32_t) svc->kind && !s->retiring) {
            s->retiring = 1;                    /* not counted: replacements start now */
            kill(s->pid, SIGUSR1);
        }
    }
}

void master_maintain(MASTER *m)
{
    time_t  now = time(0);
    int     idle;
    int     total;

    if (m->stopping)
        return;
    if (master_count(m, &m->indexer, 0) == 0 && now >= m->indexer.throttle_until)
        master_spawn(m, &m->indexer);
    if (master_count(m, &m->burner, 0) == 0 && now >= m->burner.throttle_until)
        master_spawn(m, &m->burner);
    if (*m->cfg.milter_listen == 0)
        master_signal_all(m, &m->milter, SIGTERM);     /* switched off by a reload */
    else if (master_count(m, &m->milter, 0) == 0 && now >= m->milter.throttle_until)
        master_spawn(m, &m->milter);
    if (m->cfg.njournals == 0)
        master_signal_all(m, &m->fetch, SIGTERM);      /* the last one removed by a reload */
    else if (master_count(m, &m->fetch, 0) == 0 && now >= m->fetch.throttle_until)
        master_spawn(m, &m->fetch);
    if (now < m->smtpd.throttle_until)
        return;
    total = master_count(m, &m->smtpd, &idle);
    while (idle < m->cfg.smtpd_min_idle && total < m->cfg.smtpd_max_procs) {
        if (master_spawn(m, &m->smtpd) < 0)
            break;
        idle++;
        total++;
    }
    /*
     * Too many idle receivers: ask the surplus to leave.  SIGUSR1, not
     * SIGTERM: "idle" in the scoreboard may be a moment old, and a receiver
     * that has just accepted a connection must serve it to its end rather
     * than answer 421 (it leaves after that session).
     */
    if (idle > m->cfg.smtpd_max_idle && idle > m->cfg.smtpd_min_idle) {
        int     surplus = idle - (int) (m->cfg.smtpd_max_idle > m->cfg.smtpd_min_idle
                                        ? m->cfg.smtpd_max_idle : m->cfg.smtpd_min_idle);

        for (int i = IPC_SCORE_SLOTS - 1; i >= 0 && surplus > 0; i--) {
            SCORE_SLOT *s = &m->score->slot[i];

            if (s->pid > 0 && s->kind == SCORE_SMTPD && s->state == SCORE_IDLE && !s->retiring) {
                s->retiring = 1;
                kill(s->pid, SIGUSR1);
                surplus--;
            }
        }
    }
}
