/*
 * meta.c - extract header metadata (see meta.h).
 *
 * One pass over the header section.  Address lists are parsed and their
 * display names decoded; the subject is RFC 2047-decoded; a missing or
 * unparsable Date falls back to the arrival time.
 */
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "date.h"
#include "digest.h"
#include "hdr.h"
#include "mymalloc.h"
#include "rfc2047.h"
#include "meta.h"

struct meta_ctx {
    MSGREC *r;
    int     have_subject, have_msgid, have_date, have_from, have_sender;
};

static int name_is(const char *name, size_t nlen, const char *want)
{
    return strlen(want) == nlen && strncasecmp(name, want, nlen) == 0;
}

static void meta_addrs(const char *val, size_t vlen, STRLIST *addrs, STRLIST *names)
{
    ADDR_LIST l;

    addr_list_init(&l);
    addr_parse_list(val, vlen, &l);
    for (int i = 0; i < l.n; i++) {
        strlist_add(addrs, l.e[i].addr);
        if (names)
            strlist_add(names, l.e[i].name);
    }
    addr_list_free(&l);
}

static void meta_field(const char *name, size_t nlen, const char *val, size_t vlen, void *ctx)
{
    struct meta_ctx *m = ctx;
    MSGREC *r = m->r;

    if (name_is(name, nlen, "from") && !m->have_from) {
        STRLIST a, n;

        strlist_init(&a);
        strlist_init(&n);
        meta_addrs(val, vlen, &a, &n);
        if (a.n > 0) {
            r->from_addr = mystrdup(a.v[0]);
            r->from_name = mystrdup(n.v[0]);
            m->have_from = 1;
        }
        strlist_free(&a);
        strlist_free(&n);
    } else if (name_is(name, nlen, "sender") && !m->have_sender) {
        STRLIST a;

        strlist_init(&a);
        meta_addrs(val, vlen, &a, 0);
        if (a.n > 0) {
            r->sender_addr = mystrdup(a.v[0]);
            m->have_sender = 1;
        }
        strlist_free(&a);
    } else if (name_is(name, nlen, "to")) {
        meta_addrs(val, vlen, &r->to_addr, &r->to_name);
    } else if (name_is(name, nlen, "cc")) {
        meta_addrs(val, vlen, &r->cc_addr, &r->cc_name);
    } else if (name_is(name, nlen, "bcc")) {
        meta_addrs(val, vlen, &r->bcc_addr, 0);
    } else if (name_is(name, nlen, "subject") && !m->have_subject) {
        VSTR   *s = vstr_alloc(vlen + 16);

        rfc2047_decode(val, vlen, s);
        r->subject = vstr_export(s);
        m->have_subject = 1;
    } else if (name_is(name, nlen, "message-id") && !m->have_msgid) {
        size_t  s = 0, e = vlen;

        while (s < e && (val[s] == ' ' || val[s] == '<'))
            s++;
        while (e > s && (val[e - 1] == ' ' || val[e - 1] == '>'))
            e--;
        r->msgid = mystrndup(val + s, e - s);
        m->have_msgid = 1;
    } else if (name_is(name, nlen, "date") && !m->have_date) {
        char   *d = mystrndup(val, vlen);
        time_t  t;

        if (date_parse_rfc5322(d, &t) == 0) {
            r->date = (int64_t) t;
            r->flags |= REC_F_HAS_DATE;
            m->have_date = 1;
        }
        myfree(d);
    }
}

/*
 * A set of the strings of one list, for the length of one merge: open
 * addressing over indexes into the list, sized to twice what it may hold,
 * so that a merge costs one hash per address instead of a scan of the list.
 */
typedef struct strset {
    const STRLIST *l;
    int    *slot;                       /* index into l, or -1 */
    size_t  mask;
} STRSET;

static size_t strset_hash(const char *s)
{
    size_t  h = 14695981039346656037u;

    for (; *s; s++)
        h = (h ^ (unsigned char) *s) * 1099511628211u;
    return h;
}

static void strset_init(STRSET *set, const STRLIST *l, int room)
{
    size_t  n = 16;

    while (n < 2 * ((size_t) l->n + (size_t) room))
        n *= 2;
    set->l = l;
    set->mask = n - 1;
    set->slot = mymalloc(n * sizeof(int));
    for (size_t i = 0; i < n; i++)
        set->slot[i] = -1;
}

/* Find s; when absent and idx >= 0, record that l->v[idx] is s. */
static int strset_find(STRSET *set, const char *s, int idx)
{
    size_t  h = strset_hash(s) & set->mask;

    while (set->slot[h] >= 0) {
        if (strcmp(set->l->v[set->slot[h]], s) == 0)
            return 1;
        h = (h + 1) & set->mask;
    }
    if (idx >= 0)
        set->slot[h] = idx;
    return 0;
}

