/*
 * access.c - roles and a user's addresses (see access.h).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "access.h"
#include "addr.h"
#include "fileio.h"
#include "mymalloc.h"

static int access_in_list(const char *list, const char *login)
{
    char   *copy = mystrdup(list);
    char   *save = 0;
    int     found = 0;

    for (char *t = strtok_r(copy, ", \t", &save); t && !found; t = strtok_r(0, ", \t", &save))
        found = strcmp(t, login) == 0;
    myfree(copy);
    return found;
}

static void access_trim(char **s, char **e)
{
    while (*s < *e && isspace((unsigned char) **s))
        (*s)++;
    while (*e > *s && isspace((unsigned char) (*e)[-1]))
        (*e)--;
}

/* Read the user_addresses file; the addresses of login, if it has a line. */
static int access_file(const char *path, const char *login, STRLIST *out, int *listed,
                       char *err, size_t errlen)
{
    VSTR   *text = vstr_alloc(4096);
    VSTR   *canon = vstr_alloc(64);
    int     fd = open(path, O_RDONLY | O_CLOEXEC);
    int     lineno = 0;
    int     ret = 0;
    char   *line, *next;

    *listed = 0;
    if (fd < 0 || fileio_read_all(fd, text, 16 * 1024 * 1024) < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        vstr_free(text);
        vstr_free(canon);
        return -1;
    }
    close(fd);
    for (line = text->s; line && ret == 0; line = next) {
        char   *colon, *s, *e;

        lineno++;
        if ((next = strchr(line, '\n')) != 0)
            *next++ = 0;
        s = line;
        e = line + strlen(line);
        access_trim(&s, &e);
        if (s == e || *s == '#' || *s == ';')
            continue;
        if ((colon = memchr(s, ':', (size_t) (e - s))) == 0 || colon == s) {
            snprintf(err, errlen, "%s:%d: expected \"login: address, address\"", path, lineno);
            ret = -1;
            break;
        }
        {
            char   *ls = s, *le = colon;

            access_trim(&ls, &le);
            if ((size_t) (le - ls) != strlen(login) || strncmp(ls, login, (size_t) (le - ls)) != 0)
                continue;
        }
        *listed = 1;
        *e = 0;
        {
            char   *save = 0;

            for (char *t = strtok_r(colon + 1, ", \t", &save); t; t = strtok_r(0, ", \t", &save)) {
                addr_canon(t, canon);
                if (strchr(canon->s, '@') == 0 || canon->s[0] == '@'
                    || canon->s[canon->len - 1] == '@') {
                    snprintf(err, errlen, "%s:%d: \"%s\" is not an address", path, lineno, t);
                    ret = -1;
                    break;
                }
                strlist_add_unique(out, canon->s);
            }
        }
    }
    vstr_free(text);
    vstr_free(canon);
    return ret;
}

int access_load(const CONFIG *cfg, const char *login, ACCESS *acc, char *err, size_t errlen)
{
    int     listed = 0;

    memset(acc, 0, sizeof(*acc));
    strlist_init(&acc->addrs);
    if (access_in_list(cfg->admin_users, login)) {
        acc->role = ACCESS_ADMIN;
        return 0;
    }
    if (access_in_list(cfg->auditor_users, login)) {
        acc->role = ACCESS_AUDITOR;
        return 0;
    }
    acc->role = ACCESS_USER;
    if (*cfg->user_addresses
        && access_file(cfg->user_addresses, login, &acc->addrs, &listed, err, errlen) < 0) {
        access_free(acc);
        return -1;
    }
    if (!listed && *cfg->default_domain) {
        VSTR   *a = vstr_alloc(64);

        vstr_sprintf(a, "%s@%s", login, cfg->default_domain);
        for (size_t i = 0; i < a->len; i++)
            a->s[i] = (char) tolower((unsigned char) a->s[i]);
        strlist_add(&acc->addrs, a->s);
        vstr_free(a);
    }
    return 0;
}

void access_free(ACCESS *acc)
{
    strlist_free(&acc->addrs);
}

int access_sees_all(const ACCESS *acc)
{
    return acc->role != ACCESS_USER;
}
