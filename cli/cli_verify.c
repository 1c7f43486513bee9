/*
 * cli_verify.c - "mailarc verify": the archive (blobs, chain, index and
 * seals), the audit log's chain, or one image or disc (read-only, with
 * libcdio, in mailarc-media: see cli_media.c).
 *
 * One line per problem, then a summary; exit 0 when intact, 1 otherwise,
 * 2 on usage errors, 3 when the archive cannot be read.  A progress bar
 * goes to standard error when it is a terminal.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auditlog.h"
#include "date.h"
#include "seal.h"
#include "verify.h"
#include "cli.h"

#define VERIFY_USAGE "usage: mailarc verify [--since YYYY-MM-DD] [--quick] | --audit | " \
    "--media FILE.iso|DEVICE\n"

static void verify_out(void *ctx, const char *line)
{
    (void) ctx;
    printf("%s\n", line);
}

static void cli_progress(uint64_t done, uint64_t total, void *ctx)
{
    int     width = 40, fill;

    (void) ctx;
    if (total == 0)
        total = 1;
    if (done > total)
        done = total;
    fill = (int) (done * (uint64_t) width / total);
    fprintf(stderr, "\r[%.*s%*s] %3d%% %llu/%llu records", fill,
            "========================================", width - fill, "",
            (int) (done * 100 / total), (unsigned long long) done, (unsigned long long) total);
    if (done == total)
        fputc('\n', stderr);
}

static int cli_verify_audit(const CONFIG *cfg)
{
    AUDIT_CHECK res;
    SEAL_CHECK sres;
    char    err[1024];
    int     rc;

    rc = auditlog_verify(cfg, verify_out, 0, &res, err, sizeof(err));
    if (rc < 0) {
        fprintf(stderr, "mailarc: verify --audit: %s\n", err);
        return EXIT_UNAVAILABLE;
    }
    /* The seals hold the head: they find lines cut off the end. */
    if (seal_check_audit(cfg, verify_out, 0, &sres) < 0)
        rc = 1;
    res.problems += sres.problems;
    printf("%s  audit log: %llu lines, %llu seal%s, %llu problem%s\n", rc ? "FAILED" : "OK",
           (unsigned long long) res.lines, (unsigned long long) sres.seals,
           sres.seals == 1 ? "" : "s", (unsigned long long) res.problems,
           res.problems == 1 ? "" : "s");
    return rc ? EXIT_NOTFOUND : 0;
}

int cli_verify(const CONFIG *cfg, int argc, char **argv)
{
    static const struct option opts[] = {
        {"media", required_argument, 0, 'm'},
        {"since", required_argument, 0, 's'},
        {"quick", no_argument, 0, 'q'},
        {"audit", no_argument, 0, 'a'},
        {0, 0, 0, 0},
    };
    const char *image = 0;
    int     audit = 0, c, rc;
    VERIFY_OPTS o;
    VERIFY_RESULT res;
    SEAL_CHECK sres;
    ADB    *db;
    char    err[1024];

    memset(&o, 0, sizeof(o));
    while ((c = getopt_long(argc, argv, "", opts, 0)) != -1) {
        switch (c) {
        case 'm': image = optarg; break;
        case 'q': o.quick = 1; break;
        case 'a': audit = 1; break;
        case 's': {
            time_t  t;

            if (date_parse_day(optarg, &t) < 0) {
                fprintf(stderr, "mailarc: verify: --since needs YYYY-MM-DD, not \"%s\"\n", optarg);
                return EXIT_USAGE;
            }
            o.since = (int64_t) t;
            break;
        }
        default:
            fputs(VERIFY_USAGE, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind != argc || (image && (audit || o.quick || o.since)) || (audit && (o.quick || o.since))) {
        fputs(VERIFY_USAGE, stderr);
        return EXIT_USAGE;
    }
    if (image)
        return cli_verify_media(cfg, image);
    if (audit)
        return cli_verify_audit(cfg);
    if (isatty(2))
        o.progress = cli_progress;
    db = cli_open_db(cfg);
    rc = verify_archive(cfg, db, &o, &res, err, sizeof(err));
    if (rc < 0) {
        adb_close(db);
        fprintf(stderr, "mailarc: verify: %s\n", err);
        return EXIT_UNAVAILABLE;
    }
    for (int i = 0; i < res.problems.n; i++)
        printf("%s\n", res.problems.v[i]);
    /* The seals: each signed, and each head still in the chain. */
    if (seal_check_log(cfg, db, verify_out, 0, &sres) < 0)
        rc = 1;
    adb_close(db);
    printf("%s  %llu records (%llu deleted), %llu blobs %s, %llu bytes; %llu seal%s; "
           "%llu problem%s\n", rc ? "FAILED" : "OK", (unsigned long long) res.records,
           (unsigned long long) res.tombstones, (unsigned long long) res.blobs,
           o.quick ? "present" : "checked", (unsigned long long) res.bytes,
           (unsigned long long) sres.seals, sres.seals == 1 ? "" : "s",
           (unsigned long long) (res.problems.n + sres.problems),
           res.problems.n + sres.problems == 1 ? "" : "s");
    verify_free(&res);
    return rc ? EXIT_NOTFOUND : 0;
}
