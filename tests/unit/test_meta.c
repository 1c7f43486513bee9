/* test_meta.c - merging the envelopes of repeated arrivals into one record. */
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "meta.h"

static void arrival(ENVELOPE *env, int k, int nrcpt)
{
    char    a[64];

    envelope_reset(env);
    envelope_set(&env->sender, "Sender@Stark.Example");
    snprintf(env->qid, sizeof(env->qid), "QID%d", k);
    for (int i = 0; i < nrcpt; i++) {
        snprintf(a, sizeof(a), "<R%d.%d@Wayne.Example>", k, i);
        envelope_add_rcpt(env, a);
    }
    envelope_add_rcpt(env, "always@wayne.example");
}

static void test_merge_dedups(void **state)
{
    ENVELOPE env;
    MSGREC  r;
    int     dropped = -1;

    (void) state;
    envelope_init(&env);
    record_init(&r);
    arrival(&env, 0, 3);
    assert_int_equal(meta_merge(&r, &env, 100, 10, &dropped), 1);
    assert_int_equal(dropped, 0);
    assert_int_equal(r.env_rcpt.n, 4);
    assert_string_equal(r.env_rcpt.v[0], "r0.0@wayne.example");
    assert_int_equal(meta_merge(&r, &env, 100, 10, &dropped), 0);       /* the same again */
    assert_int_equal(r.env_rcpt.n, 4);
    assert_int_equal(r.env_from.n, 1);
    assert_int_equal(r.qids.n, 1);
    arrival(&env, 1, 3);
    assert_int_equal(meta_merge(&r, &env, 100, 10, &dropped), 1);
    assert_int_equal(r.env_rcpt.n, 7);                                  /* "always" once */
    assert_int_equal(r.qids.n, 2);
    record_free(&r);
    envelope_free(&env);
}

/* Many arrivals with many recipients: the record stops growing at its limits. */
static void test_merge_bounded(void **state)
{
    ENVELOPE env;
    MSGREC  r;
    int     dropped, lost = 0;

    (void) state;
    envelope_init(&env);
    record_init(&r);
    for (int k = 0; k < 400; k++) {
        arrival(&env, k, 50);
        meta_merge(&r, &env, 1000, 20, &dropped);
        lost += dropped;
    }
    assert_int_equal(r.env_rcpt.n, 1000);
    assert_int_equal(r.qids.n, 20);
    assert_int_equal(lost, 400 * 50 + 1 - 1000);
    record_free(&r);
    envelope_free(&env);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_dedups),
        cmocka_unit_test(test_merge_bounded),
    };

    return cmocka_run_group_tests(tests, 0, 0);
}
