/*
 * burn_docs.c - MANIFEST.XML, INDEX.HTML and README.TXT (see burn_docs.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLtree.h>
#include <libxml/tree.h>

#include "charset.h"
#include "date.h"
#include "mymalloc.h"
#include "vstr.h"
#include "burn_docs.h"

/* Text safe for XML 1.0: valid UTF-8, no control characters. */
static const xmlChar *clean(VSTR *buf, const char *s)
{
    vstr_reset(buf);
    charset_display_clean(s, strlen(s), buf);
    return (const xmlChar *) buf->s;
}

static void iso_time(int64_t t, char buf[32])
{
    date_iso((time_t) t, buf, 32);
}

static xmlNodePtr child_text(xmlNodePtr parent, const char *name, const char *text, VSTR *tmp)
{
    return xmlNewTextChild(parent, 0, (const xmlChar *) name, clean(tmp, text));
}

static void prop(xmlNodePtr n, const char *name, const char *val, VSTR *tmp)
{
    xmlNewProp(n, (const xmlChar *) name, clean(tmp, val));
}

static void prop_u64(xmlNodePtr n, const char *name, uint64_t v)
{
    char    buf[32];

    snprintf(buf, sizeof(buf), "%llu", (unsigned long long) v);
    xmlNewProp(n, (const xmlChar *) name, (const xmlChar *) buf);
}

static void prop_time(xmlNodePtr n, const char *name, int64_t t)
{
    char    buf[32];

    iso_time(t, buf);
    xmlNewProp(n, (const xmlChar *) name, (const xmlChar *) buf);
}

static unsigned char *doc_bytes(xmlDocPtr doc, int html, size_t *len)
{
    xmlChar *mem = 0;
    int     n = 0;
    unsigned char *out;

    if (html)
        htmlDocDumpMemoryFormat(doc, &mem, &n, 1);
    else
        xmlDocDumpFormatMemoryEnc(doc, &mem, &n, "UTF-8", 1);
    out = mymemdup(mem ? (const char *) mem : "", (size_t) n);
    xmlFree(mem);
    *len = (size_t) n;
    return out;
}

void docs_add_manifest(const VOLDESC *d, VLIST *l)
{
    xmlDocPtr doc = xmlNewDoc((const xmlChar *) "1.0");
    xmlNodePtr root = xmlNewNode(0, (const xmlChar *) "mailarc-manifest");
    xmlNodePtr vol, per, msgs, logs, files;
    VSTR   *tmp = vstr_alloc(256);
    time_t  start, end;
    char    month[8];
    size_t  len;
    uint64_t nmsg = 0, bytes = 0;
    unsigned char *mem;

    xmlDocSetRootElement(doc, root);
    xmlNewProp(root, (const xmlChar *) "version", (const xmlChar *) "1");
    vol = xmlNewChild(root, 0, (const xmlChar *) "volume", 0);
    prop(vol, "name", d->name, tmp);
    prop(vol, "label", d->label, tmp);
    prop(vol, "media", d->media, tmp);
    prop_u64(vol, "number", (uint64_t) d->number);
    prop_u64(vol, "of", (uint64_t) d->of);
    prop_time(vol, "created", d->created);
    month_bounds(d->month, &start, &end);
    month_str(d->month, month);
    per = xmlNewChild(root, 0, (const xmlChar *) "period", 0);
    prop(per, "month", month, tmp);
    prop_time(per, "start", start);
    prop_time(per, "end", end);
    xmlNewProp(per, (const xmlChar *) "by", (const xmlChar *) "first arrival, UTC");
    msgs = xmlNewChild(root, 0, (const xmlChar *) "messages", 0);
    logs = xmlNewChild(root, 0, (const xmlChar *) "logs", 0);
    files = xmlNewChild(root, 0, (const xmlChar *) "files", 0);
    for (size_t i = 0; i < l->n; i++) {
        const VFILE *f = &l->f[i];
        xmlNodePtr n;

        if (f->item) {
            const ITEM *it = f->item;
            xmlNodePtr r;

            n = xmlNewChild(msgs, 0, (const xmlChar *) "message", 0);
            prop(n, "id", it->id, tmp);
            prop_u64(n, "size", (uint64_t) it->size);
            prop(n, "sha256", f->sha, tmp);
            prop(n, "chain", it->chain, tmp);
            prop_time(n, "date", it->date);
            prop_time(n, "arrival", it->arrival);
            prop(n, "path", f->path, tmp);
            child_text(n, "from", it->from, tmp);
            r = xmlNewChild(n, 0, (const xmlChar *) "recipients", 0);
            for (int k = 0; k < it->rcpt.n; k++) {
                const char *colon = strchr(it->rcpt.v[k], ':');
                xmlNodePtr rc = child_text(r, "rcpt", colon + 1, tmp);
                char    kind[16];

                snprintf(kind, sizeof(kind), "%.*s", (int) (colon - it->rcpt.v[k]), it->rcpt.v[k]);
                prop(rc, "type", kind, tmp);
            }
            child_text(n, "subject", it->subject, tmp);
            child_text(n, "msgid", it->msgid, tmp);
            nmsg++;
            bytes += f->size;
            continue;
        }
        n = xmlNewChild(strncmp(f->path, "LOGS/", 5) == 0 ? logs : files, 0,
                        (const xmlChar *) (strncmp(f->path, "LOGS/", 5) == 0 ? "log" : "file"), 0);
        prop(n, "path", f->path, tmp);
        prop_u64(n, "size", f->size);
        prop(n, "sha256", f->sha, tmp);
        prop_time(n, "mtime", f->mtime);
    }
    prop_u64(msgs, "count", nmsg);
    prop_u64(msgs, "bytes", bytes);
    mem = doc_bytes(doc, 0, &len);
    xmlFreeDoc(doc);
    vstr_free(tmp);
    vlist_add_mem(l, "MANIFEST.XML", mem, len, d->created);
}

