/* test_access.c - roles, user_addresses and default_domain. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "access.h"

static char path[64];

static void write_file(const char *text)
{
    FILE   *fp = fopen(path, "w");

    fputs(text, fp);
    fclose(fp);
}

static void config(CONFIG *cfg, const char *users, const char *domain)
{
    char    text[512], err[256];

    snprintf(text, sizeof(text), "admin_users = root, alice\nauditor_users = audit\n"
             "user_addresses = %s\ndefault_domain = %s\n", users, domain);
    if (cfg_parse(cfg, "test.conf", text, strlen(text), err, sizeof(err)) != 0)
        fail_msg("%s", err);
}

static void test_roles(void **state)
{
    CONFIG  cfg;
    ACCESS  acc;
    char    err[256];

    (void) state;
    config(&cfg, path, "Example.ORG");
    write_file("# who owns which addresses\n"
               "bob: Bob@Example.org, <bob.smith@other.example>\n"
               "  carol :carol@example.org\n\n"
               "dave:\n");
    assert_int_equal(access_load(&cfg, "alice", &acc, err, sizeof(err)), 0);
    assert_int_equal(acc.role, ACCESS_ADMIN);
    assert_true(access_sees_all(&acc));
    access_free(&acc);
    assert_int_equal(access_load(&cfg, "audit", &acc, err, sizeof(err)), 0);
    assert_int_equal(acc.role, ACCESS_AUDITOR);
    access_free(&acc);
    assert_int_equal(access_load(&cfg, "bob", &acc, err, sizeof(err)), 0);
    assert_int_equal(acc.role, ACCESS_USER);
    assert_false(access_sees_all(&acc));
    assert_int_equal(acc.addrs.n, 2);
    assert_string_equal(acc.addrs.v[0], "bob@example.org");
    assert_string_equal(acc.addrs.v[1], "bob.smith@other.example");
    access_free(&acc);
    assert_int_equal(access_load(&cfg, "carol", &acc, err, sizeof(err)), 0);
    assert_int_equal(acc.addrs.n, 1);
    access_free(&acc);
    /* Listed with no address: owns nothing, not even the default domain's. */
    assert_int_equal(access_load(&cfg, "dave", &acc, err, sizeof(err)), 0);
    assert_int_equal(acc.addrs.n, 0);
    access_free(&acc);
    assert_int_equal(access_load(&cfg, "Erin", &acc, err, sizeof(err)), 0);
    assert_int_equal(acc.addrs.n, 1);
    assert_string_equal(acc.addrs.v[0], "erin@example.org");
    access_free(&acc);
    cfg_free(&cfg);
    config(&cfg, path, "");
    assert_int_equal(access_load(&cfg, "erin", &acc, err, sizeof(err)), 0);
    assert_int_equal(acc.addrs.n, 0);
    access_free(&acc);
    cfg_free(&cfg);
}

static void test_errors(void **state)
{
    CONFIG  cfg;
    ACCESS  acc;
    char    err[256], want[128];

    (void) state;
    config(&cfg, path, "");
    write_file("bob: bob@example.org\nno colon here\n");
    assert_int_equal(access_load(&cfg, "bob", &acc, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s:2: expected", path);
    assert_non_null(strstr(err, want));
    write_file("bob: bob@example.org, not-an-address\n");
    assert_int_equal(access_load(&cfg, "bob", &acc, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s:1: \"not-an-address\" is not an address", path);
    assert_string_equal(err, want);
    cfg_free(&cfg);
    config(&cfg, "/nonexistent/users", "");
    assert_int_equal(access_load(&cfg, "bob", &acc, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/nonexistent/users"));
    cfg_free(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_errors),
    };
    int     rc;

    snprintf(path, sizeof(path), "/tmp/mailarc-access-%ld", (long) getpid());
    rc = cmocka_run_group_tests(tests, 0, 0);
    unlink(path);
    return rc;
}
