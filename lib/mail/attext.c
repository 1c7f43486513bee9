/*
 * attext.c - attachment text through mailarc-extract (see attext.h).
 *
 * The decoded file goes to the helper as a memfd on its standard input,
 * so readers that seek (PDF, zip) need no temporary file.  The helper is
 * started with posix_spawn (no copy of the indexer's address space) and
 * inherits no descriptor but its three.  Its output is read with a
 * deadline; past extract_max_bytes the text is cut and the helper
 * stopped, past extract_timeout it is killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "attext.h"
#include "charset.h"
#include "libexec.h"
#include "mymalloc.h"

extern char **environ;

static const char *const attext_names[] = {
    "pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "rtf", "text", 0
};

void attext_opts_cfg(ATTEXT_OPTS *o, const CONFIG *cfg)
{
    char   *dir = libexec_dir("mailarc-extract");
    size_t  n = strlen(dir) + 32;
    const char *p = cfg->extract_types;

    o->helper = mymalloc(n);
    snprintf(o->helper, n, "%s/mailarc-extract", dir);
    myfree(dir);
    o->types = 0;
    while (*p) {
        size_t  w = strcspn(p, " \t,");

        for (int i = 0; attext_names[i]; i++)
            if (strlen(attext_names[i]) == w && strncmp(p, attext_names[i], w) == 0)
                o->types |= 1u << i;
        p += w;
        p += strspn(p, " \t,");
    }
    o->max_bytes = (size_t) cfg->extract_max_bytes;
    o->timeout = cfg->extract_timeout;
    o->max_memory = (size_t) cfg->extract_max_memory;
}

void attext_opts_free(ATTEXT_OPTS *o)
{
    myfree(o->helper);
    o->helper = 0;
}

static const struct {
    const char *mime;
    const char *ext;
    const char *type;
} attext_kinds[] = {
    {"application/pdf", ".pdf", "pdf"},
    {"application/x-pdf", 0, "pdf"},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "docx"},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "xlsx"},
    {"application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx", "pptx"},
    {"application/vnd.oasis.opendocument.text", ".odt", "odt"},
    {"application/vnd.oasis.opendocument.spreadsheet", ".ods", "ods"},
    {"application/vnd.oasis.opendocument.presentation", ".odp", "odp"},
    {"application/rtf", ".rtf", "rtf"},
    {"text/rtf", 0, "rtf"},
};

static int attext_enabled(const ATTEXT_OPTS *o, const char *type)
{
    for (int i = 0; attext_names[i]; i++)
        if (strcmp(attext_names[i], type) == 0)
            return (o->types & (1u << i)) != 0;
    return 0;
}

const char *attext_type(const ATTEXT_OPTS *o, const MIME_PART *p, char *why, size_t whylen)
{
    const char *type = 0;
    size_t  flen = strlen(p->filename);

    *why = 0;
    if (!p->attachment)
        return 0;
    for (size_t i = 0; i < sizeof(attext_kinds) / sizeof(attext_kinds[0]) && !type; i++) {
        const char *ext = attext_kinds[i].ext;

        if (strcmp(p->type, attext_kinds[i].mime) == 0
            || (ext && flen > strlen(ext)
                && strcasecmp(p->filename + flen - strlen(ext), ext) == 0))
            type = attext_kinds[i].type;
    }
    if (type == 0 && strncmp(p->type, "text/", 5) == 0)
        type = "text";
    if (type == 0 || !attext_enabled(o, type))
        return 0;
    if (p->size > o->max_bytes) {
        snprintf(why, whylen, "%zu bytes, larger than extract_max_bytes (%zu)", p->size,
                 o->max_bytes);
        return 0;
    }
    return type;
}

/* A text attachment in its charset; cut at max_bytes. */
static void attext_text(const ATTEXT_OPTS *o, const MIME_PART *p, VSTR *text, int *cut)
{
    VSTR   *raw;

    if (p->text) {
        vstr_add(text, p->text->s, p->text->len < o->max_bytes ? p->text->len : o->max_bytes);
        *cut = p->text->len > o->max_bytes;
        return;
    }
    raw = vstr_alloc(p->body_len + 16);
    mime_part_decode(p, raw);
    if (raw->len > o->max_bytes) {
        vstr_truncate(raw, o->max_bytes);
        *cut = 1;
    }
    if (*p->charset)
        charset_to_utf8(p->charset, raw->s, raw->len, text);
    else
        charset_raw_to_utf8(raw->s, raw->len, text);
    vstr_free(raw);
}

