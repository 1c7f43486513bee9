/*
 * parsebench.c - are the header parsers linear?  Each hostile shape is
 * parsed at N, 2N and 4N bytes in the same run; the time ratio of each
 * doubling is printed (2 is linear, 4 quadratic).  make bench-parsers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "mime.h"
#include "rfc2047.h"

static void part(const MIME_PART *p, void *ctx)
{
    (void) p;
    (void) ctx;
}

static double now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + (double) t.tv_nsec / 1e9;
}

/* Seconds to parse `n` repetitions of unit in shape `kind`, best of 3. */
static double run(int kind, const char *unit, int n)
{
    VSTR   *v = vstr_alloc(1024);
    VSTR   *out = vstr_alloc(1024);
    MIME_LIMITS lim = MIME_LIMITS_DEFAULT;
    double  best = 1e9;

    vstr_addstr(v, kind == 0 ? "Content-Type: text/plain" : "");
    for (int i = 0; i < n; i++)
        vstr_addstr(v, unit);
    if (kind == 0)
        vstr_addstr(v, "\r\n\r\nbody\r\n");
    for (int r = 0; r < 3; r++) {
        double  t0 = now(), t;
        ADDR_LIST l;

        vstr_reset(out);
        if (kind == 0) {
            mime_walk(v->s, v->len, &lim, part, 0, 0);
        } else if (kind == 1) {
            rfc2047_decode(v->s, v->len, out);
        } else {
            addr_list_init(&l);
            addr_parse_list(v->s, v->len, &l);
            addr_list_free(&l);
        }
        if ((t = now() - t0) < best)
            best = t;
    }
    vstr_free(v);
    vstr_free(out);
    return best;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int     kind;
        const char *unit;
    } shapes[] = {
        {"MIME parameters", 0, "; p=v"},
        {"RFC 2047 unterminated words", 1, "=?u?q?a "},
        {"address list", 2, "a <b@c.example>, "},
    };
    int     n = argc > 1 ? atoi(argv[1]) : 24000;

    for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
        double  t1 = run(shapes[s].kind, shapes[s].unit, n);
        double  t2 = run(shapes[s].kind, shapes[s].unit, 2 * n);
        double  t4 = run(shapes[s].kind, shapes[s].unit, 4 * n);

        printf("%-30s %8zu B %.4f s, x2 %.4f s (ratio %.2f), x4 %.4f s (ratio %.2f)\n",
               shapes[s].name, strlen(shapes[s].unit) * (size_t) n, t1, t2,
               t2 / (t1 > 0 ? t1 : 1e-9), t4, t4 / (t2 > 0 ? t2 : 1e-9));
    }
    return 0;
}
