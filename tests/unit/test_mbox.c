/* test_mbox.c - splitting mbox files: separators, quoting, line ends, limits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "mbox.h"
#include "vstr.h"

typedef struct got {
    int     n;
    char   *msg[16];
    size_t  len[16];
    MBOX_ITEM it[16];
    int     rc;
} GOT;

static void split(const char *data, size_t len, size_t max, GOT *g)
{
    FILE   *fp = fmemopen((void *) data, len, "r");
    MBOX   *m = mbox_open(fp);
    VSTR   *v = vstr_alloc(64);
    MBOX_ITEM it;
    int     rc;

    memset(g, 0, sizeof(*g));
    while ((rc = mbox_next(m, v, max, &it)) == 1 && g->n < 16) {
        g->msg[g->n] = malloc(v->len + 1);
        memcpy(g->msg[g->n], v->s, v->len + 1);
        g->len[g->n] = v->len;
        g->it[g->n] = it;
        g->n++;
    }
    g->rc = rc;
    mbox_close(m);
    fclose(fp);
    vstr_free(v);
}

static void got_free(GOT *g)
{
    for (int i = 0; i < g->n; i++)
        free(g->msg[i]);
}

#define S(x) x, sizeof(x) - 1

static void test_two_messages_lf(void **state)
{
    static const char in[] =
        "From alice@example.com Mon Dec  1 10:00:00 2026\n"
        "Subject: one\n\nbody one\n\n"
        "From bob@example.com Mon Dec  1 11:00:00 2026\n"
        "Subject: two\n\nbody two\n";
    GOT     g;

    (void) state;
    split(S(in), 1 << 20, &g);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.rc, 0);
    assert_string_equal(g.msg[0], "Subject: one\n\nbody one\n");
    assert_string_equal(g.msg[1], "Subject: two\n\nbody two\n");
    assert_string_equal(g.it[0].from, "alice@example.com");
    assert_string_equal(g.it[1].from, "bob@example.com");
    assert_int_equal(g.it[0].offset, 0);
    assert_int_equal(g.it[1].offset, strstr(in, "From bob") - in);
    got_free(&g);
}

static void test_crlf_and_quoting(void **state)
{
    static const char in[] =
        "From a@b Mon Dec  1 10:00:00 2026\r\n"
        "Subject: quoted\r\n\r\n"
        ">From the start\r\n"
        ">>From deeper\r\n"
        "> From not quoting\r\n"
        "From inside, not after an empty line\r\n"
        "\r\n\r\n"
        "From c@d Mon Dec  1 10:00:00 2026\r\n"
        "Subject: last\r\n\r\nno line end at the end";
    GOT     g;

    (void) state;
    split(S(in), 1 << 20, &g);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.msg[0], "Subject: quoted\r\n\r\nFrom the start\r\n>From deeper\r\n"
                        "> From not quoting\r\nFrom inside, not after an empty line\r\n\r\n");
    assert_string_equal(g.msg[1], "Subject: last\r\n\r\nno line end at the end");
    got_free(&g);
}

static void test_empty_entry_and_no_blank_after_headers(void **state)
{
    static const char in[] =
        "From a@b Mon Dec  1 10:00:00 2026\n\n"
        "From c@d Mon Dec  1 10:00:00 2026\n"
        "Subject: headers only\nX-More: yes\n\n"
        "From e@f Mon Dec  1 10:00:00 2026\n"
        "Subject: x\n\ny\n\n";
    GOT     g;

    (void) state;
    split(S(in), 1 << 20, &g);
    assert_int_equal(g.n, 3);
    assert_int_equal(g.len[0], 0);
    assert_string_equal(g.msg[1], "Subject: headers only\nX-More: yes\n");
    assert_string_equal(g.msg[2], "Subject: x\n\ny\n");
    got_free(&g);
}

static void test_too_big_is_counted_not_kept(void **state)
{
    VSTR   *in = vstr_alloc(1 << 20);
    GOT     g;

    (void) state;
    vstr_addstr(in, "From a@b Mon Dec  1 10:00:00 2026\nSubject: big\n\n");
    for (int i = 0; i < 20000; i++)
        vstr_addstr(in, "0123456789012345678901234567890123456789\n");
    vstr_addstr(in, "\nFrom c@d Mon Dec  1 10:00:00 2026\nSubject: small\n\nok\n");
    split(in->s, in->len, 100000, &g);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.it[0].too_big, 1);
    assert_int_equal(g.len[0], 0);
    assert_int_equal(g.it[0].size, strlen("Subject: big\n\n") + 20000 * 41);
    assert_int_equal(g.it[1].too_big, 0);
    assert_string_equal(g.msg[1], "Subject: small\n\nok\n");
    got_free(&g);
    vstr_free(in);
}

static void test_long_lines_cross_blocks(void **state)
{
    /* A 200 kB line, a quoted From right after it, and a separator. */
    VSTR   *in = vstr_alloc(1 << 20), *want = vstr_alloc(1 << 20);
    GOT     g;

    (void) state;
    vstr_addstr(in, "From a@b x\nSubject: long\n\n");
    vstr_addstr(want, "Subject: long\n\n");
    for (int i = 0; i < 200000; i++) {
        vstr_addch(in, 'x');
        vstr_addch(want, 'x');
    }
    vstr_addstr(in, "From not a separator\n>From q\n\nFrom c@d y\nZ: 1\n");
    vstr_addstr(want, "From not a separator\nFrom q\n");
    split(in->s, in->len, 1 << 22, &g);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.len[0], want->len);
    assert_memory_equal(g.msg[0], want->s, want->len);
    assert_string_equal(g.msg[1], "Z: 1\n");
    got_free(&g);
    vstr_free(in);
    vstr_free(want);
}

