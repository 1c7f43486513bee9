/*
 * verify.c - the archive's integrity check (see verify.h).
 *
 * One thread walks the records with a bulk cursor; blob checks, the slow
 * part, go through a bounded ring to worker threads.  Nothing is written.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "mymalloc.h"
#include "postblock.h"
#include "record.h"
#include "store.h"
#include "vstr.h"
#include "verify.h"

#define RING 256
#define BULK (4 * 1024 * 1024)
#define MAX_GAP_LINES 20            /* a wider gap is one line */

/* The fixed start of a record (record.h): version, date, size, arrival,
 * sha, chain, arrivals, flags. */
#define OFF_SIZE 9
#define OFF_ARRIVAL 17
#define OFF_SHA 25
#define OFF_CHAIN 57
#define OFF_FLAGS 93
#define REC_MIN 97

typedef struct job {
    uint64_t num;
    int64_t arrival, size;
    char    hex[DIGEST_HEXLEN + 1];
    VSTR   *blob;                   /* blob.db's entry, read by the walk; NULL: a file */
} JOB;

typedef struct problem {
    uint64_t num;
    int     order;                  /* within one record */
    char   *text;
} PROBLEM;

typedef struct vstate {
    const CONFIG *cfg;
    int     quick;
    pthread_mutex_t lock;
    pthread_cond_t more, room;
    JOB     ring[RING];
    size_t  head, count;
    int     done;
    PROBLEM *probs;
    size_t  np, cap;
    uint64_t blobs, bytes;
} VSTATE;

typedef struct misplaced {
    uint64_t at, belongs;
    char    hex[DIGEST_HEXLEN + 1];
} MISPLACED;

void verify_link(const unsigned char prev[32], const unsigned char sha[32], uint64_t num,
                 unsigned char out[32])
{
    DIGEST *d = digest_create();
    unsigned char numk[8];

    record_put_u64(numk, num);
    digest_update(d, prev, 32);
    digest_update(d, sha, 32);
    digest_update(d, numk, 8);
    digest_final(d, out);
}

