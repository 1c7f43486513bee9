/*
 * phrase.h - the adjacency check of quoted words.
 *
 * The posting lists find the messages holding every word of a phrase;
 * this keeps those whose pos.db entry (fwd.h) has the words next to each
 * other and in order, within one section of the field the query names (a
 * bare phrase: subject, body or file name).  A message indexed before
 * positions existed has no entry and keeps the older meaning, all the
 * words anywhere in the field, until "mailarc reindex".
 */
#ifndef MAILARC_PHRASE_H
#define MAILARC_PHRASE_H

#include "postlist.h"
#include "query.h"

/* Filter cand by the phrase of the n terms t (one group): 0 or a
 * Berkeley DB error. */
int phrase_filter(POSTLIST_CTX *s, const QTERM *t, int n, NUMVEC *cand);

#endif
