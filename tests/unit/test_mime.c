/* test_mime.c - decoders, parameters, HTML to text and the MIME walker. */
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "decode.h"
#include "html.h"
#include "mime.h"

static void test_decoders(void **state)
{
    VSTR   *v = vstr_alloc(16);

    (void) state;
    decode_base64("SGVs\r\nbG8s IHdv*cmxk!", 21, v);
    assert_string_equal(v->s, "Hello, world");
    vstr_reset(v);
    decode_base64("SGk", 3, v);                 /* missing padding */
    assert_string_equal(v->s, "Hi");
    vstr_reset(v);
    {
        const char *qp = "caf=C3=A9 soft=\r\nbreak bare=\nlf =ZZ end=";

        decode_qp(qp, strlen(qp), v);
    }
    assert_string_equal(v->s, "caf\xc3\xa9 softbreak barelf =ZZ end=");
    vstr_reset(v);
    decode_qp("trailing=  \r\nblank", 18, v);
    assert_string_equal(v->s, "trailingblank");
    vstr_free(v);
}

static void test_params(void **state)
{
    VSTR   *v = vstr_alloc(16);
    const char *ct = "multipart/mixed; boundary=\"=_b;1\"; charset=ISO-8859-1";
    const char *cd = "attachment; filename*0*=UTF-8''%E2%82%AC; filename*1=\" rate.pdf\"";
    const char *cd2 = "attachment; filename*=iso-8859-1'fr'r%E9sum%E9.txt";
    const char *cd3 = "attachment; filename=\"=?UTF-8?B?w5xiZXIucGRm?=\"";

    (void) state;
    assert_int_equal(mime_param(ct, strlen(ct), "boundary", v), 1);
    assert_string_equal(v->s, "=_b;1");
    assert_int_equal(mime_param(ct, strlen(ct), "charset", v), 1);
    assert_string_equal(v->s, "ISO-8859-1");
    assert_int_equal(mime_param(ct, strlen(ct), "name", v), 0);
    assert_int_equal(mime_param(cd, strlen(cd), "filename", v), 1);
    assert_string_equal(v->s, "\xe2\x82\xac rate.pdf");
    assert_int_equal(mime_param(cd2, strlen(cd2), "filename", v), 1);
    assert_string_equal(v->s, "r\xc3\xa9sum\xc3\xa9.txt");
    assert_int_equal(mime_param(cd3, strlen(cd3), "filename", v), 1);
    assert_string_equal(v->s, "\xc3\x9c" "ber.pdf");
    vstr_free(v);
}

static void test_html(void **state)
{
    VSTR   *v = vstr_alloc(16);
    const char *h;

    h = "<html><head><title>T</title><style>p{}</style></head><body>"
        "<p>Hello <b>bold</b></p><script>evil()</script><p>caf&eacute; &amp; more"
        "<div>unclosed";

    (void) state;
    html_to_text(h, strlen(h), v);
    assert_string_equal(v->s, "Hello bold\ncaf\xc3\xa9 & more\nunclosed\n");
    vstr_reset(v);
    html_to_text("<<<>>>\x01", 7, v);          /* garbage: no crash */
    vstr_reset(v);
    h = "foo<div>bar</div>baz<br>qux<span>inline</span>word &lt;tag&gt; &#x41;&#66;"
        "<!-- hidden --><noscript>no</noscript><table><tr><td>a</td><td>b</td></tr></table>";
    html_to_text(h, strlen(h), v);
    assert_string_equal(v->s, "foo\nbar\nbaz\nquxinlineword <tag> AB\na\nb\n");
    vstr_reset(v);
    h = "<p>unterminated <b>bold <i>italic</p>after &unknownentity; &#0; &#xD800; end";
    html_to_text(h, strlen(h), v);
    assert_non_null(strstr(v->s, "italic"));
    assert_non_null(strstr(v->s, "after"));
    assert_non_null(strstr(v->s, "end"));
    vstr_reset(v);
    h = "<!DOCTYPE html SYSTEM \"http://example.invalid/x.dtd\"><body>&ext;plain</body>";
    html_to_text(h, strlen(h), v);             /* no network, no entity loading */
    assert_non_null(strstr(v->s, "plain"));
    vstr_free(v);
}

/* Parameters: continuations in any order, and the caps of MIME_LIMITS. */
static void test_params_bounded(void **state)
{
    const char *cd = "attachment; filename*2=\"c.pdf\"; filename*0=\"a\"; filename*1*=%2Db";
    MIME_LIMITS lim = MIME_LIMITS_DEFAULT;
    VSTR   *v = vstr_alloc(64);
    VSTR   *h = vstr_alloc(64);

    (void) state;
    assert_int_equal(mime_param(cd, strlen(cd), "filename", v), 1);
    assert_string_equal(v->s, "a-bc.pdf");
    /* A gap ends the continuation: *0 and *2 without *1 give *0 alone. */
    cd = "attachment; filename*0=\"x\"; filename*2=\"z\"";
    assert_int_equal(mime_param(cd, strlen(cd), "filename", v), 1);
    assert_string_equal(v->s, "x");
    /* Leading zeros are no segment number. */
    cd = "attachment; filename*00=\"x\"; filename=\"plain\"";
    assert_int_equal(mime_param(cd, strlen(cd), "filename", v), 1);
    assert_string_equal(v->s, "plain");
    /* The first max_params parameters are read, the rest ignored. */
    vstr_addstr(h, "text/plain");
    for (int i = 0; i < lim.max_params - 1; i++)
        vstr_sprintf_append(h, "; p%d=v%d", i, i);
    vstr_addstr(h, "; charset=utf-8; name=late");
    assert_int_equal(mime_param(h->s, h->len, "charset", v), 1);
    assert_string_equal(v->s, "utf-8");
    assert_int_equal(mime_param(h->s, h->len, "name", v), 0);
    /* 24,000 segments: read in one pass, kept to the cap. */
    vstr_reset(h);
    vstr_addstr(h, "attachment");
    for (int i = 0; i < 24000; i++)
        vstr_sprintf_append(h, "; filename*%d=a", i);
    assert_int_equal(mime_param(h->s, h->len, "filename", v), 1);
    assert_true(v->len <= (size_t) lim.max_params);
    vstr_free(h);
    vstr_free(v);
}

