/*
 * cli_status.c - "mailarc status": is the archive running, how much is in
 * it, and how much waits to be indexed (so "archived but not found" can
 * always be explained).
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../ipc/ipc_ids.h"
#include "../ipc/ipc_score.h"
#include "arrivals.h"
#include "date.h"
#include "fetchstatus.h"
#include "instance.h"
#include "postings.h"
#include "spool.h"
#include "digest.h"
#include "seal.h"
#include "verifystatus.h"
#include "cli.h"

/* Each journal mailbox as mailarc-fetch last left it (data_dir/fetch/NAME.status). */
static void status_journals(const CONFIG *cfg)
{
    for (int i = 0; i < cfg->njournals; i++) {
        const CFG_JOURNAL *j = &cfg->journals[i];
        FETCH_STATUS st;

        fetch_status_read(cfg, j, &st);
        if (!st.known) {
            printf("journal %-7s %s %s:%ld: not read yet\n", j->name, j->protocol, j->host,
                   j->port);
            continue;
        }
        printf("journal %-7s %s %s:%ld: %s, %ld fetched since start", j->name, j->protocol,
               j->host, j->port, st.failures ? "FAILING" : "ok", st.fetched);
        if (st.last_success) {
            char    when[96];

            arrivals_when((int64_t) st.last_success, (int64_t) time(0), when, sizeof(when));
            printf(", last success %s", when);
        }
        printf("\n");
        if (st.failures && *st.last_error)
            printf("%-15s%ld failed cycle(s) in a row; last error: %s\n", "", st.failures,
                   st.last_error);
        else if (st.last_error_at && *st.last_error)
            printf("%-15searlier error: %s\n", "", st.last_error);
    }
}

/* The seal key (its fingerprint, to compare with a disc's seal.pub) and
 * the last scheduled verify. */
static void cli_status_integrity(const CONFIG *cfg)
{
    VERIFY_STATUS st;
    char    fp[DIGEST_HEXLEN + 1], when[32];

    if (seal_fingerprint(cfg, fp) == 0)
        printf("seal key:      SHA256:%s\n", fp);
    else
        printf("seal key:      none yet (made when mailarcd starts)\n");
    verify_status_load(cfg, &st);
    if (!st.known) {
        printf("last verify:   not run yet%s\n", cfg->verify_interval ? "" : " (verify_interval = 0)");
        return;
    }
    date_iso(st.when, when, sizeof(when));
    if (st.ok)
        printf("last verify:   %s ok, %llu records (%llu deleted)\n", when,
               (unsigned long long) st.records, (unsigned long long) st.tombstones);
    else
        printf("last verify:   %s failed, %llu problem%s: %s\n", when,
               (unsigned long long) st.problems, st.problems == 1 ? "" : "s", st.first);
}

