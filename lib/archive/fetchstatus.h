/*
 * fetchstatus.h - a journal mailbox's state as mailarc-fetch left it in
 * data_dir/fetch/NAME.status, for mailarc status and the dashboard.
 */
#ifndef MAILARC_FETCHSTATUS_H
#define MAILARC_FETCHSTATUS_H

#include <time.h>

#include "cfg.h"

typedef struct fetch_status {
    int     known;                  /* the file was there */
    time_t  last_success;
    long    fetched;                /* since mailarc-fetch started */
    long    failures;               /* cycles failed in a row */
    time_t  last_error_at;
    char    last_error[1024];            /* one line of the file at most */
} FETCH_STATUS;

/* Read the status of account j; st->known says whether there was one. */
void fetch_status_read(const CONFIG *cfg, const CFG_JOURNAL *j, FETCH_STATUS *st);

#endif
