/*
 * month.h - calendar months (UTC), the unit archive files and media are
 * cut by: parsing "YYYY-MM" and days, naming, stepping and bounds.
 */
#ifndef MAILARC_MONTH_H
#define MAILARC_MONTH_H

#include <time.h>

typedef struct month {
    int     year;
    int     mon;                    /* 1..12 */
} MONTH;

/* "YYYY-MM"; 0 ok, -1 malformed or out of range (1970..9999). */
int month_parse(const char *s, MONTH *m);
/* "YY-MM-DD" or "YYYY-MM-DD": the month holding that day; 0 or -1. */
int month_of_day(const char *s, MONTH *m);
MONTH month_of(time_t t);
MONTH month_prev(MONTH m);
MONTH month_next(MONTH m);
int month_cmp(MONTH a, MONTH b);
/* [start, end) in UTC. */
void month_bounds(MONTH m, time_t *start, time_t *end);
/* "2026-11" (8 bytes) and "Nov-2026" (9 bytes). */
void month_str(MONTH m, char buf[8]);
void month_name(MONTH m, char buf[9]);

#endif
