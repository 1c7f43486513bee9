/*
 * cli_import.c - mailarc import: old mail from mbox files, Maildirs and
 * EML files into the archive, every item accounted for.
 *
 *   mailarc import [--format mbox|maildir|eml|pst|imap|pop3] [--recipient ADDR]...
 *                  [--report FILE|-] [--password-file FILE] [--ca-file FILE] SOURCE...
 *
 * A SOURCE is a file or directory, or a mail server read without changing
 * it (imaps://USER@HOST/FOLDER, pop3s://USER@HOST; cli_import_net.c).
 *
 * Each item goes through the durable spool like mail from the MTA
 * (source=import, arrival now, its Date header untouched), so nothing
 * counted as imported can be lost.  An item whose bytes are already in
 * the archive (or earlier in this run) is a duplicate and is not spooled
 * again unless --recipient asks for its envelope to grow.  Refused: an
 * empty item, one over message_size_limit, an unreadable one, and one
 * that is not a message.  The report has one CSV line per item; the last
 * line on standard output is "imported N, duplicate N, refused N".
 * While the indexer's backlog is over import_max_backlog the import
 * waits.  SIGINT or SIGTERM stops it after the item in hand; run again,
 * what was imported comes back as duplicates.
 *
 * Exit: 0 nothing refused, 1 something refused (or stopped), 2 usage,
 * 3 the archive is unavailable.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "digest.h"
#include "mymalloc.h"
#include "spool.h"
#include "cli.h"
#include "cli_import.h"

#define IMPORT_BACKLOG_EVERY 64     /* items between looks at the backlog */
#define IMPORT_BATCH 64             /* items spooled before one fsync of spool/new */

/* An item's outcome, held until its spool file is published. */
typedef struct import_line {
    char   *where, *outcome, *id, *why;
    int     spooled;
} IMPORT_LINE;

struct import_ctx {
    const CONFIG *cfg;
    ADB    *db;
    STRLIST rcpt;                   /* --recipient */
    FILE   *report;
    long    imported, duplicate, refused;
    int     storage_failed;
    IMPORT_LINE pending[IMPORT_BATCH];
    int     npending, nspooled;
    /* Digests seen in this run: open addressing, grown at half full. */
    unsigned char *seen;
    size_t  seen_cap, seen_n;
    const char *rename_from, *rename_as;
    /* Progress. */
    int     tty;
    double  start, last_draw;
    off_t   total, done;
    long    items;
};

static volatile sig_atomic_t stop_asked;

static void import_on_signal(int sig)
{
    (void) sig;
    stop_asked = 1;
}

int import_stopped(void)
{
    return stop_asked;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* 1 when d was already seen in this run; else remembered, 0. */
static int import_seen(IMPORT_CTX *ic, const unsigned char d[32])
{
    size_t  i;

    if (2 * (ic->seen_n + 1) > ic->seen_cap) {
        unsigned char *old = ic->seen;
        size_t  oldcap = ic->seen_cap;

        ic->seen_cap = oldcap ? oldcap * 2 : 4096;
        ic->seen = mycalloc(ic->seen_cap, 32);
        ic->seen_n = 0;
        for (size_t k = 0; k < oldcap; k++) {
            static const unsigned char zero[32];

            if (memcmp(old + 32 * k, zero, 32) != 0)
                import_seen(ic, old + 32 * k);
        }
        myfree(old);
    }
    for (i = (size_t) record_get_u64(d) % ic->seen_cap;; i = (i + 1) % ic->seen_cap) {
        static const unsigned char zero[32];
        unsigned char *slot = ic->seen + 32 * i;

        if (memcmp(slot, d, 32) == 0)
            return 1;
        if (memcmp(slot, zero, 32) == 0) {
            memcpy(slot, d, 32);
            ic->seen_n++;
            return 0;
        }
    }
}

static int import_in_archive(IMPORT_CTX *ic, const unsigned char d[32])
{
    DBT     key = {0}, val = {0};

    key.data = (void *) d;
    key.size = 32;
    val.flags = DB_DBT_PARTIAL;
    val.dlen = 0;
    return ic->db->id->get(ic->db->id, 0, &key, &val, 0) == 0;
}

/* A CSV field: quoted when it needs to be. */
static void csv_field(FILE *f, const char *s, int last)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputc(last ? '\n' : ',', f);
}