static int by_date(const void *a, const void *b)
{
    const ITEM *x = *(const ITEM *const *) a, *y = *(const ITEM *const *) b;

    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    return strcmp(x->id, y->id);
}

static void html_cell(xmlNodePtr tr, const char *text, VSTR *tmp)
{
    xmlNewTextChild(tr, 0, (const xmlChar *) "td", clean(tmp, text));
}

static unsigned char *docs_index(const VOLDESC *d, const VLIST *l, size_t *len)
{
    htmlDocPtr doc = htmlNewDocNoDtD(0, 0);
    xmlNodePtr html = xmlNewNode(0, (const xmlChar *) "html");
    xmlNodePtr head, body, table, tr, ul, meta;
    const ITEM **items = mycalloc(l->n ? l->n : 1, sizeof(ITEM *));
    size_t  n = 0;
    VSTR   *tmp = vstr_alloc(256), *title = vstr_alloc(128);
    char    mname[9], when[32];
    unsigned char *out;

    for (size_t i = 0; i < l->n; i++)
        if (l->f[i].item)
            items[n++] = l->f[i].item;
    qsort(items, n, sizeof(ITEM *), by_date);
    month_name(d->month, mname);
    vstr_sprintf(title, "%s - mail of %s, volume %d of %d", d->label, mname, d->number, d->of);
    xmlDocSetRootElement(doc, html);
    head = xmlNewChild(html, 0, (const xmlChar *) "head", 0);
    meta = xmlNewChild(head, 0, (const xmlChar *) "meta", 0);
    xmlNewProp(meta, (const xmlChar *) "charset", (const xmlChar *) "utf-8");
    xmlNewTextChild(head, 0, (const xmlChar *) "title", clean(tmp, title->s));
    xmlNewTextChild(head, 0, (const xmlChar *) "style", (const xmlChar *)
                    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                    "td,th{border-bottom:1px solid #ccc;padding:.2em .6em;text-align:left;"
                    "vertical-align:top}td.n{text-align:right}");
    body = xmlNewChild(html, 0, (const xmlChar *) "body", 0);
    xmlNewTextChild(body, 0, (const xmlChar *) "h1", clean(tmp, title->s));
    vstr_sprintf(title, "%zu messages, newest last, by their Date header (UTC). Each links to the "
                 "exact message file (.eml), which any mail program opens.", n);
    xmlNewTextChild(body, 0, (const xmlChar *) "p", clean(tmp, title->s));
    ul = xmlNewChild(body, 0, (const xmlChar *) "ul", 0);
    for (size_t i = 0; i < l->n; i++) {
        xmlNodePtr li, a;

        if (l->f[i].item)
            continue;
        li = xmlNewChild(ul, 0, (const xmlChar *) "li", 0);
        a = xmlNewTextChild(li, 0, (const xmlChar *) "a", clean(tmp, l->f[i].path));
        xmlNewProp(a, (const xmlChar *) "href", (const xmlChar *) l->f[i].path);
    }
    {
        xmlNodePtr li = xmlNewChild(ul, 0, (const xmlChar *) "li", 0);
        xmlNodePtr a = xmlNewTextChild(li, 0, (const xmlChar *) "a",
                                       (const xmlChar *) "MANIFEST.XML");

        xmlNewProp(a, (const xmlChar *) "href", (const xmlChar *) "MANIFEST.XML");
    }
    table = xmlNewChild(body, 0, (const xmlChar *) "table", 0);
    tr = xmlNewChild(table, 0, (const xmlChar *) "tr", 0);
    for (const char **h = (const char *[]) {"Date", "From", "To", "Subject", "Bytes", 0}; *h; h++)
        xmlNewTextChild(tr, 0, (const xmlChar *) "th", (const xmlChar *) *h);
    for (size_t i = 0; i < n; i++) {
        const ITEM *it = items[i];
        VSTR   *to = vstr_alloc(128);
        xmlNodePtr td, a;
        char    size[32];

        for (int k = 0; k < it->rcpt.n; k++)
            if (strncmp(it->rcpt.v[k], "to:", 3) == 0 || strncmp(it->rcpt.v[k], "cc:", 3) == 0)
                vstr_sprintf_append(to, "%s%s", to->len ? ", " : "", strchr(it->rcpt.v[k], ':') + 1);
        tr = xmlNewChild(table, 0, (const xmlChar *) "tr", 0);
        iso_time(it->date, when);
        html_cell(tr, when, tmp);
        html_cell(tr, it->from, tmp);
        html_cell(tr, to->s, tmp);
        td = xmlNewChild(tr, 0, (const xmlChar *) "td", 0);
        a = xmlNewTextChild(td, 0, (const xmlChar *) "a",
                            clean(tmp, *it->subject ? it->subject : "(no subject)"));
        xmlNewProp(a, (const xmlChar *) "href", (const xmlChar *) it->path);
        snprintf(size, sizeof(size), "%lld", (long long) it->size);
        td = xmlNewTextChild(tr, 0, (const xmlChar *) "td", (const xmlChar *) size);
        xmlNewProp(td, (const xmlChar *) "class", (const xmlChar *) "n");
        vstr_free(to);
    }
    out = doc_bytes(doc, 1, len);
    xmlFreeDoc(doc);
    myfree(items);
    vstr_free(tmp);
    vstr_free(title);
    return out;
}

