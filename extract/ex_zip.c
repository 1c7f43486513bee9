/*
 * ex_zip.c - the text of OOXML (docx, xlsx, pptx) and OpenDocument (odt,
 * ods, odp) files: the document parts read from the zip with libzip and
 * walked with libxml2's reader, which never builds a tree.
 *
 * Text nodes are joined as they come; the end of a paragraph, cell, row,
 * tab or line break adds a space, so runs within one word stay one word.
 * A spreadsheet cell of shared-string type holds an index, not text: the
 * strings come from sharedStrings.xml.  Inflated bytes are counted across
 * all parts: past max_inflate, or past 100 times the file's size and
 * 16 MB more (documents inflate some 5 to 20 times), the file is a zip bomb.
 */
#include <libxml/xmlreader.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "extract.h"

typedef struct zread {
    zip_file_t *f;
    size_t *left;                   /* inflate budget, shared by all parts */
    int     bomb;
} ZREAD;

static int ex_zip_read(void *ctx, char *buf, int len)
{
    ZREAD  *z = ctx;
    zip_int64_t n;

    if (*z->left == 0) {
        z->bomb = 1;
        return -1;
    }
    if ((size_t) len > *z->left)
        len = (int) *z->left;
    n = zip_fread(z->f, buf, (zip_uint64_t) len);
    if (n < 0)
        return -1;
    *z->left -= (size_t) n;
    return (int) n;
}

static int ex_zip_close(void *ctx)
{
    (void) ctx;
    return 0;
}

/* Elements whose end separates words. */
static int ex_zip_break(const xmlChar *local)
{
    static const char *const names[] = {
        "p", "h", "tab", "br", "cr", "s", "line-break", "si", "c", "row", "tc", "tr",
        "table-cell", "table-row", "sheet", "sldNum", "txBody", "frame", 0
    };

    for (int i = 0; names[i]; i++)
        if (strcmp((const char *) local, names[i]) == 0)
            return 1;
    return 0;
}

static void ex_zip_silent(void *arg, const char *msg, xmlParserSeverities sev,
                          xmlTextReaderLocatorPtr loc)
{
    (void) arg; (void) msg; (void) sev; (void) loc;
}

