/*
 * store.h - one compressed blob per distinct message.
 *
 * A blob is "MAZ1", the original size (8 bytes, big-endian) and a zstd
 * frame.  It lives in one of two places, as the store key says:
 *   files  store/YYYY/MM/DD/<sha256> by first arrival (UTC).  store_put()
 *          writes through a temporary name and rename, without fsync: the
 *          indexer makes a whole batch durable with store_sync() before it
 *          commits the batch.
 *   db     blob.db in the Berkeley DB environment, keyed by the binary
 *          SHA-256, written in the transaction of the message's record
 *          (store_put_db() with that transaction).
 * Reads look in both places, so an archive in the middle of "mailarc
 * store migrate" reads every message; a migration makes the new copy
 * durable before it removes the old.  store_get() always checks the
 * digest.  A NULL db means files only.
 */
#ifndef MAILARC_STORE_H
#define MAILARC_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "adb.h"
#include "vstr.h"

void store_path(const char *data_dir, int64_t arrival, const char *hex, VSTR *out);

/* The blob of msg into out: 0, or -1 with err. */
int store_pack(const char *msg, size_t len, int level, VSTR *out, char *err, size_t errlen);
/* A packed blob as a file: 0, or -1 with err. */
int store_put_packed(const char *data_dir, int64_t arrival, const char *hex, const char *blob,
                     size_t blen, char *err, size_t errlen);
/* A packed blob into blob.db within txn (NULL: on its own): 0 or a
 * Berkeley DB error (DB_LOCK_DEADLOCK: the caller retries its transaction). */
int store_put_db(ADB *db, DB_TXN *txn, const unsigned char sha[32], const char *blob, size_t blen);
/* Pack and store where db says (NULL: a file); a blob.db write commits on
 * its own.  0, or -1 with err. */
int store_put(const char *data_dir, ADB *db, int64_t arrival, const char *hex,
              const char *msg, size_t len, int level, char *err, size_t errlen);
/* Make durable what this process stored or unlinked since the last call:
 * each file's data, then each directory changed.  0, or -1 with err. */
int store_sync(const char *data_dir, char *err, size_t errlen);
/* 0, or STORE_MISSING (no blob) or STORE_CHANGED (any other failure). */
int store_get(const char *data_dir, ADB *db, int64_t arrival, const char *hex, VSTR *out,
              char *err, size_t errlen);
/* The packed bytes of blob.db's entry (quick: its header only) into blob:
 * 0, STORE_MISSING or STORE_CHANGED (a database error). */
int store_fetch_db(ADB *db, const char *hex, int quick, VSTR *blob, char *err, size_t errlen);
/* The same of the blob's file; where gets its path. */
int store_fetch_file(const char *data_dir, int64_t arrival, const char *hex, int quick,
                     VSTR *where, VSTR *blob, char *err, size_t errlen);
/* The packed bytes from wherever the blob is (its file, blob.db, its file
 * again: see store_get), for store_check_blob(); where gets the place. */
int store_fetch(const char *data_dir, ADB *db, int64_t arrival, const char *hex, int quick,
                VSTR *where, VSTR *blob, char *err, size_t errlen);
/* Unlink a blob file, no fsync (store_sync() after many): 0, or -1 with
 * err; a file already gone is success. */
int store_unlink(const char *data_dir, int64_t arrival, const char *hex, char *err, size_t errlen);

#define STORE_CHANGED (-1)
#define STORE_MISSING (-2)

/* Checking many blobs (mailarc verify): buffers reused across calls; one
 * per thread.  quick checks presence, magic and size only.  A thread of
 * its own passes a NULL db (Berkeley DB handles here are not shared by
 * threads) and gets blob.db entries from store_fetch_db() in the thread
 * that owns db, for store_check_blob() (where: what errors name; NULL:
 * "blob.db:HEX").  The message is then in c->out. */
typedef struct store_check {
    VSTR   *path, *blob, *out;
    struct ZSTD_DCtx_s *dctx;
} STORE_CHECK;
STORE_CHECK *store_check_create(void);
void store_check_free(STORE_CHECK *c);
int store_check(STORE_CHECK *c, const char *data_dir, ADB *db, int64_t arrival, const char *hex,
                int64_t size, int quick, char *err, size_t errlen);
int store_check_blob(STORE_CHECK *c, const char *where, const char *hex, int64_t size, int quick,
                     const VSTR *blob, char *err, size_t errlen);

/* A lawful deletion: unlink the blob and fsync its directory, and delete
 * its blob.db entry; a blob already gone is success.  0 or -1. */
int store_remove(const char *data_dir, ADB *db, int64_t arrival, const char *hex, char *err,
                 size_t errlen);

#endif
