/*
 * verifystatus.h - the last scheduled verify, in media/verify.status.
 *
 * Written by mailarc-burner after each scheduled run (replaced through a
 * temporary name), read by mailarc status and the dashboard.
 */
#ifndef MAILARC_VERIFYSTATUS_H
#define MAILARC_VERIFYSTATUS_H

#include <stdint.h>
#include <time.h>

#include "cfg.h"
#include "verify.h"

typedef struct verify_status {
    int     known;
    time_t  when;
    int     ok;
    uint64_t records, tombstones, problems;
    char    first[512];             /* the first problem */
} VERIFY_STATUS;

int verify_status_save(const CONFIG *cfg, const VERIFY_RESULT *res, time_t when, int seal_problems);
void verify_status_load(const CONFIG *cfg, VERIFY_STATUS *st);

#endif
