/* test_cfg.c - the configuration parser: values, defaults, every error. */
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "cfg.h"

static int parse(const char *text, CONFIG *cfg, char *err)
{
    return cfg_parse(cfg, "test.conf", text, strlen(text), err, 512);
}

static void test_defaults(void **state)
{
    CONFIG  cfg;

    (void) state;
    cfg_defaults(&cfg);
    assert_string_equal(cfg.data_dir, "/var/lib/mailarc");
    assert_string_equal(cfg.smtp_listen, "0.0.0.0:25");
    assert_string_equal(cfg.smtp_allow, "127.0.0.0/8, ::1/128");
    assert_int_equal(cfg.smtpd_min_idle, 2);
    assert_int_equal(cfg.smtpd_max_procs, 20);
    assert_int_equal(cfg.message_size_limit, 52428800);
    assert_int_equal(cfg.recipient_limit, 1000);
    assert_string_equal(cfg.daemon_control, "sudo -n /etc/init.d/mailarc");
    cfg_free(&cfg);
}

static void test_values(void **state)
{
    CONFIG  cfg;
    char    err[512];

    (void) state;
    assert_int_equal(parse("; comment\n# another\n[smtp]\n"
                           "data_dir = /srv/arc\n"
                           "message_size_limit = 10M\n"
                           "smtp_listen = \"127.0.0.1:2525, [::1]:2525\"\n"
                           "log_syslog = off\n"
                           "  recipient_limit=7  \n"
                           "capture_silence_alert = 90m\n"
                           "milter_listen = inet:[::1]:8892\n"
                           "db_cache_size = 7G\n", &cfg, err), 0);
    assert_string_equal(cfg.data_dir, "/srv/arc");
    assert_int_equal(cfg.message_size_limit, 10L * 1024 * 1024);
    assert_string_equal(cfg.smtp_listen, "127.0.0.1:2525, [::1]:2525");
    assert_int_equal(cfg.log_syslog, 0);
    assert_int_equal(cfg.recipient_limit, 7);
    assert_int_equal(cfg.capture_silence_alert, 90 * 60);
    assert_true(cfg.db_cache_size == 7L << 30);
    assert_string_equal(cfg.path, "test.conf");
    cfg_free(&cfg);
}

static const struct {
    const char *text;
    const char *err;
} bad[] = {
    {"data_dir = /x\nbogus = 1\n", "test.conf:2: unknown key \"bogus\""},
    {"recipient_limit = many\n", "test.conf:1: recipient_limit: \"many\" is not a number"},
    {"recipient_limit = 0\n", "test.conf:1: recipient_limit: 0 is out of range"},
    {"message_size_limit = 5Q\n", "test.conf:1: message_size_limit: \"5Q\" is not a size"},
    {"message_size_limit = 99999999999G\n", "test.conf:1: message_size_limit:"},
    {"retention_default = 10 years\n", "test.conf:1: retention_default: \"10 years\" is not a period"},
    {"retention_default = 0y\n", "test.conf:1: retention_default: \"0y\" is not a period"},
    {"capture_silence_alert = 2 hours\n", "test.conf:1: capture_silence_alert: \"2 hours\" is not a duration"},
    {"capture_silence_alert = 2w\n", "test.conf:1: capture_silence_alert: \"2w\" is not a duration"},
    {"milter_listen = 127.0.0.1:8892\n", "test.conf: milter_listen: \"127.0.0.1:8892\": expected inet:HOST:PORT or unix:PATH"},
    {"milter_listen = unix:relative\n", "test.conf: milter_listen: \"unix:relative\": unix: needs an absolute path"},
    {"milter_listen = inet:host\n", "test.conf: milter_listen: \"inet:host\": expected inet:HOST:PORT"},
    {"[journal a]\nhost = h.example\n", "test.conf: [journal a] (line 1) needs user"},
    {"[journal a]\npassword = x\n", "test.conf:2: [journal a] password: the password never sits"},
    {"[journal a]\nprotocol = smtp\n", "test.conf:2: [journal a] protocol: \"smtp\" is not one of"},
    {"[journal a]\nbatch = 0\n", "test.conf:2: [journal a] batch: \"0\" is not a number from 1"},
    {"[journal a]\ncolor = blue\n", "test.conf:2: [journal a] unknown key \"color\""},
    {"[journal]\n", "test.conf:1: a journal section needs a name"},
    {"[journal a b]\n", "test.conf:1: journal name \"a b\": only letters"},
    {"[journal a]\n[journal a]\n", "test.conf:2: [journal a] appears twice"},
    {"[journal a]\nhost = mail.example\nuser = u\npassword_file = /p\ntls = none\n",
     "test.conf: [journal a] tls = none sends the password in clear to mail.example"},
    {"[journal a]\nhost = h\nuser = u\npassword_file = p\n",
     "test.conf: [journal a] password_file must be an absolute path"},
    {"log_syslog = maybe\n", "test.conf:1: log_syslog: \"maybe\" is not yes or no"},
    {"just a line\n", "test.conf:1: expected \"key = value\""},
    {"[section\n", "test.conf:1: unterminated section header"},
    {"smtp_allow = 10.0.0.0/33\n", "test.conf:1: \"10.0.0.0/33\" is not an address"},
    {"smtp_allow = example.com\n", "test.conf:1: \"example.com\" is not an address"},
    {"smtp_listen = 127.0.0.1\n", "test.conf:1: \"127.0.0.1\" is not host:port"},
    {"smtp_listen = 127.0.0.1:99999\n", "test.conf:1: \"127.0.0.1:99999\" is not host:port"},
    {"smtpd_min_idle = 30\n", "test.conf: smtpd_min_idle (30) exceeds smtpd_max_procs"},
    {"smtp_tls_cert = /a.pem\n", "test.conf: smtp_tls_cert and smtp_tls_key must be set together"},
    {"data_dir = relative/path\n", "test.conf: data_dir must be an absolute path"},
};

