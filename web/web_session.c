/*
 * web_session.c - sessions and login throttling, in memory.
 *
 * Session ids and CSRF tokens are 256 random bits (OpenSSL's DRBG) in
 * hex, compared in constant time.  A session ends after web_session_idle
 * seconds without a request or web_session_lifetime seconds after login.
 * Anonymous sessions (the login form's CSRF token) are evicted first
 * when the table is full.  A restart of mailarc-web logs everyone out.
 *
 * Throttling counts failed logins per login name and per client address:
 * each failure is answered after a delay that doubles, and at the limit
 * the name or address is locked out for web_lockout_time seconds.
 * Counts are forgotten web_lockout_time after the last failure.
 */
#include <openssl/crypto.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cidr.h"
#include "web.h"

#define SESS_MAX 4096
#define THROTTLE_MAX 4096

typedef struct sess_slot {
    int     used;
    WEB_SESS s;
    time_t  created;
    time_t  last;
} SESS_SLOT;

typedef struct throttle {
    char    key[160];                   /* "l:login" or "a:address" */
    int     failures;
    time_t  last;
    time_t  locked_until;
} THROTTLE;

static SESS_SLOT sess[SESS_MAX];
static THROTTLE thr[THROTTLE_MAX];
static pthread_mutex_t web_sess_lock = PTHREAD_MUTEX_INITIALIZER;

void web_session_init(void)
{
    memset(sess, 0, sizeof(sess));
    memset(thr, 0, sizeof(thr));
}

void web_token(char out[WEB_TOKEN_HEX + 1])
{
    unsigned char rnd[WEB_TOKEN_HEX / 2];

    if (RAND_bytes(rnd, sizeof(rnd)) != 1)
        abort();                        /* no randomness: no sessions */
    for (size_t i = 0; i < sizeof(rnd); i++)
        snprintf(out + 2 * i, 3, "%02x", rnd[i]);
}

static int sess_expired(const SESS_SLOT *s, time_t now, const CONFIG *cfg)
{
    return now - s->last > cfg->web_session_idle || now - s->created > cfg->web_session_lifetime;
}

void web_session_new(const char *login, ACCESS_ROLE role, WEB_SESS *out)
{
    time_t  now = time(0);
    const CONFIG *cfg = web_config();
    int     pick = -1;

    memset(out, 0, sizeof(*out));
    web_token(out->id);
    web_token(out->csrf);
    if (login)
        snprintf(out->login, sizeof(out->login), "%s", login);
    out->role = role;
    pthread_mutex_lock(&web_sess_lock);
    /* a free or expired slot; else the oldest anonymous; else the oldest */
    for (int i = 0; i < SESS_MAX && pick < 0; i++)
        if (!sess[i].used || sess_expired(&sess[i], now, cfg))
            pick = i;
    for (int i = 0; i < SESS_MAX && pick < 0; i++)
        if (*sess[i].s.login == 0)
            pick = i;
    if (pick < 0) {
        pick = 0;
        for (int i = 1; i < SESS_MAX; i++)
            if (sess[i].last < sess[pick].last)
                pick = i;
    }
    sess[pick].used = 1;
    sess[pick].s = *out;
    sess[pick].created = sess[pick].last = now;
    pthread_mutex_unlock(&web_sess_lock);
}

int web_session_get(const char *id, WEB_SESS *out)
{
    time_t  now = time(0);
    const CONFIG *cfg = web_config();
    int     found = -1;

    if (id == 0 || strlen(id) != WEB_TOKEN_HEX)
        return -1;
    pthread_mutex_lock(&web_sess_lock);
    for (int i = 0; i < SESS_MAX; i++) {
        if (!sess[i].used || CRYPTO_memcmp(sess[i].s.id, id, WEB_TOKEN_HEX) != 0)
            continue;
        if (sess_expired(&sess[i], now, cfg)) {
            sess[i].used = 0;
            break;
        }
        sess[i].last = now;
        *out = sess[i].s;
        found = 0;
        break;
    }
    pthread_mutex_unlock(&web_sess_lock);
    return found;
}

void web_session_end(const char *id)
{
    if (id == 0 || strlen(id) != WEB_TOKEN_HEX)
        return;
    pthread_mutex_lock(&web_sess_lock);
    for (int i = 0; i < SESS_MAX; i++)
        if (sess[i].used && CRYPTO_memcmp(sess[i].s.id, id, WEB_TOKEN_HEX) == 0) {
            memset(&sess[i], 0, sizeof(sess[i]));
            break;
        }
    pthread_mutex_unlock(&web_sess_lock);
}