/* Caller holds the lock, or no thread runs yet. */
static void problem_add(VSTATE *s, uint64_t num, int order, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void problem_add(VSTATE *s, uint64_t num, int order, const char *fmt, ...)
{
    VSTR   *v = vstr_alloc(128);
    va_list ap;

    va_start(ap, fmt);
    vstr_vsprintf_append(v, fmt, ap);
    va_end(ap);
    if (s->np == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->probs = myrealloc(s->probs, s->cap * sizeof(PROBLEM));
    }
    s->probs[s->np].num = num;
    s->probs[s->np].order = order;
    s->probs[s->np++].text = vstr_export(v);
}

static void *verify_worker(void *arg)
{
    VSTATE *s = arg;
    STORE_CHECK *c = store_check_create();
    char    err[512];

    for (;;) {
        JOB     j;
        int     rc;

        pthread_mutex_lock(&s->lock);
        while (s->count == 0 && !s->done)
            pthread_cond_wait(&s->more, &s->lock);
        if (s->count == 0) {
            pthread_mutex_unlock(&s->lock);
            break;
        }
        j = s->ring[s->head];
        s->head = (s->head + 1) % RING;
        s->count--;
        pthread_cond_signal(&s->room);
        pthread_mutex_unlock(&s->lock);
        rc = j.blob ? store_check_blob(c, 0, j.hex, j.size, s->quick, j.blob, err, sizeof(err))
            : store_check(c, s->cfg->data_dir, 0, j.arrival, j.hex, j.size, s->quick, err,
                          sizeof(err));
        vstr_free(j.blob);
        pthread_mutex_lock(&s->lock);
        s->blobs++;
        s->bytes += (uint64_t) j.size;
        if (rc == STORE_MISSING)
            problem_add(s, j.num, 1, "%s missing (record %llu)", j.hex, (unsigned long long) j.num);
        else if (rc != 0)
            problem_add(s, j.num, 1, "%s changed (record %llu): %s", j.hex,
                        (unsigned long long) j.num, err);
        pthread_mutex_unlock(&s->lock);
    }
    store_check_free(c);
    return 0;
}

static void verify_queue(VSTATE *s, const JOB *j)
{
    pthread_mutex_lock(&s->lock);
    while (s->count == RING)
        pthread_cond_wait(&s->room, &s->lock);
    s->ring[(s->head + s->count) % RING] = *j;
    s->count++;
    pthread_cond_signal(&s->more);
    pthread_mutex_unlock(&s->lock);
}

static int bit_get(const unsigned char *b, uint64_t n, uint64_t max)
{
    return n <= max && (b[n >> 3] >> (n & 7)) & 1;
}

static void bit_set(unsigned char *b, uint64_t n)
{
    b[n >> 3] |= (unsigned char) (1 << (n & 7));
}

/* The highest record number (0: none). */
static int verify_last_num(ADB *db, uint64_t *last)
{
    DBC    *c;
    DBT     k = {0}, v = {0};
    int     rc;

    *last = 0;
    if ((rc = db->msg->cursor(db->msg, 0, &c, 0)) != 0)
        return rc;
    v.flags = DB_DBT_PARTIAL;
    rc = c->get(c, &k, &v, DB_LAST);
    if (rc == 0 && k.size == 8)
        *last = adb_key_num(k.data);
    c->close(c);
    return rc == DB_NOTFOUND ? 0 : rc;
}

/* Index entries pointing at a record that is not live. */
typedef struct dangling {
    uint64_t num;
    uint64_t entries;
    const char *where;
} DANGLING;

typedef struct walk {
    VSTATE *s;
    ADB    *db;
    const VERIFY_OPTS *o;
    VERIFY_RESULT *res;
    unsigned char *live, *tomb, *gap;
    uint64_t max, expect;
    unsigned char prev[32];
    int     after_gap;
    uint64_t *broken;               /* failed links */
    size_t  nbroken, capbroken;
    MISPLACED *mis;
    size_t  nmis, capmis;
    DANGLING *dang;
    size_t  ndang, capdang;
    const char *where;              /* the database being walked */
    unsigned char head0[32], head_at_count0[32];
    uint64_t count0;                /* meta.db's count and head before the walk */
    int     saw_count0;
} WALK;

static void walk_gap(WALK *w, uint64_t n)
{
    VSTATE *s = w->s;
    uint64_t from = w->expect, to = n - 1;

    for (uint64_t k = from; k <= to; k++)
        bit_set(w->gap, k);
    if (to - from + 1 > MAX_GAP_LINES) {
        problem_add(s, from, 0, "records %llu to %llu removed", (unsigned long long) from,
                    (unsigned long long) to);
    } else {
        for (uint64_t k = from; k <= to; k++)
            problem_add(s, k, 0, "record %llu removed", (unsigned long long) k);
    }
    w->after_gap = 1;
}

static void walk_index_of(WALK *w, uint64_t n, const unsigned char *sha, const char *hex)
{
    unsigned char numk[8], got[8];
    DBT     k = {0}, v = {0};
    int     rc;

    k.data = (void *) sha;
    k.size = 32;
    v.data = got;
    v.ulen = 8;
    v.flags = DB_DBT_USERMEM;
    rc = w->db->id->get(w->db->id, 0, &k, &v, 0);
    if (rc == DB_NOTFOUND) {
        problem_add(w->s, n, 2, "index: %s (record %llu) is not in id.db", hex,
                    (unsigned long long) n);
    } else if (rc == 0 && adb_key_num(got) != n) {
        if (w->nmis == w->capmis) {
            w->capmis = w->capmis ? w->capmis * 2 : 16;
            w->mis = myrealloc(w->mis, w->capmis * sizeof(MISPLACED));
        }
        w->mis[w->nmis].at = n;
        w->mis[w->nmis].belongs = adb_key_num(got);
        memcpy(w->mis[w->nmis++].hex, hex, DIGEST_HEXLEN + 1);
    }
    if (w->db->order) {
        adb_num_key(n, numk);
        k.data = numk;
        k.size = 8;
        v.flags = DB_DBT_PARTIAL;
        v.dlen = 0;
        if (w->db->order->get(w->db->order, 0, &k, &v, 0) == DB_NOTFOUND)
            problem_add(w->s, n, 2, "index: %s (record %llu) is not in order.db", hex,
                        (unsigned long long) n);
    }
}

static void walk_record(WALK *w, uint64_t n, const unsigned char *r, size_t len)
{
    VSTATE *s = w->s;
    unsigned char want[32];
    char    hex[DIGEST_HEXLEN + 1];
    uint32_t flags;

    if (n < w->expect || n > w->max)
        return;                     /* cannot happen: keys are unique and sorted */
    if (n > w->expect)
        walk_gap(w, n);
    w->expect = n + 1;
    w->res->records++;
    if (len < REC_MIN || r[0] < 1 || r[0] > RECORD_VERSION) {
        problem_add(s, n, 0, "record %llu damaged (cannot be decoded)", (unsigned long long) n);
        w->after_gap = 1;           /* its link cannot be checked; nor the next */
        return;
    }
    digest_hex(r + OFF_SHA, hex);
    verify_link(w->prev, r + OFF_SHA, n, want);
    if (memcmp(want, r + OFF_CHAIN, 32) != 0 && !w->after_gap) {
        if (w->nbroken == w->capbroken) {
            w->capbroken = w->capbroken ? w->capbroken * 2 : 16;
            w->broken = myrealloc(w->broken, w->capbroken * sizeof(uint64_t));
        }
        w->broken[w->nbroken++] = n;
    }
    w->after_gap = 0;
    memcpy(w->prev, r + OFF_CHAIN, 32);
    memcpy(w->res->head, r + OFF_CHAIN, 32);
    if (n == w->count0) {
        memcpy(w->head_at_count0, r + OFF_CHAIN, 32);
        w->saw_count0 = 1;
    }
    memcpy(w->res->last_id, hex, sizeof(hex));
    w->res->last_num = n;
    flags = (uint32_t) r[OFF_FLAGS] << 24 | (uint32_t) r[OFF_FLAGS + 1] << 16
        | (uint32_t) r[OFF_FLAGS + 2] << 8 | r[OFF_FLAGS + 3];
    if (flags & REC_F_DELETED) {
        bit_set(w->tomb, n);
        w->res->tombstones++;
        return;
    }
    bit_set(w->live, n);
    walk_index_of(w, n, r + OFF_SHA, hex);
    if ((int64_t) record_get_u64(r + OFF_ARRIVAL) >= w->o->since) {
        JOB     j;

        j.num = n;
        j.arrival = (int64_t) record_get_u64(r + OFF_ARRIVAL);
        j.size = (int64_t) record_get_u64(r + OFF_SIZE);
        memcpy(j.hex, hex, sizeof(hex));
        j.blob = 0;
        if (w->db->blob) {
            /* This thread owns the handle: it reads blob.db, workers check. */
            char    err[256];

            j.blob = vstr_alloc(s->quick ? 64 : 16384);
            if (store_fetch_db(w->db, hex, s->quick, j.blob, err, sizeof(err)) == STORE_MISSING) {
                vstr_free(j.blob);
                j.blob = 0;
            }
        }
        verify_queue(s, &j);
    }
}

/*
 * Every (key, value) of dbp through a bulk cursor, bytes at a time.  With
 * release the cursor is closed while a chunk's items are checked: they
 * look other tables up, and a writer may be waiting for the page the
 * cursor stands on, which with a lookup waiting for that writer would be
 * a deadlock no detector sees (two lockers of one thread).  The next
 * chunk then starts after the chunk's last key, which needs unique keys.
 */
static int verify_each(DB *dbp, int (*fn)(WALK *, const DBT *, const DBT *), WALK *w,
                       size_t bytes, int release)
{
    DBC    *c = 0;
    DBT     k = {0}, v = {0}, from = {0}, bulk = {0};
    void   *buf = mymalloc(bytes);
    VSTR   *last = vstr_alloc(64);
    int     started = 0, rc;

    bulk.data = buf;
    bulk.ulen = (u_int32_t) bytes;
    bulk.flags = DB_DBT_USERMEM;
    for (;;) {
        void   *p;

        if (c == 0 && (rc = dbp->cursor(dbp, 0, &c, 0)) != 0)
            break;
        if (!started) {
            rc = c->get(c, &from, &bulk, DB_MULTIPLE_KEY | DB_FIRST);
        } else if (!release) {
            rc = c->get(c, &from, &bulk, DB_MULTIPLE_KEY | DB_NEXT);
        } else {
            /* The least key after the last one (bytewise order): it and
             * a zero byte. */
            vstr_addch(last, '\0');
            memset(&from, 0, sizeof(from));
            from.data = last->s;
            from.size = (u_int32_t) last->len;
            rc = c->get(c, &from, &bulk, DB_MULTIPLE_KEY | DB_SET_RANGE);
        }
        started = 1;
        if (rc != 0)
            break;
        if (release) {
            c->close(c);
            c = 0;
        }
        DB_MULTIPLE_INIT(p, &bulk);
        for (;;) {
            DB_MULTIPLE_KEY_NEXT(p, &bulk, k.data, k.size, v.data, v.size);
            if (p == 0)
                break;
            if ((rc = fn(w, &k, &v)) != 0)
                goto out;
            if (release) {
                vstr_reset(last);
                vstr_add(last, k.data, k.size);
            }
        }
    }
    if (rc == DB_NOTFOUND)
        rc = 0;
out:
    if (c)
        c->close(c);
    vstr_free(last);
    myfree(buf);
    return rc;
}

/* Every key of dbp, values unread: tables whose values may be larger
 * than a bulk buffer (pos.db, xtext.db). */
static int verify_keys(DB *dbp, int (*fn)(WALK *, const DBT *, const DBT *), WALK *w)
{
    DBC    *c;
    DBT     k = {0}, v = {0};
    unsigned char kbuf[256];
    int     rc;

    if ((rc = dbp->cursor(dbp, 0, &c, 0)) != 0)
        return rc;
    k.data = kbuf;
    k.ulen = sizeof(kbuf);
    k.flags = DB_DBT_USERMEM;
    v.flags = DB_DBT_PARTIAL;
    while ((rc = c->get(c, &k, &v, DB_NEXT)) == 0)
        if ((rc = fn(w, &k, &v)) != 0)
            break;
    if (rc == DB_NOTFOUND)
        rc = 0;
    c->close(c);
    return rc;
}

static int each_record(WALK *w, const DBT *k, const DBT *v)
{
    if (k->size == 8)
        walk_record(w, adb_key_num(k->data), v->data, v->size);
    if (w->o->progress && (w->res->records & 4095) == 0)
        w->o->progress(w->res->records, w->max, w->o->ctx);
    return 0;
}

static void dangling_add(WALK *w, uint64_t num)
{
    DANGLING *dang = w->dang;
    size_t  ndang = w->ndang;
    const char *dang_where = w->where;

    if (ndang && dang[ndang - 1].num == num && dang[ndang - 1].where == dang_where) {
        dang[ndang - 1].entries++;
        return;
    }
    for (size_t i = 0; i < ndang; i++)
        if (dang[i].num == num && dang[i].where == dang_where) {
            dang[i].entries++;
            return;
        }
    if (w->ndang == w->capdang) {
        w->capdang = w->capdang ? w->capdang * 2 : 16;
        w->dang = myrealloc(w->dang, w->capdang * sizeof(DANGLING));
    }
    w->dang[w->ndang].num = num;
    w->dang[w->ndang].entries = 1;
    w->dang[w->ndang++].where = dang_where;
}

/* A posting list's block (postblock.h), or a date or size entry: one number. */
static int each_posting(WALK *w, const DBT *k, const DBT *v)
{
    uint64_t nums[POSTBLOCK_ROOM];
    size_t  n;

    (void) k;
    if (v->size < 8 || v->size > POSTBLOCK_ROOM)
        return 0;
    n = postblock_decode(v->data, v->size, nums, 0);
    /* Past max: mail committed during the walk. */
    for (size_t i = 0; i < n; i++)
        if (nums[i] <= w->max && !bit_get(w->live, nums[i], w->max) && w->ndang < 10000)
            dangling_add(w, nums[i]);
    return 0;
}

static int each_order(WALK *w, const DBT *k, const DBT *v)
{
    return each_posting(w, v, k);
}

static int each_id(WALK *w, const DBT *k, const DBT *v)
{
    char    hex[DIGEST_HEXLEN + 1];
    uint64_t n;

    if (k->size != 32 || v->size != 8)
        return 0;
    n = adb_key_num(v->data);
    if (n > w->max || bit_get(w->live, n, w->max))
        return 0;
    digest_hex(k->data, hex);
    if (bit_get(w->gap, n, w->max)) {
        /* Name the removed record on its own line, when it has one. */
        for (size_t i = 0; i < w->s->np; i++)
            if (w->s->probs[i].num == n && w->s->probs[i].order == 0
                && strncmp(w->s->probs[i].text, "record ", 7) == 0) {
                VSTR   *v = vstr_alloc(128);

                vstr_sprintf(v, "record %llu removed (%s)", (unsigned long long) n, hex);
                myfree(w->s->probs[i].text);
                w->s->probs[i].text = vstr_export(v);
                return 0;
            }
        problem_add(w->s, n, 1, "record %llu was %s", (unsigned long long) n, hex);
    }
    else if (bit_get(w->tomb, n, w->max))
        problem_add(w->s, n, 2, "index: id.db still has deleted %s (record %llu)", hex,
                    (unsigned long long) n);
    else
        problem_add(w->s, n, 2, "index: id.db maps %s to record %llu, which does not exist",
                    hex, (unsigned long long) n);
    return 0;
}

static int problem_cmp(const void *a, const void *b)
{
    const PROBLEM *x = a, *y = b;

    if (x->num != y->num)
        return x->num < y->num ? -1 : 1;
    if (x->order != y->order)
        return x->order - y->order;
    return strcmp(x->text, y->text);
}

static int u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;

    return x < y ? -1 : x > y;
}

