/*
 * auditlog.h - the audit log, hash-chained.
 *
 * log/audit.log (or audit_log): one line per action,
 *   TIME client=ADDR login=NAME action=ACTION result=RESULT detail="…" prev=HEX
 * where HEX is the SHA-256 of the line before it, newline included (64
 * zeros on the first).  Writers (mailarc-web's threads, mailarc
 * commands) take an exclusive flock on the file, read the last line, and
 * append one line with one write(): the chain stays whole with any number
 * of writers.  Opened as root, the file is never followed through a link,
 * is marked append-only in the file system where it can be, and is given
 * to the archive user's group to read (the burner seals its head).
 *
 * An edited, removed or inserted line breaks the chain at that place;
 * cutting lines off the end is found by the seals, which record the head.
 * Lines written before the chain existed (no prev=) are accepted only
 * before the first chained line.
 */
#ifndef MAILARC_AUDITLOG_H
#define MAILARC_AUDITLOG_H

#include <stdint.h>

#include "cfg.h"
#include "vstr.h"

typedef struct auditlog {
    int     wfd, rfd;
} AUDITLOG;

/* Open for appending and reading; 0, or -1 with err set. */
int auditlog_open(const CONFIG *cfg, AUDITLOG *a, char *err, size_t errlen);
void auditlog_close(AUDITLOG *a);

/* Append one entry (line: without prev= and newline); 0 or -1 (errno). */
int auditlog_append(AUDITLOG *a, const char *line);

/* The common fields of an entry into out, values escaped (quotes,
 * backslashes and control bytes); with cap, each value is kept to cap
 * bytes, its full length noted (0: whole). */
void auditlog_entry(VSTR *out, const char *client, const char *login, const char *action,
                    const char *result, const char *detail, size_t cap);

/* Open, append one entry, close: for a command that writes one line.
 * 0, or -1 with err set. */
int auditlog_write(const CONFIG *cfg, const char *login, const char *action, const char *result,
                   const char *detail, char *err, size_t errlen);

/* Every line in turn: fn(line number from 1, SHA-256 of the line with its
 * newline, the line without it).  0, or -1 with err set. */
typedef void (*AUDITLOG_FN)(uint64_t lineno, const unsigned char hash[32], const char *line,
                            size_t len, void *ctx);
int auditlog_scan(const CONFIG *cfg, AUDITLOG_FN fn, void *ctx, char *err, size_t errlen);

/* The head: how many lines, and the hash of the last (zeros: none). */
int auditlog_head(const CONFIG *cfg, uint64_t *lines, unsigned char hash[32], char *err,
                  size_t errlen);

typedef struct audit_check {
    uint64_t lines, problems;
} AUDIT_CHECK;

/* Check the chain; each problem goes to out.  0 intact, 1 problems, -1
 * unreadable (err set). */
int auditlog_verify(const CONFIG *cfg, void (*out)(void *, const char *), void *ctx,
                    AUDIT_CHECK *res, char *err, size_t errlen);

#endif
