/*
 * isoverify.h - read an ISO 9660 image or disc back and check it.
 *
 * Reads with libcdio's ISO 9660 reader, not the library that wrote the
 * image.  Every file's SHA-256 is checked against /MANIFEST.XML; a
 * message file (MAIL/.../<id>.eml) also against its own name, which is
 * its SHA-256, so a damaged manifest does not hide a damaged message.
 * With the archive's database: every message must be in the archive and
 * catalogued on this volume, and the manifest must be the one catalogued.
 * Each problem is one line naming the file; nothing is repaired.
 */
#ifndef MAILARC_ISOVERIFY_H
#define MAILARC_ISOVERIFY_H

#include <stdint.h>

#include "adb.h"

typedef struct isoverify_result {
    char    label[40];              /* volume id */
    char    volume[64];             /* catalogue name from the manifest */
    uint64_t files;                 /* files read */
    uint64_t bytes;
    uint64_t messages;
    uint64_t problems;
} ISOVERIFY_RESULT;

typedef void (*ISOVERIFY_OUT)(void *ctx, const char *line);
/* Called now and then with bytes read so far and the total to read. */
typedef void (*ISOVERIFY_PROGRESS)(void *ctx, uint64_t done, uint64_t total);

/* 0 all good; 1 problems (each reported through out); -1 the image
 * cannot be read as ISO 9660 at all (reason through out).  db may be 0. */
int isoverify(const char *path, ADB *db, ISOVERIFY_OUT out, ISOVERIFY_PROGRESS progress,
              void *ctx, ISOVERIFY_RESULT *res);

#endif