/* The entry for key (made if absent when make is set); lock held. */
static THROTTLE *thr_find(const char *key, int make, time_t now, long forget)
{
    int     pick = -1;

    for (int i = 0; i < THROTTLE_MAX; i++) {
        if (thr[i].failures && now - thr[i].last > forget && now >= thr[i].locked_until)
            memset(&thr[i], 0, sizeof(thr[i]));
        if (thr[i].failures && strcmp(thr[i].key, key) == 0)
            return &thr[i];
        if (pick < 0 && thr[i].failures == 0)
            pick = i;
    }
    if (!make)
        return 0;
    if (pick < 0) {                     /* full: forget the oldest */
        pick = 0;
        for (int i = 1; i < THROTTLE_MAX; i++)
            if (thr[i].last < thr[pick].last)
                pick = i;
    }
    memset(&thr[pick], 0, sizeof(thr[pick]));
    snprintf(thr[pick].key, sizeof(thr[pick].key), "%s", key);
    return &thr[pick];
}

/* Is the client address in web_lockout_exempt_addresses? */
static int thr_exempt(const char *client)
{
    const char *list = web_config()->web_lockout_exempt_addresses;
    struct sockaddr_storage ss;
    CIDR_LIST *cl;
    int     hit;

    if (*list == 0)
        return 0;
    memset(&ss, 0, sizeof(ss));
    if (inet_pton(AF_INET, client, &((struct sockaddr_in *) &ss)->sin_addr) == 1)
        ss.ss_family = AF_INET;
    else if (inet_pton(AF_INET6, client, &((struct sockaddr_in6 *) &ss)->sin6_addr) == 1)
        ss.ss_family = AF_INET6;
    else
        return 0;
    cl = cidr_list_parse(list);
    hit = cidr_list_match(cl, (struct sockaddr *) &ss);
    cidr_list_free(cl);
    return hit;
}

/*
 * The attempt is counted as a failure before PAM is asked, under the lock
 * that also checks the limit: of any number of parallel attempts, only
 * web_lockout_failures reach PAM.  A success takes its count back.
 */
long web_throttle_reserve(const char *login, const char *client)
{
    char    k1[160], k2[160];
    time_t  now = time(0);
    long    wait = 0, forget;
    THROTTLE *tl, *ta;

    if (thr_exempt(client))
        return 0;
    snprintf(k1, sizeof(k1), "l:%s", login);
    snprintf(k2, sizeof(k2), "a:%s", client);
    forget = web_config()->web_lockout_time;
    pthread_mutex_lock(&web_sess_lock);
    if ((tl = thr_find(k1, 0, now, forget)) != 0 && tl->locked_until > now)
        wait = (long) (tl->locked_until - now);
    if ((ta = thr_find(k2, 0, now, forget)) != 0 && ta->locked_until > now
        && ta->locked_until - now > wait)
        wait = (long) (ta->locked_until - now);
    if (wait == 0) {
        tl = thr_find(k1, 1, now, forget);
        tl->failures++;
        tl->last = now;
        if (tl->failures >= web_config()->web_lockout_failures)
            tl->locked_until = now + forget;
        ta = thr_find(k2, 1, now, forget);
        ta->failures++;
        ta->last = now;
        if (ta->failures >= web_config()->web_lockout_address_failures)
            ta->locked_until = now + forget;
    }
    pthread_mutex_unlock(&web_sess_lock);
    return wait;
}

long web_throttle_fail(const char *login, const char *client)
{
    char    k1[160];
    long    delay = web_config()->web_login_delay;
    THROTTLE *tl;

    if (thr_exempt(client))
        return delay;
    snprintf(k1, sizeof(k1), "l:%s", login);
    pthread_mutex_lock(&web_sess_lock);
    if ((tl = thr_find(k1, 0, time(0), 1L << 30)) != 0)
        for (int i = 1; i < tl->failures && delay < 8000; i++)
            delay *= 2;
    pthread_mutex_unlock(&web_sess_lock);
    return delay > 8000 ? 8000 : delay;
}

void web_throttle_ok(const char *login, const char *client)
{
    char    k1[160], k2[160];
    THROTTLE *t;

    if (thr_exempt(client))
        return;
    snprintf(k1, sizeof(k1), "l:%s", login);
    snprintf(k2, sizeof(k2), "a:%s", client);
    pthread_mutex_lock(&web_sess_lock);
    /* The right password ends the login's count, a lock by others included. */
    if ((t = thr_find(k1, 0, time(0), 1L << 30)) != 0)
        memset(t, 0, sizeof(*t));
    if ((t = thr_find(k2, 0, time(0), 1L << 30)) != 0 && t->failures > 0
        && t->locked_until <= time(0))
        t->failures--;
    pthread_mutex_unlock(&web_sess_lock);
}
