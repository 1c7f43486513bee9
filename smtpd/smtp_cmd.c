/*
 * smtp_cmd.c - SMTP command parsing (see smtp_cmd.h).
 *
 * Lenient where real MTAs are sloppy (spaces after the colon, a missing
 * pair of angle brackets, source routes) and strict where a mistake would
 * corrupt the envelope (control characters, unbalanced brackets, 8-bit
 * addresses without SMTPUTF8, oversized paths).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mymalloc.h"
#include "smtp_cmd.h"

static const struct {
    const char *name;
    enum smtp_verb verb;
} smtp_verbs[] = {
    {"EHLO", SMTP_EHLO}, {"HELO", SMTP_HELO}, {"MAIL", SMTP_MAIL},
    {"RCPT", SMTP_RCPT}, {"DATA", SMTP_DATA}, {"BDAT", SMTP_BDAT},
    {"RSET", SMTP_RSET}, {"NOOP", SMTP_NOOP}, {"QUIT", SMTP_QUIT},
    {"VRFY", SMTP_VRFY}, {"EXPN", SMTP_EXPN}, {"HELP", SMTP_HELP},
    {"STARTTLS", SMTP_STARTTLS},
    {"XFORWARD", SMTP_XFORWARD},
};

enum smtp_verb smtp_cmd_verb(const char *line, const char **args)
{
    size_t  n = 0;

    while (isalpha((unsigned char) line[n]))
        n++;
    *args = line + n;
    if (line[n] != 0 && line[n] != ' ')
        return SMTP_UNKNOWN;
    for (size_t i = 0; i < sizeof(smtp_verbs) / sizeof(smtp_verbs[0]); i++) {
        if (strlen(smtp_verbs[i].name) == n && strncasecmp(line, smtp_verbs[i].name, n) == 0) {
            if (line[n] == ' ')
                *args = line + n + 1;
            return smtp_verbs[i].verb;
        }
    }
    return SMTP_UNKNOWN;
}

static int smtp_addr_ok(const char *a, size_t len, int allow_utf8, const char **why)
{
    int     in_quote = 0;
    const char *at = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) a[i];

        if (c < 0x20 || c == 0x7f)
            return (*why = "5.1.7 Control character in address"), -1;
        if (c >= 0x80 && !allow_utf8)
            return (*why = "5.6.7 Non-ASCII address requires SMTPUTF8"), -1;
        if (c == '"')
            in_quote = !in_quote;
        else if (c == '\\' && in_quote && i + 1 < len)
            i++;
        else if (!in_quote && (c == ' ' || c == '<' || c == '>' || c == ','))
            return (*why = "5.1.7 Bad character in address"), -1;
        else if (!in_quote && c == '@')
            at = a + i;
    }
    if (in_quote)
        return (*why = "5.1.7 Unbalanced quote in address"), -1;
    if (at == a || (at && at == a + len - 1))
        return (*why = "5.1.7 Empty local part or domain in address"), -1;
    return 0;
}

int smtp_cmd_path(const char *args, const char *keyword, int allow_null,
                  int allow_utf8, char **addr, const char **params, const char **why)
{
    size_t  klen = strlen(keyword);
    const char *p;
    const char *start;
    const char *end;

    if (strncasecmp(args, keyword, klen) != 0)
        return (*why = "5.5.4 Syntax: expected <address> after the keyword"), -1;
    p = args + klen;
    while (*p == ' ')
        p++;
    if (*p == '<') {
        int     in_quote = 0;

        start = ++p;
        for (end = start; *end; end++) {
            if (*end == '"')
                in_quote = !in_quote;
            else if (*end == '\\' && in_quote && end[1])
                end++;
            else if (*end == '>' && !in_quote)
                break;
        }
        if (*end != '>')
            return (*why = "5.5.4 Syntax: unbalanced angle brackets"), -1;
        p = end + 1;
    } else {
        start = p;
        for (end = start; *end && *end != ' '; end++)
            ;
        p = end;
    }
    if (*p && *p != ' ')
        return (*why = "5.5.4 Syntax: garbage after the address"), -1;
    while (*p == ' ')
        p++;
    /* Drop an RFC 821 source route: "@a,@b:user@domain". */
    if (start < end && *start == '@') {
        const char *colon = memchr(start, ':', (size_t) (end - start));

        if (colon == 0)
            return (*why = "5.1.3 Bad source route"), -1;
        start = colon + 1;
    }
    if (end == start) {
        if (!allow_null)
            return (*why = "5.1.3 Empty address not allowed here"), -1;
    } else if ((size_t) (end - start) > SMTP_PATH_MAX) {
        return (*why = "5.1.3 Address too long"), -1;
    } else if (smtp_addr_ok(start, (size_t) (end - start), allow_utf8, why) < 0) {
        return -1;
    }
    *addr = mystrndup(start, (size_t) (end - start));
    *params = p;
    return 0;
}

