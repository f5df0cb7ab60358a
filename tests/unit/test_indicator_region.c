/* test_indicator_region.c - small-number suppression (primary and complementary), funnel plots
 * against hand-computed control limits, intervention availability per municipality and staff
 * training per unit. Expected values are worked by hand next to each assertion; the rules are
 * in docs/indicators.md. The episode indicators themselves are tested in test_indicator.c.
 *
 * The fixtures here are groups of identical episodes: `n` episodes of one unit at one step, all
 * referred and assessed on 2026-03-02 (a wait of 0 days), of which the first `k` had PHQ-9 and
 * GAD-7 at the assessment. The indicator is common_instruments_at_assessment, so each cell is
 * k/n. */
#include <math.h>
#include <stdlib.h>

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

#define SHOWN      INDICATOR_CELL_SHOWN
#define SMALL      INDICATOR_CELL_SMALL
#define COMPLEMENT INDICATOR_CELL_COMPLEMENT

static long day0(void)
{
    return date_to_days((struct date){ 2026, 3, 1 });
}

static void facts_new(struct indicator_facts *facts, int unit_count)
{
    struct indicator_dims dims = { unit_count, 2, 5 };
    struct error err;
    if (indicator_facts_init(facts, &dims, test_instrument("phq9"), test_instrument("gad7"),
                             &err) != ERR_OK)
        TEST_FAIL("init: %s", err.message);
}

/* n episodes of `unit` at `step`, the first k with the common instruments. */
static void add_group(struct indicator_facts *facts, int unit, int step, int n, int k)
{
    for (int i = 0; i < n; i++) {
        struct indicator_episode ep;
        indicator_episode_init(&ep);
        ep.unit = (int16_t)unit;
        ep.sex = SEX_FEMALE;
        ep.step = (int8_t)step;
        ep.referred_day = ep.assessed_day = (int32_t)(day0() + 1);
        ep.flags = i < k ? INDICATOR_COMMON_AT_ASSESSMENT : 0;
        struct error err;
        if (indicator_facts_append(facts, &ep, NULL, &err) != ERR_OK)
            TEST_FAIL("append: %s", err.message);
    }
}

static struct indicator_result compute(const struct indicator_facts *facts, enum indicator_id id,
                                       enum indicator_dim by1, enum indicator_dim by2)
{
    struct indicator_result r;
    struct error err;
    if (indicator_compute(facts, id, by1, by2, day0(), day0() + 30, &r, &err) != ERR_OK)
        TEST_FAIL("compute: %s", err.message);
    return r;
}

static void assert_state(const struct indicator_cell *cell, enum indicator_cell_state state,
                         long numerator, long denominator)
{
    ASSERT_EQ_INT(cell->state, state);
    ASSERT_EQ_INT(cell->numerator, numerator); /* hidden cells carry zeros */
    ASSERT_EQ_INT(cell->denominator, denominator);
}

/* The guarantee of indicator_suppress(): no row, column or line of totals has exactly one
 * hidden figure among its members and its total. */
static int hidden_in(const struct indicator_cell *cell)
{
    return cell->state != SHOWN;
}

static void assert_protected(const struct indicator_result *r)
{
    for (int row = 0; row < r->rows; row++) {
        int hidden = hidden_in(&r->row_totals[row]);
        for (int col = 0; col < r->cols; col++)
            hidden += hidden_in(indicator_result_cell(r, row, col));
        if (hidden == 1)
            TEST_FAIL("row %d has exactly one hidden figure", row);
    }
    for (int col = 0; col < r->cols; col++) {
        int hidden = hidden_in(&r->col_totals[col]);
        for (int row = 0; row < r->rows; row++)
            hidden += hidden_in(indicator_result_cell(r, row, col));
        if (hidden == 1)
            TEST_FAIL("column %d has exactly one hidden figure", col);
    }
    int rows_hidden = hidden_in(&r->total), cols_hidden = hidden_in(&r->total);
    for (int row = 0; row < r->rows; row++)
        rows_hidden += hidden_in(&r->row_totals[row]);
    for (int col = 0; col < r->cols; col++)
        cols_hidden += hidden_in(&r->col_totals[col]);
    ASSERT_TRUE(rows_hidden != 1);
    ASSERT_TRUE(cols_hidden != 1);
}