int cli_status(const CONFIG *cfg, int argc, char **argv)
{
    pid_t   master = instance_running(cfg);
    char    run[4096];
    IPC_IDS ids;
    IPC_SCORE *sc = 0;
    char    err[1024];
    int     dberr = 0;
    ADB    *db;

    (void) argv;
    if (argc != 1) {
        fprintf(stderr, "usage: mailarc status\n");
        return EXIT_USAGE;
    }
    printf("data_dir:      %s\n", cfg->data_dir);
    if (master)
        printf("mailarcd:      running (pid %ld)\n", (long) master);
    else
        printf("mailarcd:      not running\n");
    snprintf(run, sizeof(run), "%s/run", cfg->data_dir);
    if (master && ipc_ids_read(&ids, run) == 0 && (sc = ipc_score_attach(ids.score, 1)) != 0
        && sc->magic == IPC_SCORE_MAGIC) {
        int     busy = 0, idle = 0, idx = 0, milter = 0;

        for (int i = 0; i < IPC_SCORE_SLOTS; i++) {
            SCORE_SLOT *s = &sc->slot[i];

            if (s->pid <= 0)
                continue;
            if (s->kind == SCORE_SMTPD && s->state == SCORE_BUSY)
                busy++;
            else if (s->kind == SCORE_SMTPD)
                idle++;
            else if (s->kind == SCORE_INDEXER)
                idx = s->pid;
            else if (s->kind == SCORE_MILTER && s->state != SCORE_STARTING)
                milter = s->pid;
        }
        printf("receivers:     %d busy, %d idle\n", busy, idle);
        if (idx)
            printf("indexer:       running (pid %d)\n", idx);
        else
            printf("indexer:       not running\n");
        if (milter)
            printf("milter:        running (pid %d) on %s\n", milter, cfg->milter_listen);
        else if (*cfg->milter_listen)
            printf("milter:        not running (milter_listen = %s)\n", cfg->milter_listen);
        printf("since start:   %llu indexed, %llu duplicate arrivals merged, %llu set aside\n",
               (unsigned long long) sc->indexed, (unsigned long long) sc->duplicates,
               (unsigned long long) sc->rejected);
        if (sc->last_index > 0) {
            char    when[64];
            time_t  t = (time_t) sc->last_index;
            struct tm tm;

            strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime_r(&t, &tm));
            printf("last commit:   %s (%lld s ago)\n", when, (long long) (time(0) - t));
        }
    }
    if (sc)
        ipc_score_detach(sc);
    status_journals(cfg);
    printf("waiting:       %ld message(s) in the spool to be indexed\n",
           spool_count(cfg->data_dir, "spool/new"));
    printf("damaged:       %ld spool file(s) set aside in spool/bad\n",
           spool_count_suffix(cfg->data_dir, "spool/bad", ".poison", 0));
    printf("poison:        %ld message(s) that stopped the indexer, archived unindexed "
           "(spool/bad/*.poison)\n", spool_count_suffix(cfg->data_dir, "spool/bad", ".poison", 1));
    if ((db = adb_open(cfg, ADB_READ, &dberr, err, sizeof(err))) != 0) {
        printf("messages:      %llu stored\n", (unsigned long long) adb_meta_live(db, 0));
        printf("store:         %s\n", db->store_db ? "db (new blobs go to db/blob.db)"
               : "files (new blobs go to store/)");
        printf("journal:       %llu Exchange journal report(s) unwrapped, %llu malformed "
               "(archived as they came)\n",
               (unsigned long long) adb_meta_u64(db, 0, "journal_reports"),
               (unsigned long long) adb_meta_u64(db, 0, "journal_malformed"));
        printf("phrases:       %s\n", postings_pairs_ready(db, 0) ? "found through word pairs"
               : !cfg->phrase_pairs ? "found through their words (phrase_pairs = no)"
               : adb_meta_live(db, 0) == 0 ? "found through word pairs (from the first message)"
               : "found through their words until mailarc reindex writes the word pairs "
               "(phrase_pairs = yes)");
        if (adb_meta_u64(db, 0, "extract_failed"))
            printf("documents:     extraction failed for %llu attachment(s); indexed without "
                   "their text (mailarc show names them; mailarc reindex --extract retries)\n",
                   (unsigned long long) adb_meta_u64(db, 0, "extract_failed"));
        {
            ARRIVAL_PATH paths[32];
            int64_t newest;
            int     np = arrivals_read(db, paths, 32, &newest);
            char    when[96];

            /* When each way in last brought mail: silence is the failure. */
            if (np == 0)
                printf("capture:       no message has arrived yet\n");
            for (int i = 0; i < np; i++) {
                arrivals_when(paths[i].last, (int64_t) time(0), when, sizeof(when));
                printf("%-15s%-8s last message %s\n", i ? "" : "capture:", paths[i].name, when);
            }
            if (newest > 0 && cfg->capture_silence_alert > 0
                && time(0) - (time_t) newest >= cfg->capture_silence_alert)
                printf("warning:       no mail for more than capture_silence_alert (%ld s): "
                       "is the MTA still sending to the archive?\n", cfg->capture_silence_alert);
        }
        adb_close(db);
    } else {
        printf("messages:      unknown (%s)\n", err);
    }
    cli_status_integrity(cfg);
    return master ? 0 : EXIT_UNAVAILABLE;
}
