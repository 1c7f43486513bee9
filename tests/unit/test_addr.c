/* test_addr.c - address lists and address terms. */
#include <string.h>

#include "unit.h"
#include "addr.h"
#include "vstr.h"
#include "words.h"

static const struct {
    const char *text;
    int     n;
    const char *name0, *addr0, *name1, *addr1;
} lists[] = {
    {"Alice Smith <alice@acme.example>", 1, "Alice Smith", "alice@acme.example", 0, 0},
    {"\"Smith, Alice\" <alice@acme.example>, bob@globex.example", 2,
     "Smith, Alice", "alice@acme.example", "", "bob@globex.example"},
    {"carol@x.example (Carol C)", 1, "Carol C", "carol@x.example", 0, 0},
    {"team: a@x.example, b@y.example;", 2, "", "a@x.example", "", "b@y.example"},
    {"=?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <j@x.example>", 1, "J\xc3\xbcrgen M\xc3\xbcller", "j@x.example", 0, 0},
    {"=?iso-8859-1?q?Fran=E7ois?= <f@x.example>", 1, "Fran\xc3\xa7ois", "f@x.example", 0, 0},
    {"<@route.example:dave@x.example>", 1, "", "dave@x.example", 0, 0},
    {"", 0, 0, 0, 0, 0},
    {",,, <", 0, 0, 0, 0, 0},
    {"\"unterminated <a@b.example>", 1, "", "unterminated<a@b.example>", 0, 0},
};

static void test_parse_lists(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
        ADDR_LIST l;

        addr_list_init(&l);
        addr_parse_list(lists[i].text, strlen(lists[i].text), &l);
        if (l.n != lists[i].n)
            fail_msg("%s: %d entries, want %d", lists[i].text, l.n, lists[i].n);
        if (l.n > 0) {
            assert_string_equal(l.e[0].name, lists[i].name0);
            assert_string_equal(l.e[0].addr, lists[i].addr0);
        }
        if (l.n > 1) {
            assert_string_equal(l.e[1].name, lists[i].name1);
            assert_string_equal(l.e[1].addr, lists[i].addr1);
        }
        addr_list_free(&l);
    }
}

static void collect(const char *t, size_t len, void *ctx)
{
    VSTR   *v = ctx;

    vstr_add(v, t, len);
    vstr_addch(v, '|');
}

static void test_terms(void **state)
{
    VSTR   *v = vstr_alloc(64);

    (void) state;
    addr_terms("Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m", "<Zoe.A@Mail.Acme.Example>", collect, v);
    assert_string_equal(v->s, "zoe.a@mail.acme.example|zoe.a|mail.acme.example|acme.example|"
                        "example|zo\xc3\xab|\xc3\xa5ngstr\xc3\xb6m|");
    vstr_reset(v);
    addr_terms("", "postmaster", collect, v);
    assert_string_equal(v->s, "postmaster|");
    vstr_reset(v);
    addr_terms("", "", collect, v);
    assert_string_equal(v->s, "");
    vstr_free(v);
}

static void test_canon(void **state)
{
    VSTR   *v = vstr_alloc(16);

    (void) state;
    addr_canon("  <Bob@Globex.EXAMPLE> ", v);
    assert_string_equal(v->s, "bob@globex.example");
    vstr_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_lists),
        cmocka_unit_test(test_terms),
        cmocka_unit_test(test_canon),
    };

    words_init();
    return cmocka_run_group_tests(tests, 0, 0);
}
