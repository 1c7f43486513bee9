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

/* Journal reports and notes merge like queue ids; a record keeps them
 * across encode and decode, and a version 1 record (without them) reads. */
static void test_journal_fields_and_version_1(void **state)
{
    ENVELOPE env;
    MSGREC  r, back;
    VSTR   *buf = vstr_alloc(256);
    size_t  v1len;

    (void) state;
    envelope_init(&env);
    record_init(&r);
    arrival(&env, 0, 1);
    envelope_set(&env.journal, "aa");
    strlist_add(&env.notes, "r0.0@wayne.example Expanded: list@wayne.example");
    meta_merge(&r, &env, 100, 10, 0);
    arrival(&env, 1, 1);
    envelope_set(&env.journal, "bb");
    envelope_set(&env.auth, "alice");
    strlist_add(&env.notes, "r0.0@wayne.example Expanded: list@wayne.example");
    meta_merge(&r, &env, 100, 10, 0);
    assert_int_equal(r.journals.n, 2);
    assert_int_equal(r.rcpt_notes.n, 1);
    assert_string_equal(r.auth, "alice");
    record_encode(&r, buf);
    assert_int_equal(record_decode(buf->s, buf->len, &back), 0);
    assert_int_equal(back.journals.n, 2);
    assert_string_equal(back.journals.v[1], "bb");
    assert_string_equal(back.rcpt_notes.v[0], "r0.0@wayne.example Expanded: list@wayne.example");
    record_free(&back);
    /* A tombstone keeps its notes. */
    r.flags |= REC_F_DELETED;
    strlist_add(&r.tomb, "request=r1");
    record_encode(&r, buf);
    assert_int_equal(record_decode(buf->s, buf->len, &back), 0);
    assert_int_equal(back.tomb.n, 1);
    assert_string_equal(back.tomb.v[0], "request=r1");
    assert_true(back.flags & REC_F_DELETED);
    record_free(&back);
    strlist_free(&r.tomb);
    r.flags &= ~(uint32_t) REC_F_DELETED;
    record_encode(&r, buf);
    /* Version 2: without the (empty) tomb list. */
    buf->s[0] = 2;
    assert_int_equal(record_decode(buf->s, buf->len - 4, &back), 0);
    assert_int_equal(back.tomb.n, 0);
    record_free(&back);
    /* Version 1: the same bytes up to the source, version byte 1. */
    v1len = buf->len - 4 - (4 + 5) - (4 + 2 * (4 + 2)) - (4 + strlen(r.rcpt_notes.v[0]) + 4);
    buf->s[0] = 1;
    assert_int_equal(record_decode(buf->s, v1len, &back), 0);
    assert_string_equal(back.auth, "");
    assert_int_equal(back.journals.n, 0);
    record_free(&back);
    assert_int_not_equal(record_decode(buf->s, buf->len, &back), 0);   /* v1 with extra bytes */
    buf->s[0] = 4;
    assert_int_not_equal(record_decode(buf->s, buf->len, &back), 0);   /* a future version */
    vstr_free(buf);
    record_free(&r);
    envelope_free(&env);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_dedups),
        cmocka_unit_test(test_merge_bounded),
        cmocka_unit_test(test_journal_fields_and_version_1),
    };

    return cmocka_run_group_tests(tests, 0, 0);
}