/* What mbox_append writes, mbox_next gives back byte for byte. */
static void test_write_round_trip(void **state)
{
    static const char *msgs[] = {
        "From: a@x.example\r\nSubject: crlf\r\n\r\nFrom here\r\n>From there\r\n",
        "Subject: lf\n\nFrom the start\n\n>>From deep\nend\n",
        "Subject: ends with an empty line\r\n\r\nbody\r\n\r\n",
        "From: starts like a separator\nSubject: x\n\nbody\n",
    };
    VSTR   *out = vstr_alloc(256);
    GOT     g;

    (void) state;
    for (int i = 0; i < 4; i++)
        mbox_append(out, i == 1 ? "bad sender" : "s@x.example", 1764583200, msgs[i],
                    strlen(msgs[i]));
    assert_non_null(strstr(out->s, "From s@x.example Mon Dec  1 10:00:00 2025\n"));
    assert_non_null(strstr(out->s, "From MAILER-DAEMON "));
    split(out->s, out->len, 1 << 20, &g);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.n, 4);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(g.len[i], strlen(msgs[i]));
        assert_memory_equal(g.msg[i], msgs[i], g.len[i]);
    }
    got_free(&g);
    vstr_free(out);
}

static void test_not_an_mbox(void **state)
{
    GOT     g;

    (void) state;
    split(S("Subject: plain message\n\nbody\n"), 1 << 20, &g);
    assert_int_equal(g.n, 0);
    assert_int_equal(g.rc, -2);
    split("", 0, 1 << 20, &g);
    assert_int_equal(g.n, 0);
    assert_int_equal(g.rc, 0);
    assert_int_equal(mbox_sniff(S("From x")), 1);
    assert_int_equal(mbox_sniff(S("from x")), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_messages_lf),
        cmocka_unit_test(test_crlf_and_quoting),
        cmocka_unit_test(test_empty_entry_and_no_blank_after_headers),
        cmocka_unit_test(test_too_big_is_counted_not_kept),
        cmocka_unit_test(test_long_lines_cross_blocks),
        cmocka_unit_test(test_not_an_mbox),
        cmocka_unit_test(test_write_round_trip),
    };

    return cmocka_run_group_tests(tests, 0, 0);
}
