/*
 * cfg.c - the configuration parser (see cfg.h).
 *
 * Table-driven: one row per key with its type, default and bounds, so the
 * parser, the defaults and the dump cannot disagree.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "period.h"
#include "cidr.h"
#include "fileio.h"
#include "hostport.h"
#include "month.h"
#include "mymalloc.h"
#include "passpol.h"
#include "vstr.h"

enum cfg_type { T_STR, T_LONG, T_SIZE, T_DUR, T_BOOL, T_CIDRS, T_LISTEN, T_ENUM, T_PERIOD,
                T_ENUMS };

struct cfg_key {
    const char *name;
    enum cfg_type type;
    size_t  off;
    const char *def;
    long    min;
    long    max;
};

#define S(f) offsetof(CONFIG, f)

static const struct cfg_key cfg_keys[] = {
    {"data_dir", T_STR, S(data_dir), "/var/lib/mailarc", 0, 0},
    {"user", T_STR, S(user), "mailarc", 0, 0},
    {"smtp_listen", T_LISTEN, S(smtp_listen), "0.0.0.0:25", 0, 0},
    {"smtp_allow", T_CIDRS, S(smtp_allow), "127.0.0.0/8, ::1/128", 0, 0},
    {"smtp_hostname", T_STR, S(smtp_hostname), "", 0, 0},
    {"smtpd_min_idle", T_LONG, S(smtpd_min_idle), "2", 1, 1000},
    {"smtpd_max_idle", T_LONG, S(smtpd_max_idle), "10", 1, 1000},
    {"smtpd_max_procs", T_LONG, S(smtpd_max_procs), "20", 1, 1000},
    {"smtpd_max_use", T_LONG, S(smtpd_max_use), "1000", 1, 1000000},
    {"message_size_limit", T_SIZE, S(message_size_limit), "52428800", 1024, 2147483647L},
    {"recipient_limit", T_LONG, S(recipient_limit), "1000", 1, 100000},
    {"smtp_line_limit", T_LONG, S(smtp_line_limit), "2048", 512, 65536},
    {"smtp_timeout", T_LONG, S(smtp_timeout), "300", 1, 3600},
    {"smtp_session_limit", T_LONG, S(smtp_session_limit), "3600", 10, 86400},
    {"smtp_junk_command_limit", T_LONG, S(smtp_junk_command_limit), "100", 1, 100000},
    {"smtp_client_limit", T_LONG, S(smtp_client_limit), "20", 1, 1000},
    {"smtp_tls_cert", T_STR, S(smtp_tls_cert), "", 0, 0},
    {"smtp_tls_key", T_STR, S(smtp_tls_key), "", 0, 0},
    {"tls_required", T_BOOL, S(tls_required), "yes", 0, 0},
    {"import_max_backlog", T_LONG, S(import_max_backlog), "5000", 10, 10000000},
    {"capture_silence_alert", T_DUR, S(capture_silence_alert), "2h", 0, 365 * 86400L},
    {"alert_to", T_STR, S(alert_to), "", 0, 0},
    {"milter_listen", T_STR, S(milter_listen), "", 0, 0},
    {"milter_max_sessions", T_LONG, S(milter_max_sessions), "100", 1, 10000},
    {"milter_timeout", T_LONG, S(milter_timeout), "300", 10, 7200},
    {"bcc_decode_domain", T_STR, S(bcc_decode_domain), "", 0, 0},
    {"xforward_allow", T_CIDRS, S(xforward_allow), "", 0, 0},
    {"web_listen", T_LISTEN, S(web_listen), "127.0.0.1:8080", 0, 0},
    {"web_hostnames", T_STR, S(web_hostnames), "", 0, 0},
    {"web_tls_cert", T_STR, S(web_tls_cert), "", 0, 0},
    {"web_tls_key", T_STR, S(web_tls_key), "", 0, 0},
    {"web_session_idle", T_LONG, S(web_session_idle), "1800", 60, 86400},
    {"web_session_lifetime", T_LONG, S(web_session_lifetime), "43200", 300, 604800},
    {"web_login_delay", T_LONG, S(web_login_delay), "500", 0, 10000},
    {"web_lockout_failures", T_LONG, S(web_lockout_failures), "5", 1, 1000},
    {"web_lockout_address_failures", T_LONG, S(web_lockout_address_failures), "20", 1, 100000},
    {"web_lockout_time", T_LONG, S(web_lockout_time), "900", 1, 86400},
    {"web_lockout_exempt_addresses", T_CIDRS, S(web_lockout_exempt_addresses), "", 0, 0},
    {"web_max_connections", T_LONG, S(web_max_connections), "64", 4, 10000},
    {"web_max_connections_per_address", T_LONG, S(web_max_connections_per_address), "8", 1, 10000},
    {"web_request_timeout", T_LONG, S(web_request_timeout), "30", 1, 3600},
    {"audit_log", T_STR, S(audit_log), "", 0, 0},
    {"web_audit_anonymous_limit", T_LONG, S(web_audit_anonymous_limit), "60", 1, 100000},
    {"pam_service", T_STR, S(pam_service), "mailarc", 0, 0},
    {"pam_confdir", T_STR, S(pam_confdir), "", 0, 0},
    {"admin_users", T_STR, S(admin_users), "root", 0, 0},
    {"auditor_users", T_STR, S(auditor_users), "", 0, 0},
    {"user_addresses", T_STR, S(user_addresses), "", 0, 0},
    {"default_domain", T_STR, S(default_domain), "", 0, 0},
    {"relay_host", T_LISTEN, S(relay_host), "127.0.0.1:25", 0, 0},
    {"relay_tls", T_ENUM, S(relay_tls), "may", 0, 0},
    {"relay_auth_user", T_STR, S(relay_auth_user), "", 0, 0},
    {"relay_auth_password", T_STR, S(relay_auth_password), "", 0, 0},
    {"relay_timeout", T_LONG, S(relay_timeout), "60", 1, 3600},
    {"redeliver_from", T_STR, S(redeliver_from), "", 0, 0},
    {"redeliver_message_id", T_ENUM, S(redeliver_message_id), "keep", 0, 0},
    {"daemon_control", T_STR, S(daemon_control), "sudo -n /etc/init.d/mailarc", 0, 0},
    {"mta_logs", T_STR, S(mta_logs), "/var/log/mail.log*", 0, 0},
    {"search_sort_max", T_LONG, S(search_sort_max), "100000", 100, 100000000},
    {"retention_default", T_PERIOD, S(retention_default), "10y", 0, 0},
    {"retention_rules", T_STR, S(retention_rules), "", 0, 0},
    {"retention_auto_delete", T_BOOL, S(retention_auto_delete), "no", 0, 1},
    {"delete_request_ttl", T_DUR, S(delete_request_ttl), "7d", 3600, 365 * 86400L},
    {"verify_interval", T_DUR, S(verify_interval), "7d", 0, 3650 * 86400L},
    {"verify_chunk", T_SIZE, S(verify_chunk), "4M", 16384, 268435456L},
    {"seal_key", T_STR, S(seal_key), "", 0, 0},
    {"archive_password", T_STR, S(archive_password), "", 0, 0},
    {"archive_password_min_length", T_LONG, S(archive_password_min_length), "8", 1, 1024},
    {"burn_media", T_ENUM, S(burn_media), "dvd", 0, 0},
    {"burn_device", T_STR, S(burn_device), "", 0, 0},
    {"burn_schedule", T_ENUM, S(burn_schedule), "monthly", 0, 0},
    {"burn_schedule_start", T_STR, S(burn_schedule_start), "", 0, 0},
    {"mime_max_parts", T_LONG, S(mime_max_parts), "1000", 1, 100000},
    {"mime_max_depth", T_LONG, S(mime_max_depth), "32", 1, 1000},
    {"extract_types", T_ENUMS, S(extract_types), "pdf docx xlsx pptx odt ods odp rtf text", 0, 0},
    {"extract_max_bytes", T_SIZE, S(extract_max_bytes), "16M", 1024, 1073741824L},
    {"extract_timeout", T_DUR, S(extract_timeout), "30s", 1, 3600},
    {"extract_max_memory", T_SIZE, S(extract_max_memory), "1G", 67108864L, 68719476736L},
    {"phrase_max_words", T_LONG, S(phrase_max_words), "20000", 0, 100000000},
    {"phrase_pairs", T_BOOL, S(phrase_pairs), "no", 0, 1},
    {"mime_max_text", T_SIZE, S(mime_max_text), "4M", 1024, 1073741824L},
    {"mime_max_params", T_LONG, S(mime_max_params), "100", 1, 10000},
    {"mime_max_header", T_SIZE, S(mime_max_header), "64K", 1024, 16777216},
    {"indexer_batch", T_LONG, S(indexer_batch), "500", 1, 100000},
    {"record_max_recipients", T_LONG, S(record_max_recipients), "10000", 100, 1000000},
    {"record_max_queue_ids", T_LONG, S(record_max_queue_ids), "100", 1, 100000},
    {"indexer_sweep_interval", T_LONG, S(indexer_sweep_interval), "5", 1, 3600},
    {"indexer_message_timeout", T_LONG, S(indexer_message_timeout), "60", 1, 86400},
    {"store", T_ENUM, S(store), "files", 0, 0},
    {"store_compress_level", T_LONG, S(store_compress_level), "3", 1, 19},
    {"ipc_ring_slots", T_LONG, S(ipc_ring_slots), "256", 8, 65536},
    {"ipc_queue_max", T_SIZE, S(ipc_queue_max), "65536", 1024, 16777216},
    {"db_cache_size", T_SIZE, S(db_cache_size), "67108864", 1048576, 1099511627776L},
    {"db_max_locks", T_LONG, S(db_max_locks), "1000000", 10000, 100000000},
    {"db_failchk_interval", T_LONG, S(db_failchk_interval), "5", 1, 3600},
    {"db_shared_memory", T_BOOL, S(db_shared_memory), "yes", 0, 1},
    {"restart_backoff_max", T_LONG, S(restart_backoff_max), "60", 1, 3600},
    {"log_syslog", T_BOOL, S(log_syslog), "yes", 0, 1},
};

#define NKEYS (sizeof(cfg_keys) / sizeof(cfg_keys[0]))

/* The values a T_ENUM key may take. */
static const struct cfg_enum {
    const char *name;
    const char *choices[12];
} cfg_enums[] = {
    {"relay_tls", {"none", "may", "encrypt", "verify", 0}},
    {"redeliver_message_id", {"keep", "new", 0}},
    {"burn_media", {"cd", "dvd", "dvd-dl", "bd", "udo30", "udo60", "udo120", 0}},
    {"burn_schedule", {"monthly", "off", 0}},
    {"store", {"files", "db", 0}},
    {"extract_types", {"pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "rtf", "text", 0}},
};


static int cfg_enum_check(const char *name, const char *val, char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof(cfg_enums) / sizeof(cfg_enums[0]); i++) {
        VSTR   *all;

        if (strcmp(cfg_enums[i].name, name) != 0)
            continue;
        for (int j = 0; cfg_enums[i].choices[j]; j++)
            if (strcmp(cfg_enums[i].choices[j], val) == 0)
                return 0;
        all = vstr_alloc(64);
        for (int j = 0; cfg_enums[i].choices[j]; j++)
            vstr_sprintf_append(all, "%s%s", j ? ", " : "", cfg_enums[i].choices[j]);
        snprintf(err, errlen, "%s: \"%s\" is not one of %s", name, val, all->s);
        vstr_free(all);
        return -1;
    }
    return -1;
}

/* A T_ENUMS value: words (blank or comma separated), each a choice. */
static int cfg_enums_check(const char *name, const char *val, char *err, size_t errlen)
{
    char    word[64];

    for (const char *p = val; *p;) {
        size_t  n = strcspn(p, " \t,");

        if (n > 0) {
            snprintf(word, sizeof(word), "%.*s", (int) (n < sizeof(word) - 1 ? n : sizeof(word) - 1), p);
            if (cfg_enum_check(name, word, err, errlen) < 0)
                return -1;
        }
        p += n;
        p += strspn(p, " \t,");
    }
    return 0;
}

static char **cfg_strp(CONFIG *cfg, const struct cfg_key *k)
{
    return (char **) ((char *) cfg + k->off);
}

static long *cfg_longp(CONFIG *cfg, const struct cfg_key *k)
{
    return (long *) ((char *) cfg + k->off);
}

/* A number; with sizes 1 a K, M or G suffix, with 2 an s, m, h or d one. */
int cfg_parse_long(const char *val, int sizes, long *out)
{
    char   *end;
    long    n;

    errno = 0;
    if (!isdigit((unsigned char) *val))
        return -1;
    n = strtol(val, &end, 10);
    if (errno)
        return -1;
    if (sizes && *end) {
        long    mul = 1;

        if (sizes == 2) {
            switch (*end) {
            case 's': mul = 1; break;
            case 'm': mul = 60; break;
            case 'h': mul = 3600; break;
            case 'd': mul = 86400; break;
            default: return -1;
            }
        } else {
            switch (toupper((unsigned char) *end)) {
            case 'K': mul = 1024L; break;
            case 'M': mul = 1024L * 1024; break;
            case 'G': mul = 1024L * 1024 * 1024; break;
            default: return -1;
            }
        }
        end++;
        if (n > LONG_MAX / mul)
            return -1;
        n *= mul;
    }
    if (*end)
        return -1;
    *out = n;
    return 0;
}

int cfg_parse_bool(const char *val, long *out)
{
    static const char *yes[] = {"yes", "true", "on", "1"};
    static const char *no[] = {"no", "false", "off", "0"};

    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(val, yes[i]) == 0)
            return (*out = 1), 0;
        if (strcasecmp(val, no[i]) == 0)
            return (*out = 0), 0;
    }
    return -1;
}

