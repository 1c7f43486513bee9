/*
 * verify.h - check the whole archive: blobs, the hash chain, the index.
 *
 * Records are walked in chain order (msg.db, by number).  For each one:
 * the link (chain = SHA-256(previous chain || sha || number)); a gap in
 * the numbers (a removed record); that id.db and order.db find it; and,
 * in worker threads, that its blob decompresses to bytes whose SHA-256 is
 * the id (quick: presence, magic and size only).  Then every index entry
 * (id.db, term.db, date.db, size.db, order.db) must point at a live
 * record.  A tombstone (a lawful deletion) keeps its link in the chain and
 * has neither blob nor index entries.
 *
 * Problems come back as lines, sorted by record number, each naming what
 * is wrong ("ID changed", "ID missing", "chain broken at ID", "record N
 * removed", "records N and M swapped", "index: ...").  Memory is one bit
 * per record number plus the problems found.
 */
#ifndef MAILARC_VERIFY_H
#define MAILARC_VERIFY_H

#include <stdint.h>
#include <time.h>

#include "adb.h"
#include "cfg.h"
#include "strlist.h"

typedef struct verify_opts {
    int     quick;                  /* blobs: presence and size only */
    int64_t since;                  /* check blobs first arrived at or after (0: all) */
    int     threads;                /* blob checkers (0: one per CPU) */
    /* Called now and then with records walked and the total expected. */
    void    (*progress)(uint64_t done, uint64_t total, void *ctx);
    void   *ctx;
} VERIFY_OPTS;

typedef struct verify_result {
    uint64_t records;               /* walked, tombstones included */
    uint64_t tombstones;
    uint64_t blobs;                 /* blobs checked */
    uint64_t bytes;                 /* message bytes checked */
    uint64_t last_num;
    unsigned char head[32];         /* chain value of the last record */
    char    last_id[65];
    STRLIST problems;
} VERIFY_RESULT;

/* 0 when intact, 1 when problems were found (in res->problems), -1 when
 * the database could not be read (err set).  Free with verify_free(). */
int verify_archive(const CONFIG *cfg, ADB *db, const VERIFY_OPTS *o, VERIFY_RESULT *res,
                   char *err, size_t errlen);
void verify_free(VERIFY_RESULT *res);

/* The chain value the record numbered num should carry after prev. */
void verify_link(const unsigned char prev[32], const unsigned char sha[32], uint64_t num,
                 unsigned char out[32]);

#endif
