/*
 * cfg_journal.h - [journal NAME] sections of mailarc.conf: the journal
 * mailboxes mailarc-fetch reads (IMAP or POP3).
 *
 *   [journal exchange]
 *   host = mail.example.com
 *   user = journal@example.com
 *   password_file = /etc/mailarc/journal.pw
 *
 * Keys and defaults: protocol imap (or pop3); port by protocol and TLS
 * mode (143/993, 110/995); tls starttls (implicit, none: only to a
 * loopback host unless tls_required = no); tls_verify yes; tls_ca_file;
 * folder INBOX; idle no; poll_interval 60s; batch 50; unread_only no;
 * delete expunge (or none); expunge_every 1; connect_timeout 30s;
 * data_timeout 120s.  host, user and password_file are required; the
 * password never sits in mailarc.conf.
 */
#ifndef MAILARC_CFG_JOURNAL_H
#define MAILARC_CFG_JOURNAL_H

#include <stddef.h>

#define CFG_JOURNAL_NAME_MAX 48

struct config;

typedef struct cfg_journal {
    char    name[CFG_JOURNAL_NAME_MAX];
    char   *protocol;               /* "imap" or "pop3" */
    char   *host;
    long    port;                   /* 0 until checked: then the default */
    char   *tls;                    /* "starttls", "implicit" or "none" */
    int     tls_verify;
    char   *tls_ca_file;
    char   *user;
    char   *password_file;
    char   *folder;
    int     idle;
    long    poll_interval;
    long    batch;
    int     unread_only;
    char   *delete_mode;            /* "expunge" or "none" */
    long    expunge_every;
    long    connect_timeout;
    long    data_timeout;
    int     line;
} CFG_JOURNAL;

/* "[journal NAME]": a new account with the defaults; 0 or -1 (err). */
int cfg_journal_begin(struct config *cfg, const char *header, int line, char *err, size_t errlen);
/* One key = value of the account; 0 or -1 (err). */
int cfg_journal_set(CFG_JOURNAL *j, const char *key, const char *val, char *err, size_t errlen);
/* After the file: required keys, TLS policy, default ports; 0 or -1. */
int cfg_journal_check(struct config *cfg, char *err, size_t errlen);
void cfg_journal_free(struct config *cfg);

#endif
