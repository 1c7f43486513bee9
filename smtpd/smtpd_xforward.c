/*
 * smtpd_xforward.c - Postfix's XFORWARD (see smtpd_xforward.h).
 */
#include <string.h>
#include <strings.h>

#include "digest.h"
#include "mymalloc.h"
#include "smtpd_session.h"
#include "smtpd_xforward.h"
#include "vstr.h"

void smtpd_xforward_reset(SMTPD_XFORWARD *xf)
{
    myfree(xf->name);
    myfree(xf->addr);
    myfree(xf->helo);
    myfree(xf->ident);
    memset(xf, 0, sizeof(*xf));
}

/* xtext-decode [s, s+len) into out: printable ASCII only, bounded.  0 ok. */
static int smtpd_xtext(const char *s, size_t len, VSTR *out)
{
    vstr_reset(out);
    for (size_t i = 0; i < len; i++) {
        int     c = (unsigned char) s[i];

        if (c == '+') {
            if (i + 2 >= len)
                return -1;
            if (digest_hexval(s[i + 1]) < 0 || digest_hexval(s[i + 2]) < 0)
                return -1;
            c = digest_hexval(s[i + 1]) << 4 | digest_hexval(s[i + 2]);
            i += 2;
        }
        if (c < 0x21 || c > 0x7e || out->len >= SMTPD_XFORWARD_VALUE_MAX)
            return -1;
        vstr_addch(out, c);
    }
    return 0;
}

void smtpd_xforward_cmd(SMTPD_STATE *st, const char *args)
{
    static const char *attrs[] = {"NAME", "ADDR", "PORT", "PROTO", "HELO", "IDENT", "SOURCE"};
    SMTPD_XFORWARD next = {0, 0, 0, 0};
    VSTR   *val;
    const char *p = args;

    if (!st->xf_ok) {
        smtpd_reply(st, "550 5.7.0 Error: insufficient authorization");
        return;
    }
    if (st->in_mail) {
        smtpd_reply(st, "503 5.5.1 Error: MAIL transaction in progress");
        return;
    }
    if (*p == 0) {
        smtpd_reply(st, "501 5.5.4 Syntax: XFORWARD attribute=value...");
        return;
    }
    /* Start from what earlier XFORWARD commands of this transaction said. */
    next.name = st->xf.name ? mystrdup(st->xf.name) : 0;
    next.addr = st->xf.addr ? mystrdup(st->xf.addr) : 0;
    next.helo = st->xf.helo ? mystrdup(st->xf.helo) : 0;
    next.ident = st->xf.ident ? mystrdup(st->xf.ident) : 0;
    val = vstr_alloc(64);
    while (*p) {
        const char *eq, *end = p + strcspn(p, " ");
        size_t  k, alen;
        char  **slot = 0;

        if ((eq = memchr(p, '=', (size_t) (end - p))) == 0 || eq == p) {
            smtpd_reply(st, "501 5.5.4 Syntax: XFORWARD attribute=value...");
            goto out;
        }
        alen = (size_t) (eq - p);
        for (k = 0; k < sizeof(attrs) / sizeof(attrs[0]); k++)
            if (strlen(attrs[k]) == alen && strncasecmp(p, attrs[k], alen) == 0)
                break;
        if (k == sizeof(attrs) / sizeof(attrs[0])) {
            smtpd_reply(st, "501 5.5.4 Bad XFORWARD attribute name: %.*s", (int) alen, p);
            goto out;
        }
        if (smtpd_xtext(eq + 1, (size_t) (end - eq - 1), val) < 0) {
            smtpd_reply(st, "501 5.5.4 Bad XFORWARD attribute value for %s", attrs[k]);
            goto out;
        }
        switch (k) {
        case 0: slot = &next.name; break;
        case 1: slot = &next.addr; break;
        case 4: slot = &next.helo; break;
        case 5: slot = &next.ident; break;
        default: break;                 /* PORT, PROTO, SOURCE: not kept */
        }
        if (slot) {
            myfree(*slot);
            *slot = strcmp(val->s, "[UNAVAILABLE]") == 0 || strcmp(val->s, "[TEMPUNAVAIL]") == 0
                ? 0 : mystrdup(val->s);
        }
        p = end + strspn(end, " ");
    }
    smtpd_xforward_reset(&st->xf);
    st->xf = next;
    memset(&next, 0, sizeof(next));
    smtpd_reply(st, "250 2.0.0 Ok");
out:
    smtpd_xforward_reset(&next);
    vstr_free(val);
}

void smtpd_xforward_apply(const SMTPD_XFORWARD *xf, ENVELOPE *env)
{
    if (xf->addr) {
        VSTR   *c = vstr_alloc(64);

        if (xf->name)
            vstr_sprintf(c, "%s[%s]", xf->name, xf->addr);
        else
            vstr_set(c, xf->addr);
        envelope_set(&env->client, c->s);
        vstr_free(c);
    }
    if (xf->helo)
        envelope_set(&env->helo, xf->helo);
    if (xf->ident)
        envelope_set(&env->mta_qid, xf->ident);
}
