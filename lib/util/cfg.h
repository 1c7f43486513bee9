/*
 * cfg.h - mailarc.conf: php.ini-like "key = value", "; comment", "[section]".
 *
 * Every key has a documented default (etc/mailarc.conf).  Unknown keys and
 * bad values are errors naming the file and line; cfg_load() never
 * half-applies a file: on error the CONFIG passed in is left unchanged.
 */
#ifndef MAILARC_CFG_H
#define MAILARC_CFG_H

#include <stddef.h>

#include "cfg_journal.h"

typedef struct cfg_journal CFG_JOURNAL;

typedef struct config {
    char   *path;                       /* file it came from, or "(built-in)" */
    char   *data_dir;
    char   *user;
    char   *smtp_listen;
    char   *smtp_allow;
    char   *smtp_hostname;
    long    smtpd_min_idle;
    long    smtpd_max_idle;
    long    smtpd_max_procs;
    long    smtpd_max_use;
    long    message_size_limit;
    long    recipient_limit;
    long    smtp_line_limit;
    long    smtp_timeout;
    long    smtp_session_limit;          /* seconds a whole session may last */
    long    smtp_junk_command_limit;     /* NOOP, RSET, HELP, VRFY, EXPN per session */
    long    smtp_client_limit;           /* sessions at once from one address */
    char   *smtp_tls_cert;
    char   *smtp_tls_key;
    int     tls_required;               /* journal mailboxes: plain text only to loopback */
    CFG_JOURNAL *journals;              /* [journal NAME] sections (cfg_journal.h) */
    int     njournals;
    long    import_max_backlog;         /* mailarc import waits while more wait in the spool */
    long    capture_silence_alert;      /* seconds without mail before an alert; 0 off */
    char   *alert_to;                   /* alert recipients; "": admin_users@default_domain */
    long    search_sort_max;            /* most results sorted by sender or subject */
    char   *retention_default;          /* period (period.h) */
    char   *retention_rules;            /* file of "PERIOD QUERY" lines; "": none */
    int     retention_auto_delete;      /* delete expired mail without a request */
    long    delete_request_ttl;         /* seconds a deletion request waits for approval */
    long    verify_interval;            /* seconds between scheduled verifies; 0 off */
    long    verify_chunk;               /* bytes of records verify reads at a time */
    char   *seal_key;                   /* Ed25519 private key; "": data_dir/seal.key */
    char   *milter_listen;
    long    milter_max_sessions;        /* MTA connections served at once (threads) */
    long    milter_timeout;             /* seconds to wait for the MTA */
    char   *xforward_allow;             /* CIDRs whose XFORWARD is believed */
    char   *bcc_decode_domain;          /* ANY+LOCAL=DOMAIN@ this is LOCAL@DOMAIN */
    char   *web_listen;
    char   *web_hostnames;              /* Host values served; empty: web_listen */
    char   *web_tls_cert;
    char   *web_tls_key;
    long    web_session_idle;
    long    web_session_lifetime;
    long    web_login_delay;             /* ms, doubled per failure */
    long    web_lockout_failures;
    long    web_lockout_address_failures;
    long    web_lockout_time;
    char   *web_lockout_exempt_addresses;   /* CIDR list never locked out */
    long    web_max_connections;
    long    web_max_connections_per_address;
    long    web_request_timeout;         /* seconds to read one whole request */
    char   *audit_log;
    long    web_audit_anonymous_limit;  /* entries a minute without a login */
    char   *pam_service;
    char   *pam_confdir;
    char   *admin_users;
    char   *auditor_users;
    char   *user_addresses;
    char   *default_domain;
    char   *relay_host;
    char   *relay_tls;                  /* none, may, encrypt, verify */
    char   *relay_auth_user;
    char   *relay_auth_password;
    long    relay_timeout;
    char   *redeliver_from;
    char   *redeliver_message_id;       /* keep, new */
    char   *daemon_control;
    char   *mta_logs;
    char   *archive_password;
    long    archive_password_min_length;
    long    archive_password_line;       /* where it was set, for messages */
    char   *burn_media;                 /* media.h names */
    char   *burn_device;                /* empty: images wait in media/ */
    char   *burn_schedule;              /* monthly, off */
    char   *burn_schedule_start;        /* YYYY-MM or empty */
    char   *extract_types;              /* attachment kinds whose text is indexed */
    long    extract_max_bytes;          /* largest attachment read; most text kept */
    long    extract_timeout;            /* seconds for one attachment */
    long    extract_max_memory;         /* address space of mailarc-extract */
    long    phrase_max_words;           /* positions kept per part; 0 no limit */
    int     phrase_pairs;               /* index adjacent word pairs (terms.h p) */
    long    mime_max_parts;
    long    mime_max_depth;
    long    mime_max_text;
    long    mime_max_params;             /* parameters read from one header */
    long    mime_max_header;             /* bytes of one header value parsed */
    long    indexer_batch;
    long    record_max_recipients;       /* envelope addresses one record keeps */
    long    record_max_queue_ids;        /* queue ids of arrivals one record keeps */
    long    indexer_sweep_interval;
    long    indexer_message_timeout;     /* CPU seconds to read one message */
    char   *store;                      /* where blobs go: "files" or "db" (store.h) */
    long    store_compress_level;
    long    ipc_ring_slots;
    long    ipc_queue_max;
    long    db_cache_size;
    long    db_max_locks;                /* locks and lock objects in the environment */
    long    db_failchk_interval;         /* seconds between the master's failchk */
    int     db_shared_memory;            /* regions in SysV shared memory (adb_shm.h) */
    long    restart_backoff_max;
    int     log_syslog;
} CONFIG;

#define CFG_DEFAULT_PATH "/etc/mailarc/mailarc.conf"

/* Fill cfg with the built-in defaults. */
void cfg_defaults(CONFIG *cfg);

/* Parse text (from file `name`) over defaults.  0 ok; -1 with err set. */
int cfg_parse(CONFIG *cfg, const char *name, const char *text, size_t len,
              char *err, size_t errlen);

/* Load a file over defaults.  0 ok; -1 with err "file:line: ..." set. */
int cfg_load(CONFIG *cfg, const char *path, char *err, size_t errlen);

/* The path to use: explicit, else $MAILARC_CONF, else the default. */
const char *cfg_path(const char *explicit_path);

/* Release the strings held by cfg. */
void cfg_free(CONFIG *cfg);

/* Number (sizes 0), size with K/M/G (1), duration with s/m/h/d (2); 0 or -1. */
int cfg_parse_long(const char *val, int sizes, long *out);
/* yes/no, true/false, on/off, 1/0; 0 or -1. */
int cfg_parse_bool(const char *val, long *out);

/* Print every key and its value, passwords as "(set)" (for tests and tools). */
void cfg_dump(const CONFIG *cfg, void (*out)(const char *key, const char *val, void *ctx), void *ctx);

#endif
