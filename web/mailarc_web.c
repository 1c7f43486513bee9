/*
 * mailarc_web.c - mailarc-web: the web panel's daemon.
 *
 * Order at start: config; listening sockets, TLS certificate and key,
 * the audit log and the PAM helper while still root; the pid file lock;
 * then privileges dropped to `user` for good, and libmicrohttpd serving
 * with a thread per connection.  The main thread only waits for signals:
 * SIGTERM/SIGINT stop (requests in progress finish), SIGHUP re-reads the
 * configuration (kept unchanged when invalid; web_listen, TLS and the
 * audit log need a restart).
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "hostport.h"
#include "instance.h"
#include "msg.h"
#include "mymalloc.h"
#include "privs.h"
#include "safedir.h"
#include "words.h"
#include "web.h"
#include "web_http.h"

#define WEB_LISTEN_MAX 8

/* Configurations installed by reloads stay (linked, so they stay
 * reachable): a request may still be using an older one. */
typedef struct web_conf {
    CONFIG  cfg;
    struct web_conf *older;
} WEB_CONF;

static CONFIG *web_current;
static WEB_CONF *web_confs;
static pthread_mutex_t web_cfg_mutex = PTHREAD_MUTEX_INITIALIZER;
int     web_tls;

const CONFIG *web_config(void)
{
    const CONFIG *c;

    pthread_mutex_lock(&web_cfg_mutex);
    c = web_current;
    pthread_mutex_unlock(&web_cfg_mutex);
    return c;
}

static void web_usage(void)
{
    fprintf(stderr, "usage: mailarc-web [-f] [-c FILE]\n");
    exit(2);
}

static char *web_read_pem(const char *path)
{
    VSTR   *v = vstr_alloc(4096);
    int     fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0 || fileio_read_all(fd, v, 1024 * 1024) < 0)
        msg_fatal("%s: %m", path);
    close(fd);
    return vstr_export(v);
}

/* data_dir, run/ and log/ are root's (mailarcd makes the rest): the pid
 * file and the audit log are opened there as root. */
static void web_dirs(const CONFIG *cfg, int drop)
{
    int     dfd = safedir_make(AT_FDCWD, cfg->data_dir, 0755, drop, 0, 0);

    if (dfd < 0)
        msg_fatal("%s: %m", cfg->data_dir);
    for (int i = 0; i < 2; i++) {
        int     fd = safedir_make(dfd, i ? "log" : "run", 0755, drop, 0, 0);

        if (fd < 0)
            msg_fatal("%s/%s: %m", cfg->data_dir, i ? "log" : "run");
        close(fd);
    }
    close(dfd);
}

