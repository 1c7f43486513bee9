/*
 * vstr.c - growable strings (see vstr.h).
 */
#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstr.h"

VSTR *vstr_alloc(size_t cap)
{
    VSTR *v = mymalloc(sizeof(*v));

    v->cap = cap < 16 ? 16 : cap;
    v->s = mymalloc(v->cap);
    v->len = 0;
    v->s[0] = 0;
    return v;
}

void vstr_free(VSTR *v)
{
    if (v) {
        myfree(v->s);
        myfree(v);
    }
}

void vstr_reset(VSTR *v)
{
    v->len = 0;
    v->s[0] = 0;
}

void vstr_reserve(VSTR *v, size_t extra)
{
    size_t need = v->len + extra + 1;

    if (need < v->len)
        msg_panic("vstr_reserve: size overflow");
    if (need > v->cap) {
        size_t cap = v->cap * 2;

        while (cap < need)
            cap *= 2;
        v->s = myrealloc(v->s, cap);
        v->cap = cap;
    }
}

void vstr_add(VSTR *v, const void *data, size_t len)
{
    vstr_reserve(v, len);
    memcpy(v->s + v->len, data, len);
    v->len += len;
    v->s[v->len] = 0;
}

void vstr_addstr(VSTR *v, const char *str)
{
    vstr_add(v, str, strlen(str));
}

void vstr_addch(VSTR *v, int ch)
{
    vstr_reserve(v, 1);
    v->s[v->len++] = (char) ch;
    v->s[v->len] = 0;
}

void vstr_set(VSTR *v, const char *str)
{
    vstr_reset(v);
    vstr_addstr(v, str);
}

void vstr_truncate(VSTR *v, size_t len)
{
    if (len < v->len) {
        v->len = len;
        v->s[len] = 0;
    }
}

void vstr_vsprintf_append(VSTR *v, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;

    va_copy(ap2, ap);
    n = vsnprintf(v->s + v->len, v->cap - v->len, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        msg_panic("vstr_sprintf: bad format");
    if ((size_t) n >= v->cap - v->len) {
        vstr_reserve(v, (size_t) n);
        vsnprintf(v->s + v->len, v->cap - v->len, fmt, ap);
    }
    v->len += (size_t) n;
}

void vstr_sprintf(VSTR *v, const char *fmt, ...)
{
    va_list ap;

    vstr_reset(v);
    va_start(ap, fmt);
    vstr_vsprintf_append(v, fmt, ap);
    va_end(ap);
}

void vstr_sprintf_append(VSTR *v, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vstr_vsprintf_append(v, fmt, ap);
    va_end(ap);
}

char *vstr_export(VSTR *v)
{
    char *s = v->s;

    myfree(v);
    return s;
}
