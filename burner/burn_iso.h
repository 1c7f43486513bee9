/*
 * burn_iso.h - master one volume as an ISO 9660 image with libisofs.
 *
 * Rock Ridge (POSIX names, modes, times) and Joliet with long names, so
 * the paths read the same on Linux, Windows and macOS.  Messages are
 * streamed from the store one at a time, never staged on disk.
 */
#ifndef MAILARC_BURN_ISO_H
#define MAILARC_BURN_ISO_H

#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "burn_content.h"

/* Progress: bytes written so far; a non-zero return stops the writer. */
typedef int (*BURN_PROGRESS)(void *ctx, uint64_t bytes);

enum { ISO_WRITE_OK = 0, ISO_WRITE_FAILED = -1, ISO_WRITE_TOO_BIG = -2 };

/* Write l to fd.  The image may not exceed max_bytes (ISO_WRITE_TOO_BIG,
 * nothing written, *size says how big it would be).  *size and sha set. */
int iso_write_image(const CONFIG *cfg, const char *label, const char *volset, const VLIST *l,
                    uint64_t max_bytes, int fd, BURN_PROGRESS prog, void *ctx,
                    uint64_t *size, char sha[65], char *err, size_t len);

/* What a message costs on a volume beyond its bytes (directory records in
 * three trees, manifest and index entries), for planning. */
uint64_t iso_overhead(const ITEM *it);
#define ISO_FIXED_OVERHEAD (4u * 1024 * 1024)

#endif
