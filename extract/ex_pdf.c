/*
 * ex_pdf.c - the text of a PDF, page by page, through poppler-glib.
 */
#include <poppler.h>
#include <stdio.h>
#include <string.h>

#include "extract.h"

int ex_pdf(const char *data, size_t len, char *why, size_t whylen)
{
    GBytes *bytes = g_bytes_new_static(data, len);
    GError *err = 0;
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, 0, &err);
    int     pages;

    if (doc == 0) {
        snprintf(why, whylen, "not a readable PDF: %s", err ? err->message : "unknown error");
        if (err)
            g_error_free(err);
        g_bytes_unref(bytes);
        return -1;
    }
    pages = poppler_document_get_n_pages(doc);
    for (int i = 0; i < pages; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        char   *text;

        if (page == 0)
            continue;
        text = poppler_page_get_text(page);
        if (text) {
            ex_out(text, strlen(text));
            ex_out("\n", 1);
            g_free(text);
        }
        g_object_unref(page);
    }
    g_object_unref(doc);
    g_bytes_unref(bytes);
    return 0;
}