static void test_errors(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CONFIG  cfg;
        char    err[512] = "";

        cfg.data_dir = (char *) "untouched";
        if (parse(bad[i].text, &cfg, err) != -1)
            fail_msg("accepted: %s", bad[i].text);
        if (strncmp(err, bad[i].err, strlen(bad[i].err)) != 0)
            fail_msg("for %s\n got: %s\nwant: %s", bad[i].text, err, bad[i].err);
        assert_string_equal(cfg.data_dir, "untouched");      /* nothing half-applied */
    }
}

static void test_nul_and_missing_file(void **state)
{
    CONFIG  cfg;
    char    err[512];

    (void) state;
    assert_int_equal(cfg_parse(&cfg, "n.conf", "a\0b", 3, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "NUL"));
    assert_int_equal(cfg_load(&cfg, "/nonexistent/mailarc.conf", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/nonexistent/mailarc.conf: cannot open"));
}

static void seen_key(const char *key, const char *val, void *ctx)
{
    const char *text = ctx;
    char    want[128];

    (void) val;
    snprintf(want, sizeof(want), "; %s =", key);
    if (strstr(text, want) == 0)
        fail_msg("etc/mailarc.conf does not document %s", key);
}

/* The shipped file documents every key, and uncommented it is valid. */
static void test_shipped_file(void **state)
{
    CONFIG  cfg;
    char    err[512];
    FILE   *fp = fopen("etc/mailarc.conf", "r");
    char    text[32768];
    char    open_text[32768];
    size_t  n, o = 0;
    int     opened = 0;

    (void) state;
    assert_non_null(fp);
    n = fread(text, 1, sizeof(text) - 1, fp);
    fclose(fp);
    text[n] = 0;
    cfg_defaults(&cfg);
    cfg_dump(&cfg, seen_key, text);
    cfg_free(&cfg);
    /* Uncomment "; key = value" lines (values stay the defaults). */
    for (char *line = strtok(text, "\n"); line; line = strtok(0, "\n")) {
        size_t  k = strspn(line + (line[0] == ';' ? 2 : 0), "abcdefghijklmnopqrstuvwxyz_");

        if (strncmp(line, "; ", 2) == 0 && k > 0 && strncmp(line + 2 + k, " =", 2) == 0)
            line += 2, opened++;
        else if (strncmp(line, "; [journal ", 11) == 0)
            line += 2;                  /* the example journal mailbox is parsed too */
        o += (size_t) snprintf(open_text + o, sizeof(open_text) - o, "%s\n", line);
    }
    if (cfg_parse(&cfg, "etc/mailarc.conf", open_text, o, err, sizeof(err)) != 0)
        fail_msg("%s", err);
    assert_int_equal(cfg.message_size_limit, 52428800);
    assert_int_equal(cfg.njournals, 1);
    assert_string_equal(cfg.journals[0].name, "exchange");
    assert_int_equal(cfg.journals[0].port, 143);
    assert_int_equal(cfg.journals[0].data_timeout, 120);
    assert_true(opened >= 39);          /* every key line was really parsed */
    cfg_free(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_nul_and_missing_file),
        cmocka_unit_test(test_shipped_file),
    };

    return cmocka_run_group_tests(tests, 0, 0);
}
