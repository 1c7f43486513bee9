/*
 * strlist.c - string lists (see strlist.h).
 */
#include <string.h>

#include "mymalloc.h"
#include "strlist.h"

void strlist_init(STRLIST *l)
{
    memset(l, 0, sizeof(*l));
}

void strlist_free(STRLIST *l)
{
    for (int i = 0; i < l->n; i++)
        myfree(l->v[i]);
    myfree(l->v);
    strlist_init(l);
}

void strlist_add(STRLIST *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->v = myrealloc(l->v, (size_t) l->cap * sizeof(char *));
    }
    l->v[l->n++] = mystrdup(s);
}

int strlist_find(const STRLIST *l, const char *s)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return i;
    return -1;
}

int strlist_add_unique(STRLIST *l, const char *s)
{
    if (strlist_find(l, s) >= 0)
        return 0;
    strlist_add(l, s);
    return 1;
}
