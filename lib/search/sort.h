/*
 * sort.h - results in another order than newest first.
 *
 * search_run() orders by date (newest first) and orders only the page it
 * is asked for.  Another order needs every hit: run the search with no
 * limit, then search_sort().  By size it reads order.db (or a record's
 * fixed part); by from or subject it reads each hit's record, so the
 * callers bound it with search_sort_max.  Ties keep newest first.
 */
#ifndef MAILARC_SORT_H
#define MAILARC_SORT_H

#include <stddef.h>

#include "adb.h"
#include "search.h"

typedef enum { SORT_DATE, SORT_SIZE, SORT_FROM, SORT_SUBJECT } SEARCH_SORT;

/* "date", "size", "from", "subject": 0, else -1. */
int search_sort_parse(const char *name, SEARCH_SORT *by);
const char *search_sort_name(SEARCH_SORT by);
/* Reorder res->hits (all of them); asc: smallest, earliest or A first.
 * A hit whose record cannot be read sorts as empty. */
void search_sort(ADB *db, SEARCH_RESULT *res, SEARCH_SORT by, int asc);
/* Keep only hits [offset, offset + limit) (limit 0: all). */
void search_page(SEARCH_RESULT *res, size_t offset, size_t limit);

#endif
