/*
 * fetchstatus.c - reading journal mailbox status files (see fetchstatus.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetchstatus.h"

void fetch_status_read(const CONFIG *cfg, const CFG_JOURNAL *j, FETCH_STATUS *st)
{
    char    path[4096], line[1024];
    FILE   *fp;

    memset(st, 0, sizeof(*st));
    snprintf(path, sizeof(path), "%s/fetch/%s.status", cfg->data_dir, j->name);
    if ((fp = fopen(path, "re")) == 0)
        return;
    st->known = 1;
    while (fgets(line, sizeof(line), fp)) {
        line[strcspn(line, "\n")] = 0;
        if (strncmp(line, "last_success ", 13) == 0)
            st->last_success = (time_t) atoll(line + 13);
        else if (strncmp(line, "fetched ", 8) == 0)
            st->fetched = atol(line + 8);
        else if (strncmp(line, "failures ", 9) == 0)
            st->failures = atol(line + 9);
        else if (strncmp(line, "last_error_at ", 14) == 0)
            st->last_error_at = (time_t) atoll(line + 14);
        else if (strncmp(line, "last_error ", 11) == 0)
            snprintf(st->last_error, sizeof(st->last_error), "%s", line + 11);
    }
    fclose(fp);
}
