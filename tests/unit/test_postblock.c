/* test_postblock.c - posting blocks in a real Berkeley DB table, against a model. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "adb.h"
#include "postblock.h"

#define SPAN 40000                  /* numbers drawn from 1..SPAN */
#define TERMS 3

typedef struct fixture {
    char    dir[64];
    DB_ENV *env;
    DB     *db;
    unsigned char in[TERMS][SPAN + 1];      /* the model: which numbers each list holds */
} FIXTURE;

static const char *const term[TERMS] = {"bbudget", "sbudget", "n"};

static int setup(void **state)
{
    FIXTURE *f = calloc(1, sizeof(*f));

    snprintf(f->dir, sizeof(f->dir), "/tmp/test_postblock.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    assert_int_equal(db_env_create(&f->env, 0), 0);
    assert_int_equal(f->env->open(f->env, f->dir, DB_CREATE | DB_PRIVATE | DB_INIT_MPOOL
                                  | DB_INIT_LOCK | DB_INIT_LOG | DB_INIT_TXN, 0600), 0);
    assert_int_equal(db_create(&f->db, f->env, 0), 0);
    assert_int_equal(f->db->set_flags(f->db, DB_DUP | DB_DUPSORT), 0);
    assert_int_equal(f->db->set_dup_compare(f->db, postblock_cmp), 0);
    assert_int_equal(f->db->open(f->db, 0, "term.db", 0, DB_BTREE, DB_CREATE | DB_AUTO_COMMIT,
                                 0600), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    FIXTURE *f = *state;
    char    cmd[128];

    f->db->close(f->db, 0);
    f->env->close(f->env, 0);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

/* A cursor and buffers to read term t's blocks with DB_SET, DB_NEXT_DUP. */
static void list_cursor(FIXTURE *f, int t, DBC **c, DBT *key, DBT *val, unsigned char *kb,
                        unsigned char *blk)
{
    assert_int_equal(f->db->cursor(f->db, 0, c, 0), 0);
    memset(key, 0, sizeof(*key));
    memset(val, 0, sizeof(*val));
    memcpy(kb, term[t], strlen(term[t]));
    key->data = kb;
    key->size = (u_int32_t) strlen(term[t]);
    key->ulen = POSTBLOCK_KEY;
    key->flags = DB_DBT_USERMEM;
    val->data = blk;
    val->ulen = POSTBLOCK_ROOM;
    val->flags = DB_DBT_USERMEM;
}

/* Every list read block by block: exactly the model, ascending, the
 * blocks apart and within their size. */
static void check_lists(FIXTURE *f)
{
    for (int t = 0; t < TERMS; t++) {
        DBC    *c;
        DBT     key = {0}, val = {0};
        unsigned char kb[POSTBLOCK_KEY], blk[POSTBLOCK_ROOM];
        uint64_t v[POSTBLOCK_ROOM], prev = 0;
        size_t  seen = 0, want = 0;
        int     rc;

        for (int x = 1; x <= SPAN; x++)
            want += f->in[t][x];
        list_cursor(f, t, &c, &key, &val, kb, blk);
        for (rc = c->get(c, &key, &val, DB_SET); rc == 0;
             rc = c->get(c, &key, &val, DB_NEXT_DUP)) {
            int     bad;
            size_t  n = postblock_decode(blk, val.size, v, &bad);

            assert_false(bad);
            assert_true(val.size <= POSTBLOCK_MAX);
            assert_int_equal(n, postblock_count(blk, val.size));
            for (size_t i = 0; i < n; i++) {
                assert_true(v[i] > prev);
                assert_true(v[i] <= SPAN && f->in[t][v[i]]);
                prev = v[i];
            }
            seen += n;
        }
        assert_int_equal(rc, DB_NOTFOUND);
        assert_int_equal(seen, want);
        /* The floor of any number holds it exactly when the list does. */
        for (int x = 1; x <= SPAN; x += 7) {
            size_t  len, n;
            int     above, has = 0;

            rc = postblock_floor(c, term[t], strlen(term[t]), (uint64_t) x, blk, &len, &above, 0);
            if (rc == DB_NOTFOUND) {
                assert_int_equal(want, 0);
                continue;
            }
            assert_int_equal(rc, 0);
            n = postblock_decode(blk, len, v, 0);
            if (above)
                assert_true(v[0] > (uint64_t) x);
            else
                assert_true(v[0] <= (uint64_t) x);
            for (size_t i = 0; i < n; i++)
                has |= v[i] == (uint64_t) x;
            assert_int_equal(has, f->in[t][x]);
        }
        c->close(c);
    }
}

/* Add numbers (ascending, some already there) to term t in one transaction. */
static void add(FIXTURE *f, int t, const uint64_t *v, size_t n)
{
    DB_TXN *txn;
    DBC    *c;

    assert_int_equal(f->env->txn_begin(f->env, 0, &txn, 0), 0);
    assert_int_equal(f->db->cursor(f->db, txn, &c, 0), 0);
    assert_int_equal(postblock_add(c, term[t], strlen(term[t]), v, n), 0);
    c->close(c);
    assert_int_equal(txn->commit(txn, 0), 0);
    for (size_t i = 0; i < n; i++)
        f->in[t][v[i]] = 1;
}

static void del(FIXTURE *f, int t, uint64_t x)
{
    DB_TXN *txn;
    DBC    *c;

    assert_int_equal(f->env->txn_begin(f->env, 0, &txn, 0), 0);
    assert_int_equal(f->db->cursor(f->db, txn, &c, 0), 0);
    assert_int_equal(postblock_del(c, term[t], strlen(term[t]), x), 0);
    c->close(c);
    assert_int_equal(txn->commit(txn, 0), 0);
    f->in[t][x] = 0;
}

/* Ascending batches, as the indexer and reindex write them: each goes on
 * the end; the lists grow past many blocks. */
static void test_append(void **state)
{
    FIXTURE *f = *state;
    uint64_t v[64];
    uint64_t next = 1;

    srand(1);
    while (next + 200 < SPAN) {
        size_t  n = 0;

        for (uint64_t x = next; n < 64 && x < next + 150; x++)
            if (rand() % 3 == 0)
                v[n++] = x;
        next += 150;
        if (n)
            add(f, rand() % TERMS, v, n);
    }
    /* Gaps that take several bytes. */
    v[0] = SPAN - 2;
    v[1] = SPAN;
    add(f, 0, v, 2);
    check_lists(f);
}

/* Numbers that fall among existing blocks, some already present, and
 * deletions of firsts, lasts, middles and absent numbers. */
static void test_merge_and_delete(void **state)
{
    FIXTURE *f = *state;
    uint64_t v[300];

    srand(2);
    for (int round = 0; round < 300; round++) {
        int     t = rand() % TERMS;

        if (rand() % 4 == 0) {
            del(f, t, (uint64_t) (1 + rand() % SPAN));
        } else {
            size_t  n = 0;
            uint64_t x = (uint64_t) (1 + rand() % SPAN);
            int     step = 1 + rand() % 40;

            for (; n < 1 + (size_t) (rand() % 300) && x <= SPAN; x += (uint64_t) step)
                v[n++] = x;
            add(f, t, v, n);
        }
        if (round % 50 == 49)
            check_lists(f);
    }
    /* Empty a list number by number. */
    for (uint64_t x = 1; x <= SPAN; x++)
        if (f->in[2][x])
            del(f, 2, x);
    check_lists(f);
}

/* The blocks of term t, each as hex, in out. */
static size_t blocks_of(FIXTURE *f, int t, char ***out)
{
    DBC    *c;
    DBT     key = {0}, val = {0};
    unsigned char kb[POSTBLOCK_KEY], blk[POSTBLOCK_ROOM];
    size_t  n = 0;

    *out = 0;
    list_cursor(f, t, &c, &key, &val, kb, blk);
    for (int rc = c->get(c, &key, &val, DB_SET); rc == 0;
         rc = c->get(c, &key, &val, DB_NEXT_DUP)) {
        char   *hex = malloc(val.size * 2 + 1);

        for (size_t i = 0; i < val.size; i++)
            snprintf(hex + 2 * i, 3, "%02x", blk[i]);
        *out = realloc(*out, (n + 1) * sizeof(char *));
        (*out)[n++] = hex;
    }
    c->close(c);
    return n;
}

/* An old number with new ones (a merged duplicate arrival in the indexer's
 * batch): the block of the old number and the last block change, the
 * blocks between stay as they were. */
static void test_old_with_new(void **state)
{
    FIXTURE *f = *state;
    uint64_t v[64];
    char  **before, **after;
    size_t  nb, na, changed = 0;

    for (uint64_t x = 1; x < 30000;) {
        size_t  n = 0;

        while (n < 64 && x < 30000) {
            v[n++] = x;
            x += 2;
        }
        add(f, 0, v, n);
    }
    nb = blocks_of(f, 0, &before);
    assert_true(nb > 8);
    v[0] = 100;
    v[1] = 30001;
    v[2] = 30003;
    add(f, 0, v, 3);
    check_lists(f);
    na = blocks_of(f, 0, &after);
    for (size_t i = 0; i < na; i++) {
        int     found = 0;

        for (size_t j = 0; j < nb && !found; j++)
            found = strcmp(after[i], before[j]) == 0;
        changed += !found;
    }
    assert_true(changed >= 2 && changed <= 3);
    assert_true(na - nb <= 1);
    for (size_t i = 0; i < nb; i++)
        free(before[i]);
    for (size_t i = 0; i < na; i++)
        free(after[i]);
    free(before);
    free(after);
}

/* Damaged blocks are told apart; the first 8 bytes order them. */
static void test_format(void **state)
{
    unsigned char blk[16];
    uint64_t v[16];
    int     bad;
    DBT     a = {0}, b = {0};

    (void) state;
    adb_num_key(300, blk);
    blk[8] = 0x80 | 5;              /* a gap of 5 + 128 * 1 = 133 */
    blk[9] = 1;
    blk[10] = 2;
    assert_int_equal(postblock_count(blk, 11), 3);
    assert_int_equal(postblock_decode(blk, 11, v, &bad), 3);
    assert_false(bad);
    assert_int_equal(v[1], 433);
    assert_int_equal(v[2], 435);
    assert_int_equal(postblock_decode(blk, 9, v, &bad), 1);    /* cut inside a gap */
    assert_true(bad);
    blk[10] = 0;                    /* a gap of 0 */
    assert_int_equal(postblock_decode(blk, 11, v, &bad), 2);
    assert_true(bad);
    assert_int_equal(postblock_decode(blk, 7, v, &bad), 0);
    assert_true(bad);
    a.data = blk;
    a.size = 11;
    b.data = blk;
    b.size = 8;
    assert_int_equal(postblock_cmp(0, &a, &b), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_append, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_and_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_old_with_new, setup, teardown),
        cmocka_unit_test(test_format),
    };

    return cmocka_run_group_tests(tests, 0, 0);
}
