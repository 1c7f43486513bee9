/*
 * fetch.h - mailarc-fetch: journal mailboxes into the archive.
 *
 * One thread per [journal NAME] account.  Each cycle connects, logs in,
 * takes up to `batch` messages, writes each to the spool and fsyncs it
 * (source imap:NAME or pop3:NAME, the UID among the queue ids), and only
 * then deletes exactly those messages (delete = expunge), or remembers
 * them (delete = none).  Nothing that was not stored is ever deleted: a
 * message cut short, a full disk or a crash before the fsync leave it in
 * the mailbox, and a crash after the fsync but before the delete only
 * fetches it again, which the archive's dedup absorbs.
 */
#ifndef MAILARC_FETCH_H
#define MAILARC_FETCH_H

#include <time.h>

#include "../ipc/ipc_child.h"
#include "cfg.h"
#include "netio.h"
#include "strlist.h"
#include "tlsclient.h"

typedef struct fetch_acct {
    const CONFIG *cfg;
    const CFG_JOURNAL *j;
    CHILD  *child;
    char    password[512];
    /* The connection of the cycle in hand. */
    NETIO  *nio;
    TLSC    tls;
    int     fd;
    unsigned tag;
    /* State kept in data_dir/fetch/NAME.state. */
    unsigned long uidvalidity;
    unsigned long last_uid;         /* IMAP, delete = none: highest archived UID */
    STRLIST pending;                /* IMAP: archived, \Deleted, not yet expunged */
    STRLIST seen;                   /* POP3, delete = none: archived UIDLs */
    long    cycles;
    int     idled;                  /* the last cycle waited in IDLE */
    /* Status, in data_dir/fetch/NAME.status. */
    time_t  last_success;
    long    fetched;
    char    last_error[512];
    time_t  last_error_at;
    int     failures;               /* cycles failed in a row */
    int     alerted;
} FETCH_ACCT;

extern volatile int fetch_stop;

/* Connect, start TLS as configured; 0 or -1 (err).  For IMAP and POP3 the
 * greeting is read by the caller (starttls: the caller asks first). */
int fetch_connect(FETCH_ACCT *a, char *err, size_t errlen);
int fetch_starttls(FETCH_ACCT *a, char *err, size_t errlen);
void fetch_disconnect(FETCH_ACCT *a);

/* Store one fetched message durably; 0, or -1 (err): then never delete it. */
int fetch_store(FETCH_ACCT *a, const char *msg, size_t len, const char *id, char *err,
                size_t errlen);

/* One cycle; the number of messages archived, -1 on failure (err).  *more:
 * there are more to take now.  The IMAP cycle waits in IDLE when asked. */
int fetch_imap_cycle(FETCH_ACCT *a, int *more, char *err, size_t errlen);
int fetch_pop3_cycle(FETCH_ACCT *a, int *more, char *err, size_t errlen);

/* State and status files. */
void fetch_state_load(FETCH_ACCT *a);
int fetch_state_save(FETCH_ACCT *a);
void fetch_status_save(const FETCH_ACCT *a);

#endif
