/* test_instrument.c - scoring of every shipped instrument (../shared/spec/instruments.md §0-2).
 * Expected values are worked by hand from the spec; the working is in the comments. */
#include "testing.h"
#include "support/support.h"

static struct instrument_score score_csv(const char *id, const char *csv, enum sex sex)
{
    int positions[INSTRUMENT_MAX_ITEMS + 1], count = 0;
    struct instrument_score score;
    struct error err;
    error_clear(&err);
    if (instrument_parse_answers(csv, positions, INSTRUMENT_MAX_ITEMS + 1, &count, &err) != ERR_OK)
        TEST_FAIL("parse %s: %s", csv, err.message);
    if (instrument_score(test_instrument(id), positions, count, sex, &score, &err) != ERR_OK)
        TEST_FAIL("score %s %s: %s", id, csv, err.message);
    return score;
}

static struct error score_error(const char *id, const char *csv)
{
    int positions[INSTRUMENT_MAX_ITEMS + 1], count = 0;
    struct instrument_score score;
    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(instrument_parse_answers(csv, positions, INSTRUMENT_MAX_ITEMS + 1, &count, &err),
                  ERR_OK);
    ASSERT_EQ_INT(
        instrument_score(test_instrument(id), positions, count, SEX_UNKNOWN, &score, &err),
        ERR_INVALID);
    ASSERT_EQ_INT(score.total, 0); /* nothing half-filled on error */
    return err;
}

/* Positions that add up to `total` on the scored items: greedily the highest option value that
 * still fits, so every total in range is reachable (items have a 0 and a 1 option, or 0/2/4). */
static int positions_for_total(const struct instrument *ins, int total, int *positions)
{
    int left = total;
    for (int i = 0; i < ins->item_count; i++) {
        const struct instrument_item *item = &ins->items[i];
        int best = -1;
        for (int o = 0; o < item->option_count; o++)
            if (item->options[o].value <= left &&
                (best < 0 || item->options[o].value > item->options[best].value))
                best = o;
        positions[i] = best;
        if (item->scored)
            left -= item->options[best].value;
    }
    ASSERT_EQ_INT(left, 0);
    int count = ins->item_count;
    while (count > 0 && ins->items[count - 1].optional)
        count--;
    return count;
}

struct band_case {
    const char *instrument;
    int total;
    enum sex sex;
    const char *band;
    enum tri caseness;
};

static void check_band_cases(const struct band_case *cases, int n)
{
    for (int i = 0; i < n; i++) {
        const struct instrument *ins = test_instrument(cases[i].instrument);
        int positions[INSTRUMENT_MAX_ITEMS];
        int count = positions_for_total(ins, cases[i].total, positions);
        struct instrument_score s;
        struct error err;
        error_clear(&err);
        if (instrument_score(ins, positions, count, cases[i].sex, &s, &err) != ERR_OK)
            TEST_FAIL("%s total %d: %s", ins->id, cases[i].total, err.message);
        if (s.total != cases[i].total || strcmp(s.band->id, cases[i].band) != 0 ||
            s.caseness != cases[i].caseness)
            TEST_FAIL("%s total %d (%s): got total %d band %s caseness %d, want band %s "
                      "caseness %d",
                      ins->id, cases[i].total, sex_name(cases[i].sex), s.total, s.band->id,
                      s.caseness, cases[i].band, cases[i].caseness);
    }
}

/* PHQ-9 bands 0-4 / 5-9 / 10-14 / 15-19 / 20-27, caseness >= 10 (spec 1.1). */
static void phq9_band_edges(void)
{
    static const struct band_case cases[] = {
        { "phq9", 0, SEX_UNKNOWN, "none_minimal", TRI_FALSE },
        { "phq9", 4, SEX_UNKNOWN, "none_minimal", TRI_FALSE },
        { "phq9", 5, SEX_UNKNOWN, "mild", TRI_FALSE },
        { "phq9", 9, SEX_UNKNOWN, "mild", TRI_FALSE },     /* one below caseness */
        { "phq9", 10, SEX_UNKNOWN, "moderate", TRI_TRUE }, /* on caseness */
        { "phq9", 11, SEX_UNKNOWN, "moderate", TRI_TRUE }, /* one above */
        { "phq9", 14, SEX_UNKNOWN, "moderate", TRI_TRUE },
        { "phq9", 15, SEX_UNKNOWN, "moderately_severe", TRI_TRUE },
        { "phq9", 16, SEX_UNKNOWN, "moderately_severe", TRI_TRUE },
        { "phq9", 19, SEX_UNKNOWN, "moderately_severe", TRI_TRUE },
        { "phq9", 20, SEX_UNKNOWN, "severe", TRI_TRUE },
        { "phq9", 21, SEX_UNKNOWN, "severe", TRI_TRUE },
        { "phq9", 27, SEX_UNKNOWN, "severe", TRI_TRUE },
    };
    check_band_cases(cases, (int)(sizeof(cases) / sizeof(cases[0])));
}

