/* test_pnr.c - personnummer and samordningsnummer (spec: instruments.md section 6).
 *
 * Luhn working is written "digit sums a+b+... = sum -> check": over YYMMDDNNN with weights
 * 2,1,2,1,..., a product of 10 or more counts as the sum of its digits (12 -> 3), and the
 * check digit is (10 - sum mod 10) mod 10. Unless a case says otherwise the reference date is
 * REF = 2026-11-24.
 */
#include "core/pnr.h"

#include "testing.h"

static const struct date REF = { 2026, 11, 24 };

/* Parse `text`, which must succeed, and return the result. */
static struct pnr parse_ok(const char *text, struct date reference)
{
    struct pnr p;
    struct error err;
    error_clear(&err);
    if (pnr_parse(text, reference, &p, &err) != ERR_OK)
        TEST_FAIL("pnr_parse(\"%s\") failed: %s", text ? text : "(null)", err.message);
    return p;
}

static void assert_pnr(struct pnr p, const char *digits, int year, int month, int day, enum sex sex,
                       bool coordination)
{
    ASSERT_STR_EQ(p.digits, digits);
    ASSERT_EQ_INT(p.birth_date.year, year);
    ASSERT_EQ_INT(p.birth_date.month, month);
    ASSERT_EQ_INT(p.birth_date.day, day);
    ASSERT_EQ_INT(p.sex, sex);
    ASSERT_EQ_INT(p.coordination_number, coordination);
}

/* Parse `text`, expect ERR_INVALID on field "pnr" with exactly `message`, and *out zeroed. */
static void assert_error(const char *text, struct date reference, const char *message)
{
    struct pnr p, zero;
    memset(&p, 0x5a, sizeof(p));
    memset(&zero, 0, sizeof(zero));
    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(pnr_parse(text, reference, &p, &err), ERR_INVALID);
    ASSERT_EQ_INT(err.code, ERR_INVALID);
    ASSERT_STR_EQ(err.field, "pnr");
    ASSERT_STR_EQ(err.message, message);
    ASSERT_TRUE(memcmp(&p, &zero, sizeof(p)) == 0);
}

static void assert_format10(const char *text, struct date reference, const char *want)
{
    struct pnr p = parse_ok(text, reference);
    char out[12];
    pnr_format10(&p, reference, out);
    ASSERT_STR_EQ(out, want);
}

static void test_spec_examples(void)
{
    /* 640823-3234: 6*2=12->3, 4, 0, 8, 2*2=4, 3, 3*2=6, 2, 3*2=6: 3+4+0+8+4+3+6+2+6 = 36 -> 4.
     * 9th digit 3 is odd -> male. 1964-08-23 is on or before REF, and 2064 would be after. */
    assert_pnr(parse_ok("640823-3234", REF), "196408233234", 1964, 8, 23, SEX_MALE, false);
    assert_pnr(parse_ok("6408233234", REF), "196408233234", 1964, 8, 23, SEX_MALE, false);
    /* 811218-9876: 8*2=16->7, 1, 1*2=2, 2, 1*2=2, 8, 9*2=18->9, 8, 7*2=14->5:
     * 7+1+2+2+2+8+9+8+5 = 44 -> 6. 9th digit 7 -> male. */
    assert_pnr(parse_ok("811218-9876", REF), "198112189876", 1981, 12, 18, SEX_MALE, false);
}

static void test_female(void)
{
    /* 640823-3242: 3+4+0+8+4+3+6+2+(4*2=8) = 38 -> 2. 9th digit 4 is even -> female. */
    assert_pnr(parse_ok("640823-3242", REF), "196408233242", 1964, 8, 23, SEX_FEMALE, false);
}

static void test_bad_check_digit(void)
{
    assert_error("640823-3235", REF, "check digit is 5, expected 4"); /* 4 as above */
    assert_error("811218-9870", REF, "check digit is 0, expected 6");
    assert_error("6408233230", REF, "check digit is 0, expected 4");
}

