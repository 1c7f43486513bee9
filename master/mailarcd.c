/*
 * mailarcd.c - the master: sockets, IPC, database recovery, supervision.
 *
 * Order at start: config, instance lock, stale children and SysV objects
 * of a dead master removed, data directory, fresh IPC objects (ids in
 * run/ipc.ids), listeners bound, Berkeley DB opened with DB_RECOVER, and
 * only then the children.  After a child's crash it runs failchk and, if
 * the environment needs recovery, stops the indexer, recovers, and starts
 * it again.  SIGTERM drains; SIGHUP reloads a config only if it is valid.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../ipc/ipc_ids.h"
#include "../ipc/ipc_ring.h"
#include "../ipc/ipc_score.h"
#include "adb.h"
#include "adb_shm.h"
#include "hostport.h"
#include "msg.h"
#include "seal.h"
#include "libexec.h"
#include "mymalloc.h"
#include "instance.h"
#include "privs.h"
#include "safedir.h"
#include "master_data.h"
#include "master_sig.h"
#include "master_spawn.h"

static ADB *master_db;
static MASTER *master_self;             /* for the database calls below */
static IPC_IDS master_ids;
static int master_ids_live;             /* created and not yet removed */
static pid_t master_pid;

/* Whatever way the master exits, its SysV objects go with it. */
static void master_ipc_remove(void)
{
    if (!master_ids_live || getpid() != master_pid)
        return;
    privs_resume();                     /* a fatal error may come as the user */
    ipc_ids_remove(&master_ids);
    if (master_data_fd() >= 0) {
        int     run = safedir_open(master_data_fd(), "run");

        if (run >= 0) {
            unlinkat(run, "ipc.ids", 0);
            close(run);
        }
    }
    master_ids_live = 0;
}

static void master_usage(void)
{
    fprintf(stderr, "usage: mailarcd [-f] [-v] [-c FILE]\n");
    exit(2);
}

static void master_bind(MASTER *m)
{
    char   *copy = mystrdup(m->cfg.smtp_listen);
    char   *save = 0;
    char    err[512];

    m->nlisten = 0;
    for (char *t = strtok_r(copy, ", \t", &save); t; t = strtok_r(0, ", \t", &save)) {
        int     fd;

        if (m->nlisten == CHILD_MAX_LISTEN)
            msg_fatal("smtp_listen: more than %d endpoints", CHILD_MAX_LISTEN);
        /* A port still held by a process on its way out frees up shortly. */
        for (int tries = 0; (fd = hostport_listen(t, 1024, err, sizeof(err))) < 0
             && errno == EADDRINUSE && tries < 20; tries++)
            usleep(250000);
        if (fd < 0)
            msg_fatal("cannot listen on %s", err);
        m->listen_fd[m->nlisten++] = fd;
        msg_info("listening for SMTP on %s", t);
    }
    myfree(copy);
}

/*
 * The master works in db/ as the user: db/ is the user's, so root would
 * follow any link planted there.  Files it creates are the user's too, so
 * nothing needs a chown afterwards.
 */
static void master_as_user(MASTER *m)
{
    if (m->drop && privs_assume(m->uid, m->gid) < 0)
        msg_fatal("cannot act as user %s: %s", m->cfg.user, strerror(errno));
}

static void master_as_root(void)
{
    if (privs_resume() < 0)
        msg_fatal("cannot return to root: %s", strerror(errno));
}

static void master_open_db(MASTER *m)
{
    char    err[1024];
    int     dberr = 0;

    master_as_user(m);
    master_db = adb_open(&m->cfg, ADB_RECOVER, &dberr, err, sizeof(err));
    master_as_root();
    if (master_db == 0) {
        msg_fatal_status(3);
        msg_fatal("cannot open or recover the database: %s", err);
    }
}

static void master_close_db(void)
{
    if (master_db == 0)
        return;
    master_as_user(master_self);
    adb_close(master_db);
    master_as_root();
    master_db = 0;
}

/* On a clean stop the regions go, shared memory above all: nothing else
 * would free it.  Every page is written to the files first, so that a
 * reader of the stopped archive, which makes itself a new environment,
 * sees all that was committed.  A reader still inside keeps the regions
 * (and the log says so). */
static void master_release_db(MASTER *m)
{
    char    home[4096];
    int     rc;

    snprintf(home, sizeof(home), "%s/db", m->cfg.data_dir);
    master_as_user(m);
    if (master_db && (rc = master_db->env->txn_checkpoint(master_db->env, 0, 0, DB_FORCE)) != 0)
        msg_warn("checkpoint at stop: %s", db_strerror(rc));
    adb_close(master_db);
    master_db = 0;
    rc = adb_shm_release(home);
    master_as_root();
    if (rc != 0)
        msg_info("database regions kept: %s", db_strerror(rc));
}

