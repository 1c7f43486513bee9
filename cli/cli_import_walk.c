/*
 * cli_import_walk.c - the sources of "mailarc import": mbox files and
 * Apple .mbox bundles, Maildirs with their .Sub.Folders, EML files and
 * trees.  Sources are only read: opened read-only, never changed.
 * Directory entries are taken in name order, so a run is repeatable;
 * symbolic links to directories are not followed (no loops).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mbox.h"
#include "mymalloc.h"
#include "strlist.h"
#include "cli_import.h"

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The entries of dir (no dot entries unless dots), sorted. */
static int walk_list(const char *dir, int dots, STRLIST *out)
{
    DIR    *d = opendir(dir);
    struct dirent *e;

    if (d == 0)
        return -1;
    while ((e = readdir(d)) != 0) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (e->d_name[0] == '.' && !dots)
            continue;
        strlist_add(out, e->d_name);
    }
    closedir(d);
    qsort(out->v, (size_t) out->n, sizeof(char *), name_cmp);
    return 0;
}

static void walk_join(VSTR *out, const char *dir, const char *name)
{
    vstr_sprintf(out, "%s/%s", dir, name);
}

static int is_dir(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* One whole file as one message. */
static int walk_file(IMPORT_CTX *ic, const char *path, size_t max)
{
    VSTR   *msg;
    struct stat st;
    char    why[512];
    int     fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY), rc;
    ssize_t n;

    if (fd < 0 || fstat(fd, &st) < 0) {
        snprintf(why, sizeof(why), "unreadable: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return import_item(ic, path, 0, why, "", 0);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return import_item(ic, path, 0, "not a regular file", "", 0);
    }
    if ((size_t) st.st_size > max) {
        close(fd);
        return import_item(ic, path, 0, "over message_size_limit", "", (size_t) st.st_size);
    }
    msg = vstr_alloc((size_t) st.st_size + 2);
    for (;;) {
        vstr_reserve(msg, msg->len < (size_t) st.st_size ? (size_t) st.st_size - msg->len + 1
                     : 65536);
        if ((n = read(fd, msg->s + msg->len, msg->cap - msg->len - 1)) <= 0)
            break;
        msg->len += (size_t) n;
        if (msg->len > max)
            break;                      /* it grew while we read it */
    }
    close(fd);
    if (n < 0) {
        snprintf(why, sizeof(why), "unreadable: %s", strerror(errno));
        rc = import_item(ic, path, 0, why, "", msg->len);
    } else if (msg->len > max) {
        rc = import_item(ic, path, 0, "over message_size_limit", "", msg->len);
    } else {
        msg->s[msg->len] = 0;
        rc = import_item(ic, path, msg, 0, "", msg->len);
    }
    vstr_free(msg);
    return rc;
}

static int walk_mbox(IMPORT_CTX *ic, const char *path, size_t max)
{
    FILE   *fp = fopen(path, "re");
    MBOX   *m;
    MBOX_ITEM it;
    VSTR   *msg = vstr_alloc(65536), *where = vstr_alloc(256);
    char    why[512];
    int     rc, ret = 0;

    if (fp == 0) {
        snprintf(why, sizeof(why), "unreadable: %s", strerror(errno));
        vstr_free(msg);
        vstr_free(where);
        return import_item(ic, path, 0, why, "", 0);
    }
    m = mbox_open(fp);
    while (ret == 0 && !import_stopped() && (rc = mbox_next(m, msg, max, &it)) == 1) {
        vstr_sprintf(where, "%s:%lld", path, (long long) it.offset);
        ret = import_item(ic, where->s, it.too_big ? 0 : msg,
                          it.too_big ? "over message_size_limit" : 0, it.from, it.size);
    }
    if (ret == 0 && !import_stopped() && rc == -2)
        ret = import_item(ic, path, 0, "not a message (not an mbox: no \"From \" line first)",
                          "", 0);
    else if (ret == 0 && rc == -1) {
        snprintf(why, sizeof(why), "unreadable: %s", strerror(errno));
        ret = import_item(ic, path, 0, why, "", 0);
    }
    mbox_close(m);
    fclose(fp);
    vstr_free(msg);
    vstr_free(where);
    return ret;
}

static int walk_tree(IMPORT_CTX *ic, const char *dir, enum import_format fmt, size_t max);

/*
 * An Outlook PST file, through readpst (Debian's pst-utils) as a converter:
 * it writes each message as MIME it rebuilds from the PST's properties
 * (not bytes that were ever sent), into a private temporary directory
 * that is then imported as EML files and removed.
 */
static int walk_pst(IMPORT_CTX *ic, const char *path, size_t max)
{
    char    tmp[] = "/tmp/mailarc-pst-XXXXXX", why[512];
    int     status = -1, ret;
    pid_t   pid;

    if (mkdtemp(tmp) == 0) {
        snprintf(why, sizeof(why), "cannot make a directory for readpst: %s", strerror(errno));
        return import_item(ic, path, 0, why, "", 0);
    }
    if ((pid = fork()) == 0) {
        int     null = open("/dev/null", O_RDWR);

        dup2(null, 1);
        dup2(null, 2);
        execl("/usr/bin/readpst", "readpst", "-q", "-e", "-b", "-o", tmp, path, (char *) 0);
        _exit(127);
    }
    if (pid > 0)
        waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(why, sizeof(why), "not read as a PST file (readpst from pst-utils %s)",
                 WIFEXITED(status) && WEXITSTATUS(status) == 127 ? "is not installed"
                 : "failed");
        ret = import_item(ic, path, 0, why, "", 0);
    } else {
        import_rename(ic, tmp, path);
        ret = walk_tree(ic, tmp, IMP_EML, max);
        import_rename(ic, 0, 0);
    }
    {
        pid_t   rm = fork();

        if (rm == 0) {
            execl("/bin/rm", "rm", "-rf", "--", tmp, (char *) 0);
            _exit(127);
        }
        if (rm > 0)
            waitpid(rm, 0, 0);
    }
    return ret;
}

