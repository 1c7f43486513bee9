/*
 * search_order.h - a page of candidates, newest first: the half of query
 * execution after the candidates are found (search.c).
 *
 * order_each reads each candidate's date and size, checks the bounds left
 * to check and sorts (few candidates).  order_walk walks date.db from the
 * newest end until the page is full (many candidates), or keeps what a
 * filter leaves of each window of dates (words most messages hold).
 * Phrases and exclusions still to be checked (LATER) are tested only on
 * the candidates the page reaches, which makes its total an estimate.  For lib/search
 * only.
 */
#ifndef MAILARC_SEARCH_ORDER_H
#define MAILARC_SEARCH_ORDER_H

#include "phrase.h"
#include "postlist.h"
#include "search.h"

/* Date and size bounds: lo <= date < hi, gt < size < lt. */
typedef struct bounds {
    int64_t date_lo, date_hi;       /* lo <= date < hi */
    int64_t size_gt, size_lt;       /* gt < size < lt */
} BOUNDS;

extern const BOUNDS bounds_none;

int     bounds_dated(const BOUNDS *b);
int     bounds_sized(const BOUNDS *b);

/* The numbers of the messages in the date (size) bounds, from date.db
 * (size.db), sorted; 0 or a Berkeley DB error. */
int     range_dates(POSTLIST_CTX *s, const BOUNDS *b, NUMVEC *out);
int     range_sizes(POSTLIST_CTX *s, const BOUNDS *b, NUMVEC *out);
/* About how many messages the date bounds hold. */
size_t  range_share(POSTLIST_CTX *s, const BOUNDS *b);

/* A phrase, or a word to exclude, checked only on the candidates a page
 * reaches. */
typedef struct later {
    PHRASE  p;
    int     neg;                    /* drop the matches rather than keep them */
    NUMVEC  only;                   /* neg: the messages holding all the words */
    NUMSET  in_only;                /* ... to look up */
    const char *exclude;            /* else: drop the messages in this word's list */
} LATER;

/* Candidates offered newest first; the page takes those that pass. */
typedef struct pager {
    POSTLIST_CTX *s;
    SEARCH_RESULT *res;
    LATER  *later;
    int     nlater;
    size_t  offset, limit;
    size_t  rank;                   /* hits so far */
    size_t  seen;                   /* candidates offered */
} PAGER;

/* The page has all its hits. */
int     pager_full(const PAGER *pg);

/* Order cand, keep those within b, and offer them to the page; the total
 * is the number within b (or, with phrases LATER, estimated).  0 or a
 * Berkeley DB error; pg->res->hits has room for the page. */
int     order_each(POSTLIST_CTX *s, const NUMVEC *cand, const BOUNDS *b, PAGER *pg);

/* A walk that keeps, window by window, the messages fn leaves in nums
 * (their numbers, sorted) instead of looking them up in candidates:
 * scanned and kept count what it saw. */
typedef struct walk_filter {
    int     (*fn)(POSTLIST_CTX *s, NUMVEC *nums, void *ctx);
    void   *ctx;
    size_t  expect;                 /* about how many messages it keeps */
    size_t  scanned, kept;
    int     done;                   /* the walk reached its oldest date */
} WALK_FILTER;

/* Walk date.db newest first within lo <= date < hi: offer the members of
 * cand (total of them), or with cand NULL every message, or those that f
 * keeps (f NULL: all).  0 or a Berkeley DB error. */
int     order_walk(POSTLIST_CTX *s, const NUMVEC *cand, size_t total, int64_t lo, int64_t hi,
                   PAGER *pg, WALK_FILTER *f);

#endif
