/*
 * phrase.h - the adjacency check of quoted words.
 *
 * The posting lists find the messages holding every word of a phrase;
 * this keeps those whose pos.db entry (fwd.h) has the words next to each
 * other and in order, within one section of the field the query names (a
 * bare phrase: subject, body or file name).  A message indexed before
 * positions existed has no entry and keeps the older meaning, all the
 * words anywhere in the field, until "mailarc reindex".
 *
 * Where the index holds the word pairs of every message (terms.h, p), a
 * phrase's candidates are the messages holding all its pairs rather than
 * all its words: about as many as the phrase finds, whatever the words.
 */
#ifndef MAILARC_PHRASE_H
#define MAILARC_PHRASE_H

#include "postlist.h"
#include "query.h"

/* One phrase, ready to test message by message. */
typedef struct phrase {
    const char *kinds;              /* sections of the field (fwd.h) */
    uint32_t *h;                    /* the words' hashes; NULL: no test */
    int     n;
    DBT     val;                    /* the pos.db entry read last */
} PHRASE;

/* Prepare the phrase of the n terms t (one group): 1, or 0 when it needs
 * no test (one word, a field without positions). phrase_free() either way. */
int     phrase_init(PHRASE *p, const QTERM *t, int n);
void    phrase_free(PHRASE *p);

/* Does message num hold the phrase?  *keep 1 or 0; the return is 0 or a
 * Berkeley DB error. */
int     phrase_test(POSTLIST_CTX *s, PHRASE *p, uint64_t num, int *keep);

/* The keys a phrase's candidates come from: its n - 1 word pairs
 * ("p:quarterly report") when s->pairs and the phrase has a positions
 * check; none otherwise (its words serve).  The count of keys. */
typedef struct phrase_keys {
    char  **v;
    int     n;
} PHRASE_KEYS;

int     phrase_keys(const POSTLIST_CTX *s, const QTERM *t, int n, PHRASE_KEYS *k);
void    phrase_keys_free(PHRASE_KEYS *k);

/* Filter cand by the phrase of the n terms t: 0 or a Berkeley DB error. */
int     phrase_filter(POSTLIST_CTX *s, const QTERM *t, int n, NUMVEC *cand);

#endif
