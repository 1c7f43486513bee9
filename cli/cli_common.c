/*
 * cli_common.c - database access and id resolution for the CLI.
 */
#include <stdio.h>
#include <stdlib.h>

#include "lookup.h"
#include "cli.h"

ADB    *cli_open_db(const CONFIG *cfg)
{
    char    err[1024];
    int     dberr = 0;
    ADB    *db = adb_open(cfg, ADB_READ, &dberr, err, sizeof(err));

    if (db == 0) {
        fprintf(stderr, "mailarc: the archive is unavailable: %s\n", err);
        exit(EXIT_UNAVAILABLE);
    }
    return db;
}

int cli_record(ADB *db, uint64_t num, MSGREC *rec)
{
    return lookup_record(db, num, rec);
}

void cli_resolve(ADB *db, const char *id, uint64_t *num, MSGREC *rec)
{
    switch (lookup_id(db, id, num, rec)) {
    case LOOKUP_OK:
        return;
    case LOOKUP_BADID:
        fprintf(stderr, "mailarc: \"%s\" is not a message id (12 to 64 hex digits)\n", id);
        exit(EXIT_USAGE);
    case LOOKUP_NOTFOUND:
        fprintf(stderr, "mailarc: no message %s\n", id);
        exit(EXIT_NOTFOUND);
    case LOOKUP_AMBIGUOUS:
        fprintf(stderr, "mailarc: %s is ambiguous; give more digits\n", id);
        exit(EXIT_USAGE);
    default:
        fprintf(stderr, "mailarc: the record of %s is missing or damaged, "
                "or the archive is unavailable\n", id);
        exit(EXIT_UNAVAILABLE);
    }
}
