/*
 * mymalloc.h - allocation that either succeeds or does not return.
 */
#ifndef MAILARC_MYMALLOC_H
#define MAILARC_MYMALLOC_H

#include <stddef.h>

void *mymalloc(size_t len);
void *mycalloc(size_t n, size_t len);
void *myrealloc(void *ptr, size_t len);
char *mystrdup(const char *str);
char *mystrndup(const char *str, size_t len);
void *mymemdup(const void *ptr, size_t len);
void myfree(void *ptr);

#endif
