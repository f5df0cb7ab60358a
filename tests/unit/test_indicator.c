/* test_indicator.c - every episode indicator on a small hand-built set of episodes, with the
 * expected values worked out by hand below (docs/indicators.md has the definitions;
 * ../shared/spec/instruments.md §3 the NHS Talking Therapies rules, §5 the care guarantee).
 * Suppression, funnel plots, availability and training are in test_indicator_region.c.
 *
 * Rules used by hand: PHQ-9 caseness >= 10, reliable change 6; GAD-7 caseness >= 8, reliable
 * change 4. Finished = ended after >= 2 attended sessions. Paired = >= 2 scores on both PHQ-9
 * and GAD-7. Reliable improvement = one measure improved reliably and the other did not
 * deteriorate reliably (and the mirror for deterioration). Recovery = at caseness on the first
 * scores (either measure) and below caseness on both last scores.
 *
 * Three units (0 A, 1 B, 2 C), two municipalities (0, 1). Days count from day 0 = 2026-03-01;
 * March is days 0-30, April days 31-60; the period is days 0-60 unless a test says otherwise.
 * Flags: C = PHQ-9 and GAD-7 at assessment, K = contract complete (contact, next time, goals),
 * U = stepped up.
 *
 *  E  unit mun list sex band step ref ass trt  end ses PHQ-9 (n)  GAD-7 (n)  flags
 *  1   A    0   A    F   2    2    0   2  10   50   6  15->5  (2)  12->4  (2)  C K
 *  2   A    0   A    M   3    3    1   5  20   55   4  18->14 (3)  10->9  (3)  C, no goals, U
 *  3   A    1   B    F   2    1    3   6   -   40   1  12->6  (2)   9->5  (2)  C K
 *  4   A    0   A    F   4    2    4   4  12   58   3   8->4  (3)   6->3  (3)  K (no C)
 *  5   B    0   B    M   2    2    5   7  15   45   5  20->8  (4)  15->10 (4)  C K
 *  6   B    1   B    F   3    3    6  12  30   59   8  11->19 (5)   9->14 (5)  C, no next time, U
 *  7   B    1   A    M   1    2    8   9  16   52   2  10->9  (2)   8->7  (2)  C K
 *  8   B    0   B    F   2    1   10  11  18   57   3  14->7  (2)   9     (1)  C K
 *  9   C    1   C    F   2    2   12  14  20   54   6  16->4  (3)  14->3  (3)  C K
 * 10   C    1   C    M   3    3   14  20  35    -   3  17->12 (3)  11->9  (3)  C, no contact
 * 11   C    0   C    F   4    2   15  16  25   56   4  12->13 (2)   6->11 (2)  C K
 * 12   C    1   A    M   2    0   18  19   -   30   0   4     (1)   3     (1)  C K
 * 13   A    1   A    M   2    4   32  34  40    -   1  22     (1)  17     (1)  C K
 * 14   B    0   B    F   3    2   33  33  45    -   2   -          -          none
 * 15   C    0   C    F   2    -   50   -   -    -   0   -          -          none
 * 16   A    0   A    F   2    1   36  40  44   60   2  13->6  (2)   9->6  (2)  C K
 * 17   A    0   A    F   2    2  -40 -38 -30   -5   4  15->5  (2)  12->4  (2)  C K  (Jan/Feb)
 *
 * Outcomes of the finished episodes with paired scores (1, 2, 4, 5, 6, 7, 9, 11, 16):
 *  E1  PHQ 15->5 -10 RI, GAD 12->4 -8 RI; case at start, not at end: recovery, RI, RR
 *  E2  PHQ -4, GAD -1: no reliable change; 14 >= 10 at end: not recovered
 *  E4  PHQ 8 < 10, GAD 6 < 8 at start: not at caseness (out of the recovery denominator); -4,
 *      -3: no reliable change
 *  E5  PHQ -12 RI, GAD -5 RI: RI; GAD 10 >= 8 at end: not recovered, so no RR
 *  E6  PHQ +8 RD, GAD +5 RD: reliable deterioration; not recovered
 *  E7  PHQ 10 and GAD 8 at start (on the cut-offs: caseness), 9 and 7 at end: recovered;
 *      -1, -1: no reliable change, so no RR
 *  E9  PHQ -12 RI, GAD -11 RI, 4 and 3 at end: recovery, RI, RR
 *  E11 PHQ +1, GAD +5 RD: reliable deterioration; 13 at end: not recovered
 *  E16 PHQ 13->6 -7 RI, GAD 9->6 -3: RI (no deterioration on GAD); 6 and 6 at end: recovery, RR
 * Left out: E3 (1 session: not finished), E8 (GAD-7 scored once: not paired), E12 (0 sessions),
 * E10, E13, E14, E15 (not ended), E17 (ended before the period). */
#include <math.h>

#include "testing.h"
#include "core/date.h"
#include "core/indicator.h"
#include "support/support.h"

