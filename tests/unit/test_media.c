/* test_media.c - months, media, the archive password policy, job state
 * files and burner job records on the queue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "../../ipc/ipc_job.h"
#include "../../ipc/ipc_rec.h"
#include "cfg.h"
#include "job.h"
#include "media.h"
#include "passpol.h"

static void test_months(void **state)
{
    MONTH   m;
    time_t  a, b;
    char    s[8], n[9];

    (void) state;
    assert_int_equal(month_parse("2026-11", &m), 0);
    assert_int_equal(m.year, 2026);
    assert_int_equal(m.mon, 11);
    month_bounds(m, &a, &b);
    assert_int_equal(a, 1793491200);                    /* 2026-11-01T00:00:00Z */
    assert_int_equal(b, 1796083200);                    /* 2026-12-01T00:00:00Z */
    month_name(m, n);
    assert_string_equal(n, "Nov-2026");
    month_str(month_next(m), s);
    month_str(month_next(month_next(m)), s);
    assert_string_equal(s, "2027-01");
    month_str(month_prev((MONTH) {2027, 1}), s);
    assert_string_equal(s, "2026-12");
    assert_int_equal(month_cmp((MONTH) {2026, 12}, (MONTH) {2027, 1}), -1);
    for (const char *bad = "2026-13\0" "2026-00\0" "26-11\0" "2026-1\0" "2026/11\0" "1969-12\0"
         "2026-11x\0"; *bad; bad += strlen(bad) + 1)
        assert_int_equal(month_parse(bad, &m), -1);
    assert_int_equal(month_of_day("26-11-21", &m), 0);
    assert_int_equal(m.year * 100 + m.mon, 202611);
    assert_int_equal(month_of_day("2024-02-29", &m), 0);
    assert_int_equal(month_of_day("26-02-30", &m), -1);
    assert_int_equal(month_of_day("26-11", &m), -1);
    assert_int_equal(month_of_day("26-11-2a", &m), -1);
    m = month_of(1793491199);                           /* the last second of October */
    assert_int_equal(m.mon, 10);
}

static void test_media_kinds(void **state)
{
    (void) state;
    assert_int_equal(media_find("cd")->sectors, 360000);
    assert_int_equal(media_find("dvd")->sectors, 2295104);
    assert_int_equal(media_find("bd")->sectors, 12219392);
    assert_non_null(media_find("udo120"));
    assert_null(media_find("floppy"));
    assert_null(media_find("DVD"));
}

static void test_password_policy(void **state)
{
    char    why[256];

    (void) state;
    assert_int_equal(passpol_check("Arch1veSecret", 8, why, sizeof(why)), 0);
    assert_int_equal(passpol_check("Ab1defgh", 8, why, sizeof(why)), 0);
    assert_int_equal(passpol_check("Ab1defg", 8, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "7 characters, fewer than archive_password_min_length (8)"));
    assert_int_equal(passpol_check("abcdefg1", 8, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "no upper-case letter"));
    assert_int_equal(passpol_check("ABCDEFG1", 8, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "no lower-case letter"));
    assert_int_equal(passpol_check("Abcdefgh", 8, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "no digit"));
}

static void test_config_refuses_weak_password(void **state)
{
    CONFIG  cfg;
    char    err[512];
    const char *text = "data_dir = /tmp/x\n; the secret\narchive_password = secret\n";

    (void) state;
    assert_int_equal(cfg_parse(&cfg, "t.conf", text, strlen(text), err, sizeof(err)), -1);
    assert_string_equal(err, "t.conf:3: archive_password is refused: it has 6 characters, "
                        "fewer than archive_password_min_length (8)");
    text = "archive_password = Secret12\nburn_media = dvd-dl\nburn_schedule = off\n";
    assert_int_equal(cfg_parse(&cfg, "t.conf", text, strlen(text), err, sizeof(err)), 0);
    assert_string_equal(cfg.burn_media, "dvd-dl");
    cfg_free(&cfg);
    text = "burn_media = floppy\n";
    assert_int_equal(cfg_parse(&cfg, "t.conf", text, strlen(text), err, sizeof(err)), -1);
    assert_non_null(strstr(err, "t.conf:1: burn_media: \"floppy\" is not one of cd, dvd"));
    text = "burn_schedule_start = 2026-13\n";
    assert_int_equal(cfg_parse(&cfg, "t.conf", text, strlen(text), err, sizeof(err)), -1);
}

static void test_job_files(void **state)
{
    char    dir[] = "/tmp/mailarc-unit-XXXXXX";
    char    sub[128];
    CONFIG  cfg;
    JOB     j, back, *all;
    int     n;

    (void) state;
    assert_non_null(mkdtemp(dir));
    snprintf(sub, sizeof(sub), "%s/media", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    cfg_defaults(&cfg);
    free(cfg.data_dir);
    cfg.data_dir = strdup(dir);
    memset(&j, 0, sizeof(j));
    job_new_id(j.id);
    assert_true(job_id_ok(j.id));
    assert_false(job_id_ok("../../etc/passwd"));
    assert_false(job_id_ok("20261121-172400-ABCDEF"));
    j.kind = JOB_BURN;
    snprintf(j.month, sizeof(j.month), "%s", "2026-11");
    snprintf(j.media, sizeof(j.media), "%s", "cd");
    snprintf(j.step, sizeof(j.step), "%s", "line\nbreak");
    j.state = JOB_RUNNING;
    j.permille = 421;
    assert_int_equal(job_save(&cfg, &j), 0);
    assert_int_equal(job_load(&cfg, j.id, &back), 0);
    assert_string_equal(back.month, "2026-11");
    assert_string_equal(back.step, "line break");
    assert_int_equal(back.state, JOB_RUNNING);
    assert_int_equal(back.permille, 421);
    all = job_list(&cfg, &n);
    assert_int_equal(n, 1);
    free(all);
    snprintf(sub, sizeof(sub), "rm -rf %s", dir);
    assert_int_equal(system(sub), 0);
    cfg_free(&cfg);
}

static void test_job_queue_records(void **state)
{
    int     q = msgget(IPC_PRIVATE, 0600);
    JOB     j, got;
    struct {
        long    mtype;
        char    data[64];
    } junk = {IPC_MTYPE_BURNER, "short"};

    (void) state;
    assert_true(q >= 0);
    memset(&j, 0, sizeof(j));
    job_new_id(j.id);
    j.kind = JOB_ARCHIVE;
    snprintf(j.month, sizeof(j.month), "%s", "2026-10");
    snprintf(j.origin, sizeof(j.origin), "%s", "cli");
    snprintf(j.user, sizeof(j.user), "%s", "root");
    assert_int_equal(msgsnd(q, &junk, 5, 0), 0);        /* malformed: dropped */
    assert_int_equal(ipc_job_send(q, &j), 0);
    assert_int_equal(ipc_job_take(q, &got), 1);
    assert_string_equal(got.id, j.id);
    assert_int_equal(got.kind, JOB_ARCHIVE);
    assert_string_equal(got.month, "2026-10");
    snprintf(j.month, sizeof(j.month), "%s", "2026-13");
    assert_int_equal(ipc_job_send(q, &j), 0);
    assert_int_equal(ipc_job_take(q, &got), 0);         /* bad month: dropped */
    msgctl(q, IPC_RMID, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_months),
        cmocka_unit_test(test_media_kinds),
        cmocka_unit_test(test_password_policy),
        cmocka_unit_test(test_config_refuses_weak_password),
        cmocka_unit_test(test_job_files),
        cmocka_unit_test(test_job_queue_records),
    };

    return cmocka_run_group_tests(tests, 0, 0);
}
