/*
 * month.c - calendar months in UTC (see month.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "month.h"

static int month_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char) s[i]))
            return 0;
    return 1;
}

int month_parse(const char *s, MONTH *m)
{
    if (strlen(s) != 7 || !month_digits(s, 4) || s[4] != '-' || !month_digits(s + 5, 2))
        return -1;
    m->year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    m->mon = (s[5] - '0') * 10 + (s[6] - '0');
    return m->year >= 1970 && m->mon >= 1 && m->mon <= 12 ? 0 : -1;
}

int month_of_day(const char *s, MONTH *m)
{
    size_t  n = strlen(s);
    int     y, mo, d;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (n == 8 && month_digits(s, 2) && s[2] == '-' && month_digits(s + 3, 2) && s[5] == '-'
        && month_digits(s + 6, 2)) {
        y = 2000 + (s[0] - '0') * 10 + (s[1] - '0');
        s += 3;
    } else if (n == 10 && month_digits(s, 4) && s[4] == '-' && month_digits(s + 5, 2)
               && s[7] == '-' && month_digits(s + 8, 2)) {
        y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        s += 5;
    } else {
        return -1;
    }
    mo = (s[0] - '0') * 10 + (s[1] - '0');
    d = (s[3] - '0') * 10 + (s[4] - '0');
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
        return -1;
    m->year = y;
    m->mon = mo;
    return 0;
}

MONTH month_of(time_t t)
{
    struct tm tm;
    MONTH   m;

    gmtime_r(&t, &tm);
    m.year = tm.tm_year + 1900;
    m.mon = tm.tm_mon + 1;
    return m;
}

MONTH month_prev(MONTH m)
{
    if (--m.mon == 0) {
        m.mon = 12;
        m.year--;
    }
    return m;
}

MONTH month_next(MONTH m)
{
    if (++m.mon == 13) {
        m.mon = 1;
        m.year++;
    }
    return m;
}

int month_cmp(MONTH a, MONTH b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    return a.mon < b.mon ? -1 : a.mon > b.mon;
}

static time_t month_start(MONTH m)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = m.year - 1900;
    tm.tm_mon = m.mon - 1;
    tm.tm_mday = 1;
    return timegm(&tm);
}

void month_bounds(MONTH m, time_t *start, time_t *end)
{
    *start = month_start(m);
    *end = month_start(month_next(m));
}

void month_str(MONTH m, char buf[8])
{
    snprintf(buf, 8, "%04u-%02u", (unsigned) m.year % 10000u, (unsigned) m.mon % 100u);
}

void month_name(MONTH m, char buf[9])
{
    static const char *names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

    snprintf(buf, 9, "%s-%04u", names[(unsigned) (m.mon - 1) % 12u], (unsigned) m.year % 10000u);
}
