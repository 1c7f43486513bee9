/*
 * vstr.h - growable byte string, always NUL-terminated.
 *
 * The one string type for untrusted and built text: no strcpy, strcat
 * or sprintf anywhere else.  Contents may hold NUL bytes; len is exact.
 */
#ifndef MAILARC_VSTR_H
#define MAILARC_VSTR_H

#include <stdarg.h>
#include <stddef.h>

typedef struct vstr {
    char   *s;
    size_t  len;
    size_t  cap;
} VSTR;

VSTR *vstr_alloc(size_t cap);
void vstr_free(VSTR *v);
void vstr_reset(VSTR *v);
void vstr_reserve(VSTR *v, size_t extra);
void vstr_add(VSTR *v, const void *data, size_t len);
void vstr_addstr(VSTR *v, const char *str);
void vstr_addch(VSTR *v, int ch);
void vstr_set(VSTR *v, const char *str);
void vstr_truncate(VSTR *v, size_t len);
void vstr_sprintf(VSTR *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vstr_sprintf_append(VSTR *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vstr_vsprintf_append(VSTR *v, const char *fmt, va_list ap);
char *vstr_export(VSTR *v);

#endif
