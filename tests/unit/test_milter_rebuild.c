/* test_milter_rebuild.c - message bytes from what a milter is shown. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "milter_rebuild.h"
#include "vstr.h"

static void expect_header(const char *name, const char *value, int leadspc, const char *want)
{
    VSTR   *v = vstr_alloc(16);

    milter_rebuild_header(v, name, value, leadspc);
    assert_int_equal(v->len, strlen(want));
    assert_memory_equal(v->s, want, v->len);
    vstr_free(v);
}

static void test_plain_header(void **state)
{
    (void) state;
    expect_header("Subject", " hello", 1, "Subject: hello\r\n");
    /* No space after the colon, or a tab: kept exactly. */
    expect_header("X-Tight", "value", 1, "X-Tight:value\r\n");
    expect_header("X-Tab", "\tvalue", 1, "X-Tab:\tvalue\r\n");
    expect_header("X-Two", "  two", 1, "X-Two:  two\r\n");
}

static void test_empty_value(void **state)
{
    (void) state;
    expect_header("X-Empty", "", 1, "X-Empty:\r\n");
    expect_header("X-Space", " ", 1, "X-Space: \r\n");
    expect_header("X-Empty", "", 0, "X-Empty:\r\n");
}

static void test_folded(void **state)
{
    (void) state;
    /* Postfix hands a folded value over with bare LFs. */
    expect_header("To", " a@example.com,\n\tb@example.com", 1,
                  "To: a@example.com,\r\n\tb@example.com\r\n");
    expect_header("X-Many", " 1\n 2\n 3", 1, "X-Many: 1\r\n 2\r\n 3\r\n");
    /* An MTA that keeps CRLF: not doubled. */
    expect_header("X-Crlf", " 1\r\n 2", 1, "X-Crlf: 1\r\n 2\r\n");
    /* LF first, LF last. */
    expect_header("X-Lead", "\n x", 1, "X-Lead:\r\n x\r\n");
    expect_header("X-Trail", " x\n", 1, "X-Trail: x\r\n\r\n");
    expect_header("X-Lf", "\n", 1, "X-Lf:\r\n\r\n");
}

static void test_without_leadspc(void **state)
{
    (void) state;
    /* An MTA that strips the space after the colon: one is put back. */
    expect_header("Subject", "hello", 0, "Subject: hello\r\n");
    expect_header("To", "a@example.com,\n\tb@example.com", 0,
                  "To: a@example.com,\r\n\tb@example.com\r\n");
}

static void test_whole_head(void **state)
{
    VSTR   *v = vstr_alloc(16);
    static const char want[] = "From: a@example.com\r\nSubject: s\r\n\r\nbody\r\n";

    (void) state;
    milter_rebuild_header(v, "From", " a@example.com", 1);
    milter_rebuild_header(v, "Subject", " s", 1);
    milter_rebuild_eoh(v);
    vstr_add(v, "body\r\n", 6);
    assert_int_equal(v->len, sizeof(want) - 1);
    assert_memory_equal(v->s, want, v->len);
    vstr_free(v);
}

static void test_linear(void **state)
{
    /* A header of a million LFs: one pass, twice the size out. */
    size_t  n = 1000000;
    char   *val = malloc(n + 1);
    VSTR   *v = vstr_alloc(16);

    (void) state;
    memset(val, '\n', n);
    val[n] = 0;
    milter_rebuild_header(v, "X", val, 1);
    assert_int_equal(v->len, 2 + 2 * n + 2);
    free(val);
    vstr_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_header),
        cmocka_unit_test(test_empty_value),
        cmocka_unit_test(test_folded),
        cmocka_unit_test(test_without_leadspc),
        cmocka_unit_test(test_whole_head),
        cmocka_unit_test(test_linear),
    };

    return cmocka_run_group_tests(tests, 0, 0);
}
