/*
 * smtp_cmd.h - parsing of SMTP command lines (RFC 5321, 1870, 3030, 6531).
 *
 * Pure functions over one already length-limited line, so every rule is
 * unit-tested without a socket.  They refuse rather than guess: a bad
 * path or parameter yields a reason suitable for the reply text.
 */
#ifndef MAILARC_SMTP_CMD_H
#define MAILARC_SMTP_CMD_H

enum smtp_verb {
    SMTP_UNKNOWN = 0, SMTP_EHLO, SMTP_HELO, SMTP_MAIL, SMTP_RCPT, SMTP_DATA,
    SMTP_BDAT, SMTP_RSET, SMTP_NOOP, SMTP_QUIT, SMTP_VRFY, SMTP_EXPN,
    SMTP_HELP, SMTP_STARTTLS, SMTP_XFORWARD,
};

#define SMTP_PATH_MAX 512

/* The verb of a command line; *args points past the verb and one space. */
enum smtp_verb smtp_cmd_verb(const char *line, const char **args);

/*
 * Parse "FROM:<path> params" or "TO:<path> params".  *addr gets the
 * address (newly allocated, "" for the null path when allowed), *params
 * the parameter text (pointer into args).  0 ok, -1 with *why.
 */
int smtp_cmd_path(const char *args, const char *keyword, int allow_null,
                  int allow_utf8, char **addr, const char **params, const char **why);

typedef struct smtp_mail_params {
    long    size;                   /* SIZE=, -1 when absent */
    int     smtputf8;
    int     body_8bit;
} SMTP_MAIL_PARAMS;

/* Parse MAIL parameters (SIZE, BODY, SMTPUTF8).  0 ok, -1 with *why. */
int smtp_cmd_mail_params(const char *params, SMTP_MAIL_PARAMS *mp, const char **why);

/* RCPT parameters: none are supported; 0 if empty, -1 with *why. */
int smtp_cmd_rcpt_params(const char *params, const char **why);

/* "BDAT <size> [LAST]": 0 ok, -1 with *why. */
int smtp_cmd_bdat(const char *args, long *size, int *last, const char **why);

/* A HELO/EHLO argument: 0 ok, -1 with *why. */
int smtp_cmd_helo_arg(const char *args, const char **why);

#endif
