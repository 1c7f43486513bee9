/*
 * envelope.c - envelope records (see envelope.h).
 *
 * Format: the magic line, then "X value" lines, then an empty line.
 * Values are %XX-escaped for CR, LF, '%' and control bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "digest.h"
#include "envelope.h"
#include "mymalloc.h"

void envelope_init(ENVELOPE *env)
{
    memset(env, 0, sizeof(*env));
}

void envelope_reset(ENVELOPE *env)
{
    envelope_free(env);
    envelope_init(env);
}

void envelope_free(ENVELOPE *env)
{
    myfree(env->client);
    myfree(env->helo);
    myfree(env->tls);
    myfree(env->source);
    myfree(env->mta_qid);
    myfree(env->auth);
    myfree(env->journal);
    strlist_free(&env->notes);
    myfree(env->sender);
    strlist_free(&env->rcpt);
    envelope_init(env);
}

void envelope_set(char **field, const char *value)
{
    myfree(*field);
    *field = mystrdup(value);
}

void envelope_add_rcpt(ENVELOPE *env, const char *rcpt)
{
    strlist_add(&env->rcpt, rcpt);
}

void envelope_new_qid(char qid[ENVELOPE_QID_MAX])
{
    static unsigned counter;
    struct timeval tv;

    gettimeofday(&tv, 0);
    snprintf(qid, ENVELOPE_QID_MAX, "%08lX%05lX.%lX.%X", (unsigned long) tv.tv_sec,
             (unsigned long) tv.tv_usec, (unsigned long) getpid(),
             __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED));
}

static void envelope_put(VSTR *out, char tag, const char *val)
{
    vstr_addch(out, tag);
    vstr_addch(out, ' ');
    for (const unsigned char *p = (const unsigned char *) (val ? val : ""); *p; p++) {
        if (*p < 0x20 || *p == '%' || *p == 0x7f)
            vstr_sprintf_append(out, "%%%02X", *p);
        else
            vstr_addch(out, *p);
    }
    vstr_addch(out, '\n');
}

void envelope_format(const ENVELOPE *env, VSTR *out)
{
    vstr_reset(out);
    vstr_addstr(out, ENVELOPE_MAGIC);
    vstr_sprintf_append(out, "S %0*ld\n", ENVELOPE_SIZE_WIDTH, env->size);
    vstr_sprintf_append(out, "D %-64s\n", env->sha256[0] ? env->sha256 :
        "0000000000000000000000000000000000000000000000000000000000000000");
    envelope_put(out, 'Q', env->qid);
    vstr_sprintf_append(out, "T %ld\n", env->arrival);
    envelope_put(out, 'C', env->client);
    envelope_put(out, 'H', env->helo);
    envelope_put(out, 'L', env->tls);
    envelope_put(out, 'O', env->source);
    if (env->mta_qid && *env->mta_qid)
        envelope_put(out, 'M', env->mta_qid);
    if (env->auth && *env->auth)
        envelope_put(out, 'A', env->auth);
    if (env->journal && *env->journal)
        envelope_put(out, 'J', env->journal);
    envelope_put(out, 'F', env->sender);
    for (int i = 0; i < env->rcpt.n; i++)
        envelope_put(out, 'R', env->rcpt.v[i]);
    for (int i = 0; i < env->notes.n; i++)
        envelope_put(out, 'N', env->notes.v[i]);
    vstr_addch(out, '\n');
}

static char *envelope_unescape(const char *s, size_t len)
{
    char   *out = mymalloc(len + 1);
    size_t  o = 0;

    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%' && i + 2 < len
            && digest_hexval(s[i + 1]) >= 0 && digest_hexval(s[i + 2]) >= 0) {
            int     c = digest_hexval(s[i + 1]) << 4 | digest_hexval(s[i + 2]);

            out[o++] = (char) (c ? c : '?');
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = 0;
    return out;
}

long envelope_parse(ENVELOPE *env, const char *buf, size_t len,
                    int max_rcpt, char *err, size_t errlen)
{
    size_t  off = sizeof(ENVELOPE_MAGIC) - 1;
    int     have_q = 0, have_t = 0;

    envelope_reset(env);
    if (len < off || memcmp(buf, ENVELOPE_MAGIC, off) != 0) {
        snprintf(err, errlen, "not a mailarc spool record (bad magic or version)");
        return -1;
    }
    for (;;) {
        const char *line = buf + off;
        const char *nl = memchr(line, '\n', len - off);
        size_t  llen;
        char   *val;
        char   *end;

        if (nl == 0) {
            snprintf(err, errlen, "envelope is truncated");
            goto bad;
        }
        llen = (size_t) (nl - line);
        off += llen + 1;
        if (llen == 0)
            break;
        if (llen < 2 || line[1] != ' ') {
            snprintf(err, errlen, "malformed envelope line");
            goto bad;
        }
        val = envelope_unescape(line + 2, llen - 2);
        switch (line[0]) {
        case 'S':
            env->size = strtol(val, &end, 10);
            if (*end || env->size < 0) {
                snprintf(err, errlen, "bad size in envelope");
                myfree(val);
                goto bad;
            }
            break;
        case 'D':
            if (strlen(val) != 64) {
                snprintf(err, errlen, "bad digest in envelope");
                myfree(val);
                goto bad;
            }
            memcpy(env->sha256, val, 65);
            break;
        case 'Q':
            if (strlen(val) == 0 || strlen(val) >= ENVELOPE_QID_MAX || strchr(val, '/')) {
                snprintf(err, errlen, "bad queue id in envelope");
                myfree(val);
                goto bad;
            }
            memcpy(env->qid, val, strlen(val) + 1);
            have_q = 1;
            break;
        case 'T':
            env->arrival = strtol(val, &end, 10);
            if (*end) {
                snprintf(err, errlen, "bad arrival time in envelope");
                myfree(val);
                goto bad;
            }
            have_t = 1;
            break;
        case 'C': envelope_set(&env->client, val); break;
        case 'H': envelope_set(&env->helo, val); break;
        case 'L': envelope_set(&env->tls, val); break;
        case 'O': envelope_set(&env->source, val); break;
        case 'M': envelope_set(&env->mta_qid, val); break;
        case 'A': envelope_set(&env->auth, val); break;
        case 'J': envelope_set(&env->journal, val); break;
        case 'F': envelope_set(&env->sender, val); break;
        case 'R':
            if (env->rcpt.n >= max_rcpt) {
                snprintf(err, errlen, "more than %d recipients in envelope", max_rcpt);
                myfree(val);
                goto bad;
            }
            envelope_add_rcpt(env, val);
            break;
        case 'N':
            if (env->notes.n >= max_rcpt) {
                snprintf(err, errlen, "more than %d recipient notes in envelope", max_rcpt);
                myfree(val);
                goto bad;
            }
            strlist_add(&env->notes, val);
            break;
        default:
            snprintf(err, errlen, "unknown envelope tag '%c'", line[0]);
            myfree(val);
            goto bad;
        }
        myfree(val);
    }
    if (!have_q || !have_t || env->sha256[0] == 0) {
        snprintf(err, errlen, "envelope lacks queue id, time or digest");
        goto bad;
    }
    if (env->sender == 0)
        env->sender = mystrdup("");
    return (long) off;
bad:
    envelope_reset(env);
    return -1;
}
