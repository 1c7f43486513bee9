/*
 * burn_watchdog.h - the capture watchdog: tell the administrators when no
 * mail has arrived for capture_silence_alert.
 *
 * An archive that has silently stopped receiving is the failure that hurts
 * most, and nothing else would show it.  The burner (which runs all the
 * time and already sends mail for restores) looks at the newest arrival
 * on any capture path (the indexer's "last_arrival", and any file still
 * waiting in spool/new) every few seconds up to a minute.  When the
 * silence is longer than the limit it sends one alert through relay_host
 * (alert.h), and records in media/watchdog the moment the silence began, so
 * that the same silence is never reported twice, across restarts too.  A
 * failed send is tried again ten minutes later.
 */
#ifndef MAILARC_BURN_WATCHDOG_H
#define MAILARC_BURN_WATCHDOG_H

#include <time.h>

#include "cfg.h"

/* Call often; it checks when due.  since_start: when the archive started
 * (an archive that never had mail is silent from then on). */
void watchdog_tick(const CONFIG *cfg, time_t since_start, time_t now);

#endif
