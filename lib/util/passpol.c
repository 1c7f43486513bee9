/*
 * passpol.c - the archive password policy (see passpol.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "passpol.h"

int passpol_check(const char *pw, long min_len, char *why, size_t len)
{
    int     upper = 0, lower = 0, digit = 0;
    size_t  n = strlen(pw);
    const char *missing = 0;

    for (const char *p = pw; *p; p++) {
        upper |= isupper((unsigned char) *p) != 0;
        lower |= islower((unsigned char) *p) != 0;
        digit |= isdigit((unsigned char) *p) != 0;
    }
    if ((long) n < min_len) {
        snprintf(why, len, "it has %zu characters, fewer than archive_password_min_length (%ld)",
                 n, min_len);
        return -1;
    }
    if (!upper)
        missing = "upper-case letter";
    else if (!lower)
        missing = "lower-case letter";
    else if (!digit)
        missing = "digit";
    if (missing) {
        snprintf(why, len, "it has no %s (the policy asks for upper case, lower case and a digit)",
                 missing);
        return -1;
    }
    return 0;
}
