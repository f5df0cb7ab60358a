/* test_cli.c - the `stegvis` command through the real binary: exit codes, JSON, messages.
 * Expected values are worked by hand from ../shared/spec/instruments.md. */
#include "testing.h"
#include "support/support.h"

/* Run stegvis with the given arguments and check exit code and exact stdout. */
static void expect_out(const char *const *args, int exit_code, const char *out)
{
    struct test_run run = test_run_stegvis(NULL, args);
    if (run.exit_code != exit_code || strcmp(run.out, out) != 0)
        TEST_FAIL("stegvis %s ...: exit %d, stdout \"%s\", stderr \"%s\"; want exit %d, stdout "
                  "\"%s\"",
                  args[0], run.exit_code, run.out, run.err, exit_code, out);
    test_run_free(&run);
}

/* Run stegvis expecting exit 2, nothing on stdout and exactly one line on stderr. */
static void expect_usage_error(const char *const *args, const char *err_line)
{
    struct test_run run = test_run_stegvis(NULL, args);
    if (run.exit_code != 2 || run.out[0] != '\0' || strcmp(run.err, err_line) != 0)
        TEST_FAIL("stegvis %s ...: exit %d, stdout \"%s\", stderr \"%s\"; want exit 2 and "
                  "stderr \"%s\"",
                  args[0], run.exit_code, run.out, run.err, err_line);
    test_run_free(&run);
}

static void score_issue_example(void)
{
    /* 1+2+3+0+1+2+3+0+1 = 13: moderate (10-14), caseness (>= 10), item 9 = 1 -> risk. */
    const char *args[] = { "score", "phq9", "1,2,3,0,1,2,3,0,1", NULL };
    expect_out(args, 0,
               "{\"instrument\":\"phq9\",\"total\":13,\"band\":\"moderate\",\"caseness\":true,"
               "\"flags\":[\"risk\"]}\n");
}

static void score_gad7(void)
{
    /* 1+1+1+1+1+1+1 = 7: mild (5-9), below caseness 8; no flags. */
    const char *args[] = { "score", "gad7", "1,1,1,1,1,1,1", NULL };
    expect_out(args, 0,
               "{\"instrument\":\"gad7\",\"total\":7,\"band\":\"mild\",\"caseness\":false,"
               "\"flags\":[]}\n");
}

static void score_prorated(void)
{
    /* 1,1,1,1,0,0,0,-,0: sum 4 of 8 answered, 4 x 9 / 8 = 4.5 -> 5 (mild), prorated. */
    const char *args[] = { "score", "phq9", "1,1,1,1,0,0,0,-,0", NULL };
    expect_out(args, 0,
               "{\"instrument\":\"phq9\",\"total\":5,\"band\":\"mild\",\"caseness\":false,"
               "\"flags\":[\"prorated\"]}\n");
}

static void score_errors(void)
{
    const char *unknown[] = { "score", "phq8", "1,2", NULL };
    struct test_run run = test_run_stegvis(NULL, unknown);
    ASSERT_EQ_INT(run.exit_code, 2);
    ASSERT_CONTAINS(run.err, "stegvis: unknown instrument \"phq8\" (known: ");
    ASSERT_CONTAINS(run.err, "phq9");
    test_run_free(&run);

    const char *count[] = { "score", "phq9", "1,2,3", NULL };
    expect_usage_error(count, "stegvis: PHQ-9 expects 9 answers, got 3: item 4 has no answer\n");
    const char *range[] = { "score", "gad7", "0,0,0,0,0,0,7", NULL };
    expect_usage_error(range, "stegvis: GAD-7 item 7: answer position 7 is out of range 0-3\n");
    const char *junk[] = { "score", "gad7", "0,0,zero,0,0,0,0", NULL };
    expect_usage_error(junk, "stegvis: answer 3 is \"zero\": expected an option position, '-' "
                             "or 'na'\n");
    const char *missing_arg[] = { "score", "phq9", NULL };
    expect_usage_error(missing_arg,
                       "stegvis: usage: stegvis score INSTRUMENT P1,P2,... [--sex female|male]\n");
}

