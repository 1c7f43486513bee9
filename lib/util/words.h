/*
 * words.h - the words of a text, as DESIGN.md defines them.
 *
 * A word is a maximal run of Unicode letters and digits (UTF-8 input),
 * lower-cased.  Needs an UTF-8 LC_CTYPE: call words_init() once.
 */
#ifndef MAILARC_WORDS_H
#define MAILARC_WORDS_H

#include <stddef.h>

#define WORDS_MAX_LEN 64            /* longer runs are cut to this many bytes */

void words_init(void);
void words_each(const char *text, size_t len,
                void (*fn)(const char *word, size_t len, void *ctx), void *ctx);

/* The same, with where each word stands in text: bytes [start, end). */
void words_each_at(const char *text, size_t len,
                   void (*fn)(const char *word, size_t len, size_t start, size_t end, void *ctx),
                   void *ctx);

#endif
