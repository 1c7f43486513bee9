/*
 * alert.h - mail to the archive's administrators about the archive.
 *
 * Sent through relay_host (relay_tls, relay_auth_*) like a restore, from
 * redeliver_from (or mailarc@HOST), to alert_to, or when that is empty to
 * each of admin_users at default_domain (at the host's name when that is
 * empty too).
 */
#ifndef MAILARC_ALERT_H
#define MAILARC_ALERT_H

#include <stddef.h>

#include "cfg.h"
#include "strlist.h"

/* The recipients of alerts. */
void alert_recipients(const CONFIG *cfg, STRLIST *out);

/* Send one alert; 0 when the relay took it for at least one recipient,
 * -1 with err set otherwise. */
int alert_send(const CONFIG *cfg, const char *subject, const char *body, char *err,
               size_t errlen);

#endif