static void import_write_line(IMPORT_CTX *ic, const IMPORT_LINE *l)
{
    if (strcmp(l->outcome, "imported") == 0)
        ic->imported++;
    else if (strcmp(l->outcome, "duplicate") == 0)
        ic->duplicate++;
    else
        ic->refused++;
    if (ic->report == 0)
        return;
    csv_field(ic->report, l->where, 0);
    csv_field(ic->report, l->outcome, 0);
    csv_field(ic->report, l->id, 0);
    csv_field(ic->report, l->why, 1);
}

/*
 * The outcomes so far, in order, once the spool files among them are
 * published by one fsync of spool/new: nothing is reported imported (or
 * counted) before it is durable.  -1 when that fsync failed: those items
 * are then reported refused, and the import stops.
 */
static int import_flush(IMPORT_CTX *ic)
{
    int     rc = 0;
    char    why[256];

    if (ic->nspooled > 0 && spool_sync_new(ic->cfg->data_dir) < 0) {
        snprintf(why, sizeof(why), "cannot make spool/new durable: %s", strerror(errno));
        rc = -1;
        ic->storage_failed = 1;
    }
    for (int i = 0; i < ic->npending; i++) {
        IMPORT_LINE *l = &ic->pending[i];

        if (rc < 0 && l->spooled) {
            myfree(l->outcome);
            l->outcome = mystrdup("refused");
            myfree(l->why);
            l->why = mystrdup(why);
        }
        import_write_line(ic, l);
        myfree(l->where);
        myfree(l->outcome);
        myfree(l->id);
        myfree(l->why);
    }
    ic->npending = ic->nspooled = 0;
    return rc;
}

static int import_report(IMPORT_CTX *ic, const char *where, const char *outcome,
                         const char *id, const char *why, int spooled)
{
    IMPORT_LINE *l = &ic->pending[ic->npending++];

    l->where = mystrdup(where);
    l->outcome = mystrdup(outcome);
    l->id = mystrdup(id);
    l->why = mystrdup(why ? why : "");
    l->spooled = spooled;
    ic->nspooled += spooled;
    return ic->npending == IMPORT_BATCH ? import_flush(ic) : 0;
}

static void import_progress(IMPORT_CTX *ic, int final)
{
    double  t = now_s(), el = t - ic->start;
    double  rate = el > 0 ? (double) ic->items / el : 0;
    char    eta[32] = "";

    if (!ic->tty || (!final && t - ic->last_draw < 0.5))
        return;
    ic->last_draw = t;
    if (ic->total > 0 && ic->done > 0 && ic->done < ic->total && el > 1) {
        double  left = el * (double) (ic->total - ic->done) / (double) ic->done;

        snprintf(eta, sizeof(eta), ", ETA %d:%02d", (int) (left / 60), (int) left % 60);
    }
    fprintf(stderr, "\r%ld items, %.1f of %.1f MB, %.0f items/s%s%s   ", ic->items,
            (double) ic->done / 1e6, (double) ic->total / 1e6, rate, eta, final ? "\n" : "");
}

/* Wait while the indexer is behind: the spool is not a dumping ground. */
static void import_backpressure(IMPORT_CTX *ic)
{
    int     told = 0;

    while (!stop_asked && spool_count(ic->cfg->data_dir, "spool/new")
           > ic->cfg->import_max_backlog) {
        if (ic->tty && !told++)
            fprintf(stderr, "\rwaiting for the indexer (more than import_max_backlog=%ld "
                    "messages wait)   ", ic->cfg->import_max_backlog);
        usleep(100000);
    }
}

/* The first line must be a header field ("Name:"), as in every message. */
static int import_looks_like_message(const char *s, size_t len)
{
    size_t  i = 0;

    while (i < len && (unsigned char) s[i] > ' ' && s[i] != ':' && (unsigned char) s[i] < 0x7f)
        i++;
    return i > 0 && i < len && s[i] == ':';
}