static long attext_ms_left(const struct timespec *deadline)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/* Does the file start as its type must (a PDF within its first KB, as
 * readers allow)?  A file named .pdf that is not one costs no helper. */
static int attext_magic(const char *type, const VSTR *raw, char *why, size_t whylen)
{
    int     pdf = strcmp(type, "pdf") == 0, rtf = strcmp(type, "rtf") == 0;
    const char *want = pdf ? "%PDF-" : rtf ? "{\\rtf" : "PK\003\004";
    size_t  n = strlen(want);

    if (pdf && memmem(raw->s, raw->len < 1024 ? raw->len : 1024, want, n))
        return 0;
    if (!pdf && raw->len >= n && memcmp(raw->s, want, n) == 0)
        return 0;
    snprintf(why, whylen, "%s: not a %s file (it does not start with %s)", type,
             pdf ? "PDF" : rtf ? "RTF" : "zip", pdf ? "%PDF-" : rtf ? "{\\rtf" : "PK");
    return -1;
}

/* The memfd holding the decoded file; -1 with why set. */
static int attext_memfd(const char *type, const MIME_PART *p, char *why, size_t whylen)
{
    VSTR   *raw = vstr_alloc(p->size + 16);
    int     fd;
    size_t  off = 0;

    mime_part_decode(p, raw);
    if (attext_magic(type, raw, why, whylen) < 0) {
        vstr_free(raw);
        return -1;
    }
    if ((fd = memfd_create("mailarc-attachment", MFD_CLOEXEC)) < 0) {
        snprintf(why, whylen, "memfd_create: %s", strerror(errno));
        vstr_free(raw);
        return -1;
    }
    while (off < raw->len) {
        ssize_t n = write(fd, raw->s + off, raw->len - off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(why, whylen, "memfd: %s", strerror(errno));
            close(fd);
            vstr_free(raw);
            return -1;
        }
        off += (size_t) n;
    }
    vstr_free(raw);
    if (lseek(fd, 0, SEEK_SET) < 0) {
        snprintf(why, whylen, "memfd: %s", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* Start the helper; its pid, or -1 with why set. */
static pid_t attext_spawn(const ATTEXT_OPTS *o, const char *type, int in, int out, int err,
                          char *why, size_t whylen)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t none, all;
    char    t[32], m[32], mm[32];
    char   *argv[] = {"mailarc-extract", "-t", t, "-m", m, "-M", mm, (char *) type, 0};
    pid_t   pid;
    int     rc;

    snprintf(t, sizeof(t), "%ld", o->timeout);
    snprintf(m, sizeof(m), "%zu", o->max_bytes);
    snprintf(mm, sizeof(mm), "%zu", o->max_memory);
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in, 0);
    posix_spawn_file_actions_adddup2(&fa, out, 1);
    posix_spawn_file_actions_adddup2(&fa, err, 2);
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    posix_spawnattr_init(&at);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
                             | POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &all);
    posix_spawnattr_setpgroup(&at, 0);
    rc = posix_spawn(&pid, o->helper, &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    if (rc != 0) {
        snprintf(why, whylen, "cannot start %s: %s", o->helper, strerror(rc));
        return -1;
    }
    return pid;
}

/* Read the helper's output and its complaint until both end, the text
 * is long enough, or the deadline passes; 1 when it ran out of time. */
static int attext_collect(const ATTEXT_OPTS *o, const struct timespec *deadline, int out,
                          int err, VSTR *text, size_t start, VSTR *complaint, int *cut)
{
    struct pollfd pf[2] = {{out, POLLIN, 0}, {err, POLLIN, 0}};
    char    buf[65536];

    while (pf[0].fd >= 0 || pf[1].fd >= 0) {
        long    left = attext_ms_left(deadline);
        int     rc;

        if (left <= 0)
            return 1;
        rc = poll(pf, 2, (int) (left > 60000 ? 60000 : left));
        if (rc < 0 && errno != EINTR)
            return 1;
        for (int i = 0; i < 2 && rc > 0; i++) {
            ssize_t n;

            if (pf[i].fd < 0 || pf[i].revents == 0)
                continue;
            n = read(pf[i].fd, buf, sizeof(buf));
            if (n < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (n <= 0) {
                pf[i].fd = -1;
                continue;
            }
            if (i == 1) {
                if (complaint->len < 400)
                    vstr_add(complaint, buf, (size_t) n);
                continue;
            }
            if (text->len - start + (size_t) n >= o->max_bytes) {
                vstr_add(text, buf, o->max_bytes - (text->len - start));
                *cut = 1;
                return 0;               /* enough: the helper is stopped */
            }
            vstr_add(text, buf, (size_t) n);
        }
    }
    return 0;
}

/* Wait for the helper, killing it when stop is set or when it lingers
 * past the deadline with its output closed; 1 if it had to be killed. */
static int attext_reap(const struct timespec *deadline, pid_t pid, int stop, int *status)
{
    long    nap = 1;

    for (;;) {
        pid_t   r = stop ? 0 : waitpid(pid, status, WNOHANG);

        if (r == pid || (r < 0 && errno != EINTR))
            return 0;
        if (stop || attext_ms_left(deadline) <= 0) {
            kill(pid, SIGKILL);
            while (waitpid(pid, status, 0) < 0 && errno == EINTR)
                ;
            return 1;
        }
        usleep((useconds_t) nap * 1000);
        nap = nap < 50 ? nap * 2 : 50;
    }
}

static const char *attext_signal(int sig)
{
    return sig == SIGXCPU ? "CPU limit reached (extract_timeout)"
        : sig == SIGSEGV ? "crashed (segmentation fault)"
        : sig == SIGABRT ? "crashed (aborted, memory exhausted?)"
        : sig == SIGBUS ? "crashed (bus error)" : "killed";
}

int attext_part(const ATTEXT_OPTS *o, const char *type, const MIME_PART *p, VSTR *text, int *cut,
                char *why, size_t whylen)
{
    int     in, out[2], err[2];
    size_t  start = text->len;
    VSTR   *complaint;
    struct timespec deadline;
    pid_t   pid;
    int     status = 0, late;

    *cut = 0;
    if (strcmp(type, "text") == 0) {
        attext_text(o, p, text, cut);
        return 0;
    }
    if ((in = attext_memfd(type, p, why, whylen)) < 0)
        return -1;
    if (pipe2(out, O_CLOEXEC) < 0) {
        snprintf(why, whylen, "pipe: %s", strerror(errno));
        close(in);
        return -1;
    }
    if (pipe2(err, O_CLOEXEC) < 0) {
        snprintf(why, whylen, "pipe: %s", strerror(errno));
        close(in), close(out[0]), close(out[1]);
        return -1;
    }
    pid = attext_spawn(o, type, in, out[1], err[1], why, whylen);
    close(in);
    close(out[1]);
    close(err[1]);
    if (pid < 0) {
        close(out[0]), close(err[0]);
        return -1;
    }
    complaint = vstr_alloc(128);
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += o->timeout;
    late = attext_collect(o, &deadline, out[0], err[0], text, start, complaint, cut);
    close(out[0]);
    close(err[0]);
    late = attext_reap(&deadline, pid, late || *cut, &status) && !*cut;
    while (complaint->len && (complaint->s[complaint->len - 1] == '\n'
                              || complaint->s[complaint->len - 1] == '\r'))
        vstr_truncate(complaint, complaint->len - 1);
    if (late) {
        snprintf(why, whylen, "%s: timed out after %ld s", type, o->timeout);
    } else if (*cut) {
        status = 0;
    } else if (WIFSIGNALED(status)) {
        snprintf(why, whylen, "%s: %s (signal %d)", type, attext_signal(WTERMSIG(status)),
                 WTERMSIG(status));
    } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        snprintf(why, whylen, "%s: %s", type,
                 complaint->len ? complaint->s : "mailarc-extract failed");
    }
    vstr_free(complaint);
    if (late || (!*cut && (WIFSIGNALED(status) || WEXITSTATUS(status) != 0))) {
        vstr_truncate(text, start);
        return -1;
    }
    return 0;
}
