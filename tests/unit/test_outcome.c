/* test_outcome.c - NHS Talking Therapies outcomes (../shared/spec/instruments.md §3) on the
 * shipped definitions. Expected values are worked by hand from the spec next to each assertion:
 * PHQ-9 caseness >= 10, reliable change 6; GAD-7 caseness >= 8, reliable change 4; WHO-5
 * caseness raw <= 12, reliable change 10 index points (index = raw x 4), higher is better. */
#include "testing.h"
#include "core/outcome.h"
#include "support/support.h"

static struct outcome_measure measure(const char *id, int first, int last, enum sex sex)
{
    struct outcome_measure m;
    struct error err;
    error_clear(&err);
    if (outcome_measure(test_instrument(id), first, last, sex, &m, &err) != ERR_OK)
        TEST_FAIL("%s %d -> %d: %s", id, first, last, err.message);
    return m;
}

static enum outcome_reliable reliable(const char *id, int first, int last)
{
    return measure(id, first, last, SEX_UNKNOWN).reliable;
}

static struct outcome_episode episode2(struct outcome_measure a, struct outcome_measure b)
{
    struct outcome_measure list[2] = { a, b };
    struct outcome_episode e;
    struct error err;
    error_clear(&err);
    if (outcome_episode(list, 2, &e, &err) != ERR_OK)
        TEST_FAIL("episode: %s", err.message);
    return e;
}

static void reliable_names(void)
{
    ASSERT_STR_EQ(outcome_reliable_name(RELIABLE_NONE), "none");
    ASSERT_STR_EQ(outcome_reliable_name(RELIABLE_IMPROVEMENT), "improvement");
    ASSERT_STR_EQ(outcome_reliable_name(RELIABLE_DETERIORATION), "deterioration");
    ASSERT_TRUE(outcome_reliable_name(RELIABLE_UNDEFINED) == NULL); /* JSON null */
}

static void phq9_reliable_change_edges(void)
{
    /* Reliable change 6: |change| 5 is not reliable, 6 and 7 are; a fall is an improvement. */
    ASSERT_EQ_INT(reliable("phq9", 20, 15), RELIABLE_NONE);         /* -5 < 6 */
    ASSERT_EQ_INT(reliable("phq9", 20, 14), RELIABLE_IMPROVEMENT);  /* -6, on the value */
    ASSERT_EQ_INT(reliable("phq9", 20, 13), RELIABLE_IMPROVEMENT);  /* -7 */
    ASSERT_EQ_INT(reliable("phq9", 5, 10), RELIABLE_NONE);          /* +5 < 6 */
    ASSERT_EQ_INT(reliable("phq9", 5, 11), RELIABLE_DETERIORATION); /* +6 */
    ASSERT_EQ_INT(reliable("phq9", 5, 12), RELIABLE_DETERIORATION); /* +7 */
    ASSERT_EQ_INT(reliable("phq9", 12, 12), RELIABLE_NONE);         /* 0 */
    struct outcome_measure m = measure("phq9", 20, 14, SEX_UNKNOWN);
    ASSERT_EQ_INT(m.change, -6); /* last - first = 14 - 20 */
    ASSERT_EQ_INT(m.first, 20);
    ASSERT_EQ_INT(m.last, 14);
    ASSERT_STR_EQ(m.instrument->id, "phq9");
}

static void gad7_reliable_change_edges(void)
{
    /* Reliable change 4: |change| 3 is not reliable, 4 and 5 are. */
    ASSERT_EQ_INT(reliable("gad7", 15, 12), RELIABLE_NONE);         /* -3 < 4 */
    ASSERT_EQ_INT(reliable("gad7", 15, 11), RELIABLE_IMPROVEMENT);  /* -4 */
    ASSERT_EQ_INT(reliable("gad7", 15, 10), RELIABLE_IMPROVEMENT);  /* -5 */
    ASSERT_EQ_INT(reliable("gad7", 5, 8), RELIABLE_NONE);           /* +3 */
    ASSERT_EQ_INT(reliable("gad7", 5, 9), RELIABLE_DETERIORATION);  /* +4 */
    ASSERT_EQ_INT(reliable("gad7", 5, 10), RELIABLE_DETERIORATION); /* +5 */
}

