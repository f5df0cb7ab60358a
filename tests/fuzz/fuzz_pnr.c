/* fuzz_pnr.c - personnummer and samordningsnummer parsing (core/pnr.h).
 *
 * Input: 3 bytes choose the reference date (a year 1800-2311, month, day; an invalid date is
 * tried as such, pnr_parse must refuse it), the rest is the text. Invariants:
 * - pnr_parse succeeds or fails with ERR_INVALID, field "pnr"/"reference", and *out zeroed;
 * - a parsed number is 12 digits, its birth date is valid and not after the reference, its sex
 *   and coordination flag agree with the digits, and pnr_looks_like() agrees with the text;
 * - its 12 digits parse to the same number, and pnr_format10() gives a text that parses (with
 *   the same reference) to the same number (for people under 200: ten digits tell no more). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/pnr.h"
#include "fuzz/support/fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_pnr(const struct pnr *a, const struct pnr *b)
{
    return strcmp(a->digits, b->digits) == 0 && a->birth_date.year == b->birth_date.year &&
           a->birth_date.month == b->birth_date.month && a->birth_date.day == b->birth_date.day &&
           a->sex == b->sex && a->coordination_number == b->coordination_number;
}

static void check_parsed(const struct pnr *p, const char *text, struct date reference)
{
    FUZZ_CHECK(strlen(p->digits) == 12 && strspn(p->digits, "0123456789") == 12);
    FUZZ_CHECK(date_valid(p->birth_date.year, p->birth_date.month, p->birth_date.day));
    FUZZ_CHECK(p->birth_date.year >= 1800);
    FUZZ_CHECK(date_to_days(p->birth_date) <= date_to_days(reference));
    FUZZ_CHECK(p->sex == (((p->digits[10] - '0') % 2) ? SEX_MALE : SEX_FEMALE));
    int day = (p->digits[6] - '0') * 10 + (p->digits[7] - '0');
    FUZZ_CHECK(p->coordination_number == (day > 60));
    FUZZ_CHECK(day - (p->coordination_number ? 60 : 0) == p->birth_date.day);
    FUZZ_CHECK(pnr_looks_like(text));

    struct pnr again;
    struct error err;
    error_clear(&err);
    FUZZ_CHECK(pnr_parse(p->digits, reference, &again, &err) == ERR_OK);
    FUZZ_CHECK(same_pnr(p, &again));

    /* Ten digits name a century only within 200 years: '-' under 100, '+' 100 to 199. */
    if (reference.year - p->birth_date.year >= 200)
        return;
    char ten[12];
    pnr_format10(p, reference, ten);
    FUZZ_CHECK(strlen(ten) == 11 && (ten[6] == '-' || ten[6] == '+'));
    error_clear(&err);
    FUZZ_CHECK(pnr_parse(ten, reference, &again, &err) == ERR_OK);
    FUZZ_CHECK(same_pnr(p, &again));
}

static void check_refused(const struct pnr *p, const struct error *err)
{
    struct pnr zero;
    memset(&zero, 0, sizeof(zero));
    FUZZ_CHECK(err->code == ERR_INVALID);
    FUZZ_CHECK(strcmp(err->field, "pnr") == 0 || strcmp(err->field, "reference") == 0);
    FUZZ_CHECK(err->message[0] != '\0');
    FUZZ_CHECK(memcmp(p, &zero, sizeof(zero)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    struct date reference = { 1800 + ((data[0] << 1 | data[1] >> 7) % 512),
                              1 + (data[1] & 0x7f) % 12, 1 + data[2] % 31 };
    char *text = malloc(size - 3 + 1);
    if (text == NULL)
        abort();
    memcpy(text, data + 3, size - 3);
    text[size - 3] = '\0';

    struct pnr p;
    struct error err;
    error_clear(&err);
    memset(&p, 0x5a, sizeof(p));
    enum err_code rc = pnr_parse(text, reference, &p, &err);
    if (rc == ERR_OK)
        check_parsed(&p, text, reference);
    else
        check_refused(&p, &err);
    if (!date_valid(reference.year, reference.month, reference.day))
        FUZZ_CHECK(rc == ERR_INVALID && strcmp(err.field, "reference") == 0);
    free(text);
    return 0;
}