static void one_way_complement(void)
{
    /* By unit: A 3/3, B 12/12, C 6/6; the total 21/21 is published.
     * Primary: A (3 < 5). The column of units then has one hidden cell under a shown total, so
     * A = 21 - 12 - 6 could be worked out: the next-smallest cell, C (6), is hidden too. B and
     * the total stay. (A's and C's row totals equal the cells and are hidden with them.) */
    struct indicator_facts facts;
    facts_new(&facts, 3);
    add_group(&facts, 0, 2, 3, 3);
    add_group(&facts, 1, 2, 12, 12);
    add_group(&facts, 2, 2, 6, 6);
    struct indicator_result r =
        compute(&facts, INDICATOR_COMMON_INSTRUMENTS, INDICATOR_BY_UNIT, INDICATOR_BY_NONE);
    indicator_suppress(&r, 5);
    ASSERT_EQ_INT(r.min_cell, 5);
    assert_state(indicator_result_cell(&r, 0, 0), SMALL, 0, 0);
    assert_state(indicator_result_cell(&r, 1, 0), SHOWN, 12, 12);
    assert_state(indicator_result_cell(&r, 2, 0), COMPLEMENT, 0, 0);
    assert_state(&r.row_totals[0], SMALL, 0, 0);
    assert_state(&r.row_totals[1], SHOWN, 12, 12);
    assert_state(&r.row_totals[2], COMPLEMENT, 0, 0);
    assert_state(&r.total, SHOWN, 21, 21);
    assert_protected(&r);
    char text[16];
    indicator_cell_format(&r, indicator_result_cell(&r, 0, 0), LANG_SV, text, sizeof(text));
    ASSERT_STR_EQ(text, "<5");
    indicator_cell_format(&r, indicator_result_cell(&r, 2, 0), LANG_EN, text, sizeof(text));
    ASSERT_STR_EQ(text, "<5");
    indicator_cell_format(&r, indicator_result_cell(&r, 1, 0), LANG_SV, text, sizeof(text));
    ASSERT_STR_EQ(text, "100,0 %");
    indicator_result_release(&r);

    /* The limit is configurable: with 3, nothing is below it. With 0, the default 5 applies. */
    r = compute(&facts, INDICATOR_COMMON_INSTRUMENTS, INDICATOR_BY_UNIT, INDICATOR_BY_NONE);
    indicator_suppress(&r, 3);
    assert_state(indicator_result_cell(&r, 0, 0), SHOWN, 3, 3);
    assert_state(indicator_result_cell(&r, 2, 0), SHOWN, 6, 6);
    indicator_result_release(&r);
    r = compute(&facts, INDICATOR_COMMON_INSTRUMENTS, INDICATOR_BY_UNIT, INDICATOR_BY_NONE);
    indicator_suppress(&r, 0);
    ASSERT_EQ_INT(r.min_cell, INDICATOR_MIN_CELL);
    ASSERT_EQ_INT(indicator_result_cell(&r, 0, 0)->state, SMALL);
    indicator_result_release(&r);

    /* Days to assessment over the same episodes (all waited 0 days): only the denominator
     * counts for DAYS, so B (12 episodes, 0 days in all) is shown; A small, C complement. */
    r = compute(&facts, INDICATOR_DAYS_TO_ASSESSMENT, INDICATOR_BY_UNIT, INDICATOR_BY_NONE);
    indicator_suppress(&r, 5);
    assert_state(indicator_result_cell(&r, 0, 0), SMALL, 0, 0);
    assert_state(indicator_result_cell(&r, 1, 0), SHOWN, 0, 12);
    assert_state(indicator_result_cell(&r, 2, 0), COMPLEMENT, 0, 0);
    indicator_cell_format(&r, indicator_result_cell(&r, 1, 0), LANG_SV, text, sizeof(text));
    ASSERT_STR_EQ(text, "0,0");
    indicator_result_release(&r);
    indicator_facts_release(&facts);
}

