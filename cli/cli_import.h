/*
 * cli_import.h - the pieces of "mailarc import": where items come from
 * (cli_import_walk.c) and what becomes of each (cli_import.c).
 */
#ifndef MAILARC_CLI_IMPORT_H
#define MAILARC_CLI_IMPORT_H

#include <stddef.h>
#include <sys/types.h>

#include "vstr.h"

enum import_format { IMP_AUTO, IMP_MBOX, IMP_MAILDIR, IMP_EML, IMP_PST };

typedef struct import_ctx IMPORT_CTX;

/* One item found: its location ("FILE" or "FILE:OFFSET"), its bytes (NULL
 * when it could not be read or was too big: why says which), the mbox
 * separator's address (or ""), and how many source bytes it took.
 * Returns 0 to go on, -1 to stop the import. */
int import_item(IMPORT_CTX *ic, const char *where, const VSTR *msg, const char *why,
                const char *from, size_t source_bytes);

/* Walk one SOURCE in the given format, calling import_item for each
 * item; -1 when the walk was stopped. */
int import_walk(IMPORT_CTX *ic, const char *source, enum import_format fmt, size_t max);

/* A mail server as SOURCE (imap://, imaps://, pop3://, pop3s://)? */
int import_is_url(const char *source);

/* Read every message of that server, read-only (cli_import_net.c). */
int import_net(IMPORT_CTX *ic, const char *source, const char *password, const char *ca_file,
               size_t max);

/* Items found under the directory `from` are reported as `as:REST`
 * (messages a PST converter wrote to a temporary directory); NULL: off. */
void import_rename(IMPORT_CTX *ic, const char *from, const char *as);

/* Sum of the sizes of the files a walk would read (for the progress bar). */
off_t import_total(const char *source);

/* Has the user asked to stop (SIGINT, SIGTERM)? */
int import_stopped(void);

#endif
