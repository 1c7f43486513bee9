/* test_ipc_rec.c - queue records and envelopes across process boundaries. */
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>

#include "unit.h"
#include "../../ipc/ipc_ids.h"
#include "../../ipc/ipc_rec.h"
#include "../../ipc/ipc_ring.h"
#include <sys/shm.h>
#include <unistd.h>
#include "envelope.h"

static void test_roundtrip(void **state)
{
    IPC_REC in = {IPC_REC_SPOOLED, 7, "6740F3A1000A3.1F4A.3"}, out;
    struct ipc_wire w;
    const char *why;

    (void) state;
    ipc_rec_encode(&in, IPC_MTYPE_INDEXER, &w);
    assert_int_equal(ipc_rec_decode(&w, IPC_WIRE_SIZE, 16, &out, &why), 0);
    assert_int_equal(out.type, IPC_REC_SPOOLED);
    assert_int_equal(out.slot, 7);
    assert_string_equal(out.qid, in.qid);
}

static void test_rejects(void **state)
{
    IPC_REC in = {IPC_REC_SPOOLED, 7, "ABC.1.2"}, out;
    struct ipc_wire w;
    const char *why;

    (void) state;
    ipc_rec_encode(&in, 1, &w);
    assert_int_equal(ipc_rec_decode(&w, IPC_WIRE_SIZE - 1, 16, &out, &why), -1);
    assert_string_equal(why, "record has the wrong size");
    assert_int_equal(ipc_rec_decode(&w, IPC_WIRE_SIZE + 1, 16, &out, &why), -1);
    assert_int_equal(ipc_rec_decode(&w, IPC_WIRE_SIZE, 4, &out, &why), -1);
    assert_string_equal(why, "record names a slot outside the ring");
    w.version = 2;
    assert_int_equal(ipc_rec_decode(&w, IPC_WIRE_SIZE, 16, &out, &why), -1);
    assert_string_equal(why, "record has an unknown version");
    ipc_rec_encode(&in, 1, &w);
    w.type = 99;
    assert_int_equal(ipc_rec_decode(&w, IPC_WIRE_SIZE, 16, &out, &why), -1);
    assert_string_equal(why, "record has an unknown type");
    ipc_rec_encode(&in, 1, &w);
    memcpy(w.qid, "../../etc", 10);
    assert_int_equal(ipc_rec_decode(&w, IPC_WIRE_SIZE, 16, &out, &why), -1);
    assert_string_equal(why, "record has a malformed queue id");
    memset(w.qid, 'A', sizeof(w.qid));         /* no terminator */
    assert_int_equal(ipc_rec_decode(&w, IPC_WIRE_SIZE, 16, &out, &why), -1);
}

static void test_real_queue(void **state)
{
    int     q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    IPC_REC in = {IPC_REC_SPOOLED, IPC_SLOT_NONE, "Q1.2.3"}, out;
    struct ipc_wire w;
    size_t  got;
    const char *why;
    struct {
        long    mtype;
        char    junk[100];
    } big = {IPC_MTYPE_INDEXER, {0}};

    (void) state;
    assert_true(q >= 0);
    assert_int_equal(ipc_rec_send(q, &in, IPC_MTYPE_INDEXER), 0);
    assert_int_equal(ipc_rec_recv(q, IPC_MTYPE_INDEXER, 1, &w, &got), 0);
    assert_int_equal(ipc_rec_decode(&w, got, 8, &out, &why), 0);
    assert_string_equal(out.qid, "Q1.2.3");
    /* An oversized message from a confused peer is seen and refused. */
    assert_int_equal(msgsnd(q, &big, sizeof(big.junk), 0), 0);
    assert_int_equal(ipc_rec_recv(q, IPC_MTYPE_INDEXER, 1, &w, &got), 0);
    assert_int_equal(ipc_rec_decode(&w, got, 8, &out, &why), -1);
    assert_int_equal(ipc_rec_recv(q, IPC_MTYPE_INDEXER, 1, &w, &got), -1);
    msgctl(q, IPC_RMID, 0);
}

