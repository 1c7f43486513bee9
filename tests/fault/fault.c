/*
 * fault.c - an LD_PRELOAD shim that makes calls fail on demand.
 *
 * MAILARC_FAULT names a control file.  While it exists, each of its lines
 * "CALL ERRNO PATH-PART [PROGRAM]" makes that call fail with that errno
 * on any file descriptor whose path contains PATH-PART (e.g. "write ENOSPC
 * /spool/tmp/"), in every program or only in those whose name contains
 * PROGRAM.  CALL is write (write, pwrite, writev), fsync (fsync,
 * fdatasync) or any.  ERRNO KILL instead kills the process with SIGKILL in
 * the call itself (inside Berkeley DB, say, holding its mutexes).
 * "iconv_open KILL NAME" aborts the process when a conversion from a
 * charset containing NAME is opened: a message that kills the indexer.
 * "accept DELAY MS" hands out each accepted connection MS milliseconds
 * late: a receiver holding a connection while the scoreboard still says
 * idle.  Remove the file and every call works again.  For the tests only:
 * nothing of it is installed.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static const struct {
    const char *name;
    int     e;
} fault_errnos[] = {{"ENOSPC", ENOSPC}, {"EIO", EIO}, {"EDQUOT", EDQUOT}, {"EFBIG", EFBIG}};

/* The control file's text, or 0 (errno kept). */
static int fault_read_ctl(char *buf, size_t len)
{
    const char *ctl = getenv("MAILARC_FAULT");
    int     saved = errno, cfd;
    ssize_t n;

    if (ctl == 0 || (cfd = open(ctl, O_RDONLY | O_CLOEXEC)) < 0) {
        errno = saved;
        return 0;
    }
    n = read(cfd, buf, len - 1);
    close(cfd);
    errno = saved;
    if (n <= 0)
        return 0;
    buf[n] = 0;
    return 1;
}

/* The errno that call `what` on something named `path` must fail with
 * (-1: abort, a crash that the sanitizers leave alone), or 0. */
static int fault_match(const char *what, const char *path)
{
    char    buf[4096];
    int     saved = errno, hit = 0;
    char   *save = 0;

    if (!fault_read_ctl(buf, sizeof(buf)))
        return 0;

    for (char *line = strtok_r(buf, "\n", &save); line && !hit;
         line = strtok_r(0, "\n", &save)) {
        char    call[16], en[16], part[1024], prog[64];
        int     n = sscanf(line, "%15s %15s %1023s %63s", call, en, part, prog);

        if (n < 3)
            continue;
        if (n == 4 && strstr(program_invocation_short_name, prog) == 0)
            continue;
        if (strcmp(call, "any") != 0 && strcmp(call, what) != 0)
            continue;
        if (strstr(path, part) == 0)
            continue;
        for (size_t i = 0; i < sizeof(fault_errnos) / sizeof(fault_errnos[0]); i++)
            if (strcmp(en, fault_errnos[i].name) == 0)
                hit = fault_errnos[i].e;
        if (strcmp(en, "KILL") == 0)
            hit = -1;
    }
    errno = saved;
    return hit;
}

static int fault_for(const char *what, int fd)
{
    char    path[4096], link[64];
    int     saved = errno;
    ssize_t pl;

    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    pl = readlink(link, path, sizeof(path) - 1);
    errno = saved;
    if (pl <= 0)
        return 0;
    path[pl] = 0;
    return fault_match(what, path);
}

#define REAL(ret, name, ...) \
    static ret (*real_##name)(__VA_ARGS__); \
    if (real_##name == 0) \
        *(void **) &real_##name = dlsym(RTLD_NEXT, #name)

/* KILL: the process dies in the call, as under kill -9 (inside Berkeley DB,
 * holding whatever region mutex the write is made under). */
#define FAIL_IF(what, fd) do { \
        int e_ = fault_for(what, fd); \
        if (e_ > 0) { errno = e_; return -1; } \
        if (e_ < 0) raise(SIGKILL); \
    } while (0)

iconv_t iconv_open(const char *to, const char *from)
{
    REAL(iconv_t, iconv_open, const char *, const char *);
    if (from && fault_match("iconv_open", from) < 0)
        raise(SIGABRT);
    return real_iconv_open(to, from);
}

ssize_t write(int fd, const void *buf, size_t len)
{
    REAL(ssize_t, write, int, const void *, size_t);
    FAIL_IF("write", fd);
    return real_write(fd, buf, len);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
    REAL(ssize_t, pwrite, int, const void *, size_t, off_t);
    FAIL_IF("write", fd);
    return real_pwrite(fd, buf, len, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off_t off)
{
    REAL(ssize_t, pwrite64, int, const void *, size_t, off_t);
    FAIL_IF("write", fd);
    return real_pwrite64(fd, buf, len, off);
}

ssize_t writev(int fd, const struct iovec *iov, int n)
{
    REAL(ssize_t, writev, int, const struct iovec *, int);
    FAIL_IF("write", fd);
    return real_writev(fd, iov, n);
}

int fsync(int fd)
{
    REAL(int, fsync, int);
    FAIL_IF("fsync", fd);
    return real_fsync(fd);
}

int fdatasync(int fd)
{
    REAL(int, fdatasync, int);
    FAIL_IF("fsync", fd);
    return real_fdatasync(fd);
}

int accept4(int fd, struct sockaddr *addr, socklen_t *alen, int flags)
{
    REAL(int, accept4, int, struct sockaddr *, socklen_t *, int);
    char    buf[4096];
    long    ms = 0;
    int     c = real_accept4(fd, addr, alen, flags);
    int     saved = errno;

    if (c >= 0 && fault_read_ctl(buf, sizeof(buf))) {
        const char *p = strstr(buf, "accept DELAY ");

        if (p)
            ms = atol(p + 13);
    }
    if (ms > 0) {
        /* The whole delay, even across signals: the receiver must act on
         * them with the connection already in hand. */
        struct timespec left = {ms / 1000, (ms % 1000) * 1000000L};

        while (nanosleep(&left, &left) < 0 && errno == EINTR)
            ;
    }
    errno = saved;
    return c;
}