/* HTML that opens with an element whose content is not text. */
static void test_html_leading_skipped(void **state)
{
    static const char *const lead[] = {
        "<style>p{}</style>", "<head><meta charset=utf-8></head>", "<title>t</title>",
        "<script>x=1</script>", "<noscript>n</noscript>", "<STYLE>a</STYLE>\n",
    };

    (void) state;
    for (size_t i = 0; i < sizeof(lead) / sizeof(lead[0]); i++) {
        VSTR   *h = vstr_alloc(64);
        VSTR   *v = vstr_alloc(64);

        vstr_sprintf_append(h, "%ssecret words", lead[i]);
        html_to_text(h->s, h->len, v);
        if (strstr(v->s, "secret words") == 0)
            fail_msg("%s: got \"%s\"", h->s, v->s);
        vstr_free(h);
        vstr_free(v);
    }
}

typedef struct seen {
    char    log[4096];
} SEEN;

static void record_part(const MIME_PART *p, void *ctx)
{
    SEEN   *s = ctx;
    size_t  n = strlen(s->log);

    snprintf(s->log + n, sizeof(s->log) - n, "[%s d%d %s%s%s|%s]", p->type, p->depth,
             p->attachment ? "att " : "", p->filename, p->attachment ? "" : "",
             p->text ? p->text->s : "-");
}

static void walk(const char *msg, const MIME_LIMITS *lim, SEEN *s, int *trunc)
{
    memset(s, 0, sizeof(*s));
    mime_walk(msg, strlen(msg), lim, record_part, s, trunc);
}

static void test_walk(void **state)
{
    MIME_LIMITS lim = MIME_LIMITS_DEFAULT;
    SEEN    s;
    int     trunc;
    const char *nested =
        "Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\npreamble\r\n"
        "--outer\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n"
        "--inner\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\nGr=FC=DFe, soft=\r\nbreak\r\n"
        "--inner\r\nContent-Type: text/html\r\n\r\n<p>html <i>part</i></p>\r\n--inner--\r\n"
        "--outer\r\nContent-Type: application/pdf; name=\"report.pdf\"\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n"
        "--outer\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\nforwarded body\r\n"
        "--outer--\r\nepilogue\r\n";
    const char *no_boundary = "Content-Type: multipart/mixed\r\n\r\njust text\r\n";
    const char *unterminated = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nlast part";
    const char *lying = "Content-Type: text/plain; charset=x-no-such\r\n\r\nok \xff\r\n";

    (void) state;
    walk(nested, &lim, &s, &trunc);
    assert_string_equal(s.log,
        "[text/plain d2 |Gr\xc3\xbc\xc3\x9f" "e, softbreak]"
        "[text/html d2 |html part\n]"
        "[application/pdf d1 att report.pdf|-]"
        "[text/plain d2 |forwarded body]");    /* the CRLF belongs to the delimiter */
    assert_int_equal(trunc, 0);
    walk(no_boundary, &lim, &s, &trunc);
    assert_string_equal(s.log, "[text/plain d0 |just text\r\n]");
    walk(unterminated, &lim, &s, &trunc);
    assert_string_equal(s.log, "[text/plain d1 |last part]");
    walk(lying, &lim, &s, &trunc);
    assert_string_equal(s.log, "[text/plain d0 |ok \xef\xbf\xbd\r\n]");
    walk("no headers at all", &lim, &s, &trunc);
    assert_string_equal(s.log, "[text/plain d0 |]");
}

static void test_limits(void **state)
{
    MIME_LIMITS lim = {3, 1, 10, 100, 65536};
    SEEN    s;
    int     trunc;
    const char *deep =
        "Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\n"
        "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
        "Content-Type: text/plain\r\n\r\ntoo deep\r\n--b--\r\n--a\r\n\r\n0123456789abcdef\r\n--a--\r\n";

    (void) state;
    walk(deep, &lim, &s, &trunc);
    assert_int_equal(trunc, 1);
    assert_string_equal(s.log, "[text/plain d1 |0123456789]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decoders),
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_html),
        cmocka_unit_test(test_html_leading_skipped),
        cmocka_unit_test(test_params_bounded),
        cmocka_unit_test(test_walk),
        cmocka_unit_test(test_limits),
    };

    return cmocka_run_group_tests(tests, 0, 0);
}