static void test_envelope(void **state)
{
    ENVELOPE e, d;
    VSTR   *v = vstr_alloc(64);
    char    err[256];
    long    used;

    (void) state;
    envelope_init(&e);
    snprintf(e.qid, sizeof(e.qid), "Q.1.2");
    e.arrival = 1700000000;
    e.size = 42;
    memset(e.sha256, 'a', 64);
    envelope_set(&e.client, "127.0.0.1");
    envelope_set(&e.helo, "evil\r\nR injected@x");
    envelope_set(&e.tls, "");
    envelope_set(&e.source, "smtp");
    envelope_set(&e.sender, "");
    envelope_add_rcpt(&e, "a@b.example");
    envelope_add_rcpt(&e, "100%@b.example");
    envelope_format(&e, v);
    envelope_init(&d);
    used = envelope_parse(&d, v->s, v->len, 10, err, sizeof(err));
    assert_int_equal(used, (long) v->len);
    assert_int_equal(d.rcpt.n, 2);                 /* the CR LF did not inject */
    assert_string_equal(d.helo, "evil\r\nR injected@x");
    assert_string_equal(d.rcpt.v[1], "100%@b.example");
    assert_int_equal(d.size, 42);
    assert_int_equal(d.arrival, 1700000000);
    envelope_free(&d);
    assert_int_equal(envelope_parse(&d, v->s, v->len, 1, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "more than 1 recipients"));
    assert_int_equal(envelope_parse(&d, v->s, v->len - 1, 10, err, sizeof(err)), -1);
    assert_int_equal(envelope_parse(&d, "MAILARC-SPOOL 2\n", 16, 10, err, sizeof(err)), -1);
    assert_int_equal(envelope_parse(&d, "MAILARC-SPOOL 1\nX y\n\n", 21, 10, err, sizeof(err)), -1);
    envelope_free(&e);
    vstr_free(v);
}

static void test_ring(void **state)
{
    IPC_IDS ids;
    IPC_RING *ring;
    void   *base;
    VSTR   *out = vstr_alloc(64);
    uint32_t a, b;
    char    big[IPC_RING_SLOT_DATA + 1];

    (void) state;
    assert_int_equal(ipc_ids_create(&ids, 2, 0, getuid(), getgid()), 0);
    base = shmat(ids.ring, 0, 0);
    ipc_ring_format(base, 2);
    shmdt(base);
    assert_non_null(ring = ipc_ring_attach(ids.ring, ids.sem));
    a = ipc_ring_put(ring, "Q.1", "env one", 7);
    b = ipc_ring_put(ring, "Q.2", "env two", 7);
    assert_int_not_equal(a, IPC_SLOT_NONE);
    assert_int_not_equal(b, IPC_SLOT_NONE);
    assert_int_equal(ipc_ring_put(ring, "Q.3", "x", 1), IPC_SLOT_NONE);      /* full */
    memset(big, 'x', sizeof(big));
    assert_int_equal(ipc_ring_put(ring, "Q.4", big, sizeof(big)), IPC_SLOT_NONE);
    /* A stale notice naming another queue id gets nothing and frees nothing. */
    assert_int_equal(ipc_ring_take(ring, a, "Q.2", out), -1);
    assert_int_equal(ipc_ring_take(ring, a, "Q.1", out), 0);
    assert_string_equal(out->s, "env one");
    assert_int_equal(ipc_ring_take(ring, a, "Q.1", out), -1);               /* taken once */
    assert_int_equal(ipc_ring_take(ring, 99, "Q.1", out), -1);
    assert_int_equal(ipc_ring_reap(ring, -1), 1);                           /* b was never taken */
    assert_int_equal(ipc_ring_take(ring, b, "Q.2", out), -1);
    ipc_ring_detach(ring);
    ipc_ids_remove(&ids);
    vstr_free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_real_queue),
        cmocka_unit_test(test_envelope),
        cmocka_unit_test(test_ring),
    };

    return cmocka_run_group_tests(tests, 0, 0);
}
