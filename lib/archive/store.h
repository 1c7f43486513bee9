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
int store_get(const char *data_dir, int64_t arrival, const char *hex, VSTR *out,
              char *err, size_t errlen);

#endif
