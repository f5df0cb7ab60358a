/* pnr.c - personnummer / samordningsnummer parsing (spec: instruments.md section 6). */
#include "pnr.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

#define PNR_FIELD   "pnr"
#define PNR_ALLOWED "personnummer may contain only digits and '-' or '+'"

/* A number with whitespace and separator taken out. */
struct pnr_text {
    char digits[13]; /* 10 or 12 digits, NUL-terminated */
    size_t digit_count;
    char separator; /* '-', '+' or '\0' */
};

static bool pnr_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Value of `count` digits at `s` (already known to be digits). */
static int pnr_number(const char *s, int count)
{
    int value = 0;
    for (int i = 0; i < count; i++)
        value = value * 10 + (s[i] - '0');
    return value;
}

static int pnr_mod100(int value)
{
    int rest = value % 100;
    return rest < 0 ? rest + 100 : rest;
}

/* -1, 0 or 1 as `a` is before, the same day as, or after `b`; works on impossible dates too. */
static int pnr_compare(struct date a, struct date b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    if (a.day != b.day)
        return a.day < b.day ? -1 : 1;
    return 0;
}

static enum err_code pnr_bad_char(char c, struct error *err)
{
    unsigned char byte = (unsigned char)c;
    if (byte >= 0x80)
        return error_set(err, ERR_INVALID, PNR_FIELD, PNR_ALLOWED ", found a non-ASCII character");
    if (!isprint(byte))
        return error_set(err, ERR_INVALID, PNR_FIELD, PNR_ALLOWED ", found a control character");
    return error_set(err, ERR_INVALID, PNR_FIELD, PNR_ALLOWED ", found '%c'", c);
}

/* Check the shape of `text` and collect its digits into *t. The only step pnr_looks_like
 * needs, so it stays cheap when `err` is NULL. */
static enum err_code pnr_scan(const char *text, struct pnr_text *t, struct error *err)
{
    memset(t, 0, sizeof(*t));
    const char *start = text != NULL ? text : "";
    const char *end = start + strlen(start);
    while (start < end && isspace((unsigned char)*start))
        start++;
    while (end > start && isspace((unsigned char)end[-1]))
        end--;
    if (start == end)
        return error_set(err, ERR_INVALID, PNR_FIELD, "personnummer is empty");

    size_t digits_before_separator = 0;
    for (const char *p = start; p < end; p++) {
        if (pnr_is_digit(*p)) {
            if (t->digit_count < 12)
                t->digits[t->digit_count] = *p;
            t->digit_count++;
        } else if ((*p == '-' || *p == '+') && t->separator != '\0') {
            return error_set(err, ERR_INVALID, PNR_FIELD,
                             "personnummer may have only one '-' or '+'");
        } else if (*p == '-' || *p == '+') {
            t->separator = *p;
            digits_before_separator = t->digit_count;
        } else {
            return pnr_bad_char(*p, err);
        }
    }
    if (t->digit_count != 10 && t->digit_count != 12)
        return error_set(err, ERR_INVALID, PNR_FIELD,
                         "personnummer must have 10 or 12 digits, found %zu", t->digit_count);
    if (t->separator != '\0' && digits_before_separator != t->digit_count - 4)
        return error_set(err, ERR_INVALID, PNR_FIELD,
                         "the '%c' in a personnummer must come just before the last four digits",
                         t->separator);
    if (t->separator == '+' && t->digit_count == 12)
        return error_set(err, ERR_INVALID, PNR_FIELD,
                         "'+' is only used with 10 digits; 12 digits already give the century");
    return ERR_OK;
}

/* Full birth year for the 10-digit form (see pnr.h): '+' means the person turns 100 or more
 * in the reference year; otherwise the latest birth date on or before the reference date. */
static int pnr_century_year(int two_digit_year, int month, int day, char separator,
                            struct date reference)
{
    if (separator == '+') {
        int latest = reference.year - 100;
        return latest - pnr_mod100(latest - two_digit_year);
    }
    int year = reference.year - pnr_mod100(reference.year - two_digit_year);
    struct date birth = { year, month, day };
    if (pnr_compare(birth, reference) > 0)
        year -= 100;
    return year;
}

/* Month and day of the 10-digit form `ten`: fills birth month/day and coordination_number. */
static enum err_code pnr_read_month_day(const char *ten, struct pnr *result, struct error *err)
{
    int month = pnr_number(ten + 2, 2);
    int raw_day = pnr_number(ten + 4, 2);
    if (month < 1 || month > 12)
        return error_set(err, ERR_INVALID, PNR_FIELD, "invalid month %02d in personnummer", month);
    result->coordination_number = raw_day >= 61 && raw_day <= 91;
    if (!result->coordination_number && (raw_day < 1 || raw_day > 31))
        return error_set(err, ERR_INVALID, PNR_FIELD,
                         "invalid day %02d in personnummer (01-31, or 61-91 in a "
                         "samordningsnummer)",
                         raw_day);
    result->birth_date.month = month;
    result->birth_date.day = result->coordination_number ? raw_day - 60 : raw_day;
    return ERR_OK;
}