/* Set one key; 0 ok, -1 with a reason in err. */
static int cfg_set(CONFIG *cfg, const struct cfg_key *k, const char *val,
                   char *err, size_t errlen)
{
    long    n = 0;

    switch (k->type) {
    case T_STR:
    case T_CIDRS:
    case T_LISTEN:
    case T_ENUM:
    case T_ENUMS:
    case T_PERIOD:
        if (k->type == T_ENUMS && cfg_enums_check(k->name, val, err, errlen) < 0)
            return -1;
        if (k->type == T_PERIOD && period_parse(val, &(PERIOD) {0, 0}) < 0) {
            snprintf(err, errlen, "%s: \"%s\" is not a period (N followed by d, w, m or y, "
                     "or forever)", k->name, val);
            return -1;
        }
        if (k->type == T_ENUM && cfg_enum_check(k->name, val, err, errlen) < 0)
            return -1;
        if (k->type == T_CIDRS && cidr_list_check(val, err, errlen) < 0)
            return -1;
        if (k->type == T_LISTEN && hostport_list_check(val, err, errlen) < 0)
            return -1;
        myfree(*cfg_strp(cfg, k));
        *cfg_strp(cfg, k) = mystrdup(val);
        return 0;
    case T_LONG:
    case T_SIZE:
    case T_DUR:
        if (cfg_parse_long(val, k->type == T_SIZE ? 1 : k->type == T_DUR ? 2 : 0, &n) < 0) {
            snprintf(err, errlen, "%s: \"%s\" is not a %s", k->name, val,
                     k->type == T_SIZE ? "size (N, NK, NM or NG)"
                     : k->type == T_DUR ? "duration (N seconds, or Ns, Nm, Nh, Nd)" : "number");
            return -1;
        }
        if (n < k->min || n > k->max) {
            snprintf(err, errlen, "%s: %ld is out of range %ld..%ld",
                     k->name, n, k->min, k->max);
            return -1;
        }
        *cfg_longp(cfg, k) = n;
        return 0;
    case T_BOOL:
        if (cfg_parse_bool(val, &n) < 0) {
            snprintf(err, errlen, "%s: \"%s\" is not yes or no", k->name, val);
            return -1;
        }
        *(int *) ((char *) cfg + k->off) = (int) n;
        return 0;
    }
    return -1;
}

