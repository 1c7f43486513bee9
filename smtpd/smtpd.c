/*
 * smtpd.c - mailarc-smtpd: a preforked SMTP receiver.
 *
 * Started by mailarcd with the listening sockets inherited.  Waits on
 * them, accepts one connection at a time, reports idle/busy to the master
 * through the status pipe and the scoreboard, and exits after
 * smtpd_max_use sessions, when retired (SIGUSR1: after the session in
 * hand), on SIGTERM (at the next transaction boundary), or when the
 * master is gone.  It never touches the database.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../ipc/ipc_child.h"
#include "msg.h"
#include "smtpd_session.h"

int main(int argc, char **argv)
{
    CHILD   child;
    SSL_CTX *tls;
    char    host[256];
    const char *hostname;
    struct pollfd pfd[CHILD_MAX_LISTEN];
    long    uses = 0;

    child_init(&child, argc, argv, SCORE_SMTPD);
    if (child.nlisten == 0)
        msg_fatal("no --listen-fd given; mailarc-smtpd is started by mailarcd");
    tls = smtpd_tls_init(&child.cfg);
    if (*child.cfg.smtp_hostname) {
        hostname = child.cfg.smtp_hostname;
    } else {
        if (gethostname(host, sizeof(host)) < 0)
            snprintf(host, sizeof(host), "localhost");
        host[sizeof(host) - 1] = 0;
        hostname = host;
    }
    for (int i = 0; i < child.nlisten; i++) {
        fcntl(child.listen_fd[i], F_SETFL, fcntl(child.listen_fd[i], F_GETFL) | O_NONBLOCK);
        pfd[i].fd = child.listen_fd[i];
        pfd[i].events = POLLIN;
    }
    if (child_slot(&child))
        child_slot(&child)->started = (int64_t) time(0);
    child_state(&child, SCORE_IDLE);
    while (!child_stop && !child_retire && uses < child.cfg.smtpd_max_use) {
        int     n = poll(pfd, (nfds_t) child.nlisten, 1000);

        if (child_master_gone(&child))
            break;
        if (n <= 0)
            continue;
        for (int i = 0; i < child.nlisten && !child_stop; i++) {
            int     fd;

            if (!(pfd[i].revents & POLLIN))
                continue;
            /* Another receiver may have won the race: EAGAIN is normal. */
            if ((fd = accept4(pfd[i].fd, 0, 0, SOCK_CLOEXEC)) < 0) {
                if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
                    msg_warn("accept: %s", strerror(errno));
                continue;
            }
            child_state(&child, SCORE_BUSY);
            if (child_slot(&child))
                ipc_score_add(&child_slot(&child)->sessions, 1);
            smtpd_session(&child, fd, tls, hostname);
            close(fd);
            uses++;
            child_state(&child, SCORE_IDLE);
        }
    }
    if (tls)
        SSL_CTX_free(tls);
    child_exit(&child);
    return 0;
}
