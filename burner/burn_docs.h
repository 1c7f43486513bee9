/*
 * burn_docs.h - the documents written beside the messages.
 *
 * MANIFEST.XML (libxml2): the volume (label, n of m), the period, and
 * every file with its SHA-256 - each message with id, size, date, from,
 * recipients, subject and Message-ID.  INDEX.HTML: a static page, no
 * script, listing the messages by date with relative links, readable
 * from the disc by any browser.  README.TXT: what the disc is and how to
 * check it with standard tools.
 */
#ifndef MAILARC_BURN_DOCS_H
#define MAILARC_BURN_DOCS_H

#include <stddef.h>
#include <time.h>

#include "media.h"
#include "burn_content.h"

typedef struct voldesc {
    const char *name;               /* catalogue or archive name */
    const char *label;              /* ISO volume id, or the archive's name */
    const char *media;              /* "dvd", ..., or "archive" */
    MONTH   month;
    int     number, of;
    time_t  created;
} VOLDESC;

/* Add README.TXT and INDEX.HTML for the messages and logs of l. */
void docs_add_readme_index(const VOLDESC *d, VLIST *l);
/* Add MANIFEST.XML describing everything now in l. */
void docs_add_manifest(const VOLDESC *d, VLIST *l);

#endif
