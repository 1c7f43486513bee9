/* test_display.c - text made safe to show: bidi controls, restore addresses. */
#include <string.h>

#include "unit.h"
#include "charset.h"
#include "json.h"
#include "redeliver.h"

static void test_bidi_controls(void **state)
{
    /* "invoice" + RLO + "fdp.exe": reads as "invoiceexe.pdf" when honoured. */
    const char *name = "invoice\xe2\x80\xae" "fdp.exe \xe2\x81\xa6x\xe2\x81\xa9 \xd8\x9c \xe2\x80\x8f";
    VSTR   *v = vstr_alloc(64);

    (void) state;
    charset_display_clean(name, strlen(name), v);
    assert_string_equal(v->s, "invoice\xef\xbf\xbd" "fdp.exe \xef\xbf\xbdx\xef\xbf\xbd "
                        "\xef\xbf\xbd \xef\xbf\xbd");
    vstr_reset(v);
    json_str(v, name);
    assert_string_equal(v->s, "\"invoice\\ufffdfdp.exe \\ufffdx\\ufffd \\ufffd \\ufffd\"");
    vstr_reset(v);
    /* Other non-ASCII text is untouched. */
    json_str(v, "Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac \xe4\xb8\xad");
    assert_string_equal(v->s, "\"Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac \xe4\xb8\xad\"");
    vstr_free(v);
}

static void test_restore_address(void **state)
{
    (void) state;
    assert_true(redeliver_addr_ok("alice@example.com"));
    assert_false(redeliver_addr_ok("ali\x7f" "ce@example.com"));
    assert_false(redeliver_addr_ok("al\xc3\xa9" "@example.com"));
    assert_false(redeliver_addr_ok("alice@ex\xffmple.com"));
    assert_false(redeliver_addr_ok("alice@example.com\r\nRCPT TO:<x@y.z>"));
    assert_false(redeliver_addr_ok("alice@localhost"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bidi_controls),
        cmocka_unit_test(test_restore_address),
    };

    return cmocka_run_group_tests(tests, 0, 0);
}
