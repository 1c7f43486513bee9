/*
 * burn_integrity.c - key, daily seal, scheduled verify (see burn_integrity.h).
 */
#include <stdio.h>
#include <string.h>

#include "alert.h"
#include "msg.h"
#include "seal.h"
#include "verifystatus.h"
#include "vstr.h"
#include "burn_integrity.h"

#define SEAL_EVERY 86400
#define RETRY 600                   /* after a failed seal or verify start */

static void seal_out(void *ctx, const char *line)
{
    VSTR   *v = ctx;

    if (v->len == 0)
        vstr_set(v, line);
}

static void integrity_verify(const CONFIG *cfg, ADB *db, time_t now)
{
    VERIFY_OPTS o;
    VERIFY_RESULT res;
    SEAL_CHECK sres;
    VSTR   *first = vstr_alloc(256);
    char    err[1024];
    int     rc;

    memset(&o, 0, sizeof(o));
    o.threads = 1;                  /* in the background: leave the CPUs to mail */
    msg_info("scheduled verify: starting");
    if ((rc = verify_archive(cfg, db, &o, &res, err, sizeof(err))) < 0) {
        msg_warn("scheduled verify: %s", err);
        vstr_free(first);
        return;
    }
    seal_check_log(cfg, db, seal_out, first, &sres);
    if (res.problems.n == 0 && first->len)
        strlist_add(&res.problems, first->s);
    if (verify_status_save(cfg, &res, now, (int) sres.problems) < 0)
        msg_warn("scheduled verify: cannot write media/verify.status: %m");
    if (res.problems.n) {
        VSTR   *body = vstr_alloc(1024);

        msg_warn("scheduled verify: %d problem(s); the first: %s", res.problems.n,
                 res.problems.v[0]);
        vstr_sprintf(body, "mailarc verify found %d problem(s) in the archive %s.\n\n",
                     res.problems.n, cfg->data_dir);
        for (int i = 0; i < res.problems.n && i < 50; i++)
            vstr_sprintf_append(body, "%s\n", res.problems.v[i]);
        vstr_addstr(body, "\nRun \"mailarc verify\" for the whole list.\n");
        if (alert_send(cfg, "mailarc: the archive failed verification", body->s, err,
                       sizeof(err)) < 0)
            msg_warn("scheduled verify: cannot send the alert: %s", err);
        vstr_free(body);
    } else {
        msg_info("scheduled verify: intact, %llu records", (unsigned long long) res.records);
    }
    verify_free(&res);
    vstr_free(first);
}

void integrity_tick(const CONFIG *cfg, time_t now)
{
    static time_t next_try;
    VERIFY_STATUS st;
    int     seal_due, verify_due;
    char    err[1024];

    if (now < next_try)
        return;
    seal_due = now - seal_last(cfg) >= SEAL_EVERY;
    verify_status_load(cfg, &st);
    verify_due = cfg->verify_interval > 0 && (!st.known || now - st.when >= cfg->verify_interval);
    if (!seal_due && !verify_due)
        return;
    {
        ADB    *db;
        int     dberr = 0;

        if ((db = adb_open(cfg, ADB_READ, &dberr, err, sizeof(err))) == 0) {
            next_try = now + RETRY;
            return;
        }
        if (seal_due) {
            VSTR   *text = vstr_alloc(512);
            unsigned char sig[SEAL_SIGLEN];

            if (seal_now(cfg, db, text, sig, err, sizeof(err)) < 0) {
                msg_warn("seal: %s", err);
                next_try = now + RETRY;
            }
            vstr_free(text);
        }
        if (verify_due)
            integrity_verify(cfg, db, now);
        adb_close(db);
    }
}