static int import_spool(IMPORT_CTX *ic, const VSTR *msg, const char *from, char *hex,
                        char *err, size_t errlen)
{
    ENVELOPE env;
    SPOOL_FILE *sp;

    envelope_init(&env);
    env.arrival = (long) time(0);
    envelope_set(&env.client, "");
    envelope_set(&env.helo, "");
    envelope_set(&env.tls, "");
    envelope_set(&env.source, "import");
    envelope_set(&env.sender, from);
    for (int i = 0; i < ic->rcpt.n; i++)
        envelope_add_rcpt(&env, ic->rcpt.v[i]);
    if ((sp = spool_create(ic->cfg->data_dir, &env, err, errlen)) == 0) {
        envelope_free(&env);
        return -1;
    }
    if (spool_write(sp, msg->s, msg->len) < 0) {
        snprintf(err, errlen, "spool write: %s", strerror(errno));
        spool_abort(sp);
        envelope_free(&env);
        return -1;
    }
    if (spool_commit_deferred(sp, &env) < 0) {
        snprintf(err, errlen, "cannot make the spool file durable: %s", strerror(errno));
        envelope_free(&env);
        return -1;
    }
    memcpy(hex, env.sha256, 65);
    cli_notify_indexer(ic->cfg, &env);
    envelope_free(&env);
    return 0;
}

void import_rename(IMPORT_CTX *ic, const char *from, const char *as)
{
    ic->rename_from = from;
    ic->rename_as = as;
}

int import_item(IMPORT_CTX *ic, const char *where, const VSTR *msg, const char *why,
                const char *from, size_t source_bytes)
{
    unsigned char d[32];
    char    hex[65] = "", err[512], shown[4096];
    int     dup;
    size_t  fl = ic->rename_from ? strlen(ic->rename_from) : 0;

    if (fl && strncmp(where, ic->rename_from, fl) == 0 && where[fl] == '/') {
        snprintf(shown, sizeof(shown), "%s:%s", ic->rename_as, where + fl + 1);
        where = shown;
    }

    ic->items++;
    ic->done += (off_t) source_bytes;
    if (msg && msg->len == 0)
        why = "empty";
    else if (msg && !import_looks_like_message(msg->s, msg->len))
        why = "not a message (the first line is not a header field)";
    if (why) {
        import_progress(ic, 0);
        return import_report(ic, where, "refused", "", why, 0);
    }
    digest_buffer(msg->s, msg->len, d);
    digest_hex(d, hex);
    dup = import_seen(ic, d) || import_in_archive(ic, d);
    if (!dup || ic->rcpt.n > 0) {
        if (ic->items % IMPORT_BACKLOG_EVERY == 0)
            import_backpressure(ic);
        if (import_spool(ic, msg, from, hex, err, sizeof(err)) < 0) {
            /* The archive cannot take mail: stop, and say so. */
            ic->storage_failed = 1;
            import_report(ic, where, "refused", hex, err, 0);
            fprintf(stderr, "%smailarc import: %s: %s; stopping\n", ic->tty ? "\n" : "", where,
                    err);
            return -1;
        }
        import_progress(ic, 0);
        return import_report(ic, where, dup ? "duplicate" : "imported", hex, "", 1);
    }
    import_progress(ic, 0);
    return import_report(ic, where, "duplicate", hex, "", 0);
}

static int import_usage(const char *why)
{
    fprintf(stderr, "mailarc import: %s\n"
            "usage: mailarc import [--format mbox|maildir|eml] [--recipient ADDR]...\n"
            "                      [--report FILE|-] SOURCE...\n", why);
    return EXIT_USAGE;
}

static int import_addr_ok(const char *a)
{
    const char *at = strrchr(a, '@');

    if (at == 0 || at == a || at[1] == 0 || strlen(a) > 320)
        return 0;
    for (const unsigned char *p = (const unsigned char *) a; *p; p++)
        if (*p <= ' ' || *p == 0x7f || *p == '<' || *p == '>' || *p == ',')
            return 0;
    return 1;
}

