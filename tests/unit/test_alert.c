/* test_alert.c - who gets the archive's alerts. */
#include <string.h>

#include "unit.h"
#include "alert.h"
#include "mymalloc.h"

static void test_recipients(void **state)
{
    CONFIG  cfg;
    STRLIST r = {0};

    (void) state;
    cfg_defaults(&cfg);
    myfree(cfg.admin_users);
    cfg.admin_users = mystrdup("root, carol@ops.example ,root");
    myfree(cfg.default_domain);
    cfg.default_domain = mystrdup("example.com");
    alert_recipients(&cfg, &r);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.v[0], "root@example.com");
    assert_string_equal(r.v[1], "carol@ops.example");
    strlist_free(&r);
    /* No default_domain: the host's own name. */
    myfree(cfg.default_domain);
    cfg.default_domain = mystrdup("");
    myfree(cfg.smtp_hostname);
    cfg.smtp_hostname = mystrdup("archive.example.net");
    alert_recipients(&cfg, &r);
    assert_string_equal(r.v[0], "root@archive.example.net");
    strlist_free(&r);
    /* alert_to wins, as written. */
    myfree(cfg.alert_to);
    cfg.alert_to = mystrdup("ops@example.com,oncall@example.com");
    alert_recipients(&cfg, &r);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.v[1], "oncall@example.com");
    strlist_free(&r);
    cfg_free(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recipients),
    };

    return cmocka_run_group_tests(tests, 0, 0);
}
