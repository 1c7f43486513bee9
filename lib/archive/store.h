/*
 * store.h - one compressed blob per distinct message under store/.
 *
 * Path: store/YYYY/MM/DD/<sha256> by first arrival (UTC).  A blob is
 * "MAZ1", the original size (8 bytes, big-endian) and a zstd frame.
 * store_put() writes through a temporary name and rename, without fsync:
 * the indexer makes a whole batch durable with store_sync() before it
 * commits the batch.  store_get() always checks the digest.
 */
#ifndef MAILARC_STORE_H
#define MAILARC_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "vstr.h"

void store_path(const char *data_dir, int64_t arrival, const char *hex, VSTR *out);
int store_put(const char *data_dir, int64_t arrival, const char *hex,
              const char *msg, size_t len, int level, char *err, size_t errlen);
int store_sync(const char *data_dir, char *err, size_t errlen);
/* 0, or STORE_MISSING (no blob) or STORE_CHANGED (any other failure). */
int store_get(const char *data_dir, int64_t arrival, const char *hex, VSTR *out,
              char *err, size_t errlen);

#define STORE_CHANGED (-1)
#define STORE_MISSING (-2)

/* Checking many blobs (mailarc verify): buffers reused across calls; one
 * per thread.  quick checks presence, magic and size only. */
typedef struct store_check {
    VSTR   *path, *blob, *out;
    struct ZSTD_DCtx_s *dctx;
} STORE_CHECK;
STORE_CHECK *store_check_create(void);
void store_check_free(STORE_CHECK *c);
int store_check(STORE_CHECK *c, const char *data_dir, int64_t arrival, const char *hex,
                int64_t size, int quick, char *err, size_t errlen);

/* A lawful deletion: unlink the blob and fsync its directory; a blob
 * already gone is success.  0 or -1. */
int store_remove(const char *data_dir, int64_t arrival, const char *hex, char *err, size_t errlen);

#endif
