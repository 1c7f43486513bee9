/*
 * holds.c - legal hold files (see holds.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "kvfile.h"
#include "mymalloc.h"
#include "vstr.h"
#include "holds.h"

int hold_name_ok(const char *name)
{
    size_t  n = strlen(name);

    return n >= 1 && n <= 64 && name[0] != '.'
        && strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

static void hold_path(const CONFIG *cfg, const char *name, VSTR *out)
{
    vstr_sprintf(out, "%s/holds/%s.hold", cfg->data_dir, name);
}

int holds_lock(const CONFIG *cfg)
{
    VSTR   *path = vstr_alloc(256);
    int     fd;

    vstr_sprintf(path, "%s/holds/.lock", cfg->data_dir);
    fd = open(path->s, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640);
    vstr_free(path);
    if (fd >= 0 && flock(fd, LOCK_EX) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int hold_cmp(const void *a, const void *b)
{
    return strcmp(((const HOLD *) a)->name, ((const HOLD *) b)->name);
}

HOLD   *holds_list(const CONFIG *cfg, int active_only, int *n)
{
    VSTR   *dir = vstr_alloc(256), *path = vstr_alloc(256);
    HOLD   *all = 0;
    int     cap = 0;
    DIR    *d;
    struct dirent *e;

    *n = 0;
    vstr_sprintf(dir, "%s/holds", cfg->data_dir);
    if ((d = opendir(dir->s)) != 0) {
        while ((e = readdir(d)) != 0) {
            size_t  len = strlen(e->d_name);
            STRLIST kv;
            HOLD   *h;

            if (len < 6 || strcmp(e->d_name + len - 5, ".hold") != 0 || e->d_name[0] == '.')
                continue;
            vstr_sprintf(path, "%s/%s", dir->s, e->d_name);
            if (kvfile_read(path->s, &kv) < 0)
                continue;
            if (kv_get(&kv, "name") == 0 || kv_get(&kv, "query") == 0
                || (active_only && kv_get_num(&kv, "released"))) {
                strlist_free(&kv);
                continue;
            }
            if (*n == cap)
                all = myrealloc(all, (size_t) (cap = cap ? cap * 2 : 8) * sizeof(HOLD));
            h = &all[(*n)++];
            memset(h, 0, sizeof(*h));
            snprintf(h->name, sizeof(h->name), "%s", kv_get(&kv, "name"));
            h->query = mystrdup(kv_get(&kv, "query"));
            h->reason = mystrdup(kv_get(&kv, "reason") ? kv_get(&kv, "reason") : "");
            h->by = mystrdup(kv_get(&kv, "by") ? kv_get(&kv, "by") : "");
            h->released_by = mystrdup(kv_get(&kv, "released_by") ? kv_get(&kv, "released_by") : "");
            h->created = (time_t) kv_get_num(&kv, "created");
            h->released = (time_t) kv_get_num(&kv, "released");
            strlist_free(&kv);
        }
        closedir(d);
    }
    if (*n > 1)
        qsort(all, (size_t) *n, sizeof(HOLD), hold_cmp);
    vstr_free(dir);
    vstr_free(path);
    return all;
}

void holds_free(HOLD *h, int n)
{
    for (int i = 0; i < n; i++) {
        myfree(h[i].query);
        myfree(h[i].reason);
        myfree(h[i].by);
        myfree(h[i].released_by);
    }
    myfree(h);
}

/* Under holds/.lock: read NAME.hold (empty when there is none), let
 * change() edit it or refuse (-1, err set), and write it back. */
typedef int (*HOLD_CHANGE)(STRLIST *kv, const char *const *args, char *err, size_t errlen);

static int hold_update(const CONFIG *cfg, const char *name, HOLD_CHANGE change,
                       const char *const *args, char *err, size_t errlen)
{
    VSTR   *path;
    STRLIST kv;
    int     lock, rc = -1;

    if (!hold_name_ok(name)) {
        snprintf(err, errlen, "\"%s\" is not a hold name (1 to 64 of A-Z a-z 0-9 . _ -)", name);
        return -1;
    }
    if ((lock = holds_lock(cfg)) < 0) {
        snprintf(err, errlen, "holds: %s", strerror(errno));
        return -1;
    }
    path = vstr_alloc(256);
    hold_path(cfg, name, path);
    kvfile_read(path->s, &kv);
    if (change(&kv, args, err, errlen) == 0 && (rc = kvfile_write(path->s, &kv)) < 0)
        snprintf(err, errlen, "%s: %s", path->s, strerror(errno));
    strlist_free(&kv);
    close(lock);
    vstr_free(path);
    return rc;
}

/* args: name, query, reason, by. */
static int hold_place(STRLIST *kv, const char *const *args, char *err, size_t errlen)
{
    if (kv->n && !kv_get_num(kv, "released")) {
        snprintf(err, errlen, "a hold named %s exists", args[0]);
        return -1;
    }
    strlist_free(kv);
    strlist_init(kv);
    kv_set(kv, "name", args[0]);
    kv_set(kv, "query", args[1]);
    kv_set(kv, "reason", args[2] ? args[2] : "");
    kv_set(kv, "by", args[3]);
    kv_set_num(kv, "created", (long long) time(0));
    return 0;
}

/* args: name, by. */
static int hold_lift(STRLIST *kv, const char *const *args, char *err, size_t errlen)
{
    if (kv->n == 0 || kv_get_num(kv, "released")) {
        snprintf(err, errlen, "no active hold named %s", args[0]);
        return -1;
    }
    kv_set_num(kv, "released", (long long) time(0));
    kv_set(kv, "released_by", args[1]);
    return 0;
}

int hold_add(const CONFIG *cfg, const char *name, const char *query, const char *reason,
             const char *by, char *err, size_t errlen)
{
    return hold_update(cfg, name, hold_place, (const char *const[]) {name, query, reason, by},
                       err, errlen);
}

int hold_release(const CONFIG *cfg, const char *name, const char *by, char *err, size_t errlen)
{
    return hold_update(cfg, name, hold_lift, (const char *const[]) {name, by}, err, errlen);
}
