/* test_compliance.c - retention periods, key=value state files, and the
 * audit log's hash chain (edits, removals, insertions, torn lines). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "auditlog.h"
#include "cfg.h"
#include "kvfile.h"
#include "mymalloc.h"
#include "period.h"

static int64_t utc(int y, int mo, int d)
{
    struct tm tm = {0};

    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    return (int64_t) timegm(&tm);
}

static void test_periods(void **state)
{
    PERIOD  p;
    char    buf[24];

    (void) state;
    assert_int_equal(period_parse("10y", &p), 0);
    assert_int_equal(p.n, 10);
    assert_int_equal(p.unit, 'y');
    assert_int_equal(period_parse("forever", &p), 0);
    assert_int_equal(p.unit, 0);
    assert_true(period_end(0, &p) == INT64_MAX);
    period_str(&p, buf, sizeof(buf));
    assert_string_equal(buf, "forever");
    for (const char **bad = (const char *[]) {"", "y", "0y", "10", "10x", "10yy", "-1d", " 1d",
                                              "1001y", "ten years", 0}; *bad; bad++)
        assert_int_equal(period_parse(*bad, &p), -1);
    /* Calendar months: 31 January plus one month is the last of February. */
    assert_int_equal(period_parse("1m", &p), 0);
    assert_true(period_end(utc(2026, 1, 31), &p) == utc(2026, 2, 28));
    assert_true(period_end(utc(2028, 1, 31), &p) == utc(2028, 2, 29));
    assert_int_equal(period_parse("1y", &p), 0);
    assert_true(period_end(utc(2028, 2, 29), &p) == utc(2029, 2, 28));
    assert_int_equal(period_parse("14m", &p), 0);
    assert_true(period_end(utc(2025, 11, 15), &p) == utc(2027, 1, 15));
    assert_int_equal(period_parse("2w", &p), 0);
    assert_true(period_end(utc(2026, 12, 20), &p) == utc(2027, 1, 3));
    assert_int_equal(period_parse("30d", &p), 0);
    period_str(&p, buf, sizeof(buf));
    assert_string_equal(buf, "30d");
}

static void test_kvfile(void **state)
{
    char    dir[] = "/tmp/mailarc-unit-kvXXXXXX", path[128];
    STRLIST kv, back;

    (void) state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/x.req", dir);
    strlist_init(&kv);
    kv_set(&kv, "id", "r1");
    kv_set(&kv, "reason", "line\nbreak\tand tab");
    kv_add(&kv, "msg", "1 aa");
    kv_add(&kv, "msg", "2 bb");
    kv_set_num(&kv, "count", 42);
    kv_set(&kv, "id", "r2");                        /* replaces, keeps its place */
    assert_int_equal(kvfile_write(path, &kv), 0);
    assert_int_equal(kvfile_read(path, &back), 0);
    assert_int_equal(back.n, 5);
    assert_string_equal(back.v[0], "id=r2");
    assert_string_equal(kv_get(&back, "reason"), "line break and tab");
    assert_string_equal(kv_get(&back, "msg"), "1 aa");
    assert_string_equal(back.v[3], "msg=2 bb");
    assert_int_equal(kv_get_num(&back, "count"), 42);
    assert_int_equal(kv_get_num(&back, "missing"), 0);
    assert_null(kv_get(&back, "ms"));
    strlist_free(&kv);
    strlist_free(&back);
    snprintf(path, sizeof(path), "%s/none", dir);
    assert_int_equal(kvfile_read(path, &back), -1);
    strlist_free(&back);
    snprintf(path, sizeof(path), "rm -rf %s", dir);
    assert_int_equal(system(path), 0);
}

static unsigned long problems;

static void count_out(void *ctx, const char *line)
{
    VSTR   *v = ctx;

    problems++;
    if (v->len == 0)
        vstr_set(v, line);
}

/* Rewrite the log with line k (from 0) replaced, dropped (repl NULL) or,
 * with insert, a new line put before it. */