/* GAD-7 bands 0-4 / 5-9 / 10-14 / 15-21, caseness >= 8 (spec 1.2). */
static void gad7_band_edges(void)
{
    static const struct band_case cases[] = {
        { "gad7", 4, SEX_UNKNOWN, "minimal", TRI_FALSE },
        { "gad7", 5, SEX_UNKNOWN, "mild", TRI_FALSE },
        { "gad7", 6, SEX_UNKNOWN, "mild", TRI_FALSE },
        { "gad7", 7, SEX_UNKNOWN, "mild", TRI_FALSE }, /* one below caseness */
        { "gad7", 8, SEX_UNKNOWN, "mild", TRI_TRUE },  /* on caseness */
        { "gad7", 9, SEX_UNKNOWN, "mild", TRI_TRUE },
        { "gad7", 10, SEX_UNKNOWN, "moderate", TRI_TRUE },
        { "gad7", 14, SEX_UNKNOWN, "moderate", TRI_TRUE },
        { "gad7", 15, SEX_UNKNOWN, "severe", TRI_TRUE },
        { "gad7", 16, SEX_UNKNOWN, "severe", TRI_TRUE },
        { "gad7", 21, SEX_UNKNOWN, "severe", TRI_TRUE },
    };
    check_band_cases(cases, (int)(sizeof(cases) / sizeof(cases[0])));
}

/* The issue's example: 1+2+3+0+1+2+3+0+1 = 13, moderate (10-14), caseness (>= 10), item 9 = 1
 * > 0 raises "risk". */
static void phq9_issue_example(void)
{
    struct instrument_score s = score_csv("phq9", "1,2,3,0,1,2,3,0,1", SEX_UNKNOWN);
    ASSERT_EQ_INT(s.total, 13);
    ASSERT_STR_EQ(s.band->id, "moderate");
    ASSERT_EQ_INT(s.caseness, TRI_TRUE);
    ASSERT_EQ_INT(s.flags, FLAG_RISK);
    ASSERT_EQ_INT(s.index, -1);
}

/* Item 9 = 0: no risk flag, whatever the total (3x8 = 24, severe). */
static void phq9_item9_zero_no_risk(void)
{
    struct instrument_score s = score_csv("phq9", "3,3,3,3,3,3,3,3,0", SEX_UNKNOWN);
    ASSERT_EQ_INT(s.total, 24);
    ASSERT_STR_EQ(s.band->id, "severe");
    ASSERT_EQ_INT(s.flags, 0);
    /* item 9 = 3 ("nearly every day") on an otherwise empty form: total 3, still risk. */
    s = score_csv("phq9", "0,0,0,0,0,0,0,0,3", SEX_UNKNOWN);
    ASSERT_EQ_INT(s.total, 3);
    ASSERT_EQ_INT(s.flags, FLAG_RISK);
}

/* Item 10 (difficulty) is recorded but not counted: 9 answers or 10 are both accepted. */
static void phq9_item10_unscored(void)
{
    struct instrument_score s = score_csv("phq9", "1,1,1,1,1,1,1,1,0,3", SEX_UNKNOWN);
    ASSERT_EQ_INT(s.total, 8); /* 8 x 1, item 10's 3 not counted */
    ASSERT_EQ_INT(s.flags, 0);
}

