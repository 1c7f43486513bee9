/*
 * mbox.h - split an mbox file into its messages, streaming.
 *
 * A message starts after a separator line: "From " at the start of the
 * file, or at the start of a line after an empty line.  It ends before
 * the empty line that comes before the next separator (or at the end of
 * the file; a last line without its line end stays as it is).  Lines of
 * the form ">From ", ">>From " ... lose one ">" (the mboxrd rule, which
 * is also what mboxo writers meant).  LF and CRLF files both work; the
 * bytes are otherwise kept exactly.
 *
 * Memory is bounded: the input is read in fixed blocks, and a message
 * over max bytes is not kept (too_big is set, its size still counted), so
 * a file of any size is split in constant space.  Linear in the input.
 */
#ifndef MAILARC_MBOX_H
#define MAILARC_MBOX_H

#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "vstr.h"

typedef struct mbox MBOX;

typedef struct mbox_item {
    off_t   offset;                 /* of its separator line in the file */
    size_t  size;                   /* message bytes (also when too_big) */
    int     too_big;                /* over max: msg holds nothing */
    char    from[256];              /* the separator's address, "" if none */
} MBOX_ITEM;

/* Read from fp (not closed by mbox_close). */
MBOX   *mbox_open(FILE *fp);
void    mbox_close(MBOX *m);

/* The next message into msg (reset first): 1, 0 at the end, -1 on a read
 * error (errno set), -2 when the file does not start with a separator
 * (not an mbox). */
int     mbox_next(MBOX *m, VSTR *msg, size_t max, MBOX_ITEM *it);

/*
 * Writing (mboxrd): append to out the separator "From SENDER DATE" (asctime
 * form, UTC; sender "MAILER-DAEMON" when empty or holding a space), the
 * message with one ">" added to every line that matches ^>*From , a line
 * end if the message lacks its last one, and an empty line.  Reading it
 * back with mbox_next() gives the exact bytes of every message that ends
 * with a line end (as mail does).
 */
void    mbox_append(VSTR *out, const char *sender, time_t when, const char *msg, size_t len);

/* Does this look like the start of an mbox (its first bytes)? */
int     mbox_sniff(const char *head, size_t len);

#endif