static int smtp_param_next(const char **p, char *name, size_t nlen, const char **val, size_t *vlen)
{
    const char *s = *p;
    size_t  n = 0;

    while (*s == ' ')
        s++;
    if (*s == 0)
        return 0;
    while (s[n] && s[n] != ' ' && s[n] != '=')
        n++;
    if (n == 0 || n >= nlen)
        return -1;
    memcpy(name, s, n);
    name[n] = 0;
    s += n;
    *val = 0;
    *vlen = 0;
    if (*s == '=') {
        *val = ++s;
        while (*s && *s != ' ')
            s++;
        *vlen = (size_t) (s - *val);
    }
    *p = s;
    return 1;
}

int smtp_cmd_mail_params(const char *params, SMTP_MAIL_PARAMS *mp, const char **why)
{
    char    name[32];
    const char *val;
    size_t  vlen;
    int     r;

    mp->size = -1;
    mp->smtputf8 = 0;
    mp->body_8bit = 0;
    while ((r = smtp_param_next(&params, name, sizeof(name), &val, &vlen)) > 0) {
        if (strcasecmp(name, "SIZE") == 0) {
            char    buf[24];
            char   *end;

            if (val == 0 || vlen == 0 || vlen >= sizeof(buf))
                return (*why = "5.5.4 Bad SIZE parameter"), -1;
            memcpy(buf, val, vlen);
            buf[vlen] = 0;
            errno = 0;
            mp->size = strtol(buf, &end, 10);
            if (*end || errno || mp->size < 0 || !isdigit((unsigned char) buf[0]))
                return (*why = "5.5.4 Bad SIZE parameter"), -1;
        } else if (strcasecmp(name, "BODY") == 0) {
            if (val && vlen == 8 && strncasecmp(val, "8BITMIME", 8) == 0)
                mp->body_8bit = 1;
            else if (val && vlen == 4 && strncasecmp(val, "7BIT", 4) == 0)
                mp->body_8bit = 0;
            else if (val && vlen == 10 && strncasecmp(val, "BINARYMIME", 10) == 0)
                mp->body_8bit = 1;
            else
                return (*why = "5.5.4 Bad BODY parameter"), -1;
        } else if (strcasecmp(name, "SMTPUTF8") == 0) {
            if (val)
                return (*why = "5.5.4 SMTPUTF8 takes no value"), -1;
            mp->smtputf8 = 1;
        } else if (strcasecmp(name, "AUTH") == 0 || strcasecmp(name, "RET") == 0
                   || strcasecmp(name, "ENVID") == 0) {
            /* Harmless extensions some MTAs always send; ignored. */
        } else {
            return (*why = "5.5.4 Unsupported MAIL parameter"), -1;
        }
    }
    if (r < 0)
        return (*why = "5.5.4 Malformed MAIL parameter"), -1;
    return 0;
}

int smtp_cmd_rcpt_params(const char *params, const char **why)
{
    char    name[32];
    const char *val;
    size_t  vlen;
    int     r;

    while ((r = smtp_param_next(&params, name, sizeof(name), &val, &vlen)) > 0) {
        /* DSN parameters come from MTAs that always send them; ignored. */
        if (strcasecmp(name, "NOTIFY") != 0 && strcasecmp(name, "ORCPT") != 0)
            return (*why = "5.5.4 Unsupported RCPT parameter"), -1;
    }
    if (r < 0)
        return (*why = "5.5.4 Malformed RCPT parameter"), -1;
    return 0;
}

int smtp_cmd_bdat(const char *args, long *size, int *last, const char **why)
{
    char   *end;

    if (!isdigit((unsigned char) *args))
        return (*why = "5.5.4 Syntax: BDAT <size> [LAST]"), -1;
    errno = 0;
    *size = strtol(args, &end, 10);
    if (errno || *size < 0)
        return (*why = "5.5.4 Bad BDAT size"), -1;
    *last = 0;
    if (*end == ' ') {
        while (*end == ' ')
            end++;
        if (strcasecmp(end, "LAST") != 0)
            return (*why = "5.5.4 Syntax: BDAT <size> [LAST]"), -1;
        *last = 1;
    } else if (*end) {
        return (*why = "5.5.4 Syntax: BDAT <size> [LAST]"), -1;
    }
    return 0;
}

int smtp_cmd_helo_arg(const char *args, const char **why)
{
    size_t  n = strlen(args);

    while (n > 0 && args[n - 1] == ' ')
        n--;
    if (n == 0)
        return (*why = "5.5.4 Syntax: EHLO hostname"), -1;
    if (n > 255)
        return (*why = "5.5.4 Hostname too long"), -1;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char) args[i] < 0x21 || args[i] == 0x7f)
            return (*why = "5.5.4 Bad character in hostname"), -1;
    return 0;
}