/* Resolve the birth date of *t against `reference` and fill result's date fields and the
 * normalised 12 digits. */
static enum err_code pnr_read_date(const struct pnr_text *t, struct date reference,
                                   struct pnr *result, struct error *err)
{
    const char *ten = t->digits + (t->digit_count - 10);
    enum err_code rc = pnr_read_month_day(ten, result, err);
    if (rc != ERR_OK)
        return rc;
    struct date *birth = &result->birth_date;
    const char *kind = result->coordination_number ? "samordningsnummer" : "personnummer";
    birth->year = t->digit_count == 12 ? pnr_number(t->digits, 4)
                                       : pnr_century_year(pnr_number(ten, 2), birth->month,
                                                          birth->day, t->separator, reference);
    if (birth->year < 1800)
        return error_set(err, ERR_INVALID, PNR_FIELD, "birth year %04d in %s is before 1800",
                         birth->year, kind);
    if (!date_valid(birth->year, birth->month, birth->day) && result->coordination_number)
        return error_set(err, ERR_INVALID, PNR_FIELD,
                         "invalid date %04d-%02d-%02d in samordningsnummer (day %02d minus 60)",
                         birth->year, birth->month, birth->day, birth->day + 60);
    if (!date_valid(birth->year, birth->month, birth->day))
        return error_set(err, ERR_INVALID, PNR_FIELD, "invalid date %04d-%02d-%02d in %s",
                         birth->year, birth->month, birth->day, kind);
    if (pnr_compare(*birth, reference) > 0) {
        char birth_text[11], reference_text[11];
        date_format(*birth, birth_text);
        date_format(reference, reference_text);
        return error_set(err, ERR_INVALID, PNR_FIELD,
                         "birth date %s in %s is after the reference date %s", birth_text, kind,
                         reference_text);
    }
    return ERR_OK;
}

/* Luhn check digit over the nine digits YYMMDDNNN: weights 2,1,2,..., digit sums of the
 * products, check = (10 - sum mod 10) mod 10. */
static int pnr_luhn(const char *nine)
{
    int sum = 0;
    for (int i = 0; i < 9; i++) {
        int product = (nine[i] - '0') * (i % 2 == 0 ? 2 : 1);
        sum += product / 10 + product % 10;
    }
    return (10 - sum % 10) % 10;
}

/* Birth number NNN and check digit C of the 10-digit form `ten`. */
static enum err_code pnr_check_number(const char *ten, struct error *err)
{
    if (pnr_number(ten + 6, 3) == 0)
        return error_set(err, ERR_INVALID, PNR_FIELD,
                         "birth number 000 is not used; digits 7-9 must be 001-999");
    int expected = pnr_luhn(ten);
    int given = ten[9] - '0';
    if (given != expected)
        return error_set(err, ERR_INVALID, PNR_FIELD, "check digit is %d, expected %d", given,
                         expected);
    return ERR_OK;
}

/* Write the 12-digit form: four-digit birth year, then the 10-digit form as written. */
static void pnr_store_digits(int year, const char *ten, char digits[13])
{
    for (int i = 3; i >= 0; i--) {
        digits[i] = (char)('0' + year % 10);
        year /= 10;
    }
    memcpy(digits + 4, ten + 2, 8);
    digits[12] = '\0';
}

enum err_code pnr_parse(const char *text, struct date reference, struct pnr *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    if (!date_valid(reference.year, reference.month, reference.day))
        return error_set(err, ERR_INVALID, "reference", "reference date is not a valid date");
    struct pnr_text t;
    enum err_code rc = pnr_scan(text, &t, err);
    if (rc != ERR_OK)
        return rc;
    const char *ten = t.digits + (t.digit_count - 10);
    struct pnr result;
    memset(&result, 0, sizeof(result));
    rc = pnr_read_date(&t, reference, &result, err);
    if (rc != ERR_OK)
        return rc;
    rc = pnr_check_number(ten, err);
    if (rc != ERR_OK)
        return rc;
    result.sex = (ten[8] - '0') % 2 == 1 ? SEX_MALE : SEX_FEMALE;
    pnr_store_digits(result.birth_date.year, ten, result.digits);
    *out = result;
    return ERR_OK;
}

void pnr_format10(const struct pnr *p, struct date reference, char out[12])
{
    out[0] = '\0';
    if (strnlen(p->digits, sizeof(p->digits)) != 12)
        return;
    bool turns_100 = reference.year - p->birth_date.year >= 100;
    memcpy(out, p->digits + 2, 6);
    out[6] = turns_100 ? '+' : '-';
    memcpy(out + 7, p->digits + 8, 4);
    out[11] = '\0';
}

bool pnr_looks_like(const char *text)
{
    struct pnr_text t;
    return pnr_scan(text, &t, NULL) == ERR_OK;
}
