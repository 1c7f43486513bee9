/*
 * milter_rebuild.c - headers as a milter sees them, back into bytes
 * (see milter_rebuild.h).
 */
#include <string.h>

#include "milter_rebuild.h"

/* Copy runs between LFs; an LF not after a CR gets its CR. */
static void milter_rebuild_text(VSTR *out, const char *text)
{
    const char *p = text, *lf;

    while ((lf = strchr(p, '\n')) != 0) {
        vstr_add(out, p, (size_t) (lf - p));
        if (lf == text || lf[-1] != '\r')
            vstr_addch(out, '\r');
        vstr_addch(out, '\n');
        p = lf + 1;
    }
    vstr_addstr(out, p);
}

void milter_rebuild_header(VSTR *out, const char *name, const char *value, int leadspc)
{
    /* A name never holds an LF from a real MTA; if one did, the head
     * still gets no bare LF. */
    milter_rebuild_text(out, name);
    vstr_addch(out, ':');
    if (!leadspc && *value)
        vstr_addch(out, ' ');
    milter_rebuild_text(out, value);
    vstr_add(out, "\r\n", 2);
}

void milter_rebuild_eoh(VSTR *out)
{
    vstr_add(out, "\r\n", 2);
}
