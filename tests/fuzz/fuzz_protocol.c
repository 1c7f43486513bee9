/*
 * fuzz_protocol.c - libFuzzer: arbitrary bytes as the other untrusted
 * inputs: an SMTP command line, a spool/ring envelope, a query, a config
 * file.  The first byte picks the parser.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "envelope.h"
#include "mymalloc.h"
#include "query.h"
#include "words.h"
#include "../../smtpd/smtp_cmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    char   *text;
    char    err[512];

    if (!init) {
        words_init();
        init = 1;
    }
    if (size < 1)
        return 0;
    text = mystrndup((const char *) data + 1, size - 1);
    switch (data[0] % 4) {
    case 0: {
            const char *args, *params, *why;
            char   *addr = 0;
            SMTP_MAIL_PARAMS mp;
            long    n;
            int     last;

            smtp_cmd_verb(text, &args);
            if (smtp_cmd_path(args, "FROM:", 1, 1, &addr, &params, &why) == 0) {
                smtp_cmd_mail_params(params, &mp, &why);
                myfree(addr);
            }
            smtp_cmd_rcpt_params(text, &why);
            smtp_cmd_bdat(text, &n, &last, &why);
            smtp_cmd_helo_arg(text, &why);
            break;
        }
    case 1: {
            ENVELOPE env;

            envelope_init(&env);
            envelope_parse(&env, (const char *) data + 1, size - 1, 100, err, sizeof(err));
            envelope_free(&env);
            break;
        }
    case 2: {
            QUERY   q;

            if (query_parse(text, &q, err, sizeof(err)) == 0)
                query_free(&q);
            break;
        }
    case 3: {
            CONFIG  cfg;

            if (cfg_parse(&cfg, "fuzz.conf", (const char *) data + 1, size - 1, err, sizeof(err)) == 0)
                cfg_free(&cfg);
            break;
        }
    }
    myfree(text);
    return 0;
}