void cfg_defaults(CONFIG *cfg)
{
    char    err[256];

    memset(cfg, 0, sizeof(*cfg));
    cfg->path = mystrdup("(built-in)");
    for (size_t i = 0; i < NKEYS; i++)
        if (cfg_set(cfg, &cfg_keys[i], cfg_keys[i].def, err, sizeof(err)) < 0)
            abort();                    /* the table itself is wrong */
}

void cfg_free(CONFIG *cfg)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (cfg_keys[i].type == T_STR || cfg_keys[i].type == T_CIDRS
            || cfg_keys[i].type == T_LISTEN || cfg_keys[i].type == T_ENUM
            || cfg_keys[i].type == T_PERIOD || cfg_keys[i].type == T_ENUMS) {
            myfree(*cfg_strp(cfg, &cfg_keys[i]));
            *cfg_strp(cfg, &cfg_keys[i]) = 0;
        }
    myfree(cfg->path);
    cfg->path = 0;
    cfg_journal_free(cfg);
}

static char *cfg_trim(char *s, char *e)
{
    while (s < e && isspace((unsigned char) *s))
        s++;
    while (e > s && isspace((unsigned char) e[-1]))
        e--;
    *e = 0;
    return s;
}

/* Strip matching quotes, as php.ini allows key = "value". */
static char *cfg_unquote(char *v)
{
    size_t  n = strlen(v);

    if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
        v[n - 1] = 0;
        return v + 1;
    }
    return v;
}

