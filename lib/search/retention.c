/*
 * retention.c - retention rules and legal holds, evaluated (see retention.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delreq.h"
#include "digest.h"
#include "kvfile.h"
#include "lookup.h"
#include "mymalloc.h"
#include "search.h"
#include "vstr.h"
#include "retention.h"

struct retention_eval {
    uint64_t max;
    int     nrules, nholds;
    unsigned char **rule, **hold;   /* one bitmap each */
};

int retention_load(const CONFIG *cfg, RETENTION *r, char *err, size_t errlen)
{
    FILE   *fp;
    char    line[4096];
    int     lineno = 0, cap = 0;

    memset(r, 0, sizeof(*r));
    if (period_parse(cfg->retention_default, &r->def) < 0) {
        snprintf(err, errlen, "retention_default: \"%s\" is not a period", cfg->retention_default);
        return -1;
    }
    period_str(&r->def, r->def_text, sizeof(r->def_text));
    if (*cfg->retention_rules == 0)
        return 0;
    if ((fp = fopen(cfg->retention_rules, "re")) == 0) {
        snprintf(err, errlen, "retention_rules %s: %s", cfg->retention_rules, strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof(line), fp)) {
        char   *p = line, *q;
        char    ptext[32];
        PERIOD  per;
        QUERY   test;
        char    qerr[512];

        lineno++;
        if (strchr(line, '\n') == 0 && !feof(fp)) {
            snprintf(err, errlen, "%s:%d: line too long", cfg->retention_rules, lineno);
            goto bad;
        }
        line[strcspn(line, "\r\n")] = 0;
        while (isspace((unsigned char) *p))
            p++;
        if (*p == 0 || *p == '#' || *p == ';')
            continue;
        q = p + strcspn(p, " \t");
        snprintf(ptext, sizeof(ptext), "%.*s", (int) (q - p), p);
        while (isspace((unsigned char) *q))
            q++;
        if (period_parse(ptext, &per) < 0) {
            snprintf(err, errlen, "%s:%d: \"%s\" is not a period (N followed by d, w, m or y, "
                     "or forever)", cfg->retention_rules, lineno, ptext);
            goto bad;
        }
        if (*q == 0) {
            snprintf(err, errlen, "%s:%d: a rule needs a query after its period",
                     cfg->retention_rules, lineno);
            goto bad;
        }
        if (query_parse(q, &test, qerr, sizeof(qerr)) < 0) {
            snprintf(err, errlen, "%s:%d: bad query: %s", cfg->retention_rules, lineno, qerr);
            goto bad;
        }
        query_free(&test);
        if (r->n == cap)
            r->rules = myrealloc(r->rules, (size_t) (cap = cap ? cap * 2 : 8) * sizeof(*r->rules));
        r->rules[r->n].period = per;
        r->rules[r->n].text = mystrdup(p);
        r->rules[r->n].query = mystrdup(q);
        r->rules[r->n].line = lineno;
        r->n++;
    }
    fclose(fp);
    return 0;
bad:
    fclose(fp);
    retention_free(r);
    return -1;
}

void retention_free(RETENTION *r)
{
    for (int i = 0; i < r->n; i++) {
        myfree(r->rules[i].text);
        myfree(r->rules[i].query);
    }
    myfree(r->rules);
    memset(r, 0, sizeof(*r));
}

/* The highest message number (0: none). */
static uint64_t eval_max(ADB *db)
{
    DBC    *c;
    DBT     k = {0}, v = {0};
    uint64_t max = 0;

    if (db->msg->cursor(db->msg, 0, &c, 0) != 0)
        return 0;
    v.flags = DB_DBT_PARTIAL;
    if (c->get(c, &k, &v, DB_LAST) == 0 && k.size == 8)
        max = adb_key_num(k.data);
    c->close(c);
    return max;
}

static unsigned char *eval_query(ADB *db, const char *text, uint64_t max, char *err, size_t errlen)
{
    unsigned char *bits = mycalloc((size_t) (max / 8 + 1), 1);
    SEARCH_RESULT res;
    QUERY   q;

    if (query_parse(text, &q, err, errlen) < 0) {
        myfree(bits);
        return 0;
    }
    if (search_run(db, &q, 0, 0, 0, &res, err, errlen) != 0) {
        query_free(&q);
        myfree(bits);
        return 0;
    }
    for (size_t i = 0; i < res.n; i++)
        if (res.hits[i].num <= max)
            bits[res.hits[i].num >> 3] |= (unsigned char) (1 << (res.hits[i].num & 7));
    search_result_free(&res);
    query_free(&q);
    return bits;
}

