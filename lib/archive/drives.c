/*
 * drives.c - optical drives through libcdio (see drives.h).
 */
#include <cdio/cdio.h>
#include <cdio/device.h>
#include <cdio/logging.h>

#include "drives.h"

static void drives_quiet(cdio_log_level_t level, const char *message)
{
    (void) level;
    (void) message;
}

static void drives_caps(VSTR *out, cdio_drive_write_cap_t w)
{
    static const struct {
        cdio_drive_write_cap_t bit;
        const char *name;
    } caps[] = {
        {CDIO_DRIVE_CAP_WRITE_CD_R, "CD-R"}, {CDIO_DRIVE_CAP_WRITE_CD_RW, "CD-RW"},
        {CDIO_DRIVE_CAP_WRITE_DVD_R, "DVD-R"}, {CDIO_DRIVE_CAP_WRITE_DVD_PR, "DVD+R"},
        {CDIO_DRIVE_CAP_WRITE_DVD_RW, "DVD-RW"}, {CDIO_DRIVE_CAP_WRITE_DVD_RPW, "DVD+RW"},
        {CDIO_DRIVE_CAP_WRITE_DVD_RAM, "DVD-RAM"},
    };
    int     any = 0;

    vstr_addstr(out, "  writes:");
    for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
        if (w & caps[i].bit) {
            vstr_sprintf_append(out, " %s", caps[i].name);
            any = 1;
        }
    if (!any)
        vstr_addstr(out, " nothing (read-only drive)");
}

int drives_list(VSTR *out)
{
    cdio_log_handler_t old = cdio_log_set_handler(drives_quiet);
    char  **devs = cdio_get_devices(DRIVER_DEVICE);
    int     n = 0;

    for (char **d = devs; d && *d; d++) {
        cdio_drive_read_cap_t r = 0;
        cdio_drive_write_cap_t w = 0;
        cdio_drive_misc_cap_t m = 0;
        cdio_hwinfo_t hw;
        CdIo_t *cd = cdio_open(*d, DRIVER_DEVICE);

        vstr_sprintf_append(out, "%s", *d);
        if (cd && cdio_get_hwinfo(cd, &hw))
            vstr_sprintf_append(out, "  %s %s %s", hw.psz_vendor, hw.psz_model, hw.psz_revision);
        if (cd)
            cdio_destroy(cd);
        cdio_get_drive_cap_dev(*d, &r, &w, &m);
        drives_caps(out, w);
        vstr_addch(out, '\n');
        n++;
    }
    if (devs)
        cdio_free_device_list(devs);
    cdio_log_set_handler(old);
    return n;
}