static void test_impossible_dates(void)
{
    /* Dates are checked before the check digit; each number below has a correct one anyway.
     * 640230-3231: 3+4+0+2+(3*2=6)+0+6+2+6 = 29 -> 1. */
    assert_error("640230-3231", REF, "invalid date 1964-02-30 in personnummer");
    /* 641323-3237: 3+4+(1*2=2)+3+4+3+6+2+6 = 33 -> 7. */
    assert_error("641323-3237", REF, "invalid month 13 in personnummer");
    assert_error("640023-3230", REF, "invalid month 00 in personnummer");
    /* 850229-1233: 1985 is not a leap year. 7+5+0+2+4+9+2+2+6 = 37 -> 3. */
    assert_error("850229-1233", REF, "invalid date 1985-02-29 in personnummer");
    /* 640800-3231: 3+4+0+8+0+0+6+2+6 = 29 -> 1. */
    assert_error("640800-3231", REF,
                 "invalid day 00 in personnummer (01-31, or 61-91 in a samordningsnummer)");
    /* 640832-3233: 3+4+0+8+(3*2=6)+2+6+2+6 = 37 -> 3. */
    assert_error("640832-3233", REF,
                 "invalid day 32 in personnummer (01-31, or 61-91 in a samordningsnummer)");
    /* 640860-3238: 3+4+0+8+(6*2=12->3)+0+6+2+6 = 32 -> 8. Day 60 is neither range. */
    assert_error("640860-3238", REF,
                 "invalid day 60 in personnummer (01-31, or 61-91 in a samordningsnummer)");
}

static void test_leap_day(void)
{
    /* 840229-1234: 1984 is a leap year. 8*2=16->7, 4, 0, 2, 2*2=4, 9, 1*2=2, 2, 3*2=6:
     * 7+4+0+2+4+9+2+2+6 = 36 -> 4. 9th digit 3 -> male. */
    assert_pnr(parse_ok("840229-1234", REF), "198402291234", 1984, 2, 29, SEX_MALE, false);
    /* 000229-1235: 0+0+0+2+4+9+2+2+6 = 25 -> 5. With '-' the century is 2000 (leap, divisible
     * by 400); with '+' it is 1900, which is not a leap year, so the date does not exist. */
    assert_pnr(parse_ok("000229-1235", REF), "200002291235", 2000, 2, 29, SEX_MALE, false);
    assert_error("000229+1235", REF, "invalid date 1900-02-29 in personnummer");
    assert_error("19000229-1235", REF, "invalid date 1900-02-29 in personnummer");
}

static void test_samordningsnummer(void)
{
    /* 701063-2391 (spec): day 63 - 60 = 3 -> born 1970-10-03. 7*2=14->5, 0, 1*2=2, 0,
     * 6*2=12->3, 3, 2*2=4, 3, 9*2=18->9: 5+0+2+0+3+3+4+3+9 = 29 -> 1. 9th digit 9 -> male.
     * The stored digits keep the day as written (63). */
    struct pnr p = parse_ok("701063-2391", REF);
    assert_pnr(p, "197010632391", 1970, 10, 3, SEX_MALE, true);
    char out[12];
    pnr_format10(&p, REF, out);
    ASSERT_STR_EQ(out, "701063-2391");
    /* 701091-2397: day 91 - 60 = 31 October. 5+0+2+0+(9*2=18->9)+1+4+3+9 = 33 -> 7. */
    assert_pnr(parse_ok("701091-2397", REF), "197010912397", 1970, 10, 31, SEX_MALE, true);
    /* 700290-2398: 30 February does not exist. 5+0+0+2+9+0+4+3+9 = 32 -> 8. */
    assert_error("700290-2398", REF,
                 "invalid date 1970-02-30 in samordningsnummer (day 90 minus 60)");
    /* 701092-2396: 5+0+2+0+9+2+4+3+9 = 34 -> 6; day 92 is past 91. */
    assert_error("701092-2396", REF,
                 "invalid day 92 in personnummer (01-31, or 61-91 in a samordningsnummer)");
    assert_error("701063-2392", REF, "check digit is 2, expected 1");
}

