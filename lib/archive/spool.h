/*
 * spool.h - the durable hand-off between receivers and the indexer.
 *
 * A spool file is the envelope prologue followed by the exact message
 * bytes.  It is written in spool/tmp/, hashed on the way, fsynced, renamed
 * into spool/new/ and the directory fsynced: only after spool_commit()
 * returns 0 may a receiver acknowledge the message.  Any failure leaves no
 * file behind.
 */
#ifndef MAILARC_SPOOL_H
#define MAILARC_SPOOL_H

#include <stddef.h>

#include "envelope.h"
#include "vstr.h"

typedef struct spool_file SPOOL_FILE;

/* Create spool/tmp/<qid> with the prologue.  NULL with err on failure. */
SPOOL_FILE *spool_create(const char *data_dir, ENVELOPE *env, char *err, size_t errlen);
int spool_write(SPOOL_FILE *sp, const void *data, size_t len);    /* 0 or -1 */
long spool_size(const SPOOL_FILE *sp);

/* Fill in size and digest, make durable, publish.  0 or -1 (errno set). */
int spool_commit(SPOOL_FILE *sp, ENVELOPE *env);
void spool_abort(SPOOL_FILE *sp);

/* The same without the fsync of spool/new: for a batch (mailarc import),
 * whose files are published by one spool_sync_new() before any of them
 * is acknowledged.  A crash before it may lose the renames, never what was
 * acknowledged.  spool_sync_new: 0 or -1 (errno). */
int spool_commit_deferred(SPOOL_FILE *sp, ENVELOPE *env);
int spool_sync_new(const char *data_dir);

/*
 * Read a spool file: envelope and message bytes, size and digest checked.
 * When the envelope text is already known (from the ring: the same bytes
 * as the prologue), only the message part of the file is read.
 * 0; SPOOL_DAMAGED when the content is wrong (bad envelope, size, digest);
 * SPOOL_IOERR when it could not be read (errno set): try again later.
 */
#define SPOOL_DAMAGED (-1)
#define SPOOL_IOERR (-2)
int spool_read(const char *path, const char *known, size_t known_len, ENVELOPE *env,
               VSTR *msg, int max_rcpt, char *err, size_t errlen);

/* Entries (not dot files) in data_dir/sub, e.g. "spool/new": the
 * indexing backlog; -1 if the directory cannot be read. */
long spool_count(const char *data_dir, const char *sub);

/* The same, counting only names that end in suffix (with) or do not. */
long spool_count_suffix(const char *data_dir, const char *sub, const char *suffix, int with);

#endif
