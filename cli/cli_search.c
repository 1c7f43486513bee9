/*
 * cli_search.c - "mailarc search": the query language on the command line.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "digest.h"
#include "hitjson.h"
#include "query.h"
#include "search.h"
#include "snippet.h"
#include "sort.h"
#include "vstr.h"
#include "cli.h"

static long cli_num(const char *s, const char *opt)
{
    char   *end;
    long    n = strtol(s, &end, 10);

    if (*s == 0 || *end || n < 0) {
        fprintf(stderr, "mailarc: %s needs a number >= 0, not \"%s\"\n", opt, s);
        exit(EXIT_USAGE);
    }
    return n;
}

static void cli_print_hit(const MSGREC *r, int json, const SNIPPET *sn, VSTR *out)
{
    char    hex[DIGEST_HEXLEN + 1];
    char    date[32];

    vstr_reset(out);
    if (json) {
        hitjson_append(out, r, sn);
        vstr_addch(out, '\n');
    } else {
        digest_hex(r->sha, hex);
        date_iso((time_t) r->date, date, sizeof(date));
        vstr_sprintf_append(out, "%s  %s  %-30s  %s\n", hex, date, r->from_addr, r->subject);
    }
    fwrite(out->s, 1, out->len, stdout);
}

int cli_search(const CONFIG *cfg, int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, 0, 'j'},
        {"count", no_argument, 0, 'n'},
        {"limit", required_argument, 0, 'l'},
        {"offset", required_argument, 0, 'o'},
        {"as", required_argument, 0, 'a'},
        {"sort", required_argument, 0, 's'},
        {"asc", no_argument, 0, 'A'},
        {0, 0, 0, 0},
    };
    SEARCH_SORT by = SORT_DATE;
    int     asc = 0;
    int     json = 0, count = 0;
    const char *as = 0;
    ACCESS  acc;
    long    limit = -1, offset = 0;
    VSTR   *text;
    QUERY   q;
    STRLIST words;
    SEARCH_RESULT res;
    ADB    *db;
    char    err[1024];
    int     ch;

    while ((ch = getopt_long(argc, argv, "+", opts, 0)) != -1) {
        switch (ch) {
        case 'j': json = 1; break;
        case 'n': count = 1; break;
        case 'l': limit = cli_num(optarg, "--limit"); break;
        case 'o': offset = cli_num(optarg, "--offset"); break;
        case 'a': as = optarg; break;
        case 'A': asc = 1; break;
        case 's':
            if (search_sort_parse(optarg, &by) == 0)
                break;
            fprintf(stderr, "mailarc: --sort is date, size, from or subject, not \"%s\"\n", optarg);
            return EXIT_USAGE;
        default:
            fprintf(stderr, "usage: mailarc search [--json] [--count] [--limit N] [--offset N] "
                    "[--sort date|size|from|subject] [--asc] [--as LOGIN] QUERY...\n");
            return EXIT_USAGE;
        }
    }
    if ((text = cli_query_args(argc, argv, optind, &q)) == 0)
        return EXIT_USAGE;
    if (json)
        snippet_words(&q, &words);
    else
        strlist_init(&words);
    vstr_free(text);
    if (as && access_load(cfg, as, &acc, err, sizeof(err)) < 0) {
        fprintf(stderr, "mailarc: %s\n", err);
        query_free(&q);
        strlist_free(&words);
        return EXIT_USAGE;
    }
    db = cli_open_db(cfg);
    /* --count and --limit 0 order nothing: a page of one is the cheapest. */
    if (count || limit == 0) {
        ch = search_run(db, &q, as ? &acc : 0, 0, 1, &res, err, sizeof(err));
    } else if (by == SORT_DATE && !asc) {
        ch = search_page_run(db, &q, as ? &acc : 0, (size_t) offset,
                             limit < 0 ? 0 : (size_t) limit, &res, err, sizeof(err));
    } else if ((ch = search_run(db, &q, as ? &acc : 0, 0, 0, &res, err, sizeof(err))) == 0) {
        if ((by == SORT_FROM || by == SORT_SUBJECT) && res.total > (size_t) cfg->search_sort_max) {
            fprintf(stderr, "mailarc: %zu results are more than search_sort_max (%ld) to sort "
                    "by %s\n", res.total, cfg->search_sort_max, search_sort_name(by));
            search_result_free(&res);
            query_free(&q);
            if (as)
                access_free(&acc);
            strlist_free(&words);
            adb_close(db);
            return EXIT_USAGE;
        }
        search_sort(db, &res, by, asc);
        search_page(&res, (size_t) offset, limit < 0 ? 0 : (size_t) limit);
    }
    if (as)
        access_free(&acc);
    query_free(&q);
    if (ch != 0) {
        fprintf(stderr, "mailarc: %s\n", err);
        strlist_free(&words);
        adb_close(db);
        return EXIT_UNAVAILABLE;
    }
    if (count) {
        printf("%zu\n", res.total);
    } else if (limit != 0) {
        VSTR   *out = vstr_alloc(1024);

        for (size_t i = 0; i < res.n; i++) {
            MSGREC  r;

            SNIPPET sn;

            if (cli_record(db, res.hits[i].num, &r) < 0)
                continue;
            snippet_of_record(cfg, db, res.hits[i].num, &r, &words, &sn);
            cli_print_hit(&r, json, &sn, out);
            snippet_free(&sn);
            record_free(&r);
        }
        vstr_free(out);
    }
    ch = res.total > 0 ? 0 : EXIT_NOTFOUND;
    strlist_free(&words);
    search_result_free(&res);
    adb_close(db);
    return ch;
}
