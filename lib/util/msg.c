/*
 * msg.c - diagnostics to stderr or syslog.
 *
 * Every line carries the program name and pid; fatal and panic never
 * return.  The functions are safe to call before msg_init().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "msg.h"

static const char *msg_name = "mailarc";
static int msg_use_syslog;
static int msg_verbose;
static int msg_exit_status = 2;

void msg_init(const char *progname, int use_syslog)
{
    const char *slash = strrchr(progname, '/');

    msg_name = slash ? slash + 1 : progname;
    msg_use_syslog = use_syslog;
    if (use_syslog)
        openlog(msg_name, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void msg_verbose_set(int level)
{
    msg_verbose = level;
}

int msg_verbose_get(void)
{
    return msg_verbose;
}

void msg_fatal_status(int status)
{
    msg_exit_status = status;
}

const char *msg_progname(void)
{
    return msg_name;
}

static void msg_vprint(int prio, const char *tag, const char *fmt, va_list ap)
{
    int saved = errno;
    char buf[2048];

    vsnprintf(buf, sizeof(buf), fmt, ap);
    if (msg_use_syslog) {
        syslog(prio, "%s%s", tag, buf);
    } else {
        fprintf(stderr, "%s[%ld]: %s%s\n", msg_name, (long) getpid(), tag, buf);
        fflush(stderr);
    }
    errno = saved;
}

void msg_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vprint(LOG_INFO, "", fmt, ap);
    va_end(ap);
}

void msg_debug(const char *fmt, ...)
{
    va_list ap;

    if (!msg_verbose)
        return;
    va_start(ap, fmt);
    msg_vprint(LOG_DEBUG, "debug: ", fmt, ap);
    va_end(ap);
}

void msg_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vprint(LOG_WARNING, "warning: ", fmt, ap);
    va_end(ap);
}

void msg_fatal(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vprint(LOG_CRIT, "fatal: ", fmt, ap);
    va_end(ap);
    exit(msg_exit_status);
}

void msg_panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vprint(LOG_CRIT, "panic: ", fmt, ap);
    va_end(ap);
    abort();
}
