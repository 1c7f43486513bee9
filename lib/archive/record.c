/*
 * record.c - message record encoding (see record.h).
 */
#include <string.h>

#include "mymalloc.h"
#include "record.h"

void record_put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (unsigned char) (v & 0xff);
        v >>= 8;
    }
}

uint64_t record_get_u64(const unsigned char *p)
{
    uint64_t v = 0;

    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

void record_init(MSGREC *r)
{
    memset(r, 0, sizeof(*r));
}

void record_free(MSGREC *r)
{
    myfree(r->subject);
    myfree(r->msgid);
    myfree(r->from_addr);
    myfree(r->from_name);
    myfree(r->sender_addr);
    strlist_free(&r->to_addr);
    strlist_free(&r->to_name);
    strlist_free(&r->cc_addr);
    strlist_free(&r->cc_name);
    strlist_free(&r->bcc_addr);
    strlist_free(&r->env_from);
    strlist_free(&r->env_rcpt);
    strlist_free(&r->qids);
    myfree(r->client);
    myfree(r->helo);
    myfree(r->tls);
    myfree(r->source);
    myfree(r->auth);
    strlist_free(&r->journals);
    strlist_free(&r->rcpt_notes);
    strlist_free(&r->tomb);
    record_init(r);
}

static void put_u32(VSTR *out, uint32_t v)
{
    unsigned char b[4] = {(unsigned char) (v >> 24), (unsigned char) (v >> 16),
                          (unsigned char) (v >> 8), (unsigned char) v};

    vstr_add(out, b, 4);
}

static void put_u64(VSTR *out, uint64_t v)
{
    unsigned char b[8];

    record_put_u64(b, v);
    vstr_add(out, b, 8);
}

static void put_str(VSTR *out, const char *s)
{
    size_t  n = s ? strlen(s) : 0;

    put_u32(out, (uint32_t) n);
    vstr_add(out, s ? s : "", n);
}

static void put_list(VSTR *out, const STRLIST *l)
{
    put_u32(out, (uint32_t) l->n);
    for (int i = 0; i < l->n; i++)
        put_str(out, l->v[i]);
}

void record_encode(const MSGREC *r, VSTR *out)
{
    vstr_reset(out);
    vstr_addch(out, RECORD_VERSION);
    put_u64(out, (uint64_t) r->date);
    put_u64(out, (uint64_t) r->size);
    put_u64(out, (uint64_t) r->arrival);
    vstr_add(out, r->sha, 32);
    vstr_add(out, r->chain, 32);
    put_u32(out, r->arrivals);
    put_u32(out, r->flags);
    put_str(out, r->subject);
    put_str(out, r->msgid);
    put_str(out, r->from_addr);
    put_str(out, r->from_name);
    put_str(out, r->sender_addr);
    put_list(out, &r->to_addr);
    put_list(out, &r->to_name);
    put_list(out, &r->cc_addr);
    put_list(out, &r->cc_name);
    put_list(out, &r->bcc_addr);
    put_list(out, &r->env_from);
    put_list(out, &r->env_rcpt);
    put_list(out, &r->qids);
    put_str(out, r->client);
    put_str(out, r->helo);
    put_str(out, r->tls);
    put_str(out, r->source);
    put_str(out, r->auth);
    put_list(out, &r->journals);
    put_list(out, &r->rcpt_notes);
    put_list(out, &r->tomb);
}

struct rd {
    const unsigned char *p;
    size_t  left;
    int     bad;
};

static uint32_t get_u32(struct rd *d)
{
    uint32_t v;

    if (d->left < 4) {
        d->bad = 1;
        return 0;
    }
    v = (uint32_t) d->p[0] << 24 | (uint32_t) d->p[1] << 16 | (uint32_t) d->p[2] << 8 | d->p[3];
    d->p += 4;
    d->left -= 4;
    return v;
}

static uint64_t get_u64(struct rd *d)
{
    uint64_t v;

    if (d->left < 8) {
        d->bad = 1;
        return 0;
    }
    v = record_get_u64(d->p);
    d->p += 8;
    d->left -= 8;
    return v;
}

static void get_bytes(struct rd *d, unsigned char *out, size_t n)
{
    if (d->left < n) {
        d->bad = 1;
        memset(out, 0, n);
        return;
    }
    memcpy(out, d->p, n);
    d->p += n;
    d->left -= n;
}

static char *get_str(struct rd *d)
{
    uint32_t n = get_u32(d);
    char   *s;

    if (d->bad || n > d->left || memchr(d->p, 0, n)) {
        d->bad = 1;
        return mystrdup("");
    }
    s = mystrndup((const char *) d->p, n);
    d->p += n;
    d->left -= n;
    return s;
}

static void get_list(struct rd *d, STRLIST *l)
{
    uint32_t n = get_u32(d);

    if (n > d->left / 4) {
        d->bad = 1;
        return;
    }
    for (uint32_t i = 0; i < n && !d->bad; i++) {
        char   *s = get_str(d);

        strlist_add(l, s);
        myfree(s);
    }
}

int record_decode(const void *buf, size_t len, MSGREC *r)
{
    struct rd d = {buf, len, 0};
    unsigned char ver;

    record_init(r);
    get_bytes(&d, &ver, 1);
    if (d.bad || ver < 1 || ver > RECORD_VERSION)
        return -1;
    r->date = (int64_t) get_u64(&d);
    r->size = (int64_t) get_u64(&d);
    r->arrival = (int64_t) get_u64(&d);
    get_bytes(&d, r->sha, 32);
    get_bytes(&d, r->chain, 32);
    r->arrivals = get_u32(&d);
    r->flags = get_u32(&d);
    r->subject = get_str(&d);
    r->msgid = get_str(&d);
    r->from_addr = get_str(&d);
    r->from_name = get_str(&d);
    r->sender_addr = get_str(&d);
    get_list(&d, &r->to_addr);
    get_list(&d, &r->to_name);
    get_list(&d, &r->cc_addr);
    get_list(&d, &r->cc_name);
    get_list(&d, &r->bcc_addr);
    get_list(&d, &r->env_from);
    get_list(&d, &r->env_rcpt);
    get_list(&d, &r->qids);
    r->client = get_str(&d);
    r->helo = get_str(&d);
    r->tls = get_str(&d);
    r->source = get_str(&d);
    if (ver >= 2) {
        r->auth = get_str(&d);
        get_list(&d, &r->journals);
        get_list(&d, &r->rcpt_notes);
        if (ver >= 3)
            get_list(&d, &r->tomb);
    } else {
        r->auth = mystrdup("");
    }
    if (d.bad || d.left != 0) {
        record_free(r);
        return -1;
    }
    return 0;
}

int record_peek(const void *buf, size_t len, int64_t *date, int64_t *size)
{
    const unsigned char *p = buf;

    if (len < 17 || p[0] < 1 || p[0] > RECORD_VERSION)
        return -1;
    *date = (int64_t) record_get_u64(p + 1);
    *size = (int64_t) record_get_u64(p + 9);
    return 0;
}
