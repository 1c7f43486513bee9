/*
 * fetch_state.c - what each journal account remembers (NAME.state) and
 * shows (NAME.status), in data_dir/fetch/.  Both are written whole to a
 * temporary name, fsynced and renamed, so a crash leaves the old or the
 * new file, never half of one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "msg.h"
#include "vstr.h"
#include "fetch.h"

static void fetch_path(const FETCH_ACCT *a, const char *ext, VSTR *out)
{
    vstr_sprintf(out, "%s/fetch/%s.%s", a->cfg->data_dir, a->j->name, ext);
}

static int fetch_write_file(const FETCH_ACCT *a, const char *ext, const VSTR *text)
{
    VSTR   *path = vstr_alloc(256), *tmp = vstr_alloc(256);
    int     fd, rc = -1;

    fetch_path(a, ext, path);
    vstr_sprintf(tmp, "%s.tmp", path->s);
    fd = open(tmp->s, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0640);
    if (fd >= 0 && fileio_write_all(fd, text->s, text->len) == 0 && fsync(fd) == 0
        && close(fd) == 0) {
        fd = -1;
        rc = rename(tmp->s, path->s);
    }
    if (fd >= 0)
        close(fd);
    if (rc < 0)
        msg_warn("[journal %s] cannot write %s: %s", a->j->name, path->s, strerror(errno));
    vstr_free(path);
    vstr_free(tmp);
    return rc;
}

void fetch_state_load(FETCH_ACCT *a)
{
    VSTR   *path = vstr_alloc(256);
    FILE   *fp;
    char    line[1024];

    fetch_path(a, "state", path);
    if ((fp = fopen(path->s, "re")) != 0) {
        while (fgets(line, sizeof(line), fp)) {
            char   *v = strchr(line, ' ');

            if (v == 0)
                continue;
            *v++ = 0;
            v[strcspn(v, "\n")] = 0;
            if (strcmp(line, "uidvalidity") == 0)
                a->uidvalidity = strtoul(v, 0, 10);
            else if (strcmp(line, "last_uid") == 0)
                a->last_uid = strtoul(v, 0, 10);
            else if (strcmp(line, "pending") == 0)
                strlist_add(&a->pending, v);
            else if (strcmp(line, "seen") == 0)
                strlist_add(&a->seen, v);
            else if (strcmp(line, "cycles") == 0)
                a->cycles = strtol(v, 0, 10);
        }
        fclose(fp);
    }
    vstr_free(path);
}

int fetch_state_save(FETCH_ACCT *a)
{
    VSTR   *t = vstr_alloc(1024);
    int     rc;

    vstr_sprintf(t, "uidvalidity %lu\nlast_uid %lu\ncycles %ld\n", a->uidvalidity, a->last_uid,
                 a->cycles);
    for (int i = 0; i < a->pending.n; i++)
        vstr_sprintf_append(t, "pending %s\n", a->pending.v[i]);
    for (int i = 0; i < a->seen.n; i++)
        vstr_sprintf_append(t, "seen %s\n", a->seen.v[i]);
    rc = fetch_write_file(a, "state", t);
    vstr_free(t);
    return rc;
}

void fetch_status_save(const FETCH_ACCT *a)
{
    VSTR   *t = vstr_alloc(1024);

    vstr_sprintf(t, "protocol %s\nhost %s:%ld\nfolder %s\nlast_success %lld\nfetched %ld\n"
                 "failures %d\nlast_error_at %lld\nlast_error ", a->j->protocol, a->j->host,
                 a->j->port, a->j->folder, (long long) a->last_success, a->fetched,
                 a->failures, (long long) a->last_error_at);
    for (const char *p = a->last_error; *p; p++)
        vstr_addch(t, (unsigned char) *p < 0x20 ? ' ' : *p);
    vstr_addch(t, '\n');
    fetch_write_file(a, "status", t);
    vstr_free(t);
}
