/*
 * cfg_journal.c - [journal NAME] sections (see cfg_journal.h).
 */
#include <stdio.h>
#include <string.h>

#include "cfg.h"
#include "mymalloc.h"

static void jset(char **field, const char *val)
{
    myfree(*field);
    *field = mystrdup(val);
}

int cfg_journal_begin(struct config *cfg, const char *header, int line, char *err, size_t errlen)
{
    const char *n = header + 8;
    size_t  len;
    CFG_JOURNAL *j;

    while (*n == ' ' || *n == '\t')
        n++;
    len = strlen(n) - 1;                /* without the ] */
    while (len && (n[len - 1] == ' ' || n[len - 1] == '\t'))
        len--;
    if (len == 0 || len >= CFG_JOURNAL_NAME_MAX) {
        snprintf(err, errlen, "a journal section needs a name of 1 to %d characters: "
                 "[journal NAME]", CFG_JOURNAL_NAME_MAX - 1);
        return -1;
    }
    for (size_t i = 0; i < len; i++)
        if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= 'A' && n[i] <= 'Z')
              || (n[i] >= '0' && n[i] <= '9') || n[i] == '-' || n[i] == '_' || n[i] == '.')) {
            snprintf(err, errlen, "journal name \"%.*s\": only letters, digits, - _ and .",
                     (int) len, n);
            return -1;
        }
    for (int i = 0; i < cfg->njournals; i++)
        if (strlen(cfg->journals[i].name) == len && memcmp(cfg->journals[i].name, n, len) == 0) {
            snprintf(err, errlen, "[journal %.*s] appears twice", (int) len, n);
            return -1;
        }
    cfg->journals = myrealloc(cfg->journals, (size_t) (cfg->njournals + 1) * sizeof(CFG_JOURNAL));
    j = &cfg->journals[cfg->njournals++];
    memset(j, 0, sizeof(*j));
    memcpy(j->name, n, len);
    j->line = line;
    jset(&j->protocol, "imap");
    jset(&j->host, "");
    jset(&j->tls, "starttls");
    j->tls_verify = 1;
    jset(&j->tls_ca_file, "");
    jset(&j->user, "");
    jset(&j->password_file, "");
    jset(&j->folder, "INBOX");
    j->poll_interval = 60;
    j->batch = 50;
    jset(&j->delete_mode, "expunge");
    j->expunge_every = 1;
    j->connect_timeout = 30;
    j->data_timeout = 120;
    return 0;
}

static int jnum(const char *key, const char *val, int mode, long min, long max, long *out,
                char *err, size_t errlen)
{
    long    n;

    if (cfg_parse_long(val, mode, &n) < 0 || n < min || n > max) {
        snprintf(err, errlen, "%s: \"%s\" is not a %s from %ld to %ld", key, val,
                 mode == 2 ? "duration (N, Ns, Nm, Nh, Nd)" : "number", min, max);
        return -1;
    }
    *out = n;
    return 0;
}

static int jbool(const char *key, const char *val, int *out, char *err, size_t errlen)
{
    long    b;

    if (cfg_parse_bool(val, &b) < 0) {
        snprintf(err, errlen, "%s: \"%s\" is not yes or no", key, val);
        return -1;
    }
    *out = (int) b;
    return 0;
}

static int jenum(const char *key, const char *val, const char *const *ok, char **field,
                 char *err, size_t errlen)
{
    for (int i = 0; ok[i]; i++)
        if (strcmp(val, ok[i]) == 0) {
            jset(field, val);
            return 0;
        }
    snprintf(err, errlen, "%s: \"%s\" is not one of the allowed values", key, val);
    return -1;
}

