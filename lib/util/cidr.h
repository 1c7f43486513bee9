/*
 * cidr.h - client access lists: "127.0.0.0/8, ::1/128, 192.0.2.7".
 *
 * IPv4-mapped IPv6 clients (::ffff:a.b.c.d) match IPv4 entries.
 */
#ifndef MAILARC_CIDR_H
#define MAILARC_CIDR_H

#include <stddef.h>
#include <sys/socket.h>

typedef struct cidr_list CIDR_LIST;

int cidr_list_check(const char *text, char *err, size_t errlen);
CIDR_LIST *cidr_list_parse(const char *text);    /* text must pass check */
int cidr_list_match(const CIDR_LIST *list, const struct sockaddr *sa);
void cidr_list_free(CIDR_LIST *list);

#endif
