/*
 * ex_rtf.c - RTF through lib/mail's rtf_to_text().
 */
#include <stdio.h>

#include "extract.h"
#include "rtf.h"
#include "vstr.h"

int ex_rtf(const char *data, size_t len, char *why, size_t whylen)
{
    VSTR   *out = vstr_alloc(len / 2 + 64);

    if (rtf_to_text(data, len, out) < 0) {
        snprintf(why, whylen, "not an RTF file (no {\\rtf at the start)");
        vstr_free(out);
        return -1;
    }
    ex_out(out->s, out->len);
    vstr_free(out);
    return 0;
}