/* After a crash, and every db_failchk_interval: failchk releases what dead
 * readers held (a killed `mailarc`, a crashed panel: nobody else would, and
 * their locks hold up the indexer and, queued behind it, every reader); a
 * dead writer means recovery. */
static int master_db_check(MASTER *m, SERVICE *svc)
{
    int     rc;

    (void) svc;
    if (master_db == 0)
        return 0;
    master_as_user(m);
    if ((rc = adb_failchk(master_db)) != 0)
        adb_panic(master_db);
    master_as_root();
    if (rc == 0)
        return 0;
    msg_warn("database needs recovery after a crash (%s); recovering", db_strerror(rc));
    /* Stop the other database writers, then recover with no one inside. */
    master_signal_all(m, &m->indexer, SIGTERM);
    master_signal_all(m, &m->burner, SIGTERM);
    for (int i = 0; i < 100 && master_count(m, &m->indexer, 0) + master_count(m, &m->burner, 0) > 0;
         i++) {
        usleep(100000);
        m->on_crash = 0;
        master_reap(m);
        m->on_crash = master_db_check;
    }
    master_signal_all(m, &m->indexer, SIGKILL);
    master_signal_all(m, &m->burner, SIGKILL);
    master_close_db();
    master_open_db(m);
    msg_info("database recovered");
    return 1;
}

static void master_setup_user(MASTER *m)
{
    struct passwd *pw;

    m->drop = 0;
    if (geteuid() != 0)
        return;
    if ((pw = getpwnam(m->cfg.user)) == 0)
        msg_fatal("user \"%s\" (the user key) does not exist", m->cfg.user);
    if (pw->pw_uid == 0)
        msg_fatal("user \"%s\" is root; children must run unprivileged", m->cfg.user);
    m->uid = pw->pw_uid;
    m->gid = pw->pw_gid;
    m->drop = 1;
}

static void master_ipc(MASTER *m)
{
    char    run[4096];
    void   *ring;

    if (ipc_ids_create(&master_ids, m->cfg.ipc_ring_slots, m->cfg.ipc_queue_max,
                       m->drop ? m->uid : geteuid(), m->drop ? m->gid : getegid()) < 0)
        msg_fatal("cannot create SysV IPC objects: %s", strerror(errno));
    master_pid = getpid();
    master_ids_live = 1;
    atexit(master_ipc_remove);
    if ((ring = shmat(master_ids.ring, 0, 0)) == (void *) -1)
        msg_fatal("shmat: %s", strerror(errno));
    ipc_ring_format(ring, m->cfg.ipc_ring_slots);
    shmdt(ring);
    if ((m->score = ipc_score_attach(master_ids.score, 0)) == 0)
        msg_fatal("shmat: %s", strerror(errno));
    memset(m->score, 0, sizeof(*m->score));
    m->score->magic = IPC_SCORE_MAGIC;
    m->score->master_pid = (int32_t) getpid();
    m->score->master_started = (int64_t) time(0);
    snprintf(run, sizeof(run), "%s/run", m->cfg.data_dir);
    if (ipc_ids_write(&master_ids, run) < 0)
        msg_fatal("%s/ipc.ids: %s", run, strerror(errno));
}

static void master_reload(MASTER *m)
{
    CONFIG  next;
    char    err[1024];

    if (cfg_load(&next, m->conf_path, err, sizeof(err)) < 0) {
        msg_warn("reload refused, keeping the running configuration: %s", err);
        return;
    }
    if (strcmp(next.data_dir, m->cfg.data_dir) != 0 || strcmp(next.smtp_listen, m->cfg.smtp_listen) != 0
        || strcmp(next.user, m->cfg.user) != 0) {
        msg_warn("reload: data_dir, smtp_listen and user take effect only at restart");
    }
    myfree(next.data_dir);
    next.data_dir = mystrdup(m->cfg.data_dir);
    cfg_free(&m->cfg);
    m->cfg = next;
    msg_info("configuration reloaded; rolling the children");
    master_retire(m, &m->smtpd);
    master_signal_all(m, &m->indexer, SIGTERM);
    master_signal_all(m, &m->burner, SIGTERM);
    master_signal_all(m, &m->milter, SIGTERM);
    master_signal_all(m, &m->fetch, SIGTERM);
}

