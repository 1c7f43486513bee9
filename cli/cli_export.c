/*
 * cli_export.c - "mailarc export": the messages a query finds, byte-exact,
 * for production to a regulator or a court.
 *
 * --out names a new (or empty) directory.  mbox: messages.mbox (mboxrd,
 * mbox.h); eml: one ID.eml per message.  Either way MANIFEST.csv and
 * MANIFEST.csv.sha256 (exportfmt.h).  One message is in memory at a time,
 * besides the list of hits (16 bytes each); every file is fsynced before
 * the command says it is done.  The export is audited, as the invoking
 * user, before anything is written; --as LOGIN limits it to what that
 * login may see.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auditlog.h"
#include "digest.h"
#include "exportfmt.h"
#include "fileio.h"
#include "mbox.h"
#include "query.h"
#include "search.h"
#include "store.h"
#include "cli.h"

#define EXPORT_USAGE "usage: mailarc export [--format mbox|eml] --out DIR [--as LOGIN] QUERY...\n"
#define FLUSH_AT (1 << 20)

static int out_open(int dfd, const char *name, const char *dir)
{
    int     fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);

    if (fd < 0)
        fprintf(stderr, "mailarc: export: %s/%s: %s\n", dir, name, strerror(errno));
    return fd;
}

static int out_write(int fd, VSTR *v, const char *dir, const char *name)
{
    if (fileio_write_all(fd, v->s, v->len) < 0) {
        fprintf(stderr, "mailarc: export: %s/%s: %s\n", dir, name, strerror(errno));
        return -1;
    }
    vstr_reset(v);
    return 0;
}

static int out_close(int fd, const char *dir, const char *name)
{
    if (fsync(fd) < 0 || close(fd) < 0) {
        fprintf(stderr, "mailarc: export: %s/%s: %s\n", dir, name, strerror(errno));
        return -1;
    }
    return 0;
}

/* A new directory, or an empty one; its fd or -1. */
static int out_dir(const char *dir, int *created)
{
    int     fd;
    DIR    *d;
    struct dirent *e;

    *created = mkdir(dir, 0750) == 0;
    if (!*created && errno != EEXIST) {
        fprintf(stderr, "mailarc: export: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
        fprintf(stderr, "mailarc: export: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    if ((d = fdopendir(dup(fd))) != 0) {
        while ((e = readdir(d)) != 0)
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
                fprintf(stderr, "mailarc: export: %s is not empty\n", dir);
                closedir(d);
                close(fd);
                return -1;
            }
        closedir(d);
    }
    return fd;
}

static void export_progress(size_t done, size_t total)
{
    int     width = 40, fill = total ? (int) (done * (size_t) width / total) : width;

    fprintf(stderr, "\r[%.*s%*s] %zu/%zu messages", fill,
            "========================================", width - fill, "", done, total);
    if (done == total)
        fputc('\n', stderr);
}

int cli_export(const CONFIG *cfg, int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, 0, 'f'},
        {"out", required_argument, 0, 'o'},
        {"as", required_argument, 0, 'a'},
        {0, 0, 0, 0},
    };
    const char *format = "mbox", *dir = 0, *as = 0;
    VSTR   *text, *detail, *buf, *csv, *msg;
    DIGEST *csvsum;
    unsigned char bin[DIGEST_LEN];
    char    hex[DIGEST_HEXLEN + 1], invoker[256], err[1024];
    ACCESS  acc;
    QUERY   q;
    SEARCH_RESULT res;
    ADB    *db;
    int     c, dfd = -1, mfd = -1, cfd = -1, rc = EXIT_UNAVAILABLE, tty = isatty(2), eml;
    int     created = 0;
    size_t  done = 0;

    memset(&res, 0, sizeof(res));
    while ((c = getopt_long(argc, argv, "+", opts, 0)) != -1) {
        switch (c) {
        case 'f': format = optarg; break;
        case 'o': dir = optarg; break;
        case 'a': as = optarg; break;
        default:
            fputs(EXPORT_USAGE, stderr);
            return EXIT_USAGE;
        }
    }
    if ((strcmp(format, "mbox") != 0 && strcmp(format, "eml") != 0) || dir == 0 || !*dir
        || optind >= argc) {
        if (dir && optind < argc)
            fprintf(stderr, "mailarc: export: --format is mbox or eml, not \"%s\"\n", format);
        fputs(EXPORT_USAGE, stderr);
        return EXIT_USAGE;
    }
    eml = strcmp(format, "eml") == 0;
    if ((text = cli_query_args(argc, argv, optind, &q)) == 0)
        return EXIT_USAGE;
    if (as && access_load(cfg, as, &acc, err, sizeof(err)) < 0) {
        fprintf(stderr, "mailarc: %s\n", err);
        query_free(&q);
        vstr_free(text);
        return EXIT_USAGE;
    }
    detail = vstr_alloc(256);
    buf = vstr_alloc(FLUSH_AT + 65536);
    csv = vstr_alloc(65536);
    msg = vstr_alloc(65536);
    csvsum = digest_create();
    db = cli_open_db(cfg);
    c = search_run(db, &q, as ? &acc : 0, 0, 0, &res, err, sizeof(err));
    query_free(&q);
    if (as)
        access_free(&acc);
    if (c != 0) {
        fprintf(stderr, "mailarc: %s\n", err);
        goto out;
    }
    if (res.total == 0) {
        fprintf(stderr, "mailarc: export: no message matches\n");
        rc = EXIT_NOTFOUND;
        goto out;
    }
    if ((dfd = out_dir(dir, &created)) < 0) {
        rc = EXIT_USAGE;
        goto out;
    }
    cli_invoker(invoker, sizeof(invoker));
    vstr_sprintf(detail, "format=%s out=%s messages=%zu%s%s query=%s", format, dir, res.n,
                 as ? " as=" : "", as ? as : "", text->s);
    if (auditlog_write(cfg, invoker, "export", "ok", detail->s, err, sizeof(err)) < 0) {
        fprintf(stderr, "mailarc: export: refused, the audit log cannot be written: %s\n", err);
        if (created)
            rmdir(dir);
        goto out;
    }
    if ((!eml && (mfd = out_open(dfd, "messages.mbox", dir)) < 0)
        || (cfd = out_open(dfd, "MANIFEST.csv", dir)) < 0)
        goto out;
    exportfmt_csv_header(csv);
    for (size_t i = 0; i < res.n; i++) {
        MSGREC  r;

        if (cli_record(db, res.hits[i].num, &r) < 0) {
            fprintf(stderr, "mailarc: export: record %llu cannot be read\n",
                    (unsigned long long) res.hits[i].num);
            goto out;
        }
        digest_hex(r.sha, hex);
        if (store_get(cfg->data_dir, db, r.arrival, hex, msg, err, sizeof(err)) < 0) {
            fprintf(stderr, "mailarc: export: %s: %s\n", hex, err);
            record_free(&r);
            goto out;
        }
        if (eml) {
            char    name[DIGEST_HEXLEN + 8];
            int     fd;

            snprintf(name, sizeof(name), "%s.eml", hex);
            if ((fd = out_open(dfd, name, dir)) < 0 || out_write(fd, msg, dir, name) < 0
                || out_close(fd, dir, name) < 0) {
                record_free(&r);
                goto out;
            }
        } else {
            mbox_append(buf, exportfmt_sender(&r), (time_t) r.arrival, msg->s, msg->len);
            if (buf->len >= FLUSH_AT && out_write(mfd, buf, dir, "messages.mbox") < 0) {
                record_free(&r);
                goto out;
            }
        }
        exportfmt_csv_row(csv, &r);
        record_free(&r);
        digest_update(csvsum, csv->s, csv->len);
        if (out_write(cfd, csv, dir, "MANIFEST.csv") < 0)
            goto out;
        done++;
        if (tty && (done % 100 == 0 || done == res.n))
            export_progress(done, res.n);
    }
    if (!eml && (out_write(mfd, buf, dir, "messages.mbox") < 0
                 || out_close(mfd, dir, "messages.mbox") < 0)) {
        mfd = -1;
        goto out;
    }
    mfd = -1;
    c = out_close(cfd, dir, "MANIFEST.csv");
    cfd = -1;
    if (c < 0)
        goto out;
    digest_final(csvsum, bin);
    csvsum = 0;
    digest_hex(bin, hex);
    vstr_sprintf(csv, "%s  MANIFEST.csv\n", hex);
    if ((cfd = out_open(dfd, "MANIFEST.csv.sha256", dir)) < 0
        || out_write(cfd, csv, dir, "MANIFEST.csv.sha256") < 0
        || out_close(cfd, dir, "MANIFEST.csv.sha256") < 0) {
        cfd = -1;
        goto out;
    }
    cfd = -1;
    if (fsync(dfd) < 0) {
        fprintf(stderr, "mailarc: export: %s: %s\n", dir, strerror(errno));
        goto out;
    }
    printf("exported %zu message%s to %s (%s)\n", done, done == 1 ? "" : "s", dir, format);
    rc = 0;
out:
    if (csvsum) {
        digest_final(csvsum, bin);
    }
    if (mfd >= 0)
        close(mfd);
    if (cfd >= 0)
        close(cfd);
    if (dfd >= 0)
        close(dfd);
    search_result_free(&res);
    adb_close(db);
    vstr_free(text);
    vstr_free(detail);
    vstr_free(buf);
    vstr_free(csv);
    vstr_free(msg);
    return rc;
}
