/*
 * ipc_child.c - common start-up of mailarcd's children (see ipc_child.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "msg.h"
#include "ipc_child.h"

volatile sig_atomic_t child_stop;
volatile sig_atomic_t child_tick;
volatile sig_atomic_t child_retire;

static void child_on_term(int sig)
{
    (void) sig;
    child_stop = 1;
}

static void child_on_retire(int sig)
{
    (void) sig;
    child_retire = 1;
}

static void child_on_alarm(int sig)
{
    (void) sig;
    child_tick = 1;
}

static long child_num(const char *s, const char *what)
{
    char   *end;
    long    n = strtol(s, &end, 10);

    if (*s == 0 || *end || n < 0)
        msg_fatal("bad %s argument \"%s\"", what, s);
    return n;
}

void child_init(CHILD *c, int argc, char **argv, enum score_kind kind)
{
    static const struct option opts[] = {
        {"slot", required_argument, 0, 's'},
        {"status-fd", required_argument, 0, 'S'},
        {"listen-fd", required_argument, 0, 'l'},
        {"master-pid", required_argument, 0, 'm'},
        {0, 0, 0, 0},
    };
    const char *conf = 0;
    char    err[1024];
    struct sigaction sa;
    int     ch;

    memset(c, 0, sizeof(*c));
    c->slot = -1;
    c->status_fd = -1;
    c->master_pid = getppid();
    msg_init(argv[0], 0);
    while ((ch = getopt_long(argc, argv, "c:v", opts, 0)) != -1) {
        switch (ch) {
        case 'c': conf = optarg; break;
        case 'v': msg_verbose_set(1); break;
        case 's': c->slot = (int) child_num(optarg, "--slot"); break;
        case 'S': c->status_fd = (int) child_num(optarg, "--status-fd"); break;
        case 'm': c->master_pid = (pid_t) child_num(optarg, "--master-pid"); break;
        case 'l':
            if (c->nlisten == CHILD_MAX_LISTEN)
                msg_fatal("too many --listen-fd arguments");
            c->listen_fd[c->nlisten++] = (int) child_num(optarg, "--listen-fd");
            break;
        default:
            msg_fatal("usage: %s -c CONF [--slot N --status-fd FD --listen-fd FD...]", argv[0]);
        }
    }
    if (cfg_load(&c->cfg, cfg_path(conf), err, sizeof(err)) < 0)
        msg_fatal("%s", err);
    msg_init(argv[0], c->cfg.log_syslog);

    /* Die with the master; check for a master that died before this line
     * (then getppid() is already someone else: hence --master-pid). */
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0)
        msg_warn("prctl(PR_SET_PDEATHSIG): %s", strerror(errno));
    if (c->slot >= 0 && child_master_gone(c))
        exit(0);

    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = child_on_term;
    sigaction(SIGTERM, &sa, 0);
    sigaction(SIGINT, &sa, 0);
    sa.sa_handler = child_on_alarm;
    sigaction(SIGALRM, &sa, 0);
    sa.sa_handler = child_on_retire;
    sigaction(SIGUSR1, &sa, 0);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, 0);
    sigaction(SIGXFSZ, &sa, 0);
    sigaction(SIGHUP, &sa, 0);

    {
        char    run[4096];

        snprintf(run, sizeof(run), "%s/run", c->cfg.data_dir);
        if (ipc_ids_read(&c->ids, run) < 0) {
            if (c->slot >= 0)
                msg_fatal("%s/ipc.ids: %s", run, strerror(errno));
            c->ids.msq = c->ids.sem = c->ids.ring = c->ids.score = -1;
        }
    }
    if (c->ids.score >= 0 && c->slot >= 0) {
        if ((c->score = ipc_score_attach(c->ids.score, 0)) == 0)
            msg_fatal("cannot attach scoreboard: %s", strerror(errno));
        if (c->slot >= IPC_SCORE_SLOTS)
            msg_fatal("--slot %d out of range", c->slot);
        c->score->slot[c->slot].kind = (uint32_t) kind;
    }
    if (c->ids.ring >= 0 && (c->ring = ipc_ring_attach(c->ids.ring, c->ids.sem)) == 0)
        msg_warn("cannot attach envelope ring: %s", strerror(errno));
}

int child_master_gone(const CHILD *c)
{
    return getppid() != c->master_pid;
}

void child_state(CHILD *c, enum score_state st)
{
    ipc_score_state(c->score, c->slot, st);
    ipc_status_send(c->status_fd, c->slot, st);
}

SCORE_SLOT *child_slot(CHILD *c)
{
    return c->score ? &c->score->slot[c->slot] : 0;
}

void child_exit(CHILD *c)
{
    child_state(c, SCORE_EXITING);
    if (c->ring)
        ipc_ring_detach(c->ring);
    if (c->score)
        ipc_score_detach(c->score);
    c->ring = 0;
    c->score = 0;
    cfg_free(&c->cfg);
}
