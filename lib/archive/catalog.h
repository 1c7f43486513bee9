/*
 * catalog.h - the media catalogue: which message is on which volume.
 *
 * A volume is one ISO image of a burn, named like its file without
 * ".iso" ("2026-11-v1of2", "2026-11-2-v1of2" for a second burn of the
 * month).  volume.db keeps what the volume is (VOLINFO); media.db lists,
 * per message number, every volume that holds it.  Only mailarc-burner
 * writes; the CLI and the panel read.
 */
#ifndef MAILARC_CATALOG_H
#define MAILARC_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "adb.h"
#include "strlist.h"
#include "vstr.h"

typedef struct volinfo {
    char    name[64];
    char    label[33];              /* ISO 9660 volume id */
    char    media[8];
    char    month[8];
    int     number, of;
    uint64_t messages;
    uint64_t bytes;                 /* image size */
    char    image_sha256[65];
    char    manifest_sha256[65];
    long long created;
    char    job[32];
    char    burned[160];            /* "" or "DEVICE at TIME, verified" */
} VOLINFO;

/* Record a volume and its messages in one transaction; 0 or a DB error. */
int catalog_add(ADB *db, const VOLINFO *v, const uint64_t *nums, size_t n);
/* Replace a volume's record (after burning); 0 or a DB error. */
int catalog_update(ADB *db, const VOLINFO *v);
/* 0 found, DB_NOTFOUND, or a DB error. */
int catalog_volume(ADB *db, const char *name, VOLINFO *v);
/* The volumes holding a message, in name order (empty without a catalogue). */
int catalog_volumes_of(ADB *db, uint64_t num, STRLIST *names);

/* "NAME (LABEL, dvd, volume 1 of 2, image in media/)" or "..., burned to X". */
void catalog_describe(const VOLINFO *v, VSTR *out);
/* One line per volume holding the message, or "not written to media yet". */
void catalog_describe_message(ADB *db, uint64_t num, VSTR *out);

#endif
