/* test_smtp_cmd.c - SMTP command parsing, table-driven. */
#include <string.h>

#include "unit.h"
#include "mymalloc.h"
#include "../../smtpd/smtp_cmd.h"

static void test_verbs(void **state)
{
    static const struct {
        const char *line;
        enum smtp_verb verb;
        const char *args;
    } v[] = {
        {"EHLO client.example", SMTP_EHLO, "client.example"},
        {"ehlo x", SMTP_EHLO, "x"},
        {"MAIL FROM:<a@b>", SMTP_MAIL, "FROM:<a@b>"},
        {"QUIT", SMTP_QUIT, ""},
        {"DATA", SMTP_DATA, ""},
        {"BDAT 10 LAST", SMTP_BDAT, "10 LAST"},
        {"StartTLS", SMTP_STARTTLS, ""},
        {"VRFY root", SMTP_VRFY, "root"},
        {"EHLOX", SMTP_UNKNOWN, 0},
        {"MAIL:FROM", SMTP_UNKNOWN, 0},
        {"", SMTP_UNKNOWN, 0},
        {"GET / HTTP/1.0", SMTP_UNKNOWN, 0},
    };

    (void) state;
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        const char *args;

        assert_int_equal(smtp_cmd_verb(v[i].line, &args), v[i].verb);
        if (v[i].args)
            assert_string_equal(args, v[i].args);
    }
}

static void test_paths(void **state)
{
    static const struct {
        const char *args;
        const char *kw;
        int     allow_null, utf8;
        const char *addr;       /* NULL: must fail */
        const char *params;
    } p[] = {
        {"FROM:<alice@acme.example>", "FROM:", 1, 0, "alice@acme.example", ""},
        {"FROM:<>", "FROM:", 1, 0, "", ""},
        {"FROM: <a@b.example> SIZE=10 BODY=8BITMIME", "FROM:", 1, 0, "a@b.example", "SIZE=10 BODY=8BITMIME"},
        {"from:a@b.example", "FROM:", 1, 0, "a@b.example", ""},
        {"TO:<@r1.example,@r2.example:c@d.example>", "TO:", 0, 0, "c@d.example", ""},
        {"TO:<\"odd local\"@d.example>", "TO:", 0, 0, "\"odd local\"@d.example", ""},
        {"TO:<>", "TO:", 0, 0, 0, 0},
        {"TO:<a@b.example", "TO:", 0, 0, 0, 0},
        {"TO:<a b@c.example>", "TO:", 0, 0, 0, 0},
        {"TO:<a@b.example>junk", "TO:", 0, 0, 0, 0},
        {"TO:<@b.example>", "TO:", 0, 0, 0, 0},
        {"TO:<a@>", "TO:", 0, 0, 0, 0},
        {"TO:<\x01@b.example>", "TO:", 0, 0, 0, 0},
        {"TO:<j\xc3\xbcrgen@b.example>", "TO:", 0, 0, 0, 0},
        {"TO:<j\xc3\xbcrgen@b.example>", "TO:", 0, 1, "j\xc3\xbcrgen@b.example", ""},
        {"FROM <a@b>", "FROM:", 1, 0, 0, 0},
    };

    (void) state;
    for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
        char   *addr = 0;
        const char *params = 0, *why = 0;
        int     r = smtp_cmd_path(p[i].args, p[i].kw, p[i].allow_null, p[i].utf8, &addr, &params, &why);

        if (p[i].addr == 0) {
            if (r != -1)
                fail_msg("accepted: %s", p[i].args);
            assert_non_null(why);
            continue;
        }
        if (r != 0)
            fail_msg("refused %s: %s", p[i].args, why);
        assert_string_equal(addr, p[i].addr);
        assert_string_equal(params, p[i].params);
        myfree(addr);
    }
}

static void test_mail_params(void **state)
{
    SMTP_MAIL_PARAMS mp;
    const char *why;

    (void) state;
    assert_int_equal(smtp_cmd_mail_params("SIZE=12345 BODY=8BITMIME SMTPUTF8", &mp, &why), 0);
    assert_int_equal(mp.size, 12345);
    assert_int_equal(mp.body_8bit, 1);
    assert_int_equal(mp.smtputf8, 1);
    assert_int_equal(smtp_cmd_mail_params("", &mp, &why), 0);
    assert_int_equal(mp.size, -1);
    assert_int_equal(smtp_cmd_mail_params("SIZE=abc", &mp, &why), -1);
    assert_int_equal(smtp_cmd_mail_params("SIZE=", &mp, &why), -1);
    assert_int_equal(smtp_cmd_mail_params("SIZE=99999999999999999999999", &mp, &why), -1);
    assert_int_equal(smtp_cmd_mail_params("BODY=9BIT", &mp, &why), -1);
    assert_int_equal(smtp_cmd_mail_params("SMTPUTF8=yes", &mp, &why), -1);
    assert_int_equal(smtp_cmd_mail_params("XFOO=1", &mp, &why), -1);
    assert_int_equal(smtp_cmd_mail_params("AUTH=<> RET=HDRS ENVID=x", &mp, &why), 0);
    assert_int_equal(smtp_cmd_rcpt_params("NOTIFY=NEVER ORCPT=rfc822;a@b", &why), 0);
    assert_int_equal(smtp_cmd_rcpt_params("XFOO", &why), -1);
}

static void test_bdat_helo(void **state)
{
    long    size;
    int     last;
    const char *why;

    (void) state;
    assert_int_equal(smtp_cmd_bdat("100", &size, &last, &why), 0);
    assert_int_equal(size, 100);
    assert_int_equal(last, 0);
    assert_int_equal(smtp_cmd_bdat("0 LAST", &size, &last, &why), 0);
    assert_int_equal(last, 1);
    assert_int_equal(smtp_cmd_bdat("0 last", &size, &last, &why), 0);
    assert_int_equal(smtp_cmd_bdat("", &size, &last, &why), -1);
    assert_int_equal(smtp_cmd_bdat("-5", &size, &last, &why), -1);
    assert_int_equal(smtp_cmd_bdat("5 FIRST", &size, &last, &why), -1);
    assert_int_equal(smtp_cmd_bdat("5x", &size, &last, &why), -1);
    assert_int_equal(smtp_cmd_bdat("99999999999999999999999", &size, &last, &why), -1);
    assert_int_equal(smtp_cmd_helo_arg("mx.example", &why), 0);
    assert_int_equal(smtp_cmd_helo_arg("", &why), -1);
    assert_int_equal(smtp_cmd_helo_arg("a\tb", &why), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verbs),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_mail_params),
        cmocka_unit_test(test_bdat_helo),
    };

    return cmocka_run_group_tests(tests, 0, 0);
}
