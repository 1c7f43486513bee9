/*
 * index_journal.c - unwrap journal reports in the indexer (see index_journal.h).
 */
#include <stdio.h>
#include <string.h>

#include "digest.h"
#include "journal.h"
#include "msg.h"
#include "store.h"
#include "index_journal.h"

void index_journal_key(const char *hex, char *key, size_t keylen)
{
    snprintf(key, keylen, "journal/%s", hex);
}

int index_journal(const CONFIG *cfg, ADB *db, ENVELOPE *env, VSTR *msg, char *err, size_t errlen)
{
    JOURNAL j;
    char    why[256];
    unsigned char bin[DIGEST_LEN];
    int     rc;

    rc = journal_parse(msg->s, msg->len, (int) cfg->record_max_recipients, &j, why, sizeof(why));
    if (rc == JOURNAL_NOT)
        return rc;
    if (rc == JOURNAL_MALFORMED) {
        msg_warn("%s: %s; archived as an ordinary message", env->qid, why);
        return rc;
    }
    /* The report as it came, under its own digest (checked by spool_read). */
    if (store_put(cfg->data_dir, db, env->arrival, env->sha256, msg->s, msg->len,
                  (int) cfg->store_compress_level, err, errlen) < 0) {
        journal_free(&j);
        return INDEX_JOURNAL_IOERR;
    }
    msg_info("%s: journal report %s%s: %d recipient(s), original of %zu bytes", env->qid,
             env->sha256, j.exchange2003 ? " (Exchange 2003)" : "", j.rcpt.n, j.inner_len);
    if (j.dropped)
        msg_warn("%s: journal report lists %d recipient(s) beyond record_max_recipients=%ld; "
                 "not recorded", env->qid, j.dropped, cfg->record_max_recipients);
    envelope_set(&env->journal, env->sha256);
    envelope_set(&env->sender, j.sender);
    strlist_free(&env->rcpt);
    for (int i = 0; i < j.rcpt.n; i++)
        envelope_add_rcpt(env, j.rcpt.v[i]);
    strlist_free(&env->notes);
    for (int i = 0; i < j.notes.n; i++)
        strlist_add(&env->notes, j.notes.v[i]);
    digest_buffer(j.inner, j.inner_len, bin);
    digest_hex(bin, env->sha256);
    env->size = (long) j.inner_len;
    if (j.decoded) {
        vstr_reset(msg);
        vstr_add(msg, j.inner, j.inner_len);
    } else {
        memmove(msg->s, j.inner, j.inner_len);      /* a slice of msg itself */
        vstr_truncate(msg, j.inner_len);
    }
    journal_free(&j);
    return JOURNAL_OK;
}
