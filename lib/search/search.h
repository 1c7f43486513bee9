/*
 * search.h - run a parsed query against the index.
 *
 * Posting lists are read sorted (DB_DUPSORT on big-endian numbers) and
 * intersected; date and size conditions come from date.db/size.db or from
 * the fixed part of each candidate's record.  Results are ordered newest
 * first (date, then arrival order), and only the page asked for is
 * ordered: counting and the first page never read every record.
 */
#ifndef MAILARC_SEARCH_H
#define MAILARC_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "access.h"
#include "adb.h"
#include "query.h"

typedef struct search_hit {
    uint64_t num;
    int64_t date;
} SEARCH_HIT;

typedef struct search_result {
    SEARCH_HIT *hits;               /* the page asked for, newest first */
    size_t  n;
    size_t  total;                  /* all matches */
    int     estimated;              /* total is an estimate (search_page_run) */
} SEARCH_RESULT;

/* Run q as seen by acc (NULL: everything); the page skips offset hits and
 * holds at most limit (0: all).  0 ok; a Berkeley DB error code otherwise
 * (err set). */
int search_run(ADB *db, const QUERY *q, const ACCESS *acc, size_t offset, size_t limit,
               SEARCH_RESULT *res, char *err, size_t errlen);

/* The same page for a reader, who needs the page exact and the total only
 * roughly: phrases, and excluded words with lists much longer than the
 * candidates, are checked only on the candidates the page reaches, newest
 * first, and when it fills before all were checked, the total is
 * the hits found plus the unchecked candidates at the rate seen, and
 * res->estimated is set.  Many candidates with a date range still to
 * check are ordered by walking the range (the total is their number times
 * the range's share of the archive, estimated).  Words that most messages
 * hold are not read in full: the newest messages are looked up in their
 * lists until the page fills, and the total is the share found among
 * those (estimated too).
 * Counts (search_run, search_count) stay exact. */
int search_page_run(ADB *db, const QUERY *q, const ACCESS *acc, size_t offset, size_t limit,
                    SEARCH_RESULT *res, char *err, size_t errlen);
void search_result_free(SEARCH_RESULT *res);

/* How many messages the query text finds (everything visible); 0, or
 * -1 with err (a bad query, the database). */
int search_count(ADB *db, const char *text, size_t *n, char *err, size_t errlen);

/* May acc (NULL: everything) see message num?  The same rule as
 * search_run: 1 yes, 0 no, -1 a database error. */
int search_visible(ADB *db, const ACCESS *acc, uint64_t num);

#endif
