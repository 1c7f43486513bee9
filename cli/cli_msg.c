/*
 * cli_msg.c - "mailarc cat" (exact bytes, digest checked) and "mailarc
 * show" (metadata, envelope, and the message as clean text for a terminal).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "charset.h"
#include "date.h"
#include "digest.h"
#include "hdr.h"
#include "mime.h"
#include "postings.h"
#include "store.h"
#include "xtext.h"
#include "cli.h"

static int cli_one_id(int argc, const char *what)
{
    if (argc != 2) {
        fprintf(stderr, "usage: mailarc %s ID\n", what);
        return -1;
    }
    return 0;
}

/* All of msg to standard output; 0 or EXIT_UNAVAILABLE. */
static int cli_write_all(const VSTR *msg)
{
    size_t  off = 0;

    while (off < msg->len) {
        ssize_t n = write(1, msg->s + off, msg->len - off);

        if (n <= 0) {
            perror("mailarc: write");
            return EXIT_UNAVAILABLE;
        }
        off += (size_t) n;
    }
    return 0;
}

/* mailarc cat --journal REPORT-ID: a journal report, as it came. */
static int cli_cat_journal(const CONFIG *cfg, const char *id)
{
    ADB    *db;
    char    key[128], err[1024];
    uint64_t arrival;
    VSTR   *msg;
    int     rc;

    if (!digest_is_hex(id, DIGEST_HEXLEN, DIGEST_HEXLEN)) {
        fprintf(stderr, "mailarc: a journal report id is 64 hex digits (see mailarc show)\n");
        return EXIT_USAGE;
    }
    db = cli_open_db(cfg);
    snprintf(key, sizeof(key), "journal/%s", id);
    for (char *p = key; *p; p++)
        if (*p >= 'A' && *p <= 'F')
            *p = (char) (*p + 32);
    arrival = adb_meta_u64(db, 0, key);
    if (arrival == 0) {
        fprintf(stderr, "mailarc: no journal report %s\n", id);
        adb_close(db);
        return EXIT_NOTFOUND;
    }
    msg = vstr_alloc(65536);
    if (store_get(cfg->data_dir, db, (int64_t) arrival, key + 8, msg, err, sizeof(err)) < 0) {
        fprintf(stderr, "mailarc: cannot read journal report %s: %s\n", id, err);
        vstr_free(msg);
        adb_close(db);
        return EXIT_UNAVAILABLE;
    }
    adb_close(db);
    rc = cli_write_all(msg);
    vstr_free(msg);
    return rc;
}

int cli_cat(const CONFIG *cfg, int argc, char **argv)
{
    ADB    *db;
    MSGREC  r;
    uint64_t num;
    char    hex[DIGEST_HEXLEN + 1];
    char    err[1024];
    VSTR   *msg;
    int     rc;

    if (argc == 3 && strcmp(argv[1], "--journal") == 0)
        return cli_cat_journal(cfg, argv[2]);
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: mailarc cat ID\n       mailarc cat --journal REPORT-ID\n");
        return EXIT_USAGE;
    }
    db = cli_open_db(cfg);
    cli_resolve(db, argv[1], &num, &r);
    digest_hex(r.sha, hex);
    msg = vstr_alloc((size_t) r.size + 1);
    if (store_get(cfg->data_dir, db, r.arrival, hex, msg, err, sizeof(err)) < 0) {
        fprintf(stderr, "mailarc: cannot read message %s: %s\n", hex, err);
        vstr_free(msg);
        record_free(&r);
        adb_close(db);
        return EXIT_UNAVAILABLE;
    }
    rc = cli_write_all(msg);
    vstr_free(msg);
    record_free(&r);
    adb_close(db);
    return rc;
}

/* Text for a terminal: invalid UTF-8 and control bytes become U+FFFD. */
static void show_text(const char *p, size_t len)
{
    VSTR   *out = vstr_alloc(len + 16);

    charset_display_clean(p, len, out);
    fwrite(out->s, 1, out->len, stdout);
    vstr_free(out);
}

static void show_part(const MIME_PART *p, void *ctx)
{
    (void) ctx;
    if (p->attachment && p->text == 0) {
        printf("--- attachment: %s (%s, %zu bytes) ---\n", *p->filename ? p->filename : "(unnamed)",
               p->type, p->size);
        return;
    }
    printf("--- %s%s%s%s%s ---\n", p->type, *p->charset ? "; charset=" : "", p->charset,
           *p->filename ? "; " : "", p->filename);
    if (p->text) {
        show_text(p->text->s, p->text->len);
        if (p->text->len && p->text->s[p->text->len - 1] != '\n')
            printf("\n");
    }
}

static void show_xtext_item(char kind, const char *name, size_t nlen, const char *data,
                           size_t len, void *ctx)
{
    int    *first = ctx;

    printf("%-12s", *first ? "Documents:" : "");
    *first = 0;
    show_text(nlen ? name : "(unnamed)", nlen ? nlen : 9);
    if (kind == 'T') {
        printf(": %zu bytes of text indexed\n", len);
    } else {
        printf(": extraction failed: ");
        show_text(data, len);
        printf("\n");
    }
}