static void cfg_consistency(const CONFIG *cfg, const char *name, char *err, size_t errlen, int *bad)
{
    char    why[256];
    char    conn[256];
    MONTH   m;

    if (cfg->smtpd_min_idle > cfg->smtpd_max_procs) {
        snprintf(err, errlen, "%s: smtpd_min_idle (%ld) exceeds smtpd_max_procs (%ld)",
                 name, cfg->smtpd_min_idle, cfg->smtpd_max_procs);
        *bad = 1;
    } else if ((*cfg->smtp_tls_cert == 0) != (*cfg->smtp_tls_key == 0)) {
        snprintf(err, errlen, "%s: smtp_tls_cert and smtp_tls_key must be set together", name);
        *bad = 1;
    } else if ((*cfg->web_tls_cert == 0) != (*cfg->web_tls_key == 0)) {
        snprintf(err, errlen, "%s: web_tls_cert and web_tls_key must be set together", name);
        *bad = 1;
    } else if (*cfg->milter_listen
               && hostport_milter(cfg->milter_listen, conn, sizeof(conn), why, sizeof(why)) < 0) {
        snprintf(err, errlen, "%s: milter_listen: %s", name, why);
        *bad = 1;
    } else if (*cfg->data_dir != '/') {
        snprintf(err, errlen, "%s: data_dir must be an absolute path", name);
        *bad = 1;
    } else if (*cfg->burn_schedule_start && month_parse(cfg->burn_schedule_start, &m) < 0) {
        snprintf(err, errlen, "%s: burn_schedule_start: \"%s\" is not a month (YYYY-MM)",
                 name, cfg->burn_schedule_start);
        *bad = 1;
    } else if (*cfg->archive_password
               && passpol_check(cfg->archive_password, cfg->archive_password_min_length,
                                why, sizeof(why)) < 0) {
        snprintf(err, errlen, "%s:%ld: archive_password is refused: %s", name,
                 cfg->archive_password_line, why);
        *bad = 1;
    }
}

