/*
 * burn_select.c - one bulk pass over msg.db reading only the fixed part
 * of each record (arrival is in it), then the full record of those in
 * the period.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "lookup.h"
#include "mymalloc.h"
#include "record.h"
#include "burn_select.h"

static void item_fill(ITEM *it, uint64_t num, const MSGREC *r)
{
    struct tm tm;
    time_t  t = (time_t) r->arrival;
    VSTR   *from = vstr_alloc(128);

    memset(it, 0, sizeof(*it));
    it->num = num;
    digest_hex(r->sha, it->id);
    digest_hex(r->chain, it->chain);
    it->size = r->size;
    it->date = r->date;
    it->arrival = r->arrival;
    if (r->from_name && *r->from_name)
        vstr_sprintf(from, "%s <%s>", r->from_name, r->from_addr ? r->from_addr : "");
    else
        vstr_set(from, r->from_addr ? r->from_addr : "");
    it->from = vstr_export(from);
    it->subject = mystrdup(r->subject ? r->subject : "");
    it->msgid = mystrdup(r->msgid ? r->msgid : "");
    strlist_init(&it->rcpt);
    {
        const struct {
            const char *kind;
            const STRLIST *l;
        } lists[] = {{"to", &r->to_addr}, {"cc", &r->cc_addr}, {"bcc", &r->bcc_addr},
                     {"envelope", &r->env_rcpt}};
        VSTR   *v = vstr_alloc(128);

        for (size_t k = 0; k < 4; k++)
            for (int i = 0; i < lists[k].l->n; i++) {
                vstr_sprintf(v, "%s:%s", lists[k].kind, lists[k].l->v[i]);
                strlist_add_unique(&it->rcpt, v->s);
            }
        vstr_free(v);
    }
    gmtime_r(&t, &tm);
    snprintf(it->path, sizeof(it->path), "MAIL/%04d/%02d/%02d/%s.eml",
             (tm.tm_year + 1900) % 10000, tm.tm_mon + 1, tm.tm_mday, it->id);
}

static int item_order(const void *a, const void *b)
{
    const ITEM *x = a, *y = b;

    if (x->arrival != y->arrival)
        return x->arrival < y->arrival ? -1 : 1;
    return strcmp(x->id, y->id);
}

int select_period(ADB *db, time_t start, time_t end, SELECTION *out, char *err, size_t len)
{
    DBC    *cur = 0;
    DBT     key = {0}, val = {0};
    unsigned char fixed[RECORD_FIXED];
    uint64_t *nums = 0;
    size_t  n = 0, cap = 0;
    int     rc;

    memset(out, 0, sizeof(*out));
    if ((rc = db->msg->cursor(db->msg, 0, &cur, 0)) != 0) {
        snprintf(err, len, "msg.db: %s", db_strerror(rc));
        return -1;
    }
    val.data = fixed;
    val.ulen = sizeof(fixed);
    val.dlen = sizeof(fixed);
    val.doff = 0;
    val.flags = DB_DBT_USERMEM | DB_DBT_PARTIAL;
    while ((rc = cur->get(cur, &key, &val, DB_NEXT)) == 0) {
        int64_t arrival;

        if (val.size < RECORD_FIXED || key.size != 8)
            continue;
        arrival = (int64_t) record_get_u64(fixed + 17);
        if (arrival < (int64_t) start || arrival >= (int64_t) end)
            continue;
        if (n == cap)
            nums = myrealloc(nums, (cap = cap ? cap * 2 : 1024) * sizeof(uint64_t));
        nums[n++] = adb_key_num(key.data);
    }
    cur->close(cur);
    if (rc != DB_NOTFOUND) {
        snprintf(err, len, "msg.db: %s", db_strerror(rc));
        myfree(nums);
        return -1;
    }
    out->items = mycalloc(n ? n : 1, sizeof(ITEM));
    for (size_t i = 0; i < n; i++) {
        MSGREC  r;

        record_init(&r);
        if (lookup_record(db, nums[i], &r) < 0) {
            snprintf(err, len, "message number %llu: record missing or damaged",
                     (unsigned long long) nums[i]);
            record_free(&r);
            myfree(nums);
            select_free(out);
            return -1;
        }
        if (r.flags & REC_F_DELETED) {  /* lawfully deleted: nothing to write */
            record_free(&r);
            continue;
        }
        item_fill(&out->items[out->n++], nums[i], &r);
        out->bytes += (uint64_t) r.size;
        record_free(&r);
    }
    myfree(nums);
    if (out->n > 1)
        qsort(out->items, out->n, sizeof(ITEM), item_order);
    return 0;
}

void select_free(SELECTION *s)
{
    for (size_t i = 0; i < s->n; i++) {
        myfree(s->items[i].from);
        myfree(s->items[i].subject);
        myfree(s->items[i].msgid);
        strlist_free(&s->items[i].rcpt);
    }
    myfree(s->items);
    memset(s, 0, sizeof(*s));
}
