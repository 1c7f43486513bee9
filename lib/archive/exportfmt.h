/*
 * exportfmt.h - what an export writes beside the messages.
 *
 * MANIFEST.csv (RFC 4180: CRLF, every text field quoted, quotes doubled):
 *   id,sha256,date,from,to,subject,size
 * one row per message: id and sha256 are the same hex digest (the id is
 * its SHA-256), date in ISO 8601 UTC, to the To addresses joined by ", ".
 * MANIFEST.csv.sha256 is sha256sum's line for it.
 */
#ifndef MAILARC_EXPORTFMT_H
#define MAILARC_EXPORTFMT_H

#include "record.h"
#include "vstr.h"

void exportfmt_csv_header(VSTR *out);
void exportfmt_csv_row(VSTR *out, const MSGREC *r);
/* The mbox separator's sender: the first envelope sender, else From. */
const char *exportfmt_sender(const MSGREC *r);

#endif
