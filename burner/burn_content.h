/*
 * burn_content.h - what goes into an archive file or onto a volume.
 *
 * One list of files for both writers (tar and ISO 9660): each file has
 * its path inside, its exact size and SHA-256 known before writing, and
 * one of three sources: a message blob in the store (read and digest-
 * checked when it is written), a snapshot copy of a log file, or bytes
 * in memory (manifest, index, README).
 */
#ifndef MAILARC_BURN_CONTENT_H
#define MAILARC_BURN_CONTENT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "adb.h"
#include "cfg.h"
#include "strlist.h"
#include "vstr.h"

enum vsrc { VSRC_BLOB, VSRC_FILE, VSRC_MEM };

/* A message, with what the manifest and the index say about it. */
typedef struct item {
    uint64_t num;
    char    id[65];
    char    chain[65];              /* its hash chain value */
    int64_t size, date, arrival;
    char   *from;                   /* "Name <addr>" or addr */
    char   *subject;
    char   *msgid;
    STRLIST rcpt;                   /* "to:addr", "cc:addr", "bcc:addr", "envelope:addr" */
    char    path[96];               /* MAIL/YYYY/MM/DD/<id>.eml (by arrival, UTC) */
} ITEM;

typedef struct vfile {
    char    path[256];
    enum vsrc src;
    uint64_t size;
    int64_t mtime;
    char    sha[65];
    const ITEM *item;               /* VSRC_BLOB */
    ADB    *db;                     /* VSRC_BLOB: the archive, whose blob.db may hold it */
    char   *local;                  /* VSRC_FILE: the snapshot copy */
    unsigned char *mem;             /* VSRC_MEM (owned) */
} VFILE;

typedef struct vlist {
    VFILE  *f;
    size_t  n, cap;
} VLIST;

void vlist_add_item(VLIST *l, const ITEM *it, ADB *db);
/* Takes ownership of mem (mymalloc'ed). */
void vlist_add_mem(VLIST *l, const char *path, unsigned char *mem, size_t len, int64_t mtime);
void vlist_add_file(VLIST *l, const char *path, const char *local, uint64_t size,
                    const char *sha, int64_t mtime);
void vlist_free(VLIST *l);
uint64_t vlist_bytes(const VLIST *l);

/* Reading one file: a message is loaded whole and digest-checked at
 * open; a log is read piece by piece and must still have its size. */
typedef struct vreader {
    const VFILE *f;
    VSTR   *buf;
    size_t  off;
    int     fd;
    uint64_t left;
} VREADER;

int vreader_open(const CONFIG *cfg, const VFILE *f, VREADER *r, char *err, size_t len);
/* Bytes read, 0 at the end (after exactly f->size bytes), -1 on error. */
long vreader_read(VREADER *r, void *buf, size_t len);
void vreader_close(VREADER *r);

/* A log file snapshot: copied into dir (hashing as it copies). */
typedef struct logfile {
    char    name[256];              /* base name, as on the disc under LOGS/ */
    char   *local;
    uint64_t size;
    int64_t mtime;
    char    sha[65];
} LOGFILE;

/* The files of the mta_logs glob that cover [start, end): a rotated log
 * covers from the time its next-older file was last written up to its
 * own.  Copied into dir; *n set.  0, or -1 with err set. */
int logs_snapshot(const CONFIG *cfg, time_t start, time_t end, const char *dir,
                  LOGFILE **out, int *n, char *err, size_t len);
void logs_free(LOGFILE *l, int n);

#endif