/* Two records whose id.db entries point at each other's place were
 * swapped; the links at and after each are explained by it. */
static void verify_explain(WALK *w)
{
    VSTATE *s = w->s;

    if (w->nbroken > 1)
        qsort(w->broken, w->nbroken, sizeof(uint64_t), u64_cmp);
    for (size_t i = 0; i < w->nmis; i++) {
        MISPLACED *a = &w->mis[i];
        MISPLACED *b = 0;

        if (a->at == 0)
            continue;
        for (size_t j = i + 1; j < w->nmis && b == 0; j++)
            if (w->mis[j].at == a->belongs && w->mis[j].belongs == a->at)
                b = &w->mis[j];
        if (b == 0) {
            problem_add(s, a->at, 2, "index: id.db maps %s to record %llu, but it is record %llu",
                        a->hex, (unsigned long long) a->belongs, (unsigned long long) a->at);
            continue;
        }
        problem_add(s, a->at < b->at ? a->at : b->at, 0, "records %llu and %llu swapped (%s, %s)",
                    (unsigned long long) a->at, (unsigned long long) b->at, a->hex, b->hex);
        for (size_t k = 0; k < w->nbroken; k++) {
            uint64_t n = w->broken[k];

            if (n == a->at || n == a->at + 1 || n == b->at || n == b->at + 1)
                w->broken[k] = 0;
        }
        b->at = 0;
    }
    for (size_t k = 0; k < w->nbroken; k++) {
        unsigned char numk[8];
        DBT     key = {0}, val = {0};
        char    hex[DIGEST_HEXLEN + 1] = "?";

        if (w->broken[k] == 0)
            continue;
        adb_num_key(w->broken[k], numk);
        key.data = numk;
        key.size = 8;
        val.flags = DB_DBT_MALLOC;
        if (w->db->msg->get(w->db->msg, 0, &key, &val, 0) == 0) {
            if (val.size >= REC_MIN)
                digest_hex((unsigned char *) val.data + OFF_SHA, hex);
            myfree(val.data);
        }
        problem_add(s, w->broken[k], 0, "chain broken at %s (record %llu)", hex,
                    (unsigned long long) w->broken[k]);
    }
}

