/* test_journal.c - Exchange envelope journal reports: the original and its envelope. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "journal.h"
#include "vstr.h"

static const char inner[] =
    "From: Alice <alice@contoso.example>\r\nTo: bob@contoso.example\r\n"
    "Subject: the plan\r\nMessage-ID: <plan@contoso.example>\r\n\r\nThe plan.\r\n";

/* A report as Exchange 2007 and later write it. */
static VSTR *report(const char *marker, const char *envtext, const char *inner_cte,
                    const char *inner_body)
{
    VSTR   *v = vstr_alloc(1024);

    vstr_sprintf(v, "From: Microsoft Exchange <journal@contoso.example>\r\n"
                 "To: archive@archive.example\r\nSubject: the plan\r\n%s\r\n"
                 "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"JR_B\"\r\n\r\n"
                 "--JR_B\r\nContent-Type: text/plain; charset=\"us-ascii\"\r\n"
                 "Content-Transfer-Encoding: 7bit\r\n\r\n%s\r\n"
                 "--JR_B\r\nContent-Type: message/rfc822\r\n%s\r\n%s\r\n--JR_B--\r\n",
                 marker, envtext, inner_cte, inner_body);
    return v;
}

static const char env2007[] =
    "Sender: alice@contoso.example\r\nSubject: the plan\r\n"
    "Message-ID: <plan@contoso.example>\r\nTo: bob@contoso.example\r\n"
    "Cc: carol@contoso.example\r\nBcc: <dave@contoso.example>\r\n"
    "To: member@contoso.example, Expanded: team@contoso.example\r\n"
    "Recipient: fwd@contoso.example, Forwarded: erin@contoso.example\r\n"
    "On-Behalf-Of: boss@contoso.example\r\n";

static void test_exchange_2007(void **state)
{
    VSTR   *r = report("X-MS-Journal-Report:", env2007, "", inner);
    JOURNAL j;
    char    why[256];

    (void) state;
    assert_int_equal(journal_parse(r->s, r->len, 100, &j, why, sizeof(why)), JOURNAL_OK);
    /* The exact inner bytes: a slice of the report. */
    assert_int_equal(j.inner_len, strlen(inner));
    assert_memory_equal(j.inner, inner, j.inner_len);
    assert_null(j.decoded);
    assert_string_equal(j.sender, "alice@contoso.example");
    assert_int_equal(j.rcpt.n, 5);
    assert_string_equal(j.rcpt.v[0], "bob@contoso.example");
    assert_string_equal(j.rcpt.v[1], "carol@contoso.example");
    assert_string_equal(j.rcpt.v[2], "dave@contoso.example");
    assert_string_equal(j.rcpt.v[3], "member@contoso.example");
    assert_string_equal(j.rcpt.v[4], "fwd@contoso.example");
    assert_int_equal(j.notes.n, 2);
    assert_string_equal(j.notes.v[0], "member@contoso.example Expanded: team@contoso.example");
    assert_string_equal(j.notes.v[1], "fwd@contoso.example Forwarded: erin@contoso.example");
    assert_int_equal(j.exchange2003, 0);
    journal_free(&j);
    vstr_free(r);
}

static void test_exchange_2003(void **state)
{
    VSTR   *r = report("Content-Identifier: ExJournalReport", "Sender: alice@contoso.example\r\n"
                       "Message-ID: <plan@contoso.example>\r\n"
                       "Recipients: bob@contoso.example, carol@contoso.example\r\n", "", inner);
    JOURNAL j;
    char    why[256];

    (void) state;
    assert_int_equal(journal_parse(r->s, r->len, 100, &j, why, sizeof(why)), JOURNAL_OK);
    assert_int_equal(j.exchange2003, 1);
    assert_int_equal(j.rcpt.n, 2);
    assert_string_equal(j.rcpt.v[1], "carol@contoso.example");
    assert_memory_equal(j.inner, inner, j.inner_len);
    journal_free(&j);
    vstr_free(r);
}

static void test_base64_original(void **state)
{
    static const char b64[] =
        "RnJvbTogQWxpY2UgPGFsaWNlQGNvbnRvc28uZXhhbXBsZT4NClRvOiBib2JAY29udG9zby5leGFt\r\n"
        "cGxlDQpTdWJqZWN0OiB0aGUgcGxhbg0KTWVzc2FnZS1JRDogPHBsYW5AY29udG9zby5leGFtcGxl\r\n"
        "Pg0KDQpUaGUgcGxhbi4NCg==";
    VSTR   *r = report("X-MS-Journal-Report:", env2007, "Content-Transfer-Encoding: base64\r\n",
                       b64);
    JOURNAL j;
    char    why[256];

    (void) state;
    assert_int_equal(journal_parse(r->s, r->len, 100, &j, why, sizeof(why)), JOURNAL_OK);
    assert_non_null(j.decoded);
    assert_int_equal(j.inner_len, strlen(inner));
    assert_memory_equal(j.inner, inner, j.inner_len);
    journal_free(&j);
    vstr_free(r);
}