static void test_plus_centenarian(void)
{
    /* 121212+1212: 1*2=2, 2, 1*2=2, 2, 1*2=2, 2, 1*2=2, 2, 1*2=2: sum 18 -> 2, so the check
     * digit is the final 2. '+' on 2026-11-24: the latest year ending in 12 that is at most
     * 2026 - 100 = 1926 is 1912. 9th digit 1 -> male. */
    struct pnr old = parse_ok("121212+1212", REF);
    assert_pnr(old, "191212121212", 1912, 12, 12, SEX_MALE, false);
    /* The same digits with '-': the latest 12-12-12 on or before REF is 2012-12-12. */
    struct pnr young = parse_ok("121212-1212", REF);
    assert_pnr(young, "201212121212", 2012, 12, 12, SEX_MALE, false);
    char out[12];
    pnr_format10(&old, REF, out);
    ASSERT_STR_EQ(out, "121212+1212");
    pnr_format10(&young, REF, out);
    ASSERT_STR_EQ(out, "121212-1212");
    /* 121212+1220: 2*8 + (2*2=4) = 20 -> 0. 9th digit 2 -> female. */
    assert_pnr(parse_ok("121212+1220", REF), "191212121220", 1912, 12, 12, SEX_FEMALE, false);
}

static void test_century_edge(void)
{
    /* 261124-1239 on 2026-11-24: born on the reference day itself, so 2026, age 0.
     * 2*2=4, 6, 1*2=2, 1, 2*2=4, 4, 1*2=2, 2, 3*2=6: 4+6+2+1+4+4+2+2+6 = 31 -> 9. */
    assert_pnr(parse_ok("261124-1239", REF), "202611241239", 2026, 11, 24, SEX_MALE, false);
    /* 261125-1238, one day after REF: 2026-11-25 is in the future, so 1926-11-25 (99 today).
     * 4+6+2+1+4+5+2+2+6 = 32 -> 8. */
    assert_pnr(parse_ok("261125-1238", REF), "192611251238", 1926, 11, 25, SEX_MALE, false);
    /* '+' means the person turns 100 or more in 2026, as this one does on 2026-11-25: the same
     * 1926 (not 1826; '+' is written from the start of the year of the 100th birthday). */
    assert_pnr(parse_ok("261125+1238", REF), "192611251238", 1926, 11, 25, SEX_MALE, false);
    assert_pnr(parse_ok("261124+1239", REF), "192611241239", 1926, 11, 24, SEX_MALE, false);
    /* 261230+1230: 4+6+2+2+(3*2=6)+0+2+2+6 = 30 -> 0. Turns 100 on 2026-12-30. */
    assert_pnr(parse_ok("261230+1230", REF), "192612301230", 1926, 12, 30, SEX_MALE, false);
    /* Reference 2000-01-01: 991231-1231 is 1999-12-31 (9*2=18->9, 9, 2, 2, 6, 1, 2, 2, 6:
     * 39 -> 1); 000101-1238 is that very day (0+0+0+1+0+1+2+2+6 = 12 -> 8); 000102-1237 would
     * be tomorrow, so it is 1900-01-02 (0+0+0+1+0+2+2+2+6 = 13 -> 7). */
    struct date y2k = { 2000, 1, 1 };
    assert_pnr(parse_ok("991231-1231", y2k), "199912311231", 1999, 12, 31, SEX_MALE, false);
    assert_pnr(parse_ok("000101-1238", y2k), "200001011238", 2000, 1, 1, SEX_MALE, false);
    assert_pnr(parse_ok("000102-1237", y2k), "190001021237", 1900, 1, 2, SEX_MALE, false);
}

static void test_format10_separator(void)
{
    /* '+' from the calendar year of the 100th birthday: 2026 - 1926 = 100. */
    assert_format10("19261230-1230", REF, "261230+1230");
    assert_format10("19261124-1239", REF, "261124+1239");
    /* 270101-1237 (4+7+0+1+0+1+2+2+6 = 23 -> 7): 1927 turns 100 in 2027, not yet. */
    assert_format10("19270101-1237", REF, "270101-1237");
    assert_format10("19270101-1237", (struct date){ 2027, 1, 1 }, "270101+1237");
    assert_format10("196408233234", REF, "640823-3234");
    /* Formatting then parsing gives the same person back. */
    assert_pnr(parse_ok("261230+1230", REF), "192612301230", 1926, 12, 30, SEX_MALE, false);
    struct pnr zero;
    memset(&zero, 0, sizeof(zero));
    char out[12] = "junk";
    pnr_format10(&zero, REF, out);
    ASSERT_STR_EQ(out, "");
}

