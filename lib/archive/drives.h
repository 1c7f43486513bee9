/*
 * drives.h - optical drives, as libcdio sees them.
 *
 * Lists the drives of this machine with their vendor, model and what
 * they can write, for "mailarc drives", the burner's log and the panel.
 */
#ifndef MAILARC_DRIVES_H
#define MAILARC_DRIVES_H

#include "vstr.h"

/* One line per drive appended to out ("DEVICE  VENDOR MODEL  writes: ...");
 * returns the number of drives (0: none). */
int drives_list(VSTR *out);

#endif
