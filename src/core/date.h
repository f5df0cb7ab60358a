/* date.h - civil dates (proleptic Gregorian calendar, no time of day, no time zone).
 *
 * A `struct date` is a plain value: year, month 1-12, day 1-31. Counting days is libc's timegm()
 * in UTC (which also normalises); splitting a day count is Hinnant's civil_from_days arithmetic
 * (no tables, no time-zone lock; tests check it against timegm day by day). Supported years are
 * 1-9999, the range the ISO form YYYY-MM-DD can write. Pure functions: no I/O, no globals, safe
 * from any thread. Reading today's date is I/O and lives outside core.
 */
#ifndef STEGVIS_CORE_DATE_H
#define STEGVIS_CORE_DATE_H

#include <stdbool.h>

#include "error.h"

struct date {
    int year;  /* 1-9999 */
    int month; /* 1-12 */
    int day;   /* 1-31, valid for the month */
};

/* True when year/month/day name a real day in years 1-9999: month 1-12 and day within the
 * month, with 29 February only in leap years (divisible by 4, centuries only by 400). */
bool date_valid(int year, int month, int day);

/* Parse the strict ISO form "YYYY-MM-DD": exactly ten characters, four-digit year, two-digit
 * month and day, '-' separators, no sign, no whitespace, nothing after. The date must be
 * valid (date_valid). On error returns ERR_INVALID with field "date" and a message quoting the
 * input, and *out is zeroed. `iso` NULL is an error. */
enum err_code date_parse(const char *iso, struct date *out, struct error *err) WARN_UNUSED;

/* Days since 1970-01-01 (that day is 0; earlier days are negative). `d` must be valid; an
 * invalid date is normalised the way timegm does (2026-02-30 counts as 2026-03-02). */
long date_to_days(struct date d);

/* The inverse of date_to_days. Days outside years 1-9999 give a date outside that range
 * (date_valid is false for it); a day count libc cannot convert gives {0, 0, 0}. */
struct date date_from_days(long days);

/* Write "YYYY-MM-DD" and a terminating NUL into `out` (11 bytes). A date that is not valid is
 * written as "0000-00-00", so the output is always ten characters. */
void date_format(struct date d, char out[11]);

/* Completed years of age on the day `on` for someone born on `birth`: the age goes up on the
 * birthday itself. Someone born on 29 February gets a year older on 1 March in common years.
 * Returns -1 when `on` is before `birth`. Both dates must be valid. */
int date_age_years(struct date birth, struct date on);

/* Parse an ISO 8601 instant "YYYY-MM-DDTHH:MM[:SS]" followed by "Z" or an offset "+HH:MM" /
 * "-HH:MM", into seconds since 1970-01-01 UTC. A bare date "YYYY-MM-DD" is midnight UTC.
 * ERR_INVALID (field "time") with a message quoting the input; *epoch is 0 then. */
enum err_code datetime_parse(const char *iso, long long *epoch, struct error *err) WARN_UNUSED;

/* Write seconds since the epoch as "YYYY-MM-DDTHH:MM:SSZ" (21 bytes with the NUL). */
void datetime_format(long long epoch, char out[21]);

/* The civil date (UTC) of an instant. */
struct date datetime_date(long long epoch);

#endif
