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
#include "record.h"

#define EXIT_NOTFOUND 1
#define EXIT_USAGE 2
#define EXIT_UNAVAILABLE 3

ADB    *cli_open_db(const CONFIG *cfg);

/* Resolve a full id or a unique prefix of >= 12 hex digits; exits with
 * the right status when it cannot. */
void cli_resolve(ADB *db, const char *id, uint64_t *num, MSGREC *rec);

/* Read a record by number; 0 ok, -1 missing or damaged. */
int cli_record(ADB *db, uint64_t num, MSGREC *rec);

int cli_search(const CONFIG *cfg, int argc, char **argv);
int cli_cat(const CONFIG *cfg, int argc, char **argv);
int cli_show(const CONFIG *cfg, int argc, char **argv);
int cli_status(const CONFIG *cfg, int argc, char **argv);
int cli_reindex(const CONFIG *cfg, int argc, char **argv);
int cli_redeliver(const CONFIG *cfg, int argc, char **argv);
int cli_archive(const CONFIG *cfg, int argc, char **argv);
int cli_burn(const CONFIG *cfg, int argc, char **argv);
int cli_verify(const CONFIG *cfg, int argc, char **argv);
int cli_jobs(const CONFIG *cfg, int argc, char **argv);
int cli_drives(const CONFIG *cfg, int argc, char **argv);
int cli_deliver(const CONFIG *cfg, int argc, char **argv);

#endif
