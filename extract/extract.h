/*
 * extract.h - the document readers of mailarc-extract.
 *
 * Each reader gets the whole file in memory and hands its text, UTF-8,
 * to ex_out(); it returns 0, or -1 with a one-line reason in why.  They
 * run inside the helper's limits and sandbox (ex_sandbox.h), never in the
 * indexer: a reader may be killed at any point, and that costs one
 * attachment's text.
 */
#ifndef MAILARC_EXTRACT_H
#define MAILARC_EXTRACT_H

#include <stddef.h>

/* Text out; stops the process (exit 0) once the output limit is reached. */
void ex_out(const char *s, size_t len);

int ex_pdf(const char *data, size_t len, char *why, size_t whylen);
/* OOXML (docx, xlsx, pptx) and OpenDocument (odt, ods, odp); inflated
 * bytes beyond max_inflate end the reading as a zip bomb. */
int ex_zip(const char *type, const char *data, size_t len, size_t max_inflate, char *why,
           size_t whylen);
int ex_rtf(const char *data, size_t len, char *why, size_t whylen);

#endif
