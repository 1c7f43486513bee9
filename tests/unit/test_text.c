/* test_text.c - charset conversion, the word tokenizer and content terms,
 * malformed input included. */
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "charset.h"
#include "terms.h"
#include "words.h"

static void conv(const char *cs, const char *in, size_t len, const char *want)
{
    VSTR   *v = vstr_alloc(16);

    charset_to_utf8(cs, in, len, v);
    if (strcmp(v->s, want) != 0)
        fail_msg("charset %s: got [%s] want [%s]", cs, v->s, want);
    vstr_free(v);
}

static void test_charsets(void **state)
{
    (void) state;
    conv("ISO-8859-1", "caf\xe9 \x93q\x94", 8, "caf\xc3\xa9 \xe2\x80\x9cq\xe2\x80\x9d");
    conv("windows-1252", "\x80", 1, "\xe2\x82\xac");
    conv("ISO-8859-2", "\xb3\xf3\xbf", 3, "\xc5\x82\xc3\xb3\xc5\xbc");
    conv("koi8-r", "\xf0\xd2\xc9", 3, "\xd0\x9f\xd1\x80\xd0\xb8");
    conv("utf-8", "ok \xc3\xa9", 5, "ok \xc3\xa9");
    /* Lying, unknown or missing charsets degrade to U+FFFD, never fail. */
    conv("utf-8", "caf\xe9!", 5, "caf\xef\xbf\xbd!");
    conv("x-no-such-charset", "a\xffz", 3, "a\xef\xbf\xbdz");
    conv("", "\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd");          /* overlong */
    conv("us-ascii", "\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    conv("utf-8", "nul\0byte", 8, "nul\xef\xbf\xbd" "byte");
    conv("shift_jis", "\x82\xa0\x82", 3, "\xe3\x81\x82\xef\xbf\xbd");   /* cut short */
    conv("utf-16", "\xff", 1, "\xef\xbf\xbd");
}

static void collect(const char *w, size_t len, void *ctx)
{
    char   *out = ctx;
    size_t  n = strlen(out);

    snprintf(out + n, 1024 - n, "[%.*s]", (int) len, w);
}

static void tok(const char *in, size_t len, const char *want)
{
    char    out[1024] = "";

    words_each(in, len, collect, out);
    if (strcmp(out, want) != 0)
        fail_msg("words of [%s]: got %s want %s", in, out, want);
}

static void test_words(void **state)
{
    char    longw[200];

    (void) state;
    tok("Hello, World! it's 2025-06", 26, "[hello][world][it][s][2025][06]");
    tok("\xc3\x9c" "BER caf\xc3\xa9 \xc5\x81\xc3\xb3" "d\xc5\xba", 19,
        "[\xc3\xbc" "ber][caf\xc3\xa9][\xc5\x82\xc3\xb3" "d\xc5\xba]");
    tok("snake_case dash-word e.mail", 27, "[snake][case][dash][word][e][mail]");
    tok("a\xef\xbf\xbd" "b", 5, "[a][b]");                   /* U+FFFD splits */
    tok("x\xff\xfey", 4, "[x][y]");                          /* invalid bytes split */
    tok("\xe2\x80\x83space\xc2\xa0nbsp", 14, "[space][nbsp]");
    tok("", 0, "");
    tok("!!! ...", 7, "");
    memset(longw, 'a', sizeof(longw));
    {
        char    out[1024] = "";

        words_each(longw, sizeof(longw), collect, out);
        assert_int_equal(strlen(out), 2 + WORDS_MAX_LEN - 3);   /* one cut word */
    }
}

struct tctx {
    char    out[4096];
};

static void term(const char *t, size_t len, void *ctx)
{
    struct tctx *c = ctx;
    size_t  n = strlen(c->out);

    snprintf(c->out + n, sizeof(c->out) - n, "%.*s ", (int) len, t);
}

static void test_content_terms(void **state)
{
    const char *m =
        "Subject: not content\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        "--b\r\nContent-Type: text/html; charset=iso-8859-1\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        "<p>Caf=E9<script>x</script></p>\r\n"
        "--b\r\nContent-Type: application/pdf; name=\"Q3-Budget.pdf\"\r\n\r\nJVBE\r\n"
        "--b\r\nContent-Type: text/calendar; name=\"invite.ics\"\r\n\r\nBEGIN:VCALENDAR\r\n"
        "--b--\r\n";
    MIME_LIMITS lim = MIME_LIMITS_DEFAULT;
    struct tctx c = {""};
    int     trunc = -1;

    (void) state;
    terms_of_message(m, strlen(m), &lim, term, &c, &trunc);
    assert_int_equal(trunc, 0);
    assert_string_equal(c.out, "b:caf\xc3\xa9 n:q3 n:budget n:pdf a:attachment "
                        "n:invite n:ics a:attachment ");
    /* Limits: a tiny text budget (here: two bytes of markup) stops indexing
     * text, and says so; names and attachments are still indexed. */
    lim.max_text = 2;
    c.out[0] = 0;
    terms_of_message(m, strlen(m), &lim, term, &c, &trunc);
    assert_int_equal(trunc, 1);
    assert_string_equal(c.out, "n:q3 n:budget n:pdf a:attachment n:invite n:ics a:attachment ");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_charsets),
        cmocka_unit_test(test_words),
        cmocka_unit_test(test_content_terms),
    };

    words_init();
    return cmocka_run_group_tests(tests, 0, 0);
}
