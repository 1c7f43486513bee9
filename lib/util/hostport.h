/*
 * hostport.h - "host:port" and "[v6]:port" endpoints, and lists of them.
 */
#ifndef MAILARC_HOSTPORT_H
#define MAILARC_HOSTPORT_H

#include <stddef.h>

/* Split "host:port"; host and port are newly allocated.  0 ok, -1 bad. */
int hostport_split(const char *text, char **host, char **port);
int hostport_list_check(const char *text, char *err, size_t errlen);

/* milter_listen ("inet:HOST:PORT", "inet:[V6]:PORT", "unix:/PATH") in
 * libmilter's spelling ("inet:PORT@HOST", "inet6:PORT@HOST", "unix:/PATH").
 * 0, or -1 with err set. */
int hostport_milter(const char *text, char *out, size_t outlen, char *err, size_t errlen);

/* Open a listening TCP socket; returns fd or -1 with err set. */
int hostport_listen(const char *endpoint, int backlog, char *err, size_t errlen);

#endif
