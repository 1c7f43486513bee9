/*
 * strlist.h - a growable list of owned strings.
 */
#ifndef MAILARC_STRLIST_H
#define MAILARC_STRLIST_H

typedef struct strlist {
    int     n;
    int     cap;
    char  **v;
} STRLIST;

void strlist_init(STRLIST *l);
void strlist_free(STRLIST *l);
void strlist_add(STRLIST *l, const char *s);
int strlist_find(const STRLIST *l, const char *s);    /* index or -1 */
/* Add s unless present; returns 1 if added. */
int strlist_add_unique(STRLIST *l, const char *s);

#endif
