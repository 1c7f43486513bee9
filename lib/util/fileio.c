/*
 * fileio.c - read and write whole buffers (see fileio.h).
 */
#include <errno.h>
#include <unistd.h>

#include "fileio.h"

int fileio_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t) n;
    }
    return 0;
}

int fileio_read_all(int fd, VSTR *out, size_t max)
{
    size_t  start = out->len;

    for (;;) {
        ssize_t n;

        vstr_reserve(out, 65536);
        n = read(fd, out->s + out->len, out->cap - out->len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        out->len += (size_t) n;
        if (max && out->len - start > max) {
            errno = EFBIG;
            return -1;
        }
    }
    out->s[out->len] = 0;
    return 0;
}
