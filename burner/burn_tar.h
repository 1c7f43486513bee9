/*
 * burn_tar.h - a month's archive file: POSIX ustar, zstd-compressed, and
 * with a password encrypted exactly as
 *     openssl enc -aes-256-cbc -pbkdf2 -iter 600000 -md sha256
 * does ("Salted__", 8 bytes of salt, then AES-256-CBC with PKCS#7
 * padding, key and IV from PBKDF2-HMAC-SHA256), so the standard openssl
 * and tar commands alone open it again.
 */
#ifndef MAILARC_BURN_TAR_H
#define MAILARC_BURN_TAR_H

#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "burn_content.h"
#include "burn_iso.h"

#define ARCHIVE_PBKDF2_ITER 600000

/* Members are TOP/<path>.  password may be 0 or "" for no encryption.
 * *size and sha describe the bytes written to fd.  0, or -1 with err. */
int archive_write(const CONFIG *cfg, const char *top, const VLIST *l, const char *password,
                  int level, int fd, BURN_PROGRESS prog, void *ctx, uint64_t *size,
                  char sha[65], char *err, size_t len);

#endif