static void test_twelve_digits(void)
{
    assert_pnr(parse_ok("196408233234", REF), "196408233234", 1964, 8, 23, SEX_MALE, false);
    assert_pnr(parse_ok("19640823-3234", REF), "196408233234", 1964, 8, 23, SEX_MALE, false);
    /* The century is as written, even 100+ years ago with '-'. 18991231-1231: check 1 as in
     * 991231-1231 (the century digits are not in the Luhn sum). */
    assert_pnr(parse_ok("18991231-1231", REF), "189912311231", 1899, 12, 31, SEX_MALE, false);
    assert_pnr(parse_ok("19701063-2391", REF), "197010632391", 1970, 10, 3, SEX_MALE, true);
    assert_error("19121212+1212", REF,
                 "'+' is only used with 10 digits; 12 digits already give the century");
    assert_error("17121212-1212", REF, "birth year 1712 in personnummer is before 1800");
    assert_error("19640823-3235", REF, "check digit is 5, expected 4");
}

static void test_future_birth_date(void)
{
    /* Only the 12-digit form can be in the future: the 10-digit form picks a past century. */
    assert_error("20261125-1238", REF,
                 "birth date 2026-11-25 in personnummer is after the reference date 2026-11-24");
    /* 270101-1237 as above. */
    assert_error("202701011237", REF,
                 "birth date 2027-01-01 in personnummer is after the reference date 2026-11-24");
    assert_error("20701063-2391", REF,
                 "birth date 2070-10-03 in samordningsnummer is after the reference date "
                 "2026-11-24");
    /* The reference day itself is allowed. */
    assert_pnr(parse_ok("20261124-1239", REF), "202611241239", 2026, 11, 24, SEX_MALE, false);
}

static void test_wrong_length(void)
{
    assert_error("640823-323", REF, "personnummer must have 10 or 12 digits, found 9");
    assert_error("640823-32345", REF, "personnummer must have 10 or 12 digits, found 11");
    assert_error("1964082332345", REF, "personnummer must have 10 or 12 digits, found 13");
    assert_error("6408", REF, "personnummer must have 10 or 12 digits, found 4");
    assert_error("-", REF, "personnummer must have 10 or 12 digits, found 0");
    assert_error("", REF, "personnummer is empty");
    assert_error(" \t\n", REF, "personnummer is empty");
    assert_error(NULL, REF, "personnummer is empty");
}

static void test_letters_and_symbols(void)
{
    assert_error("64O823-3234", REF,
                 "personnummer may contain only digits and '-' or '+', found 'O'");
    assert_error("640823-323X", REF,
                 "personnummer may contain only digits and '-' or '+', found 'X'");
    assert_error("640823 3234", REF,
                 "personnummer may contain only digits and '-' or '+', found ' '");
    assert_error("640823\t3234", REF,
                 "personnummer may contain only digits and '-' or '+', found a control character");
    /* An en dash (U+2013, UTF-8 e2 80 93) pasted from a word processor. */
    assert_error("640823\xe2\x80\x93"
                 "3234",
                 REF,
                 "personnummer may contain only digits and '-' or '+', found a non-ASCII "
                 "character");
}

static void test_separator_errors(void)
{
    assert_error("6408-233234", REF,
                 "the '-' in a personnummer must come just before the last four digits");
    assert_error("6408233234+", REF,
                 "the '+' in a personnummer must come just before the last four digits");
    assert_error("-6408233234", REF,
                 "the '-' in a personnummer must come just before the last four digits");
    assert_error("1964-08233234", REF,
                 "the '-' in a personnummer must come just before the last four digits");
    assert_error("640823--3234", REF, "personnummer may have only one '-' or '+'");
    assert_error("640823-+3234", REF, "personnummer may have only one '-' or '+'");
}

