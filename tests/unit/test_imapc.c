/* test_imapc.c - IMAP responses: untagged, tagged, literals, limits, cut-short. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "imapc.h"

static NETIO *feed(const char *data, size_t len, int *fds)
{
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], data, len), (ssize_t) len);
    close(fds[1]);
    return netio_create(fds[0], 5);
}

static void done(NETIO *nio, int *fds)
{
    netio_free(nio);
    close(fds[0]);
}

#define S(x) x, sizeof(x) - 1

static void test_select_and_search(void **state)
{
    int     fds[2];
    NETIO  *nio = feed(S("* 3 EXISTS\r\n* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"
                         "* SEARCH 4 9 12\r\nA7 OK [READ-WRITE] SELECT completed\r\n"), fds);
    IMAPC_RESP r;
    char    err[256];
    unsigned long *uids = 0;
    int     nuids = 0, cap = 0;

    (void) state;
    imapc_resp_init(&r);
    assert_int_equal(imapc_read(nio, 1000, &r, err, sizeof(err)), NETIO_OK);
    assert_int_equal(r.kind, IMAPC_UNTAGGED);
    assert_string_equal(r.text->s, "3 EXISTS");
    assert_int_equal(imapc_read(nio, 1000, &r, err, sizeof(err)), NETIO_OK);
    assert_string_equal(r.status, "OK");
    assert_int_equal(imapc_code_num(&r, "UIDVALIDITY"), 3857529045UL);
    assert_int_equal(imapc_read(nio, 1000, &r, err, sizeof(err)), NETIO_OK);
    imapc_search_all(&r, &uids, &nuids, &cap);
    assert_int_equal(nuids, 3);
    assert_int_equal(uids[2], 12);
    free(uids);
    assert_int_equal(imapc_read(nio, 1000, &r, err, sizeof(err)), NETIO_OK);
    assert_int_equal(r.kind, IMAPC_TAGGED);
    assert_int_equal(r.tag, 7);
    assert_string_equal(r.status, "OK");
    assert_int_not_equal(imapc_read(nio, 1000, &r, err, sizeof(err)), NETIO_OK);   /* EOF */
    imapc_resp_free(&r);
    done(nio, fds);
}

static void test_fetch_literal_exact(void **state)
{
    /* The literal holds CRLFs, a ")" and a line that looks like a tag. */
    static const char msg[] = "Subject: x\r\n\r\nA1 OK not a reply)\r\n* 1 FETCH\r\n";
    char    wire[512];
    int     n = snprintf(wire, sizeof(wire),
                         "* 2 FETCH (UID 41 FLAGS (\\Seen) BODY[] {%zu}\r\n%s)\r\nA2 OK done\r\n",
                         sizeof(msg) - 1, msg);
    int     fds[2];
    NETIO  *nio = feed(wire, (size_t) n, fds);
    IMAPC_RESP r;
    char    err[256];
    unsigned long uid;
    VSTR   *scratch = vstr_alloc(16);
    const VSTR *body;

    (void) state;
    imapc_resp_init(&r);
    assert_int_equal(imapc_read(nio, 1000, &r, err, sizeof(err)), NETIO_OK);
    body = imapc_fetch_body(&r, &uid, scratch);
    assert_non_null(body);
    assert_int_equal(uid, 41);
    assert_int_equal(body->len, sizeof(msg) - 1);
    assert_memory_equal(body->s, msg, body->len);
    assert_int_equal(imapc_read(nio, 1000, &r, err, sizeof(err)), NETIO_OK);
    assert_int_equal(r.tag, 2);
    imapc_resp_free(&r);
    vstr_free(scratch);
    done(nio, fds);
}

static void test_quoted_body_and_too_big(void **state)
{
    int     fds[2];
    NETIO  *nio = feed(S("* 1 FETCH (BODY[] \"a \\\"b\\\"\" UID 5)\r\n"
                         "* 2 FETCH (UID 6 BODY[] {20}\r\n01234567890123456789)\r\n"
                         "A3 OK\r\n"), fds);
    IMAPC_RESP r;
    char    err[256];
    unsigned long uid;
    VSTR   *scratch = vstr_alloc(16);
    const VSTR *body;

    (void) state;
    imapc_resp_init(&r);
    assert_int_equal(imapc_read(nio, 10, &r, err, sizeof(err)), NETIO_OK);
    body = imapc_fetch_body(&r, &uid, scratch);
    assert_int_equal(uid, 5);
    assert_string_equal(body->s, "a \"b\"");
    /* Over the limit: read, thrown away, said. */
    assert_int_equal(imapc_read(nio, 10, &r, err, sizeof(err)), NETIO_OK);
    assert_int_equal(r.too_big, 1);
    assert_null(imapc_fetch_body(&r, &uid, scratch));
    assert_int_equal(uid, 6);
    assert_int_equal(imapc_read(nio, 10, &r, err, sizeof(err)), NETIO_OK);
    assert_int_equal(r.tag, 3);
    imapc_resp_free(&r);
    vstr_free(scratch);
    done(nio, fds);
}

static void test_cut_short_and_garbage(void **state)
{
    int     fds[2];
    NETIO  *nio = feed(S("* 1 FETCH (UID 9 BODY[] {100}\r\nonly a part"), fds);
    IMAPC_RESP r;
    char    err[256];

    (void) state;
    imapc_resp_init(&r);
    assert_int_not_equal(imapc_read(nio, 1000, &r, err, sizeof(err)), NETIO_OK);
    assert_non_null(strstr(err, "inside a literal"));
    done(nio, fds);
    nio = feed(S("hello there\r\n"), fds);
    assert_int_equal(imapc_read(nio, 1000, &r, err, sizeof(err)), NETIO_ERROR);
    assert_non_null(strstr(err, "not an IMAP response"));
    done(nio, fds);
    imapc_resp_free(&r);
}

static void test_quote(void **state)
{
    VSTR   *v = vstr_alloc(16);

    (void) state;
    imapc_quote(v, "pa\"ss\\word");
    assert_string_equal(v->s, "\"pa\\\"ss\\\\word\"");
    vstr_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_select_and_search),
        cmocka_unit_test(test_fetch_literal_exact),
        cmocka_unit_test(test_quoted_body_and_too_big),
        cmocka_unit_test(test_cut_short_and_garbage),
        cmocka_unit_test(test_quote),
    };

    return cmocka_run_group_tests(tests, 0, 0);
}
