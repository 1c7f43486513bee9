/*
 * milter_rebuild.h - the message bytes a milter can reconstruct.
 *
 * A milter is never shown the raw message: it gets each header as a name
 * and a value, then the body in chunks.  With SMFIP_HDR_LEADSPC the MTA
 * keeps the white space after the colon in the value, and Postfix sends a
 * folded value with bare LFs where the queue file has line ends.  So the
 * bytes the MTA queued are, header by header, "name:value" with every LF
 * that is not already after a CR written as CRLF, and CRLF at the end;
 * then one CRLF; then the body chunks verbatim (the MTA sends them with
 * CRLF line ends).
 *
 * Without SMFIP_HDR_LEADSPC (an old MTA) the white space after the colon is
 * lost; one space is put back, which is what almost every header had.
 *
 * Linear in the header; appends to out, never resets it.
 */
#ifndef MAILARC_MILTER_REBUILD_H
#define MAILARC_MILTER_REBUILD_H

#include "vstr.h"

void milter_rebuild_header(VSTR *out, const char *name, const char *value, int leadspc);
void milter_rebuild_eoh(VSTR *out);

#endif
