/*
 * cli_common.c - database access, id resolution, the archive's user and
 * the indexer notice for the CLI.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../ipc/ipc_handoff.h"
#include "lookup.h"
#include "privs.h"
#include "cli.h"

int cli_become_user(const CONFIG *cfg, const char *cmd)
{
    struct passwd *pw;

    if (geteuid() != 0)
        return 0;
    if ((pw = getpwnam(cfg->user)) == 0 || pw->pw_uid == 0) {
        fprintf(stderr, "mailarc %s: user \"%s\" does not exist or is root\n", cmd, cfg->user);
        return -1;
    }
    if (privs_drop(pw->pw_uid, pw->pw_gid) < 0) {
        fprintf(stderr, "mailarc %s: cannot become %s: %s\n", cmd, cfg->user, strerror(errno));
        return -1;
    }
    return 0;
}

void cli_notify_indexer(const CONFIG *cfg, const ENVELOPE *env)
{
    static int tried;
    static CHILD c;
    char    run[4096];

    if (!tried) {
        tried = 1;
        snprintf(run, sizeof(run), "%s/run", cfg->data_dir);
        if (ipc_ids_read(&c.ids, run) < 0)
            c.ids.msq = -1;
    }
    ipc_handoff(&c, env);
}

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
    case LOOKUP_NOTFOUND: {
        uint64_t tomb = lookup_deleted(db, id);

        if (tomb)
            fprintf(stderr, "mailarc: %s was lawfully deleted (its tombstone is record %llu; "
                    "mailarc delete --list says by whom)\n", id, (unsigned long long) tomb);
        else
            fprintf(stderr, "mailarc: no message %s\n", id);
        exit(EXIT_NOTFOUND);
    }
    case LOOKUP_AMBIGUOUS:
        fprintf(stderr, "mailarc: %s is ambiguous; give more digits\n", id);
        exit(EXIT_USAGE);
    default:
        fprintf(stderr, "mailarc: the record of %s is missing or damaged, "
                "or the archive is unavailable\n", id);
        exit(EXIT_UNAVAILABLE);
    }
}

void cli_invoker(char *buf, size_t len)
{
    const char *sudo = getenv("SUDO_USER");
    struct passwd *pw;

    /* Only root can have been started by sudo; anyone may set the variable. */
    if (getuid() == 0 && sudo && *sudo && strcspn(sudo, " \t\r\n\"\\") == strlen(sudo))
        snprintf(buf, len, "%s", sudo);
    else if ((pw = getpwuid(getuid())) != 0)
        snprintf(buf, len, "%s", pw->pw_name);
    else
        snprintf(buf, len, "uid%lu", (unsigned long) getuid());
}

int cli_query_check(const char *text, QUERY *q)
{
    QUERY   tmp;
    char    err[512];

    if (query_parse(text, q ? q : &tmp, err, sizeof(err)) < 0) {
        fprintf(stderr, "mailarc: bad query: %s\n", err);
        return -1;
    }
    if (q == 0)
        query_free(&tmp);
    return 0;
}

VSTR   *cli_query_args(int argc, char **argv, int from, QUERY *q)
{
    VSTR   *text = vstr_alloc(256);

    for (int i = from; i < argc; i++) {
        if (text->len)
            vstr_addch(text, ' ');
        vstr_addstr(text, argv[i]);
    }
    if (cli_query_check(text->s, q) < 0) {
        vstr_free(text);
        return 0;
    }
    return text;
}
