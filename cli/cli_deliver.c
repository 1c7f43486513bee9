/*
 * cli_deliver.c - mailarc deliver: one message on standard input into the
 * spool, with the envelope given on the command line (Postfix pipe
 * transports, scripts).
 *
 *   mailarc deliver -f SENDER [-i QUEUEID] [--] RCPT...
 *
 * Exit 0 only once the spool file is fsynced and published, so the caller
 * may forget the message; 75 (EX_TEMPFAIL) on any other outcome, so an MTA
 * keeps it and tries again; 64 (EX_USAGE) for a bad command line.  Started
 * as root it becomes the archive's user first: the spool is that user's.
 * Recipients of the Postfix bcc-map recipe are decoded as by the SMTP
 * receiver (bcc_decode_domain).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "bcc_decode.h"
#include "cli.h"
#include "envelope.h"
#include "spool.h"

#define DELIVER_ADDR_MAX 1000

/* An envelope address from the command line: no controls, bounded. */
static int deliver_addr_ok(const char *a, int empty_ok)
{
    size_t  n = strlen(a);

    if (n == 0)
        return empty_ok;
    if (n > DELIVER_ADDR_MAX)
        return 0;
    for (const unsigned char *p = (const unsigned char *) a; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return 0;
    return 1;
}

static int deliver_usage(const char *why)
{
    fprintf(stderr, "mailarc deliver: %s\n"
            "usage: mailarc deliver -f SENDER [-i QUEUEID] [--] RCPT...\n", why);
    return EX_USAGE;
}

int cli_deliver(const CONFIG *cfg, int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *sender = 0, *mta_qid = 0;
    ENVELOPE env;
    SPOOL_FILE *sp;
    char    buf[65536], err[512];
    size_t  n;
    int     c;

    while ((c = getopt_long(argc, argv, "+f:i:h", opts, 0)) != -1) {
        switch (c) {
        case 'f': sender = optarg; break;
        case 'i': mta_qid = optarg; break;
        default: return deliver_usage("unknown option");
        }
    }
    if (sender == 0)
        return deliver_usage("-f SENDER is required (-f \"\" for the null sender)");
    if (!deliver_addr_ok(sender, 1))
        return deliver_usage("the sender holds a control character or is too long");
    if (mta_qid && (!deliver_addr_ok(mta_qid, 0) || strlen(mta_qid) >= ENVELOPE_QID_MAX))
        return deliver_usage("the queue id is empty, too long or holds a control character");
    if (optind >= argc)
        return deliver_usage("no recipient");
    if (argc - optind > cfg->recipient_limit)
        return deliver_usage("more recipients than recipient_limit");
    for (int i = optind; i < argc; i++)
        if (!deliver_addr_ok(argv[i], 0))
            return deliver_usage("a recipient is empty, too long or holds a control character");
    if (cli_become_user(cfg, "deliver") < 0)
        return EX_TEMPFAIL;

    envelope_init(&env);
    envelope_new_qid(env.qid);
    env.arrival = (long) time(0);
    envelope_set(&env.client, "");
    envelope_set(&env.helo, "");
    envelope_set(&env.tls, "");
    envelope_set(&env.source, "pipe");
    if (mta_qid)
        envelope_set(&env.mta_qid, mta_qid);
    envelope_set(&env.sender, sender);
    for (int i = optind; i < argc; i++)
        if (bcc_add_rcpt(&env, argv[i], cfg->bcc_decode_domain) == BCC_UNDECODABLE)
            fprintf(stderr, "mailarc deliver: warning: recipient <%s> is in bcc_decode_domain "
                    "but not ANY+LOCAL=DOMAIN; recorded as it came\n", argv[i]);

    if ((sp = spool_create(cfg->data_dir, &env, err, sizeof(err))) == 0) {
        fprintf(stderr, "mailarc deliver: cannot create a spool file: %s\n", err);
        envelope_free(&env);
        return EX_TEMPFAIL;
    }
    while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
        if ((long) n > cfg->message_size_limit - spool_size(sp)) {
            fprintf(stderr, "mailarc deliver: message larger than message_size_limit "
                    "(%ld bytes)\n", cfg->message_size_limit);
            goto fail;
        }
        if (spool_write(sp, buf, n) < 0) {
            fprintf(stderr, "mailarc deliver: spool write: %s\n", strerror(errno));
            goto fail;
        }
    }
    if (ferror(stdin)) {
        fprintf(stderr, "mailarc deliver: reading the message: %s\n", strerror(errno));
        goto fail;
    }
    if (spool_size(sp) == 0) {
        fprintf(stderr, "mailarc deliver: the message is empty\n");
        goto fail;
    }
    if (spool_commit(sp, &env) < 0) {
        fprintf(stderr, "mailarc deliver: cannot make the spool file durable: %s\n",
                strerror(errno));
        envelope_free(&env);
        return EX_TEMPFAIL;
    }
    cli_notify_indexer(cfg, &env);
    envelope_free(&env);
    return 0;
fail:
    spool_abort(sp);
    envelope_free(&env);
    return EX_TEMPFAIL;
}
