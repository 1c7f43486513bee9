/*
 * msg.h - one diagnostics API for every mailarc process.
 *
 * Messages go to stderr (foreground, tools) or syslog (daemons).  Fatal
 * calls log and exit(2) (bad config or environment, see DESIGN.md exit
 * codes) unless msg_fatal_status() chose another status; panic aborts.
 */
#ifndef MAILARC_MSG_H
#define MAILARC_MSG_H

#include <stdarg.h>

#define MSG_PRINTF(a, b) __attribute__((format(printf, a, b)))

void msg_init(const char *progname, int use_syslog);
void msg_verbose_set(int level);
int msg_verbose_get(void);
void msg_fatal_status(int status);
void msg_info(const char *fmt, ...) MSG_PRINTF(1, 2);
void msg_warn(const char *fmt, ...) MSG_PRINTF(1, 2);
void msg_debug(const char *fmt, ...) MSG_PRINTF(1, 2);
void msg_fatal(const char *fmt, ...) MSG_PRINTF(1, 2) __attribute__((noreturn));
void msg_panic(const char *fmt, ...) MSG_PRINTF(1, 2) __attribute__((noreturn));
const char *msg_progname(void);

#endif
