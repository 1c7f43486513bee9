/*
 * seal.h - signed chain heads: the appliance's Ed25519 key and log/seals.
 *
 * A seal is one line of text, signed with its newline:
 *   mailarc-seal time=TIME records=N last=ID chain=HEX audit-lines=N audit=HEX
 * (records: the number of the last record, whose id and chain value
 * follow; audit: the hash of the audit log's last line, auditlog.h).  In
 * log/seals each is followed by " sig=BASE64" (the 64-byte Ed25519
 * signature).  The key is made by the archive's user at first start,
 * seal_key (default data_dir/seal.key, 0600), its public half in
 * data_dir/seal.pub (PEM), so that "openssl pkeyutl -verify -pubin
 * -inkey seal.pub -rawin" checks a seal or a disc with no mailarc.
 */
#ifndef MAILARC_SEAL_H
#define MAILARC_SEAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "adb.h"
#include "cfg.h"
#include "vstr.h"

#define SEAL_SIGLEN 64

/* The master, at start: make the key pair unless it exists (the private
 * key given to uid/gid, the archive's user; -1: left to the caller) and
 * log/seals (the same owner; append-only where the file system can).
 * Both live in root's directories (data_dir, log/), opened without
 * following links.  0, or -1 with err set. */
int seal_key_ensure(const CONFIG *cfg, uid_t uid, gid_t gid, char *err, size_t errlen);
void seal_pub_path(const CONFIG *cfg, VSTR *out);

/* SHA-256 of the public key's DER form: what "openssl pkey -pubin -in
 * seal.pub -outform DER | sha256sum" prints.  0, or -1 without a key. */
int seal_fingerprint(const CONFIG *cfg, char hex[65]);

/* Sign data with the key; 0, or -1 with err set. */
int seal_sign(const CONFIG *cfg, const void *data, size_t len, unsigned char sig[SEAL_SIGLEN],
              char *err, size_t errlen);

/* Seal the archive now: text (the signed line, newline included) and
 * sig; the seal is appended to log/seals and fsynced.  0, or -1 with err. */
int seal_now(const CONFIG *cfg, ADB *db, VSTR *text, unsigned char sig[SEAL_SIGLEN],
             char *err, size_t errlen);

/* When the last seal was made (0: never). */
time_t seal_last(const CONFIG *cfg);

typedef struct seal_check {
    uint64_t seals, problems;
} SEAL_CHECK;

/* Every seal in log/seals: its signature, and that the record it names
 * still carries the chain value and id it sealed.  Problems go to out.
 * 0 all good, -1 problems. */
int seal_check_log(const CONFIG *cfg, ADB *db, void (*out)(void *, const char *), void *ctx,
                   SEAL_CHECK *res);
/* The same for the audit heads the seals hold. */
int seal_check_audit(const CONFIG *cfg, void (*out)(void *, const char *), void *ctx,
                     SEAL_CHECK *res);

#endif
