/*
 * verifystatus.c - media/verify.status (see verifystatus.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vstr.h"
#include "verifystatus.h"

int verify_status_save(const CONFIG *cfg, const VERIFY_RESULT *res, time_t when, int seal_problems)
{
    VSTR   *path = vstr_alloc(256), *tmp = vstr_alloc(256), *v = vstr_alloc(1024);
    uint64_t problems = (uint64_t) res->problems.n + (uint64_t) seal_problems;
    FILE   *fp;
    int     rc = -1;

    vstr_sprintf(path, "%s/media/verify.status", cfg->data_dir);
    vstr_sprintf(tmp, "%s/media/.verify.status.tmp", cfg->data_dir);
    vstr_sprintf(v, "time=%lld\nresult=%s\nrecords=%llu\ntombstones=%llu\nproblems=%llu\n"
                 "first=", (long long) when, problems ? "failed" : "ok",
                 (unsigned long long) res->records, (unsigned long long) res->tombstones,
                 (unsigned long long) problems);
    if (res->problems.n)
        vstr_add(v, res->problems.v[0], strcspn(res->problems.v[0], "\n"));
    else if (seal_problems)
        vstr_addstr(v, "a seal does not match the archive");
    vstr_addch(v, '\n');
    if ((fp = fopen(tmp->s, "we")) != 0) {
        rc = fwrite(v->s, 1, v->len, fp) == v->len ? 0 : -1;
        if (fclose(fp) != 0 || rc < 0 || rename(tmp->s, path->s) < 0)
            rc = -1;
    }
    vstr_free(path);
    vstr_free(tmp);
    vstr_free(v);
    return rc;
}

void verify_status_load(const CONFIG *cfg, VERIFY_STATUS *st)
{
    VSTR   *path = vstr_alloc(256);
    char    line[1024];
    FILE   *fp;

    memset(st, 0, sizeof(*st));
    vstr_sprintf(path, "%s/media/verify.status", cfg->data_dir);
    if ((fp = fopen(path->s, "re")) != 0) {
        while (fgets(line, sizeof(line), fp)) {
            line[strcspn(line, "\n")] = 0;
            if (strncmp(line, "time=", 5) == 0)
                st->when = (time_t) atoll(line + 5);
            else if (strncmp(line, "result=", 7) == 0)
                st->ok = strcmp(line + 7, "ok") == 0, st->known = 1;
            else if (strncmp(line, "records=", 8) == 0)
                st->records = strtoull(line + 8, 0, 10);
            else if (strncmp(line, "tombstones=", 11) == 0)
                st->tombstones = strtoull(line + 11, 0, 10);
            else if (strncmp(line, "problems=", 9) == 0)
                st->problems = strtoull(line + 9, 0, 10);
            else if (strncmp(line, "first=", 6) == 0)
                snprintf(st->first, sizeof(st->first), "%.*s", (int) sizeof(st->first) - 1, line + 6);
        }
        fclose(fp);
    }
    vstr_free(path);
}
