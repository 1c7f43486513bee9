/*
 * period.c - retention periods (see period.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "period.h"

int period_parse(const char *text, PERIOD *p)
{
    char   *end;
    long    n;

    if (strcmp(text, "forever") == 0) {
        p->n = 0;
        p->unit = 0;
        return 0;
    }
    if (*text < '0' || *text > '9')
        return -1;
    n = strtol(text, &end, 10);
    if (end[0] == 0 || end[1] != 0 || strchr("dwmy", end[0]) == 0 || n < 1 || n > 1000)
        return -1;
    p->n = n;
    p->unit = end[0];
    return 0;
}

static int days_in(int year, int mon)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int     leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    return d[mon] + (mon == 1 && leap);
}

int64_t period_end(int64_t t, const PERIOD *p)
{
    time_t  tt = (time_t) t;
    struct tm tm;
    long    months;

    if (p->unit == 0)
        return INT64_MAX;
    if (p->unit == 'd' || p->unit == 'w')
        return t + (int64_t) p->n * (p->unit == 'w' ? 7 : 1) * 86400;
    gmtime_r(&tt, &tm);
    months = p->unit == 'y' ? p->n * 12 : p->n;
    tm.tm_year += (int) ((tm.tm_mon + months) / 12);
    tm.tm_mon = (int) ((tm.tm_mon + months) % 12);
    if (tm.tm_mday > days_in(tm.tm_year + 1900, tm.tm_mon))
        tm.tm_mday = days_in(tm.tm_year + 1900, tm.tm_mon);
    return (int64_t) timegm(&tm);
}

void period_str(const PERIOD *p, char *buf, size_t len)
{
    if (p->unit == 0)
        snprintf(buf, len, "forever");
    else
        snprintf(buf, len, "%ld%c", p->n, p->unit);
}