static void two_way_complement(void)
{
    /* Unit x step (steps 1-3 used; columns 0-4 and "none" exist but are empty), n = k:
     *             s1    s2    s3  | row
     *   A          8     3    10  |  21
     *   B          6     5    20  |  31
     *   C          9    12     7  |  28
     *   column    23    20    37  |  80
     * Primary: A-s2 (3). Round 1, rows: row A has one hidden (A-s2) under a shown total, so its
     * smallest other cell is hidden: A-s1 (8 < 10). Columns: s1 now has one hidden (A-s1):
     * hide its smallest other cell, B-s1 (6 < 9); s2 has one hidden (A-s2): hide B-s2
     * (5 < 12). Lines of totals: none hidden. Round 2: row A has 2, row B has 2 (B-s1, B-s2),
     * row C 0; columns s1 and s2 have 2 each: nothing more. B-s2 is 5, not below 5, and is
     * hidden only as a complement. */
    struct indicator_facts facts;
    facts_new(&facts, 3);
    const int n[3][3] = { { 8, 3, 10 }, { 6, 5, 20 }, { 9, 12, 7 } };
    for (int unit = 0; unit < 3; unit++)
        for (int s = 0; s < 3; s++)
            add_group(&facts, unit, s + 1, n[unit][s], n[unit][s]);
    struct indicator_result r =
        compute(&facts, INDICATOR_COMMON_INSTRUMENTS, INDICATOR_BY_UNIT, INDICATOR_BY_STEP);
    ASSERT_EQ_INT(r.rows, 3);
    ASSERT_EQ_INT(r.cols, 6);
    indicator_suppress(&r, 5);
    assert_state(indicator_result_cell(&r, 0, 1), COMPLEMENT, 0, 0); /* A-s1 */
    assert_state(indicator_result_cell(&r, 0, 2), SMALL, 0, 0);      /* A-s2 */
    assert_state(indicator_result_cell(&r, 0, 3), SHOWN, 10, 10);    /* A-s3 */
    assert_state(indicator_result_cell(&r, 1, 1), COMPLEMENT, 0, 0); /* B-s1 */
    assert_state(indicator_result_cell(&r, 1, 2), COMPLEMENT, 0, 0); /* B-s2 */
    assert_state(indicator_result_cell(&r, 1, 3), SHOWN, 20, 20);
    assert_state(indicator_result_cell(&r, 2, 1), SHOWN, 9, 9);
    assert_state(indicator_result_cell(&r, 2, 2), SHOWN, 12, 12);
    assert_state(indicator_result_cell(&r, 2, 3), SHOWN, 7, 7);
    assert_state(indicator_result_cell(&r, 0, 0), SHOWN, 0, 0); /* empty: shown as "-" */
    for (int row = 0; row < 3; row++)
        ASSERT_EQ_INT(r.row_totals[row].state, SHOWN);
    assert_state(&r.row_totals[0], SHOWN, 21, 21);
    assert_state(&r.col_totals[1], SHOWN, 23, 23);
    assert_state(&r.col_totals[2], SHOWN, 20, 20);
    assert_state(&r.total, SHOWN, 80, 80);
    assert_protected(&r);
    char text[16];
    indicator_cell_format(&r, indicator_result_cell(&r, 0, 0), LANG_SV, text, sizeof(text));
    ASSERT_STR_EQ(text, "-");
    indicator_result_release(&r);
    indicator_facts_release(&facts);
}

static void small_numerators(void)
{
    /* A 2/20 (numerator 2 < 5), B 0/10 (numerator 0 < 5), C 10/10, D no episodes.
     * A and B are small; the column then has two hidden cells: nothing more is hidden. D is
     * empty and shown empty. The total 12/40 is shown. */
    struct indicator_facts facts;
    facts_new(&facts, 4);
    add_group(&facts, 0, 2, 20, 2);
    add_group(&facts, 1, 2, 10, 0);
    add_group(&facts, 2, 2, 10, 10);
    struct indicator_result r =
        compute(&facts, INDICATOR_COMMON_INSTRUMENTS, INDICATOR_BY_UNIT, INDICATOR_BY_NONE);
    indicator_suppress(&r, 5);
    assert_state(indicator_result_cell(&r, 0, 0), SMALL, 0, 0);
    assert_state(indicator_result_cell(&r, 1, 0), SMALL, 0, 0);
    assert_state(indicator_result_cell(&r, 2, 0), SHOWN, 10, 10);
    assert_state(indicator_result_cell(&r, 3, 0), SHOWN, 0, 0);
    assert_state(&r.total, SHOWN, 12, 40);
    assert_protected(&r);

    /* No breakdown, 3 episodes in all: the single figure is hidden. */
    indicator_result_release(&r);
    indicator_facts_release(&facts);
    facts_new(&facts, 1);
    add_group(&facts, 0, 2, 3, 3);
    r = compute(&facts, INDICATOR_COMMON_INSTRUMENTS, INDICATOR_BY_NONE, INDICATOR_BY_NONE);
    indicator_suppress(&r, 5);
    ASSERT_EQ_INT(r.total.state, SMALL);
    ASSERT_EQ_INT(indicator_result_cell(&r, 0, 0)->state, SMALL);
    indicator_result_release(&r);
    indicator_facts_release(&facts);
}

