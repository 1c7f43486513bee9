/* test_query.c - dates, the query parser (malformed input included) and
 * the candidate sets search builds. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "date.h"
#include "postlist.h"
#include "query.h"
#include "terms.h"
#include "words.h"

static void test_dates(void **state)
{
    static const struct {
        const char *in;
        long    out;
    } d[] = {
        {"Tue, 3 Mar 2025 10:00:00 +0100", 1740992400},
        {"3 Mar 2025 10:00 +0100", 1740992400},
        {"Mon, 03 Mar 2025 09:00:00 GMT", 1740992400},
        {"Mon, 3 Mar 2025 04:00:00 EST", 1740992400},
        {"Mon, 3 Mar 25 09:00:00 +0000", 1740992400},
        {"Mon, 3 Mar 2025 09:00:00 +0000 (UTC)", 1740992400},
        {"Sat, 29 Feb 2020 00:00:00 +0000", 1582934400},
    };
    static const char *bad[] = {"", "yesterday", "31 Feb 2025 10:00:00 +0000",
                                "3 Mar 2025 25:00:00 +0000", "3 Foo 2025 10:00 +0000",
                                "3 Mar 2025 10:00:00 +0099"};
    time_t  t;

    (void) state;
    for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
        if (date_parse_rfc5322(d[i].in, &t) != 0 || (long) t != d[i].out)
            fail_msg("%s -> %ld, want %ld", d[i].in, (long) t, d[i].out);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (date_parse_rfc5322(bad[i], &t) == 0)
            fail_msg("accepted %s", bad[i]);
    assert_int_equal(date_parse_day("2025-03-03", &t), 0);
    assert_int_equal((long) t, 1740960000);
    assert_int_equal(date_parse_day("2025-3-3", &t), -1);
    assert_int_equal(date_parse_day("2025-02-30", &t), -1);
}

static void test_parse(void **state)
{
    QUERY   q;
    char    err[256];

    (void) state;
    assert_int_equal(query_parse("from:Alice@Acme.Example subject:\"Quarterly Budget\" "
                                 "-cc:globex.example after:2025-01-01 larger:10K", &q,
                                 err, sizeof(err)), 0);
    assert_int_equal(q.n, 6);
    assert_string_equal(q.t[0].key, "f:alice@acme.example");
    assert_string_equal(q.t[1].key, "s:quarterly");
    assert_string_equal(q.t[2].key, "s:budget");
    assert_int_equal(q.t[1].group, q.t[2].group);
    assert_string_equal(q.t[3].key, "c:globex.example");
    assert_true(q.t[3].neg);
    assert_int_equal(q.t[4].kind, Q_DATE_GE);
    assert_int_equal(q.t[5].kind, Q_SIZE_GT);
    assert_int_equal(q.t[5].val, 10240);
    query_free(&q);
    assert_int_equal(query_parse("to:<Bob@X.example> \xc3\x9c" "berweisung msgid:<A@B>", &q,
                                 err, sizeof(err)), 0);
    assert_string_equal(q.t[0].key, "t:bob@x.example");
    assert_string_equal(q.t[1].key, "*:\xc3\xbc" "berweisung");
    assert_string_equal(q.t[2].key, "m:a@b");
    query_free(&q);
    assert_int_equal(query_parse("", &q, err, sizeof(err)), 0);
    assert_int_equal(q.n, 0);
    /* OR binds tighter than AND: (a OR subject:"b c" OR larger:1K) d */
    assert_int_equal(query_parse("a OR subject:\"b c\" OR larger:1K d \"OR\"", &q, err,
                                 sizeof(err)), 0);
    assert_int_equal(q.n, 6);
    assert_int_equal(q.t[0].clause, q.t[1].clause);
    assert_int_equal(q.t[1].clause, q.t[3].clause);
    assert_int_equal(q.t[1].group, q.t[2].group);
    assert_int_not_equal(q.t[0].group, q.t[1].group);
    assert_int_not_equal(q.t[3].clause, q.t[4].clause);
    assert_string_equal(q.t[0].key, "*:a");
    assert_string_equal(q.t[4].key, "*:d");
    assert_string_equal(q.t[5].key, "*:or");           /* a quoted OR is a word */
    assert_int_not_equal(q.t[4].clause, q.t[5].clause);
    query_free(&q);
    /* Content terms: body, file name (words of it), attachments. */
    assert_int_equal(query_parse("BODY:Caf\xc3\xa9 filename:budget-Q3.pdf has:Attachment "
                                 "-has:attachment", &q, err, sizeof(err)), 0);
    assert_int_equal(q.n, 6);
    assert_string_equal(q.t[0].key, "b:caf\xc3\xa9");
    assert_string_equal(q.t[1].key, "n:budget");
    assert_string_equal(q.t[2].key, "n:q3");
    assert_string_equal(q.t[3].key, "n:pdf");
    assert_int_equal(q.t[1].group, q.t[3].group);
    assert_string_equal(q.t[4].key, "a:attachment");
    assert_string_equal(q.t[5].key, "a:attachment");
    assert_true(q.t[5].neg);
    query_free(&q);
    /* A long word is cut as the indexer cuts it. */
    {
        char    longq[600];

        memset(longq, 'x', 599);
        longq[599] = 0;
        assert_int_equal(query_parse(longq, &q, err, sizeof(err)), 0);
        assert_int_equal(strlen(q.t[0].key), 2 + WORDS_MAX_LEN - 3);   /* whole characters */
        query_free(&q);
    }
}

