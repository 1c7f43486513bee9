/*
 * kvfile.h - small state files of "key=value" lines.
 *
 * Written whole through a temporary name, fsynced, renamed and the
 * directory fsynced, so a reader sees the old file or the new one.  A
 * value never holds a line end (kv_set turns control characters into
 * spaces).  A key may repeat (kv_add): lists are kept in order.
 */
#ifndef MAILARC_KVFILE_H
#define MAILARC_KVFILE_H

#include "strlist.h"

/* 0, or -1 (errno). */
int kvfile_read(const char *path, STRLIST *lines);
int kvfile_write(const char *path, const STRLIST *lines);

/* The value of the first line with key, or NULL. */
const char *kv_get(const STRLIST *l, const char *key);
long long kv_get_num(const STRLIST *l, const char *key);     /* 0 when absent */
/* Replace the first line with key, or add one. */
void kv_set(STRLIST *l, const char *key, const char *val);
void kv_set_num(STRLIST *l, const char *key, long long val);
/* Always add a line. */
void kv_add(STRLIST *l, const char *key, const char *val);

#endif
