/*
 * alert.c - alert mail to the administrators (see alert.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "alert.h"
#include "mymalloc.h"
#include "redeliver.h"
#include "smtpc.h"
#include "vstr.h"

void alert_recipients(const CONFIG *cfg, STRLIST *out)
{
    const char *list = *cfg->alert_to ? cfg->alert_to : cfg->admin_users;
    char   *copy = mystrdup(list);
    char   *save = 0;
    char    host[256];
    VSTR   *a = vstr_alloc(64);

    /* Without default_domain, the admins are users of this host. */
    if (*cfg->default_domain)
        snprintf(host, sizeof(host), "%s", cfg->default_domain);
    else
        redeliver_hostname(cfg, host, sizeof(host));
    for (char *t = strtok_r(copy, ", \t", &save); t; t = strtok_r(0, ", \t", &save)) {
        if (*cfg->alert_to || strchr(t, '@'))
            vstr_set(a, t);
        else
            vstr_sprintf(a, "%s@%s", t, host);
        strlist_add_unique(out, a->s);
    }
    vstr_free(a);
    myfree(copy);
}

int alert_send(const CONFIG *cfg, const char *subject, const char *body, char *err,
               size_t errlen)
{
    char    host[256], date[64];
    STRLIST rcpts = {0};
    SMTPC_REPORT rep;
    SMTPC_OPTS o;
    VSTR   *msg = vstr_alloc(1024), *from = vstr_alloc(128);
    int     rc;

    alert_recipients(cfg, &rcpts);
    if (rcpts.n == 0) {
        snprintf(err, errlen, "no recipient (alert_to and admin_users are empty)");
        vstr_free(msg);
        vstr_free(from);
        return -1;
    }
    redeliver_origin(cfg, host, sizeof(host), from, date, sizeof(date));
    vstr_sprintf(msg, "From: mailarc on %s <%s>\r\nTo: ", host, from->s);
    for (int i = 0; i < rcpts.n; i++)
        vstr_sprintf_append(msg, "%s%s", i ? ",\r\n " : "", rcpts.v[i]);
    vstr_sprintf_append(msg, "\r\nSubject: [mailarc %s] %s\r\nDate: %s\r\nMessage-ID: ", host,
                        subject, date);
    redeliver_new_id(host, msg);
    vstr_addstr(msg, "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                "Auto-Submitted: auto-generated\r\n\r\n");
    for (const char *p = body; *p; p++) {
        if (*p == '\n' && (p == body || p[-1] != '\r'))
            vstr_addch(msg, '\r');
        vstr_addch(msg, *p);
    }
    redeliver_relay(cfg, host, &o);
    memset(&rep, 0, sizeof(rep));
    rc = smtpc_send(&o, from->s, &rcpts, 0, 0, msg->s, msg->len, &rep, err, errlen);
    if (rc == 0 && rep.refused > 0)
        snprintf(err, errlen, "%s: %s", rep.rcpt.v[0], rep.reply.v[0]);
    smtpc_report_free(&rep);
    strlist_free(&rcpts);
    vstr_free(msg);
    vstr_free(from);
    return rc > 0 ? 0 : -1;
}
