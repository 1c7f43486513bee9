/*
 * imapc.h - reading IMAP4rev1 server responses (RFC 3501), for the
 * journal mailbox client.
 *
 * A response is one line, or several joined by literals: a line that ends
 * in {N} (or {N+}) is followed by exactly N bytes, then the response goes
 * on.  imapc_read() collects a whole response: its text, with each literal
 * replaced by the token {#K}, and the literals themselves.  Lines are
 * bounded (IMAPC_LINE_MAX) and literals by the caller's limit: a literal
 * over it is read and thrown away (too_big), never kept.  A connection
 * that ends inside a literal is an error: a message cut short is never
 * handed on.
 */
#ifndef MAILARC_IMAPC_H
#define MAILARC_IMAPC_H

#include <stddef.h>

#include "netio.h"
#include "tlsclient.h"
#include "vstr.h"

#define IMAPC_LINE_MAX 65536
#define IMAPC_LITERALS 8            /* literals kept per response */

enum { IMAPC_UNTAGGED, IMAPC_CONTINUE, IMAPC_TAGGED };

typedef struct imapc_resp {
    int     kind;
    unsigned tag;                   /* of a tagged response */
    char    status[8];              /* OK, NO, BAD, BYE, PREAUTH, or "" */
    VSTR   *text;                   /* after the tag and status; literals as {#K} */
    VSTR   *lit[IMAPC_LITERALS];
    int     nlit;
    int     too_big;                /* a literal over the limit was thrown away */
} IMAPC_RESP;

void imapc_resp_init(IMAPC_RESP *r);
void imapc_resp_free(IMAPC_RESP *r);

/* Read one response.  NETIO_OK, a NETIO error, or NETIO_ERROR for a
 * response that breaks the syntax (err says how). */
int imapc_read(NETIO *nio, size_t max_literal, IMAPC_RESP *r, char *err, size_t errlen);

/* In an untagged FETCH response ("N FETCH (...)"): the UID (0 if none) and
 * the BODY[] literal or string (NULL if none). */
const VSTR *imapc_fetch_body(const IMAPC_RESP *r, unsigned long *uid, VSTR *scratch);

/* The number after "[NAME " in a response code ("[UIDVALIDITY 3857529045]"),
 * or 0. */
unsigned long imapc_code_num(const IMAPC_RESP *r, const char *name);

/*
 * A client session over nio: tagged commands and waiting for their
 * answers.  Untagged responses seen on the way are noted (EXISTS,
 * CAPABILITY UIDPLUS and IDLE) and passed to fn, if given.
 */
typedef struct imapc_sess {
    NETIO  *nio;
    size_t  max_literal;
    unsigned tag;
    IMAPC_RESP r;
    int     uidplus, idle;
    unsigned long exists;
} IMAPC_SESS;

typedef void (*IMAPC_ON_UNTAGGED)(IMAPC_SESS *s, void *ctx);

void imapc_sess_init(IMAPC_SESS *s, NETIO *nio, size_t max_literal);
void imapc_sess_free(IMAPC_SESS *s);
/* Send "A<tag> ...\r\n"; the tag, or 0 when the write failed. */
unsigned imapc_send(IMAPC_SESS *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Read to the tagged answer of tag: 0 when OK; -1 with err ("WHAT: ...")
 * for NO, BAD, an untagged BYE, or a broken connection. */
int imapc_wait(IMAPC_SESS *s, unsigned tag, const char *what, IMAPC_ON_UNTAGGED fn, void *ctx,
               char *err, size_t errlen);
/* The greeting: 0 for an untagged OK or PREAUTH, -1 (err) otherwise. */
int imapc_greeting(IMAPC_SESS *s, char *err, size_t errlen);
/* LOGIN with quoted user and password; 0 or -1 (err). */
int imapc_login(IMAPC_SESS *s, const char *user, const char *password, char *err,
                size_t errlen);
/* A session's start: the greeting, STARTTLS into tls when starttls is
 * given, CAPABILITY, LOGIN.  0, or -1 with err. */
int imapc_start(IMAPC_SESS *s, TLSC *tls, const TLSC_PEER *starttls, const char *user,
                const char *password, char *err, size_t errlen);

/* An untagged SEARCH's numbers appended to *v (grown; *n, *cap). */
void imapc_search_all(const IMAPC_RESP *r, unsigned long **v, int *n, int *cap);

/* "UID SEARCH criteria": the UIDs into *v (malloc'd, *n of them); 0 or -1. */
int imapc_uid_search(IMAPC_SESS *s, const char *criteria, unsigned long **v, int *n, char *err,
                     size_t errlen);

/* "UID FETCH uid (UID BODY.PEEK[])", which leaves the message unseen:
 * 1 with its exact bytes in body, 0 when there is no such message now,
 * 2 when it is over the literal limit (not kept), -1 (err) on failure. */
int imapc_fetch_uid(IMAPC_SESS *s, unsigned long uid, VSTR *body, char *err, size_t errlen);

/* An IMAP quoted string of s ("a \"b\"" -> "\"a \\\"b\\\"\""), appended. */
void imapc_quote(VSTR *out, const char *s);

#endif
