/* pnr.h - Swedish personnummer and samordningsnummer (spec: instruments.md section 6).
 *
 * A number is stored as 12 digits YYYYMMDDNNNC: birth date (for a samordningsnummer the day
 * has 60 added), three-digit birth number NNN (001-999, odd for men) and a Luhn check digit C
 * computed over the 10-digit form YYMMDDNNN. People write it as 10 digits YYMMDD-NNNC; the
 * separator becomes '+' from the calendar year in which the person turns 100, so a 10-digit
 * number only tells its century relative to a reference date (usually today).
 *
 * Pure functions: no I/O, no globals, safe from any thread.
 */
#ifndef STEGVIS_CORE_PNR_H
#define STEGVIS_CORE_PNR_H

#include <stdbool.h>

#include "date.h"
#include "error.h"
#include "types.h"

struct pnr {
    char digits[13];          /* normalised 12 digits YYYYMMDDNNNC, NUL-terminated */
    struct date birth_date;   /* the real date: day - 60 for a samordningsnummer */
    enum sex sex;             /* SEX_MALE when the birth number's last digit is odd */
    bool coordination_number; /* samordningsnummer (day 61-91) rather than personnummer */
};

/* Parse and validate a personnummer or samordningsnummer.
 *
 * Accepts 10 digits (YYMMDDNNNC) or 12 digits (YYYYMMDDNNNC), optionally with one '-' or '+'
 * just before the last four digits; leading and trailing whitespace is ignored. NULL is
 * treated as empty. The 10-digit form takes its century from `reference` (a valid date):
 *   - '-' or no separator: the latest birth date on or before `reference`, i.e. the person is
 *     under 100 on that day;
 *   - '+': the latest birth year at least 100 years before reference.year, i.e. the person
 *     turns 100 or more in the reference year (the rule for writing '+').
 * The two readings name the same person when someone turns 100 later in the reference year;
 * otherwise '+' is 100 years earlier than '-'. '+' in the 12-digit form is an error.
 *
 * Checks, in order: characters and length; month 01-12; day 01-31 (personnummer) or 61-91
 * (samordningsnummer, day - 60 must exist); birth year 1800 or later; the date exists (leap
 * years included); birth date not after `reference`; birth number not 000; Luhn check digit.
 *
 * On success fills *out and returns ERR_OK. On error returns ERR_INVALID with field "pnr" and
 * a one-line English message saying what is wrong (e.g. "check digit is 5, expected 4"), and
 * *out is zeroed. An invalid `reference` gives ERR_INVALID with field "reference". */
enum err_code pnr_parse(const char *text, struct date reference, struct pnr *out,
                        struct error *err) WARN_UNUSED;

/* Write the 10-digit form "YYMMDD-NNNC" (11 characters and a NUL) into `out`, with '+' instead
 * of '-' when the person turns 100 or more in the calendar year of `reference`. `p` must come
 * from pnr_parse; a zeroed struct pnr gives "". */
void pnr_format10(const struct pnr *p, struct date reference, char out[12]);

/* Cheap syntactic test for search boxes: true when `text`, whitespace trimmed, is 10 or 12
 * digits with at most one '-' or '+' just before the last four ('+' only with 10 digits).
 * Does not check the date or the check digit. NULL gives false. */
bool pnr_looks_like(const char *text);

#endif