int cfg_journal_set(CFG_JOURNAL *j, const char *key, const char *val, char *err, size_t errlen)
{
    static const char *const protocols[] = {"imap", "pop3", 0};
    static const char *const tls[] = {"starttls", "implicit", "none", 0};
    static const char *const del[] = {"expunge", "none", 0};

    if (strcmp(key, "protocol") == 0)
        return jenum(key, val, protocols, &j->protocol, err, errlen);
    if (strcmp(key, "tls") == 0)
        return jenum(key, val, tls, &j->tls, err, errlen);
    if (strcmp(key, "delete") == 0)
        return jenum(key, val, del, &j->delete_mode, err, errlen);
    if (strcmp(key, "port") == 0)
        return jnum(key, val, 0, 1, 65535, &j->port, err, errlen);
    if (strcmp(key, "poll_interval") == 0)
        return jnum(key, val, 2, 1, 86400, &j->poll_interval, err, errlen);
    if (strcmp(key, "batch") == 0)
        return jnum(key, val, 0, 1, 10000, &j->batch, err, errlen);
    if (strcmp(key, "expunge_every") == 0)
        return jnum(key, val, 0, 1, 1000, &j->expunge_every, err, errlen);
    if (strcmp(key, "connect_timeout") == 0)
        return jnum(key, val, 2, 1, 3600, &j->connect_timeout, err, errlen);
    if (strcmp(key, "data_timeout") == 0)
        return jnum(key, val, 2, 1, 3600, &j->data_timeout, err, errlen);
    if (strcmp(key, "tls_verify") == 0)
        return jbool(key, val, &j->tls_verify, err, errlen);
    if (strcmp(key, "idle") == 0)
        return jbool(key, val, &j->idle, err, errlen);
    if (strcmp(key, "unread_only") == 0)
        return jbool(key, val, &j->unread_only, err, errlen);
    if (strcmp(key, "host") == 0 || strcmp(key, "user") == 0 || strcmp(key, "folder") == 0
        || strcmp(key, "password_file") == 0 || strcmp(key, "tls_ca_file") == 0) {
        for (const unsigned char *p = (const unsigned char *) val; *p; p++)
            if (*p < 0x20 || *p == 0x7f) {
                snprintf(err, errlen, "%s: control characters are not allowed", key);
                return -1;
            }
        jset(key[0] == 'h' ? &j->host : key[0] == 'u' ? &j->user : key[0] == 'f' ? &j->folder
             : key[0] == 'p' ? &j->password_file : &j->tls_ca_file, val);
        return 0;
    }
    if (strcmp(key, "password") == 0) {
        snprintf(err, errlen, "password: the password never sits in mailarc.conf; "
                 "put it in a file named by password_file");
        return -1;
    }
    snprintf(err, errlen, "unknown key \"%s\"", key);
    return -1;
}

static int loopback(const char *host)
{
    return strcmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0
        || strcmp(host, "::1") == 0;
}

int cfg_journal_check(struct config *cfg, char *err, size_t errlen)
{
    for (int i = 0; i < cfg->njournals; i++) {
        CFG_JOURNAL *j = &cfg->journals[i];
        const char *missing = !*j->host ? "host" : !*j->user ? "user"
            : !*j->password_file ? "password_file" : 0;
        int     pop = strcmp(j->protocol, "pop3") == 0;

        if (missing) {
            snprintf(err, errlen, "[journal %s] (line %d) needs %s", j->name, j->line, missing);
            return -1;
        }
        if (*j->password_file != '/') {
            snprintf(err, errlen, "[journal %s] password_file must be an absolute path", j->name);
            return -1;
        }
        if (strcmp(j->tls, "none") == 0 && cfg->tls_required && !loopback(j->host)) {
            snprintf(err, errlen, "[journal %s] tls = none sends the password in clear to %s: "
                     "allowed only to a loopback host, or with tls_required = no", j->name,
                     j->host);
            return -1;
        }
        if (j->port == 0)
            j->port = strcmp(j->tls, "implicit") == 0 ? (pop ? 995 : 993) : (pop ? 110 : 143);
    }
    return 0;
}

void cfg_journal_free(struct config *cfg)
{
    for (int i = 0; i < cfg->njournals; i++) {
        CFG_JOURNAL *j = &cfg->journals[i];

        myfree(j->protocol);
        myfree(j->host);
        myfree(j->tls);
        myfree(j->tls_ca_file);
        myfree(j->user);
        myfree(j->password_file);
        myfree(j->folder);
        myfree(j->delete_mode);
    }
    myfree(cfg->journals);
    cfg->journals = 0;
    cfg->njournals = 0;
}
