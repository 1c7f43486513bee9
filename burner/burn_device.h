/*
 * burn_device.h - writing an image to a drive with xorriso.
 *
 * burn_device names the drive as xorriso does: "/dev/sr0", or a
 * "stdio:/path" pseudo-drive (a file or a block device), which goes
 * through the same libburn code as a disc.  The output of xorriso goes
 * into the job's log.  After the burn, the disc is read back through
 * libcdio by the caller (device_read_path()).
 */
#ifndef MAILARC_BURN_DEVICE_H
#define MAILARC_BURN_DEVICE_H

#include <stddef.h>

#include "cfg.h"

/* 0 burned; -1 with err set (xorriso failed, or no blank medium). */
int device_burn(const CONFIG *cfg, const char *job_id, const char *image, char *err, size_t len);
/* The path to read the written medium from. */
const char *device_read_path(const char *device);

#endif