RETENTION_EVAL *retention_eval(ADB *db, const RETENTION *r, const HOLD *holds, int nholds,
                               char *err, size_t errlen)
{
    RETENTION_EVAL *e = mycalloc(1, sizeof(*e));

    e->max = eval_max(db);
    e->rule = mycalloc((size_t) r->n + 1, sizeof(unsigned char *));
    e->hold = mycalloc((size_t) nholds + 1, sizeof(unsigned char *));
    for (int i = 0; i < r->n; i++, e->nrules++)
        if ((e->rule[i] = eval_query(db, r->rules[i].query, e->max, err, errlen)) == 0) {
            retention_eval_free(e);
            return 0;
        }
    for (int i = 0; i < nholds; i++, e->nholds++)
        if ((e->hold[i] = eval_query(db, holds[i].query, e->max, err, errlen)) == 0) {
            char    inner[512];

            snprintf(inner, sizeof(inner), "%s", err);
            snprintf(err, errlen, "hold %s: %s", holds[i].name, inner);
            retention_eval_free(e);
            return 0;
        }
    return e;
}

void retention_eval_free(RETENTION_EVAL *e)
{
    if (e == 0)
        return;
    for (int i = 0; i < e->nrules; i++)
        myfree(e->rule[i]);
    for (int i = 0; i < e->nholds; i++)
        myfree(e->hold[i]);
    myfree(e->rule);
    myfree(e->hold);
    myfree(e);
}

static int eval_bit(const unsigned char *b, uint64_t num, uint64_t max)
{
    return num <= max && (b[num >> 3] >> (num & 7)) & 1;
}

int retention_rule_of(const RETENTION_EVAL *e, uint64_t num)
{
    for (int i = 0; i < e->nrules; i++)
        if (eval_bit(e->rule[i], num, e->max))
            return i;
    return e->nrules;
}

int retention_held_by(const RETENTION_EVAL *e, uint64_t num)
{
    for (int i = 0; i < e->nholds; i++)
        if (eval_bit(e->hold[i], num, e->max))
            return i;
    return -1;
}

int64_t retention_end(const RETENTION *r, const RETENTION_EVAL *e, uint64_t num, int64_t date)
{
    int     k = retention_rule_of(e, num);

    return period_end(date, k < r->n ? &r->rules[k].period : &r->def);
}

int retention_request(const CONFIG *cfg, ADB *db, const char *query, const char *reason,
                      const char *requester, STRLIST *kv, RETENTION_COUNTS *c, char *err,
                      size_t errlen)
{
    RETENTION ret;
    RETENTION_EVAL *ev = 0;
    HOLD   *holds;
    SEARCH_RESULT res;
    QUERY   q;
    VSTR   *line = vstr_alloc(256);
    char    id[DELREQ_ID_MAX], hex[DIGEST_HEXLEN + 1];
    time_t  now = time(0);
    int     nholds = 0, rc = -1;

    memset(c, 0, sizeof(*c));
    memset(&res, 0, sizeof(res));
    strlist_init(kv);
    if (query_parse(query, &q, err, errlen) < 0) {
        vstr_free(line);
        return -1;
    }
    if (retention_load(cfg, &ret, err, errlen) < 0) {
        query_free(&q);
        vstr_free(line);
        return -1;
    }
    holds = holds_list(cfg, 1, &nholds);
    if ((ev = retention_eval(db, &ret, holds, nholds, err, errlen)) == 0
        || search_run(db, &q, 0, 0, 0, &res, err, errlen) != 0)
        goto out;
    delreq_new_id(id);
    kv_set(kv, "id", id);
    kv_set(kv, "query", query);
    kv_set(kv, "reason", reason);
    kv_set(kv, "requester", requester);
    kv_set_num(kv, "created", (long long) now);
    kv_set_num(kv, "expires", (long long) (now + cfg->delete_request_ttl));
    kv_set(kv, "state", "requested");
    for (size_t i = 0; i < res.n; i++) {
        uint64_t num = res.hits[i].num;
        int     k = retention_rule_of(ev, num);
        MSGREC  r;

        if (retention_held_by(ev, num) >= 0) {
            c->held++;
            continue;
        }
        if (retention_end(&ret, ev, num, res.hits[i].date) > (int64_t) now) {
            c->not_expired++;
            continue;
        }
        if (lookup_record(db, num, &r) < 0)
            continue;
        digest_hex(r.sha, hex);
        record_free(&r);
        if (k < ret.n)
            vstr_sprintf(line, "%llu %s %s", (unsigned long long) num, hex, ret.rules[k].text);
        else
            vstr_sprintf(line, "%llu %s retention_default %s", (unsigned long long) num, hex,
                         ret.def_text);
        kv_add(kv, "msg", line->s);
        c->deletable++;
    }
    c->matched = res.total;
    kv_set_num(kv, "matched", (long long) c->matched);
    kv_set_num(kv, "deletable", (long long) c->deletable);
    kv_set_num(kv, "not_expired", (long long) c->not_expired);
    kv_set_num(kv, "held", (long long) c->held);
    rc = 0;
out:
    query_free(&q);
    search_result_free(&res);
    retention_eval_free(ev);
    retention_free(&ret);
    holds_free(holds, nholds);
    vstr_free(line);
    return rc;
}
