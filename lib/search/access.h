/*
 * access.h - who may see what (DESIGN.md "Access").
 *
 * admin_users and auditor_users see everything.  Any other login sees the
 * messages in which one of its addresses is the sender or a recipient in
 * the headers or the envelope, Bcc included.  Its addresses come from the
 * user_addresses file ("login: addr, addr" lines), else
 * login@default_domain, else it has none and sees nothing.
 */
#ifndef MAILARC_ACCESS_H
#define MAILARC_ACCESS_H

#include <stddef.h>

#include "cfg.h"
#include "strlist.h"

typedef enum { ACCESS_USER, ACCESS_AUDITOR, ACCESS_ADMIN } ACCESS_ROLE;

typedef struct access {
    ACCESS_ROLE role;
    STRLIST addrs;                  /* canonical addresses of a user */
} ACCESS;

/* 0 ok; -1 with err naming the file and line of a bad user_addresses line. */
int access_load(const CONFIG *cfg, const char *login, ACCESS *acc, char *err, size_t errlen);
void access_free(ACCESS *acc);
int access_sees_all(const ACCESS *acc);

#endif
