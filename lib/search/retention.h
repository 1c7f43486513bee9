/*
 * retention.h - how long each message must be kept, and what holds it.
 *
 * retention_rules names a file of "PERIOD QUERY" lines (blank lines and
 * "#" or ";" comments allowed); the first rule whose query matches a
 * message gives its period, else retention_default.  A period counts
 * from the message's date (its Date header, UTC; its arrival when it has
 * none), as search shows it.  A message is expired when that period has
 * ended; it is held while any active legal hold's query matches it.
 *
 * retention_eval() runs every rule's query and every hold's query once
 * and keeps one bit per message number for each, so a question about one
 * message is a few bit tests.
 */
#ifndef MAILARC_RETENTION_H
#define MAILARC_RETENTION_H

#include <stdint.h>
#include <time.h>

#include "adb.h"
#include "cfg.h"
#include "holds.h"
#include "period.h"
#include "query.h"
#include "strlist.h"

typedef struct retention_rule {
    PERIOD  period;
    char   *text;                   /* the rule's line, for reports */
    char   *query;
    int     line;
} RETENTION_RULE;

typedef struct retention {
    RETENTION_RULE *rules;
    int     n;
    PERIOD  def;
    char    def_text[24];
} RETENTION;

/* 0, or -1 with err naming the file and line. */
int retention_load(const CONFIG *cfg, RETENTION *r, char *err, size_t errlen);
void retention_free(RETENTION *r);

typedef struct retention_eval RETENTION_EVAL;

/* Evaluate the rules and the active holds; NULL with err set. */
RETENTION_EVAL *retention_eval(ADB *db, const RETENTION *r, const HOLD *holds, int nholds,
                               char *err, size_t errlen);
void retention_eval_free(RETENTION_EVAL *e);
/* The rule of message num: its index, or r->n for the default. */
int retention_rule_of(const RETENTION_EVAL *e, uint64_t num);
/* Held by some hold: the first such hold's index, or -1. */
int retention_held_by(const RETENTION_EVAL *e, uint64_t num);
/* When the message's period ends (INT64_MAX: forever). */
int64_t retention_end(const RETENTION *r, const RETENTION_EVAL *e, uint64_t num, int64_t date);

/* A deletion request for query (delreq.h), as requester: every message
 * the query finds that is past retention and not held is listed; the
 * others are counted.  kv gets the request (state requested, expiry
 * delete_request_ttl from now), not yet saved.  0, or -1 with err. */
typedef struct retention_counts {
    uint64_t matched, deletable, not_expired, held;
} RETENTION_COUNTS;

int retention_request(const CONFIG *cfg, ADB *db, const char *query, const char *reason,
                      const char *requester, STRLIST *kv, RETENTION_COUNTS *c, char *err,
                      size_t errlen);

#endif