static void caseness_edges(void)
{
    /* PHQ-9 caseness >= 10. */
    ASSERT_EQ_INT(measure("phq9", 9, 9, SEX_UNKNOWN).caseness_start, TRI_FALSE); /* 9 < 10 */
    ASSERT_EQ_INT(measure("phq9", 10, 9, SEX_UNKNOWN).caseness_start, TRI_TRUE); /* 10 */
    ASSERT_EQ_INT(measure("phq9", 10, 9, SEX_UNKNOWN).caseness_end, TRI_FALSE);  /* 9 */
    ASSERT_EQ_INT(measure("phq9", 10, 10, SEX_UNKNOWN).caseness_end, TRI_TRUE);  /* 10 */
    /* GAD-7 caseness >= 8. */
    ASSERT_EQ_INT(measure("gad7", 7, 7, SEX_UNKNOWN).caseness_start, TRI_FALSE); /* 7 < 8 */
    ASSERT_EQ_INT(measure("gad7", 8, 7, SEX_UNKNOWN).caseness_start, TRI_TRUE);  /* 8 */
    ASSERT_EQ_INT(measure("gad7", 8, 7, SEX_UNKNOWN).caseness_end, TRI_FALSE);   /* 7 */
    ASSERT_EQ_INT(measure("gad7", 8, 8, SEX_UNKNOWN).caseness_end, TRI_TRUE);    /* 8 */
}

static void recovery_and_reliable_recovery(void)
{
    /* 10 -> 9: at caseness, then below: recovery; change -1 is not reliable: no reliable
     * recovery. */
    struct outcome_measure m = measure("phq9", 10, 9, SEX_UNKNOWN);
    ASSERT_EQ_INT(m.recovery, TRI_TRUE);
    ASSERT_EQ_INT(m.reliable, RELIABLE_NONE);
    ASSERT_EQ_INT(m.reliable_recovery, TRI_FALSE);
    /* 16 -> 9: recovery and -7 >= 6: reliable recovery. */
    m = measure("phq9", 16, 9, SEX_UNKNOWN);
    ASSERT_EQ_INT(m.recovery, TRI_TRUE);
    ASSERT_EQ_INT(m.reliable_recovery, TRI_TRUE);
    /* 16 -> 10: still at caseness: no recovery, though -6 is reliable improvement. */
    m = measure("phq9", 16, 10, SEX_UNKNOWN);
    ASSERT_EQ_INT(m.reliable, RELIABLE_IMPROVEMENT);
    ASSERT_EQ_INT(m.recovery, TRI_FALSE);
    ASSERT_EQ_INT(m.reliable_recovery, TRI_FALSE);
    /* 9 -> 3: not at caseness at start: recovery does not apply (null), nor reliable recovery,
     * even though -6 is a reliable improvement. */
    m = measure("phq9", 9, 3, SEX_UNKNOWN);
    ASSERT_EQ_INT(m.caseness_start, TRI_FALSE);
    ASSERT_EQ_INT(m.reliable, RELIABLE_IMPROVEMENT);
    ASSERT_EQ_INT(m.recovery, TRI_NULL);
    ASSERT_EQ_INT(m.reliable_recovery, TRI_NULL);
    /* GAD-7 12 -> 7: at caseness (>= 8), then below; -5 >= 4: reliable recovery. */
    m = measure("gad7", 12, 7, SEX_UNKNOWN);
    ASSERT_EQ_INT(m.recovery, TRI_TRUE);
    ASSERT_EQ_INT(m.reliable_recovery, TRI_TRUE);
}

static void who5_higher_is_better(void)
{
    /* Reported units are the index (raw x 4); reliable change 10 index points. */
    ASSERT_EQ_INT(reliable("who5", 10, 12), RELIABLE_NONE);          /* +2 raw = +8 < 10 */
    ASSERT_EQ_INT(reliable("who5", 10, 13), RELIABLE_IMPROVEMENT);   /* +3 raw = +12: a rise */
    ASSERT_EQ_INT(reliable("who5", 13, 11), RELIABLE_NONE);          /* -2 raw = -8 */
    ASSERT_EQ_INT(reliable("who5", 13, 10), RELIABLE_DETERIORATION); /* -3 raw = -12: a fall */
    struct outcome_measure m = measure("who5", 12, 15, SEX_UNKNOWN);
    ASSERT_EQ_INT(m.change, 3);                /* raw units: 15 - 12 */
    ASSERT_EQ_INT(m.caseness_start, TRI_TRUE); /* raw 12 <= 12: poor well-being */
    ASSERT_EQ_INT(m.caseness_end, TRI_FALSE);  /* raw 15 > 12 */
    ASSERT_EQ_INT(m.recovery, TRI_TRUE);
    ASSERT_EQ_INT(m.reliable_recovery, TRI_TRUE); /* +12 index points */
    m = measure("who5", 12, 13, SEX_UNKNOWN);
    ASSERT_EQ_INT(m.recovery, TRI_TRUE);           /* 13 is above the cut-off */
    ASSERT_EQ_INT(m.reliable_recovery, TRI_FALSE); /* +4 index points */
}

