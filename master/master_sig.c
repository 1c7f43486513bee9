/*
 * master_sig.c - flag-only signal handlers with a self-pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "master_sig.h"

volatile sig_atomic_t master_sig_term;
volatile sig_atomic_t master_sig_hup;
volatile sig_atomic_t master_sig_chld;

static int sig_pipe[2] = {-1, -1};

static void master_sig_handler(int sig)
{
    int     saved = errno;
    char    c = (char) sig;

    switch (sig) {
    case SIGTERM:
    case SIGINT: master_sig_term = 1; break;
    case SIGHUP: master_sig_hup = 1; break;
    case SIGCHLD: master_sig_chld = 1; break;
    }
    if (write(sig_pipe[1], &c, 1) < 0) {
        /* Pipe full: the loop wakes anyway. */
    }
    errno = saved;
}

int master_sig_init(void)
{
    struct sigaction sa;

    if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
        msg_fatal("pipe: %s", strerror(errno));
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = master_sig_handler;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, 0);
    sigaction(SIGINT, &sa, 0);
    sigaction(SIGHUP, &sa, 0);
    sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, 0);
    sa.sa_handler = SIG_IGN;
    sa.sa_flags = 0;
    sigaction(SIGPIPE, &sa, 0);
    return sig_pipe[0];
}

void master_sig_drain(void)
{
    char    buf[64];

    while (read(sig_pipe[0], buf, sizeof(buf)) > 0)
        ;
}
