/* unit.h - what every cmocka test file includes. */
#ifndef MAILARC_UNIT_H
#define MAILARC_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#endif