static void instruments_without_values(void)
{
    /* AUDIT: caseness by sex (female >= 6, male >= 8), no reliable-change value. */
    struct outcome_measure f = measure("audit", 7, 5, SEX_FEMALE);
    ASSERT_EQ_INT(f.reliable, RELIABLE_UNDEFINED);
    ASSERT_EQ_INT(f.caseness_start, TRI_TRUE); /* 7 >= 6 */
    ASSERT_EQ_INT(f.caseness_end, TRI_FALSE);  /* 5 < 6 */
    ASSERT_EQ_INT(f.recovery, TRI_TRUE);
    ASSERT_EQ_INT(f.reliable_recovery, TRI_NULL); /* improvement cannot be judged */
    struct outcome_measure m = measure("audit", 7, 5, SEX_MALE);
    ASSERT_EQ_INT(m.caseness_start, TRI_FALSE); /* 7 < 8 */
    ASSERT_EQ_INT(m.recovery, TRI_NULL);
    /* WSAS: no caseness cut-off, no reliable change. */
    struct outcome_measure w = measure("wsas", 30, 5, SEX_UNKNOWN);
    ASSERT_EQ_INT(w.caseness_start, TRI_NULL);
    ASSERT_EQ_INT(w.caseness_end, TRI_NULL);
    ASSERT_EQ_INT(w.recovery, TRI_NULL);
    ASSERT_EQ_INT(w.reliable_recovery, TRI_NULL);
    ASSERT_EQ_INT(w.reliable, RELIABLE_UNDEFINED);
}

static void totals_out_of_range(void)
{
    struct outcome_measure m;
    struct error err;
    error_clear(&err);
    /* PHQ-9 raw range 0-27: the edges are accepted. */
    ASSERT_EQ_INT(outcome_measure(test_instrument("phq9"), 0, 27, SEX_UNKNOWN, &m, &err), ERR_OK);
    ASSERT_EQ_INT(m.reliable, RELIABLE_DETERIORATION); /* +27 */
    ASSERT_EQ_INT(outcome_measure(test_instrument("phq9"), -1, 5, SEX_UNKNOWN, &m, &err),
                  ERR_INVALID);
    ASSERT_STR_EQ(err.field, "first");
    ASSERT_TRUE(m.instrument == NULL); /* left zeroed */
    ASSERT_EQ_INT(outcome_measure(test_instrument("phq9"), 5, 28, SEX_UNKNOWN, &m, &err),
                  ERR_INVALID);
    ASSERT_STR_EQ(err.field, "last");
    ASSERT_CONTAINS(err.message, "PHQ-9");
    /* WHO-5 takes raw totals 0-25, not the index. */
    ASSERT_EQ_INT(outcome_measure(test_instrument("who5"), 10, 26, SEX_UNKNOWN, &m, &err),
                  ERR_INVALID);
    ASSERT_STR_EQ(err.field, "last");
    ASSERT_EQ_INT(outcome_measure(NULL, 1, 2, SEX_UNKNOWN, &m, NULL), ERR_INVALID);
}

static void episode_of_one_equals_the_measure(void)
{
    struct outcome_measure m = measure("phq9", 16, 9, SEX_UNKNOWN);
    struct outcome_episode e;
    ASSERT_EQ_INT(outcome_episode(&m, 1, &e, NULL), ERR_OK);
    ASSERT_EQ_INT(e.caseness_start, m.caseness_start); /* TRUE */
    ASSERT_EQ_INT(e.caseness_end, m.caseness_end);     /* FALSE */
    ASSERT_EQ_INT(e.recovery, TRI_TRUE);
    ASSERT_EQ_INT(e.reliable, RELIABLE_IMPROVEMENT);
    ASSERT_EQ_INT(e.reliable_recovery, TRI_TRUE);
    m = measure("phq9", 9, 3, SEX_UNKNOWN);
    ASSERT_EQ_INT(outcome_episode(&m, 1, &e, NULL), ERR_OK);
    ASSERT_EQ_INT(e.recovery, TRI_NULL);
    ASSERT_EQ_INT(e.reliable_recovery, TRI_NULL);
}

