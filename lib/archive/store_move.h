/*
 * store_move.h - "mailarc store migrate": move every blob to where the
 * store key says (store.h), while the archive runs.
 */
#ifndef MAILARC_STORE_MOVE_H
#define MAILARC_STORE_MOVE_H

#include <stdint.h>

#include "adb.h"

typedef struct store_move_stats {
    uint64_t moved;                 /* read, checked, now only in the new place */
    uint64_t already;               /* not in the old place (in the new one, or gone) */
    uint64_t damaged;               /* failed its check: left where it was, logged */
    uint64_t failed;                /* could not be written or removed: logged */
    void    (*progress)(const struct store_move_stats *, void *);  /* after each batch */
    void   *ctx;
} STORE_MOVE_STATS;

/*
 * Every live message's blob and every journal report, moved to blob.db
 * (db->store_db) or to files.  Each blob is checked (digest and size)
 * before it moves, and is durable in its new place before it leaves the
 * old.  st's counts are zeroed first; its progress (may be NULL) and ctx
 * are the caller's.
 * 0, or -1 with err (a database or file system failure; what moved stays
 * moved, and a second run goes on).
 */
int store_move(const char *data_dir, ADB *db, STORE_MOVE_STATS *st, char *err, size_t errlen);

#endif
