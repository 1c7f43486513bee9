/*
 * pop3c.c - POP3 client pieces (see pop3c.h).
 */
#include <stdio.h>
#include <string.h>

#include "pop3c.h"

int pop3c_cmd(NETIO *nio, VSTR *line, const char *what, const char *cmd, char *err,
              size_t errlen)
{
    if (cmd && (netio_printf(nio, "%s\r\n", cmd) != NETIO_OK || netio_flush(nio) != NETIO_OK)) {
        snprintf(err, errlen, "%s: the connection failed", what);
        return -1;
    }
    if (netio_getline(nio, line, POP3C_LINE) != NETIO_OK) {
        snprintf(err, errlen, "%s: the connection ended or timed out", what);
        return -1;
    }
    if (strncmp(line->s, "+OK", 3) != 0) {
        snprintf(err, errlen, "%s: %.200s", what, line->s);
        return -1;
    }
    return 0;
}

int pop3c_multiline(NETIO *nio, VSTR *out, size_t max, int *too_big, char *err, size_t errlen)
{
    VSTR   *line = vstr_alloc(1024);

    vstr_reset(out);
    *too_big = 0;
    for (;;) {
        if (netio_getline(nio, line, max + 3) != NETIO_OK) {
            snprintf(err, errlen, "the connection ended inside a multi-line answer");
            vstr_free(line);
            return -1;
        }
        if (line->len == 1 && line->s[0] == '.')
            break;
        if (*too_big)
            continue;
        if (out->len + line->len + 2 > max) {
            *too_big = 1;
            vstr_reset(out);
            continue;
        }
        vstr_add(out, line->s + (line->s[0] == '.'), line->len - (line->s[0] == '.'));
        vstr_add(out, "\r\n", 2);
    }
    vstr_free(line);
    return 0;
}

void pop3c_uidl(const VSTR *answer, STRLIST *ids)
{
    const char *p = answer->s, *end = answer->s + answer->len;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t) (end - p));
        size_t  n = nl ? (size_t) (nl - p) : (size_t) (end - p);
        long    num;
        char    id[128], buf[256];

        snprintf(buf, sizeof(buf), "%.*s", (int) (n < 255 ? n : 255), p);
        if (sscanf(buf, "%ld %127s", &num, id) != 2 || num != ids->n + 1)
            break;
        strlist_add(ids, id);
        p = nl ? nl + 1 : end;
    }
}

int pop3c_start(NETIO *nio, TLSC *tls, const TLSC_PEER *stls, const char *user,
                const char *password, char *err, size_t errlen)
{
    VSTR   *line = vstr_alloc(256), *cmd = vstr_alloc(128);
    int     rc = -1;

    if (pop3c_cmd(nio, line, "greeting", 0, err, errlen) < 0)
        goto out;
    if (stls && (pop3c_cmd(nio, line, "STLS", "STLS", err, errlen) < 0
                 || tlsc_start(tls, nio, stls->host, stls->verify, stls->ca_file, err,
                               errlen) < 0))
        goto out;
    vstr_sprintf(cmd, "USER %s", user);
    if (pop3c_cmd(nio, line, "login", cmd->s, err, errlen) < 0)
        goto out;
    vstr_sprintf(cmd, "PASS %s", password);
    rc = pop3c_cmd(nio, line, "login", cmd->s, err, errlen);
out:
    vstr_free(line);
    vstr_free(cmd);
    return rc;
}