int cli_import(const CONFIG *cfg, int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, 0, 'F'},
        {"recipient", required_argument, 0, 'r'},
        {"report", required_argument, 0, 'R'},
        {"password-file", required_argument, 0, 'P'},
        {"ca-file", required_argument, 0, 'C'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    IMPORT_CTX ic;
    enum import_format fmt = IMP_AUTO;
    const char *report = 0, *pwfile = 0, *ca_file = 0;
    char    password[512], *pw = getenv("MAILARC_PASSWORD");
    struct sigaction sa;
    char    err[1024];
    int     dberr = 0, c, ret = 0;

    memset(&ic, 0, sizeof(ic));
    ic.cfg = cfg;
    while ((c = getopt_long(argc, argv, "+F:r:R:h", opts, 0)) != -1) {
        switch (c) {
        case 'F':
            if (strcmp(optarg, "mbox") == 0)
                fmt = IMP_MBOX;
            else if (strcmp(optarg, "maildir") == 0)
                fmt = IMP_MAILDIR;
            else if (strcmp(optarg, "eml") == 0)
                fmt = IMP_EML;
            else if (strcmp(optarg, "pst") == 0)
                fmt = IMP_PST;
            else if (strcmp(optarg, "imap") != 0 && strcmp(optarg, "pop3") != 0) {
                strlist_free(&ic.rcpt);
                return import_usage("--format is mbox, maildir, eml, pst, imap or pop3 (a server "
                                    "is given as imaps://USER@HOST/FOLDER or pop3s://USER@HOST)");
            }
            break;
        case 'r':
            if (!import_addr_ok(optarg)) {
                strlist_free(&ic.rcpt);
                return import_usage("--recipient needs one address, local@domain");
            }
            strlist_add(&ic.rcpt, optarg);
            break;
        case 'R': report = optarg; break;
        case 'P': pwfile = optarg; break;
        case 'C': ca_file = optarg; break;
        default:
            strlist_free(&ic.rcpt);
            return import_usage("unknown option");
        }
    }
    if (optind >= argc) {
        strlist_free(&ic.rcpt);
        return import_usage("no SOURCE");
    }
    if (pwfile) {
        FILE   *fp = fopen(pwfile, "re");

        if (fp == 0 || fgets(password, sizeof(password), fp) == 0) {
            fprintf(stderr, "mailarc import: %s: %s\n", pwfile, fp ? "empty" : strerror(errno));
            if (fp)
                fclose(fp);
            strlist_free(&ic.rcpt);
            return EXIT_USAGE;
        }
        fclose(fp);
        password[strcspn(password, "\r\n")] = 0;
        pw = password;
    }
    /* The report is the caller's file, opened before becoming the archive's
     * user (as a shell redirection would be); never through a symlink. */
    if (report && strcmp(report, "-") == 0) {
        ic.report = stdout;
    } else if (report) {
        int     fd = open(report, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);

        if (fd < 0 || (ic.report = fdopen(fd, "w")) == 0) {
            fprintf(stderr, "mailarc import: %s: %s\n", report, strerror(errno));
            if (fd >= 0)
                close(fd);
            strlist_free(&ic.rcpt);
            return EXIT_USAGE;
        }
    }
    if (cli_become_user(cfg, "import") < 0) {
        strlist_free(&ic.rcpt);
        return EXIT_UNAVAILABLE;
    }
    if ((ic.db = adb_open(cfg, ADB_READ, &dberr, err, sizeof(err))) == 0) {
        fprintf(stderr, "mailarc import: the archive is unavailable: %s\n", err);
        strlist_free(&ic.rcpt);
        return EXIT_UNAVAILABLE;
    }
    if (ic.report)
        fputs("location,outcome,id,reason\n", ic.report);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = import_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, 0);
    sigaction(SIGTERM, &sa, 0);
    ic.tty = isatty(2);
    ic.start = now_s();
    for (int i = optind; i < argc; i++)
        ic.total += import_total(argv[i]);
    for (int i = optind; i < argc && ret == 0 && !stop_asked; i++)
        ret = import_is_url(argv[i])
            ? import_net(&ic, argv[i], pw, ca_file, (size_t) cfg->message_size_limit)
            : import_walk(&ic, argv[i], fmt, (size_t) cfg->message_size_limit);
    import_flush(&ic);
    import_progress(&ic, 1);
    if (ic.report && ic.report != stdout && fclose(ic.report) != 0)
        fprintf(stderr, "mailarc import: %s: %s\n", report, strerror(errno));
    if (stop_asked)
        fprintf(stderr, "mailarc import: stopped; run it again to import the rest "
                "(what was imported comes back as duplicates)\n");
    printf("imported %ld, duplicate %ld, refused %ld\n", ic.imported, ic.duplicate, ic.refused);
    fflush(stdout);
    adb_close(ic.db);
    strlist_free(&ic.rcpt);
    myfree(ic.seen);
    if (ic.storage_failed)
        return EXIT_UNAVAILABLE;
    return ic.refused > 0 || stop_asked ? 1 : 0;
}
