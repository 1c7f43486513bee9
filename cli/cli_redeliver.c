/*
 * cli_redeliver.c - "mailarc redeliver (-r | -e ADDR) ID...": send
 * archived messages again, to their original recipients (-r) or to one
 * address (-e), through relay_host.
 *
 * One line per recipient: id, recipient, "sent" or "REFUSED", and the
 * relay's reply, so a refused recipient is never hidden.  Exit status 0
 * when every message reached every recipient, 1 when a message was not
 * found or a recipient was refused, 3 when the relay could not be used.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "digest.h"
#include "lookup.h"
#include "redeliver.h"
#include "store.h"
#include "cli.h"

static int cli_redeliver_one(const CONFIG *cfg, ADB *db, const char *id, const char *to)
{
    uint64_t num;
    MSGREC  r;
    STRLIST rcpts;
    SMTPC_REPORT rep;
    char    hex[DIGEST_HEXLEN + 1], err[1024];
    VSTR   *msg;
    int     rc, status = 0;

    switch (lookup_id(db, id, &num, &r)) {
    case LOOKUP_OK:
        break;
    case LOOKUP_BADID:
        printf("%s  -  NOT FOUND  not a message id (12 to 64 hex digits)\n", id);
        return EXIT_NOTFOUND;
    case LOOKUP_AMBIGUOUS:
        printf("%s  -  NOT FOUND  ambiguous; give more digits\n", id);
        return EXIT_NOTFOUND;
    case LOOKUP_NOTFOUND:
        printf("%s  -  NOT FOUND  no such message\n", id);
        return EXIT_NOTFOUND;
    default:
        printf("%s  -  FAILED  the archive is unavailable\n", id);
        return EXIT_UNAVAILABLE;
    }
    digest_hex(r.sha, hex);
    msg = vstr_alloc((size_t) r.size + 1);
    if (store_get(cfg->data_dir, db, r.arrival, hex, msg, err, sizeof(err)) < 0) {
        printf("%s  -  FAILED  cannot read the message: %s\n", hex, err);
        vstr_free(msg);
        record_free(&r);
        return EXIT_UNAVAILABLE;
    }
    if (to) {
        strlist_init(&rcpts);
        strlist_add(&rcpts, to);
    } else {
        redeliver_original(&r, &rcpts);
    }
    if (rcpts.n == 0) {
        printf("%s  -  FAILED  the message has no recipients to send to\n", hex);
        status = EXIT_NOTFOUND;
    } else {
        rc = redeliver_send(cfg, &r, msg->s, msg->len, &rcpts, &rep, err, sizeof(err));
        for (int i = 0; i < rep.rcpt.n; i++) {
            printf("%s  %s  %s  %s\n", hex, rep.rcpt.v[i], rep.ok[i] ? "sent" : "REFUSED",
                   rep.reply.v[i]);
            if (!rep.ok[i])
                status = EXIT_NOTFOUND;
        }
        if (rc < 0) {
            fprintf(stderr, "mailarc: %s: %s\n", hex, err);
            status = rep.refused == 0 ? EXIT_UNAVAILABLE : EXIT_NOTFOUND;
        }
        smtpc_report_free(&rep);
    }
    strlist_free(&rcpts);
    vstr_free(msg);
    record_free(&r);
    return status;
}

int cli_redeliver(const CONFIG *cfg, int argc, char **argv)
{
    const char *to = 0;
    int     original = 0, ch, status = 0;
    ADB    *db;

    while ((ch = getopt(argc, argv, "+re:")) != -1) {
        switch (ch) {
        case 'r': original = 1; break;
        case 'e': to = optarg; break;
        default: goto usage;
        }
    }
    if (original == (to != 0) || optind >= argc)
        goto usage;
    if (to && !redeliver_addr_ok(to)) {
        fprintf(stderr, "mailarc: \"%s\" is not an e-mail address\n", to);
        return EXIT_USAGE;
    }
    if (smtpc_tls_mode(cfg->relay_tls) < 0)
        return EXIT_USAGE;
    db = cli_open_db(cfg);
    for (int i = optind; i < argc; i++) {
        int     rc = cli_redeliver_one(cfg, db, argv[i], to);

        if (rc > status)
            status = rc;
    }
    adb_close(db);
    return status;
usage:
    fprintf(stderr, "usage: mailarc redeliver (-r | -e ADDRESS) ID...\n");
    return EXIT_USAGE;
}
