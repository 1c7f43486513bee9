/*
 * index_poison.c - strikes against messages that stop the indexer
 * (see index_poison.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "date.h"
#include "fileio.h"
#include "msg.h"
#include "mymalloc.h"
#include "strlist.h"
#include "vstr.h"
#include "index_poison.h"

static char poison_dir[4096];           /* data_dir/spool */
static STRLIST strike_qid;              /* parallel: qid, count */
static int *strike_n;

static void poison_path(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", poison_dir, name);
}

static int poison_find(const char *qid)
{
    return strlist_find(&strike_qid, qid);
}

/* spool/strikes, rewritten whole (it holds a handful of lines). */
static void poison_save(void)
{
    char    path[4200], tmp[4200];
    VSTR   *v = vstr_alloc(256);
    int     fd;

    for (int i = 0; i < strike_qid.n; i++)
        if (strike_n[i] > 0)
            vstr_sprintf_append(v, "%s %d\n", strike_qid.v[i], strike_n[i]);
    poison_path(path, sizeof(path), "strikes");
    poison_path(tmp, sizeof(tmp), "strikes.tmp");
    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0640)) < 0
        || fileio_write_all(fd, v->s, v->len) < 0 || fsync(fd) < 0 || close(fd) < 0
        || rename(tmp, path) < 0)
        msg_warn("%s: %s", path, strerror(errno));
    vstr_free(v);
}

static void poison_add(const char *qid, int n)
{
    int     i = poison_find(qid);

    if (i < 0) {
        strlist_add(&strike_qid, qid);
        strike_n = myrealloc(strike_n, sizeof(int) * (size_t) strike_qid.n);
        i = strike_qid.n - 1;
        strike_n[i] = 0;
    }
    strike_n[i] += n;
}

/* Lines "WORD [N]" of a file in spool/, each handed to fn. */
static void poison_read(const char *name, void (*fn)(const char *, int))
{
    char    path[4200];
    VSTR   *v = vstr_alloc(1024);
    int     fd;

    poison_path(path, sizeof(path), name);
    if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
        vstr_free(v);
        return;
    }
    if (fileio_read_all(fd, v, 16 * 1024 * 1024) == 0)
        for (char *save = 0, *l = strtok_r(v->s, "\n", &save); l; l = strtok_r(0, "\n", &save)) {
            char    qid[64];
            int     n = 1;

            if (sscanf(l, "%63s %d", qid, &n) >= 1 && n > 0 && strlen(qid) < ENVELOPE_QID_MAX)
                fn(qid, n);
        }
    close(fd);
    vstr_free(v);
}

static void poison_load(const char *qid, int n)
{
    poison_add(qid, n);
}

static void poison_blame(const char *qid, int n)
{
    (void) n;
    poison_add(qid, 1);
    msg_warn("%s: the indexer died while indexing it (strike %d of %d)", qid,
             strike_n[poison_find(qid)], POISON_STRIKES);
}

void poison_init(const CONFIG *cfg)
{
    char    path[4200];

    snprintf(poison_dir, sizeof(poison_dir), "%s/spool", cfg->data_dir);
    strlist_init(&strike_qid);
    poison_read("strikes", poison_load);
    poison_path(path, sizeof(path), "inflight");
    if (access(path, F_OK) == 0) {
        poison_read("inflight", poison_blame);
        poison_save();
        unlink(path);
    }
}

int poison_strikes(const char *qid)
{
    int     i = poison_find(qid);

    return i < 0 ? 0 : strike_n[i];
}

void poison_begin(const INDEX_ITEM *items, int n)
{
    char    path[4200];
    VSTR   *v = vstr_alloc(64 * (size_t) n + 16);
    int     fd;

    /* No fsync: it is there for a dead process, whose writes stay. */
    for (int i = 0; i < n; i++)
        vstr_sprintf_append(v, "%s\n", items[i].qid);
    poison_path(path, sizeof(path), "inflight");
    if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0640)) < 0
        || fileio_write_all(fd, v->s, v->len) < 0 || close(fd) < 0)
        msg_warn("%s: %s", path, strerror(errno));
    vstr_free(v);
}

void poison_end(const INDEX_ITEM *items, int n, int done)
{
    char    path[4200];
    int     changed = 0;

    poison_path(path, sizeof(path), "inflight");
    unlink(path);
    for (int i = 0; i < n; i++) {
        int     k = poison_find(items[i].qid);

        /* Survived: it was not this one; a message still in the spool (a
         * storage error) keeps its strikes for the next attempt. */
        if (k >= 0 && strike_n[k] > 0 && done) {
            strike_n[k] = 0;
            changed = 1;
        }
    }
    if (changed)
        poison_save();
}

void poison_note(const char *qid, const char *sha256, int strikes)
{
    char    path[4200], when[32];
    VSTR   *v = vstr_alloc(256);
    int     fd;

    date_iso(time(0), when, sizeof(when));
    vstr_sprintf(v, "queue id: %s\nid: %s\nset aside: %s\nreason: the indexer died %d times "
                 "while reading it (a crash, or over indexer_message_timeout)\n"
                 "archived: exact bytes and envelope, not indexed by headers or content\n",
                 qid, sha256, when, strikes);
    snprintf(path, sizeof(path), "%s/bad/%s.poison", poison_dir, qid);
    if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0640)) < 0
        || fileio_write_all(fd, v->s, v->len) < 0 || close(fd) < 0)
        msg_warn("%s: %s", path, strerror(errno));
    msg_warn("%s: poison message %s archived unindexed; see %s", qid, sha256, path);
    vstr_free(v);
}