static void suppression_invariant(void)
{
    /* Random unit x step tables (fixed seed, counts 0-12, k <= n): after suppression no line
     * has exactly one hidden figure, every shown figure is as computed, and every figure below
     * the limit is hidden. */
    unsigned seed = 20261101u;
    for (int round = 0; round < 200; round++) {
        struct indicator_facts facts;
        facts_new(&facts, 4);
        for (int unit = 0; unit < 4; unit++)
            for (int step = 0; step < 5; step++) {
                seed = seed * 1103515245u + 12345u;
                int n = (int)((seed >> 16) % 13u);
                seed = seed * 1103515245u + 12345u;
                int k = n > 0 ? n - (int)((seed >> 16) % 3u) : 0;
                add_group(&facts, unit, step, n, k < 0 ? 0 : k);
            }
        struct indicator_result raw =
            compute(&facts, INDICATOR_COMMON_INSTRUMENTS, INDICATOR_BY_UNIT, INDICATOR_BY_STEP);
        struct indicator_result r =
            compute(&facts, INDICATOR_COMMON_INSTRUMENTS, INDICATOR_BY_UNIT, INDICATOR_BY_STEP);
        indicator_suppress(&r, 5);
        assert_protected(&r);
        for (int c = 0; c < r.rows * r.cols; c++) {
            const struct indicator_cell *got = &r.cells[c], *was = &raw.cells[c];
            bool small = was->denominator > 0 && (was->denominator < 5 || was->numerator < 5);
            if (small)
                ASSERT_EQ_INT(got->state, SMALL);
            if (got->state == SHOWN) {
                ASSERT_EQ_INT(got->numerator, was->numerator);
                ASSERT_EQ_INT(got->denominator, was->denominator);
            }
        }
        indicator_result_release(&raw);
        indicator_result_release(&r);
        indicator_facts_release(&facts);
    }
}

static void funnel_limits(void)
{
    /* p = 0.5, n = 100: se = sqrt(0.25 / 100) = 0.05.
     * 95 %: 1.959964 x 0.05 = 0.0979982 -> [0.4020018, 0.5979982].
     * 99.8 %: 3.090232 x 0.05 = 0.1545116 -> [0.3454884, 0.6545116]. */
    struct indicator_limits l = indicator_funnel_limits(0.5, 100);
    ASSERT_NEAR(l.low95, 0.4020018, 1e-6);
    ASSERT_NEAR(l.high95, 0.5979982, 1e-6);
    ASSERT_NEAR(l.low998, 0.3454884, 1e-6);
    ASSERT_NEAR(l.high998, 0.6545116, 1e-6);
    /* p = 0.2, n = 25: se = sqrt(0.16 / 25) = 0.08.
     * 95 %: 1.959964 x 0.08 = 0.15679712 -> [0.04320288, 0.35679712].
     * 99.8 %: 3.090232 x 0.08 = 0.24721856 -> [-0.04721856 clamped to 0, 0.44721856]. */
    l = indicator_funnel_limits(0.2, 25);
    ASSERT_NEAR(l.low95, 0.04320288, 1e-6);
    ASSERT_NEAR(l.high95, 0.35679712, 1e-6);
    ASSERT_NEAR(l.low998, 0.0, 1e-12);
    ASSERT_NEAR(l.high998, 0.44721856, 1e-6);
    /* p = 0.5, n = 4: se 0.25; 99.8 %: 0.5 +/- 0.772558 clamps to [0, 1]. */
    l = indicator_funnel_limits(0.5, 4);
    ASSERT_NEAR(l.low95, 0.010009, 1e-6);
    ASSERT_NEAR(l.high95, 0.989991, 1e-6);
    ASSERT_NEAR(l.low998, 0.0, 1e-12);
    ASSERT_NEAR(l.high998, 1.0, 1e-12);
    /* No episodes: the whole range. */
    l = indicator_funnel_limits(0.5, 0);
    ASSERT_NEAR(l.low95, 0.0, 1e-12);
    ASSERT_NEAR(l.high998, 1.0, 1e-12);
}

