/*
 * lookup.h - find one stored message: by number, or by its id (the full
 * SHA-256 in hex or a unique prefix of 12 or more hex digits).
 *
 * Readers retry when chosen as a deadlock victim while the indexer
 * commits; every other failure is returned, never printed or exited on,
 * so the CLI and the web panel each answer in their own way.
 */
#ifndef MAILARC_LOOKUP_H
#define MAILARC_LOOKUP_H

#include <stddef.h>
#include <stdint.h>

#include "adb.h"
#include "record.h"

enum {
    LOOKUP_OK = 0,
    LOOKUP_NOTFOUND = 1,            /* no such message */
    LOOKUP_BADID = 2,               /* not 12 to 64 hex digits */
    LOOKUP_AMBIGUOUS = 3,           /* the prefix names more than one */
    LOOKUP_UNAVAILABLE = 4,         /* a database error; the record is damaged */
};

/* Read a record by number; 0 ok, -1 missing or damaged. */
int lookup_record(ADB *db, uint64_t num, MSGREC *rec);

/* Resolve id; LOOKUP_OK with *num and rec filled, else one of the codes. */
int lookup_id(ADB *db, const char *id, uint64_t *num, MSGREC *rec);

/* A lawful deletion leaves meta.db "deleted/ID" -> its tombstone's
 * number, so a full id that is not found can still be told apart from
 * one that never was.  The key for hex (64 digits) into key. */
void lookup_deleted_key(const char *hex, char *key, size_t len);
/* The tombstone's number of a deleted full id, or 0. */
uint64_t lookup_deleted(ADB *db, const char *hex);

#endif
