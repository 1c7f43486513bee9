/*
 * envelope.h - what the SMTP transaction said about a message.
 *
 * The same text form is the spool file prologue and the payload of a
 * shared-memory ring slot, so the indexer decodes one format, strictly:
 * a version line, known tags only, the recipient count bounded.
 */
#ifndef MAILARC_ENVELOPE_H
#define MAILARC_ENVELOPE_H

#include <stddef.h>

#include "strlist.h"
#include "vstr.h"

#define ENVELOPE_MAGIC "MAILARC-SPOOL 1\n"
#define ENVELOPE_QID_MAX 40

typedef struct envelope {
    char    qid[ENVELOPE_QID_MAX];
    long    arrival;                /* seconds since the epoch */
    long    size;                   /* message bytes */
    char    sha256[65];             /* hex digest of the message bytes */
    char   *client;
    char   *helo;
    char   *tls;
    char   *source;                 /* smtp, milter, pipe, import */
    char   *mta_qid;                /* the sending MTA's queue id, or NULL */
    char   *auth;                   /* the SMTP AUTH user the MTA saw, or NULL */
    char   *journal;                /* hex id of the journal report it came in, or NULL */
    char   *sender;                 /* MAIL FROM, "" for <> */
    STRLIST rcpt;                   /* every RCPT TO, Bcc included */
    STRLIST notes;                  /* "RCPT Expanded: LIST" and the like, from a report */
} ENVELOPE;

void envelope_init(ENVELOPE *env);
void envelope_free(ENVELOPE *env);
void envelope_reset(ENVELOPE *env);
void envelope_set(char **field, const char *value);
void envelope_add_rcpt(ENVELOPE *env, const char *rcpt);
void envelope_new_qid(char qid[ENVELOPE_QID_MAX]);

/* Serialize; the size and digest lines have fixed width at known offsets. */
void envelope_format(const ENVELOPE *env, VSTR *out);
#define ENVELOPE_SIZE_OFF (sizeof(ENVELOPE_MAGIC) - 1 + 2)
#define ENVELOPE_SIZE_WIDTH 20
#define ENVELOPE_SHA_OFF (ENVELOPE_SIZE_OFF + ENVELOPE_SIZE_WIDTH + 1 + 2)

/* Parse into an initialized env (its old contents are freed); returns the
 * bytes consumed (through the blank line) or -1. */
long envelope_parse(ENVELOPE *env, const char *buf, size_t len,
                    int max_rcpt, char *err, size_t errlen);

#endif