static void master_drain(MASTER *m)
{
    time_t  deadline = time(0) + 60;

    m->stopping = 1;
    for (int i = 0; i < m->nlisten; i++)
        close(m->listen_fd[i]);
    m->nlisten = 0;
    master_signal_all(m, 0, SIGTERM);
    while (time(0) < deadline) {
        int     any = 0;

        master_reap(m);
        for (int i = 0; i < IPC_SCORE_SLOTS; i++)
            if (m->score->slot[i].pid > 0)
                any = 1;
        if (!any)
            return;
        usleep(50000);
    }
    msg_warn("children did not stop in time; killing them");
    master_signal_all(m, 0, SIGKILL);
    master_reap(m);
}

int main(int argc, char **argv)
{
    MASTER  m;
    const char *conf = 0;
    char    err[1024];
    char    real[PATH_MAX];
    int     foreground = 0;
    int     sigfd;
    int     pidfd;
    pid_t   other = 0;
    int     pipefd[2];
    time_t  last_check;

    memset(&m, 0, sizeof(m));
    msg_init(argv[0], 0);
    instance_options(argc, argv, &foreground, &conf, master_usage);
    conf = cfg_path(conf);
    if (cfg_load(&m.cfg, conf, err, sizeof(err)) < 0)
        msg_fatal("%s", err);
    m.conf_path = mystrdup(realpath(conf, real) ? real : conf);
    m.libexec = libexec_dir("mailarc-smtpd");
    master_setup_user(&m);
    master_self = &m;
    master_data_init(&m.cfg, m.drop, m.uid, m.gid);
    if ((pidfd = instance_lock(m.cfg.data_dir, "mailarcd", &other)) < 0) {
        msg_fatal_status(1);
        msg_fatal("another mailarcd (pid %ld) is running for %s", (long) other, m.cfg.data_dir);
    }
    if (!foreground)
        instance_detach(pidfd);
    msg_init(argv[0], m.cfg.log_syslog || !foreground);
    master_stale_cleanup(&m.cfg, m.libexec, m.drop ? m.uid : geteuid());
    master_data_clean_tmp(&m.cfg, 0);
    sigfd = master_sig_init();
    master_bind(&m);                    /* fail before creating anything */
    master_ipc(&m);
    master_open_db(&m);
    if (seal_key_ensure(&m.cfg, m.drop ? m.uid : (uid_t) -1, m.drop ? m.gid : (gid_t) -1, err,
                        sizeof(err)) < 0)
        msg_warn("seals: %s; the archive runs, but nothing is sealed", err);
    if (pipe2(pipefd, O_CLOEXEC) < 0)
        msg_fatal("pipe: %s", strerror(errno));
    m.status_rd = pipefd[0];
    m.status_wr = pipefd[1];
    fcntl(m.status_rd, F_SETFL, O_NONBLOCK);
    m.smtpd = (SERVICE) {"smtpd", "mailarc-smtpd", SCORE_SMTPD, 0, 0};
    m.indexer = (SERVICE) {"indexer", "mailarc-indexer", SCORE_INDEXER, 0, 0};
    m.burner = (SERVICE) {"burner", "mailarc-burner", SCORE_BURNER, 0, 0};
    m.milter = (SERVICE) {"milter", "mailarc-milter", SCORE_MILTER, 0, 0};
    m.fetch = (SERVICE) {"fetch", "mailarc-fetch", SCORE_FETCH, 0, 0};
    m.on_crash = master_db_check;
    msg_info("mailarcd started: data in %s, pid %ld", m.cfg.data_dir, (long) getpid());
    last_check = time(0);
    while (!master_sig_term) {
        struct pollfd pfd[2] = {{sigfd, POLLIN, 0}, {m.status_rd, POLLIN, 0}};

        master_maintain(&m);
        poll(pfd, 2, 1000);
        master_sig_drain();
        master_reap(&m);
        master_status_read(&m);
        if (time(0) - last_check >= m.cfg.db_failchk_interval) {
            master_db_check(&m, 0);
            last_check = time(0);
        }
        if (master_sig_hup) {
            master_sig_hup = 0;
            master_reload(&m);
        }
    }
    msg_info("stopping: letting sessions and the indexer finish");
    master_drain(&m);
    master_release_db(&m);
    ipc_score_detach(m.score);
    master_ipc_remove();
    instance_unlock(m.cfg.data_dir, "mailarcd", pidfd);
    msg_info("stopped");
    cfg_free(&m.cfg);
    myfree(m.conf_path);
    myfree(m.libexec);
    return 0;
}
