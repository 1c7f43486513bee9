/*
 * web_pam.c - PAM login through a helper process.
 *
 * mailarc-web forks the helper before it drops privileges, so the helper
 * keeps root (pam_unix needs it to read /etc/shadow) while the HTTP side
 * runs as `user`.  They talk over a SOCK_SEQPACKET socketpair: a request
 * is "login\0password\0", the answer one status byte and a reason.  The
 * helper runs pam_authenticate and pam_acct_mgmt for pam_service, from
 * pam_confdir when it is set (pam_start_confdir), and exits when the web
 * process goes away.  PAM's own failure delay is switched off: the web
 * side applies its growing delay per login and address.
 */
#include <errno.h>
#include <poll.h>
#include <security/pam_appl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "msg.h"
#include "web.h"

#define PAM_REQ_MAX 1024

static int pam_fd = -1;
static pthread_mutex_t pam_lock = PTHREAD_MUTEX_INITIALIZER;

struct pam_creds {
    const char *login;
    const char *password;
};

static int pam_conv_fn(int n, const struct pam_message **msgs, struct pam_response **resp,
                       void *data)
{
    const struct pam_creds *c = data;
    struct pam_response *r = calloc((size_t) n, sizeof(*r));

    if (r == 0)
        return PAM_BUF_ERR;
    for (int i = 0; i < n; i++) {
        switch (msgs[i]->msg_style) {
        case PAM_PROMPT_ECHO_OFF:
            r[i].resp = strdup(c->password);
            break;
        case PAM_PROMPT_ECHO_ON:
            r[i].resp = strdup(c->login);
            break;
        default:                        /* PAM_TEXT_INFO, PAM_ERROR_MSG */
            break;
        }
    }
    *resp = r;
    return PAM_SUCCESS;
}

static void pam_no_delay(int status, unsigned delay, void *data)
{
    (void) status;
    (void) delay;
    (void) data;
}

static int pam_run(const CONFIG *cfg, const char *login, const char *password,
                   char *why, size_t whylen)
{
    struct pam_creds creds = {login, password};
    struct pam_conv conv = {pam_conv_fn, &creds};
    pam_handle_t *pamh = 0;
    int     rc;

    if (*cfg->pam_confdir)
        rc = pam_start_confdir(cfg->pam_service, login, &conv, cfg->pam_confdir, &pamh);
    else
        rc = pam_start(cfg->pam_service, login, &conv, &pamh);
    if (rc != PAM_SUCCESS) {
        snprintf(why, whylen, "pam_start(%s): %s", cfg->pam_service, pam_strerror(pamh, rc));
        return -1;
    }
    pam_set_item(pamh, PAM_FAIL_DELAY, (const void *) pam_no_delay);
    pam_set_item(pamh, PAM_RHOST, "mailarc-web");
    rc = pam_authenticate(pamh, PAM_DISALLOW_NULL_AUTHTOK);
    if (rc == PAM_SUCCESS)
        rc = pam_acct_mgmt(pamh, PAM_DISALLOW_NULL_AUTHTOK);
    snprintf(why, whylen, "%s", pam_strerror(pamh, rc));
    pam_end(pamh, rc);
    return rc == PAM_SUCCESS;
}

static void pam_helper(const CONFIG *cfg, int fd)
{
    char    req[PAM_REQ_MAX + 1];

    prctl(PR_SET_PDEATHSIG, SIGTERM);
    signal(SIGPIPE, SIG_IGN);
    for (;;) {
        ssize_t n = recv(fd, req, PAM_REQ_MAX, 0);
        char    ans[512];
        const char *login = req, *password;
        int     ok = 0;

        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            _exit(0);                   /* the web process is gone */
        }
        req[n] = 0;
        password = memchr(req, 0, (size_t) n);
        ans[1] = 0;
        if (password == 0 || password + 1 >= req + n) {
            snprintf(ans + 1, sizeof(ans) - 1, "malformed request");
        } else {
            password++;
            ok = pam_run(cfg, login, password, ans + 1, sizeof(ans) - 1);
        }
        explicit_bzero(req, sizeof(req));
        ans[0] = (char) (ok < 0 ? 2 : ok ? 1 : 0);
        if (send(fd, ans, 1 + strlen(ans + 1), MSG_NOSIGNAL) < 0)
            _exit(0);
    }
}

int web_pam_start(const CONFIG *cfg)
{
    int     sv[2];
    pid_t   pid;

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
        msg_warn("socketpair: %m");
        return -1;
    }
    if ((pid = fork()) < 0) {
        msg_warn("fork: %m");
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    if (pid == 0) {
        close(sv[0]);
        for (int fd = 3; fd < 1024; fd++)
            if (fd != sv[1])
                close(fd);
        pam_helper(cfg, sv[1]);
        _exit(0);
    }
    close(sv[1]);
    pam_fd = sv[0];
    return 0;
}

int web_pam_check(const char *login, const char *password, char *why, size_t whylen)
{
    char    req[PAM_REQ_MAX + 2], ans[512];
    size_t  ll = strlen(login), pl = strlen(password);
    struct pollfd pfd = {0};
    ssize_t n;
    int     rc = -1;

    if (ll == 0 || ll + pl + 2 > PAM_REQ_MAX) {
        snprintf(why, whylen, "login or password too long or empty");
        return 0;
    }
    memcpy(req, login, ll + 1);
    memcpy(req + ll + 1, password, pl + 1);
    pthread_mutex_lock(&pam_lock);
    if (send(pam_fd, req, ll + pl + 2, MSG_NOSIGNAL) < 0) {
        snprintf(why, whylen, "the PAM helper is gone: %m");
        goto out;
    }
    pfd.fd = pam_fd;
    pfd.events = POLLIN;
    if (poll(&pfd, 1, 60000) != 1 || (n = recv(pam_fd, ans, sizeof(ans) - 1, 0)) < 1) {
        snprintf(why, whylen, "the PAM helper did not answer");
        goto out;
    }
    ans[n] = 0;
    snprintf(why, whylen, "%s", ans + 1);
    rc = ans[0] == 1 ? 1 : ans[0] == 0 ? 0 : -1;
out:
    pthread_mutex_unlock(&pam_lock);
    explicit_bzero(req, sizeof(req));
    return rc;
}