/* Seven units around a regional rate of exactly 0.5:
 *   A 70/100  B 62/100  C 58/100  D 25/50  E 38/100  F 22/100  G 2/4
 *   total 277/554 = 0.5.
 * At n = 100 the limits are [0.4020018, 0.5979982] and [0.3454884, 0.6545116] (above):
 *   A 0.70 > 0.6545116: above 99.8      B 0.62 in (0.598, 0.6545]: above 95 only
 *   C 0.58: within                      E 0.38 in [0.3455, 0.402): below 95 only
 *   F 0.22 < 0.3454884: below 99.8
 * D 0.5 at n = 50 and G 0.5 at n = 4 equal the regional rate: within. */
static void funnel_facts(struct indicator_facts *facts)
{
    facts_new(facts, 7);
    const int n[7] = { 100, 100, 100, 50, 100, 100, 4 }, k[7] = { 70, 62, 58, 25, 38, 22, 2 };
    for (int unit = 0; unit < 7; unit++)
        add_group(facts, unit, 2, n[unit], k[unit]);
}

static const char *const unit_names[7] = { "Gottsunda vårdcentral", "Knivsta vårdcentral",
                                           "Årsta vårdcentral",     "Ultuna vårdcentral",
                                           "Tierps vårdcentral",    "Storvreta vårdcentral",
                                           "Bålstadoktorn" };

static void funnel_classification(void)
{
    struct indicator_facts facts;
    funnel_facts(&facts);
    struct indicator_result r =
        compute(&facts, INDICATOR_COMMON_INSTRUMENTS, INDICATOR_BY_UNIT, INDICATOR_BY_NONE);
    struct indicator_funnel f;
    struct error err;
    ASSERT_EQ_INT(indicator_funnel(&r, &f, &err), ERR_OK);
    ASSERT_NEAR(f.p, 0.5, 1e-12);
    ASSERT_EQ_INT(f.numerator, 277);
    ASSERT_EQ_INT(f.denominator, 554);
    ASSERT_EQ_INT(f.count, 7);
    const enum indicator_funnel_class want[7] = {
        INDICATOR_FUNNEL_ABOVE_998, INDICATOR_FUNNEL_ABOVE_95, INDICATOR_FUNNEL_WITHIN,
        INDICATOR_FUNNEL_WITHIN,    INDICATOR_FUNNEL_BELOW_95, INDICATOR_FUNNEL_BELOW_998,
        INDICATOR_FUNNEL_WITHIN
    };
    for (int i = 0; i < 7; i++) {
        ASSERT_EQ_INT(f.points[i].key, i);
        ASSERT_EQ_INT(f.points[i].position, want[i]);
    }
    ASSERT_NEAR(f.points[0].rate, 0.70, 1e-12);
    ASSERT_NEAR(f.points[0].limits.high998, 0.6545116, 1e-6);
    /* D at n = 50: se = sqrt(0.25 / 50) = 0.0707107; 95 %: +/- 0.1385904 -> [0.3614096,
     * 0.6385904]. */
    ASSERT_NEAR(f.points[3].limits.low95, 0.3614096, 1e-6);
    ASSERT_NEAR(f.points[3].limits.high95, 0.6385904, 1e-6);

    char text[512];
    indicator_funnel_sentence(&f, 0, unit_names[0], LANG_SV, text, sizeof(text));
    ASSERT_STR_EQ(text, "Gottsunda vårdcentral ligger över den övre 99,8-procentsgränsen: 70,0 % "
                        "(70 av 100) mot regionens 50,0 %. Bara ungefär 1 av 500 enheter hamnar "
                        "utanför 99,8-procentsgränserna av en slump; skillnaden är sannolikt "
                        "verklig och värd att förstå. För det här måttet är det bättre än "
                        "regionen.");
    indicator_funnel_sentence(&f, 0, "Gottsunda", LANG_EN, text, sizeof(text));
    ASSERT_STR_EQ(text, "Gottsunda lies above the upper 99.8% limit: 70.0% (70 of 100) against "
                        "the region's 50.0%. Only about 1 unit in 500 falls outside the 99.8% "
                        "limits by chance alone; the difference is probably real and worth "
                        "understanding. For this measure that is better than the region.");
    indicator_funnel_sentence(&f, 4, "Tierp", LANG_SV, text, sizeof(text));
    ASSERT_CONTAINS(text, "Tierp ligger under den nedre 95-procentsgränsen men inom "
                          "99,8-procentsgränsen: 38,0 % (38 av 100)");
    ASSERT_CONTAINS(text, "sämre än regionen");
    indicator_funnel_sentence(&f, 2, "Årsta", LANG_EN, text, sizeof(text));
    ASSERT_CONTAINS(text, "Årsta lies within the 95% limits: 58.0% (58 of 100)");
    ASSERT_NOT_CONTAINS(text, "better");
    /* Truncation: the return value is the full length; the buffer stays terminated. */
    char tiny[8];
    size_t need = indicator_funnel_sentence(&f, 2, "Årsta", LANG_EN, tiny, sizeof(tiny));
    ASSERT_EQ_INT(need, strlen(text));
    ASSERT_EQ_INT(strlen(tiny), 7);
    indicator_funnel_sentence(&f, 7, "x", LANG_EN, text, sizeof(text));
    ASSERT_STR_EQ(text, "");
    indicator_funnel_release(&f);
    indicator_result_release(&r);
    indicator_facts_release(&facts);
}

