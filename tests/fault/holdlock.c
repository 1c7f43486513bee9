/*
 * holdlock.c - a database reader that stops while it holds a lock.
 *
 * Test helper: joins the archive's environment read-only as `mailarc` does,
 * positions a cursor on the first record of msg.db (which holds a read lock
 * on that page), says "held" on stdout and waits.  A test then kills it with
 * SIGKILL, as an operator or the OOM killer would kill a reader, and checks
 * that the archive goes on indexing and answering readers.
 *
 *   holdlock CONFIG
 */
#include <stdio.h>
#include <unistd.h>

#include "adb.h"
#include "cfg.h"

int main(int argc, char **argv)
{
    CONFIG  cfg;
    char    err[1024];
    int     dberr = 0;
    ADB    *db;
    DBC    *cur;
    DBT     key = {0}, val = {0};
    int     rc;

    if (argc != 2) {
        fprintf(stderr, "usage: holdlock CONFIG\n");
        return 2;
    }
    if (cfg_load(&cfg, argv[1], err, sizeof(err)) < 0) {
        fprintf(stderr, "holdlock: %s\n", err);
        return 2;
    }
    if ((db = adb_open(&cfg, ADB_READ, &dberr, err, sizeof(err))) == 0) {
        fprintf(stderr, "holdlock: %s\n", err);
        return 3;
    }
    if ((rc = db->msg->cursor(db->msg, 0, &cur, 0)) != 0
        || (rc = cur->get(cur, &key, &val, DB_FIRST)) != 0) {
        fprintf(stderr, "holdlock: msg.db: %s\n", db_strerror(rc));
        return 3;
    }
    printf("held\n");
    fflush(stdout);
    for (;;)
        pause();
}
