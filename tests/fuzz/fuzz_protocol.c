/*
 * fuzz_protocol.c - libFuzzer: arbitrary bytes as the other untrusted
 * inputs: an SMTP command line, a spool/ring envelope, a query, a config
 * file, IMAP server responses, POP3 answers.  The first byte picks the
 * parser.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "envelope.h"
#include "imapc.h"
#include "pop3c.h"
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
    switch (data[0] % 6) {
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
    case 4: {
            /* What an IMAP server may send, through a pipe (max_len keeps it
             * within the pipe's buffer). */
            int     fds[2];
            NETIO  *nio;
            IMAPC_RESP r;
            VSTR   *scratch = vstr_alloc(64);
            unsigned long uid, *uids = 0;
            int     nuids = 0, cap = 0;

            if (size - 1 > 60000 || pipe(fds) < 0)
                break;
            if (write(fds[1], data + 1, size - 1) != (ssize_t) (size - 1))
                __builtin_trap();
            close(fds[1]);
            nio = netio_create(fds[0], 1);
            imapc_resp_init(&r);
            while (imapc_read(nio, 256, &r, err, sizeof(err)) == NETIO_OK) {
                const VSTR *b = imapc_fetch_body(&r, &uid, scratch);

                if (b && b != scratch && b->len > 256)
                    __builtin_trap();      /* a literal over the limit is never kept */
                imapc_code_num(&r, "UIDVALIDITY");
                if (nuids < 100000)
                    imapc_search_all(&r, &uids, &nuids, &cap);
            }
            imapc_resp_free(&r);
            myfree(uids);
            netio_free(nio);
            close(fds[0]);
            vstr_free(scratch);
            break;
        }
    case 5: {
            /* What a POP3 server may send: status lines, answers, UIDL. */
            int     fds[2], big;
            NETIO  *nio;
            VSTR   *line = vstr_alloc(64), *out = vstr_alloc(64);
            STRLIST ids = {0};

            if (size - 1 > 60000 || pipe(fds) < 0) {
                vstr_free(line);
                vstr_free(out);
                break;
            }
            if (write(fds[1], data + 1, size - 1) != (ssize_t) (size - 1))
                __builtin_trap();
            close(fds[1]);
            nio = netio_create(fds[0], 1);
            while (pop3c_cmd(nio, line, "x", 0, err, sizeof(err)) == 0
                   && pop3c_multiline(nio, out, 256, &big, err, sizeof(err)) == 0) {
                if (out->len > 256 || (big && out->len))
                    __builtin_trap();
                pop3c_uidl(out, &ids);
            }
            strlist_free(&ids);
            netio_free(nio);
            close(fds[0]);
            vstr_free(line);
            vstr_free(out);
            break;
        }
    }
    myfree(text);
    return 0;
}
