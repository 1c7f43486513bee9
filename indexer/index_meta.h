/*
 * index_meta.h - the metadata of a message: headers plus envelope.
 */
#ifndef MAILARC_INDEX_META_H
#define MAILARC_INDEX_META_H

#include <stddef.h>

#include "../lib/envelope.h"
#include "../lib/record.h"

/* Fill r from the message bytes and its envelope (r must be initialized). */
void index_meta(const char *msg, size_t len, const ENVELOPE *env, MSGREC *r);

/* Merge another arrival's envelope into r; 1 if anything changed. */
int index_meta_merge(MSGREC *r, const ENVELOPE *env);

#endif
