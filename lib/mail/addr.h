/*
 * addr.h - mailbox lists from headers, and the search terms of an address.
 *
 * addr_parse_list() takes an unfolded header value (To, Cc, From...) and
 * yields (display name, address) pairs: display names RFC 2047-decoded,
 * comments dropped (or used as the name of "addr (Name)"), groups
 * flattened, source routes removed.  It never fails; junk yields fewer or
 * odd entries, never a crash.
 */
#ifndef MAILARC_ADDR_H
#define MAILARC_ADDR_H

#include <stddef.h>

#include "vstr.h"

typedef struct addr_entry {
    char   *name;                   /* UTF-8, may be "" */
    char   *addr;                   /* as written, may be "" */
} ADDR_ENTRY;

typedef struct addr_list {
    int     n;
    int     cap;
    ADDR_ENTRY *e;
} ADDR_LIST;

void addr_list_init(ADDR_LIST *l);
void addr_list_free(ADDR_LIST *l);
void addr_list_add(ADDR_LIST *l, const char *name, const char *addr);
void addr_parse_list(const char *text, size_t len, ADDR_LIST *l);

/* Lowercase, strip <>: the canonical form used for terms and access. */
void addr_canon(const char *addr, VSTR *out);

/*
 * Call fn for every term an address answers to: the whole address, its
 * local part, its domain and each parent domain, and each word of the
 * display name.  Values are lower-case; duplicates may occur.
 */
void addr_terms(const char *name, const char *addr,
                void (*fn)(const char *term, size_t len, void *ctx), void *ctx);

#endif
