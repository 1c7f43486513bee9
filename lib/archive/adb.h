/*
 * adb.h - the archive's Berkeley DB environment and databases.
 *
 * Schema (all btree, keys big-endian where numeric):
 *   msg.db    num(8)          -> record (record.h)
 *   id.db     sha256(32)      -> num(8)
 *   qid.db    queue id        -> num(8)      envelopes already merged
 *   term.db   "k:value"       -> nums        DB_DUPSORT posting lists, in
 *                                            blocks of numbers (postblock.h)
 *   date.db   date(8, biased) -> num(8)      DB_DUPSORT
 *   size.db   size(8)         -> num(8)      DB_DUPSORT
 *   order.db  num(8)          -> date(8) size(8)   what ordering and range
 *                                                  checks need, without records
 *             (NULL for a reader of an archive whose daemon predates it)
 *   pos.db    num(8)          -> word positions (fwd.h), for phrases
 *   xtext.db  num(8)          -> attachment text or why there is none (xtext.h)
 *             (both NULL for a reader of an archive whose daemon predates them)
 *   blob.db   sha256(32)      -> a blob (store.h), when store = db; 16 KB pages
 *             (NULL for a reader of an archive whose daemon predates it)
 *   meta.db   name            -> value       sequence, chain head, count,
 *                                            "day:YYYY-MM-DD" messages first
 *                                            arrived that day (UTC)
 *   media.db  num(8)          -> volume name DB_DUPSORT: the media volumes a
 *                                            message was written to
 *   volume.db volume name     -> "key=value" lines (catalog.h)
 *             (both written by mailarc-burner only; NULL for a reader of an
 *             archive whose daemon predates them)
 *
 * Three ways in: the master creates/recovers the environment before any
 * child exists (ADB_RECOVER); the indexer joins it to write (ADB_WRITE);
 * the CLI and the web panel join it read-only (ADB_READ).  Every process
 * registers for failchk, so a crashed writer is detected by the master.
 */
#ifndef MAILARC_ADB_H
#define MAILARC_ADB_H

#include <db.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"

/* ADB_READ_SHARED: read-only from a threaded process whose threads take
 * turns (the web panel): they share one identity for failchk, so threads
 * that come and go do not fill the environment's thread table. */
typedef enum { ADB_RECOVER, ADB_WRITE, ADB_READ, ADB_READ_SHARED, ADB_CATALOG } ADB_MODE;

typedef struct adb {
    DB_ENV *env;
    DB     *msg, *id, *qid, *term, *date, *size, *order, *meta, *media, *volume, *pos, *xtext;
    DB     *blob;
    DB_SEQUENCE *seq;
    int     store_db;               /* store = db: new blobs go to blob.db */
    ADB_MODE mode;
    int     dead;                   /* marked dead by adb_panic() */
    struct adb *next_dead;
} ADB;

/* Open; NULL with err set.  *dberr gets the Berkeley DB code. */
ADB    *adb_open(const CONFIG *cfg, ADB_MODE mode, int *dberr, char *err, size_t errlen);
void adb_close(ADB *db);

/* Master: 0 ok; DB_RUNRECOVERY when recovery is needed. */
int adb_failchk(ADB *db);

/* Master, before recovery: mark the environment dead for every process
 * in it.  A thread that died inside the library may still hold a region
 * mutex; after this, every call (adb_close() included) returns at once
 * with DB_RUNRECOVERY instead of waiting on that mutex for ever.  The
 * library then frees nothing of the handles but their files: adb_close()
 * keeps them on a list (some 40 KB per recovery) rather than lose them. */
void adb_panic(ADB *db);

/* Keys. */
void adb_num_key(uint64_t num, unsigned char key[8]);
uint64_t adb_key_num(const void *key);
void adb_date_key(int64_t date, unsigned char key[8]);
int64_t adb_key_date(const void *key);

/* How often a reader retries an operation chosen as a deadlock victim
 * while the indexer commits. */
#define ADB_DEADLOCK_RETRIES 50

/* put(); an entry already there (DB_KEYEXIST under DB_NOOVERWRITE or
 * DB_NODUPDATA) is success.  0 or a Berkeley DB error. */
int adb_put(DB *dbp, DB_TXN *txn, const void *k, size_t klen, const void *v, size_t vlen,
            u_int32_t flags);

/* Read a meta counter (0 if absent). */
uint64_t adb_meta_u64(ADB *db, DB_TXN *txn, const char *name);
int adb_meta_put_u64(ADB *db, DB_TXN *txn, const char *name, uint64_t v);
/* Messages that can be found: "count" (records, the chain's length)
 * less "deleted" (tombstones of lawful deletions). */
uint64_t adb_meta_live(ADB *db, DB_TXN *txn);

/* Walk msg.db from record number from on: a read-committed cursor *c
 * (NULL when it could not be made), the first record at or after from
 * read into key (its number in kbuf) and val (DB_DBT_REALLOC: the caller
 * frees val->data).  Returns that get's result; go on with DB_NEXT. */
int adb_msg_from(ADB *db, uint64_t from, DBC **c, DBT *key, DBT *val, unsigned char kbuf[8]);

/* The meta key of a day's arrival counter: "day:YYYY-MM-DD" (UTC). */
void adb_day_key(int64_t when, char *buf, size_t len);

#endif
