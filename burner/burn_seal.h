/*
 * burn_seal.h - the signed files on every volume and archive file.
 *
 * Before the manifest: a fresh seal of the archive (SEAL.TXT and its
 * signature SEAL.TXT.sig), every earlier seal (SEALS.TXT) and the public
 * key (seal.pub).  After it: MANIFEST.XML.sig, and SHA256SUMS (every other
 * file, in sha256sum's format) with SHA256SUMS.sig.  README.TXT says how
 * to check them with openssl and sha256sum alone.
 */
#ifndef MAILARC_BURN_SEAL_H
#define MAILARC_BURN_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "adb.h"
#include "cfg.h"
#include "burn_content.h"

int burn_seal_add(const CONFIG *cfg, ADB *db, VLIST *l, int64_t created, char *err, size_t len);
/* After the manifest was added (it is the last file of l). */
int burn_seal_sign(const CONFIG *cfg, VLIST *l, int64_t created, char *err, size_t len);

#endif
