/*
 * cidr.c - parse and match CIDR access lists (see cidr.h).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "mymalloc.h"

struct cidr_entry {
    int     family;
    unsigned char addr[16];
    int     bits;
};

struct cidr_list {
    int     n;
    struct cidr_entry e[];
};

static int cidr_parse_one(const char *tok, struct cidr_entry *e)
{
    char    buf[64];
    char   *slash;
    char   *end;
    long    bits;

    if (strlen(tok) >= sizeof(buf))
        return -1;
    memcpy(buf, tok, strlen(tok) + 1);
    if ((slash = strchr(buf, '/')) != 0)
        *slash++ = 0;
    if (inet_pton(AF_INET, buf, e->addr) == 1)
        e->family = AF_INET;
    else if (inet_pton(AF_INET6, buf, e->addr) == 1)
        e->family = AF_INET6;
    else
        return -1;
    bits = e->family == AF_INET ? 32 : 128;
    if (slash) {
        long    max = bits;

        if (*slash == 0)
            return -1;
        bits = strtol(slash, &end, 10);
        if (*end || bits < 0 || bits > max)
            return -1;
    }
    e->bits = (int) bits;
    return 0;
}

/* Call fn for each comma/space separated token; stop at the first error. */
static int cidr_walk(const char *text, int (*fn)(const char *, void *), void *ctx)
{
    char   *copy = mystrdup(text);
    char   *save = 0;
    int     ret = 0;

    for (char *t = strtok_r(copy, ", \t", &save); t; t = strtok_r(0, ", \t", &save))
        if ((ret = fn(t, ctx)) < 0)
            break;
    myfree(copy);
    return ret;
}

struct check_ctx {
    char   *err;
    size_t  errlen;
};

static int cidr_check_tok(const char *tok, void *ctx)
{
    struct check_ctx *c = ctx;
    struct cidr_entry e;

    if (cidr_parse_one(tok, &e) < 0) {
        snprintf(c->err, c->errlen, "\"%s\" is not an address or CIDR block", tok);
        return -1;
    }
    return 0;
}

int cidr_list_check(const char *text, char *err, size_t errlen)
{
    struct check_ctx c = {err, errlen};

    return cidr_walk(text, cidr_check_tok, &c);
}

static int cidr_count_tok(const char *tok, void *ctx)
{
    (void) tok;
    (*(int *) ctx)++;
    return 0;
}

static int cidr_add_tok(const char *tok, void *ctx)
{
    CIDR_LIST *l = ctx;

    if (cidr_parse_one(tok, &l->e[l->n]) < 0)
        return -1;
    l->n++;
    return 0;
}

CIDR_LIST *cidr_list_parse(const char *text)
{
    int     n = 0;
    CIDR_LIST *l;

    cidr_walk(text, cidr_count_tok, &n);
    l = mycalloc(1, sizeof(*l) + (size_t) n * sizeof(struct cidr_entry));
    cidr_walk(text, cidr_add_tok, l);
    return l;
}

static int cidr_prefix_eq(const unsigned char *a, const unsigned char *b, int bits)
{
    int     bytes = bits / 8;
    int     rem = bits % 8;

    if (memcmp(a, b, (size_t) bytes) != 0)
        return 0;
    if (rem) {
        unsigned char mask = (unsigned char) (0xff << (8 - rem));

        return (a[bytes] & mask) == (b[bytes] & mask);
    }
    return 1;
}

int cidr_list_match(const CIDR_LIST *list, const struct sockaddr *sa)
{
    unsigned char a4[4];
    const unsigned char *a6 = 0;
    int     have4 = 0;

    if (sa->sa_family == AF_INET) {
        memcpy(a4, &((const struct sockaddr_in *) sa)->sin_addr, 4);
        have4 = 1;
    } else if (sa->sa_family == AF_INET6) {
        const struct in6_addr *in6 = &((const struct sockaddr_in6 *) sa)->sin6_addr;

        a6 = in6->s6_addr;
        if (IN6_IS_ADDR_V4MAPPED(in6)) {
            memcpy(a4, a6 + 12, 4);
            have4 = 1;
        }
    } else {
        return 0;
    }
    for (int i = 0; i < list->n; i++) {
        const struct cidr_entry *e = &list->e[i];

        if (e->family == AF_INET && have4 && cidr_prefix_eq(a4, e->addr, e->bits))
            return 1;
        if (e->family == AF_INET6 && a6 && cidr_prefix_eq(a6, e->addr, e->bits))
            return 1;
    }
    return 0;
}

void cidr_list_free(CIDR_LIST *list)
{
    myfree(list);
}
