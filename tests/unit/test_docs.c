/* test_docs.c - the pieces of document search: RTF to text, word
 * positions and the phrase check, stored extraction results, and the
 * phrase marks of the query parser. */
#include <string.h>

#include "unit.h"
#include "fwd.h"
#include "query.h"
#include "rtf.h"
#include "vstr.h"
#include "words.h"
#include "xtext.h"

static void rtf(const char *in, const char *want)
{
    VSTR   *out = vstr_alloc(64);

    assert_int_equal(rtf_to_text(in, strlen(in), out), 0);
    assert_string_equal(out->s, want);
    vstr_free(out);
}

static void test_rtf(void **state)
{
    VSTR   *out = vstr_alloc(64);

    (void) state;
    rtf("{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}{\\colortbl;\\red0;}\\f0 Hello\\par World}",
        "Hello\nWorld");
    rtf("{\\rtf1 caf\\'e9 \\u8364? n\\uc2\\u228XYe}", "caf\xc3\xa9 \xe2\x82\xac n\xc3\xa4" "e");
    rtf("{\\rtf1 {\\*\\unknowndest hidden}shown {\\info {\\title t}}x}", "shown x");
    rtf("{\\rtf1 a\\tab b\\~c\\{d\\}}", "a b c{d}");
    /* Deep nesting costs nothing and breaks nothing. */
    {
        VSTR   *deep = vstr_alloc(8192);

        vstr_addstr(deep, "{\\rtf1 ");
        for (int i = 0; i < 3000; i++)
            vstr_addch(deep, '{');
        vstr_addstr(deep, "deep");
        for (int i = 0; i < 3000; i++)
            vstr_addch(deep, '}');
        vstr_addch(deep, '}');
        assert_int_equal(rtf_to_text(deep->s, deep->len, out), 0);
        assert_string_equal(out->s, "deep");
        vstr_free(deep);
    }
    assert_int_equal(rtf_to_text("not rtf", 7, out), -1);
    vstr_free(out);
}

static void test_positions(void **state)
{
    VSTR   *e = vstr_alloc(64);
    uint32_t h[3];

    (void) state;
    fwd_section(e, 's', "Quarterly budget meeting", 24, 0);
    fwd_section(e, 'b', "ends with quarterly", 19, 0);
    fwd_section(e, 'b', "budget starts here", 18, 0);
    fwd_section(e, 'b', "", 0, 0);                     /* no words, no section */
    h[0] = fwd_hash("quarterly", 9);
    h[1] = fwd_hash("budget", 6);
    h[2] = fwd_hash("meeting", 7);
    assert_int_equal(fwd_match(e->s, e->len, "s", h, 2), 1);
    assert_int_equal(fwd_match(e->s, e->len, "s", h, 3), 1);
    assert_int_equal(fwd_match(e->s, e->len, "b", h, 2), 0);    /* split across parts */
    assert_int_equal(fwd_match(e->s, e->len, "sb", h + 1, 2), 1);
    assert_int_equal(fwd_match(e->s, e->len, "x", h, 2), 0);
    assert_int_equal(fwd_match(e->s, e->len - 1, "b", h, 2), -1);
    /* At most max_words per section. */
    vstr_reset(e);
    fwd_section(e, 'b', "one two three four", 18, 2);
    h[0] = fwd_hash("two", 3);
    h[1] = fwd_hash("three", 5);
    assert_int_equal(fwd_match(e->s, e->len, "b", h, 2), 0);
    assert_int_equal(e->len, 1 + 4 + 8);
    vstr_free(e);
}

static void count(char kind, const char *name, size_t nlen, const char *data, size_t len,
                  void *ctx)
{
    (void) name, (void) nlen, (void) data, (void) len;
    ((int *) ctx)[kind == 'T' ? 0 : 1]++;
}

static void test_xtext(void **state)
{
    VSTR   *x = vstr_alloc(64);
    int     n[2] = {0, 0};

    (void) state;
    xtext_add(x, 'T', "a.pdf", "text", 4);
    xtext_add(x, 'F', "b.docx", "zip bomb", 8);
    assert_int_equal(xtext_each(x->s, x->len, count, n), 0);
    assert_int_equal(n[0], 1);
    assert_int_equal(n[1], 1);
    assert_int_equal(xtext_failures(x->s, x->len), 1);
    assert_int_equal(xtext_each(x->s, x->len - 1, count, n), -1);
    vstr_free(x);
}

static void test_query_phrases(void **state)
{
    QUERY   q;
    char    err[256];

    (void) state;
    assert_int_equal(query_parse("\"quarterly budget\" attachment:contract plain words", &q,
                                 err, sizeof(err)), 0);
    assert_int_equal(q.n, 5);
    assert_int_equal(q.t[0].phrase, 1);
    assert_int_equal(q.t[1].phrase, 1);
    assert_string_equal(q.t[2].key, "x:contract");
    assert_int_equal(q.t[2].phrase, 0);
    assert_int_equal(q.t[3].phrase, 0);
    query_free(&q);
    /* One quoted word is a word; quoted names stay all-words. */
    assert_int_equal(query_parse("\"single\" from:\"John Smith\"", &q, err, sizeof(err)), 0);
    for (int i = 0; i < q.n; i++)
        assert_int_equal(q.t[i].phrase, 0);
    query_free(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rtf),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_xtext),
        cmocka_unit_test(test_query_phrases),
    };

    words_init();
    return cmocka_run_group_tests(tests, 0, 0);
}