/* Add the canonical address to l unless present or l is full; -1 if full. */
static int meta_env_addr(STRLIST *l, STRSET *set, const char *addr, int max)
{
    VSTR   *c = vstr_alloc(64);
    int     rc = 0;

    addr_canon(addr, c);
    if (c->len && !strset_find(set, c->s, -1)) {
        if (l->n >= max) {
            rc = -1;
        } else {
            strlist_add(l, c->s);
            strset_find(set, c->s, l->n - 1);
        }
    }
    vstr_free(c);
    return rc;
}

int meta_merge(MSGREC *r, const ENVELOPE *env, int max_rcpt, int max_qids, int *dropped)
{
    int     before = r->env_from.n + r->env_rcpt.n;
    int     lost = 0;
    STRSET  from, rcpt;

    strset_init(&from, &r->env_from, 1);
    strset_init(&rcpt, &r->env_rcpt, env->rcpt.n);
    for (int i = 0; i < r->env_from.n; i++)
        strset_find(&from, r->env_from.v[i], i);
    for (int i = 0; i < r->env_rcpt.n; i++)
        strset_find(&rcpt, r->env_rcpt.v[i], i);
    if (env->sender && *env->sender)
        lost -= meta_env_addr(&r->env_from, &from, env->sender, max_rcpt);
    for (int i = 0; i < env->rcpt.n; i++)
        lost -= meta_env_addr(&r->env_rcpt, &rcpt, env->rcpt.v[i], max_rcpt);
    if (r->qids.n < max_qids)
        strlist_add_unique(&r->qids, env->qid);
    /* The sending MTA's queue id, to find the message in its logs. */
    if (env->mta_qid && *env->mta_qid && r->qids.n < max_qids) {
        VSTR   *m = vstr_alloc(64);

        vstr_sprintf(m, "mta:%s", env->mta_qid);
        strlist_add_unique(&r->qids, m->s);
        vstr_free(m);
    }
    /* The journal report this arrival came in, and what it said of the
     * recipients: kept beside the envelope, bounded like it. */
    if (env->journal && *env->journal && r->journals.n < max_qids)
        strlist_add_unique(&r->journals, env->journal);
    for (int i = 0; i < env->notes.n && r->rcpt_notes.n < META_MAX_NOTES; i++)
        strlist_add_unique(&r->rcpt_notes, env->notes.v[i]);
    if (env->auth && *env->auth && (!r->auth || !*r->auth)) {
        myfree(r->auth);
        r->auth = mystrdup(env->auth);
    }
    myfree(from.slot);
    myfree(rcpt.slot);
    if (dropped)
        *dropped = lost;
    return r->env_from.n + r->env_rcpt.n != before;
}

void meta_parse(const char *msg, size_t len, const ENVELOPE *env, MSGREC *r)
{
    struct meta_ctx m = {r, 0, 0, 0, 0, 0};

    r->size = (int64_t) len;
    r->arrival = env->arrival;
    r->date = env->arrival;
    r->arrivals = 1;
    digest_unhex(env->sha256, r->sha);
    hdr_walk(msg, len, meta_field, &m);
    if (!r->subject)
        r->subject = mystrdup("");
    if (!r->msgid)
        r->msgid = mystrdup("");
    if (!r->from_addr) {
        r->from_addr = mystrdup("");
        r->from_name = mystrdup("");
    }
    if (!r->sender_addr)
        r->sender_addr = mystrdup("");
    r->client = mystrdup(env->client ? env->client : "");
    r->helo = mystrdup(env->helo ? env->helo : "");
    r->tls = mystrdup(env->tls ? env->tls : "");
    r->source = mystrdup(env->source ? env->source : "");
    r->auth = mystrdup("");
    meta_merge(r, env, META_MAX_RCPT_DEFAULT, META_MAX_QIDS_DEFAULT, 0);
}

static void meta_copy_list(STRLIST *dst, const STRLIST *src)
{
    strlist_free(dst);
    for (int i = 0; i < src->n; i++)
        strlist_add(dst, src->v[i]);
}

static void meta_copy_str(char **dst, const char *src)
{
    myfree(*dst);
    *dst = mystrdup(src ? src : "");
}

void meta_copy_headers(MSGREC *dst, const MSGREC *src)
{
    meta_copy_str(&dst->subject, src->subject);
    meta_copy_str(&dst->msgid, src->msgid);
    meta_copy_str(&dst->from_addr, src->from_addr);
    meta_copy_str(&dst->from_name, src->from_name);
    meta_copy_str(&dst->sender_addr, src->sender_addr);
    meta_copy_list(&dst->to_addr, &src->to_addr);
    meta_copy_list(&dst->to_name, &src->to_name);
    meta_copy_list(&dst->cc_addr, &src->cc_addr);
    meta_copy_list(&dst->cc_name, &src->cc_name);
    meta_copy_list(&dst->bcc_addr, &src->bcc_addr);
    dst->date = src->date;
    dst->size = src->size;
    dst->flags = (dst->flags & ~(uint32_t) REC_F_HAS_DATE) | (src->flags & REC_F_HAS_DATE);
}
