/* test_date.c - civil dates: validity, strict ISO parsing, day numbers, formatting, age. */
#include "core/date.h"

#include "testing.h"

static void assert_date(struct date got, int year, int month, int day)
{
    ASSERT_EQ_INT(got.year, year);
    ASSERT_EQ_INT(got.month, month);
    ASSERT_EQ_INT(got.day, day);
}

/* Parse `iso`, expect ERR_INVALID with field "date", this exact message and *out zeroed. */
static void assert_parse_error(const char *iso, const char *message)
{
    struct date d = { 1, 2, 3 };
    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(date_parse(iso, &d, &err), ERR_INVALID);
    ASSERT_EQ_INT(err.code, ERR_INVALID);
    ASSERT_STR_EQ(err.field, "date");
    ASSERT_STR_EQ(err.message, message);
    assert_date(d, 0, 0, 0);
}

static void test_valid_leap_years(void)
{
    ASSERT_TRUE(date_valid(2024, 2, 29));  /* 2024 divisible by 4: leap */
    ASSERT_TRUE(!date_valid(2026, 2, 29)); /* 2026 not divisible by 4 */
    ASSERT_TRUE(date_valid(2026, 2, 28));
    ASSERT_TRUE(date_valid(2000, 2, 29));  /* century divisible by 400: leap */
    ASSERT_TRUE(!date_valid(1900, 2, 29)); /* century not divisible by 400: common */
    ASSERT_TRUE(!date_valid(2100, 2, 29));
    ASSERT_TRUE(!date_valid(2024, 2, 30)); /* February never has 30 days */
}

static void test_valid_ranges(void)
{
    ASSERT_TRUE(date_valid(2026, 4, 30));
    ASSERT_TRUE(!date_valid(2026, 4, 31)); /* April has 30 days */
    ASSERT_TRUE(date_valid(2026, 12, 31));
    ASSERT_TRUE(date_valid(2026, 1, 31));
    ASSERT_TRUE(!date_valid(2026, 0, 10));
    ASSERT_TRUE(!date_valid(2026, 13, 1));
    ASSERT_TRUE(!date_valid(2026, 1, 0));
    ASSERT_TRUE(!date_valid(2026, 1, 32));
    ASSERT_TRUE(!date_valid(2026, 3, -1));
    ASSERT_TRUE(date_valid(1, 1, 1)); /* the supported range is years 1-9999 */
    ASSERT_TRUE(date_valid(9999, 12, 31));
    ASSERT_TRUE(!date_valid(0, 1, 1));
    ASSERT_TRUE(!date_valid(10000, 1, 1));
    ASSERT_TRUE(!date_valid(-2026, 1, 1));
}

static void test_parse_valid(void)
{
    struct date d;
    ASSERT_EQ_INT(date_parse("2026-11-24", &d, NULL), ERR_OK);
    assert_date(d, 2026, 11, 24);
    ASSERT_EQ_INT(date_parse("2024-02-29", &d, NULL), ERR_OK);
    assert_date(d, 2024, 2, 29);
    ASSERT_EQ_INT(date_parse("0001-01-01", &d, NULL), ERR_OK);
    assert_date(d, 1, 1, 1);
    ASSERT_EQ_INT(date_parse("9999-12-31", &d, NULL), ERR_OK);
    assert_date(d, 9999, 12, 31);
}

static void test_parse_shape_errors(void)
{
    assert_parse_error("2026-1-01", "date must be YYYY-MM-DD, not \"2026-1-01\"");
    assert_parse_error("2026-01-1", "date must be YYYY-MM-DD, not \"2026-01-1\"");
    assert_parse_error("26-01-01", "date must be YYYY-MM-DD, not \"26-01-01\"");
    assert_parse_error("2026-01-01x", "date must be YYYY-MM-DD, not \"2026-01-01x\"");
    assert_parse_error("2026-01-01T00:00", "date must be YYYY-MM-DD, not \"2026-01-01T00:00\"");
    assert_parse_error("2026-01-01 ", "date must be YYYY-MM-DD, not \"2026-01-01 \"");
    assert_parse_error(" 2026-01-01", "date must be YYYY-MM-DD, not \" 2026-01-01\"");
    assert_parse_error("2026/01/01", "date must be YYYY-MM-DD, not \"2026/01/01\"");
    assert_parse_error("+026-01-01", "date must be YYYY-MM-DD, not \"+026-01-01\"");
    assert_parse_error("2026-0a-01", "date must be YYYY-MM-DD, not \"2026-0a-01\"");
    assert_parse_error("20261124", "date must be YYYY-MM-DD, not \"20261124\"");
    assert_parse_error("", "date must be YYYY-MM-DD, not \"\"");
    assert_parse_error(NULL, "date is missing");
    /* Long input is quoted only up to 40 characters. */
    assert_parse_error("2026-01-01 and then a very long tail of junk text",
                       "date must be YYYY-MM-DD, not \"2026-01-01 and then a very long tail of "
                       "\"");
}

