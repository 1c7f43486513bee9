/* test_bcc_decode.c - recipients encoded by a Postfix bcc map, and back. */
#include <string.h>

#include "unit.h"
#include "bcc_decode.h"
#include "vstr.h"

static const struct {
    const char *in;
    BCC_RESULT want;
    const char *out;
} cases[] = {
    {"archive+alice=example.com@archive.invalid", BCC_DECODED, "alice@example.com"},
    {"archive+bob=sub.example.org@ARCHIVE.Invalid", BCC_DECODED, "bob@sub.example.org"},
    {"anything+x=y.example@archive.invalid", BCC_DECODED, "x@y.example"},
    /* The part before the first + is free; the rest may hold + and =. */
    {"archive+first+last=example.com@archive.invalid", BCC_DECODED, "first+last@example.com"},
    {"archive+a=b=example.com@archive.invalid", BCC_DECODED, "a=b@example.com"},
    {"a+b+c=d.example@archive.invalid", BCC_DECODED, "b+c@d.example"},
    /* Quoted local parts: unquoted, then quoted again where needed. */
    {"\"archive+john smith=example.com\"@archive.invalid", BCC_DECODED,
     "\"john smith\"@example.com"},
    {"\"archive+q\\\"uote=example.com\"@archive.invalid", BCC_DECODED,
     "\"q\\\"uote\"@example.com"},
    {"\"archive+plain=example.com\"@archive.invalid", BCC_DECODED, "plain@example.com"},
    {"archive+.dot=example.com@archive.invalid", BCC_DECODED, "\".dot\"@example.com"},
    /* Internationalised (SMTPUTF8) parts pass through. */
    {"archive+j\xc3\xbcrgen=b\xc3\xbcro.example@archive.invalid", BCC_DECODED,
     "j\xc3\xbcrgen@b\xc3\xbcro.example"},
    /* Other domains are none of our business. */
    {"alice@example.com", BCC_OTHER, ""},
    {"archive+a=b.example@archive.invalid.example", BCC_OTHER, ""},
    {"archive+a=b.example", BCC_OTHER, ""},
    {"", BCC_OTHER, ""},
    /* In the domain but not ANY+LOCAL=DOMAIN: kept as it came. */
    {"archive@archive.invalid", BCC_UNDECODABLE, ""},
    {"archive+nodomain@archive.invalid", BCC_UNDECODABLE, ""},
    {"archive+=example.com@archive.invalid", BCC_UNDECODABLE, ""},
    {"archive+alice=@archive.invalid", BCC_UNDECODABLE, ""},
    {"archive+alice=exa mple.com@archive.invalid", BCC_UNDECODABLE, ""},
    {"=x+@archive.invalid", BCC_UNDECODABLE, ""},
    {"\"\"@archive.invalid", BCC_UNDECODABLE, ""},
    {"\"@archive.invalid", BCC_UNDECODABLE, ""},
    {"@archive.invalid", BCC_UNDECODABLE, ""},
};

static void test_cases(void **state)
{
    VSTR   *out = vstr_alloc(16);

    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        BCC_RESULT r = bcc_decode(cases[i].in, "archive.invalid", out);

        if (r != cases[i].want)
            fail_msg("%s: result %d, want %d", cases[i].in, (int) r, (int) cases[i].want);
        if (strcmp(out->s, cases[i].out) != 0)
            fail_msg("%s: \"%s\", want \"%s\"", cases[i].in, out->s, cases[i].out);
    }
    vstr_free(out);
}

static void test_no_domain_configured(void **state)
{
    VSTR   *out = vstr_alloc(16);

    (void) state;
    assert_int_equal(bcc_decode("archive+a=b.example@archive.invalid", "", out), BCC_OTHER);
    vstr_free(out);
}

/* Linear: a long local part full of '=' and '+' is one pass. */
static void test_long_address(void **state)
{
    size_t  n = 1 << 20;
    VSTR   *in = vstr_alloc(n + 64), *out = vstr_alloc(16);

    (void) state;
    vstr_addstr(in, "archive+");
    for (size_t i = 0; i < n; i++)
        vstr_addch(in, i % 2 ? '=' : '+');
    vstr_addstr(in, "x=example.com@archive.invalid");
    assert_int_equal(bcc_decode(in->s, "archive.invalid", out), BCC_DECODED);
    assert_int_equal(out->len, n + 1 + strlen("@example.com"));
    vstr_free(in);
    vstr_free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_no_domain_configured),
        cmocka_unit_test(test_long_address),
    };

    return cmocka_run_group_tests(tests, 0, 0);
}
