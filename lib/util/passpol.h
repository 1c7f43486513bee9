/*
 * passpol.h - the password policy for archive_password.
 *
 * At least min_len characters, with an upper-case letter, a lower-case
 * letter and a digit.  Says exactly which rule a password breaks.
 */
#ifndef MAILARC_PASSPOL_H
#define MAILARC_PASSPOL_H

#include <stddef.h>

/* 0 when the password is acceptable; -1 with the reason in why. */
int passpol_check(const char *pw, long min_len, char *why, size_t len);

#endif
