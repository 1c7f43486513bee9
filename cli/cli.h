/*
 * cli.h - the mailarc admin command: shared pieces of its subcommands.
 *
 * Exit status (DESIGN.md): 0 ok, 1 not found / no match, 2 usage or
 * config error, 3 the archive is unavailable.
 */
#ifndef MAILARC_CLI_H
#define MAILARC_CLI_H

#include <stdint.h>

#include "adb.h"
#include "cfg.h"
#include "envelope.h"
#include "query.h"
#include "vstr.h"
#include "record.h"

#define EXIT_NOTFOUND 1
#define EXIT_USAGE 2
#define EXIT_UNAVAILABLE 3

ADB    *cli_open_db(const CONFIG *cfg);

/* Run as root: become the archive's user for good (the spool is its).
 * 0, or -1 with a message naming "mailarc CMD". */
int cli_become_user(const CONFIG *cfg, const char *cmd);

/* Tell the indexer a spool file is ready (a queue notice when the archive
 * runs and the queue is ours to write; else its sweep finds the file). */
void cli_notify_indexer(const CONFIG *cfg, const ENVELOPE *env);

/* Resolve a full id or a unique prefix of >= 12 hex digits; exits with
 * the right status when it cannot. */
void cli_resolve(ADB *db, const char *id, uint64_t *num, MSGREC *rec);

/* Read a record by number; 0 ok, -1 missing or damaged. */
int cli_record(ADB *db, uint64_t num, MSGREC *rec);

/* Who runs the command: SUDO_USER under sudo (as root), else the login
 * of the real uid.  The identity of audit lines and four-eyes approval. */
void cli_invoker(char *buf, size_t len);

/* The words of argv from `from` on, joined by spaces, parsed into q
 * (NULL: only checked); NULL after saying "bad query: why". */
VSTR   *cli_query_args(int argc, char **argv, int from, QUERY *q);
/* Parse text into q (NULL: only check it); 0, or -1 said on stderr. */
int cli_query_check(const char *text, QUERY *q);

int cli_search(const CONFIG *cfg, int argc, char **argv);
int cli_cat(const CONFIG *cfg, int argc, char **argv);
int cli_show(const CONFIG *cfg, int argc, char **argv);
int cli_status(const CONFIG *cfg, int argc, char **argv);
int cli_reindex(const CONFIG *cfg, int argc, char **argv);
int cli_store(const CONFIG *cfg, int argc, char **argv);
int cli_redeliver(const CONFIG *cfg, int argc, char **argv);
int cli_archive(const CONFIG *cfg, int argc, char **argv);
int cli_burn(const CONFIG *cfg, int argc, char **argv);
int cli_verify(const CONFIG *cfg, int argc, char **argv);
int cli_jobs(const CONFIG *cfg, int argc, char **argv);
int cli_drives(const CONFIG *cfg, int argc, char **argv);
/* verify --media: one image or disc against its manifest and the archive. */
int cli_verify_media(const CONFIG *cfg, const char *image);
int cli_deliver(const CONFIG *cfg, int argc, char **argv);
int cli_import(const CONFIG *cfg, int argc, char **argv);
int cli_export(const CONFIG *cfg, int argc, char **argv);
int cli_hold(const CONFIG *cfg, int argc, char **argv);
int cli_retention(const CONFIG *cfg, int argc, char **argv);
int cli_delete(const CONFIG *cfg, int argc, char **argv);

#endif
