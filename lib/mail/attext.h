/*
 * attext.h - the text of attachments, for the index.
 *
 * Text attachments are read here (their declared charset, else UTF-8 or
 * windows-1252).  Documents (PDF, OOXML, OpenDocument, RTF) are read by
 * mailarc-extract, a separate program started for each one with its
 * limits: extract_timeout of wall clock and CPU, extract_max_memory, and
 * at most extract_max_bytes of text; it opens no socket and writes no
 * file.  Whatever it does, the caller gets text or a reason, never a hang
 * or a crash of its own.
 */
#ifndef MAILARC_ATTEXT_H
#define MAILARC_ATTEXT_H

#include <stddef.h>

#include "cfg.h"
#include "mime.h"
#include "vstr.h"

typedef struct attext_opts {
    char   *helper;                 /* path of mailarc-extract */
    unsigned types;                 /* ATTEXT_* bits of extract_types */
    size_t  max_bytes;
    long    timeout;
    size_t  max_memory;
} ATTEXT_OPTS;

void attext_opts_cfg(ATTEXT_OPTS *o, const CONFIG *cfg);
void attext_opts_free(ATTEXT_OPTS *o);

/* The document type mailarc-extract reads for this part ("pdf", "docx",
 * ...), "text" for a text attachment, or NULL: not a file, not a type
 * extract_types names, or larger than extract_max_bytes (*why then says
 * so, else it is ""). */
const char *attext_type(const ATTEXT_OPTS *o, const MIME_PART *p, char *why, size_t whylen);

/* The text of part p of that type, appended to text: 0, *cut set when
 * extract_max_bytes stopped it; or -1 with the reason in why. */
int attext_part(const ATTEXT_OPTS *o, const char *type, const MIME_PART *p, VSTR *text, int *cut,
                char *why, size_t whylen);

#endif
