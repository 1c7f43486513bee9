/*
 * fuzz_message.c - libFuzzer: arbitrary bytes as a message through what
 * the indexer does with them (headers, addresses, RFC 2047, dates, MIME,
 * content and header terms, record encoding), and through the header
 * value parsers (parameters, encoded words, address lists) and the
 * bcc-map recipient decoder, the milter's header rebuild, the journal
 * report parser and snippets directly.  Any crash, leak or UB here is a poison message.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "bcc_decode.h"
#include "journal.h"
#include "mbox.h"
#include "meta.h"
#include "milter_rebuild.h"
#include "mime.h"
#include "record.h"
#include "rfc2047.h"
#include "fwd.h"
#include "rtf.h"
#include "snippet.h"
#include "xtext.h"
#include "terms.h"
#include "words.h"

static void count_term(const char *t, size_t len, void *ctx)
{
    (void) t;
    *(size_t *) ctx += len;
}

static void count_part(const MIME_PART *p, void *ctx)
{
    *(size_t *) ctx += p->size + (p->text ? p->text->len : 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    ENVELOPE env;
    MSGREC  r, back;
    VSTR   *buf = vstr_alloc(256);
    size_t  total = 0;

    if (!init) {
        words_init();
        init = 1;
    }
    envelope_init(&env);
    snprintf(env.qid, sizeof(env.qid), "FUZZ.1.1");
    memset(env.sha256, 'a', 64);
    envelope_set(&env.sender, "a@b.example");
    envelope_add_rcpt(&env, "c@d.example");
    record_init(&r);
    meta_parse((const char *) data, size, &env, &r);
    terms_of_record(&r, count_term, &total);
    record_encode(&r, buf);
    if (record_decode(buf->s, buf->len, &back) != 0)
        __builtin_trap();                   /* what we write must read back */
    record_free(&back);
    record_decode(data, size, &back);       /* and garbage must not crash */
    {
        MIME_LIMITS lim = MIME_LIMITS_DEFAULT;

        STRLIST words;
        SNIPPET sn;

        mime_walk((const char *) data, size, &lim, count_part, &total, 0);
        /* RTF, and stored positions and extraction results that are garbage. */
        {
            VSTR   *rtf = vstr_alloc(256);
            uint32_t h[2] = {1, 2};

            rtf_to_text((const char *) data, size, rtf);
            if (rtf->len > size * 4 + 16)
                __builtin_trap();               /* never more than the input allows */
            vstr_free(rtf);
            fwd_match(data, size, "sbnx", h, 2);
            xtext_failures(data, size);
        }
        terms_of_message((const char *) data, size, &lim, count_term, &total, 0);
        /* A snippet for the commonest short words, marks inside the text. */
        strlist_init(&words);
        strlist_add(&words, "a");
        strlist_add(&words, "e");
        strlist_add(&words, "the");
        if (snippet_make((const char *) data, size, &lim, &words, &sn)) {
            for (int i = 0; i < sn.n; i++)
                if (sn.off[i] + sn.len[i] > sn.text->len)
                    __builtin_trap();
            snippet_free(&sn);
        }
        strlist_free(&words);
    }
    {
        /* The header-value parsers on their own, over the whole input. */
        VSTR   *v = vstr_alloc(64);
        ADDR_LIST al;

        mime_param((const char *) data, size, "filename", v);
        rfc2047_decode((const char *) data, size, v);
        addr_list_init(&al);
        addr_parse_list((const char *) data, size, &al);
        for (int i = 0; i < al.n; i++)
            addr_terms(al.e[i].name, al.e[i].addr, count_term, &total);
        addr_list_free(&al);
        /* The input as one RCPT TO address of the Postfix bcc-map recipe. */
        {
            VSTR   *a = vstr_alloc(size + 1);

            vstr_add(a, data, size);
            bcc_decode(a->s, "archive.invalid", v);
            vstr_free(a);
        }
        /* NUL-separated name, value pairs as a milter is shown them: the
         * rebuilt head never holds a bare LF. */
        {
            VSTR   *copy = vstr_alloc(size + 1);
            const char *p, *end;

            vstr_add(copy, data, size);
            vstr_reset(v);
            p = copy->s;
            end = copy->s + copy->len;
            while (p < end) {
                const char *name = p, *value = "";

                p += strlen(p) + 1;
                if (p < end) {
                    value = p;
                    p += strlen(p) + 1;
                }
                milter_rebuild_header(v, name, value, (int) (size & 1));
            }
            milter_rebuild_eoh(v);
            for (size_t i = 0; i < v->len; i++)
                if (v->s[i] == '\n' && (i == 0 || v->s[i - 1] != '\r'))
                    __builtin_trap();
            vstr_free(copy);
        }
        vstr_free(v);
    }
    {
        /* The input as a journal report: what it finds lies inside it. */
        JOURNAL j;
        char    why[256];

        if (journal_parse((const char *) data, size, 50, &j, why, sizeof(why)) == JOURNAL_OK) {
            if (j.decoded == 0 && (j.inner < (const char *) data
                                   || j.inner + j.inner_len > (const char *) data + size))
                __builtin_trap();
            if (j.rcpt.n > 50 || j.rcpt.n == 0 || j.sender == 0)
                __builtin_trap();
            journal_free(&j);
        }
    }
    if (size > 0) {
        /* The input as an mbox file: what it yields is no more than it holds. */
        FILE   *fp = fmemopen((void *) data, size, "r");
        MBOX   *m = mbox_open(fp);
        VSTR   *msg = vstr_alloc(64);
        MBOX_ITEM it;
        size_t  sum = 0;

        while (mbox_next(m, msg, 1024, &it) == 1) {
            if (msg->len > 1024 || (it.too_big && msg->len) || it.offset < 0
                || (size_t) it.offset >= size)
                __builtin_trap();
            sum += it.size;
        }
        if (sum > size)
            __builtin_trap();
        mbox_close(m);
        fclose(fp);
        vstr_free(msg);
    }
    record_free(&back);
    record_free(&r);
    envelope_free(&env);
    vstr_free(buf);
    return 0;
}
