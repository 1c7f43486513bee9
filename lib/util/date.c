/*
 * date.c - date parsing and formatting in UTC (see date.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"

static const char *months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                               "jul", "aug", "sep", "oct", "nov", "dec"};

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian, no time zone). */
static long days_from_civil(long y, long m, long d)
{
    long    era;
    long    yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int mdays(long y, long m)
{
    static const int md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return md[m - 1];
}

static const char *skip_ws(const char *p)
{
    for (;;) {
        while (isspace((unsigned char) *p))
            p++;
        if (*p != '(')
            return p;
        /* Comments such as "(UTC)" or "(CET)". */
        for (int depth = 0; *p; p++) {
            if (*p == '(')
                depth++;
            else if (*p == ')' && --depth == 0) {
                p++;
                break;
            }
        }
    }
}

static int read_num(const char **pp, int maxdig, long *out)
{
    const char *p = *pp;
    long    v = 0;
    int     n = 0;

    while (isdigit((unsigned char) *p) && n < maxdig) {
        v = v * 10 + (*p++ - '0');
        n++;
    }
    if (n == 0)
        return -1;
    *pp = p;
    *out = v;
    return n;
}

int date_parse_rfc5322(const char *text, time_t *out)
{
    const char *p = skip_ws(text);
    long    d, mon = -1, y, hh, mm, ss = 0, off = 0;
    int     ny;

    /* Optional day name. */
    if (isalpha((unsigned char) *p)) {
        while (isalpha((unsigned char) *p))
            p++;
        p = skip_ws(p);
        if (*p == ',')
            p++;
        p = skip_ws(p);
    }
    if (read_num(&p, 2, &d) < 0)
        return -1;
    p = skip_ws(p);
    if (*p == '-')
        p++;
    for (int i = 0; i < 12; i++)
        if (strncasecmp(p, months[i], 3) == 0)
            mon = i + 1;
    if (mon < 0)
        return -1;
    while (isalpha((unsigned char) *p))
        p++;
    p = skip_ws(p);
    if (*p == '-')
        p++;
    if ((ny = read_num(&p, 4, &y)) < 0)
        return -1;
    if (ny == 2)
        y += y < 50 ? 2000 : 1900;
    else if (ny == 3)
        y += 1900;
    p = skip_ws(p);
    if (read_num(&p, 2, &hh) < 0 || *p++ != ':' || read_num(&p, 2, &mm) < 0)
        return -1;
    if (*p == ':') {
        p++;
        if (read_num(&p, 2, &ss) < 0)
            return -1;
    }
    p = skip_ws(p);
    if (*p == '+' || *p == '-') {
        int     sign = *p == '-' ? -1 : 1;
        long    z;

        p++;
        if (read_num(&p, 4, &z) != 4)
            return -1;
        if (z % 100 >= 60)
            return -1;
        off = sign * ((z / 100) * 3600 + (z % 100) * 60);
    } else if (isalpha((unsigned char) *p)) {
        static const struct { const char *n; long h; } zones[] = {
            {"UT", 0}, {"GMT", 0}, {"Z", 0}, {"UTC", 0}, {"EST", -5}, {"EDT", -4},
            {"CST", -6}, {"CDT", -5}, {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7},
        };
        size_t  n = 0;

        while (isalpha((unsigned char) p[n]))
            n++;
        for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
            if (strlen(zones[i].n) == n && strncasecmp(p, zones[i].n, n) == 0)
                off = zones[i].h * 3600;
    }
    if (y < 1900 || y > 9999 || d < 1 || d > mdays(y, mon) || hh > 23 || mm > 59 || ss > 60)
        return -1;
    *out = (time_t) (days_from_civil(y, mon, d) * 86400L + hh * 3600 + mm * 60 + ss - off);
    return 0;
}

int date_parse_day(const char *text, time_t *out)
{
    long    y, m, d;
    const char *p = text;

    if (read_num(&p, 4, &y) != 4 || *p++ != '-' || read_num(&p, 2, &m) != 2
        || *p++ != '-' || read_num(&p, 2, &d) != 2 || *p)
        return -1;
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays(y, m))
        return -1;
    *out = (time_t) (days_from_civil(y, m, d) * 86400L);
    return 0;
}

void date_iso(time_t t, char *buf, size_t len)
{
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