static void test_parse_range_errors(void)
{
    assert_parse_error("2026-13-01", "invalid date \"2026-13-01\": month must be 01-12");
    assert_parse_error("2026-00-10", "invalid date \"2026-00-10\": month must be 01-12");
    /* 2026 is not a leap year: February has 28 days. */
    assert_parse_error("2026-02-29", "invalid date \"2026-02-29\": day must be 01-28 in February "
                                     "2026");
    /* 2024 is a leap year: February has 29 days. */
    assert_parse_error("2024-02-30", "invalid date \"2024-02-30\": day must be 01-29 in February "
                                     "2024");
    assert_parse_error("2026-04-31",
                       "invalid date \"2026-04-31\": day must be 01-30 in April 2026");
    assert_parse_error("2026-01-00", "invalid date \"2026-01-00\": day must be 01-31 in January "
                                     "2026");
    assert_parse_error("0000-01-01", "invalid date \"0000-01-01\": year must be 0001-9999");
}

static void test_parse_without_error_struct(void)
{
    struct date d;
    ASSERT_EQ_INT(date_parse("2026-13-01", &d, NULL), ERR_INVALID);
    assert_date(d, 0, 0, 0);
}

static void test_to_days_known_values(void)
{
    ASSERT_EQ_INT(date_to_days((struct date){ 1970, 1, 1 }), 0);
    ASSERT_EQ_INT(date_to_days((struct date){ 1970, 1, 2 }), 1);
    ASSERT_EQ_INT(date_to_days((struct date){ 1969, 12, 31 }), -1);
    /* 1970-1999: 30 * 365 = 10950, plus leap days 1972,76,80,84,88,92,96 = 7 -> 10957. */
    ASSERT_EQ_INT(date_to_days((struct date){ 2000, 1, 1 }), 10957);
    /* 2000-2025: 26 * 365 = 9490, plus leap days 2000,04,08,12,16,20,24 = 7 -> 20454 on
     * 2026-01-01; Jan-Oct of 2026 = 31+28+31+30+31+30+31+31+30+31 = 304, plus 23 -> 20781. */
    ASSERT_EQ_INT(date_to_days((struct date){ 2026, 11, 24 }), 20781);
    /* Years 1-1969: 1969 * 365 = 718685, leap days 492 - 19 + 4 = 477 -> 719162 before 1970. */
    ASSERT_EQ_INT(date_to_days((struct date){ 1, 1, 1 }), -719162);
    /* Years 1970-9999: 8030 * 365 = 2930950, leap days (2424 up to 9999) - (477 up to 1969)
     * = 1947 -> 2932897 days to 10000-01-01, so 9999-12-31 is day 2932896. */
    ASSERT_EQ_INT(date_to_days((struct date){ 9999, 12, 31 }), 2932896);
}

static void test_from_days_known_values(void)
{
    assert_date(date_from_days(0), 1970, 1, 1);
    assert_date(date_from_days(-1), 1969, 12, 31);
    assert_date(date_from_days(20781), 2026, 11, 24); /* worked out above */
    assert_date(date_from_days(-719162), 1, 1, 1);
    assert_date(date_from_days(2932896), 9999, 12, 31);
    /* Far outside any calendar libc can represent safely: {0, 0, 0}. */
    assert_date(date_from_days(4000000000L), 0, 0, 0);
    assert_date(date_from_days(-4000000000L), 0, 0, 0);
}

static void test_days_round_trip(void)
{
    /* Every day from 1899-12-01 to 2101-01-31 (covers 1900, 2000 and 2100): each day number
     * maps to a valid date that maps back, and consecutive numbers are consecutive dates. */
    long first = date_to_days((struct date){ 1899, 12, 1 });
    long last = date_to_days((struct date){ 2101, 1, 31 });
    struct date previous = date_from_days(first - 1);
    for (long days = first; days <= last; days++) {
        struct date d = date_from_days(days);
        ASSERT_TRUE(date_valid(d.year, d.month, d.day));
        ASSERT_EQ_INT(date_to_days(d), days);
        bool next_day = d.day == previous.day + 1 && d.month == previous.month;
        bool next_month = d.day == 1 && d.month == previous.month % 12 + 1;
        ASSERT_TRUE(next_day || next_month);
        previous = d;
    }
    /* 1900 has no 29 February: the day after 02-28 is 03-01. */
    long feb28 = date_to_days((struct date){ 1900, 2, 28 });
    assert_date(date_from_days(feb28 + 1), 1900, 3, 1);
}

