/*
 * burn_integrity.h - the burner's integrity duties: the seal key at
 * first start, a seal of the chain head once a day, and mailarc verify
 * every verify_interval.
 *
 * The result of a scheduled verify goes to media/verify.status (the
 * dashboard and mailarc status show it); a failed one is also mailed to
 * the administrators (alert.h).  A verify runs in the burner's own loop:
 * jobs wait for it.
 */
#ifndef MAILARC_BURN_INTEGRITY_H
#define MAILARC_BURN_INTEGRITY_H

#include <time.h>

#include "cfg.h"

void integrity_tick(const CONFIG *cfg, time_t now);

#endif
