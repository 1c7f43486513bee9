/*
 * isoverify.c - read-back verification with libcdio (see isoverify.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cdio/cdio.h>
#include <cdio/iso9660.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "catalog.h"
#include "digest.h"
#include "isoverify.h"
#include "lookup.h"
#include "mymalloc.h"
#include "record.h"
#include "vstr.h"

#define READ_BLOCKS 256                 /* 512 KiB per read */

typedef struct entry {
    char   *path;
    char    sha[65];
    uint64_t size;
    int     message;
    int     seen;
} ENTRY;

typedef struct verify {
    iso9660_t *iso;
    ADB    *db;
    ISOVERIFY_OUT out;
    ISOVERIFY_PROGRESS progress;
    void   *ctx;
    ISOVERIFY_RESULT *res;
    ENTRY  *ent;
    size_t  nent;
    int     have_manifest;
    uint64_t total;
    unsigned char *buf;
} VERIFY;

static void report(VERIFY *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void report(VERIFY *v, const char *fmt, ...)
{
    char    line[1200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    v->res->problems++;
    v->out(v->ctx, line);
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const ENTRY *) a)->path, ((const ENTRY *) b)->path);
}

static ENTRY *entry_find(VERIFY *v, const char *path)
{
    ENTRY   key;

    key.path = (char *) path;
    return v->nent ? bsearch(&key, v->ent, v->nent, sizeof(ENTRY), entry_cmp) : 0;
}

/* Read a whole file of the image (small ones only: the manifest). */
static int read_small(VERIFY *v, iso9660_stat_t *st, VSTR *out)
{
    uint32_t blocks = (st->size + ISO_BLOCKSIZE - 1) / ISO_BLOCKSIZE;
    unsigned char *buf;

    if (st->size > 512u * 1024 * 1024)
        return -1;
    buf = mymalloc((size_t) blocks * ISO_BLOCKSIZE + 1);
    if (blocks && iso9660_iso_seek_read(v->iso, buf, st->lsn, blocks)
        != (long) blocks * ISO_BLOCKSIZE) {
        myfree(buf);
        return -1;
    }
    vstr_reset(out);
    vstr_add(out, buf, st->size);
    myfree(buf);
    return 0;
}

static char *xml_attr(xmlNodePtr n, const char *name)
{
    xmlChar *val = xmlGetProp(n, (const xmlChar *) name);
    char   *s = mystrdup(val ? (const char *) val : "");

    xmlFree(val);
    return s;
}