static void test_format(void)
{
    char out[11];
    date_format((struct date){ 2026, 11, 24 }, out);
    ASSERT_STR_EQ(out, "2026-11-24");
    date_format((struct date){ 1, 1, 1 }, out);
    ASSERT_STR_EQ(out, "0001-01-01");
    date_format((struct date){ 2024, 2, 29 }, out);
    ASSERT_STR_EQ(out, "2024-02-29");
    date_format((struct date){ 2026, 2, 30 }, out); /* invalid -> zeros */
    ASSERT_STR_EQ(out, "0000-00-00");
    date_format((struct date){ 0, 0, 0 }, out);
    ASSERT_STR_EQ(out, "0000-00-00");
    /* Parse and format are inverses. */
    struct date d;
    ASSERT_EQ_INT(date_parse("1964-08-23", &d, NULL), ERR_OK);
    date_format(d, out);
    ASSERT_STR_EQ(out, "1964-08-23");
}

static void test_age_edges(void)
{
    struct date birth = { 1990, 6, 15 };
    ASSERT_EQ_INT(date_age_years(birth, (struct date){ 2026, 6, 14 }), 35); /* day before */
    ASSERT_EQ_INT(date_age_years(birth, (struct date){ 2026, 6, 15 }), 36); /* birthday */
    ASSERT_EQ_INT(date_age_years(birth, (struct date){ 2026, 5, 31 }), 35); /* earlier month */
    ASSERT_EQ_INT(date_age_years(birth, (struct date){ 2026, 12, 31 }), 36);
    ASSERT_EQ_INT(date_age_years(birth, birth), 0);                        /* born today */
    ASSERT_EQ_INT(date_age_years(birth, (struct date){ 1991, 6, 14 }), 0); /* 364 days */
    ASSERT_EQ_INT(date_age_years(birth, (struct date){ 1990, 6, 14 }), -1);
    ASSERT_EQ_INT(date_age_years(birth, (struct date){ 1980, 1, 1 }), -1);
    /* 100th birthday: 2026 - 1926 = 100 on the day, 99 the day before. */
    ASSERT_EQ_INT(date_age_years((struct date){ 1926, 11, 24 }, (struct date){ 2026, 11, 24 }),
                  100);
    ASSERT_EQ_INT(date_age_years((struct date){ 1926, 11, 24 }, (struct date){ 2026, 11, 23 }), 99);
}

static void test_age_leap_day_birthday(void)
{
    struct date birth = { 2000, 2, 29 };
    /* Common year: still 17 on 02-28 (28 < 29), 18 on 03-01. */
    ASSERT_EQ_INT(date_age_years(birth, (struct date){ 2018, 2, 28 }), 17);
    ASSERT_EQ_INT(date_age_years(birth, (struct date){ 2018, 3, 1 }), 18);
    /* Leap year: the birthday itself. */
    ASSERT_EQ_INT(date_age_years(birth, (struct date){ 2020, 2, 28 }), 19);
    ASSERT_EQ_INT(date_age_years(birth, (struct date){ 2020, 2, 29 }), 20);
}

/* Instants as ISO 8601 UTC; the expected texts are those of Python's
 * datetime.fromtimestamp(e, timezone.utc) for the same epoch seconds. */
static void test_datetime_format(void)
{
    static const struct {
        long long epoch;
        const char *text;
    } cases[] = {
        { 0, "1970-01-01T00:00:00Z" },          { -1, "1969-12-31T23:59:59Z" },
        { 1764000000, "2025-11-24T16:00:00Z" }, { 951868799, "2000-02-29T23:59:59Z" },
        { 4102444799, "2099-12-31T23:59:59Z" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[21];
        datetime_format(cases[i].epoch, text);
        ASSERT_STR_EQ(text, cases[i].text);
    }
}

int main(void)
{
    RUN_TEST(test_valid_leap_years);
    RUN_TEST(test_valid_ranges);
    RUN_TEST(test_parse_valid);
    RUN_TEST(test_parse_shape_errors);
    RUN_TEST(test_parse_range_errors);
    RUN_TEST(test_parse_without_error_struct);
    RUN_TEST(test_to_days_known_values);
    RUN_TEST(test_from_days_known_values);
    RUN_TEST(test_days_round_trip);
    RUN_TEST(test_format);
    RUN_TEST(test_datetime_format);
    RUN_TEST(test_age_edges);
    RUN_TEST(test_age_leap_day_birthday);
    TEST_SUMMARY();
}
