/*
 * holds.h - legal holds: named queries whose messages may never be
 * deleted, whatever their age.
 *
 * One file per hold, data_dir/holds/NAME.hold ("key=value": name, query,
 * reason, by, created; released, released_by once released).  A hold's
 * query is evaluated when a deletion is asked for and again when it is
 * carried out, so it covers mail archived after it was placed.  Adding,
 * releasing and carrying out a deletion take holds/.lock (flock), so a
 * deletion never races a new hold.  Names: 1 to 64 of [A-Za-z0-9._-],
 * not starting with a dot.
 */
#ifndef MAILARC_HOLDS_H
#define MAILARC_HOLDS_H

#include <stddef.h>
#include <time.h>

#include "cfg.h"

typedef struct hold {
    char    name[65];
    char   *query, *reason, *by, *released_by;
    time_t  created, released;      /* released: 0 while active */
} HOLD;

int hold_name_ok(const char *name);
/* All holds (active_only: those not released), by name; *n set. */
HOLD   *holds_list(const CONFIG *cfg, int active_only, int *n);
void holds_free(HOLD *h, int n);
/* 0, or -1 with err (an active hold of that name exists, I/O). */
int hold_add(const CONFIG *cfg, const char *name, const char *query, const char *reason,
             const char *by, char *err, size_t errlen);
/* 0, or -1 with err (no active hold of that name, I/O). */
int hold_release(const CONFIG *cfg, const char *name, const char *by, char *err, size_t errlen);

/* Take holds/.lock exclusively: its fd (close to release) or -1. */
int holds_lock(const CONFIG *cfg);

#endif
