/*
 * web_export.c - GET /export?q=QUERY&format=mbox: the query's messages as
 * one mboxrd download, streamed.
 *
 * Whoever may search may export what the search shows them: admins and
 * auditors everything, a user their own mail.  The search runs once; the
 * answer is then made as the browser reads it, one message at a time:
 * records are read in small batches under the database lock, blob files
 * outside it, so memory stays bounded and other requests go on (blob.db
 * entries are read with their batch, still compressed, and checked
 * outside the lock).  The
 * export is audited (query and count) before the first byte goes out.
 * A message that cannot be read ends the download with an error (the
 * browser sees it fail), never with a silently shorter file.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "digest.h"
#include "exportfmt.h"
#include "lookup.h"
#include "mbox.h"
#include "msg.h"
#include "mymalloc.h"
#include "query.h"
#include "search.h"
#include "store.h"
#include "web_pages.h"

#define BATCH 64

typedef struct next {
    int64_t arrival;
    char    hex[DIGEST_HEXLEN + 1];
    char   *sender;
    VSTR   *packed;                 /* its blob.db entry; NULL: a file */
} NEXT;

typedef struct stream {
    SEARCH_RESULT res;
    size_t  at;                     /* next hit to read */
    NEXT    batch[BATCH];
    int     nbatch, ibatch;
    VSTR   *out, *msg;
    STORE_CHECK *check;             /* decodes blob.db entries */
    size_t  off;                    /* sent of out */
    int     failed;
} STREAM;

static void stream_free(void *cls)
{
    STREAM *s = cls;

    for (int i = 0; i < s->nbatch; i++) {
        myfree(s->batch[i].sender);
        vstr_free(s->batch[i].packed);
    }
    search_result_free(&s->res);
    vstr_free(s->out);
    vstr_free(s->msg);
    store_check_free(s->check);
    myfree(s);
}

/* The next batch of records; 0, or -1. */
static int stream_batch(STREAM *s)
{
    ADB    *db;
    char    err[512];

    for (int i = 0; i < s->nbatch; i++) {
        myfree(s->batch[i].sender);
        vstr_free(s->batch[i].packed);
    }
    s->nbatch = s->ibatch = 0;
    if ((db = web_db_take(err, sizeof(err))) == 0) {
        msg_warn("export: the archive is unavailable: %s", err);
        return -1;
    }
    for (; s->at < s->res.n && s->nbatch < BATCH; s->at++) {
        MSGREC  r;
        NEXT   *n = &s->batch[s->nbatch];

        if (lookup_record(db, s->res.hits[s->at].num, &r) < 0) {
            msg_warn("export: record %llu cannot be read",
                     (unsigned long long) s->res.hits[s->at].num);
            web_db_close(db);
            return -1;
        }
        n->arrival = r.arrival;
        digest_hex(r.sha, n->hex);
        n->sender = mystrdup(exportfmt_sender(&r));
        n->packed = 0;
        if (db->blob) {
            n->packed = vstr_alloc(16384);
            if (store_fetch_db(db, n->hex, 0, n->packed, err, sizeof(err)) != 0) {
                vstr_free(n->packed);
                n->packed = 0;
            }
        }
        s->nbatch++;
        record_free(&r);
    }
    web_db_close(db);
    return 0;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    STREAM *s = cls;
    size_t  n;
    char    err[512];

    (void) pos;
    while (s->off == s->out->len) {
        NEXT   *m;

        vstr_reset(s->out);
        s->off = 0;
        if (s->ibatch == s->nbatch) {
            if (s->at == s->res.n)
                return MHD_CONTENT_READER_END_OF_STREAM;
            if (stream_batch(s) < 0)
                return MHD_CONTENT_READER_END_WITH_ERROR;
        }
        m = &s->batch[s->ibatch++];
        if (m->packed ? store_check_blob(s->check, 0, m->hex, -1, 0, m->packed, err, sizeof(err)) < 0
            : store_get(web_config()->data_dir, 0, m->arrival, m->hex, s->msg, err,
                        sizeof(err)) < 0) {
            msg_warn("export: %s: %s; the download ends with an error", m->hex, err);
            return MHD_CONTENT_READER_END_WITH_ERROR;
        }
        if (m->packed)
            mbox_append(s->out, m->sender, (time_t) m->arrival, s->check->out->s,
                        s->check->out->len);
        else
            mbox_append(s->out, m->sender, (time_t) m->arrival, s->msg->s, s->msg->len);
    }
    n = s->out->len - s->off;
    if (n > max)
        n = max;
    memcpy(buf, s->out->s + s->off, n);
    s->off += n;
    return (ssize_t) n;
}