static void funnel_suppressed(void)
{
    /* Suppressed first, as everything leaving the server is: G (2/4) is small; the column of
     * units then has one hidden cell under the shown total, so the smallest other, D (n 50),
     * is hidden too. The regional rate still comes from the total, 277/554. */
    struct indicator_facts facts;
    funnel_facts(&facts);
    struct indicator_result r =
        compute(&facts, INDICATOR_COMMON_INSTRUMENTS, INDICATOR_BY_UNIT, INDICATOR_BY_NONE);
    indicator_suppress(&r, 5);
    struct indicator_funnel f;
    struct error err;
    ASSERT_EQ_INT(indicator_funnel(&r, &f, &err), ERR_OK);
    ASSERT_NEAR(f.p, 0.5, 1e-12);
    ASSERT_EQ_INT(f.points[3].position, INDICATOR_FUNNEL_HIDDEN);
    ASSERT_EQ_INT(f.points[3].denominator, 0);
    ASSERT_EQ_INT(f.points[6].position, INDICATOR_FUNNEL_HIDDEN);
    ASSERT_EQ_INT(f.points[0].position, INDICATOR_FUNNEL_ABOVE_998);
    ASSERT_EQ_INT(f.points[5].position, INDICATOR_FUNNEL_BELOW_998);
    char text[600];
    indicator_funnel_sentence(&f, 6, unit_names[6], LANG_SV, text, sizeof(text));
    ASSERT_STR_EQ(text, "Bålstadoktorn visas inte: färre än 5 fall, eller dolt för att ett litet "
                        "tal inte ska kunna räknas fram.");
    indicator_funnel_summary(&f, unit_names, LANG_SV, text, sizeof(text));
    ASSERT_STR_EQ(text, "Regionen: 50,0 %; 5 enheter visas. Utanför 99,8-procentsgränserna: "
                        "Gottsunda vårdcentral (över), Storvreta vårdcentral (under). Utanför "
                        "bara 95-procentsgränserna: Knivsta vårdcentral (över), Tierps "
                        "vårdcentral (under). Övriga ligger inom gränserna, där slumpen kan "
                        "förklara skillnaden. 2 enheter visas inte (för få fall).");
    indicator_funnel_summary(&f, unit_names, LANG_EN, text, sizeof(text));
    ASSERT_CONTAINS(text, "Outside the 99.8% limits: Gottsunda vårdcentral (above), Storvreta "
                          "vårdcentral (below).");
    ASSERT_CONTAINS(text, "2 units are not shown (too few cases).");
    indicator_funnel_release(&f);
    indicator_result_release(&r);
    indicator_facts_release(&facts);

    /* Three units at 10/20 each: all within. */
    facts_new(&facts, 3);
    for (int unit = 0; unit < 3; unit++)
        add_group(&facts, unit, 2, 20, 10);
    r = compute(&facts, INDICATOR_COMMON_INSTRUMENTS, INDICATOR_BY_UNIT, INDICATOR_BY_NONE);
    indicator_suppress(&r, 5);
    ASSERT_EQ_INT(indicator_funnel(&r, &f, &err), ERR_OK);
    indicator_funnel_summary(&f, unit_names, LANG_SV, text, sizeof(text));
    ASSERT_STR_EQ(text, "Alla 3 enheter som visas ligger inom 95-procentsgränserna kring "
                        "regionens 50,0 %: skillnaderna kan förklaras av slumpen.");
    indicator_funnel_release(&f);
    indicator_result_release(&r);
    indicator_facts_release(&facts);
}

