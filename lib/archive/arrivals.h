/*
 * arrivals.h - when each capture path last brought a message.
 *
 * The indexer keeps "last/SOURCE" (smtp, milter, pipe, imap:NAME, ...)
 * and "last_arrival" in meta.db, in the transaction that commits the
 * messages; status, the dashboard and the capture watchdog read them.
 */
#ifndef MAILARC_ARRIVALS_H
#define MAILARC_ARRIVALS_H

#include <stdint.h>

#include "adb.h"

typedef struct arrival_path {
    char    name[64];
    int64_t last;                   /* seconds since the epoch */
} ARRIVAL_PATH;

/* Up to max paths in name order; returns how many.  *newest (if not NULL)
 * gets the latest arrival on any path, 0 when none yet. */
int arrivals_read(ADB *db, ARRIVAL_PATH *out, int max, int64_t *newest);

/* "2026-12-02 10:00 UTC (3 h 5 min ago)" */
void arrivals_when(int64_t t, int64_t now, char *buf, size_t len);

#endif
