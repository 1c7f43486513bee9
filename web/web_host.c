/*
 * web_host.c - which Host names the panel answers to (DNS rebinding).
 *
 * A page on another site can make a browser's name for it resolve to the
 * panel's address; the browser then sends that foreign name as Host and
 * treats the panel's answers, and its Origin check, as that site's own.
 * So a request is served only for a Host in web_hostnames, by default the
 * web_listen endpoints themselves.  A wildcard listener (0.0.0.0, ::)
 * answers, by default, to an IP address literal with its port: a literal
 * cannot be rebound.  An entry without a port matches any port.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hostport.h"
#include "mymalloc.h"
#include "web.h"

/* Split a Host header value into host (brackets removed) and port ("" if none). */
static void web_host_split(const char *v, char *host, size_t hlen, char *port, size_t plen)
{
    const char *colon;

    *port = 0;
    if (*v == '[' && (colon = strchr(v, ']')) != 0) {
        snprintf(host, hlen, "%.*s", (int) (colon - v - 1), v + 1);
        if (colon[1] == ':')
            snprintf(port, plen, "%s", colon + 2);
        return;
    }
    if ((colon = strrchr(v, ':')) != 0 && strchr(v, ':') == colon) {
        snprintf(host, hlen, "%.*s", (int) (colon - v), v);
        snprintf(port, plen, "%s", colon + 1);
        return;
    }
    snprintf(host, hlen, "%s", v);
}

static int web_ip_literal(const char *h)
{
    unsigned char buf[16];

    return inet_pton(AF_INET, h, buf) == 1 || inet_pton(AF_INET6, h, buf) == 1;
}

int web_host_ok(const char *value)
{
    const CONFIG *cfg = web_config();
    const char *list = *cfg->web_hostnames ? cfg->web_hostnames : cfg->web_listen;
    char    host[256], port[16];
    char   *copy, *save = 0;
    int     ok = 0;

    if (value == 0 || *value == 0 || strlen(value) >= sizeof(host))
        return 0;
    web_host_split(value, host, sizeof(host), port, sizeof(port));
    if (*port == 0)
        snprintf(port, sizeof(port), "%s", web_tls ? "443" : "80");
    copy = mystrdup(list);
    for (char *e = strtok_r(copy, ", \t", &save); e && !ok; e = strtok_r(0, ", \t", &save)) {
        char    eh[256], ep[16];

        if (strlen(e) >= sizeof(eh))
            continue;
        web_host_split(e, eh, sizeof(eh), ep, sizeof(ep));
        if (*ep && strcmp(ep, port) != 0)
            continue;
        if (strcasecmp(eh, host) == 0)
            ok = 1;
        else if (!*cfg->web_hostnames && (strcmp(eh, "0.0.0.0") == 0 || strcmp(eh, "::") == 0))
            ok = web_ip_literal(host);
    }
    myfree(copy);
    return ok;
}
