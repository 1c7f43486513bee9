/*
 * kvfile.c - "key=value" state files (see kvfile.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "mymalloc.h"
#include "vstr.h"
#include "kvfile.h"

int kvfile_read(const char *path, STRLIST *lines)
{
    VSTR   *v = vstr_alloc(4096);
    int     fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

    strlist_init(lines);
    if (fd < 0 || fileio_read_all(fd, v, 0) < 0) {
        int     saved = errno;

        if (fd >= 0)
            close(fd);
        vstr_free(v);
        errno = saved;
        return -1;
    }
    close(fd);
    for (char *p = v->s, *nl; p < v->s + v->len; p = nl + 1) {
        if ((nl = memchr(p, '\n', v->len - (size_t) (p - v->s))) == 0)
            nl = v->s + v->len;
        *nl = 0;
        if (strchr(p, '='))
            strlist_add(lines, p);
    }
    vstr_free(v);
    return 0;
}

int kvfile_write(const char *path, const STRLIST *lines)
{
    VSTR   *v = vstr_alloc(4096), *tmp = vstr_alloc(256);
    const char *slash = strrchr(path, '/');
    int     fd, dfd, rc = -1, saved;

    for (int i = 0; i < lines->n; i++)
        vstr_sprintf_append(v, "%s\n", lines->v[i]);
    if (slash)
        vstr_sprintf(tmp, "%.*s.%s.tmp", (int) (slash + 1 - path), path, slash + 1);
    else
        vstr_sprintf(tmp, ".%s.tmp", path);
    if ((fd = open(tmp->s, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0640)) >= 0) {
        if (fileio_write_all(fd, v->s, v->len) == 0 && fsync(fd) == 0 && close(fd) == 0) {
            fd = -1;
            if (rename(tmp->s, path) == 0)
                rc = 0;
        }
        saved = errno;
        if (fd >= 0)
            close(fd);
        if (rc < 0)
            unlink(tmp->s);
        errno = saved;
    }
    if (rc == 0) {
        vstr_sprintf(tmp, "%.*s", slash ? (int) (slash - path) : 1, slash ? path : ".");
        if ((dfd = open(tmp->s, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
            if (fsync(dfd) < 0)
                rc = -1;
            close(dfd);
        }
    }
    vstr_free(v);
    vstr_free(tmp);
    return rc;
}

static int kv_match(const char *line, const char *key)
{
    size_t  n = strlen(key);

    return strncmp(line, key, n) == 0 && line[n] == '=';
}

const char *kv_get(const STRLIST *l, const char *key)
{
    for (int i = 0; i < l->n; i++)
        if (kv_match(l->v[i], key))
            return l->v[i] + strlen(key) + 1;
    return 0;
}

long long kv_get_num(const STRLIST *l, const char *key)
{
    const char *v = kv_get(l, key);

    return v ? atoll(v) : 0;
}

static char *kv_line(const char *key, const char *val)
{
    VSTR   *v = vstr_alloc(64);

    vstr_sprintf(v, "%s=", key);
    for (const char *p = val ? val : ""; *p; p++)
        vstr_addch(v, (unsigned char) *p < 0x20 || *p == 0x7f ? ' ' : *p);
    return vstr_export(v);
}

void kv_set(STRLIST *l, const char *key, const char *val)
{
    for (int i = 0; i < l->n; i++)
        if (kv_match(l->v[i], key)) {
            myfree(l->v[i]);
            l->v[i] = kv_line(key, val);
            return;
        }
    kv_add(l, key, val);
}

void kv_set_num(STRLIST *l, const char *key, long long val)
{
    char    buf[32];

    snprintf(buf, sizeof(buf), "%lld", val);
    kv_set(l, key, buf);
}

void kv_add(STRLIST *l, const char *key, const char *val)
{
    char   *line = kv_line(key, val);

    strlist_add(l, line);
    myfree(line);
}
