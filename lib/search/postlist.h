/*
 * postlist.h - reading the index: posting lists and date/size ranges.
 *
 * Posting lists are read in bulk (DB_MULTIPLE) and filtered by seeking
 * (DB_GET_BOTH_RANGE) when the candidates are few compared with a list.
 * A query key of kind QUERY_ANY_TEXT (a bare word) stands for the subject,
 * body and file name lists together.  Numbers are kept in sorted NUMVECs.
 */
#ifndef MAILARC_POSTLIST_H
#define MAILARC_POSTLIST_H

#include <stddef.h>
#include <stdint.h>

#include "adb.h"

typedef struct numvec {
    uint64_t *v;
    size_t  n;
    size_t  cap;
} NUMVEC;

void numvec_add(NUMVEC *nv, uint64_t x);
int numvec_cmp(const void *a, const void *b);          /* for bsearch */
void numvec_sort_unique(NUMVEC *nv);
void numvec_copy(NUMVEC *dst, const NUMVEC *src);
/* Keep in a the members that are (keep) or are not (!keep) in b. */
void numvec_merge(NUMVEC *a, const NUMVEC *b, int keep);

/* Membership in a sorted NUMVEC at a bit test, where a bitmap over its
 * span is no larger than the vector (else a binary search).  The set
 * reads nv, which must outlive it. */
typedef struct numset {
    const NUMVEC *nv;
    uint64_t base;
    uint64_t *bits;                 /* NULL: search nv */
} NUMSET;

void numset_init(NUMSET *ns, const NUMVEC *nv);
int numset_has(const NUMSET *ns, uint64_t x);
void numset_free(NUMSET *ns);

typedef struct postlist_ctx {
    ADB    *db;
    void   *bulk;                   /* BULK_BUF bytes */
    int     pairs;                  /* every message has its word pairs (postings.h) */
} POSTLIST_CTX;

/* Functions return 0 or a Berkeley DB error. */
int postlist_read(POSTLIST_CTX *s, const char *key, NUMVEC *out);
int postlist_count(POSTLIST_CTX *s, const char *key, size_t *n);
/* Keep the candidates that are (keep) or are not (!keep) in key's list. */
int postlist_filter(POSTLIST_CTX *s, const char *key, NUMVEC *cand, int keep);
/* Is num in key's list(s)?  *has 1 or 0. */
int postlist_has(POSTLIST_CTX *s, const char *key, uint64_t num, int *has);
/* Would filtering n candidates by a list of count entries seek each one
 * (the list being much longer) rather than read the list? */
int postlist_seeks(size_t count, size_t n);
/* The same for stored terms: in (keep) or in none of (!keep) the n lists. */
int postlist_filter_terms(POSTLIST_CTX *s, const char *const *terms, int n, NUMVEC *cand,
                          int keep);
/* Each entry of date.db or size.db with lo <= key < hi (keys as stored). */
int postlist_scan(POSTLIST_CTX *s, DB *dbp, uint64_t lo, uint64_t hi,
                  void (*fn)(const void *key, const void *num, void *ctx), void *ctx);
/* The numbers of such a range, sorted. */
int postlist_range(POSTLIST_CTX *s, DB *dbp, uint64_t lo, uint64_t hi, NUMVEC *out);

#define POSTLIST_BULK (256 * 1024)    /* the bulk buffer of a POSTLIST_CTX */

#endif
