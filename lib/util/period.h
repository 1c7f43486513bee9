/*
 * period.h - retention periods: "N" followed by d, w, m or y, or "forever".
 *
 * Months and years are calendar ones (UTC): a message dated 31 January
 * with a period of 1m expires at the end of the last day of February.
 */
#ifndef MAILARC_PERIOD_H
#define MAILARC_PERIOD_H

#include <stdint.h>

typedef struct period {
    long    n;
    char    unit;                   /* 'd', 'w', 'm', 'y'; 0: forever */
} PERIOD;

/* 0, or -1 when text is not a period. */
int period_parse(const char *text, PERIOD *p);
/* When a message dated t stops being kept by p; INT64_MAX for forever. */
int64_t period_end(int64_t t, const PERIOD *p);
/* Back into text ("10y", "forever"); buf of at least 24 bytes. */
void period_str(const PERIOD *p, char *buf, size_t len);

#endif