/* NHS rule (spec 2.2): 1-2 missing items -> mean of answered x 9, rounded half up. */
static void phq9_prorating(void)
{
    /* 1,1,1,1,0,0,0,-,0: sum 4 over 8 answered; 4 x 9 / 8 = 4.5 -> 5 (mild). */
    struct instrument_score s = score_csv("phq9", "1,1,1,1,0,0,0,-,0", SEX_UNKNOWN);
    ASSERT_EQ_INT(s.total, 5);
    ASSERT_STR_EQ(s.band->id, "mild");
    ASSERT_EQ_INT(s.flags, FLAG_PRORATED);
    /* 2,2,2,2,2,2,2,-,- : sum 14 over 7; 14 x 9 / 7 = 18 exactly; item 9 missing -> risk
     * unknown, never imputed. */
    s = score_csv("phq9", "2,2,2,2,2,2,2,-,-", SEX_UNKNOWN);
    ASSERT_EQ_INT(s.total, 18);
    ASSERT_EQ_INT(s.flags, FLAG_PRORATED | FLAG_RISK_UNKNOWN);
    /* 1,1,1,1,1,1,1,-,2: sum 9 over 8; 81 / 8 = 10.125 -> 10; item 9 answered 2 -> risk. */
    s = score_csv("phq9", "1,1,1,1,1,1,1,-,2", SEX_UNKNOWN);
    ASSERT_EQ_INT(s.total, 10);
    ASSERT_EQ_INT(s.caseness, TRI_TRUE);
    ASSERT_EQ_INT(s.flags, FLAG_PRORATED | FLAG_RISK);
}

static void phq9_too_many_missing(void)
{
    struct error err = score_error("phq9", "1,-,1,-,1,-,1,1,1");
    ASSERT_STR_EQ(err.field, "/answers/1");
    ASSERT_CONTAINS(err.message, "3 unanswered items");
    ASSERT_CONTAINS(err.message, "item 2");
}

static void wrong_answer_counts(void)
{
    struct error err = score_error("phq9", "1,2,3,0,1,2,3,0");
    ASSERT_STR_EQ(err.field, "/answers");
    ASSERT_STR_EQ(err.message, "PHQ-9 expects 9 answers, got 8: item 9 has no answer");
    err = score_error("gad7", "1,1,1,1,1,1,1,1");
    ASSERT_STR_EQ(err.message, "GAD-7 expects 7 answers, got 8: it has no item 8");
    err = score_error("phq9", "1,1,1,1,1,1,1,1,1,1,1");
    ASSERT_STR_EQ(err.message, "PHQ-9 expects 9 answers, got 11: it has no item 11");
}

static void position_out_of_range(void)
{
    /* PHQ-9 options are positions 0-3; 4 on item 3 is out of range. */
    struct error err = score_error("phq9", "0,0,4,0,0,0,0,0,0");
    ASSERT_STR_EQ(err.field, "/answers/2");
    ASSERT_STR_EQ(err.message, "PHQ-9 item 3: answer position 4 is out of range 0-3");
}

static void gad7_incomplete_is_error(void)
{
    /* No prorating rule for GAD-7 (spec 2.2): any missing item is an error naming it. */
    struct error err = score_error("gad7", "1,1,1,-,1,1,1");
    ASSERT_STR_EQ(err.field, "/answers/3");
    ASSERT_STR_EQ(err.message, "GAD-7 item 4 is not answered: only complete forms can be scored");
}

static void not_applicable_only_where_allowed(void)
{
    struct error err = score_error("phq9", "na,0,0,0,0,0,0,0,0");
    ASSERT_STR_EQ(err.field, "/answers/0");
    ASSERT_CONTAINS(err.message, "not applicable");
}

