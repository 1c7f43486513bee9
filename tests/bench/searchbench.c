/*
 * searchbench.c - search latency inside one process, as the web panel
 * sees it: the environment is joined once, then each query (one per line
 * on stdin) runs REPS times; a run is the search for the first page of 50
 * plus reading those 50 records.  Prints, per query, the median and the
 * worst run in milliseconds and the number of matches.
 *
 *   searchbench CONFIG REPS < queries
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adb.h"
#include "cfg.h"
#include "query.h"
#include "record.h"
#include "search.h"
#include "words.h"

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int dbl_cmp(const void *a, const void *b)
{
    double  x = *(const double *) a, y = *(const double *) b;

    return x < y ? -1 : x > y;
}

static void read_page(ADB *db, const SEARCH_RESULT *res)
{
    for (size_t i = 0; i < res->n; i++) {
        DBT     key = {0}, val = {0};
        unsigned char k[8];
        MSGREC  r;

        adb_num_key(res->hits[i].num, k);
        key.data = k;
        key.size = 8;
        val.flags = DB_DBT_MALLOC;
        if (db->msg->get(db->msg, 0, &key, &val, DB_READ_COMMITTED) == 0) {
            if (record_decode(val.data, val.size, &r) == 0)
                record_free(&r);
            free(val.data);
        }
    }
}

int main(int argc, char **argv)
{
    CONFIG  cfg;
    ADB    *db;
    char    err[1024], line[4096];
    int     dberr, reps;

    if (argc != 3 || (reps = atoi(argv[2])) < 1) {
        fprintf(stderr, "usage: searchbench CONFIG REPS < queries\n");
        return 2;
    }
    words_init();
    if (cfg_load(&cfg, argv[1], err, sizeof(err)) < 0
        || (db = adb_open(&cfg, ADB_READ, &dberr, err, sizeof(err))) == 0) {
        fprintf(stderr, "searchbench: %s\n", err);
        return 2;
    }
    while (fgets(line, sizeof(line), stdin)) {
        double *ms = calloc((size_t) reps, sizeof(double));
        size_t  total = 0;
        QUERY   q;

        line[strcspn(line, "\n")] = 0;
        if (query_parse(line, &q, err, sizeof(err)) < 0) {
            fprintf(stderr, "searchbench: %s\n", err);
            return 2;
        }
        for (int i = 0; i < reps; i++) {
            SEARCH_RESULT res;
            double  t = now_ms();

            if (search_page_run(db, &q, 0, 0, 50, &res, err, sizeof(err)) != 0) {
                fprintf(stderr, "searchbench: %s\n", err);
                return 3;
            }
            read_page(db, &res);
            ms[i] = now_ms() - t;
            total = res.total;
            search_result_free(&res);
        }
        qsort(ms, (size_t) reps, sizeof(double), dbl_cmp);
        printf("%.3f %.3f %zu %s\n", ms[reps / 2], ms[reps - 1], total, line);
        query_free(&q);
        free(ms);
    }
    adb_close(db);
    return 0;
}
