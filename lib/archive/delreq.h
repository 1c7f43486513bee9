/*
 * delreq.h - four-eyes deletion requests.
 *
 * One file per request, data_dir/deletions/ID.req ("key=value", kvfile.h):
 *   id query reason requester created expires state
 *   matched deletable not_expired held   (counts when it was asked for)
 *   approver approved                    (a different admin)
 *   deleted skipped done error volumes   (when carried out)
 *   msg=NUM ID RULE                      (each message to delete)
 * state: requested -> approved -> done (or failed); requested -> expired
 * (delete_request_ttl passed) or cancelled.  Ids sort by creation time
 * (job.h form).  The indexer, the database's one writer, carries out
 * approved requests.
 */
#ifndef MAILARC_DELREQ_H
#define MAILARC_DELREQ_H

#include <time.h>

#include "cfg.h"
#include "strlist.h"

#define DELREQ_ID_MAX 32

int delreq_id_ok(const char *id);
void delreq_new_id(char id[DELREQ_ID_MAX]);
/* 0, or -1 (errno; ENOENT for no such request). */
int delreq_load(const CONFIG *cfg, const char *id, STRLIST *kv);
int delreq_save(const CONFIG *cfg, const char *id, const STRLIST *kv);
/* When the request's file was last written (0: none). */
time_t delreq_mtime(const CONFIG *cfg, const char *id);
/* Ids, newest first. */
void delreq_list(const CONFIG *cfg, STRLIST *ids);
/* The state, with "expired" for a request past its expiry. */
const char *delreq_state(const STRLIST *kv, time_t now);

/* May login approve (or cancel) the request now?  0, or -1 with why:
 * not waiting for a decision, expired, or (approval) login asked for it. */
int delreq_decision_ok(const STRLIST *kv, const char *login, int approve, time_t now,
                       char *why, size_t len);
/* Record the decision and save; 0, or -1 (errno). */
int delreq_decide(const CONFIG *cfg, const char *id, STRLIST *kv, const char *login, int approve);

#endif
