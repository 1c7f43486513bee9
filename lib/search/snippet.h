/*
 * snippet.h - a short piece of a message's text around the first word a
 * query looks for, with the query's words marked.
 *
 * The words are those a query finds in text: bare words, body: and
 * attachment: words (not negated).  The text is what the index reads
 * (mime.h: text parts, HTML reduced to text; then the text extracted from
 * documents, xtext.h), so a snippet shows why a message matched.  The
 * snippet is about SNIPPET_WIDTH bytes of UTF-8, cut at word boundaries,
 * each run of white space and control characters one space, none at the
 * ends; marks are byte offsets and lengths into it.  Linear in the
 * message's size.
 */
#ifndef MAILARC_SNIPPET_H
#define MAILARC_SNIPPET_H

#include <stddef.h>

#include "adb.h"
#include "cfg.h"
#include "mime.h"
#include "record.h"
#include "query.h"
#include "strlist.h"
#include "vstr.h"

#define SNIPPET_WIDTH 200
#define SNIPPET_MARKS 16

typedef struct snippet {
    VSTR   *text;
    int     n;
    size_t  off[SNIPPET_MARKS], len[SNIPPET_MARKS];
} SNIPPET;

/* The words of q worth a snippet (lower case); none: no snippets. */
void snippet_words(const QUERY *q, STRLIST *words);
/* 1 with s filled (s->text allocated; free with snippet_free), 0 when no
 * text part holds one of the words. */
int snippet_make(const char *msg, size_t len, const MIME_LIMITS *lim, const STRLIST *words,
                 SNIPPET *s);
void snippet_free(SNIPPET *s);
/* The same for stored message num, read through store.h, then (db not
 * NULL) the text of its documents; 0 also when its blob cannot be read (a
 * result is shown without a snippet). */
int snippet_of_record(const CONFIG *cfg, ADB *db, uint64_t num, const MSGREC *r,
                      const STRLIST *words, SNIPPET *s);

#endif