static void parse_answers_errors(void)
{
    int positions[4], count = 0;
    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(instrument_parse_answers("1,x,2", positions, 4, &count, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.message, "answer 2 is \"x\": expected an option position, '-' or 'na'");
    ASSERT_EQ_INT(instrument_parse_answers("1,2,3,4,5", positions, 4, &count, &err), ERR_INVALID);
    ASSERT_EQ_INT(instrument_parse_answers("", positions, 4, &count, &err), ERR_INVALID);
    ASSERT_EQ_INT(instrument_parse_answers("-1", positions, 4, &count, &err), ERR_INVALID);
    ASSERT_EQ_INT(instrument_parse_answers("0,-,na,3", positions, 4, &count, &err), ERR_OK);
    ASSERT_EQ_INT(count, 4);
    ASSERT_EQ_INT(positions[1], ANSWER_MISSING);
    ASSERT_EQ_INT(positions[2], ANSWER_NOT_APPLICABLE);
    ASSERT_EQ_INT(positions[3], 3);
}

static void flag_names_round_trip(void)
{
    ASSERT_STR_EQ(instrument_flag_name(FLAG_RISK), "risk");
    ASSERT_STR_EQ(instrument_flag_name(FLAG_RISK_UNKNOWN), "risk_unknown");
    ASSERT_STR_EQ(instrument_flag_name(FLAG_PRORATED), "prorated");
    ASSERT_STR_EQ(instrument_flag_name(FLAG_LOW_ITEM), "low_item");
    ASSERT_EQ_INT(instrument_flag_parse("prorated"), FLAG_PRORATED);
    ASSERT_EQ_INT(instrument_flag_parse("nope"), 0);
}

static void bad_definitions_rejected(void)
{
    struct instrument_catalog cat;
    struct error err;
    instrument_catalog_init(&cat);
    error_clear(&err);
    ASSERT_EQ_INT(
        instrument_catalog_add_json(&cat, "{\"id\":\"x\",\"id\":\"y\"}", "dup.json", &err),
        ERR_INVALID); /* duplicate keys */
    ASSERT_EQ_INT(
        instrument_catalog_add_json(&cat, "{\"id\":\"x\",\"name\":\"X\"}", "x.json", &err),
        ERR_INVALID);
    ASSERT_STR_EQ(err.field, "/total/min");
    /* Bands must ascend from the minimum. */
    const char *descending =
        "{\"id\":\"x\",\"name\":\"X\",\"total\":{\"min\":0,\"max\":3},"
        "\"items\":[{\"id\":\"1\",\"options\":[{\"value\":0},{\"value\":3}]}],"
        "\"bands\":[{\"id\":\"a\",\"min\":0,\"severity\":0},{\"id\":\"b\",\"min\":0,"
        "\"severity\":1}]}";
    ASSERT_EQ_INT(instrument_catalog_add_json(&cat, descending, "x.json", &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "/bands/1");
    ASSERT_EQ_INT(cat.count, 0);
    instrument_catalog_release(&cat);
}

/* AUDIT: WHO zones I 0-7, II 8-15, III 16-19, IV 20-40 (spec 1.4); risk use (caseness) women
 * >= 6, men >= 8, unknown sex the lower 6 (docs/instruments.md). */
static void audit_band_and_sex_edges(void)
{
    static const struct band_case cases[] = {
        { "audit", 5, SEX_FEMALE, "zone_i", TRI_FALSE }, /* one below women's 6 */
        { "audit", 6, SEX_FEMALE, "zone_i", TRI_TRUE },  /* on */
        { "audit", 7, SEX_FEMALE, "zone_i", TRI_TRUE },  /* one above */
        { "audit", 7, SEX_MALE, "zone_i", TRI_FALSE },   /* one below men's 8 */
        { "audit", 8, SEX_MALE, "zone_ii", TRI_TRUE },   /* on; zone II starts at 8 */
        { "audit", 9, SEX_MALE, "zone_ii", TRI_TRUE },
        { "audit", 5, SEX_UNKNOWN, "zone_i", TRI_FALSE },
        { "audit", 6, SEX_UNKNOWN, "zone_i", TRI_TRUE },
        { "audit", 15, SEX_MALE, "zone_ii", TRI_TRUE },
        { "audit", 16, SEX_MALE, "zone_iii", TRI_TRUE },
        { "audit", 17, SEX_MALE, "zone_iii", TRI_TRUE },
        { "audit", 19, SEX_MALE, "zone_iii", TRI_TRUE },
        { "audit", 20, SEX_MALE, "zone_iv", TRI_TRUE },
        { "audit", 21, SEX_MALE, "zone_iv", TRI_TRUE },
        { "audit", 40, SEX_FEMALE, "zone_iv", TRI_TRUE },
    };
    check_band_cases(cases, (int)(sizeof(cases) / sizeof(cases[0])));
}

/* AUDIT items 9-10 take positions 0, 1, 2 worth 0, 2, 4 (spec 1.4). */
static void audit_items_9_10_values(void)
{
    /* Item 9 position 2 = 4 points, item 10 position 1 = 2 points: total 6. */
    struct instrument_score s = score_csv("audit", "0,0,0,0,0,0,0,0,2,1", SEX_MALE);
    ASSERT_EQ_INT(s.total, 6);
    ASSERT_EQ_INT(s.caseness, TRI_FALSE); /* 6 < 8 for men */
    s = score_csv("audit", "0,0,0,0,0,0,0,0,2,1", SEX_FEMALE);
    ASSERT_EQ_INT(s.caseness, TRI_TRUE); /* 6 >= 6 for women */
    struct error err = score_error("audit", "0,0,0,0,0,0,0,0,3,0");
    ASSERT_STR_EQ(err.field, "/answers/8");
    ASSERT_STR_EQ(err.message, "AUDIT item 9: answer position 3 is out of range 0-2");
}

/* AUDIT-C: positive women >= 3, men >= 4 (spec 1.5); band and caseness agree. */
static void auditc_sex_edges(void)
{
    static const struct band_case cases[] = {
        { "auditc", 2, SEX_FEMALE, "negative", TRI_FALSE },
        { "auditc", 3, SEX_FEMALE, "positive", TRI_TRUE },
        { "auditc", 4, SEX_FEMALE, "positive", TRI_TRUE },
        { "auditc", 3, SEX_MALE, "negative", TRI_FALSE },
        { "auditc", 4, SEX_MALE, "positive", TRI_TRUE },
        { "auditc", 5, SEX_MALE, "positive", TRI_TRUE },
        { "auditc", 12, SEX_UNKNOWN, "positive", TRI_TRUE },
    };
    check_band_cases(cases, (int)(sizeof(cases) / sizeof(cases[0])));
}

/* DUDIT: probable problems women >= 2, men >= 6; probable dependence >= 25 (spec 1.6). */
static void dudit_sex_edges(void)
{
    static const struct band_case cases[] = {
        { "dudit", 1, SEX_FEMALE, "negative", TRI_FALSE },
        { "dudit", 2, SEX_FEMALE, "probable_problems", TRI_TRUE },
        { "dudit", 3, SEX_FEMALE, "probable_problems", TRI_TRUE },
        { "dudit", 5, SEX_MALE, "negative", TRI_FALSE },
        { "dudit", 6, SEX_MALE, "probable_problems", TRI_TRUE },
        { "dudit", 7, SEX_MALE, "probable_problems", TRI_TRUE },
        { "dudit", 24, SEX_MALE, "probable_problems", TRI_TRUE },
        { "dudit", 25, SEX_MALE, "probable_dependence", TRI_TRUE },
        { "dudit", 26, SEX_FEMALE, "probable_dependence", TRI_TRUE },
        { "dudit", 44, SEX_FEMALE, "probable_dependence", TRI_TRUE },
    };
    check_band_cases(cases, (int)(sizeof(cases) / sizeof(cases[0])));
}

/* WSAS: <10 subclinical, 10-20 significant, >20 moderately severe or worse; no caseness. */
static void wsas_band_edges(void)
{
    static const struct band_case cases[] = {
        { "wsas", 9, SEX_UNKNOWN, "subclinical", TRI_NULL },
        { "wsas", 10, SEX_UNKNOWN, "significant_impairment", TRI_NULL },
        { "wsas", 11, SEX_UNKNOWN, "significant_impairment", TRI_NULL },
        { "wsas", 20, SEX_UNKNOWN, "significant_impairment", TRI_NULL },
        { "wsas", 21, SEX_UNKNOWN, "moderately_severe_or_worse", TRI_NULL },
        { "wsas", 22, SEX_UNKNOWN, "moderately_severe_or_worse", TRI_NULL },
        { "wsas", 40, SEX_UNKNOWN, "moderately_severe_or_worse", TRI_NULL },
    };
    check_band_cases(cases, (int)(sizeof(cases) / sizeof(cases[0])));
}

/* WSAS item 1 "not applicable" (retired): total of items 2-5, out of 32 (spec 2.2). */
static void wsas_item1_not_applicable(void)
{
    struct instrument_score s = score_csv("wsas", "na,8,8,8,8", SEX_UNKNOWN);
    ASSERT_EQ_INT(s.total, 32);
    ASSERT_EQ_INT(s.max_total, 32);
    ASSERT_STR_EQ(s.band->id, "moderately_severe_or_worse");
    s = score_csv("wsas", "1,2,3,4,0", SEX_UNKNOWN);
    ASSERT_EQ_INT(s.total, 10);
    ASSERT_EQ_INT(s.max_total, 40);
    struct error err = score_error("wsas", "0,na,0,0,0");
    ASSERT_STR_EQ(err.field, "/answers/1");
}

/* WHO-5: position 0 = "All of the time" = 5; raw 0-25, index = raw x 4; poor well-being raw
 * <= 12 (index < 50); any item at 0 or 1 raises low_item (spec 1.8, 2.3). */
static void who5_reverse_and_index(void)
{
    static const struct band_case cases[] = {
        { "who5", 11, SEX_UNKNOWN, "poor_wellbeing", TRI_TRUE },
        { "who5", 12, SEX_UNKNOWN, "poor_wellbeing", TRI_TRUE },      /* index 48 */
        { "who5", 13, SEX_UNKNOWN, "adequate_wellbeing", TRI_FALSE }, /* index 52 */
        { "who5", 14, SEX_UNKNOWN, "adequate_wellbeing", TRI_FALSE },
    };
    check_band_cases(cases, (int)(sizeof(cases) / sizeof(cases[0])));
    struct instrument_score s = score_csv("who5", "0,0,0,0,0", SEX_UNKNOWN);
    ASSERT_EQ_INT(s.total, 25); /* 5 x 5 */
    ASSERT_EQ_INT(s.index, 100);
    ASSERT_EQ_INT(s.flags, 0);
    s = score_csv("who5", "1,1,1,1,4", SEX_UNKNOWN);
    ASSERT_EQ_INT(s.total, 17);            /* 4+4+4+4+1 */
    ASSERT_EQ_INT(s.index, 68);            /* 17 x 4 */
    ASSERT_EQ_INT(s.flags, FLAG_LOW_ITEM); /* item 5 = 1 <= 1 */
    ASSERT_EQ_INT(s.caseness, TRI_FALSE);
}

/* PHQ-2 and GAD-2: positive >= 3 (spec 1.3). */
static void screener_edges(void)
{
    static const struct band_case cases[] = {
        { "phq2", 2, SEX_UNKNOWN, "negative", TRI_FALSE },
        { "phq2", 3, SEX_UNKNOWN, "positive", TRI_TRUE },
        { "phq2", 4, SEX_UNKNOWN, "positive", TRI_TRUE },
        { "gad2", 2, SEX_UNKNOWN, "negative", TRI_FALSE },
        { "gad2", 3, SEX_UNKNOWN, "positive", TRI_TRUE },
        { "gad2", 6, SEX_UNKNOWN, "positive", TRI_TRUE },
    };
    check_band_cases(cases, (int)(sizeof(cases) / sizeof(cases[0])));
}

/* Every shipped definition: totals and bands are consistent (the maximum is reachable and the
 * band table covers it), and the ids the CLI documents are all there. */
static void catalogue_complete(void)
{
    const char *ids[] = {
        "phq9", "gad7", "audit", "auditc", "wsas", "who5", "phq2", "gad2", "dudit"
    };
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        const struct instrument *ins = test_instrument(ids[i]);
        int positions[INSTRUMENT_MAX_ITEMS];
        int count = positions_for_total(ins, ins->total_max, positions);
        struct instrument_score s;
        ASSERT_EQ_INT(instrument_score(ins, positions, count, SEX_UNKNOWN, &s, NULL), ERR_OK);
        ASSERT_EQ_INT(s.total, ins->total_max);
        ASSERT_TRUE(s.band != NULL);
    }
}

int main(void)
{
    RUN_TEST(phq9_band_edges);
    RUN_TEST(gad7_band_edges);
    RUN_TEST(phq9_issue_example);
    RUN_TEST(phq9_item9_zero_no_risk);
    RUN_TEST(phq9_item10_unscored);
    RUN_TEST(phq9_prorating);
    RUN_TEST(phq9_too_many_missing);
    RUN_TEST(wrong_answer_counts);
    RUN_TEST(position_out_of_range);
    RUN_TEST(gad7_incomplete_is_error);
    RUN_TEST(not_applicable_only_where_allowed);
    RUN_TEST(parse_answers_errors);
    RUN_TEST(flag_names_round_trip);
    RUN_TEST(bad_definitions_rejected);
    RUN_TEST(audit_band_and_sex_edges);
    RUN_TEST(audit_items_9_10_values);
    RUN_TEST(auditc_sex_edges);
    RUN_TEST(dudit_sex_edges);
    RUN_TEST(wsas_band_edges);
    RUN_TEST(wsas_item1_not_applicable);
    RUN_TEST(who5_reverse_and_index);
    RUN_TEST(screener_edges);
    RUN_TEST(catalogue_complete);
    TEST_SUMMARY();
}
