/*
 * delreq.c - deletion request files (see delreq.h).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "job.h"
#include "kvfile.h"
#include "vstr.h"
#include "delreq.h"

int delreq_id_ok(const char *id)
{
    return job_id_ok(id);
}

void delreq_new_id(char id[DELREQ_ID_MAX])
{
    job_new_id(id);
}

static void delreq_path(const CONFIG *cfg, const char *id, VSTR *out)
{
    vstr_sprintf(out, "%s/deletions/%s.req", cfg->data_dir, id);
}

int delreq_load(const CONFIG *cfg, const char *id, STRLIST *kv)
{
    VSTR   *path = vstr_alloc(256);
    int     rc;

    strlist_init(kv);
    if (!delreq_id_ok(id)) {
        vstr_free(path);
        return -1;
    }
    delreq_path(cfg, id, path);
    rc = kvfile_read(path->s, kv);
    vstr_free(path);
    return rc;
}

int delreq_save(const CONFIG *cfg, const char *id, const STRLIST *kv)
{
    VSTR   *path = vstr_alloc(256);
    int     rc;

    delreq_path(cfg, id, path);
    rc = kvfile_write(path->s, kv);
    vstr_free(path);
    return rc;
}

time_t delreq_mtime(const CONFIG *cfg, const char *id)
{
    VSTR   *path = vstr_alloc(256);
    struct stat st;
    time_t  t = 0;

    delreq_path(cfg, id, path);
    if (stat(path->s, &st) == 0)
        t = st.st_mtime;
    vstr_free(path);
    return t;
}

static int newest_first(const void *a, const void *b)
{
    return strcmp(*(char *const *) b, *(char *const *) a);
}

void delreq_list(const CONFIG *cfg, STRLIST *ids)
{
    VSTR   *dir = vstr_alloc(256);
    DIR    *d;
    struct dirent *e;

    strlist_init(ids);
    vstr_sprintf(dir, "%s/deletions", cfg->data_dir);
    if ((d = opendir(dir->s)) != 0) {
        while ((e = readdir(d)) != 0) {
            size_t  n = strlen(e->d_name);
            char    id[DELREQ_ID_MAX];

            if (n < 5 || n - 4 >= sizeof(id) || strcmp(e->d_name + n - 4, ".req") != 0)
                continue;
            snprintf(id, sizeof(id), "%.*s", (int) (n - 4), e->d_name);
            if (delreq_id_ok(id))
                strlist_add(ids, id);
        }
        closedir(d);
    }
    if (ids->n > 1)
        qsort(ids->v, (size_t) ids->n, sizeof(char *), newest_first);
    vstr_free(dir);
}

const char *delreq_state(const STRLIST *kv, time_t now)
{
    const char *s = kv_get(kv, "state");

    if (s == 0)
        return "unknown";
    if (strcmp(s, "requested") == 0 && now >= (time_t) kv_get_num(kv, "expires"))
        return "expired";
    return s;
}

int delreq_decision_ok(const STRLIST *kv, const char *login, int approve, time_t now,
                       char *why, size_t len)
{
    const char *state = delreq_state(kv, now);
    const char *by = kv_get(kv, "requester");

    if (strcmp(state, "requested") != 0) {
        snprintf(why, len, "request %s is %s", kv_get(kv, "id") ? kv_get(kv, "id") : "?", state);
        return -1;
    }
    if (approve && by && strcmp(by, login) == 0) {
        snprintf(why, len, "%s asked for it; another admin must approve it", login);
        return -1;
    }
    return 0;
}

int delreq_decide(const CONFIG *cfg, const char *id, STRLIST *kv, const char *login, int approve)
{
    kv_set(kv, "state", approve ? "approved" : "cancelled");
    kv_set(kv, approve ? "approver" : "cancelled_by", login);
    kv_set_num(kv, approve ? "approved" : "cancelled", (long long) time(0));
    return delreq_save(cfg, id, kv);
}
