/*
 * cli_store.c - mailarc store migrate: move the blobs to where the store
 * key says, while the archive runs (store_move.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"
#include "store_move.h"
#include "cli.h"

typedef struct shown {
    int     tty;
    time_t  last;
} SHOWN;

static void store_progress(const STORE_MOVE_STATS *st, void *ctx)
{
    SHOWN  *s = ctx;
    time_t  now = time(0);

    if (!s->tty || now == s->last)
        return;
    s->last = now;
    fprintf(stderr, "\rmailarc store migrate: %llu moved, %llu already there",
            (unsigned long long) st->moved, (unsigned long long) st->already);
}

int cli_store(const CONFIG *cfg, int argc, char **argv)
{
    STORE_MOVE_STATS st = {0};
    SHOWN   shown = {isatty(2), 0};
    ADB    *db;
    char    err[1024];
    int     dberr = 0;
    const char *to = strcmp(cfg->store, "db") == 0 ? "blob.db" : "files";

    if (argc != 2 || strcmp(argv[1], "migrate") != 0) {
        fprintf(stderr, "usage: mailarc store migrate\n"
                "  moves every blob to where \"store\" in the configuration says (now: %s)\n",
                cfg->store);
        return EXIT_USAGE;
    }
    if (cli_become_user(cfg, "store migrate") < 0)
        return EXIT_USAGE;
    if ((db = adb_open(cfg, ADB_WRITE, &dberr, err, sizeof(err))) == 0) {
        fprintf(stderr, "mailarc: store migrate: %s\n", err);
        return EXIT_UNAVAILABLE;
    }
    st.progress = store_progress;
    st.ctx = &shown;
    if (store_move(cfg->data_dir, db, &st, err, sizeof(err)) < 0) {
        if (shown.tty)
            fputc('\n', stderr);
        fprintf(stderr, "mailarc: store migrate: %s; %llu moved so far, run it again\n", err,
                (unsigned long long) st.moved);
        adb_close(db);
        return EXIT_UNAVAILABLE;
    }
    adb_close(db);
    if (shown.tty && shown.last)
        fputc('\n', stderr);
    printf("store migrate: %llu blob(s) moved to %s, %llu already there, %llu damaged, "
           "%llu failed\n", (unsigned long long) st.moved, to, (unsigned long long) st.already,
           (unsigned long long) st.damaged, (unsigned long long) st.failed);
    return st.damaged || st.failed ? EXIT_NOTFOUND : 0;
}