int cfg_parse(CONFIG *out, const char *name, const char *text, size_t len,
              char *err, size_t errlen)
{
    CONFIG  cfg;
    char   *buf = mystrndup(text, len);
    char   *line = buf;
    char   *next;
    int     lineno = 0;
    int     bad = 0;
    char    why[512];
    CFG_JOURNAL *acct = 0;          /* keys go to this account until the next section */

    if (memchr(text, 0, len)) {
        snprintf(err, errlen, "%s: contains a NUL byte", name);
        myfree(buf);
        return -1;
    }
    cfg_defaults(&cfg);
    for (; line && !bad; line = next) {
        char   *eq;
        char   *key;
        char   *val;
        size_t  i;

        lineno++;
        if ((next = strchr(line, '\n')) != 0)
            *next++ = 0;
        key = cfg_trim(line, line + strlen(line));
        if (*key == 0 || *key == ';' || *key == '#')
            continue;
        if (*key == '[') {
            if (key[strlen(key) - 1] != ']') {
                snprintf(err, errlen, "%s:%d: unterminated section header", name, lineno);
                bad = 1;
            } else if (strncmp(key, "[journal", 8) == 0 && (key[8] == ' ' || key[8] == ']')) {
                if (cfg_journal_begin(&cfg, key, lineno, why, sizeof(why)) < 0) {
                    snprintf(err, errlen, "%s:%d: %s", name, lineno, why);
                    bad = 1;
                    acct = 0;
                } else {
                    acct = &cfg.journals[cfg.njournals - 1];
                }
            } else {
                acct = 0;
            }
            continue;
        }
        if ((eq = strchr(key, '=')) == 0) {
            snprintf(err, errlen, "%s:%d: expected \"key = value\"", name, lineno);
            bad = 1;
            continue;
        }
        val = cfg_unquote(cfg_trim(eq + 1, eq + 1 + strlen(eq + 1)));
        key = cfg_trim(key, eq);
        if (acct) {
            if (cfg_journal_set(acct, key, val, why, sizeof(why)) < 0) {
                snprintf(err, errlen, "%s:%d: [journal %s] %s", name, lineno, acct->name, why);
                bad = 1;
            }
            continue;
        }
        for (i = 0; i < NKEYS; i++)
            if (strcmp(cfg_keys[i].name, key) == 0)
                break;
        if (i == NKEYS) {
            snprintf(err, errlen, "%s:%d: unknown key \"%s\"", name, lineno, key);
            bad = 1;
        } else if (cfg_set(&cfg, &cfg_keys[i], val, why, sizeof(why)) < 0) {
            snprintf(err, errlen, "%s:%d: %s", name, lineno, why);
            bad = 1;
        } else if (cfg_keys[i].off == S(archive_password)) {
            cfg.archive_password_line = lineno;
        }
    }
    myfree(buf);
    if (!bad)
        cfg_consistency(&cfg, name, err, errlen, &bad);
    if (!bad && cfg_journal_check(&cfg, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "%s: %s", name, why);
        bad = 1;
    }
    if (bad) {
        cfg_free(&cfg);
        return -1;
    }
    myfree(cfg.path);
    cfg.path = mystrdup(name);
    *out = cfg;
    return 0;
}

