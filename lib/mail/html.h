/*
 * html.h - HTML reduced to plain text with libxml2's HTML parser.
 *
 * Recovering parser, no network, no entity loading; script, style and
 * head are skipped; block elements become line breaks.  Input must be
 * UTF-8 (charset conversion happens before).  Never fails: unparsable
 * input gives less or no text.
 */
#ifndef MAILARC_HTML_H
#define MAILARC_HTML_H

#include <stddef.h>

#include "vstr.h"

void html_to_text(const char *utf8, size_t len, VSTR *out);

#endif
