/*
 * hitjson.c - a search result as JSON (see hitjson.h).
 */
#include <time.h>

#include "date.h"
#include "digest.h"
#include "hitjson.h"
#include "json.h"

void hitjson_append(VSTR *out, const MSGREC *r, const SNIPPET *s)
{
    char    hex[DIGEST_HEXLEN + 1];
    char    date[32];

    digest_hex(r->sha, hex);
    date_iso((time_t) r->date, date, sizeof(date));
    vstr_addstr(out, "{\"id\":\"");
    vstr_addstr(out, hex);
    vstr_addstr(out, "\",\"date\":\"");
    vstr_addstr(out, date);
    vstr_addstr(out, "\",\"from\":");
    json_str(out, r->from_addr);
    vstr_addstr(out, ",\"to\":[");
    for (int i = 0; i < r->to_addr.n; i++) {
        if (i)
            vstr_addch(out, ',');
        json_str(out, r->to_addr.v[i]);
    }
    vstr_addstr(out, "],\"subject\":");
    json_str(out, r->subject);
    vstr_sprintf_append(out, ",\"size\":%lld", (long long) r->size);
    if (s && s->text) {
        vstr_addstr(out, ",\"snippet\":{\"text\":");
        json_str(out, s->text->s);
        vstr_addstr(out, ",\"marks\":[");
        for (int i = 0; i < s->n; i++)
            vstr_sprintf_append(out, "%s[%zu,%zu]", i ? "," : "", s->off[i], s->len[i]);
        vstr_addstr(out, "]}");
    }
    vstr_addch(out, '}');
}
