/*
 * json.c - JSON string escaping; invalid UTF-8 and bidirectional controls
 * become U+FFFD.
 */
#include <string.h>

#include "json.h"
#include "utf8.h"

void json_str(VSTR *out, const char *s)
{
    VSTR   *clean = vstr_alloc(strlen(s) + 8);

    utf8_clean(s, strlen(s), clean);
    vstr_addch(out, '"');
    for (const unsigned char *p = (const unsigned char *) clean->s; *p; p++) {
        /* 3: the bytes are compared in order and the string ends in NUL,
         * so none past its end is read. */
        size_t  b = *p >= 0xd8 ? utf8_bidi_len((const char *) p, 3) : 0;

        if (b) {                        /* a bidi control is shown as U+FFFD */
            vstr_addstr(out, "\\ufffd");
            p += b - 1;
            continue;
        }
        switch (*p) {
        case '"': vstr_addstr(out, "\\\""); break;
        case '\\': vstr_addstr(out, "\\\\"); break;
        case '\n': vstr_addstr(out, "\\n"); break;
        case '\r': vstr_addstr(out, "\\r"); break;
        case '\t': vstr_addstr(out, "\\t"); break;
        default:
            if (*p < 0x20)
                vstr_sprintf_append(out, "\\u%04x", *p);
            else
                vstr_addch(out, *p);
        }
    }
    vstr_addch(out, '"');
    vstr_free(clean);
}