#define ASSERT_NEAR(got, want, tolerance)                                                          \
    do {                                                                                           \
        double got_ = (got), want_ = (want);                                                       \
        if (fabs(got_ - want_) > (tolerance))                                                      \
            TEST_FAIL("%s == %.9f, want %.9f", #got, got_, want_);                                 \
    } while (0)

#define C       INDICATOR_COMMON_AT_ASSESSMENT
#define K       INDICATOR_CONTRACT_COMPLETE
#define U       INDICATOR_STEPPED_UP
#define CONTACT INDICATOR_CONTRACT_CONTACT
#define NEXT    INDICATOR_CONTRACT_NEXT_TIME
#define GOALS   INDICATOR_CONTRACT_GOALS
#define F       SEX_FEMALE
#define M       SEX_MALE
#define NO      (-1)

struct row {
    int unit, municipality, listed;
    enum sex sex;
    int band, step;
    int referred, assessed, treated, ended, sessions;
    int phq_first, phq_last, phq_count, gad_first, gad_last, gad_count;
    unsigned flags;
};

static const struct row rows[] = {
    /*  u  m  l  sex b  step ref  ass  trt  end ses  PHQ-9        GAD-7        flags */
    { 0, 0, 0, F, 2, 2, 0, 2, 10, 50, 6, 15, 5, 2, 12, 4, 2, C | K },
    { 0, 0, 0, M, 3, 3, 1, 5, 20, 55, 4, 18, 14, 3, 10, 9, 3, C | CONTACT | NEXT | U },
    { 0, 1, 1, F, 2, 1, 3, 6, NO, 40, 1, 12, 6, 2, 9, 5, 2, C | K },
    { 0, 0, 0, F, 4, 2, 4, 4, 12, 58, 3, 8, 4, 3, 6, 3, 3, K },
    { 1, 0, 1, M, 2, 2, 5, 7, 15, 45, 5, 20, 8, 4, 15, 10, 4, C | K },
    { 1, 1, 1, F, 3, 3, 6, 12, 30, 59, 8, 11, 19, 5, 9, 14, 5, C | CONTACT | GOALS | U },
    { 1, 1, 0, M, 1, 2, 8, 9, 16, 52, 2, 10, 9, 2, 8, 7, 2, C | K },
    { 1, 0, 1, F, 2, 1, 10, 11, 18, 57, 3, 14, 7, 2, 9, 9, 1, C | K },
    { 2, 1, 2, F, 2, 2, 12, 14, 20, 54, 6, 16, 4, 3, 14, 3, 3, C | K },
    { 2, 1, 2, M, 3, 3, 14, 20, 35, NO, 3, 17, 12, 3, 11, 9, 3, C | NEXT | GOALS },
    { 2, 0, 2, F, 4, 2, 15, 16, 25, 56, 4, 12, 13, 2, 6, 11, 2, C | K },
    { 2, 1, 0, M, 2, 0, 18, 19, NO, 30, 0, 4, 4, 1, 3, 3, 1, C | K },
    { 0, 1, 0, M, 2, 4, 32, 34, 40, NO, 1, 22, 22, 1, 17, 17, 1, C | K },
    { 1, 0, 1, F, 3, 2, 33, 33, 45, NO, 2, NO, NO, 0, NO, NO, 0, 0 },
    { 2, 0, 2, F, 2, NO, 50, NO, NO, NO, 0, NO, NO, 0, NO, NO, 0, 0 },
    { 0, 0, 0, F, 2, 1, 36, 40, 44, 60, 2, 13, 6, 2, 9, 6, 2, C | K },
    { 0, 0, 0, F, 2, 2, -40, -38, -30, -5, 4, 15, 5, 2, 12, 4, 2, C | K },
};
#define EPISODES ((int)(sizeof(rows) / sizeof(rows[0])))

static long day0(void)
{
    return date_to_days((struct date){ 2026, 3, 1 });
}

static int32_t day_or_none(int offset)
{
    return offset == NO ? INDICATOR_NO_DAY : (int32_t)(day0() + offset);
}

static struct indicator_episode episode_of(const struct row *r)
{
    struct indicator_episode ep;
    indicator_episode_init(&ep);
    ep.unit = (int16_t)r->unit;
    ep.municipality = (int16_t)r->municipality;
    ep.listed_unit = (int16_t)r->listed;
    ep.sex = (int8_t)r->sex;
    ep.age_band = (int8_t)r->band;
    ep.step = (int8_t)r->step;
    /* Every episode has a referral; E17's lies in January (day -40). */
    ep.referred_day = (int32_t)(day0() + r->referred);
    ep.assessed_day = day_or_none(r->assessed);
    ep.treatment_day = day_or_none(r->treated);
    ep.ended_day = day_or_none(r->ended);
    ep.sessions_attended = (uint16_t)r->sessions;
    ep.phq9_first = (int8_t)r->phq_first;
    ep.phq9_last = (int8_t)r->phq_last;
    ep.phq9_count = (uint8_t)r->phq_count;
    ep.gad7_first = (int8_t)r->gad_first;
    ep.gad7_last = (int8_t)r->gad_last;
    ep.gad7_count = (uint8_t)r->gad_count;
    ep.flags = (uint8_t)r->flags;
    return ep;
}

static const struct indicator_dims dims = { 3, 2, 5 };

static void load(struct indicator_facts *facts)
{
    struct error err;
    error_clear(&err);
    if (indicator_facts_init(facts, &dims, test_instrument("phq9"), test_instrument("gad7"),
                             &err) != ERR_OK)
        TEST_FAIL("init: %s", err.message);
    for (int i = 0; i < EPISODES; i++) {
        struct indicator_episode ep = episode_of(&rows[i]);
        size_t index = 99;
        if (indicator_facts_append(facts, &ep, &index, &err) != ERR_OK)
            TEST_FAIL("E%d: %s (%s)", i + 1, err.message, err.field);
        ASSERT_EQ_INT(index, i);
    }
}

/* The result over days 0-60 (2026-03-01 to 2026-04-30). */
static struct indicator_result compute(const struct indicator_facts *facts, enum indicator_id id,
                                       enum indicator_dim by1, enum indicator_dim by2)
{
    struct indicator_result r;
    struct error err;
    error_clear(&err);
    if (indicator_compute(facts, id, by1, by2, day0(), day0() + 60, &r, &err) != ERR_OK)
        TEST_FAIL("compute %d: %s", (int)id, err.message);
    return r;
}

static void assert_cell(const struct indicator_cell *cell, long numerator, long denominator)
{
    ASSERT_TRUE(cell != NULL);
    ASSERT_EQ_INT(cell->numerator, numerator);
    ASSERT_EQ_INT(cell->denominator, denominator);
    ASSERT_NEAR(cell->value, denominator > 0 ? (double)numerator / (double)denominator : 0.0, 1e-9);
    ASSERT_EQ_INT(cell->state, INDICATOR_CELL_SHOWN);
}

/* The total of one indicator with no breakdown. */
static void assert_total(const struct indicator_facts *facts, enum indicator_id id, long numerator,
                         long denominator)
{
    struct indicator_result r = compute(facts, id, INDICATOR_BY_NONE, INDICATOR_BY_NONE);
    ASSERT_EQ_INT(r.rows, 1);
    ASSERT_EQ_INT(r.cols, 1);
    assert_cell(&r.total, numerator, denominator);
    assert_cell(indicator_result_cell(&r, 0, 0), numerator, denominator);
    indicator_result_release(&r);
}

static void definitions_table(void)
{
    /* One table, in id order, codes unique and found by code. */
    for (int i = 0; i < INDICATOR_COUNT; i++) {
        const struct indicator_def *def = indicator_def((enum indicator_id)i);
        ASSERT_TRUE(def != NULL);
        ASSERT_EQ_INT(def->id, i);
        ASSERT_TRUE(indicator_find(def->code) == def);
        ASSERT_TRUE(def->name[LANG_SV] != NULL && def->name[LANG_EN] != NULL);
        ASSERT_TRUE(def->denominator != 0);
    }
    ASSERT_TRUE(indicator_def(INDICATOR_COUNT) == NULL);
    ASSERT_TRUE(indicator_find("nonsense") == NULL);
    ASSERT_STR_EQ(indicator_def(INDICATOR_RECOVERY)->code, "recovery");
    ASSERT_STR_EQ(indicator_def(INDICATOR_STEP_3)->code, "step_3");
    ASSERT_STR_EQ(indicator_def(INDICATOR_ASSESSED_WITHIN_3_DAYS)->name[LANG_SV],
                  "Bedömda inom 3 dagar");

    /* Targets: recovery >= 50 % (NHS TT), the care guarantee 100 %, reliable improvement and
     * reliable recovery flagged UNCONFIRMED, deterioration none. */
    const struct indicator_def *recovery = indicator_def(INDICATOR_RECOVERY);
    ASSERT_TRUE(recovery->target.set && !recovery->target.unconfirmed);
    ASSERT_NEAR(recovery->target.value, 0.50, 1e-12);
    ASSERT_EQ_INT(indicator_meets_target(recovery, 0.50), TRI_TRUE); /* on the target */
    ASSERT_EQ_INT(indicator_meets_target(recovery, 0.499), TRI_FALSE);
    const struct indicator_def *guarantee = indicator_def(INDICATOR_ASSESSED_WITHIN_3_DAYS);
    ASSERT_NEAR(guarantee->target.value, 1.0, 1e-12);
    ASSERT_EQ_INT(indicator_meets_target(guarantee, 0.99), TRI_FALSE);
    ASSERT_TRUE(indicator_def(INDICATOR_RELIABLE_IMPROVEMENT)->target.unconfirmed);
    ASSERT_TRUE(indicator_def(INDICATOR_RELIABLE_RECOVERY)->target.unconfirmed);
    const struct indicator_def *worse = indicator_def(INDICATOR_RELIABLE_DETERIORATION);
    ASSERT_TRUE(!worse->target.set);
    ASSERT_EQ_INT(worse->direction, INDICATOR_LOWER_BETTER);
    ASSERT_EQ_INT(indicator_meets_target(worse, 0.1), TRI_NULL);
}

static void age_bands_and_dimensions(void)
{
    ASSERT_EQ_INT(indicator_age_band(-1), -1);
    ASSERT_EQ_INT(indicator_age_band(0), 0);
    ASSERT_EQ_INT(indicator_age_band(17), 0);
    ASSERT_EQ_INT(indicator_age_band(18), 1);
    ASSERT_EQ_INT(indicator_age_band(24), 1);
    ASSERT_EQ_INT(indicator_age_band(25), 2);
    ASSERT_EQ_INT(indicator_age_band(74), 6);
    ASSERT_EQ_INT(indicator_age_band(75), 7);
    ASSERT_EQ_INT(indicator_age_band(104), 7);
    ASSERT_STR_EQ(indicator_age_band_label(2), "25-34");
    ASSERT_STR_EQ(indicator_age_band_label(7), "75+");
    ASSERT_TRUE(indicator_age_band_label(8) == NULL);
    enum indicator_dim dim;
    ASSERT_EQ_INT(indicator_dim_parse("listed_unit", &dim), 0);
    ASSERT_EQ_INT(dim, INDICATOR_BY_LISTED_UNIT);
    ASSERT_EQ_INT(indicator_dim_parse("ward", &dim), -1);
    ASSERT_STR_EQ(indicator_dim_name(INDICATOR_BY_MONTH), "month");
    ASSERT_TRUE(indicator_dim_name(INDICATOR_BY_COUNT) == NULL);
}

static void expect_append_error(struct indicator_facts *facts, struct indicator_episode ep,
                                const char *field)
{
    struct error err;
    error_clear(&err);
    size_t before = facts->count;
    ASSERT_EQ_INT(indicator_facts_append(facts, &ep, NULL, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, field);
    ASSERT_EQ_INT(facts->count, before); /* nothing stored */
}

static void facts_validation(void)
{
    struct indicator_facts facts;
    struct error err;
    error_clear(&err);
    struct indicator_dims bad = { 0, 2, 5 };
    ASSERT_EQ_INT(
        indicator_facts_init(&facts, &bad, test_instrument("phq9"), test_instrument("gad7"), &err),
        ERR_INVALID);
    ASSERT_STR_EQ(err.field, "dims.unit_count");
    ASSERT_EQ_INT(indicator_facts_init(&facts, &dims, test_instrument("phq9"), NULL, &err),
                  ERR_INVALID);
    ASSERT_STR_EQ(err.field, "gad7");

    load(&facts);
    struct indicator_episode ep = episode_of(&rows[0]);
    struct indicator_episode e = ep;
    e.unit = 3; /* three units: 0-2 */
    expect_append_error(&facts, e, "unit");
    e = ep;
    e.unit = -1; /* every episode has a unit */
    expect_append_error(&facts, e, "unit");
    e = ep;
    e.municipality = 2;
    expect_append_error(&facts, e, "municipality");
    e = ep;
    e.step = 5; /* steps 0-4 */
    expect_append_error(&facts, e, "step");
    e = ep;
    e.sex = 3;
    expect_append_error(&facts, e, "sex");
    e = ep;
    e.phq9_first = 28; /* PHQ-9 0-27 */
    expect_append_error(&facts, e, "phq9_first");
    e = ep;
    e.gad7_last = 22; /* GAD-7 0-21 */
    expect_append_error(&facts, e, "gad7_last");
    e = ep;
    e.gad7_count = 0; /* scores without a count */
    expect_append_error(&facts, e, "gad7_count");
    e = ep;
    e.phq9_last = -1; /* a count without a last score */
    expect_append_error(&facts, e, "phq9_last");
    e = ep;
    e.ended_day = -2;
    expect_append_error(&facts, e, "ended_day");

    /* Update: out of range is ERR_NOT_FOUND; an invalid record leaves the old one as it was. */
    ASSERT_EQ_INT(indicator_facts_update(&facts, (size_t)EPISODES, &ep, &err), ERR_NOT_FOUND);
    ASSERT_STR_EQ(err.field, "index");
    struct indicator_episode saved = facts.episodes[0];
    e = ep;
    e.phq9_first = 40;
    ASSERT_EQ_INT(indicator_facts_update(&facts, 0, &e, &err), ERR_INVALID);
    ASSERT_TRUE(memcmp(&facts.episodes[0], &saved, sizeof(saved)) == 0);
    ASSERT_EQ_INT(sizeof(struct indicator_episode), 40); /* compact: 1 M episodes in 40 MB */
    indicator_facts_release(&facts);
    indicator_facts_release(&facts); /* twice is harmless */
}

static void derived_state(void)
{
    struct indicator_facts facts;
    load(&facts);
    const uint32_t outcome = INDICATOR_S_OUTCOME;
    /* E1: assessed 2 days after referral (within 3), finished, paired, recovery + RI + RR. */
    uint32_t s1 = facts.episodes[0].state;
    ASSERT_TRUE(s1 & INDICATOR_S_WITHIN_3_DAYS);
    ASSERT_TRUE(s1 & INDICATOR_S_FINISHED);
    ASSERT_EQ_INT(s1 & outcome, INDICATOR_S_CASENESS_START | INDICATOR_S_RECOVERY |
                                    INDICATOR_S_RELIABLE_IMPROVEMENT |
                                    INDICATOR_S_RELIABLE_RECOVERY);
    ASSERT_EQ_INT(s1 & (INDICATOR_S_STEP0 << 2), INDICATOR_S_STEP0 << 2);
    /* E3: 3 days exactly is within the guarantee (5 March -> 8 March, spec §5); 1 session is
     * not finished, although its scores are paired. */
    uint32_t s3 = facts.episodes[2].state;
    ASSERT_TRUE(s3 & INDICATOR_S_WITHIN_3_DAYS);
    ASSERT_TRUE(s3 & INDICATOR_S_PAIRED);
    ASSERT_TRUE(!(s3 & INDICATOR_S_FINISHED));
    /* E2: 4 days is outside; contract lacks goals. */
    ASSERT_TRUE(!(facts.episodes[1].state & INDICATOR_S_WITHIN_3_DAYS));
    ASSERT_TRUE(!(facts.episodes[1].state & INDICATOR_S_CONTRACT_COMPLETE));
    /* E6 and E11: reliable deterioration only. */
    ASSERT_EQ_INT(facts.episodes[5].state & outcome,
                  INDICATOR_S_CASENESS_START | INDICATOR_S_RELIABLE_DETERIORATION);
    ASSERT_EQ_INT(facts.episodes[10].state & outcome,
                  INDICATOR_S_CASENESS_START | INDICATOR_S_RELIABLE_DETERIORATION);
    /* E4: not at caseness, no change: no outcome bit at all. E8: not paired: none either. */
    ASSERT_EQ_INT(facts.episodes[3].state & outcome, 0);
    ASSERT_EQ_INT(facts.episodes[7].state & outcome, 0);
    /* E15: not assessed, no step. */
    ASSERT_TRUE(!(facts.episodes[14].state & (INDICATOR_S_ASSESSED | INDICATOR_S_HAS_STEP)));
    indicator_facts_release(&facts);
}

static void days_to_assessment(void)
{
    struct indicator_facts facts;
    load(&facts);
    /* Assessed in days 0-60: E1-E14 and E16 (E15 not assessed, E17 in February): 15.
     * Waits (ass - ref): E1 2, E2 4, E3 3, E4 0, E5 2, E6 6, E7 1, E8 1, E9 2, E10 6, E11 1,
     * E12 1, E13 2, E14 0, E16 4. Sum 35; mean 35/15 = 2.333333.
     * Sorted: 0 0 1 1 1 1 2 2 2 2 3 4 4 6 6; median = 8th value = 2. */
    struct indicator_result r =
        compute(&facts, INDICATOR_DAYS_TO_ASSESSMENT, INDICATOR_BY_NONE, INDICATOR_BY_NONE);
    ASSERT_EQ_INT(r.total.denominator, 15);
    ASSERT_EQ_INT(r.total.numerator, 35);
    ASSERT_NEAR(r.total.value, 35.0 / 15.0, 1e-9);
    ASSERT_NEAR(r.total.median, 2.0, 1e-9);
    indicator_result_release(&r);

    /* By unit. A: E1 2, E2 4, E3 3, E4 0, E13 2, E16 4: n 6, sum 15, mean 2.5,
     *   sorted 0 2 2 3 4 4, median (2 + 3) / 2 = 2.5.
     * B: E5 2, E6 6, E7 1, E8 1, E14 0: n 5, sum 10, mean 2, sorted 0 1 1 2 6, median 1.
     * C: E9 2, E10 6, E11 1, E12 1: n 4, sum 10, mean 2.5, sorted 1 1 2 6, median 1.5. */
    r = compute(&facts, INDICATOR_DAYS_TO_ASSESSMENT, INDICATOR_BY_UNIT, INDICATOR_BY_NONE);
    ASSERT_EQ_INT(r.rows, 3); /* units only: every episode has one */
    ASSERT_EQ_INT(r.cols, 1);
    const double mean[3] = { 2.5, 2.0, 2.5 }, median[3] = { 2.5, 1.0, 1.5 };
    const long n[3] = { 6, 5, 4 }, sum[3] = { 15, 10, 10 };
    for (int u = 0; u < 3; u++) {
        const struct indicator_cell *cell = indicator_result_cell(&r, u, 0);
        ASSERT_EQ_INT(r.row_keys[u], u);
        ASSERT_EQ_INT(cell->denominator, n[u]);
        ASSERT_EQ_INT(cell->numerator, sum[u]);
        ASSERT_NEAR(cell->value, mean[u], 1e-9);
        ASSERT_NEAR(cell->median, median[u], 1e-9);
        ASSERT_NEAR(r.row_totals[u].median, median[u], 1e-9); /* one column: the same */
    }
    ASSERT_NEAR(r.total.median, 2.0, 1e-9); /* totals pool the histograms, not the medians */
    char text[32];
    indicator_cell_format(&r, &r.total, LANG_SV, text, sizeof(text));
    ASSERT_STR_EQ(text, "2,3"); /* mean 2.333 */
    indicator_cell_format(&r, &r.total, LANG_EN, text, sizeof(text));
    ASSERT_STR_EQ(text, "2.3");
    indicator_result_release(&r);
    indicator_facts_release(&facts);
}

static void assessed_within_3_days(void)
{
    struct indicator_facts facts;
    load(&facts);
    /* The 15 assessed in the period; more than 3 days: E2 (4), E6 (6), E10 (6), E16 (4).
     * 11/15 = 73.3 %, below the 100 % target. */
    assert_total(&facts, INDICATOR_ASSESSED_WITHIN_3_DAYS, 11, 15);
    struct indicator_result r =
        compute(&facts, INDICATOR_ASSESSED_WITHIN_3_DAYS, INDICATOR_BY_NONE, INDICATOR_BY_NONE);
    ASSERT_EQ_INT(indicator_meets_target(r.def, r.total.value), TRI_FALSE);
    char text[32];
    ASSERT_EQ_INT(indicator_cell_format(&r, &r.total, LANG_SV, text, sizeof(text)), 6);
    ASSERT_STR_EQ(text, "73,3 %");
    indicator_cell_format(&r, &r.total, LANG_EN, text, sizeof(text));
    ASSERT_STR_EQ(text, "73.3%");
    indicator_result_release(&r);
    indicator_facts_release(&facts);
}

static void days_assessment_to_treatment(void)
{
    struct indicator_facts facts;
    load(&facts);
    /* Treatment started in days 0-60: E1, E2, E4-E11, E13, E14, E16 (E3, E12, E15 none; E17
     * in January). Days (trt - ass): 8, 15, 8, 8, 18, 7, 7, 6, 15, 9, 6, 12, 4: n 13, sum 123,
     * mean 9.461538. Sorted 4 6 6 7 7 8 8 8 9 12 15 15 18: median 7th = 8. */
    struct indicator_result r = compute(&facts, INDICATOR_DAYS_ASSESSMENT_TO_TREATMENT,
                                        INDICATOR_BY_NONE, INDICATOR_BY_NONE);
    ASSERT_EQ_INT(r.total.denominator, 13);
    ASSERT_EQ_INT(r.total.numerator, 123);
    ASSERT_NEAR(r.total.value, 123.0 / 13.0, 1e-9);
    ASSERT_NEAR(r.total.median, 8.0, 1e-9);
    indicator_result_release(&r);
    indicator_facts_release(&facts);
}

static void assessment_indicators(void)
{
    struct indicator_facts facts;
    load(&facts);
    /* Common instruments: of the 15 assessed, E4 (PHQ-9 only) and E14 (none) lack them: 13/15. */
    assert_total(&facts, INDICATOR_COMMON_INSTRUMENTS, 13, 15);
    /* Contract complete: E2 (no goals), E6 (no next time), E10 (no contact) and E14 (nothing)
     * are not: 11/15. */
    assert_total(&facts, INDICATOR_CONTRACT_COVERAGE, 11, 15);
    /* Step shares of the 15 assessed (all have a step): step 0 E12; step 1 E3, E8, E16;
     * step 2 E1, E4, E5, E7, E9, E11, E14; step 3 E2, E6, E10; step 4 E13. 1+3+7+3+1 = 15. */
    assert_total(&facts, INDICATOR_STEP_0, 1, 15);
    assert_total(&facts, INDICATOR_STEP_1, 3, 15);
    assert_total(&facts, INDICATOR_STEP_2, 7, 15);
    assert_total(&facts, INDICATOR_STEP_3, 3, 15);
    assert_total(&facts, INDICATOR_STEP_4, 1, 15);

    /* The distribution as a breakdown: common instruments by step. Keys 0-4 then -1.
     * Step 2 has E4 and E14 without them: 5/7; every other step all of its episodes. */
    struct indicator_result r =
        compute(&facts, INDICATOR_COMMON_INSTRUMENTS, INDICATOR_BY_STEP, INDICATOR_BY_NONE);
    ASSERT_EQ_INT(r.rows, 6);
    ASSERT_EQ_INT(r.row_keys[5], -1);
    assert_cell(indicator_result_cell(&r, 0, 0), 1, 1);
    assert_cell(indicator_result_cell(&r, 1, 0), 3, 3);
    assert_cell(indicator_result_cell(&r, 2, 0), 5, 7);
    assert_cell(indicator_result_cell(&r, 3, 0), 3, 3);
    assert_cell(indicator_result_cell(&r, 4, 0), 1, 1);
    assert_cell(indicator_result_cell(&r, 5, 0), 0, 0); /* no step: only E15, not assessed */
    indicator_result_release(&r);
    indicator_facts_release(&facts);
}

static void end_indicators(void)
{
    struct indicator_facts facts;
    load(&facts);
    /* Ended in days 0-60: E1-E9, E11, E12, E16 (12). Finished (>= 2 sessions): not E3 (1) nor
     * E12 (0): 10. Paired among them: all but E8: 9/10. */
    assert_total(&facts, INDICATOR_PAIRED_SCORES, 9, 10);
    /* Outcome cohort (finished and paired): E1, E2, E4, E5, E6, E7, E9, E11, E16 = 9.
     * Reliable improvement: E1, E5, E9, E16 = 4/9. */
    assert_total(&facts, INDICATOR_RELIABLE_IMPROVEMENT, 4, 9);
    /* Recovery: the 9 less E4 (not at caseness at start) = 8; recovered E1, E7, E9, E16:
     * 4/8 = 50 %, which meets the target. */
    assert_total(&facts, INDICATOR_RECOVERY, 4, 8);
    ASSERT_EQ_INT(indicator_meets_target(indicator_def(INDICATOR_RECOVERY), 4.0 / 8.0), TRI_TRUE);
    /* Reliable recovery: of the same 8, E1, E9, E16 (E7 recovered without reliable change):
     * 3/8. */
    assert_total(&facts, INDICATOR_RELIABLE_RECOVERY, 3, 8);
    /* Reliable deterioration: E6, E11 of the 9: 2/9. */
    assert_total(&facts, INDICATOR_RELIABLE_DETERIORATION, 2, 9);
    /* Step-ups: ended with treatment started: the 12 ended less E3 and E12 (never treated) =
     * 10; stepped up E2, E6: 2/10. */
    assert_total(&facts, INDICATOR_STEP_UPS, 2, 10);
    indicator_facts_release(&facts);
}

static void two_way_breakdowns(void)
{
    struct indicator_facts facts;
    load(&facts);
    /* Recovery by unit x sex. The 8 at caseness: A: E1 F rec, E2 M no, E16 F rec; B: E5 M no,
     * E6 F no, E7 M rec; C: E9 F rec, E11 F no.
     *          unknown   F     M    | row
     *   A        -      2/2   0/1   | 2/3
     *   B        -      0/1   1/2   | 1/3
     *   C        -      1/2    -    | 1/2
     *   column   -      3/5   1/3   | 4/8 */
    struct indicator_result r =
        compute(&facts, INDICATOR_RECOVERY, INDICATOR_BY_UNIT, INDICATOR_BY_SEX);
    ASSERT_EQ_INT(r.rows, 3);
    ASSERT_EQ_INT(r.cols, 3);
    ASSERT_EQ_INT(r.col_keys[0], SEX_UNKNOWN);
    int f = indicator_result_col(&r, SEX_FEMALE), m = indicator_result_col(&r, SEX_MALE);
    ASSERT_EQ_INT(f, 1);
    ASSERT_EQ_INT(m, 2);
    assert_cell(indicator_result_cell(&r, 0, 0), 0, 0);
    assert_cell(indicator_result_cell(&r, 0, f), 2, 2);
    assert_cell(indicator_result_cell(&r, 0, m), 0, 1);
    assert_cell(indicator_result_cell(&r, 1, f), 0, 1);
    assert_cell(indicator_result_cell(&r, 1, m), 1, 2);
    assert_cell(indicator_result_cell(&r, 2, f), 1, 2);
    assert_cell(indicator_result_cell(&r, 2, m), 0, 0);
    assert_cell(&r.row_totals[0], 2, 3);
    assert_cell(&r.row_totals[1], 1, 3);
    assert_cell(&r.row_totals[2], 1, 2);
    assert_cell(&r.col_totals[f], 3, 5);
    assert_cell(&r.col_totals[m], 1, 3);
    assert_cell(&r.total, 4, 8);
    ASSERT_TRUE(indicator_result_cell(&r, 3, 0) == NULL);
    indicator_result_release(&r);

    /* Within 3 days by municipality x month (assessment month). Keys: municipalities 0, 1, -1;
     * months 202603 (days 0-30) and 202604 (days 31-60).
     *   mun 0 March: E1 y, E2 n, E4 y, E5 y, E8 y, E11 y = 5/6; April: E14 y, E16 n = 1/2
     *   mun 1 March: E3 y, E6 n, E7 y, E9 y, E10 n, E12 y = 4/6; April: E13 y = 1/1
     *   rows 6/8 and 5/7; columns 9/12 and 2/3; total 11/15. */
    r = compute(&facts, INDICATOR_ASSESSED_WITHIN_3_DAYS, INDICATOR_BY_MUNICIPALITY,
                INDICATOR_BY_MONTH);
    ASSERT_EQ_INT(r.rows, 3);
    ASSERT_EQ_INT(r.cols, 2);
    ASSERT_EQ_INT(r.row_keys[2], -1);
    ASSERT_EQ_INT(r.col_keys[0], 202603);
    ASSERT_EQ_INT(r.col_keys[1], 202604);
    assert_cell(indicator_result_cell(&r, 0, 0), 5, 6);
    assert_cell(indicator_result_cell(&r, 0, 1), 1, 2);
    assert_cell(indicator_result_cell(&r, 1, 0), 4, 6);
    assert_cell(indicator_result_cell(&r, 1, 1), 1, 1);
    assert_cell(indicator_result_cell(&r, 2, 0), 0, 0);
    assert_cell(&r.row_totals[0], 6, 8);
    assert_cell(&r.row_totals[1], 5, 7);
    assert_cell(&r.col_totals[0], 9, 12);
    assert_cell(&r.col_totals[1], 2, 3);
    assert_cell(&r.total, 11, 15);
    indicator_result_release(&r);

    /* Listed unit x age band, contract coverage: listed at A (0) and band 2 (25-34): E1, E12,
     * E13, E16 all complete = 4/4; band 1: E7 = 1/1; band 3: E2 (no goals) = 0/1; band 4: E4
     * = 1/1. The row for listed at A: 6/7. */
    r = compute(&facts, INDICATOR_CONTRACT_COVERAGE, INDICATOR_BY_LISTED_UNIT,
                INDICATOR_BY_AGE_BAND);
    ASSERT_EQ_INT(r.rows, 4); /* units 0-2 and -1 */
    ASSERT_EQ_INT(r.cols, INDICATOR_AGE_BANDS + 1);
    assert_cell(indicator_result_cell(&r, 0, 2), 4, 4);
    assert_cell(indicator_result_cell(&r, 0, 1), 1, 1);
    assert_cell(indicator_result_cell(&r, 0, 3), 0, 1);
    assert_cell(indicator_result_cell(&r, 0, 4), 1, 1);
    assert_cell(&r.row_totals[0], 6, 7);
    assert_cell(&r.total, 11, 15);
    indicator_result_release(&r);
    indicator_facts_release(&facts);
}

static void period_bounds(void)
{
    struct indicator_facts facts;
    load(&facts);
    /* From 2026-01-01 (day -59): E17 (ended -5, finished, paired, PHQ 15->5 and GAD 12->4 as
     * E1: recovered) joins: recovery 5/9. */
    struct indicator_result r;
    struct error err;
    ASSERT_EQ_INT(indicator_compute(&facts, INDICATOR_RECOVERY, INDICATOR_BY_NONE,
                                    INDICATOR_BY_NONE, day0() - 59, day0() + 60, &r, &err),
                  ERR_OK);
    assert_cell(&r.total, 5, 9);
    indicator_result_release(&r);
    /* Both bounds are inclusive. Days 50-60 hold the recovery cohort's ends E1 (50, on the
     * lower bound), E7 (52), E9 (54), E2 (55), E11 (56), E6 (59) and E16 (60, on the upper
     * bound): 7, of whom E1, E7, E9 and E16 recovered: 4/7. (E5 ended on day 45; E4 is not at
     * caseness; E8 is not paired.) */
    ASSERT_EQ_INT(indicator_compute(&facts, INDICATOR_RECOVERY, INDICATOR_BY_NONE,
                                    INDICATOR_BY_NONE, day0() + 50, day0() + 60, &r, &err),
                  ERR_OK);
    assert_cell(&r.total, 4, 7);
    indicator_result_release(&r);
    indicator_facts_release(&facts);
}

static void update_in_place(void)
{
    struct indicator_facts facts;
    load(&facts);
    /* E8 gets a second GAD-7: 9 -> 5. Now paired; PHQ 14 -> 7 (-7 RI), GAD 9 -> 5 (-4 RI),
     * at caseness at start (14), not at the end (7, 5): recovery, RI and RR.
     * Paired 10/10; RI 5/10; recovery 5/9; reliable recovery 4/9; deterioration 2/10. */
    struct indicator_episode e8 = facts.episodes[7];
    e8.gad7_last = 5;
    e8.gad7_count = 2;
    struct error err;
    ASSERT_EQ_INT(indicator_facts_update(&facts, 7, &e8, &err), ERR_OK);
    ASSERT_EQ_INT(facts.count, EPISODES);
    assert_total(&facts, INDICATOR_PAIRED_SCORES, 10, 10);
    assert_total(&facts, INDICATOR_RELIABLE_IMPROVEMENT, 5, 10);
    assert_total(&facts, INDICATOR_RECOVERY, 5, 9);
    assert_total(&facts, INDICATOR_RELIABLE_RECOVERY, 4, 9);
    assert_total(&facts, INDICATOR_RELIABLE_DETERIORATION, 2, 10);

    /* Only the contract changes on E2 (goals set): the cached outcome stays, coverage 12/15. */
    struct indicator_episode e2 = facts.episodes[1];
    uint32_t outcome_before = e2.state & INDICATOR_S_OUTCOME;
    e2.flags |= INDICATOR_CONTRACT_GOALS;
    e2.state = 0; /* whatever the caller leaves here is recomputed */
    ASSERT_EQ_INT(indicator_facts_update(&facts, 1, &e2, &err), ERR_OK);
    ASSERT_EQ_INT(facts.episodes[1].state & INDICATOR_S_OUTCOME, outcome_before);
    assert_total(&facts, INDICATOR_CONTRACT_COVERAGE, 12, 15);

    /* E2's last PHQ-9 falls to 9 and GAD-7 to 7: recovered now (18 -> 9: -9 RI too): RR.
     * Recovery 6/9, reliable improvement 6/10. */
    e2 = facts.episodes[1];
    e2.phq9_last = 9;
    e2.gad7_last = 7;
    ASSERT_EQ_INT(indicator_facts_update(&facts, 1, &e2, &err), ERR_OK);
    assert_total(&facts, INDICATOR_RECOVERY, 6, 9);
    assert_total(&facts, INDICATOR_RELIABLE_IMPROVEMENT, 6, 10);
    indicator_facts_release(&facts);
}

static void expect_compute_error(const struct indicator_facts *facts, enum indicator_id id,
                                 enum indicator_dim by1, enum indicator_dim by2, long from, long to,
                                 enum err_code code, const char *field)
{
    struct indicator_result r;
    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(indicator_compute(facts, id, by1, by2, from, to, &r, &err), code);
    ASSERT_STR_EQ(err.field, field);
    ASSERT_TRUE(r.cells == NULL && r.def == NULL);
}

static void compute_errors(void)
{
    struct indicator_facts facts;
    load(&facts);
    long d = day0();
    expect_compute_error(&facts, INDICATOR_COUNT, INDICATOR_BY_NONE, INDICATOR_BY_NONE, d, d,
                         ERR_INVALID, "id");
    expect_compute_error(&facts, INDICATOR_RECOVERY, INDICATOR_BY_NONE, INDICATOR_BY_UNIT, d, d,
                         ERR_INVALID, "by2");
    expect_compute_error(&facts, INDICATOR_RECOVERY, INDICATOR_BY_SEX, INDICATOR_BY_SEX, d, d,
                         ERR_INVALID, "by2");
    expect_compute_error(&facts, INDICATOR_RECOVERY, INDICATOR_BY_COUNT, INDICATOR_BY_NONE, d, d,
                         ERR_INVALID, "by1");
    expect_compute_error(&facts, INDICATOR_RECOVERY, INDICATOR_BY_NONE, INDICATOR_BY_NONE, d, d - 1,
                         ERR_INVALID, "to_day");
    /* 2026-03-01 .. 2046-03-01 is 241 months. */
    expect_compute_error(&facts, INDICATOR_RECOVERY, INDICATOR_BY_MONTH, INDICATOR_BY_NONE, d,
                         date_to_days((struct date){ 2046, 3, 1 }), ERR_INVALID, "to_day");
    /* 240 months are allowed; with 9 age-band columns that is 2160 cells. */
    struct indicator_result r;
    ASSERT_EQ_INT(indicator_compute(&facts, INDICATOR_RECOVERY, INDICATOR_BY_MONTH,
                                    INDICATOR_BY_AGE_BAND, d,
                                    date_to_days((struct date){ 2046, 2, 28 }), &r, NULL),
                  ERR_OK);
    ASSERT_EQ_INT(r.rows, 240);
    ASSERT_EQ_INT(r.row_keys[239], 204602);
    assert_cell(&r.total, 4, 8);
    indicator_result_release(&r);
    indicator_facts_release(&facts);
}

int main(void)
{
    RUN_TEST(definitions_table);
    RUN_TEST(age_bands_and_dimensions);
    RUN_TEST(facts_validation);
    RUN_TEST(derived_state);
    RUN_TEST(days_to_assessment);
    RUN_TEST(assessed_within_3_days);
    RUN_TEST(days_assessment_to_treatment);
    RUN_TEST(assessment_indicators);
    RUN_TEST(end_indicators);
    RUN_TEST(two_way_breakdowns);
    RUN_TEST(period_bounds);
    RUN_TEST(update_in_place);
    RUN_TEST(compute_errors);
    TEST_SUMMARY();
}
