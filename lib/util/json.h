/*
 * json.h - JSON string output (UTF-8 in, escaped JSON out).
 */
#ifndef MAILARC_JSON_H
#define MAILARC_JSON_H

#include "vstr.h"

void json_str(VSTR *out, const char *s);

#endif
