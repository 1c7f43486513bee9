/*
 * burn_select.h - the messages that first arrived in a period.
 *
 * A month's archive file and media hold the messages whose first arrival
 * (UTC) falls in the month: every message lands in exactly one month,
 * including mail imported or delivered late with an old Date header.
 * Ordered by arrival, then id.
 */
#ifndef MAILARC_BURN_SELECT_H
#define MAILARC_BURN_SELECT_H

#include <stddef.h>
#include <time.h>

#include "adb.h"
#include "burn_content.h"

typedef struct selection {
    ITEM   *items;
    size_t  n;
    uint64_t bytes;
} SELECTION;

/* 0, or -1 with err set (the database could not be read). */
int select_period(ADB *db, time_t start, time_t end, SELECTION *out, char *err, size_t len);
void select_free(SELECTION *s);

#endif