static void rewrite(const char *path, const char *orig, int k, const char *repl, int insert)
{
    FILE   *fp = fopen(path, "w");
    const char *p = orig;

    assert_non_null(fp);
    for (int i = 0; *p; i++) {
        const char *nl = strchr(p, '\n');

        if (i == k && insert)
            fprintf(fp, "%s\n", repl);
        if (i != k || insert)
            fwrite(p, 1, (size_t) (nl + 1 - p), fp);
        else if (repl)
            fprintf(fp, "%s\n", repl);
        p = nl + 1;
    }
    fclose(fp);
}

static int check(const CONFIG *cfg, VSTR *first)
{
    AUDIT_CHECK res;
    char    err[256];

    problems = 0;
    vstr_reset(first);
    return auditlog_verify(cfg, count_out, first, &res, err, sizeof(err));
}

static void test_audit_chain(void **state)
{
    char    dir[] = "/tmp/mailarc-unit-auditXXXXXX", path[128];
    CONFIG  cfg;
    AUDITLOG a;
    VSTR   *line = vstr_alloc(256), *first = vstr_alloc(256);
    char    err[256], *orig;
    FILE   *fp;
    long    n;

    (void) state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/audit.log", dir);
    cfg_defaults(&cfg);
    myfree(cfg.audit_log);
    cfg.audit_log = mystrdup(path);
    assert_int_equal(auditlog_open(&cfg, &a, err, sizeof(err)), 0);
    for (int i = 0; i < 5; i++) {
        char    detail[32];

        snprintf(detail, sizeof(detail), "step \"%d\"\n", i);
        auditlog_entry(line, "cli", "ann", "test", "ok", detail, 0);
        assert_int_equal(auditlog_append(&a, line->s), 0);
    }
    auditlog_close(&a);
    /* As root the file was made append-only; the test plays root editing it. */
    snprintf(err, sizeof(err), "chattr -a %s 2>/dev/null; true", path);
    assert_int_equal(system(err), 0);
    assert_int_equal(check(&cfg, first), 0);
    fp = fopen(path, "r");
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    rewind(fp);
    orig = calloc(1, (size_t) n + 1);
    assert_int_equal(fread(orig, 1, (size_t) n, fp), (size_t) n);
    fclose(fp);
    assert_non_null(strstr(orig, "login=ann action=test result=ok detail=\"step \\\"0\\\"\\x0a\" "
                           "prev=0000000000000000000000000000000000000000000000000000000000000000\n"));
    {
        char   *l2 = strchr(orig, '\n') + 1;
        char   *e = strchr(l2, '\n');
        char    edited[512];

        /* Line 2 edited (same length): the chain breaks between 2 and 3. */
        snprintf(edited, sizeof(edited), "%.*s", (int) (e - l2), l2);
        edited[strlen("2026-")] ^= 1;
        rewrite(path, orig, 1, edited, 0);
        assert_int_equal(check(&cfg, first), 1);
        assert_int_equal(problems, 1);
        assert_non_null(strstr(first->s, "audit chain broken between lines 2 and 3"));
    }
    rewrite(path, orig, 2, 0, 0);                   /* line 3 removed */
    assert_int_equal(check(&cfg, first), 1);
    assert_non_null(strstr(first->s, "between lines 2 and 3"));
    rewrite(path, orig, 0, 0, 0);                   /* the first line removed */
    assert_int_equal(check(&cfg, first), 1);
    assert_non_null(strstr(first->s, "audit line 1 does not start the chain"));
    rewrite(path, orig, 4, "forged line", 1);       /* inserted, no chain value */
    assert_int_equal(check(&cfg, first), 1);
    assert_non_null(strstr(first->s, "audit line 5 has no chain value"));
    /* A torn last line (a crash mid-write) is named; appending goes on
     * from the last whole line. */
    fp = fopen(path, "w");
    fprintf(fp, "%s2026-12-01T00:00:00Z client=cli login=x", orig);
    fclose(fp);
    assert_int_equal(check(&cfg, first), 1);
    assert_non_null(strstr(first->s, "audit line 6 has no chain value"));
    free(orig);
    cfg_free(&cfg);
    vstr_free(line);
    vstr_free(first);
    snprintf(path, sizeof(path), "rm -rf %s", dir);
    assert_int_equal(system(path), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_periods),
        cmocka_unit_test(test_kvfile),
        cmocka_unit_test(test_audit_chain),
    };

    return cmocka_run_group_tests(tests, 0, 0);
}