/* Load the manifest's files into v->ent; -1 when it is not well-formed. */
static int load_manifest(VERIFY *v, const VSTR *text)
{
    xmlDocPtr doc = xmlReadMemory(text->s, (int) text->len, "MANIFEST.XML", 0,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlNodePtr root, sec, n;
    size_t  cap = 0;

    if (doc == 0)
        return -1;
    root = xmlDocGetRootElement(doc);
    if (root == 0 || xmlStrcmp(root->name, (const xmlChar *) "mailarc-manifest") != 0) {
        xmlFreeDoc(doc);
        return -1;
    }
    for (sec = root->children; sec; sec = sec->next) {
        if (sec->type != XML_ELEMENT_NODE)
            continue;
        if (xmlStrcmp(sec->name, (const xmlChar *) "volume") == 0) {
            char   *label = xml_attr(sec, "label"), *name = xml_attr(sec, "name");

            snprintf(v->res->volume, sizeof(v->res->volume), "%s", name);
            if (!*v->res->label)
                snprintf(v->res->label, sizeof(v->res->label), "%s", label);
            myfree(label);
            myfree(name);
            continue;
        }
        for (n = sec->children; n; n = n->next) {
            ENTRY  *e;
            char   *sha, *size;

            if (n->type != XML_ELEMENT_NODE)
                continue;
            if (xmlStrcmp(n->name, (const xmlChar *) "message") != 0
                && xmlStrcmp(n->name, (const xmlChar *) "log") != 0
                && xmlStrcmp(n->name, (const xmlChar *) "file") != 0)
                continue;
            if (v->nent == cap)
                v->ent = myrealloc(v->ent, (cap = cap ? 2 * cap : 256) * sizeof(ENTRY));
            e = &v->ent[v->nent++];
            memset(e, 0, sizeof(*e));
            e->path = xml_attr(n, "path");
            sha = xml_attr(n, "sha256");
            size = xml_attr(n, "size");
            snprintf(e->sha, sizeof(e->sha), "%s", sha);
            e->size = strtoull(size, 0, 10);
            e->message = xmlStrcmp(n->name, (const xmlChar *) "message") == 0;
            myfree(sha);
            myfree(size);
        }
    }
    xmlFreeDoc(doc);
    if (v->nent)
        qsort(v->ent, v->nent, sizeof(ENTRY), entry_cmp);
    return 0;
}

/* SHA-256 of a file of the image; -1 on a read error. */
static int hash_file(VERIFY *v, iso9660_stat_t *st, char hex[65])
{
    DIGEST *d = digest_create();
    unsigned char bin[DIGEST_LEN];
    uint64_t left = st->size;
    lsn_t   lsn = st->lsn;

    while (left > 0) {
        uint64_t want = left > (uint64_t) READ_BLOCKS * ISO_BLOCKSIZE
            ? (uint64_t) READ_BLOCKS * ISO_BLOCKSIZE : left;
        uint32_t blocks = (uint32_t) ((want + ISO_BLOCKSIZE - 1) / ISO_BLOCKSIZE);

        if (iso9660_iso_seek_read(v->iso, v->buf, lsn, blocks) != (long) blocks * ISO_BLOCKSIZE) {
            digest_final(d, bin);
            return -1;
        }
        digest_update(d, v->buf, (size_t) want);
        left -= want;
        lsn += (lsn_t) blocks;
        v->res->bytes += want;
        if (v->progress)
            v->progress(v->ctx, v->res->bytes, v->total);
    }
    digest_final(d, bin);
    digest_hex(bin, hex);
    return 0;
}

/* "MAIL/2026/11/21/<64 hex>.eml" -> the id; NULL otherwise. */
static const char *message_id_of(const char *path, char id[65])
{
    const char *base = strrchr(path, '/');

    if (strncmp(path, "MAIL/", 5) != 0 || base == 0)
        return 0;
    base++;
    if (strlen(base) != 68 || strcmp(base + 64, ".eml") != 0)
        return 0;
    memcpy(id, base, 64);
    id[64] = 0;
    return digest_is_hex(id, 64, 64) ? id : 0;
}

static void check_in_archive(VERIFY *v, const char *path, const char *id)
{
    uint64_t num;
    MSGREC  rec;
    STRLIST vols;
    int     rc;

    record_init(&rec);
    rc = lookup_id(v->db, id, &num, &rec);
    record_free(&rec);
    if (rc == LOOKUP_NOTFOUND) {
        uint64_t tomb = lookup_deleted(v->db, id);

        /* Lawfully deleted since it was written: a note, not a problem. */
        if (tomb) {
            VSTR   *line = vstr_alloc(256);

            vstr_sprintf(line, "DELETED  %s: lawfully deleted from the archive since "
                         "(record %llu is its tombstone)", path, (unsigned long long) tomb);
            v->out(v->ctx, line->s);
            vstr_free(line);
            return;
        }
        report(v, "NOT IN ARCHIVE  %s: no such message in the archive database", path);
        return;
    }
    if (rc != LOOKUP_OK) {
        report(v, "UNREADABLE  %s: the archive database cannot be read for it", path);
        return;
    }
    if (!*v->res->volume)
        return;
    strlist_init(&vols);
    if (catalog_volumes_of(v->db, num, &vols) == 0 && strlist_find(&vols, v->res->volume) < 0)
        report(v, "NOT CATALOGUED  %s: the catalogue does not list it on %s", path,
               v->res->volume);
    strlist_free(&vols);
}

static void check_file(VERIFY *v, const char *path, iso9660_stat_t *st)
{
    char    hex[65], idbuf[65];
    const char *id = message_id_of(path, idbuf);
    ENTRY  *e = entry_find(v, path);

    v->res->files++;
    if (hash_file(v, st, hex) < 0) {
        report(v, "UNREADABLE  %s: read error", path);
        if (e)
            e->seen = 1;
        return;
    }
    if (id) {
        v->res->messages++;
        if (strcmp(hex, id) != 0)
            report(v, "MISMATCH  %s: SHA-256 is %s, the message's id is %s", path, hex, id);
        if (v->db)
            check_in_archive(v, path, id);
    }
    if (e) {
        e->seen = 1;
        if (strcmp(hex, e->sha) != 0 && !(id && strcmp(hex, id) != 0))
            report(v, "MISMATCH  %s: SHA-256 is %s, the manifest says %s", path, hex, e->sha);
        else if (st->size != e->size && strcmp(hex, e->sha) == 0)
            report(v, "MISMATCH  %s: %u bytes, the manifest says %llu", path, st->size,
                   (unsigned long long) e->size);
    } else if (v->have_manifest && strcmp(path, "MANIFEST.XML") != 0
               /* written after the manifest; they sign it and the rest */
               && strcmp(path, "MANIFEST.XML.sig") != 0 && strcmp(path, "SHA256SUMS") != 0
               && strcmp(path, "SHA256SUMS.sig") != 0) {
        report(v, "UNEXPECTED  %s: not in the manifest", path);
    }
}

/* The name as written: Rock Ridge when present, else Joliet or ISO 9660
 * with the version suffix dropped. */
static void entry_name(VERIFY *v, const iso9660_stat_t *st, char *name, size_t len)
{
    if (st->rr.b3_rock == yep || strlen(st->filename) >= len) {
        snprintf(name, len, "%s", st->filename);
        return;
    }
    iso9660_name_translate_ext(st->filename, name, iso9660_ifs_get_joliet_level(v->iso));
}

/* A file in the root directory by name; NULL if absent. */
static iso9660_stat_t *root_file(VERIFY *v, const char *want)
{
    CdioList_t *list = iso9660_ifs_readdir(v->iso, "/");
    CdioListNode_t *node;
    iso9660_stat_t *found = 0;

    if (list == 0)
        return 0;
    _CDIO_LIST_FOREACH(node, list) {
        iso9660_stat_t *st = _cdio_list_node_data(node);
        char    name[1024];

        entry_name(v, st, name, sizeof(name));
        if (found == 0 && st->type == _STAT_FILE && strcmp(name, want) == 0) {
            found = mymemdup(st, sizeof(*st) + strlen(st->filename) + 1);
            found->rr.psz_symlink = 0;
        }
    }
    iso9660_filelist_free(list);
    return found;
}

static void walk(VERIFY *v, const char *dir, int depth, int hashing);

static void walk(VERIFY *v, const char *dir, int depth, int hashing)
{
    CdioList_t *list;
    CdioListNode_t *node;

    if (depth > 16 || (list = iso9660_ifs_readdir(v->iso, dir)) == 0) {
        if (hashing)
            report(v, "UNREADABLE  %s: directory cannot be read", *dir == '/' ? dir + 1 : dir);
        return;
    }
    _CDIO_LIST_FOREACH(node, list) {
        iso9660_stat_t *st = _cdio_list_node_data(node);
        char    name[1024], path[4096];

        if (strcmp(st->filename, ".") == 0 || strcmp(st->filename, "..") == 0)
            continue;
        entry_name(v, st, name, sizeof(name));
        snprintf(path, sizeof(path), "%s%s%s", dir, strcmp(dir, "/") ? "/" : "", name);
        if (st->type == _STAT_DIR)
            walk(v, path, depth + 1, hashing);
        else if (hashing)
            check_file(v, path + 1, st);
        else
            v->total += st->size;
    }
    iso9660_filelist_free(list);
}

static void check_manifest_catalogued(VERIFY *v, const VSTR *text)
{
    VOLINFO vol;
    unsigned char bin[DIGEST_LEN];
    char    hex[65];

    if (v->db == 0 || !*v->res->volume)
        return;
    if (catalog_volume(v->db, v->res->volume, &vol) != 0) {
        report(v, "NOT CATALOGUED  MANIFEST.XML: volume %s is not in the catalogue",
               v->res->volume);
        return;
    }
    digest_buffer(text->s, text->len, bin);
    digest_hex(bin, hex);
    if (strcmp(hex, vol.manifest_sha256) != 0)
        report(v, "MISMATCH  MANIFEST.XML: SHA-256 is %s, the catalogue says %s", hex,
               vol.manifest_sha256);
}

int isoverify(const char *path, ADB *db, ISOVERIFY_OUT out, ISOVERIFY_PROGRESS progress,
              void *ctx, ISOVERIFY_RESULT *res)
{
    VERIFY  v;
    iso9660_stat_t *st;
    VSTR   *text = vstr_alloc(65536);
    char   *label = 0;
    char    line[1200];

    memset(res, 0, sizeof(*res));
    memset(&v, 0, sizeof(v));
    v.db = db;
    v.out = out;
    v.progress = progress;
    v.ctx = ctx;
    v.res = res;
    if ((v.iso = iso9660_open_ext(path, ISO_EXTENSION_ALL)) == 0) {
        snprintf(line, sizeof(line), "UNREADABLE  %s: not an ISO 9660 image", path);
        out(ctx, line);
        vstr_free(text);
        return -1;
    }
    if (iso9660_ifs_get_volume_id(v.iso, &label) && label) {
        snprintf(res->label, sizeof(res->label), "%s", label);
        free(label);
    }
    v.buf = mymalloc((size_t) READ_BLOCKS * ISO_BLOCKSIZE);
    if ((st = root_file(&v, "MANIFEST.XML")) == 0) {
        report(&v, "MISSING  MANIFEST.XML: the image has no manifest");
    } else {
        if (read_small(&v, st, text) < 0)
            report(&v, "UNREADABLE  MANIFEST.XML: read error");
        else if (load_manifest(&v, text) < 0)
            report(&v, "MISMATCH  MANIFEST.XML: not a well-formed mailarc manifest");
        else {
            v.have_manifest = 1;
            check_manifest_catalogued(&v, text);
        }
        myfree(st);
    }
    walk(&v, "/", 0, 0);
    walk(&v, "/", 0, 1);
    for (size_t i = 0; i < v.nent; i++) {
        if (!v.ent[i].seen)
            report(&v, "MISSING  %s: in the manifest, not on the image", v.ent[i].path);
        myfree(v.ent[i].path);
    }
    myfree(v.ent);
    myfree(v.buf);
    iso9660_close(v.iso);
    vstr_free(text);
    return res->problems ? 1 : 0;
}
