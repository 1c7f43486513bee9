/*
 * hitjson.h - one search result as JSON, the same for "mailarc search
 * --json" and the web panel's /api/search (DESIGN.md):
 * {"id":…,"date":"…Z","from":…,"to":[…],"subject":…,"size":…}
 * and, when the query looks for words in text and one was found,
 * "snippet":{"text":…,"marks":[[OFFSET,LENGTH],…]} (byte offsets into
 * the snippet's UTF-8 text; snippet.h).
 */
#ifndef MAILARC_HITJSON_H
#define MAILARC_HITJSON_H

#include "record.h"
#include "snippet.h"
#include "vstr.h"

/* Append the object (no newline) to out; s may be NULL. */
void hitjson_append(VSTR *out, const MSGREC *r, const SNIPPET *s);

#endif
