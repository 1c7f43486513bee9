/*
 * fetch.c - mailarc-fetch: the process, its accounts' threads, and what
 * the protocols share: the connection and the durable store (fetch.h).
 *
 * Started by mailarcd when mailarc.conf has [journal NAME] sections; runs
 * as the archive's user.  A failing account (three cycles in a row) sends
 * one alert like the capture watchdog's, and another only after it
 * recovered and failed again.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../ipc/ipc_handoff.h"
#include "alert.h"
#include "mymalloc.h"
#include "msg.h"
#include "spool.h"
#include "fetch.h"

#define FETCH_ALERT_AFTER 3         /* failed cycles in a row */
#define FETCH_STOP_GRACE 5          /* seconds the threads get at stop */

volatile int fetch_stop;
static int running;                 /* atomic: account threads alive */

int fetch_connect(FETCH_ACCT *a, char *err, size_t errlen)
{
    char    port[16];

    snprintf(port, sizeof(port), "%ld", a->j->port);
    a->fd = tlsc_connect("server", a->j->host, port, (int) a->j->connect_timeout, err, errlen);
    if (a->fd < 0)
        return -1;
    a->nio = netio_create(a->fd, (int) a->j->data_timeout);
    a->tag = 0;
    if (strcmp(a->j->tls, "implicit") == 0)
        return fetch_starttls(a, err, errlen);
    return 0;
}

int fetch_starttls(FETCH_ACCT *a, char *err, size_t errlen)
{
    return tlsc_start(&a->tls, a->nio, a->j->host, a->j->tls_verify, a->j->tls_ca_file, err,
                      errlen);
}

void fetch_disconnect(FETCH_ACCT *a)
{
    if (a->tls.ssl)
        SSL_shutdown(a->tls.ssl);
    tlsc_free(&a->tls);
    if (a->nio)
        netio_free(a->nio);
    if (a->fd >= 0)
        close(a->fd);
    a->nio = 0;
    a->fd = -1;
}

int fetch_store(FETCH_ACCT *a, const char *msg, size_t len, const char *id, char *err,
                size_t errlen)
{
    ENVELOPE env;
    SPOOL_FILE *sp;
    VSTR   *src = vstr_alloc(64);
    int     rc = -1;

    if (len == 0) {
        snprintf(err, errlen, "message %s is empty", id);
        vstr_free(src);
        return -1;
    }
    envelope_init(&env);
    env.arrival = (long) time(0);
    vstr_sprintf(src, "%s:%s", a->j->protocol, a->j->name);
    envelope_set(&env.client, a->j->host);
    envelope_set(&env.helo, "");
    envelope_set(&env.tls, a->tls.ssl ? SSL_get_cipher_name(a->tls.ssl) : "");
    envelope_set(&env.source, src->s);
    envelope_set(&env.mta_qid, id);
    envelope_set(&env.sender, "");
    if ((sp = spool_create(a->cfg->data_dir, &env, err, errlen)) != 0) {
        if (spool_write(sp, msg, len) < 0) {
            snprintf(err, errlen, "spool write: %s", strerror(errno));
            spool_abort(sp);
        } else if (spool_commit(sp, &env) < 0) {
            snprintf(err, errlen, "cannot make the spool file durable: %s", strerror(errno));
        } else {
            ipc_handoff(a->child, &env);
            if (child_slot(a->child)) {
                ipc_score_add(&child_slot(a->child)->messages, 1);
                ipc_score_add(&child_slot(a->child)->bytes, (uint64_t) len);
            }
            rc = 0;
        }
    }
    envelope_free(&env);
    vstr_free(src);
    return rc;
}

static int fetch_password(FETCH_ACCT *a, char *err, size_t errlen)
{
    int     fd = open(a->j->password_file, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0) {
        snprintf(err, errlen, "password_file %s: %s", a->j->password_file, strerror(errno));
        return -1;
    }
    n = read(fd, a->password, sizeof(a->password) - 1);
    close(fd);
    if (n <= 0) {
        snprintf(err, errlen, "password_file %s is empty", a->j->password_file);
        return -1;
    }
    a->password[n] = 0;
    a->password[strcspn(a->password, "\r\n")] = 0;
    return 0;
}

