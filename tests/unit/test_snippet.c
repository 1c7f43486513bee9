/* test_snippet.c - snippets: the window, word and character boundaries,
 * marks, and the query words that count. */
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "mime.h"
#include "query.h"
#include "snippet.h"
#include "vstr.h"
#include "words.h"

static int make(const char *body, const char *query, SNIPPET *s)
{
    MIME_LIMITS lim = MIME_LIMITS_DEFAULT;
    VSTR   *msg = vstr_alloc(1024);
    STRLIST words;
    QUERY   q;
    char    err[256];
    int     rc;

    vstr_sprintf(msg, "Subject: x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s", body);
    assert_int_equal(query_parse(query, &q, err, sizeof(err)), 0);
    snippet_words(&q, &words);
    rc = snippet_make(msg->s, msg->len, &lim, &words, s);
    query_free(&q);
    strlist_free(&words);
    vstr_free(msg);
    return rc;
}

static void test_window_and_marks(void **state)
{
    VSTR   *body = vstr_alloc(4096);
    SNIPPET s;

    (void) state;
    for (int i = 0; i < 60; i++)
        vstr_addstr(body, "lorem ipsum dolor ");
    vstr_addstr(body, "the Quarterly\r\nbudget was über plan; quarterly again ");
    for (int i = 0; i < 60; i++)
        vstr_addstr(body, "sit amet ");
    assert_int_equal(make(body->s, "budget -dolor quarterly subject:lorem from:x", &s), 1);
    assert_true(s.text->len <= SNIPPET_WIDTH + 8);
    assert_non_null(strstr(s.text->s, "the Quarterly budget was über plan; quarterly again"));
    assert_true(s.text->s[0] != ' ' && s.text->s[s.text->len - 1] != ' ');
    assert_int_equal(s.n, 3);                       /* Quarterly, budget, quarterly */
    for (int i = 0; i < s.n; i++) {
        char    w[32];

        snprintf(w, sizeof(w), "%.*s", (int) s.len[i], s.text->s + s.off[i]);
        assert_true(strcmp(w, "Quarterly") == 0 || strcmp(w, "budget") == 0
                    || strcmp(w, "quarterly") == 0);
    }
    /* Cut at word boundaries: no partial word at either end. */
    assert_true(strncmp(s.text->s, "lorem ", 6) == 0 || strncmp(s.text->s, "ipsum ", 6) == 0
                || strncmp(s.text->s, "dolor ", 6) == 0);
    snippet_free(&s);
    vstr_free(body);
}

static void test_none(void **state)
{
    SNIPPET s;

    (void) state;
    assert_int_equal(make("nothing here\r\n", "budget", &s), 0);
    assert_null(s.text);
    assert_int_equal(make("budget here\r\n", "subject:budget", &s), 0);   /* no text words */
    assert_int_equal(make("budget here\r\n", "-budget", &s), 0);
    assert_int_equal(make("a budget\r\n", "body:budget", &s), 1);
    assert_string_equal(s.text->s, "a budget");
    assert_int_equal(s.off[0], 2);
    assert_int_equal(s.len[0], 6);
    snippet_free(&s);
    /* Multi-byte characters at the cut are never split. */
    {
        VSTR   *body = vstr_alloc(2048);

        for (int i = 0; i < 100; i++)
            vstr_addstr(body, "ééé ");
        vstr_addstr(body, "budget");
        for (int i = 0; i < 100; i++)
            vstr_addstr(body, " ßßß");
        assert_int_equal(make(body->s, "budget", &s), 1);
        for (size_t i = 0; i < s.text->len; i++)
            if (i == 0 || s.text->s[i - 1] == ' ')
                assert_true(((unsigned char) s.text->s[i] & 0xc0) != 0x80);
        assert_true(((unsigned char) s.text->s[s.text->len - 1] & 0xc0) == 0x80
                    || (unsigned char) s.text->s[s.text->len - 1] < 0x80);
        snippet_free(&s);
        vstr_free(body);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window_and_marks),
        cmocka_unit_test(test_none),
    };

    words_init();
    return cmocka_run_group_tests(tests, 0, 0);
}