static void outcome_single(void)
{
    /* PHQ-9 18 -> 9: change -9, |9| >= 6 reliable improvement; 18 >= 10 caseness at start,
     * 9 < 10 not at the end -> recovery; recovery and reliable improvement -> reliable recovery. */
    const char *args[] = { "outcome", "phq9", "18", "9", NULL };
    expect_out(args, 0,
               "{\"instrument\":\"phq9\",\"first\":18,\"last\":9,\"change\":-9,"
               "\"reliable\":\"improvement\",\"caseness_start\":true,\"caseness_end\":false,"
               "\"recovery\":true,\"reliable_recovery\":true}\n");
    /* PHQ-9 8 -> 3: change -5 < 6 no reliable change; 8 < 10 not at caseness at start ->
     * recovery null (not in the denominator), reliable recovery null. */
    const char *mild[] = { "outcome", "phq9", "8", "3", NULL };
    expect_out(mild, 0,
               "{\"instrument\":\"phq9\",\"first\":8,\"last\":3,\"change\":-5,"
               "\"reliable\":\"none\",\"caseness_start\":false,\"caseness_end\":false,"
               "\"recovery\":null,\"reliable_recovery\":null}\n");
}

static void outcome_combined(void)
{
    /* PHQ-9 15 -> 8 (-7, reliable improvement, 8 < 10); GAD-7 9 -> 7 (-2, none; 9 >= 8 at
     * start, 7 < 8 at end). Caseness at start (both); both below at end -> recovery; one
     * improved and the other did not deteriorate -> reliable improvement -> reliable recovery. */
    const char *args[] = { "outcome", "--phq9", "15", "8", "--gad7", "9", "7", NULL };
    struct test_run run = test_run_stegvis(NULL, args);
    ASSERT_EQ_INT(run.exit_code, 0);
    ASSERT_CONTAINS(run.out, "\"caseness_start\":true,\"caseness_end\":false,"
                             "\"reliable\":\"improvement\",\"recovery\":true,"
                             "\"reliable_recovery\":true}\n");
    test_run_free(&run);
}

static void outcome_errors(void)
{
    const char *range[] = { "outcome", "phq9", "28", "3", NULL };
    struct test_run run = test_run_stegvis(NULL, range);
    ASSERT_EQ_INT(run.exit_code, 2);
    ASSERT_CONTAINS(run.err, "28");
    ASSERT_STR_EQ(run.out, "");
    test_run_free(&run);
    const char *word[] = { "outcome", "phq9", "ten", "3", NULL };
    expect_usage_error(word, "stegvis: first score \"ten\" is not a whole number\n");
}

static void pnr_valid(void)
{
    /* 640823-3234 (spec 6): born 1964-08-23, 9th digit 3 odd -> male. */
    const char *args[] = { "pnr", "640823-3234", "--on", "2026-11-24", NULL };
    expect_out(args, 0,
               "{\"pnr\":\"196408233234\",\"birth_date\":\"1964-08-23\",\"sex\":\"male\","
               "\"coordination_number\":false}\n");
    /* 701063-2391: day 63 - 60 = 3 -> samordningsnummer for 1970-10-03, digit 9 odd -> male. */
    const char *samordning[] = { "pnr", "701063-2391", "--on", "2026-11-24", NULL };
    expect_out(samordning, 0,
               "{\"pnr\":\"197010632391\",\"birth_date\":\"1970-10-03\",\"sex\":\"male\","
               "\"coordination_number\":true}\n");
}

static void pnr_bad_check_digit(void)
{
    const char *args[] = { "pnr", "640823-3235", "--on", "2026-11-24", NULL };
    struct test_run run = test_run_stegvis(NULL, args);
    ASSERT_EQ_INT(run.exit_code, 2);
    ASSERT_CONTAINS(run.err, "check digit");
    ASSERT_STR_EQ(run.out, "");
    test_run_free(&run);
}

