/*
 * hitjson.h - one search result as JSON, the same for "mailarc search
 * --json" and the web panel's /api/search (DESIGN.md):
 * {"id":…,"date":"…Z","from":…,"to":[…],"subject":…,"size":…}
 */
#ifndef MAILARC_HITJSON_H
#define MAILARC_HITJSON_H

#include "record.h"
#include "vstr.h"

/* Append the object (no newline) to out. */
void hitjson_append(VSTR *out, const MSGREC *r);

#endif