int cfg_load(CONFIG *cfg, const char *path, char *err, size_t errlen)
{
    VSTR   *buf;
    int     fd;
    int     ret;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    buf = vstr_alloc(8192);
    if (fileio_read_all(fd, buf, 1024 * 1024) < 0) {
        snprintf(err, errlen, "%s: %s", path,
                 errno == EFBIG ? "larger than 1 MiB" : strerror(errno));
        close(fd);
        vstr_free(buf);
        return -1;
    }
    close(fd);
    ret = cfg_parse(cfg, path, buf->s, buf->len, err, errlen);
    vstr_free(buf);
    return ret;
}

const char *cfg_path(const char *explicit_path)
{
    const char *env;

    if (explicit_path)
        return explicit_path;
    if ((env = getenv("MAILARC_CONF")) != 0 && *env)
        return env;
    return CFG_DEFAULT_PATH;
}

void cfg_dump(const CONFIG *cfg, void (*out)(const char *, const char *, void *), void *ctx)
{
    char    num[32];

    for (size_t i = 0; i < NKEYS; i++) {
        const struct cfg_key *k = &cfg_keys[i];
        const char *p = (const char *) cfg + k->off;

        switch (k->type) {
        case T_STR:
        case T_CIDRS:
        case T_LISTEN:
        case T_ENUM:
        case T_ENUMS:
        case T_PERIOD:
            /* Secrets are never printed, only whether they are set. */
            if (strstr(k->name, "password") && **(char *const *) p)
                out(k->name, "(set)", ctx);
            else
                out(k->name, *(char *const *) p, ctx);
            break;
        case T_LONG:
        case T_SIZE:
        case T_DUR:
            snprintf(num, sizeof(num), "%ld", *(const long *) p);
            out(k->name, num, ctx);
            break;
        case T_BOOL:
            out(k->name, *(const int *) p ? "yes" : "no", ctx);
            break;
        }
    }
}
