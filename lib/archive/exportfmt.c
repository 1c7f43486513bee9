/*
 * exportfmt.c - export manifest rows (see exportfmt.h).
 */
#include <string.h>
#include <time.h>

#include "date.h"
#include "digest.h"
#include "exportfmt.h"

static void csv_field(VSTR *out, const char *s)
{
    vstr_addch(out, '"');
    for (; s && *s; s++) {
        if (*s == '"')
            vstr_addch(out, '"');
        vstr_addch(out, *s);
    }
    vstr_addch(out, '"');
}

void exportfmt_csv_header(VSTR *out)
{
    vstr_addstr(out, "id,sha256,date,from,to,subject,size\r\n");
}

void exportfmt_csv_row(VSTR *out, const MSGREC *r)
{
    char    hex[DIGEST_HEXLEN + 1], date[32];
    VSTR   *to = vstr_alloc(128);

    digest_hex(r->sha, hex);
    date_iso((time_t) r->date, date, sizeof(date));
    for (int i = 0; i < r->to_addr.n; i++)
        vstr_sprintf_append(to, "%s%s", i ? ", " : "", r->to_addr.v[i]);
    vstr_sprintf_append(out, "%s,%s,%s,", hex, hex, date);
    csv_field(out, r->from_addr);
    vstr_addch(out, ',');
    csv_field(out, to->s);
    vstr_addch(out, ',');
    csv_field(out, r->subject);
    vstr_sprintf_append(out, ",%lld\r\n", (long long) r->size);
    vstr_free(to);
}

const char *exportfmt_sender(const MSGREC *r)
{
    if (r->env_from.n && *r->env_from.v[0])
        return r->env_from.v[0];
    return r->from_addr ? r->from_addr : "";
}
