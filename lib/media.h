/*
 * media.h - optical media and the months they hold.
 *
 * The media a burn can be sized for (capacity in 2048-byte sectors, as
 * the writable area of a blank disc or one side of a UDO cartridge), and
 * the calendar months (UTC) that archive files and media are cut by.
 */
#ifndef MAILARC_MEDIA_H
#define MAILARC_MEDIA_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef struct media_kind {
    const char *name;               /* cd, dvd, dvd-dl, bd, udo30, ... */
    int64_t sectors;
    const char *what;               /* for people */
} MEDIA_KIND;

#define MEDIA_SECTOR 2048

/* NULL when unknown. */
const MEDIA_KIND *media_find(const char *name);
/* The table, terminated by a NULL name. */
const MEDIA_KIND *media_kinds(void);
/* "cd, dvd, ..." for messages. */
const char *media_names(void);

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