int main(int argc, char **argv)
{
    const char *conf = 0;
    int     foreground = 0, nlisten = 0, pidfd, drop = 0;
    int     fds[WEB_LISTEN_MAX];
    struct MHD_Daemon *d[WEB_LISTEN_MAX];
    char    err[1024];
    char   *cert = 0, *key = 0;
    uid_t   uid = 0;
    gid_t   gid = 0;
    pid_t   other = 0;
    sigset_t set;

    msg_init("mailarc-web", 0);
    instance_options(argc, argv, &foreground, &conf, web_usage);
    web_confs = mycalloc(1, sizeof(WEB_CONF));
    web_current = &web_confs->cfg;
    if (cfg_load(web_current, cfg_path(conf), err, sizeof(err)) < 0)
        msg_fatal("%s", err);
    words_init();
    if (geteuid() == 0) {
        struct passwd *pw = getpwnam(web_current->user);

        if (pw == 0)
            msg_fatal("user \"%s\" (the key user) does not exist", web_current->user);
        uid = pw->pw_uid;
        gid = pw->pw_gid;
        drop = uid != 0;
    }
    web_dirs(web_current, drop);
    {
        char   *list = mystrdup(web_current->web_listen), *save = 0;

        for (char *e = strtok_r(list, ", ", &save); e; e = strtok_r(0, ", ", &save)) {
            if (nlisten == WEB_LISTEN_MAX)
                msg_fatal("web_listen: at most %d addresses", WEB_LISTEN_MAX);
            if ((fds[nlisten++] = hostport_listen(e, 128, err, sizeof(err))) < 0)
                msg_fatal("web_listen: %s", err);
        }
        myfree(list);
    }
    if (*web_current->web_tls_cert) {
        cert = web_read_pem(web_current->web_tls_cert);
        key = web_read_pem(web_current->web_tls_key);
        web_tls = 1;
    }
    if (web_audit_open(web_current, err, sizeof(err)) < 0)
        msg_fatal("%s", err);
    if ((pidfd = instance_lock(web_current->data_dir, "mailarc-web", &other)) < 0) {
        msg_fatal_status(1);
        msg_fatal("another mailarc-web (pid %ld) is running for %s", (long) other,
                  web_current->data_dir);
    }
    if (!foreground)
        instance_detach(pidfd);
    msg_init("mailarc-web", web_current->log_syslog || !foreground);
    /* The PAM helper keeps root; it is forked from the daemon itself so it
     * exits with it. */
    if (web_pam_start(web_current) < 0)
        msg_fatal("cannot start the PAM helper");
    if (drop && privs_drop(uid, gid) < 0)
        msg_fatal("cannot drop privileges to %s: %m", web_current->user);
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, 0);
    signal(SIGPIPE, SIG_IGN);
    web_session_init();
    web_conn_start();
    for (int i = 0; i < nlisten; i++) {
        unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION
            | MHD_USE_ERROR_LOG | (web_tls ? MHD_USE_TLS : 0);

        d[i] = MHD_start_daemon(flags, 0, 0, 0, web_handle, 0,
                                MHD_OPTION_LISTEN_SOCKET, fds[i],
                                MHD_OPTION_NOTIFY_COMPLETED, web_done, (void *) 0,
                                MHD_OPTION_NOTIFY_CONNECTION, web_conn_notify, (void *) 0,
                                MHD_OPTION_CONNECTION_LIMIT,
                                (unsigned) web_current->web_max_connections,
                                MHD_OPTION_PER_IP_CONNECTION_LIMIT,
                                (unsigned) web_current->web_max_connections_per_address,
                                MHD_OPTION_CONNECTION_TIMEOUT, 60U,
                                MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) 256 * 1024,
                                web_tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, key,
                                MHD_OPTION_HTTPS_MEM_CERT, cert,
                                MHD_OPTION_END);
        if (d[i] == 0)
            msg_fatal("cannot start the HTTP server on %s", web_current->web_listen);
    }
    msg_info("mailarc-web started: %s%s, pid %ld", web_tls ? "https " : "http ",
             web_current->web_listen, (long) getpid());
    for (;;) {
        int     sig = sigwaitinfo(&set, 0);

        if (sig == SIGHUP) {
            WEB_CONF *n = mycalloc(1, sizeof(WEB_CONF));

            if (cfg_load(&n->cfg, cfg_path(conf), err, sizeof(err)) < 0) {
                msg_warn("reload: %s; keeping the configuration in force", err);
                myfree(n);
                continue;
            }
            pthread_mutex_lock(&web_cfg_mutex);
            n->older = web_confs;
            web_confs = n;
            web_current = &n->cfg;
            pthread_mutex_unlock(&web_cfg_mutex);
            msg_info("configuration reloaded");
        } else if (sig == SIGTERM || sig == SIGINT) {
            break;
        }
    }
    msg_info("stopping");
    for (int i = 0; i < nlisten; i++)
        MHD_stop_daemon(d[i]);
    web_conn_stop();
    instance_unlock(web_current->data_dir, "mailarc-web", pidfd);
    if (key) {
        explicit_bzero(key, strlen(key));
        myfree(key);
        myfree(cert);
    }
    while (web_confs) {
        WEB_CONF *older = web_confs->older;

        cfg_free(&web_confs->cfg);
        myfree(web_confs);
        web_confs = older;
    }
    return 0;
}
