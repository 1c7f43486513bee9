/*
 * cli_common.c - database access and id resolution for the CLI.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/digest.h"
#include "../lib/mymalloc.h"
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
    DBT     key = {0}, val = {0};
    unsigned char k[8];
    int     rc;

    adb_num_key(num, k);
    key.data = k;
    key.size = 8;
    val.flags = DB_DBT_MALLOC;
    for (int i = 0; i < ADB_DEADLOCK_RETRIES; i++)
        if ((rc = db->msg->get(db->msg, 0, &key, &val, DB_READ_COMMITTED)) != DB_LOCK_DEADLOCK)
            break;
    if (rc != 0)
        return -1;
    rc = record_decode(val.data, val.size, rec);
    myfree(val.data);
    return rc;
}

void cli_resolve(ADB *db, const char *id, uint64_t *num, MSGREC *rec)
{
    size_t  len = strlen(id);
    unsigned char lo[32];
    DBC    *cur;
    DBT     key = {0}, val = {0};
    unsigned char kbuf[32], vbuf[8];
    int     matches = 0;
    int     rc;

    if (!digest_is_hex(id, 12, 64)) {
        fprintf(stderr, "mailarc: \"%s\" is not a message id (12 to 64 hex digits)\n", id);
        exit(EXIT_USAGE);
    }
    /* The smallest key with this prefix: the prefix, then zero bits. */
    memset(lo, 0, sizeof(lo));
    for (size_t i = 0; i < len; i++) {
        int     v = digest_hexval(id[i]);

        lo[i / 2] |= (unsigned char) (i % 2 ? v : v << 4);
    }
    for (int attempt = 0;; attempt++) {
        matches = 0;
        if (db->id->cursor(db->id, 0, &cur, DB_READ_COMMITTED) != 0) {
            fprintf(stderr, "mailarc: the archive is unavailable\n");
            exit(EXIT_UNAVAILABLE);
        }
        memcpy(kbuf, lo, 32);
        key.data = kbuf;
        key.size = 32;
        key.ulen = 32;
        key.flags = DB_DBT_USERMEM;
        val.data = vbuf;
        val.ulen = 8;
        val.flags = DB_DBT_USERMEM;
        for (rc = cur->get(cur, &key, &val, DB_SET_RANGE); rc == 0 && matches < 2;
             rc = cur->get(cur, &key, &val, DB_NEXT)) {
            char    hex[DIGEST_HEXLEN + 1];

            if (key.size != 32)
                break;
            digest_hex(kbuf, hex);
            if (strncasecmp(hex, id, len) != 0)
                break;
            if (matches++ == 0)
                *num = adb_key_num(vbuf);
        }
        cur->close(cur);
        if (rc != DB_LOCK_DEADLOCK)
            break;
        if (attempt == ADB_DEADLOCK_RETRIES) {
            fprintf(stderr, "mailarc: the archive is busy; try again\n");
            exit(EXIT_UNAVAILABLE);
        }
    }
    if (rc != 0 && rc != DB_NOTFOUND) {
        fprintf(stderr, "mailarc: the archive is unavailable: %s\n", db_strerror(rc));
        exit(EXIT_UNAVAILABLE);
    }
    if (matches == 0) {
        fprintf(stderr, "mailarc: no message %s\n", id);
        exit(EXIT_NOTFOUND);
    }
    if (matches > 1) {
        fprintf(stderr, "mailarc: %s is ambiguous; give more digits\n", id);
        exit(EXIT_USAGE);
    }
    if (cli_record(db, *num, rec) < 0) {
        fprintf(stderr, "mailarc: the record of %s is missing or damaged\n", id);
        exit(EXIT_UNAVAILABLE);
    }
}
