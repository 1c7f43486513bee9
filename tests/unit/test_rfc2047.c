/* test_rfc2047.c - encoded words, charsets, garbage. */
#include <string.h>

#include "unit.h"
#include "rfc2047.h"

static const struct {
    const char *in;
    const char *out;
} cases[] = {
    {"plain subject", "plain subject"},
    {"=?UTF-8?B?w5xiZXJ3ZWlzdW5nIGbDvHIgTcOkcno=?=", "\xc3\x9c" "berweisung f\xc3\xbcr M\xc3\xa4rz"},
    {"=?utf-8?q?R=C3=A9union_=C3=A0_Gen=C3=A8ve?=", "R\xc3\xa9union \xc3\xa0 Gen\xc3\xa8ve"},
    {"=?ISO-8859-1?Q?Fran=E7ois?= =?ISO-8859-1?Q?_C=F4t=E9?=", "Fran\xc3\xa7ois C\xc3\xb4t\xc3\xa9"},
    {"Re: =?UTF-8?B?w5w=?= and more", "Re: \xc3\x9c and more"},
    {"=?UTF-8?B?w5w=?=  \t =?UTF-8?B?w5w=?=", "\xc3\x9c\xc3\x9c"},
    {"=?x-unknown-cs?Q?abc?=", "abc"},
    {"=?UTF-8?X?abc?=", "=?UTF-8?X?abc?="},
    {"=?UTF-8?Q?unterminated", "=?UTF-8?Q?unterminated"},
    {"=?UTF-8?B?//79?=", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
    {"raw latin1 \xe9t\xe9", "raw latin1 \xc3\xa9t\xc3\xa9"},
    {"raw utf8 \xc3\xa9t\xc3\xa9", "raw utf8 \xc3\xa9t\xc3\xa9"},
    {"=?utf-8*de?q?Gr=C3=BC=C3=9Fe?=", "Gr\xc3\xbc\xc3\x9f" "e"},
    /* An encoded word ends at white space and is at most 75 characters. */
    {"=?UTF-8?Q?a b?=", "=?UTF-8?Q?a b?="},
    {"=?UTF-8?Q?" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa?=",
     "=?UTF-8?Q?" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa?="},
    {"=?UTF-8?Q?" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa?=",
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
    {"=?=?=?a?= =?UTF-8?Q?ok?=", "=?=?=?a?= ok"},
    {"", ""},
};

static void test_decode(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        VSTR   *v = vstr_alloc(16);

        rfc2047_decode(cases[i].in, strlen(cases[i].in), v);
        if (strcmp(v->s, cases[i].out) != 0)
            fail_msg("decode(%s) = [%s], want [%s]", cases[i].in, v->s, cases[i].out);
        vstr_free(v);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode),
    };

    return cmocka_run_group_tests(tests, 0, 0);
}
