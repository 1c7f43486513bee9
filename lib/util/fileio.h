/*
 * fileio.h - whole-buffer reads and writes that survive EINTR and short
 * transfers; the one place such loops live.
 */
#ifndef MAILARC_FILEIO_H
#define MAILARC_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

#include "vstr.h"

/* Write all of buf; 0, or -1 with errno. */
int fileio_write_all(int fd, const void *buf, size_t len);

/* Append everything up to EOF to out, at most max bytes (0: no limit);
 * 0, or -1 with errno (EFBIG when larger than max). */
int fileio_read_all(int fd, VSTR *out, size_t max);

#endif