static void test_errors(void **state)
{
    static const struct {
        const char *q;
        const char *err;
    } bad[] = {
        {"frm:alice", "unknown search field \"frm\" in term \"frm:alice\""},
        {"after:2025-13-01", "bad date in term \"after:2025-13-01\""},
        {"larger:big", "bad size in term \"larger:big\""},
        {"larger:9223372036854775807K", "bad size in term"},
        {"smaller:99999999999999999999", "bad size in term"},
        {"subject:\"open", "unbalanced quote in term \"subject:\"open\""},
        {"from:", "empty value in term \"from:\""},
        {"subject:!!!", "no searchable word in term \"subject:!!!\""},
        {"-after:2025-01-01", "cannot negate a date term"},
        {"OR b", "OR needs a term on each side"},
        {"a OR OR b", "OR needs a term on each side"},
        {"a OR", "OR at the end of the query"},
        {"-a OR b", "a negated term cannot be part of OR"},
        {"a OR -b", "a negated term cannot be part of OR"},
        {"-", "a lone \"-\" is not a term"},
        {"has:pdf", "unknown value in term \"has:pdf\""},
        {"body:", "empty value in term \"body:\""},
        {"filename:\"...\"", "no searchable word in term \"filename:\"...\"\""},
        {"a b:c", "unknown search field \"b\" in term \"b:c\""},
        {"budget -draft after:2025-02-30", "bad date in term \"after:2025-02-30\""},
        {"on:yesterday", "bad date in term \"on:yesterday\""},
        {"smaller:-5", "bad size in term \"smaller:-5\""},
        {"larger:5T", "bad size in term \"larger:5T\""},
        {"-larger:5", "cannot negate a size term"},
        {"subject:\"a\" \"b", "unbalanced quote in term \"\"b\""},
        {"\x01\x02", "no searchable word in term"},
    };
    QUERY   q;

    (void) state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char    err[256] = "";

        if (query_parse(bad[i].q, &q, err, sizeof(err)) != -1)
            fail_msg("accepted %s", bad[i].q);
        if (strncmp(err, bad[i].err, strlen(bad[i].err)) != 0)
            fail_msg("%s: got [%s] want [%s]", bad[i].q, err, bad[i].err);
    }
}

/* A number set answers as a binary search of its vector would, dense (a
 * bitmap) or sparse (the search itself), at and beyond both ends. */
static void test_numset(void **state)
{
    for (int sparse = 0; sparse < 2; sparse++) {
        NUMVEC  nv = {0};
        NUMSET  ns;
        uint64_t step = sparse ? 1000003 : 3;

        for (uint64_t x = 70; x < 70 + 500 * step; x += step)
            numvec_add(&nv, x);
        numset_init(&ns, &nv);
        assert_true((ns.bits == 0) == sparse);
        for (uint64_t x = 0; x < 70 + 501 * step; x += sparse ? step / 7 : 1) {
            int     want = bsearch(&x, nv.v, nv.n, sizeof(uint64_t), numvec_cmp) != 0;

            if (numset_has(&ns, x) != want)
                fail_msg("%s set: %llu gives %d", sparse ? "sparse" : "dense",
                         (unsigned long long) x, !want);
        }
        numset_free(&ns);
        free(nv.v);
    }
    {
        NUMVEC  none = {0};
        NUMSET  ns;

        numset_init(&ns, &none);
        assert_false(numset_has(&ns, 0));
        numset_free(&ns);
    }
    (void) state;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_numset),
    };

    words_init();
    return cmocka_run_group_tests(tests, 0, 0);
}