static void episode_reliable_combination(void)
{
    struct outcome_measure phq_up = measure("phq9", 5, 11, SEX_UNKNOWN);    /* +6: deterioration */
    struct outcome_measure phq_down = measure("phq9", 20, 14, SEX_UNKNOWN); /* -6: improvement */
    struct outcome_measure phq_same = measure("phq9", 12, 12, SEX_UNKNOWN); /* 0: none */
    struct outcome_measure phq_small = measure("phq9", 5, 10, SEX_UNKNOWN); /* +5: none */
    struct outcome_measure gad_up = measure("gad7", 5, 9, SEX_UNKNOWN);     /* +4: deterioration */
    struct outcome_measure gad_down = measure("gad7", 15, 11, SEX_UNKNOWN); /* -4: improvement */
    struct outcome_measure gad_same = measure("gad7", 10, 10, SEX_UNKNOWN); /* 0: none */
    /* One improves and the other deteriorates: none (either order). */
    ASSERT_EQ_INT(episode2(phq_down, gad_up).reliable, RELIABLE_NONE);
    ASSERT_EQ_INT(episode2(phq_up, gad_down).reliable, RELIABLE_NONE);
    /* One improves and the other is unchanged: improvement (either measure). */
    ASSERT_EQ_INT(episode2(phq_down, gad_same).reliable, RELIABLE_IMPROVEMENT);
    ASSERT_EQ_INT(episode2(phq_same, gad_down).reliable, RELIABLE_IMPROVEMENT);
    /* A rise below the reliable value does not block an improvement on the other. */
    ASSERT_EQ_INT(episode2(phq_small, gad_down).reliable, RELIABLE_IMPROVEMENT);
    /* Mirror: one deteriorates and the other is unchanged: deterioration. */
    ASSERT_EQ_INT(episode2(phq_up, gad_same).reliable, RELIABLE_DETERIORATION);
    ASSERT_EQ_INT(episode2(phq_same, gad_up).reliable, RELIABLE_DETERIORATION);
    /* Both the same way. */
    ASSERT_EQ_INT(episode2(phq_down, gad_down).reliable, RELIABLE_IMPROVEMENT);
    ASSERT_EQ_INT(episode2(phq_up, gad_up).reliable, RELIABLE_DETERIORATION);
    ASSERT_EQ_INT(episode2(phq_same, gad_same).reliable, RELIABLE_NONE);
}

static void episode_caseness_and_recovery(void)
{
    /* Caseness at start when at least one measure is: PHQ-9 9 (below) + GAD-7 8 (at). */
    struct outcome_episode e =
        episode2(measure("phq9", 9, 4, SEX_UNKNOWN), measure("gad7", 8, 3, SEX_UNKNOWN));
    ASSERT_EQ_INT(e.caseness_start, TRI_TRUE);
    ASSERT_EQ_INT(e.caseness_end, TRI_FALSE);
    ASSERT_EQ_INT(e.recovery, TRI_TRUE);
    ASSERT_EQ_INT(e.reliable, RELIABLE_IMPROVEMENT); /* GAD-7 -5, PHQ-9 -5 (none) */
    ASSERT_EQ_INT(e.reliable_recovery, TRI_TRUE);
    /* Neither at caseness at start (PHQ-9 9, GAD-7 7): recovery and reliable recovery null. */
    e = episode2(measure("phq9", 9, 2, SEX_UNKNOWN), measure("gad7", 7, 1, SEX_UNKNOWN));
    ASSERT_EQ_INT(e.caseness_start, TRI_FALSE);
    ASSERT_EQ_INT(e.recovery, TRI_NULL);
    ASSERT_EQ_INT(e.reliable_recovery, TRI_NULL);
    ASSERT_EQ_INT(e.reliable, RELIABLE_IMPROVEMENT); /* PHQ-9 -7, GAD-7 -6 */
    /* Recovery needs both below at the end: PHQ-9 15 -> 5 (below), GAD-7 10 -> 8 (at). */
    e = episode2(measure("phq9", 15, 5, SEX_UNKNOWN), measure("gad7", 10, 8, SEX_UNKNOWN));
    ASSERT_EQ_INT(e.caseness_end, TRI_TRUE);
    ASSERT_EQ_INT(e.recovery, TRI_FALSE);
    ASSERT_EQ_INT(e.reliable, RELIABLE_IMPROVEMENT); /* PHQ-9 -10; GAD-7 -2 none */
    ASSERT_EQ_INT(e.reliable_recovery, TRI_FALSE);
    /* The mirror: PHQ-9 15 -> 12 (at caseness), GAD-7 10 -> 5 (below): no recovery. */
    e = episode2(measure("phq9", 15, 12, SEX_UNKNOWN), measure("gad7", 10, 5, SEX_UNKNOWN));
    ASSERT_EQ_INT(e.caseness_end, TRI_TRUE);
    ASSERT_EQ_INT(e.recovery, TRI_FALSE);
    ASSERT_EQ_INT(e.reliable, RELIABLE_IMPROVEMENT); /* GAD-7 -5; PHQ-9 -3 none */
    ASSERT_EQ_INT(e.reliable_recovery, TRI_FALSE);
    /* GAD-7 10 -> 7: both below: recovery; with PHQ-9 -10 reliable: reliable recovery. */
    e = episode2(measure("phq9", 15, 5, SEX_UNKNOWN), measure("gad7", 10, 7, SEX_UNKNOWN));
    ASSERT_EQ_INT(e.recovery, TRI_TRUE);
    ASSERT_EQ_INT(e.reliable_recovery, TRI_TRUE);
    /* Recovery without reliable improvement: PHQ-9 10 -> 9 (-1), GAD-7 8 -> 7 (-1). */
    e = episode2(measure("phq9", 10, 9, SEX_UNKNOWN), measure("gad7", 8, 7, SEX_UNKNOWN));
    ASSERT_EQ_INT(e.recovery, TRI_TRUE);
    ASSERT_EQ_INT(e.reliable, RELIABLE_NONE);
    ASSERT_EQ_INT(e.reliable_recovery, TRI_FALSE);
    /* Recovery with improvement on one and deterioration on the other: reliable none, so no
     * reliable recovery. PHQ-9 16 -> 9 (-7), GAD-7 2 -> 6 (+4, still below 8). */
    e = episode2(measure("phq9", 16, 9, SEX_UNKNOWN), measure("gad7", 2, 6, SEX_UNKNOWN));
    ASSERT_EQ_INT(e.recovery, TRI_TRUE);
    ASSERT_EQ_INT(e.reliable, RELIABLE_NONE);
    ASSERT_EQ_INT(e.reliable_recovery, TRI_FALSE);
}