/* A file whose format is not given: an mbox if it starts like one, a PST
 * by its magic number, else one message. */
static int walk_sniffed(IMPORT_CTX *ic, const char *path, size_t max)
{
    char    head[5];
    int     fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    ssize_t n = fd >= 0 ? read(fd, head, sizeof(head)) : -1;

    if (fd >= 0)
        close(fd);
    if (n > 0 && mbox_sniff(head, (size_t) n))
        return walk_mbox(ic, path, max);
    if (n >= 4 && memcmp(head, "!BDN", 4) == 0)
        return walk_pst(ic, path, max);
    return walk_file(ic, path, max);
}

static int walk_maildir(IMPORT_CTX *ic, const char *dir, size_t max)
{
    static const char *const subs[] = {"cur", "new"};
    VSTR   *p = vstr_alloc(256), *f = vstr_alloc(256);
    int     ret = 0;

    for (int s = 0; s < 2 && ret == 0; s++) {
        STRLIST names = {0};

        walk_join(p, dir, subs[s]);
        if (walk_list(p->s, 0, &names) == 0)
            for (int i = 0; i < names.n && ret == 0 && !import_stopped(); i++) {
                walk_join(f, p->s, names.v[i]);
                ret = walk_file(ic, f->s, max);
            }
        strlist_free(&names);
    }
    if (ret == 0) {
        STRLIST names = {0};

        /* Maildir++ folders: .Sent, .Archive.2019, ... */
        walk_list(dir, 1, &names);
        for (int i = 0; i < names.n && ret == 0 && !import_stopped(); i++) {
            if (names.v[i][0] != '.')
                continue;
            walk_join(p, dir, names.v[i]);
            if (is_dir(p->s))
                ret = walk_maildir(ic, p->s, max);
        }
        strlist_free(&names);
    }
    vstr_free(p);
    vstr_free(f);
    return import_stopped() ? -1 : ret;
}

static int walk_tree(IMPORT_CTX *ic, const char *dir, enum import_format fmt, size_t max)
{
    STRLIST names = {0};
    VSTR   *p = vstr_alloc(256);
    int     ret = 0;

    if (walk_list(dir, 0, &names) < 0) {
        char    why[512];

        snprintf(why, sizeof(why), "unreadable: %s", strerror(errno));
        vstr_free(p);
        return import_item(ic, dir, 0, why, "", 0);
    }
    for (int i = 0; i < names.n && ret == 0 && !import_stopped(); i++) {
        walk_join(p, dir, names.v[i]);
        if (is_dir(p->s))
            ret = import_walk(ic, p->s, fmt, max);
        else if (fmt == IMP_EML)
            ret = walk_file(ic, p->s, max);
        else if (fmt == IMP_MBOX)
            ret = walk_mbox(ic, p->s, max);
        else if (fmt == IMP_PST)
            ret = walk_pst(ic, p->s, max);
        else
            ret = walk_sniffed(ic, p->s, max);
    }
    strlist_free(&names);
    vstr_free(p);
    return import_stopped() ? -1 : ret;
}

int import_walk(IMPORT_CTX *ic, const char *source, enum import_format fmt, size_t max)
{
    VSTR   *p = vstr_alloc(256);
    struct stat st;
    int     ret;

    if (stat(source, &st) < 0) {
        char    why[512];

        snprintf(why, sizeof(why), "unreadable: %s", strerror(errno));
        vstr_free(p);
        return import_item(ic, source, 0, why, "", 0);
    }
    if (!S_ISDIR(st.st_mode)) {
        vstr_free(p);
        if (fmt == IMP_MBOX)
            return walk_mbox(ic, source, max);
        if (fmt == IMP_PST)
            return walk_pst(ic, source, max);
        if (fmt == IMP_EML || fmt == IMP_MAILDIR)
            return walk_file(ic, source, max);
        return walk_sniffed(ic, source, max);
    }
    /* An Apple Mail bundle: Name.mbox/mbox. */
    walk_join(p, source, "mbox");
    if ((fmt == IMP_AUTO || fmt == IMP_MBOX) && stat(p->s, &st) == 0 && S_ISREG(st.st_mode)) {
        ret = walk_mbox(ic, p->s, max);
        vstr_free(p);
        return ret;
    }
    walk_join(p, source, "cur");
    if (fmt == IMP_MAILDIR || (fmt == IMP_AUTO && is_dir(p->s))) {
        vstr_free(p);
        return walk_maildir(ic, source, max);
    }
    vstr_free(p);
    return walk_tree(ic, source, fmt, max);
}

off_t import_total(const char *source)
{
    struct stat st;
    STRLIST names = {0};
    VSTR   *p;
    off_t   sum = 0;

    if (stat(source, &st) < 0)
        return 0;
    if (!S_ISDIR(st.st_mode))
        return S_ISREG(st.st_mode) ? st.st_size : 0;
    p = vstr_alloc(256);
    walk_list(source, 1, &names);
    for (int i = 0; i < names.n; i++) {
        walk_join(p, source, names.v[i]);
        if (lstat(p->s, &st) == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
            sum += import_total(p->s);
    }
    strlist_free(&names);
    vstr_free(p);
    return sum;
}