/* What mailarc-extract gave for each document attached. */
static void show_xtext(ADB *db, uint64_t num)
{
    unsigned char numk[8];
    VSTR   *x = vstr_alloc(256);
    int     first = 1;

    adb_num_key(num, numk);
    if (postings_xtext_get(db, 0, numk, x) == 0
        && xtext_each(x->s, x->len, show_xtext_item, &first) < 0)
        printf("%-12s[damaged xtext.db entry]\n", first ? "Documents:" : "");
    vstr_free(x);
}

static void show_list(const char *label, const STRLIST *addrs, const STRLIST *names)
{
    if (addrs->n == 0)
        return;
    printf("%-12s", label);
    for (int i = 0; i < addrs->n; i++) {
        const char *name = names && i < names->n ? names->v[i] : "";

        printf("%s%s%s%s%s", i ? ", " : "", *name ? name : "", *name ? " <" : "",
               addrs->v[i], *name ? ">" : "");
    }
    printf("\n");
}

int cli_show(const CONFIG *cfg, int argc, char **argv)
{
    ADB    *db;
    MSGREC  r;
    uint64_t num;
    char    hex[DIGEST_HEXLEN + 1];
    char    date[32], arrival[32];
    char    err[1024];
    VSTR   *msg;

    if (cli_one_id(argc, "show") < 0)
        return EXIT_USAGE;
    db = cli_open_db(cfg);
    cli_resolve(db, argv[1], &num, &r);
    digest_hex(r.sha, hex);
    date_iso((time_t) r.date, date, sizeof(date));
    date_iso((time_t) r.arrival, arrival, sizeof(arrival));
    printf("%-12s%s\n", "Id:", hex);
    printf("%-12s%s%s\n", "Date:", date, r.flags & REC_F_HAS_DATE ? "" : " (no Date header: arrival)");
    printf("%-12s%s%s%s%s\n", "From:", *r.from_name ? r.from_name : "", *r.from_name ? " <" : "",
           r.from_addr, *r.from_name ? ">" : "");
    if (*r.sender_addr)
        printf("%-12s%s\n", "Sender:", r.sender_addr);
    show_list("To:", &r.to_addr, &r.to_name);
    show_list("Cc:", &r.cc_addr, &r.cc_name);
    show_list("Bcc:", &r.bcc_addr, 0);
    printf("%-12s%s\n", "Subject:", r.subject);
    printf("%-12s%s\n", "Message-ID:", r.msgid);
    printf("%-12s%lld bytes\n", "Size:", (long long) r.size);
    printf("%-12s%s (%u arrival%s)\n", "Received:", arrival, r.arrivals, r.arrivals == 1 ? "" : "s");
    show_list("Env-From:", &r.env_from, 0);
    show_list("Env-To:", &r.env_rcpt, 0);
    printf("%-12s%s helo=%s%s%s source=%s\n", "Client:", r.client, r.helo,
           *r.tls ? " tls=" : "", r.tls, r.source);
    show_list("Queue-IDs:", &r.qids, 0);
    if (*r.auth) {
        printf("%-12s", "Auth:");
        show_text(r.auth, strlen(r.auth));
        printf("\n");
    }
    /* Journal reports it came in (mailarc cat --journal ID prints one), and
     * what they said about the recipients. */
    for (int i = 0; i < r.journals.n; i++)
        printf("%-12s%s\n", i ? "" : "Journal:", r.journals.v[i]);
    for (int i = 0; i < r.rcpt_notes.n; i++) {
        printf("%-12s", i ? "" : "Env-Notes:");
        show_text(r.rcpt_notes.v[i], strlen(r.rcpt_notes.v[i]));
        printf("\n");
    }
    show_xtext(db, num);
    msg = vstr_alloc((size_t) r.size + 1);
    catalog_describe_message(db, num, msg);
    for (char *line = msg->s, *nl; line; line = nl) {
        if ((nl = strchr(line, '\n')) != 0)
            *nl++ = 0;
        printf("%-12s%s\n", line == msg->s ? "Media:" : "", line);
    }
    if (store_get(cfg->data_dir, db, r.arrival, hex, msg, err, sizeof(err)) < 0) {
        printf("\n[message body unavailable: %s]\n", err);
        num = EXIT_UNAVAILABLE;
    } else {
        MIME_LIMITS lim;
        int     truncated = 0;

        mime_limits_cfg(&lim, cfg);
        printf("\n");
        show_text(msg->s, hdr_end(msg->s, msg->len));
        mime_walk(msg->s, msg->len, &lim, show_part, 0, &truncated);
        if (truncated)
            printf("\n[MIME limits reached; the rest is not shown: use mailarc cat]\n");
        num = 0;
    }
    vstr_free(msg);
    record_free(&r);
    adb_close(db);
    return (int) num;
}
