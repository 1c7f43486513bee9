/* test_pop3c.c - POP3 status lines, multi-line answers, dot-stuffing, UIDL. */
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "pop3c.h"

#define S(x) x, sizeof(x) - 1

static NETIO *feed(const char *data, size_t len, int *fds)
{
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], data, len), (ssize_t) len);
    close(fds[1]);
    return netio_create(fds[0], 5);
}

static void test_retr_unstuffs_exactly(void **state)
{
    int     fds[2], big;
    NETIO  *nio = feed(S("+OK 52 octets\r\nSubject: x\r\n\r\n..leading dot\r\n.\r\n"
                         "..\r\nlast\r\n.\r\n-ERR no such message\r\n"), fds);
    VSTR   *line = vstr_alloc(64), *out = vstr_alloc(64);
    char    err[256];

    (void) state;
    assert_int_equal(pop3c_cmd(nio, line, "RETR", 0, err, sizeof(err)), 0);
    assert_int_equal(pop3c_multiline(nio, out, 1000, &big, err, sizeof(err)), 0);
    assert_string_equal(out->s, "Subject: x\r\n\r\n.leading dot\r\n");
    assert_int_equal(pop3c_multiline(nio, out, 1000, &big, err, sizeof(err)), 0);
    assert_string_equal(out->s, ".\r\nlast\r\n");
    assert_int_equal(pop3c_cmd(nio, line, "RETR", 0, err, sizeof(err)), -1);
    assert_string_equal(err, "RETR: -ERR no such message");
    netio_free(nio);
    close(fds[0]);
    vstr_free(line);
    vstr_free(out);
}

static void test_too_big_and_cut_short(void **state)
{
    int     fds[2], big;
    NETIO  *nio = feed(S("0123456789\r\n0123456789\r\n.\r\nok\r\n.\r\nhalf a mess"), fds);
    VSTR   *out = vstr_alloc(64);
    char    err[256];

    (void) state;
    assert_int_equal(pop3c_multiline(nio, out, 15, &big, err, sizeof(err)), 0);
    assert_int_equal(big, 1);
    assert_int_equal(out->len, 0);
    assert_int_equal(pop3c_multiline(nio, out, 15, &big, err, sizeof(err)), 0);
    assert_int_equal(big, 0);
    assert_string_equal(out->s, "ok\r\n");
    /* No "." line: an error, never a message. */
    assert_int_equal(pop3c_multiline(nio, out, 15, &big, err, sizeof(err)), -1);
    netio_free(nio);
    close(fds[0]);
    vstr_free(out);
}

static void test_uidl(void **state)
{
    VSTR   *a = vstr_alloc(64);
    STRLIST ids = {0};

    (void) state;
    vstr_set(a, "1 000000017ab3\r\n2 000000027ab3\r\n4 out-of-order\r\n");
    pop3c_uidl(a, &ids);
    assert_int_equal(ids.n, 2);
    assert_string_equal(ids.v[1], "000000027ab3");
    strlist_free(&ids);
    vstr_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retr_unstuffs_exactly),
        cmocka_unit_test(test_too_big_and_cut_short),
        cmocka_unit_test(test_uidl),
    };

    return cmocka_run_group_tests(tests, 0, 0);
}