/* One XML part; 0, or -1 with why set. */
static int ex_zip_part(zip_t *za, zip_uint64_t idx, const char *name, size_t *left, char *why,
                       size_t whylen)
{
    ZREAD   z = {zip_fopen_index(za, idx, 0), left, 0};
    xmlTextReaderPtr r;
    int     skip = 0;                   /* depth of a shared-string cell, 0 if none */
    int     rc;

    if (z.f == 0) {
        snprintf(why, whylen, "%s: %s", name, zip_strerror(za));
        return -1;
    }
    r = xmlReaderForIO(ex_zip_read, ex_zip_close, &z, name, 0,
                       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (r == 0) {
        zip_fclose(z.f);
        snprintf(why, whylen, "%s: cannot start the XML reader", name);
        return -1;
    }
    xmlTextReaderSetErrorHandler(r, ex_zip_silent, 0);
    while ((rc = xmlTextReaderRead(r)) == 1) {
        int     type = xmlTextReaderNodeType(r);
        const xmlChar *local = xmlTextReaderConstLocalName(r);
        int     depth = xmlTextReaderDepth(r);

        if (type == XML_READER_TYPE_ELEMENT && local) {
            if (!skip && strcmp((const char *) local, "c") == 0
                && !xmlTextReaderIsEmptyElement(r)) {
                xmlChar *t = xmlTextReaderGetAttribute(r, (const xmlChar *) "t");

                if (t && strcmp((const char *) t, "s") == 0)
                    skip = depth + 1;
                xmlFree(t);
            }
            if (xmlTextReaderIsEmptyElement(r) && ex_zip_break(local))
                ex_out(" ", 1);
        } else if (type == XML_READER_TYPE_END_ELEMENT && local) {
            if (skip && depth + 1 == skip)
                skip = 0;
            if (ex_zip_break(local))
                ex_out(" ", 1);
        } else if (!skip && (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA
                             || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE)) {
            const xmlChar *v = xmlTextReaderConstValue(r);

            if (v)
                ex_out((const char *) v, strlen((const char *) v));
        }
    }
    xmlFreeTextReader(r);
    zip_fclose(z.f);
    if (z.bomb) {
        snprintf(why, whylen, "zip bomb");
        return -1;
    }
    if (rc < 0) {
        snprintf(why, whylen, "%s: not well-formed XML", name);
        return -1;
    }
    ex_out("\n", 1);
    return 0;
}

/* Does name hold text for this type? */
static int ex_zip_wanted(const char *type, const char *name)
{
    if (type[0] == 'o')
        return strcmp(name, "content.xml") == 0;
    if (strcmp(type, "docx") == 0)
        return strcmp(name, "word/document.xml") == 0
            || (strncmp(name, "word/", 5) == 0 && strchr(name + 5, '/') == 0
                && (strncmp(name + 5, "header", 6) == 0 || strncmp(name + 5, "footer", 6) == 0
                    || strcmp(name + 5, "footnotes.xml") == 0
                    || strcmp(name + 5, "endnotes.xml") == 0
                    || strcmp(name + 5, "comments.xml") == 0));
    if (strcmp(type, "xlsx") == 0)
        return strcmp(name, "xl/sharedStrings.xml") == 0
            || (strncmp(name, "xl/worksheets/", 14) == 0 && strchr(name + 14, '/') == 0);
    return strncmp(name, "ppt/slides/", 11) == 0 && strchr(name + 11, '/') == 0;
}

typedef struct zent {
    zip_uint64_t idx;
    const char *name;
} ZENT;

/* "slide10.xml" after "slide9.xml": compare digit runs as numbers. */
static int ex_zip_cmp(const void *a, const void *b)
{
    const char *x = ((const ZENT *) a)->name, *y = ((const ZENT *) b)->name;

    while (*x && *y) {
        if (*x >= '0' && *x <= '9' && *y >= '0' && *y <= '9') {
            unsigned long u = strtoul(x, (char **) &x, 10), v = strtoul(y, (char **) &y, 10);

            if (u != v)
                return u < v ? -1 : 1;
            continue;
        }
        if (*x != *y)
            return (unsigned char) *x - (unsigned char) *y;
        x++, y++;
    }
    return (unsigned char) *x - (unsigned char) *y;
}

int ex_zip(const char *type, const char *data, size_t len, size_t max_inflate, char *why,
           size_t whylen)
{
    zip_error_t zerr;
    zip_source_t *src;
    zip_t  *za;
    zip_int64_t n;
    ZENT   *ents;
    size_t  nent = 0, left = max_inflate;

    if (len < (SIZE_MAX - 16 * 1024 * 1024) / 100 && len * 100 + 16 * 1024 * 1024 < left)
        left = len * 100 + 16 * 1024 * 1024;
    max_inflate = left;
    int     rc = 0;

    zip_error_init(&zerr);
    if ((src = zip_source_buffer_create(data, len, 0, &zerr)) == 0
        || (za = zip_open_from_source(src, ZIP_RDONLY, &zerr)) == 0) {
        snprintf(why, whylen, "not a readable zip file: %s", zip_error_strerror(&zerr));
        if (src)
            zip_source_free(src);
        zip_error_fini(&zerr);
        return -1;
    }
    n = zip_get_num_entries(za, 0);
    ents = calloc((size_t) (n > 0 ? n : 1), sizeof(ZENT));
    if (ents == 0) {
        snprintf(why, whylen, "out of memory");
        zip_discard(za);
        return -1;
    }
    for (zip_int64_t i = 0; i < n; i++) {
        const char *name = zip_get_name(za, (zip_uint64_t) i, 0);

        if (name && ex_zip_wanted(type, name)) {
            ents[nent].idx = (zip_uint64_t) i;
            ents[nent++].name = name;
        }
    }
    if (nent == 0) {
        snprintf(why, whylen, "no %s document part in the zip file", type);
        rc = -1;
    }
    qsort(ents, nent, sizeof(ZENT), ex_zip_cmp);
    for (size_t i = 0; i < nent && rc == 0; i++)
        rc = ex_zip_part(za, ents[i].idx, ents[i].name, &left, why, whylen);
    if (rc < 0 && strncmp(why, "zip bomb", 8) == 0)
        snprintf(why, whylen, "zip bomb: more than %zu bytes inflated", max_inflate);
    free(ents);
    zip_discard(za);
    zip_error_fini(&zerr);
    return rc;
}
