/*
 * mailarc.c - the admin command: option parsing and dispatch.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "msg.h"
#include "words.h"
#include "cli.h"

static void usage(void)
{
    fprintf(stderr,
            "usage: mailarc [-c FILE] status\n"
            "       mailarc [-c FILE] search [--json] [--count] [--limit N] [--offset N]\n"
            "                        [--as LOGIN] QUERY...\n"
            "       mailarc [-c FILE] cat ID | cat --journal REPORT-ID\n"
            "       mailarc [-c FILE] show ID\n"
            "       mailarc [-c FILE] reindex [--extract]\n"
            "       mailarc [-c FILE] store migrate\n"
            "       mailarc [-c FILE] redeliver (-r | -e ADDRESS) ID...\n"
            "       mailarc [-c FILE] archive [-s YY-MM-DD]\n"
            "       mailarc [-c FILE] burn [--media cd|dvd|dvd-dl|bd|udo30|udo60|udo120]\n"
            "                        [--month YYYY-MM]\n"
            "       mailarc [-c FILE] verify [--since YYYY-MM-DD] [--quick] | --audit\n"
            "       mailarc [-c FILE] verify --media FILE.iso|DEVICE\n"
            "       mailarc [-c FILE] jobs\n"
            "       mailarc [-c FILE] drives\n"
            "       mailarc [-c FILE] deliver -f SENDER [-i QUEUEID] [--] RCPT...\n"
            "       mailarc [-c FILE] import [--format mbox|maildir|eml|imap|pop3]\n"
            "                        [--recipient ADDR]... [--report FILE|-]\n"
            "                        [--password-file FILE] [--ca-file FILE] SOURCE...\n"
            "       mailarc [-c FILE] export [--format mbox|eml] --out DIR [--as LOGIN] QUERY...\n"
            "       mailarc [-c FILE] hold add NAME [--reason TEXT] QUERY... | hold list\n"
            "                        | hold release NAME\n"
            "       mailarc [-c FILE] retention\n"
            "       mailarc [-c FILE] delete --request --reason TEXT QUERY... | delete --list\n"
            "                        | delete --approve REQUEST | delete --cancel REQUEST\n"
            "       (\"-a COMMAND\" names the command too, as in \"mailarc -a redeliver\")\n");
    exit(EXIT_USAGE);
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int     (*fn)(const CONFIG *, int, char **);
    } cmds[] = {
        {"search", cli_search}, {"cat", cli_cat}, {"show", cli_show}, {"status", cli_status},
        {"reindex", cli_reindex}, {"redeliver", cli_redeliver}, {"archive", cli_archive},
        {"burn", cli_burn}, {"verify", cli_verify}, {"jobs", cli_jobs}, {"drives", cli_drives},
        {"deliver", cli_deliver}, {"import", cli_import}, {"export", cli_export},
        {"hold", cli_hold}, {"retention", cli_retention}, {"delete", cli_delete},
        {"store", cli_store},
    };
    const char *conf = 0;
    CONFIG  cfg;
    char    err[1024];
    int     i = 1;

    msg_init(argv[0], 0);
    msg_fatal_status(EXIT_USAGE);
    words_init();
    while (i < argc && argv[i][0] == '-') {
        if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
            conf = argv[i + 1];
            i += 2;
        } else if (strcmp(argv[i], "-a") == 0 && i + 1 < argc) {
            /* "-a redeliver ...", as ClearOS's archive tool spells it. */
            i++;
            break;
        } else if (strcmp(argv[i], "-v") == 0) {
            msg_verbose_set(1);
            i++;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage();
        } else {
            fprintf(stderr, "mailarc: unknown option %s\n", argv[i]);
            usage();
        }
    }
    if (i >= argc)
        usage();
    for (size_t k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++) {
        if (strcmp(argv[i], cmds[k].name) == 0) {
            if (cfg_load(&cfg, cfg_path(conf), err, sizeof(err)) < 0) {
                fprintf(stderr, "mailarc: %s\n", err);
                /* An MTA keeps what deliver could not take, and retries. */
                return strcmp(cmds[k].name, "deliver") == 0 ? EX_TEMPFAIL : EXIT_USAGE;
            }
            int     rc;

            optind = 1;
            rc = cmds[k].fn(&cfg, argc - i, argv + i);
            cfg_free(&cfg);
            if (fflush(stdout) != 0) {
                perror("mailarc: stdout");
                return rc ? rc : EXIT_UNAVAILABLE;
            }
            return rc;
        }
    }
    fprintf(stderr, "mailarc: unknown command \"%s\"\n", argv[i]);
    usage();
    return EXIT_USAGE;
}
