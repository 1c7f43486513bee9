/*
 * arrivals.c - the capture paths' last arrivals (see arrivals.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "arrivals.h"
#include "record.h"

int arrivals_read(ADB *db, ARRIVAL_PATH *out, int max, int64_t *newest)
{
    DBC    *cur;
    DBT     key = {0}, val = {0};
    unsigned char kbuf[128], vbuf[8];
    int     n = 0;

    if (newest)
        *newest = (int64_t) adb_meta_u64(db, 0, "last_arrival");
    if (db->meta->cursor(db->meta, 0, &cur, 0) != 0)
        return 0;
    memcpy(kbuf, "last/", 5);
    key.data = kbuf;
    key.size = 5;
    key.ulen = sizeof(kbuf);
    key.flags = DB_DBT_USERMEM;
    val.data = vbuf;
    val.ulen = sizeof(vbuf);
    val.flags = DB_DBT_USERMEM;
    for (int rc = cur->get(cur, &key, &val, DB_SET_RANGE); rc == 0 && n < max;
         rc = cur->get(cur, &key, &val, DB_NEXT)) {
        size_t  nl = key.size - 5;

        if (key.size < 5 || memcmp(kbuf, "last/", 5) != 0)
            break;
        if (val.size != 8 || nl == 0 || nl >= sizeof(out[n].name))
            continue;
        memcpy(out[n].name, kbuf + 5, nl);
        out[n].name[nl] = 0;
        out[n].last = (int64_t) record_get_u64(vbuf);
        n++;
    }
    cur->close(cur);
    return n;
}

void arrivals_when(int64_t t, int64_t now, char *buf, size_t len)
{
    time_t  tt = (time_t) t;
    struct tm tm;
    char    day[32];
    int64_t ago = now - t;

    strftime(day, sizeof(day), "%Y-%m-%d %H:%M UTC", gmtime_r(&tt, &tm));
    if (ago < 0)
        ago = 0;
    if (ago < 120)
        snprintf(buf, len, "%s (%lld s ago)", day, (long long) ago);
    else if (ago < 7200)
        snprintf(buf, len, "%s (%lld min ago)", day, (long long) (ago / 60));
    else if (ago < 172800)
        snprintf(buf, len, "%s (%lld h %lld min ago)", day, (long long) (ago / 3600),
                 (long long) (ago % 3600 / 60));
    else
        snprintf(buf, len, "%s (%lld days ago)", day, (long long) (ago / 86400));
}