static unsigned char *docs_readme(const VOLDESC *d, const VLIST *l, size_t *len)
{
    VSTR   *t = vstr_alloc(2048);
    char    mname[9], when[32];
    size_t  nmsg = 0, nlog = 0;

    for (size_t i = 0; i < l->n; i++) {
        nmsg += l->f[i].item != 0;
        nlog += strncmp(l->f[i].path, "LOGS/", 5) == 0;
    }
    month_name(d->month, mname);
    iso_time(d->created, when);
    vstr_sprintf(t,
                 "%s\r\n"
                 "Mail archive of %s (messages by first arrival, UTC), volume %d of %d.\r\n"
                 "Written by mailarc on %s.\r\n\r\n"
                 "MAIL/YYYY/MM/DD/<id>.eml  %zu messages: the exact bytes as received, one\r\n"
                 "                          file each, under the day they arrived. <id> is\r\n"
                 "                          the SHA-256 of the file.\r\n"
                 "LOGS/                     %zu mail server log files of the period.\r\n"
                 "INDEX.HTML                the messages by date; open it in a browser.\r\n"
                 "MANIFEST.XML              every file with its size and SHA-256, and each\r\n"
                 "                          message's date, sender, recipients (Bcc and\r\n"
                 "                          envelope too), subject, Message-ID and its\r\n"
                 "                          value in the archive's hash chain.\r\n"
                 "SEAL.TXT                  the archive's chain head when this disc was\r\n"
                 "                          written (records, last id, chain value, audit\r\n"
                 "                          log head), signed in SEAL.TXT.sig.\r\n"
                 "SEALS.TXT                 every seal made before, each with its signature.\r\n"
                 "seal.pub                  the archive's Ed25519 public key.\r\n"
                 "SHA256SUMS                the SHA-256 of every other file, signed in\r\n"
                 "                          SHA256SUMS.sig; MANIFEST.XML.sig signs the manifest.\r\n\r\n"
                 "To check this disc with no mailarc installed (OpenSSL 3 and coreutils),\r\n"
                 "run these commands in its top directory; each must say OK or Success:\r\n"
                 "    openssl pkeyutl -verify -pubin -inkey seal.pub -rawin -in SHA256SUMS -sigfile SHA256SUMS.sig\r\n"
                 "    sha256sum -c --strict SHA256SUMS\r\n"
                 "    openssl pkeyutl -verify -pubin -inkey seal.pub -rawin -in MANIFEST.XML -sigfile MANIFEST.XML.sig\r\n"
                 "    openssl pkeyutl -verify -pubin -inkey seal.pub -rawin -in SEAL.TXT -sigfile SEAL.TXT.sig\r\n"
                 "Then compare the key's fingerprint with the one your administrators\r\n"
                 "recorded from \"mailarc status\":\r\n"
                 "    openssl pkey -pubin -in seal.pub -outform DER | sha256sum\r\n"
                 "A message's name is its SHA-256:  sha256sum MAIL/2026/11/21/<id>.eml\r\n"
                 "mailarc checks a whole disc with: mailarc verify --media /dev/sr0\r\n",
                 d->label, mname, d->number, d->of, when, nmsg, nlog);
    *len = t->len;
    return (unsigned char *) vstr_export(t);
}

void docs_add_readme_index(const VOLDESC *d, VLIST *l)
{
    size_t  rlen, ilen;
    unsigned char *readme = docs_readme(d, l, &rlen);
    unsigned char *index = docs_index(d, l, &ilen);

    vlist_add_mem(l, "README.TXT", readme, rlen, d->created);
    vlist_add_mem(l, "INDEX.HTML", index, ilen, d->created);
}
