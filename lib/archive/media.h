/*
 * media.h - optical media and the months they hold.
 *
 * The media a burn can be sized for (capacity in 2048-byte sectors, as
 * the writable area of a blank disc or one side of a UDO cartridge).  The
 * calendar months that archive files and media are cut by are month.h's.
 */
#ifndef MAILARC_MEDIA_H
#define MAILARC_MEDIA_H

#include <stddef.h>
#include <stdint.h>

#include "month.h"

typedef struct media_kind {
    const char *name;               /* cd, dvd, dvd-dl, bd, udo30, ... */
    int64_t sectors;
    const char *what;               /* for people */
} MEDIA_KIND;

#define MEDIA_SECTOR 2048

/* NULL when unknown. */
const MEDIA_KIND *media_find(const char *name);
/* The table, terminated by a NULL name. */
const MEDIA_KIND *media_kinds(void);
/* "cd, dvd, ..." for messages. */
const char *media_names(void);

#endif
