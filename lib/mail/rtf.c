/*
 * rtf.c - RTF to text (see rtf.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "rtf.h"
#include "utf8.h"

#define RTF_DEPTH 1024              /* deeper groups share the state of this one */

typedef struct rtf {
    VSTR   *out;
    VSTR   *bytes;                  /* code page bytes not yet converted */
    char    cpg[24];
    int     depth;
    unsigned char skip[RTF_DEPTH];  /* this group holds no text */
    unsigned char uc[RTF_DEPTH];    /* fallback characters after \uN */
    int     pending_skip;           /* fallback characters still to drop */
} RTF;

static void rtf_flush(RTF *r)
{
    if (r->bytes->len) {
        charset_to_utf8(r->cpg, r->bytes->s, r->bytes->len, r->out);
        vstr_reset(r->bytes);
    }
}

static void rtf_byte(RTF *r, int c)
{
    if (r->pending_skip > 0) {
        r->pending_skip--;
        return;
    }
    if (r->skip[r->depth < RTF_DEPTH ? r->depth : RTF_DEPTH - 1])
        return;
    vstr_addch(r->bytes, c);
}

static void rtf_text(RTF *r, const char *s)
{
    if (r->skip[r->depth < RTF_DEPTH ? r->depth : RTF_DEPTH - 1])
        return;
    rtf_flush(r);
    vstr_addstr(r->out, s);
}

/* Destinations whose group is not document text. */
static int rtf_skipped(const char *w)
{
    static const char *const names[] = {
        "fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "themedata",
        "colorschememapping", "datastore", "latentstyles", "listtable", "listoverridetable",
        "rsidtbl", "generator", "xmlnstbl", "mmathPr", "fldinst", "filetbl", "revtbl",
        "bkmkstart", "bkmkend", "private", "objdata", "datafield", "nonshppict", 0
    };

    for (int i = 0; names[i]; i++)
        if (strcmp(w, names[i]) == 0)
            return 1;
    return 0;
}

static void rtf_word(RTF *r, const char *w, int has_arg, long arg, int group_start)
{
    int     d = r->depth < RTF_DEPTH ? r->depth : RTF_DEPTH - 1;

    if (group_start && rtf_skipped(w)) {
        r->skip[d] = 1;
    } else if (strcmp(w, "par") == 0 || strcmp(w, "line") == 0 || strcmp(w, "sect") == 0
               || strcmp(w, "page") == 0 || strcmp(w, "row") == 0) {
        rtf_text(r, "\n");
    } else if (strcmp(w, "tab") == 0 || strcmp(w, "cell") == 0) {
        rtf_text(r, " ");
    } else if (strcmp(w, "uc") == 0 && has_arg && arg >= 0 && arg < 10) {
        r->uc[d] = (unsigned char) arg;
    } else if (strcmp(w, "u") == 0 && has_arg) {
        if (arg < 0)
            arg += 65536;
        if (arg <= 0 || arg > 0x10FFFF || (arg >= 0xD800 && arg < 0xE000))
            arg = 0xFFFD;
        if (!r->skip[d]) {
            rtf_flush(r);
            utf8_put(r->out, (unsigned) arg);
        }
        r->pending_skip = r->uc[d];
    } else if (strcmp(w, "ansicpg") == 0 && has_arg && arg > 0 && arg < 100000) {
        rtf_flush(r);
        snprintf(r->cpg, sizeof(r->cpg), "windows-%ld", arg);
    }
}

static int rtf_hex(int c)
{
    return isdigit(c) ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
        : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int rtf_to_text(const char *data, size_t len, VSTR *out)
{
    RTF     r;
    size_t  i = 0;
    int     group_start = 0;        /* the previous token opened a group */

    if (len < 5 || memcmp(data, "{\\rtf", 5) != 0)
        return -1;
    memset(&r, 0, sizeof(r));
    r.out = out;
    r.bytes = vstr_alloc(256);
    snprintf(r.cpg, sizeof(r.cpg), "windows-1252");
    r.uc[0] = 1;
    while (i < len) {
        int     c = (unsigned char) data[i++];
        int     d = r.depth < RTF_DEPTH ? r.depth : RTF_DEPTH - 1;
        int     opened = 0;

        if (c == '{') {
            r.depth++;
            if (r.depth < RTF_DEPTH) {
                r.skip[r.depth] = r.skip[d];
                r.uc[r.depth] = r.uc[d];
            }
            opened = 1;
        } else if (c == '}') {
            if (r.depth > 0)
                r.depth--;
            r.pending_skip = 0;
        } else if (c == '\\' && i < len) {
            int     n = (unsigned char) data[i];

            if (isalpha(n)) {
                char    w[33];
                size_t  wl = 0;
                long    arg = 0;
                int     has_arg = 0, neg = 0, digits = 0;

                while (i < len && isalpha((unsigned char) data[i])) {
                    if (wl < sizeof(w) - 1)
                        w[wl++] = data[i];
                    i++;
                }
                w[wl] = 0;
                if (i < len && data[i] == '-') {
                    neg = 1;
                    i++;
                }
                while (i < len && isdigit((unsigned char) data[i])) {
                    if (digits++ < 10)
                        arg = arg * 10 + (data[i] - '0');
                    has_arg = 1;
                    i++;
                }
                if (neg)
                    arg = -arg;
                if (i < len && data[i] == ' ')
                    i++;
                rtf_word(&r, w, has_arg, arg, group_start);
            } else if (n == '\'' && i + 2 < len && rtf_hex((unsigned char) data[i + 1]) >= 0
                       && rtf_hex((unsigned char) data[i + 2]) >= 0) {
                rtf_byte(&r, rtf_hex((unsigned char) data[i + 1]) * 16
                         + rtf_hex((unsigned char) data[i + 2]));
                i += 3;
            } else {
                i++;
                if (n == '*' && group_start) {
                    r.skip[d] = 1;
                    opened = 1;         /* "{\*\dest" still counts as the group's start */
                } else if (n == '\\' || n == '{' || n == '}') {
                    rtf_byte(&r, n);
                } else if (n == '~') {
                    rtf_text(&r, " ");
                } else if (n == '_') {
                    rtf_byte(&r, '-');
                } else if (n == '\n' || n == '\r') {
                    rtf_text(&r, "\n");
                }
            }
        } else if (c != '\n' && c != '\r' && c != '\\') {
            rtf_byte(&r, c);
        }
        group_start = opened;
    }
    rtf_flush(&r);
    vstr_free(r.bytes);
    return 0;
}