static int meta_chain(ADB *db, unsigned char head[32])
{
    DBT     k = {0}, v = {0};

    k.data = "chain";
    k.size = 5;
    v.data = head;
    v.ulen = 32;
    v.flags = DB_DBT_USERMEM;
    return db->meta->get(db->meta, 0, &k, &v, 0);
}

/* The head and count the indexer keeps, as one committed pair: the
 * indexer writes both in one transaction, so a head that reads the same
 * before and after the count belongs with it. */
static void verify_snapshot(WALK *w)
{
    unsigned char again[32];

    for (int i = 0; i < 20; i++) {
        if (meta_chain(w->db, w->head0) != 0) {
            w->count0 = 0;
            return;
        }
        w->count0 = adb_meta_u64(w->db, 0, "count");
        if (meta_chain(w->db, again) == 0 && memcmp(again, w->head0, 32) == 0)
            return;
    }
}

/* That head must be the chain value of the record it counts up to (later
 * records are mail that arrived during the walk). */
static void verify_head(WALK *w)
{
    if (w->count0 == 0)
        return;
    if (!w->saw_count0) {
        if (w->count0 > w->max)
            problem_add(w->s, w->max + 1, 0, "records after %llu removed: meta.db counts %llu",
                        (unsigned long long) w->max, (unsigned long long) w->count0);
    } else if (memcmp(w->head_at_count0, w->head0, 32) != 0) {
        problem_add(w->s, w->count0 + 1, 0, "chain head in meta.db does not follow from record "
                    "%llu: records after it removed", (unsigned long long) w->count0);
    }
}