static void recommend_moderate_depression(void)
{
    /* PHQ-9 all 1 = 9 except item 1 = 3 -> 11 + 0 on item 9: 3+1+1+1+1+1+1+1+0 = 10, moderate;
     * GAD-7 all 1 = 7. PHQ-9 10 > 9 (step 1 limit) and <= 14 -> step 2. */
    const char *args[] = {
        "recommend", "phq9=3,1,1,1,1,1,1,1,0", "gad7=1,1,1,1,1,1,1", "--lang", "en", NULL
    };
    struct test_run run = test_run_stegvis(NULL, args);
    ASSERT_EQ_INT(run.exit_code, 0);
    ASSERT_CONTAINS(run.out, "{\"step\":2,");
    ASSERT_CONTAINS(run.out, "\"reasons\":[");
    ASSERT_CONTAINS(run.out, "\"total\":10,\"band\":\"moderate\"");
    test_run_free(&run);
}

static void recommend_risk_raises(void)
{
    /* PHQ-9 0,0,0,0,0,0,0,0,1 = 1 with item 9 = 1, GAD-7 all 0: step 0 by score (1 <= 4,
     * 0 <= 4), the risk flag raises it to at least 3. */
    const char *args[] = { "recommend", "phq9=0,0,0,0,0,0,0,0,1", "gad7=0,0,0,0,0,0,0", NULL };
    struct test_run run = test_run_stegvis(NULL, args);
    ASSERT_EQ_INT(run.exit_code, 0);
    ASSERT_CONTAINS(run.out, "{\"step\":3,");
    ASSERT_CONTAINS(run.out, "\"flags\":[\"risk\"]");
    test_run_free(&run);
}

static void recommend_errors(void)
{
    const char *args[] = { "recommend", "phq9", NULL };
    expect_usage_error(args, "stegvis: \"phq9\": expected INSTRUMENT=P1,P2,...\n");
    const char *twice[] = { "recommend", "gad7=0,0,0,0,0,0,0", "gad7=0,0,0,0,0,0,0", NULL };
    expect_usage_error(twice, "stegvis: GAD-7 is given twice\n");
}

static void instruments_lists_all(void)
{
    const char *args[] = { "instruments", NULL };
    struct test_run run = test_run_stegvis(NULL, args);
    ASSERT_EQ_INT(run.exit_code, 0);
    const char *ids[] = {
        "phq9", "gad7", "audit", "auditc", "wsas", "who5", "phq2", "gad2", "dudit"
    };
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        char needle[32];
        snprintf(needle, sizeof(needle), "\"id\":\"%s\"", ids[i]);
        ASSERT_CONTAINS(run.out, needle);
    }
    /* PHQ-9: 10 items (9 scored), range 0-27. */
    ASSERT_CONTAINS(run.out, "\"id\":\"phq9\",\"name\":\"PHQ-9\",\"items\":10,\"scored_items\":9,"
                             "\"min\":0,\"max\":27");
    test_run_free(&run);
}

static void unknown_command(void)
{
    const char *args[] = { "frobnicate", NULL };
    expect_usage_error(args, "stegvis: unknown command \"frobnicate\" (try: stegvis --help)\n");
}

int main(void)
{
    RUN_TEST(score_issue_example);
    RUN_TEST(score_gad7);
    RUN_TEST(score_prorated);
    RUN_TEST(score_errors);
    RUN_TEST(outcome_single);
    RUN_TEST(outcome_combined);
    RUN_TEST(outcome_errors);
    RUN_TEST(pnr_valid);
    RUN_TEST(pnr_bad_check_digit);
    RUN_TEST(recommend_moderate_depression);
    RUN_TEST(recommend_risk_raises);
    RUN_TEST(recommend_errors);
    RUN_TEST(instruments_lists_all);
    RUN_TEST(unknown_command);
    TEST_SUMMARY();
}
