/*
 * media.c - media capacities (see media.h).
 */
#include <string.h>

#include "media.h"

/* Writable sectors of blank media (what growisofs and xorriso report):
 * CD-R 80 min, DVD±R, DVD±R DL, BD-R SL; UDO per cartridge side. */
static const MEDIA_KIND kinds[] = {
    {"cd", 360000, "CD-R, 80 min, 703 MiB"},
    {"dvd", 2295104, "DVD+-R, 4.38 GiB"},
    {"dvd-dl", 4173824, "DVD+-R DL, 7.96 GiB"},
    {"bd", 12219392, "BD-R, 23.3 GiB"},
    {"udo30", 7324218, "UDO 30 GB, one side of the cartridge (15 GB)"},
    {"udo60", 14648437, "UDO2 60 GB, one side of the cartridge (30 GB)"},
    {"udo120", 29296875, "UDO 120 GB, one side of the cartridge (60 GB)"},
    {0, 0, 0},
};

const MEDIA_KIND *media_kinds(void)
{
    return kinds;
}

const MEDIA_KIND *media_find(const char *name)
{
    for (const MEDIA_KIND *k = kinds; k->name; k++)
        if (strcmp(k->name, name) == 0)
            return k;
    return 0;
}

const char *media_names(void)
{
    return "cd, dvd, dvd-dl, bd, udo30, udo60, udo120";
}