/* A blob found missing, or an index entry not found, while a lawful
 * deletion ran: the record is a tombstone now, and that is no problem. */
static void verify_recheck(WALK *w)
{
    VSTATE *s = w->s;
    size_t  o = 0;

    for (size_t i = 0; i < s->np; i++) {
        int     gone = 0;

        if (s->probs[i].num <= w->max
            && ((s->probs[i].order == 1 && strncmp(s->probs[i].text, "record ", 7) != 0)
                || (s->probs[i].order == 2 && strstr(s->probs[i].text, ") is not in ")))) {
            unsigned char numk[8], fixed[REC_MIN];
            DBT     k = {0}, v = {0};

            adb_num_key(s->probs[i].num, numk);
            k.data = numk;
            k.size = 8;
            v.data = fixed;
            v.ulen = v.dlen = REC_MIN;
            v.flags = DB_DBT_USERMEM | DB_DBT_PARTIAL;
            gone = w->db->msg->get(w->db->msg, 0, &k, &v, 0) == 0 && v.size == REC_MIN
                && (fixed[OFF_FLAGS + 3] & REC_F_DELETED);
        }
        if (gone)
            myfree(s->probs[i].text);
        else
            s->probs[o++] = s->probs[i];
    }
    s->np = o;
}

int verify_archive(const CONFIG *cfg, ADB *db, const VERIFY_OPTS *o, VERIFY_RESULT *res,
                   char *err, size_t errlen)
{
    VSTATE  s;
    WALK    w;
    pthread_t *tids;
    int     nthreads = o->threads > 0 ? o->threads : (int) sysconf(_SC_NPROCESSORS_ONLN);
    size_t  nbytes;
    int     rc;

    memset(res, 0, sizeof(*res));
    memset(&s, 0, sizeof(s));
    memset(&w, 0, sizeof(w));
    strlist_init(&res->problems);
    if (nthreads < 1)
        nthreads = 1;
    if (nthreads > 16)
        nthreads = 16;
    w.db = db;
    verify_snapshot(&w);
    if ((rc = verify_last_num(db, &w.max)) != 0) {
        snprintf(err, errlen, "msg.db: %s", db_strerror(rc));
        return -1;
    }
    s.cfg = cfg;
    s.quick = o->quick;
    pthread_mutex_init(&s.lock, 0);
    pthread_cond_init(&s.more, 0);
    pthread_cond_init(&s.room, 0);
    w.s = &s;
    w.db = db;
    w.o = o;
    w.res = res;
    w.expect = 1;
    nbytes = (size_t) (w.max / 8 + 1);
    w.live = mycalloc(nbytes, 1);
    w.tomb = mycalloc(nbytes, 1);
    w.gap = mycalloc(nbytes, 1);
    tids = mycalloc((size_t) nthreads, sizeof(pthread_t));
    for (int i = 0; i < nthreads; i++)
        pthread_create(&tids[i], 0, verify_worker, &s);
    rc = verify_each(db->msg, each_record, &w, (size_t) cfg->verify_chunk, 1);
    pthread_mutex_lock(&s.lock);
    s.done = 1;
    pthread_cond_broadcast(&s.more);
    pthread_mutex_unlock(&s.lock);
    for (int i = 0; i < nthreads; i++)
        pthread_join(tids[i], 0);
    myfree(tids);
    if (o->progress)
        o->progress(res->records, w.max, o->ctx);
    if (rc == 0) {
        verify_recheck(&w);
        verify_explain(&w);
        verify_head(&w);
        if ((rc = verify_each(db->id, each_id, &w, BULK, 0)) == 0)
            for (int i = 0; i < 6 && rc == 0; i++) {
                /* Postings (number in the value), then tables keyed by number. */
                DB     *dbs[6] = {db->term, db->date, db->size, db->order, db->pos, db->xtext};
                const char *names[6] = {"term.db", "date.db", "size.db", "order.db", "pos.db",
                                        "xtext.db"};

                w.where = names[i];
                if (dbs[i])
                    rc = i >= 4 ? verify_keys(dbs[i], each_order, &w)
                        : verify_each(dbs[i], i == 3 ? each_order : each_posting, &w,
                                      BULK, 0);
            }
        for (size_t i = 0; i < w.ndang; i++) {
            const DANGLING *dang = w.dang;

            if (bit_get(w.tomb, dang[i].num, w.max))
                problem_add(&s, dang[i].num, 3, "index: %llu %s entr%s at deleted record %llu",
                            (unsigned long long) dang[i].entries, dang[i].where,
                            dang[i].entries == 1 ? "y still points" : "ies still point",
                            (unsigned long long) dang[i].num);
            else
                problem_add(&s, dang[i].num, 3, "index: %llu %s entr%s at record %llu, "
                            "which does not exist", (unsigned long long) dang[i].entries,
                            dang[i].where, dang[i].entries == 1 ? "y points" : "ies point",
                            (unsigned long long) dang[i].num);
        }
    }
    myfree(w.dang);
    if (rc != 0)
        snprintf(err, errlen, "reading the database: %s", db_strerror(rc));
    res->blobs = s.blobs;
    res->bytes = s.bytes;
    if (s.np > 1)
        qsort(s.probs, s.np, sizeof(PROBLEM), problem_cmp);
    for (size_t i = 0; i < s.np; i++) {
        strlist_add(&res->problems, s.probs[i].text);
        myfree(s.probs[i].text);
    }
    myfree(s.probs);
    myfree(w.live);
    myfree(w.tomb);
    myfree(w.gap);
    myfree(w.broken);
    myfree(w.mis);
    pthread_mutex_destroy(&s.lock);
    pthread_cond_destroy(&s.more);
    pthread_cond_destroy(&s.room);
    if (rc != 0)
        return -1;
    return res->problems.n ? 1 : 0;
}

void verify_free(VERIFY_RESULT *res)
{
    strlist_free(&res->problems);
}