static void episode_unknown_parts_stay_unknown(void)
{
    /* PHQ-9 at caseness decides the start even beside WSAS (no cut-off); at the end PHQ-9 is
     * below but WSAS cannot say: caseness at end, recovery unknown; WSAS has no reliable
     * change, so the combined reliable change is undefined. */
    struct outcome_episode e =
        episode2(measure("phq9", 15, 5, SEX_UNKNOWN), measure("wsas", 20, 10, SEX_UNKNOWN));
    ASSERT_EQ_INT(e.caseness_start, TRI_TRUE);
    ASSERT_EQ_INT(e.caseness_end, TRI_NULL);
    ASSERT_EQ_INT(e.recovery, TRI_NULL);
    ASSERT_EQ_INT(e.reliable, RELIABLE_UNDEFINED);
    ASSERT_EQ_INT(e.reliable_recovery, TRI_NULL);
}

static void episode_errors(void)
{
    struct outcome_measure list[3] = { measure("phq9", 10, 5, SEX_UNKNOWN),
                                       measure("phq9", 12, 5, SEX_UNKNOWN),
                                       measure("gad7", 10, 5, SEX_UNKNOWN) };
    struct outcome_episode e;
    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(outcome_episode(list, 0, &e, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "measures");
    ASSERT_EQ_INT(outcome_episode(list, 3, &e, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "measures");
    ASSERT_EQ_INT(outcome_episode(list, 2, &e, &err), ERR_INVALID); /* PHQ-9 twice */
    ASSERT_CONTAINS(err.message, "PHQ-9 is given twice");
    ASSERT_EQ_INT(e.reliable, RELIABLE_NONE); /* left zeroed */
    ASSERT_EQ_INT(outcome_episode(NULL, 1, &e, &err), ERR_INVALID);
    ASSERT_EQ_INT(outcome_episode(&list[1], 2, &e, &err), ERR_OK); /* PHQ-9 + GAD-7 */
}

int main(void)
{
    RUN_TEST(reliable_names);
    RUN_TEST(phq9_reliable_change_edges);
    RUN_TEST(gad7_reliable_change_edges);
    RUN_TEST(caseness_edges);
    RUN_TEST(recovery_and_reliable_recovery);
    RUN_TEST(who5_higher_is_better);
    RUN_TEST(instruments_without_values);
    RUN_TEST(totals_out_of_range);
    RUN_TEST(episode_of_one_equals_the_measure);
    RUN_TEST(episode_reliable_combination);
    RUN_TEST(episode_caseness_and_recovery);
    RUN_TEST(episode_unknown_parts_stay_unknown);
    RUN_TEST(episode_errors);
    TEST_SUMMARY();
}
