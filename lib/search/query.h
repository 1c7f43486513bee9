/*
 * query.h - the search language of DESIGN.md, parsed.
 *
 * Terms are ANDed; "a OR b" between two terms makes them alternatives
 * (it binds tighter than AND: "a OR b c" is "(a OR b) AND c"); "-term"
 * excludes; quotes make a phrase: in the subject, the body, a file name
 * or attachment text the words must stand next to each other, in order.  A value that holds several words
 * (subject:"two words", a quoted display name) becomes one posting term
 * per word, ANDed within its group.  Errors name the offending term.
 * A bare word matches the subject, the body or a file name: its key has
 * the kind QUERY_ANY_TEXT, which search expands into those three.
 */
#ifndef MAILARC_QUERY_H
#define MAILARC_QUERY_H

#include <stddef.h>
#include <stdint.h>

#define QUERY_ANY_TEXT '*'

typedef enum { Q_POSTING, Q_DATE_GE, Q_DATE_LT, Q_SIZE_GT, Q_SIZE_LT } QKIND;

typedef struct qterm {
    QKIND   kind;
    int     neg;
    char   *key;                    /* Q_POSTING: the term key, "f:acme.example" */
    int     group;                  /* the QTERMs of one user term share a group */
    int     clause;                 /* groups joined by OR share a clause */
    int     phrase;                 /* the group's words must stand in this order */
    int64_t val;
} QTERM;

typedef struct query {
    int     n;
    int     cap;
    QTERM  *t;
    int     clause;                 /* while parsing: the clause of the term at hand */
} QUERY;

int query_parse(const char *text, QUERY *q, char *err, size_t errlen);
void query_free(QUERY *q);

#endif