/* Sleep up to s seconds, waking at stop. */
static void fetch_pause(long s)
{
    for (long i = 0; i < s * 10 && !fetch_stop; i++)
        usleep(100000);
}

static void fetch_alert(FETCH_ACCT *a)
{
    VSTR   *body = vstr_alloc(512);
    char    err[512];

    vstr_sprintf(body, "The journal mailbox [journal %s] (%s %s:%ld, folder %s) has failed "
                 "%d times in a row; the last error:\n\n  %s\n\nMail that the server "
                 "journals there is not being archived until this is fixed.  "
                 "\"mailarc status\" shows the account's state.\n", a->j->name, a->j->protocol,
                 a->j->host, a->j->port, a->j->folder, a->failures, a->last_error);
    if (alert_send(a->cfg, "journal mailbox failing", body->s, err, sizeof(err)) < 0)
        msg_warn("[journal %s] the alert could not be sent: %s", a->j->name, err);
    else
        a->alerted = 1;
    vstr_free(body);
}

static void *fetch_account(void *arg)
{
    FETCH_ACCT *a = arg;
    int     imap = strcmp(a->j->protocol, "imap") == 0;

    fetch_state_load(a);
    a->idled = 0;
    while (!fetch_stop) {
        char    err[512] = "";
        int     more = 0, n;

        n = fetch_password(a, err, sizeof(err)) < 0 ? -1
            : imap ? fetch_imap_cycle(a, &more, err, sizeof(err))
            : fetch_pop3_cycle(a, &more, err, sizeof(err));
        fetch_disconnect(a);
        if (n >= 0) {
            a->last_success = time(0);
            a->fetched += n;
            a->failures = 0;
            a->alerted = 0;
            if (n > 0)
                msg_info("[journal %s] %d message(s) archived", a->j->name, n);
        } else if (!fetch_stop) {
            snprintf(a->last_error, sizeof(a->last_error), "%s", err);
            a->last_error_at = time(0);
            a->failures++;
            msg_warn("[journal %s] %s", a->j->name, err);
            if (a->failures >= FETCH_ALERT_AFTER && !a->alerted)
                fetch_alert(a);
        }
        fetch_status_save(a);
        if (!more && !(n >= 0 && a->idled))
            fetch_pause(a->j->poll_interval);
    }
    __atomic_sub_fetch(&running, 1, __ATOMIC_ACQ_REL);
    return 0;
}

int main(int argc, char **argv)
{
    static CHILD child;
    FETCH_ACCT *acct;
    pthread_attr_t attr;

    child_init(&child, argc, argv, SCORE_FETCH);
    if (child.cfg.njournals == 0)
        msg_fatal("no [journal NAME] section in %s", child.cfg.path);
    acct = mycalloc((size_t) child.cfg.njournals, sizeof(FETCH_ACCT));
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (int i = 0; i < child.cfg.njournals; i++) {
        pthread_t t;

        acct[i].cfg = &child.cfg;
        acct[i].j = &child.cfg.journals[i];
        acct[i].child = &child;
        acct[i].fd = -1;
        __atomic_add_fetch(&running, 1, __ATOMIC_ACQ_REL);
        if (pthread_create(&t, &attr, fetch_account, &acct[i]) != 0)
            msg_fatal("cannot start a thread for [journal %s]", acct[i].j->name);
    }
    if (child_slot(&child))
        child_slot(&child)->started = (int64_t) time(0);
    child_state(&child, SCORE_IDLE);
    while (!child_stop && !child_master_gone(&child))
        sleep(1);
    /* Stop: every step a thread may be in leaves nothing to lose (a
     * stored message not yet deleted is fetched again); give them a moment
     * to finish the one in hand. */
    fetch_stop = 1;
    for (int i = 0; i < FETCH_STOP_GRACE * 10 && __atomic_load_n(&running, __ATOMIC_ACQUIRE); i++)
        usleep(100000);
    child_state(&child, SCORE_EXITING);     /* threads may still hold the config: no free */
    _exit(0);
}