static void test_whitespace_trimmed(void)
{
    assert_pnr(parse_ok("  640823-3234\n", REF), "196408233234", 1964, 8, 23, SEX_MALE, false);
    assert_pnr(parse_ok("\t6408233234 ", REF), "196408233234", 1964, 8, 23, SEX_MALE, false);
    assert_pnr(parse_ok(" 19640823-3234\r\n", REF), "196408233234", 1964, 8, 23, SEX_MALE, false);
}

static void test_birth_number_000(void)
{
    /* 640823-0008: 3+4+0+8+4+3+0+0+0 = 22 -> 8, a correct check digit, but no birth number. */
    assert_error("640823-0008", REF, "birth number 000 is not used; digits 7-9 must be 001-999");
}

static void test_error_struct_optional(void)
{
    struct pnr p;
    ASSERT_EQ_INT(pnr_parse("640823-3235", REF, &p, NULL), ERR_INVALID);
    ASSERT_EQ_INT(p.digits[0], '\0');
    ASSERT_EQ_INT(pnr_parse("640823-3234", REF, &p, NULL), ERR_OK);
    ASSERT_STR_EQ(p.digits, "196408233234");
}

static void test_invalid_reference(void)
{
    struct pnr p;
    struct error err;
    ASSERT_EQ_INT(pnr_parse("640823-3234", (struct date){ 2026, 2, 30 }, &p, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "reference");
    ASSERT_STR_EQ(err.message, "reference date is not a valid date");
    ASSERT_EQ_INT(p.digits[0], '\0');
}

static void test_looks_like(void)
{
    ASSERT_TRUE(pnr_looks_like("640823-3234"));
    ASSERT_TRUE(pnr_looks_like("6408233234"));
    ASSERT_TRUE(pnr_looks_like("19640823-3234"));
    ASSERT_TRUE(pnr_looks_like("196408233234"));
    ASSERT_TRUE(pnr_looks_like("121212+1212"));
    ASSERT_TRUE(pnr_looks_like(" 640823-3234\n"));
    ASSERT_TRUE(pnr_looks_like("640823-3235")); /* wrong check digit: not looked at */
    ASSERT_TRUE(pnr_looks_like("999999-9999")); /* impossible date: not looked at */
    ASSERT_TRUE(!pnr_looks_like(NULL));
    ASSERT_TRUE(!pnr_looks_like(""));
    ASSERT_TRUE(!pnr_looks_like("   "));
    ASSERT_TRUE(!pnr_looks_like("6408"));
    ASSERT_TRUE(!pnr_looks_like("Anna Andersson"));
    ASSERT_TRUE(!pnr_looks_like("19121212+1212"));
    ASSERT_TRUE(!pnr_looks_like("640823-32345"));
    ASSERT_TRUE(!pnr_looks_like("6408-233234"));
    ASSERT_TRUE(!pnr_looks_like("640823--3234"));
    ASSERT_TRUE(!pnr_looks_like("64-08-23-3234"));
    ASSERT_TRUE(!pnr_looks_like("2026-11-24"));
}

int main(void)
{
    RUN_TEST(test_spec_examples);
    RUN_TEST(test_female);
    RUN_TEST(test_bad_check_digit);
    RUN_TEST(test_impossible_dates);
    RUN_TEST(test_leap_day);
    RUN_TEST(test_samordningsnummer);
    RUN_TEST(test_plus_centenarian);
    RUN_TEST(test_century_edge);
    RUN_TEST(test_format10_separator);
    RUN_TEST(test_twelve_digits);
    RUN_TEST(test_future_birth_date);
    RUN_TEST(test_wrong_length);
    RUN_TEST(test_letters_and_symbols);
    RUN_TEST(test_separator_errors);
    RUN_TEST(test_whitespace_trimmed);
    RUN_TEST(test_birth_number_000);
    RUN_TEST(test_error_struct_optional);
    RUN_TEST(test_invalid_reference);
    RUN_TEST(test_looks_like);
    TEST_SUMMARY();
}