static void funnel_errors(void)
{
    struct indicator_facts facts;
    funnel_facts(&facts);
    struct indicator_funnel f;
    struct error err;
    struct indicator_result r =
        compute(&facts, INDICATOR_DAYS_TO_ASSESSMENT, INDICATOR_BY_UNIT, INDICATOR_BY_NONE);
    ASSERT_EQ_INT(indicator_funnel(&r, &f, &err), ERR_INVALID); /* not a share */
    ASSERT_STR_EQ(err.field, "result");
    ASSERT_TRUE(f.points == NULL);
    indicator_result_release(&r);
    r = compute(&facts, INDICATOR_COMMON_INSTRUMENTS, INDICATOR_BY_UNIT, INDICATOR_BY_STEP);
    ASSERT_EQ_INT(indicator_funnel(&r, &f, &err), ERR_INVALID); /* two dimensions */
    indicator_result_release(&r);
    r = compute(&facts, INDICATOR_COMMON_INSTRUMENTS, INDICATOR_BY_NONE, INDICATOR_BY_NONE);
    ASSERT_EQ_INT(indicator_funnel(&r, &f, &err), ERR_INVALID); /* no dimension */
    indicator_result_release(&r);
    indicator_facts_release(&facts);
    /* A region of 3 episodes: the total is hidden, so there is no regional rate. */
    facts_new(&facts, 2);
    add_group(&facts, 0, 2, 3, 3);
    r = compute(&facts, INDICATOR_COMMON_INSTRUMENTS, INDICATOR_BY_UNIT, INDICATOR_BY_NONE);
    indicator_suppress(&r, 5);
    ASSERT_EQ_INT(indicator_funnel(&r, &f, &err), ERR_UNPROCESSABLE);
    ASSERT_STR_EQ(err.field, "total");
    indicator_result_release(&r);
    indicator_facts_release(&facts);
}

