/*
 * date.h - RFC 5322 Date fields and the YYYY-MM-DD dates of queries.
 */
#ifndef MAILARC_DATE_H
#define MAILARC_DATE_H

#include <stddef.h>
#include <time.h>

/* Parse a Date header (tolerant of common deviations); 0 ok, -1 bad. */
int date_parse_rfc5322(const char *text, time_t *out);

/* Parse YYYY-MM-DD as UTC midnight; 0 ok, -1 bad. */
int date_parse_day(const char *text, time_t *out);

/* "2026-11-21T10:00:00Z" */
void date_iso(time_t t, char *buf, size_t len);

#endif