/* The selected ids the user may see, as hits; 0, or -1 with a page. */
static int export_selection(WEB_REQ *r, SEARCH_RESULT *res)
{
    ADB    *db;
    size_t  cap = 0;

    memset(res, 0, sizeof(*res));
    if ((db = web_db_open(r)) == 0)
        return -1;
    for (int i = 0; i < r->fname.n; i++) {
        uint64_t num;
        MSGREC  m;

        if (strcmp(r->fname.v[i], "id") != 0 || !digest_is_hex(r->fval.v[i], 64, 64)
            || lookup_id(db, r->fval.v[i], &num, &m) != LOOKUP_OK)
            continue;
        if (search_visible(db, web_sees_all(r) ? 0 : &r->acc, num) == 1) {
            if (res->n == cap)
                res->hits = myrealloc(res->hits, (cap = cap ? cap * 2 : 16) * sizeof(SEARCH_HIT));
            res->hits[res->n].num = num;
            res->hits[res->n++].date = m.date;
        }
        record_free(&m);
    }
    web_db_close(db);
    res->total = res->n;
    if (res->n == 0) {
        web_message_page(r, MHD_HTTP_BAD_REQUEST, "Export", "Select the messages to export.");
        return -1;
    }
    return 0;
}

void web_export(WEB_REQ *r)
{
    const char *qtext = web_arg(r, "q"), *format = web_arg(r, "format");
    STREAM *s;
    QUERY   q;
    ADB    *db;
    VSTR   *detail;
    char    err[512], disp[128], when[32];
    struct tm tm;
    time_t  now = time(0);
    int     rc;

    if (r->post) {
        qtext = "(selected)";
        s = mycalloc(1, sizeof(*s));
        if (export_selection(r, &s->res) < 0) {
            myfree(s);
            return;
        }
        goto stream;
    }
    if (format && strcmp(format, "mbox") != 0) {
        web_message_page(r, MHD_HTTP_BAD_REQUEST, "Export", "The only export format here is "
                         "mbox; mailarc export on the command line also writes .eml files.");
        return;
    }
    if (qtext == 0 || *qtext == 0 || query_parse(qtext, &q, err, sizeof(err)) < 0) {
        web_message_page(r, MHD_HTTP_BAD_REQUEST, "Export", qtext && *qtext ? err
                         : "An export needs a query.");
        return;
    }
    if ((db = web_db_open(r)) == 0) {
        query_free(&q);
        return;
    }
    s = mycalloc(1, sizeof(*s));
    rc = search_run(db, &q, web_sees_all(r) ? 0 : &r->acc, 0, 0, &s->res, err, sizeof(err));
    web_db_close(db);
    query_free(&q);
    if (rc != 0) {
        myfree(s);
        web_message_page(r, MHD_HTTP_SERVICE_UNAVAILABLE, "Export", err);
        return;
    }
stream:
    s->out = vstr_alloc(65536);
    s->msg = vstr_alloc(65536);
    s->check = store_check_create();
    detail = vstr_alloc(256);
    vstr_sprintf(detail, "format=mbox messages=%zu query=%s", s->res.n, qtext);
    web_audit(r->client, r->sess.login, "export", "ok", detail->s);
    vstr_free(detail);
    gmtime_r(&now, &tm);
    strftime(when, sizeof(when), "%Y%m%d-%H%M%S", &tm);
    snprintf(disp, sizeof(disp), "attachment; filename=\"mailarc-export-%s.mbox\"", when);
    web_header(r, "Content-Disposition", disp);
    r->ctype = "application/mbox";
    r->reader = stream_read;
    r->reader_free = stream_free;
    r->reader_cls = s;
}