static void test_not_a_report(void **state)
{
    JOURNAL j;
    char    why[256];

    (void) state;
    assert_int_equal(journal_parse(inner, strlen(inner), 100, &j, why, sizeof(why)), JOURNAL_NOT);
    /* A Content-Identifier of something else is no report either. */
    {
        VSTR   *r = report("Content-Identifier: Something", env2007, "", inner);

        assert_int_equal(journal_parse(r->s, r->len, 100, &j, why, sizeof(why)), JOURNAL_NOT);
        vstr_free(r);
    }
    /* The marker only counts in the header, not in the body. */
    {
        static const char body_only[] = "Subject: x\r\n\r\nX-MS-Journal-Report:\r\n";

        assert_int_equal(journal_parse(body_only, strlen(body_only), 100, &j, why, sizeof(why)),
                         JOURNAL_NOT);
    }
}

static void expect_malformed(const char *text, size_t len, const char *reason)
{
    JOURNAL j;
    char    why[256] = "";

    assert_int_equal(journal_parse(text, len, 100, &j, why, sizeof(why)), JOURNAL_MALFORMED);
    if (strstr(why, reason) == 0)
        fail_msg("reason \"%s\" does not say \"%s\"", why, reason);
    assert_null(j.sender);
    assert_int_equal(j.rcpt.n, 0);
}

static void test_malformed(void **state)
{
    VSTR   *r;

    (void) state;
    {
        static const char flat[] = "X-MS-Journal-Report:\r\nSubject: x\r\n\r\nSender: a@b\r\n";

        expect_malformed(flat, strlen(flat), "not multipart");
    }
    r = report("X-MS-Journal-Report:", "Subject: no sender\r\nTo: bob@contoso.example\r\n", "",
               inner);
    expect_malformed(r->s, r->len, "without a Sender");
    vstr_free(r);
    r = report("X-MS-Journal-Report:", "Sender: alice@contoso.example\r\n", "", inner);
    expect_malformed(r->s, r->len, "without recipients");
    vstr_free(r);
    r = report("X-MS-Journal-Report:", env2007, "", "");
    expect_malformed(r->s, r->len, "without the original");
    vstr_free(r);
    r = report("X-MS-Journal-Report:", env2007, "Content-Transfer-Encoding: x-uuencode\r\n", inner);
    expect_malformed(r->s, r->len, "unknown transfer encoding");
    vstr_free(r);
    /* Cut short: no closing delimiter. */
    r = report("X-MS-Journal-Report:", env2007, "", inner);
    expect_malformed(r->s, r->len - 10, "cut short");
    vstr_free(r);
}

static void test_recipient_bound(void **state)
{
    VSTR   *envtext = vstr_alloc(1024), *r;
    JOURNAL j;
    char    why[256];

    (void) state;
    vstr_addstr(envtext, "Sender: alice@contoso.example\r\n");
    for (int i = 0; i < 50; i++)
        vstr_sprintf_append(envtext, "To: r%d@contoso.example\r\n", i);
    r = report("X-MS-Journal-Report:", envtext->s, "", inner);
    assert_int_equal(journal_parse(r->s, r->len, 30, &j, why, sizeof(why)), JOURNAL_OK);
    assert_int_equal(j.rcpt.n, 30);
    assert_int_equal(j.dropped, 20);
    journal_free(&j);
    vstr_free(r);
    vstr_free(envtext);
}

static void test_linear_in_recipients(void **state)
{
    /* 200,000 recipient lines: one pass (a quadratic parser would take
     * minutes here). */
    VSTR   *envtext = vstr_alloc(1 << 20), *r;
    JOURNAL j;
    char    why[256];

    (void) state;
    vstr_addstr(envtext, "Sender: alice@contoso.example\r\n");
    for (int i = 0; i < 200000; i++)
        vstr_sprintf_append(envtext, "To: r%d@contoso.example, Expanded: l%d@contoso.example\r\n",
                            i, i);
    r = report("X-MS-Journal-Report:", envtext->s, "", inner);
    assert_int_equal(journal_parse(r->s, r->len, 1000000, &j, why, sizeof(why)), JOURNAL_OK);
    assert_int_equal(j.rcpt.n, 200000);
    assert_int_equal(j.notes.n, 200000);
    journal_free(&j);
    vstr_free(r);
    vstr_free(envtext);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exchange_2007),
        cmocka_unit_test(test_exchange_2003),
        cmocka_unit_test(test_base64_original),
        cmocka_unit_test(test_not_a_report),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_recipient_bound),
        cmocka_unit_test(test_linear_in_recipients),
    };

    return cmocka_run_group_tests(tests, 0, 0);
}