static void availability(void)
{
    /* Interventions 0 ikbt, 1 kbt, 2 grupp; municipalities 0, 1. Units: 0 in municipality 0
     * (ikbt, kbt), 1 in 1 (kbt), 2 in 0 (grupp), 3 region-wide digital (ikbt).
     *            mun 0   mun 1
     *   ikbt      2       1      (unit 0 + digital; digital)
     *   kbt       1       1
     *   grupp     1       0      <- the one gap: municipality 1 lacks group treatment */
    const int unit_municipality[4] = { 0, 1, 0, INDICATOR_REGIONWIDE };
    const struct indicator_offer offers[6] = { { 0, 0 }, { 0, 1 }, { 1, 1 },
                                               { 2, 2 }, { 3, 0 }, { 1, 1 } };
    struct indicator_availability a;
    struct error err;
    ASSERT_EQ_INT(indicator_availability(unit_municipality, 4, offers, 5, 3, 2, &a, &err), ERR_OK);
    ASSERT_EQ_INT(indicator_availability_units(&a, 0, 0), 2);
    ASSERT_EQ_INT(indicator_availability_units(&a, 0, 1), 1);
    ASSERT_EQ_INT(indicator_availability_units(&a, 1, 0), 1);
    ASSERT_EQ_INT(indicator_availability_units(&a, 1, 1), 1);
    ASSERT_EQ_INT(indicator_availability_units(&a, 2, 0), 1);
    ASSERT_EQ_INT(indicator_availability_units(&a, 2, 1), 0);
    ASSERT_EQ_INT(indicator_availability_units(&a, 3, 0), -1);
    ASSERT_EQ_INT(a.gap_count, 1);
    ASSERT_EQ_INT(indicator_availability_offered(&a, 0), 3);
    ASSERT_EQ_INT(indicator_availability_offered(&a, 1), 2);
    indicator_availability_release(&a);

    /* Without the digital unit municipality 1 also lacks internet CBT: 2 gaps. */
    ASSERT_EQ_INT(indicator_availability(unit_municipality, 3, offers, 4, 3, 2, &a, &err), ERR_OK);
    ASSERT_EQ_INT(indicator_availability_units(&a, 0, 1), 0);
    ASSERT_EQ_INT(a.gap_count, 2);
    indicator_availability_release(&a);

    /* Offer 5 repeats offer 2; a unit in municipality 2 of 2 does not exist. */
    ASSERT_EQ_INT(indicator_availability(unit_municipality, 4, offers, 6, 3, 2, &a, &err),
                  ERR_INVALID);
    ASSERT_STR_EQ(err.field, "offers/5");
    ASSERT_TRUE(a.units == NULL);
    const int bad[2] = { 0, 2 };
    ASSERT_EQ_INT(indicator_availability(bad, 2, offers, 1, 3, 2, &a, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "unit_municipality/1");
}

static void training(void)
{
    /* Required courses: bits 0 and 1 (3).
     *   unit 0: courses 3, 3, 1     -> 2 of 3 completed
     *   unit 1: courses 3, 7; one inactive account (0) not counted -> 2 of 2
     *   unit 2: nobody             -> 0 of 0, share 0
     *   no unit: one active with none -> counted in the region only
     * Region: 4 of 6 active. */
    const struct indicator_staff staff[7] = { { 0, true, 3 }, { 0, true, 3 }, { 0, true, 1 },
                                              { 1, true, 3 }, { 1, true, 7 }, { 1, false, 0 },
                                              { -1, true, 0 } };
    struct indicator_training per_unit[3], region;
    struct error err;
    ASSERT_EQ_INT(indicator_training(staff, 7, 3u, 3, per_unit, &region, &err), ERR_OK);
    ASSERT_EQ_INT(per_unit[0].completed, 2);
    ASSERT_EQ_INT(per_unit[0].total, 3);
    ASSERT_NEAR(per_unit[0].share, 2.0 / 3.0, 1e-12);
    ASSERT_EQ_INT(per_unit[1].completed, 2);
    ASSERT_EQ_INT(per_unit[1].total, 2);
    ASSERT_NEAR(per_unit[1].share, 1.0, 1e-12);
    ASSERT_EQ_INT(per_unit[2].total, 0);
    ASSERT_NEAR(per_unit[2].share, 0.0, 1e-12);
    ASSERT_EQ_INT(region.completed, 4);
    ASSERT_EQ_INT(region.total, 6);

    ASSERT_EQ_INT(indicator_training(staff, 7, 0u, 3, per_unit, &region, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "required");
    ASSERT_EQ_INT(indicator_training(staff, 7, 3u, 1, per_unit, &region, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "staff/3/unit"); /* unit 1 of a one-unit region */
    ASSERT_EQ_INT(region.total, 0);
}

int main(void)
{
    RUN_TEST(one_way_complement);
    RUN_TEST(two_way_complement);
    RUN_TEST(small_numerators);
    RUN_TEST(suppression_invariant);
    RUN_TEST(funnel_limits);
    RUN_TEST(funnel_classification);
    RUN_TEST(funnel_suppressed);
    RUN_TEST(funnel_errors);
    RUN_TEST(availability);
    RUN_TEST(training);
    TEST_SUMMARY();
}
