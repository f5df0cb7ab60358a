/* test_steps.c - the recommended step and the step-up check with the shipped data/steps.json
 * (DESIGN.md "Clinical logic"; ../shared/spec/instruments.md §4.4), and the rules parser.
 * Default limits: step 0 PHQ-9 <= 4, GAD-7 <= 4, AUDIT and AUDIT-C not at caseness; step 1
 * PHQ-9 <= 9, GAD-7 <= 9, AUDIT <= 15; step 2 PHQ-9 <= 14, GAD-7 <= 14, AUDIT <= 19; step 3
 * PHQ-9 <= 27, GAD-7 <= 21, AUDIT <= 19; step 4 none. Raises in order: WSAS >= 21 one step up;
 * risk flag to at least step 3. Step-up: 4 sessions or 6 weeks; PHQ-9 (reliable change 6) and
 * GAD-7 (4). Expected values are worked by hand next to each assertion. */
#include <stdio.h>
#include <stdlib.h>

#include "testing.h"
#include "core/mem.h"
#include "core/steps.h"
#include "support/support.h"

static struct steps_rules rules; /* the shipped rules, loaded in main() */

/* Read $STEGVIS_DATA/steps.json and parse it. */
static void load_shipped_rules(struct steps_rules *out)
{
    const char *dir = getenv("STEGVIS_DATA");
    if (dir == NULL)
        TEST_FAIL("STEGVIS_DATA is not set (run the tests through ctest)");
    char path[4096];
    snprintf(path, sizeof(path), "%s/steps.json", dir);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        TEST_FAIL("cannot open %s", path);
    char *text = xmalloc(1 << 20);
    size_t n = fread(text, 1, (1 << 20) - 1, f);
    fclose(f);
    text[n] = '\0';
    struct error err;
    error_clear(&err);
    enum err_code rc = steps_rules_parse(out, text, path, &err);
    free(text);
    if (rc != ERR_OK)
        TEST_FAIL("%s: %s", path, err.message);
}

/* An input as instrument_score() gives it: caseness from the shipped definition for `sex`. */
static struct steps_input input(const char *id, int total, enum sex sex, unsigned flags)
{
    enum tri caseness = instrument_caseness(test_instrument(id), total, sex);
    return (struct steps_input){ id, total, caseness, flags };
}

static struct steps_result recommend(const struct steps_input *inputs, int count)
{
    struct steps_result result;
    struct error err;
    error_clear(&err);
    if (steps_recommend(&rules, inputs, count, &result, &err) != ERR_OK)
        TEST_FAIL("recommend: %s", err.message);
    return result;
}

static int step_for(const char *id, int total, enum sex sex)
{
    struct steps_input in = input(id, total, sex, 0);
    return recommend(&in, 1).step;
}

static const char *text_of(const struct steps_reason *reason, enum lang lang)
{
    static char buf[512];
    steps_reason_text(&rules, reason, lang, buf, sizeof(buf));
    return buf;
}

static void shipped_rules_shape(void)
{
    ASSERT_EQ_INT(rules.step_count, 5); /* steps 0-4 */
    ASSERT_STR_EQ(steps_name(&rules, 0, LANG_SV), "Egenvård och prevention");
    ASSERT_STR_EQ(steps_name(&rules, 0, LANG_EN), "Self-care and prevention");
    ASSERT_STR_EQ(steps_name(&rules, 4, LANG_EN), "Specialist psychiatry or addiction care");
    ASSERT_STR_EQ(steps_name(&rules, 5, LANG_EN), ""); /* no such step */
    ASSERT_STR_EQ(steps_name(&rules, -1, LANG_SV), "");
    ASSERT_EQ_INT(rules.step_up.min_sessions, 4);
    ASSERT_EQ_INT(rules.step_up.min_weeks, 6);
    ASSERT_EQ_INT(rules.step_up.measure_count, 2);
}

static void phq9_limit_edges(void)
{
    ASSERT_EQ_INT(step_for("phq9", 0, SEX_UNKNOWN), 0);
    ASSERT_EQ_INT(step_for("phq9", 4, SEX_UNKNOWN), 0);  /* <= 4 */
    ASSERT_EQ_INT(step_for("phq9", 5, SEX_UNKNOWN), 1);  /* > 4, <= 9 */
    ASSERT_EQ_INT(step_for("phq9", 9, SEX_UNKNOWN), 1);  /* <= 9 */
    ASSERT_EQ_INT(step_for("phq9", 10, SEX_UNKNOWN), 2); /* > 9, <= 14 */
    ASSERT_EQ_INT(step_for("phq9", 14, SEX_UNKNOWN), 2); /* <= 14 */
    ASSERT_EQ_INT(step_for("phq9", 15, SEX_UNKNOWN), 3); /* > 14, <= 27 */
    ASSERT_EQ_INT(step_for("phq9", 27, SEX_UNKNOWN), 3); /* symptoms alone never reach step 4 */
}

static void gad7_limit_edges(void)
{
    ASSERT_EQ_INT(step_for("gad7", 4, SEX_UNKNOWN), 0);  /* <= 4 */
    ASSERT_EQ_INT(step_for("gad7", 5, SEX_UNKNOWN), 1);  /* > 4 */
    ASSERT_EQ_INT(step_for("gad7", 9, SEX_UNKNOWN), 1);  /* <= 9 */
    ASSERT_EQ_INT(step_for("gad7", 10, SEX_UNKNOWN), 2); /* > 9 */
    ASSERT_EQ_INT(step_for("gad7", 14, SEX_UNKNOWN), 2); /* <= 14 */
    ASSERT_EQ_INT(step_for("gad7", 15, SEX_UNKNOWN), 3); /* > 14 */
    ASSERT_EQ_INT(step_for("gad7", 21, SEX_UNKNOWN), 3); /* <= 21 */
}

static void audit_limit_edges(void)
{
    /* AUDIT 15 is at caseness for anyone (cut-off 6/8): not step 0; <= 15: step 1. */
    ASSERT_EQ_INT(step_for("audit", 15, SEX_MALE), 1);
    ASSERT_EQ_INT(step_for("audit", 16, SEX_MALE), 2); /* > 15, <= 19 */
    ASSERT_EQ_INT(step_for("audit", 19, SEX_MALE), 2); /* <= 19 */
    ASSERT_EQ_INT(step_for("audit", 20, SEX_MALE), 4); /* > 19 at step 3 too: addiction care */
    ASSERT_EQ_INT(step_for("audit", 40, SEX_FEMALE), 4);
    /* AUDIT 20: every step below 4 says why. */
    struct steps_input in = input("audit", 20, SEX_MALE, 0);
    struct steps_result r = recommend(&in, 1);
    ASSERT_EQ_INT(r.reason_count, 5);
    ASSERT_STR_EQ(steps_reason_code(&r.reasons[0]), "not_caseness_required"); /* 20 >= 8 */
    ASSERT_STR_EQ(steps_reason_code(&r.reasons[1]), "above_limit");
    ASSERT_EQ_INT(r.reasons[1].limit, 15);
    ASSERT_EQ_INT(r.reasons[2].limit, 19);
    ASSERT_EQ_INT(r.reasons[3].limit, 19);
    ASSERT_EQ_INT(r.reasons[3].step, 3);
    ASSERT_STR_EQ(text_of(&r.reasons[3], LANG_EN), "AUDIT 20 is above the limit 19 for step 3");
    ASSERT_STR_EQ(steps_reason_code(&r.reasons[4]), "within_limits");
    ASSERT_EQ_INT(r.reasons[4].step, 4);
}

static void audit_caseness_by_sex(void)
{
    /* Step 0 needs AUDIT below caseness: female >= 6, male >= 8 (the input's caseness). */
    ASSERT_EQ_INT(step_for("audit", 5, SEX_FEMALE), 0); /* 5 < 6 */
    ASSERT_EQ_INT(step_for("audit", 6, SEX_FEMALE), 1); /* 6 >= 6 */
    ASSERT_EQ_INT(step_for("audit", 7, SEX_FEMALE), 1);
    ASSERT_EQ_INT(step_for("audit", 7, SEX_MALE), 0); /* 7 < 8 */
    ASSERT_EQ_INT(step_for("audit", 8, SEX_MALE), 1); /* 8 >= 8 */
    /* AUDIT-C: female >= 3, male >= 4. */
    ASSERT_EQ_INT(step_for("auditc", 2, SEX_FEMALE), 0);
    ASSERT_EQ_INT(step_for("auditc", 3, SEX_FEMALE), 1);
    ASSERT_EQ_INT(step_for("auditc", 3, SEX_MALE), 0);
    ASSERT_EQ_INT(step_for("auditc", 4, SEX_MALE), 1);
    /* The rule reads the input's caseness, not the total: unknown caseness does not meet it. */
    struct steps_input unknown = { "audit", 0, TRI_NULL, 0 };
    ASSERT_EQ_INT(recommend(&unknown, 1).step, 1);
    struct steps_input told = { "audit", 7, TRI_FALSE, 0 }; /* as for a man: 7 < 8 */
    ASSERT_EQ_INT(recommend(&told, 1).step, 0);
    told.caseness = TRI_TRUE; /* as for a woman: 7 >= 6 */
    ASSERT_EQ_INT(recommend(&told, 1).step, 1);
    struct steps_input female6 = input("audit", 6, SEX_FEMALE, 0);
    struct steps_result r = recommend(&female6, 1);
    ASSERT_STR_EQ(text_of(&r.reasons[0], LANG_EN),
                  "AUDIT 6 is at the cut-off for hazardous use; step 0 is only for scores "
                  "below it");
}

static void combined_inputs_and_reasons(void)
{
    /* PHQ-9 13, GAD-7 3: step 0 fails on PHQ-9 (first limit in file order), step 1 too;
     * step 2 takes PHQ-9 <= 14 and GAD-7 <= 14. */
    struct steps_input in[2] = { input("phq9", 13, SEX_UNKNOWN, 0),
                                 input("gad7", 3, SEX_UNKNOWN, 0) };
    struct steps_result r = recommend(in, 2);
    ASSERT_EQ_INT(r.step, 2);
    ASSERT_EQ_INT(r.reason_count, 3);
    ASSERT_STR_EQ(r.reasons[0].instrument, "phq9");
    ASSERT_EQ_INT(r.reasons[0].total, 13);
    ASSERT_EQ_INT(r.reasons[0].limit, 4);
    ASSERT_STR_EQ(text_of(&r.reasons[1], LANG_EN), "PHQ-9 13 is above the limit 9 for step 1");
    ASSERT_STR_EQ(text_of(&r.reasons[1], LANG_SV), "PHQ-9 13 är över gränsen 9 för steg 1");
    ASSERT_STR_EQ(text_of(&r.reasons[2], LANG_EN),
                  "The scores are within the limits for step 2: Low-intensity treatment: guided "
                  "internet CBT, groups, brief alcohol intervention");
    /* PHQ-9 3, GAD-7 11: PHQ-9 meets step 0 and 1, GAD-7 11 does not: reasons name GAD-7. */
    in[0] = input("phq9", 3, SEX_UNKNOWN, 0);
    in[1] = input("gad7", 11, SEX_UNKNOWN, 0);
    r = recommend(in, 2);
    ASSERT_EQ_INT(r.step, 2);
    ASSERT_STR_EQ(r.reasons[0].instrument, "gad7");
    ASSERT_EQ_INT(r.reasons[0].limit, 4);
    ASSERT_EQ_INT(r.reasons[1].limit, 9);
    /* The highest of the instruments decides: PHQ-9 4 (step 0) with AUDIT 17 (step 2). */
    in[0] = input("phq9", 4, SEX_UNKNOWN, 0);
    in[1] = input("audit", 17, SEX_FEMALE, 0);
    ASSERT_EQ_INT(recommend(in, 2).step, 2);
}

static void unknown_instruments_are_ignored(void)
{
    /* "who5" and "xyz" have no limits: PHQ-9 3 alone decides: step 0. */
    struct steps_input in[3] = { { "xyz", 99, TRI_TRUE, 0 },
                                 input("phq9", 3, SEX_UNKNOWN, 0),
                                 input("who5", 2, SEX_UNKNOWN, 0) };
    struct steps_result r = recommend(in, 3);
    ASSERT_EQ_INT(r.step, 0);
    ASSERT_EQ_INT(r.reason_count, 1);
    ASSERT_STR_EQ(steps_reason_code(&r.reasons[0]), "within_limits");
}

static void risk_raises_to_step_3(void)
{
    /* PHQ-9 3 with item 9 > 0 (flag risk): base 0, raised to at least 3. */
    struct steps_input in = input("phq9", 3, SEX_UNKNOWN, FLAG_RISK);
    struct steps_result r = recommend(&in, 1);
    ASSERT_EQ_INT(r.step, 3);
    ASSERT_EQ_INT(r.reason_count, 2);
    ASSERT_STR_EQ(steps_reason_code(&r.reasons[0]), "within_limits");
    ASSERT_EQ_INT(r.reasons[0].step, 0);
    ASSERT_STR_EQ(steps_reason_code(&r.reasons[1]), "raised_by_risk");
    ASSERT_EQ_INT(r.reasons[1].step, 3);
    ASSERT_STR_EQ(text_of(&r.reasons[1], LANG_EN),
                  "PHQ-9 shows risk (thoughts of death or self-harm): raised to step 3; make a "
                  "risk assessment");
    /* Risk never lowers: AUDIT 25 (step 4) with a PHQ-9 risk flag stays 4, no raise reason. */
    struct steps_input two[2] = { input("phq9", 3, SEX_UNKNOWN, FLAG_RISK),
                                  input("audit", 25, SEX_MALE, 0) };
    r = recommend(two, 2);
    ASSERT_EQ_INT(r.step, 4);
    ASSERT_STR_EQ(steps_reason_code(&r.reasons[r.reason_count - 1]), "within_limits");
    /* Already at 3 (PHQ-9 16): the floor changes nothing. */
    in = input("phq9", 16, SEX_UNKNOWN, FLAG_RISK);
    r = recommend(&in, 1);
    ASSERT_EQ_INT(r.step, 3);
    ASSERT_STR_EQ(steps_reason_code(&r.reasons[r.reason_count - 1]), "within_limits");
    /* Other flags (risk unknown, prorated) do not raise. */
    in = input("phq9", 3, SEX_UNKNOWN, FLAG_RISK_UNKNOWN | FLAG_PRORATED);
    ASSERT_EQ_INT(recommend(&in, 1).step, 0);
}

static void wsas_raises_one_step(void)
{
    /* PHQ-9 12 (step 2) with WSAS 20: no raise; WSAS 21: one step up to 3. */
    struct steps_input in[2] = { input("phq9", 12, SEX_UNKNOWN, 0),
                                 input("wsas", 20, SEX_UNKNOWN, 0) };
    ASSERT_EQ_INT(recommend(in, 2).step, 2);
    in[1] = input("wsas", 21, SEX_UNKNOWN, 0);
    struct steps_result r = recommend(in, 2);
    ASSERT_EQ_INT(r.step, 3);
    ASSERT_STR_EQ(steps_reason_code(&r.reasons[r.reason_count - 1]), "raised_by_function");
    ASSERT_STR_EQ(text_of(&r.reasons[r.reason_count - 1], LANG_EN),
                  "WSAS 21 (at least 21) shows marked functional impairment: one step up, to "
                  "step 3");
    /* PHQ-9 15 (step 3) with WSAS 21: 4. */
    in[0] = input("phq9", 15, SEX_UNKNOWN, 0);
    ASSERT_EQ_INT(recommend(in, 2).step, 4);
    /* Cap: AUDIT 20 (step 4) with WSAS 40 stays 4, and no raise reason. */
    in[0] = input("audit", 20, SEX_MALE, 0);
    in[1] = input("wsas", 40, SEX_UNKNOWN, 0);
    r = recommend(in, 2);
    ASSERT_EQ_INT(r.step, 4);
    ASSERT_STR_EQ(steps_reason_code(&r.reasons[r.reason_count - 1]), "within_limits");
}

static void raises_in_order(void)
{
    /* PHQ-9 3 with risk and WSAS 21: function first (0 -> 1), then the risk floor (-> 3). */
    struct steps_input in[2] = { input("phq9", 3, SEX_UNKNOWN, FLAG_RISK),
                                 input("wsas", 21, SEX_UNKNOWN, 0) };
    struct steps_result r = recommend(in, 2);
    ASSERT_EQ_INT(r.step, 3);
    ASSERT_EQ_INT(r.reason_count, 3);
    ASSERT_STR_EQ(steps_reason_code(&r.reasons[1]), "raised_by_function");
    ASSERT_EQ_INT(r.reasons[1].step, 1);
    ASSERT_STR_EQ(steps_reason_code(&r.reasons[2]), "raised_by_risk");
    ASSERT_EQ_INT(r.reasons[2].step, 3);
    /* PHQ-9 20 with risk and WSAS 25: base 3, function -> 4, risk changes nothing. */
    in[0] = input("phq9", 20, SEX_UNKNOWN, FLAG_RISK);
    in[1] = input("wsas", 25, SEX_UNKNOWN, 0);
    r = recommend(in, 2);
    ASSERT_EQ_INT(r.step, 4);
    ASSERT_STR_EQ(steps_reason_code(&r.reasons[r.reason_count - 1]), "raised_by_function");
}

static void recommend_errors(void)
{
    struct steps_result r;
    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(steps_recommend(&rules, NULL, 0, &r, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.message, "no scored instruments");
    ASSERT_STR_EQ(err.field, "inputs");
    struct steps_input in[2] = { input("phq9", 3, SEX_UNKNOWN, 0),
                                 input("phq9", 12, SEX_UNKNOWN, 0) };
    ASSERT_EQ_INT(steps_recommend(&rules, in, 2, &r, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "/inputs/1");
    ASSERT_CONTAINS(err.message, "twice");
    /* Only instruments without limits: nothing to base a step on. */
    in[0] = input("wsas", 30, SEX_UNKNOWN, 0);
    ASSERT_EQ_INT(steps_recommend(&rules, in, 1, &r, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "inputs");
    ASSERT_EQ_INT(r.reason_count, 0); /* left zeroed */
    in[0].instrument = NULL;
    ASSERT_EQ_INT(steps_recommend(&rules, in, 1, &r, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "/inputs/0");
}

static void reason_text_buffer(void)
{
    struct steps_input in = input("phq9", 13, SEX_UNKNOWN, 0);
    struct steps_result r = recommend(&in, 1);
    const char *full = "PHQ-9 13 is above the limit 4 for step 0";
    char small[10];
    int n = steps_reason_text(&rules, &r.reasons[0], LANG_EN, small, sizeof(small));
    ASSERT_EQ_INT(n, (int)strlen(full)); /* the length the full text needs, like snprintf */
    ASSERT_STR_EQ(small, "PHQ-9 13 ");   /* 9 characters and the NUL */
    ASSERT_EQ_INT(steps_reason_text(&rules, &r.reasons[0], LANG_EN, NULL, 0), (int)strlen(full));
    /* A code without a template prints the code itself. */
    struct steps_reason odd = r.reasons[0];
    snprintf(odd.code, sizeof(odd.code), "mystery");
    ASSERT_STR_EQ(text_of(&odd, LANG_SV), "mystery");
}

/* ---- step-up ---- */

static struct steps_progress progress(int step, int sessions, long days_at_step,
                                      const struct steps_measure *measures, int count)
{
    return (struct steps_progress){ .current_step = step,
                                    .sessions_attended = sessions,
                                    .step_started_day = 20000,
                                    .today = 20000 + days_at_step,
                                    .open_risk_flag = false,
                                    .measures = measures,
                                    .measure_count = count };
}

static struct steps_step_up step_up(const struct steps_progress *p)
{
    struct steps_step_up out;
    struct error err;
    error_clear(&err);
    if (steps_check_step_up(&rules, test_catalog(), p, SEX_UNKNOWN, &out, &err) != ERR_OK)
        TEST_FAIL("step-up: %s", err.message);
    return out;
}

/* PHQ-9 and GAD-7 on the day the step started and a week later. */
static void two_pairs(struct steps_measure m[4], int phq_first, int phq_last, int gad_first,
                      int gad_last)
{
    m[0] = (struct steps_measure){ "phq9", phq_first, 20000 };
    m[1] = (struct steps_measure){ "gad7", gad_first, 20000 };
    m[2] = (struct steps_measure){ "phq9", phq_last, 20007 };
    m[3] = (struct steps_measure){ "gad7", gad_last, 20007 };
}

static void step_up_too_early(void)
{
    /* 3 sessions (< 4) and 41 days (< 42): too early whatever the scores (PHQ-9 +8). */
    struct steps_measure m[4];
    two_pairs(m, 10, 18, 10, 10);
    struct steps_progress p = progress(2, 3, 41, m, 4);
    struct steps_step_up out = step_up(&p);
    ASSERT_TRUE(!out.due);
    ASSERT_EQ_INT(out.next_step, 3);
    ASSERT_EQ_INT(out.reason_count, 1);
    ASSERT_STR_EQ(steps_reason_code(&out.reasons[0]), "too_early");
    ASSERT_EQ_INT(out.reasons[0].sessions, 1); /* 4 - 3 */
    ASSERT_EQ_INT(out.reasons[0].days, 1);     /* 42 - 41 */
    ASSERT_STR_EQ(text_of(&out.reasons[0], LANG_EN),
                  "Too early for a step review: 1 session(s) or 1 day(s) to go");
    /* 0 sessions, day 0: 4 sessions and 42 days to go. */
    p = progress(1, 0, 0, m, 0);
    out = step_up(&p);
    ASSERT_EQ_INT(out.reasons[0].sessions, 4);
    ASSERT_EQ_INT(out.reasons[0].days, 42);
}

static void step_up_thresholds(void)
{
    /* PHQ-9 20 -> 15 (-5, none), GAD-7 10 -> 8 (-2, none): due once checked. */
    struct steps_measure m[4];
    two_pairs(m, 20, 15, 10, 8);
    struct steps_progress p = progress(2, 4, 10, m, 4); /* 4 sessions, 10 days: checked */
    struct steps_step_up out = step_up(&p);
    ASSERT_TRUE(out.due);
    ASSERT_EQ_INT(out.next_step, 3);
    p = progress(2, 0, 42, m, 4); /* 0 sessions, 42 days: checked */
    ASSERT_TRUE(step_up(&p).due);
    p = progress(2, 3, 42, m, 4); /* 3 sessions, 42 days */
    ASSERT_TRUE(step_up(&p).due);
    p = progress(2, 4, 41, m, 4); /* 4 sessions, 41 days */
    ASSERT_TRUE(step_up(&p).due);
}

static void step_up_reliable_change(void)
{
    struct steps_measure m[4];
    /* PHQ-9 20 -> 14: exactly 6, reliable improvement; GAD-7 unchanged: not due. */
    two_pairs(m, 20, 14, 10, 10);
    struct steps_progress p = progress(2, 4, 28, m, 4);
    struct steps_step_up out = step_up(&p);
    ASSERT_TRUE(!out.due);
    ASSERT_EQ_INT(out.reason_count, 1);
    ASSERT_STR_EQ(steps_reason_code(&out.reasons[0]), "reliable_improvement");
    ASSERT_STR_EQ(out.reasons[0].instrument, "phq9");
    ASSERT_STR_EQ(text_of(&out.reasons[0], LANG_EN),
                  "PHQ-9 from 20 to 14 (-6): reliable improvement");
    /* PHQ-9 20 -> 15: 5, not reliable; GAD-7 unchanged: due, a reason per measure. */
    two_pairs(m, 20, 15, 10, 10);
    out = step_up(&p);
    ASSERT_TRUE(out.due);
    ASSERT_EQ_INT(out.reason_count, 2);
    ASSERT_STR_EQ(steps_reason_code(&out.reasons[0]), "no_reliable_improvement");
    ASSERT_EQ_INT(out.reasons[0].first, 20);
    ASSERT_EQ_INT(out.reasons[0].total, 15);
    ASSERT_EQ_INT(out.reasons[0].change, -5);
    ASSERT_EQ_INT(out.reasons[0].limit, 6);
    ASSERT_STR_EQ(text_of(&out.reasons[0], LANG_EN),
                  "PHQ-9 from 20 to 15 (-5): no reliable improvement (needs a change of at "
                  "least 6); consider step 3");
    ASSERT_STR_EQ(out.reasons[1].instrument, "gad7");
    ASSERT_EQ_INT(out.reasons[1].limit, 4);
    /* GAD-7 12 -> 8: exactly 4, reliable; PHQ-9 none: not due. GAD-7 12 -> 9 (3): due. */
    two_pairs(m, 12, 10, 12, 8);
    ASSERT_TRUE(!step_up(&p).due);
    two_pairs(m, 12, 10, 12, 9);
    ASSERT_TRUE(step_up(&p).due);
}

static void step_up_deterioration(void)
{
    struct steps_measure m[4];
    /* PHQ-9 10 -> 16 (+6, reliable deterioration) though GAD-7 15 -> 10 improved: due. */
    two_pairs(m, 10, 16, 15, 10);
    struct steps_progress p = progress(1, 5, 35, m, 4);
    struct steps_step_up out = step_up(&p);
    ASSERT_TRUE(out.due);
    ASSERT_EQ_INT(out.next_step, 2);
    ASSERT_EQ_INT(out.reason_count, 1);
    ASSERT_STR_EQ(steps_reason_code(&out.reasons[0]), "reliable_deterioration");
    ASSERT_STR_EQ(text_of(&out.reasons[0], LANG_SV),
                  "PHQ-9 från 10 till 16 (+6): tillförlitlig försämring; överväg steg 2");
    /* PHQ-9 10 -> 15 (+5): not reliable; GAD-7 improved: not due. */
    two_pairs(m, 10, 15, 15, 10);
    ASSERT_TRUE(!step_up(&p).due);
    /* GAD-7 5 -> 9 (+4): reliable deterioration: due. */
    two_pairs(m, 10, 10, 5, 9);
    out = step_up(&p);
    ASSERT_TRUE(out.due);
    ASSERT_STR_EQ(out.reasons[0].instrument, "gad7");
}

static void step_up_risk_at_once(void)
{
    /* Open risk flag: due at once, with no sessions, no days and no scores. */
    struct steps_progress p = progress(1, 0, 0, NULL, 0);
    p.open_risk_flag = true;
    struct steps_step_up out = step_up(&p);
    ASSERT_TRUE(out.due);
    ASSERT_EQ_INT(out.next_step, 2);
    ASSERT_EQ_INT(out.reason_count, 1);
    ASSERT_STR_EQ(steps_reason_code(&out.reasons[0]), "risk_review");
    ASSERT_STR_EQ(text_of(&out.reasons[0], LANG_EN),
                  "Open risk flag: review the plan now (next step 2)");
}

static void step_up_at_top_step(void)
{
    /* Step 4: next step stays 4; a due review says to review with the specialist team. */
    struct steps_measure m[4];
    two_pairs(m, 20, 18, 15, 14);
    struct steps_progress p = progress(4, 6, 50, m, 4);
    struct steps_step_up out = step_up(&p);
    ASSERT_TRUE(out.due);
    ASSERT_EQ_INT(out.next_step, 4);
    ASSERT_STR_EQ(steps_reason_code(&out.reasons[out.reason_count - 1]), "specialist_review");
    ASSERT_STR_EQ(text_of(&out.reasons[out.reason_count - 1], LANG_EN),
                  "Already at the top step (Specialist psychiatry or addiction care): review "
                  "the plan with the specialist team");
    p.open_risk_flag = true;
    out = step_up(&p);
    ASSERT_EQ_INT(out.next_step, 4);
    ASSERT_EQ_INT(out.reason_count, 2); /* risk_review, specialist_review */
    /* Not due at step 4: no specialist reason. */
    two_pairs(m, 20, 10, 15, 14);
    p.open_risk_flag = false;
    out = step_up(&p);
    ASSERT_TRUE(!out.due);
    ASSERT_EQ_INT(out.reason_count, 1);
    ASSERT_STR_EQ(steps_reason_code(&out.reasons[0]), "reliable_improvement");
}

static void step_up_not_enough_measures(void)
{
    /* One PHQ-9 and one GAD-7 score at the step: not due, a reason per measure. */
    struct steps_measure m[4];
    two_pairs(m, 20, 20, 15, 15);
    struct steps_progress p = progress(2, 4, 28, m, 2);
    struct steps_step_up out = step_up(&p);
    ASSERT_TRUE(!out.due);
    ASSERT_EQ_INT(out.reason_count, 2);
    ASSERT_STR_EQ(steps_reason_code(&out.reasons[0]), "not_enough_measures");
    ASSERT_STR_EQ(text_of(&out.reasons[1], LANG_EN), "GAD-7: fewer than two scores at this step");
    /* PHQ-9 twice (20 -> 19, none), GAD-7 once: GAD-7 skipped, PHQ-9 decides: due. Reasons
     * come in the configured order (PHQ-9, GAD-7). */
    m[0] = (struct steps_measure){ "phq9", 20, 20000 };
    m[1] = (struct steps_measure){ "phq9", 19, 20020 };
    m[2] = (struct steps_measure){ "gad7", 15, 20021 };
    p = progress(2, 4, 28, m, 3);
    out = step_up(&p);
    ASSERT_TRUE(out.due);
    ASSERT_EQ_INT(out.reason_count, 2);
    ASSERT_STR_EQ(steps_reason_code(&out.reasons[0]), "no_reliable_improvement");
    ASSERT_STR_EQ(steps_reason_code(&out.reasons[1]), "not_enough_measures");
    ASSERT_STR_EQ(out.reasons[1].instrument, "gad7");
}

static void step_up_first_and_latest_at_step(void)
{
    /* Scores before the step started are not counted: PHQ-9 27 (day -5) is ignored, so the
     * pair is 20 -> 14 (-6): improvement. The latest, not the lowest, counts: 20, 10, 16 is
     * 20 -> 16 (-4): no improvement. */
    struct steps_measure m[4] = {
        { "phq9", 27, 19995 }, { "phq9", 20, 20000 }, { "phq9", 14, 20020 }, { "who5", 3, 20020 }
    };
    struct steps_progress p = progress(2, 4, 28, m, 4);
    struct steps_step_up out = step_up(&p);
    ASSERT_TRUE(!out.due);
    ASSERT_EQ_INT(out.reason_count, 2); /* PHQ-9 improvement, GAD-7 not enough */
    ASSERT_EQ_INT(out.reasons[0].first, 20);
    ASSERT_EQ_INT(out.reasons[0].total, 14);
    ASSERT_STR_EQ(steps_reason_code(&out.reasons[1]), "not_enough_measures");
    m[0] = (struct steps_measure){ "phq9", 20, 20000 };
    m[1] = (struct steps_measure){ "phq9", 10, 20010 };
    m[2] = (struct steps_measure){ "phq9", 16, 20020 };
    out = step_up(&p);
    ASSERT_TRUE(out.due);
    ASSERT_EQ_INT(out.reasons[0].change, -4);
}

static void step_up_errors(void)
{
    struct steps_step_up out;
    struct error err;
    error_clear(&err);
    const struct instrument_catalog *cat = test_catalog();
    struct steps_measure m[2] = { { "phq9", 20, 20010 }, { "phq9", 14, 20005 } };
    struct steps_progress p = progress(2, 4, 28, m, 2);
    ASSERT_EQ_INT(steps_check_step_up(&rules, cat, &p, SEX_UNKNOWN, &out, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "/measures/1"); /* day 20005 before day 20010 */
    m[1] = (struct steps_measure){ "phq9", 28, 20020 };
    ASSERT_EQ_INT(steps_check_step_up(&rules, cat, &p, SEX_UNKNOWN, &out, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "/measures/1"); /* PHQ-9 28 > 27 */
    ASSERT_EQ_INT(out.reason_count, 0);      /* left zeroed */
    p = progress(5, 4, 28, m, 0);
    ASSERT_EQ_INT(steps_check_step_up(&rules, cat, &p, SEX_UNKNOWN, &out, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "current_step");
    p = progress(2, -1, 28, m, 0);
    ASSERT_EQ_INT(steps_check_step_up(&rules, cat, &p, SEX_UNKNOWN, &out, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "sessions_attended");
    p = progress(2, 4, -1, m, 0);
    ASSERT_EQ_INT(steps_check_step_up(&rules, cat, &p, SEX_UNKNOWN, &out, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "today");
}

/* ---- parsing ---- */

#define STEP0      "{\"step\":0,\"code\":\"a\",\"name\":{\"sv\":\"A\",\"en\":\"A\"},"
#define STEP1_HEAD "{\"step\":1,\"code\":\"b\",\"name\":{\"sv\":\"B\",\"en\":\"B\"},"
#define STEP1      "{\"step\":1,\"code\":\"b\",\"name\":{\"sv\":\"B\",\"en\":\"B\"},\"limits\":[]}"
#define LIMIT0     "\"limits\":[{\"instrument\":\"phq9\",\"at_most\":4}]}"
#define T(code)    "\"" code "\":{\"sv\":\"" code " sv\",\"en\":\"" code " {x} {instrument}\"}"
#define REASONS_REST                                                                                                                    \
    T("not_caseness_required")                                                                                                          \
    "," T("within_limits") "," T("risk_review") "," T("too_early") "," T("not_enough_measures") "," T("no_reliable_improvement") "," T( \
        "reliable_deterioration") "," T("reliable_improvement") "," T("specialist_review") "," T("up")
#define REASONS "\"reasons\":{" T("above_limit") "," REASONS_REST "}"
#define STEP_UP "\"step_up\":{\"min_sessions\":4,\"min_weeks\":6,\"measures\":[\"phq9\"]}"
#define RAISE   "{\"reason\":\"up\",\"flag\":\"risk\",\"min_step\":1}"

static enum err_code parse(const char *text, struct error *err)
{
    struct steps_rules r;
    enum err_code rc = steps_rules_parse(&r, text, "t.json", err);
    if (rc != ERR_OK)
        ASSERT_EQ_INT(r.step_count, 0); /* nothing left to release */
    steps_rules_release(&r);
    return rc;
}

static void parse_minimal_and_placeholders(void)
{
    const char *text =
        "{\"steps\":[" STEP0 LIMIT0 "," STEP1 "],\"raises\":[" RAISE "]," STEP_UP "," REASONS "}";
    struct steps_rules r;
    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(steps_rules_parse(&r, text, "t.json", &err), ERR_OK);
    ASSERT_EQ_INT(r.step_count, 2);
    /* No "instrument_names": the id is shown; {x} is not a placeholder and stays. */
    struct steps_input in = { "phq9", 7, TRI_FALSE, 0 };
    struct steps_result res;
    ASSERT_EQ_INT(steps_recommend(&r, &in, 1, &res, &err), ERR_OK);
    ASSERT_EQ_INT(res.step, 1);
    char buf[128];
    steps_reason_text(&r, &res.reasons[0], LANG_EN, buf, sizeof(buf));
    ASSERT_STR_EQ(buf, "above_limit {x} phq9");
    steps_rules_release(&r);
    ASSERT_EQ_INT(r.step_count, 0);
    steps_rules_release(&r); /* twice is harmless */
}

static void every_placeholder(void)
{
    const char *text =
        "{\"steps\":[" STEP0 LIMIT0 "," STEP1 "]," STEP_UP ",\"instrument_names\":{\"phq9\":"
        "\"PHQ-9\"},\"reasons\":{\"above_limit\":{\"sv\":\"{step_name}\",\"en\":\"{instrument}|"
        "{total}|{limit}|{step}|{step_name}|{first}|{change}|{sessions}|{days}|{weeks}|{nope}|"
        "{|}|{\"}," REASONS_REST "}}";
    struct steps_rules r;
    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(steps_rules_parse(&r, text, "t.json", &err), ERR_OK);
    struct steps_reason reason = { .code = "above_limit",
                                   .instrument = "phq9",
                                   .total = 13,
                                   .limit = 9,
                                   .step = 1,
                                   .first = 20,
                                   .change = -7,
                                   .sessions = 2,
                                   .days = 8 };
    char buf[256];
    steps_reason_text(&r, &reason, LANG_EN, buf, sizeof(buf));
    /* 8 days round up to 2 weeks; unknown words and a lone brace are copied as they stand. */
    ASSERT_STR_EQ(buf, "PHQ-9|13|9|1|B|20|-7|2|8|2|{nope}|{|}|{");
    steps_reason_text(&r, &reason, LANG_SV, buf, sizeof(buf));
    ASSERT_STR_EQ(buf, "B");
    reason.days = 7;
    reason.change = 3;
    reason.instrument[0] = '\0';
    steps_reason_text(&r, &reason, LANG_EN, buf, sizeof(buf));
    ASSERT_STR_EQ(buf, "|13|9|1|B|20|+3|2|7|1|{nope}|{|}|{");
    steps_rules_release(&r);
}

static void parse_errors(void)
{
    struct error err;
    error_clear(&err);
    const char *head = "{\"steps\":[" STEP0 LIMIT0 "," STEP1 "],";
    ASSERT_EQ_INT(parse("{\"steps\":", &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "/");
    /* Duplicate keys are rejected. */
    ASSERT_EQ_INT(parse("{\"steps\":[],\"steps\":[]}", &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "/");
    /* Steps numbered out of order. */
    ASSERT_EQ_INT(parse("{\"steps\":[" STEP0 LIMIT0 ",{\"step\":2,\"code\":\"b\",\"name\":"
                        "{\"sv\":\"B\",\"en\":\"B\"}}]," STEP_UP "," REASONS "}",
                        &err),
                  ERR_INVALID);
    ASSERT_STR_EQ(err.field, "/steps/1");
    /* The last step may have no limits; the others need some. */
    ASSERT_EQ_INT(
        parse("{\"steps\":[" STEP0 LIMIT0 "," STEP1_HEAD LIMIT0 "]," STEP_UP "," REASONS "}", &err),
        ERR_INVALID);
    ASSERT_CONTAINS(err.message, "the last step");
    ASSERT_STR_EQ(err.field, "/steps/1");
    ASSERT_EQ_INT(
        parse("{\"steps\":[" STEP0 "\"limits\":[]}," STEP1 "]," STEP_UP "," REASONS "}", &err),
        ERR_INVALID);
    ASSERT_STR_EQ(err.field, "/steps/0");
    /* A limit with both kinds. */
    ASSERT_EQ_INT(parse("{\"steps\":[" STEP0 "\"limits\":[{\"instrument\":\"audit\",\"at_most\":"
                        "4,\"not_caseness\":true}]}," STEP1 "]," STEP_UP "," REASONS "}",
                        &err),
                  ERR_INVALID);
    ASSERT_STR_EQ(err.field, "/steps/0/limits/0");
    /* A raise that raises nothing; an unknown flag; a raise code without a text. */
    char text[4096];
    snprintf(text, sizeof(text), "%s\"raises\":[{\"reason\":\"up\",\"flag\":\"risk\"}],%s,%s}",
             head, STEP_UP, REASONS);
    ASSERT_EQ_INT(parse(text, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "/raises/0");
    snprintf(text, sizeof(text),
             "%s\"raises\":[{\"reason\":\"up\",\"flag\":\"sad\",\"min_step\":1}],%s,%s}", head,
             STEP_UP, REASONS);
    ASSERT_EQ_INT(parse(text, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "/raises/0");
    snprintf(text, sizeof(text),
             "%s\"raises\":[{\"reason\":\"other\",\"flag\":\"risk\",\"min_step\":1}],%s,%s}", head,
             STEP_UP, REASONS);
    ASSERT_EQ_INT(parse(text, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "/reasons");
    ASSERT_CONTAINS(err.message, "\"other\"");
    /* min_step beyond the last step. */
    snprintf(text, sizeof(text),
             "%s\"raises\":[{\"reason\":\"up\",\"flag\":\"risk\",\"min_step\":2}],%s,%s}", head,
             STEP_UP, REASONS);
    ASSERT_EQ_INT(parse(text, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "/raises/0");
    /* No step_up; step_up without measures. */
    snprintf(text, sizeof(text), "%s%s}", head, REASONS);
    ASSERT_EQ_INT(parse(text, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "/step_up");
    snprintf(text, sizeof(text), "%s\"step_up\":{\"min_sessions\":4,\"min_weeks\":6},%s}", head,
             REASONS);
    ASSERT_EQ_INT(parse(text, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "/step_up/measures");
    /* A built-in reason without a text. */
    snprintf(text, sizeof(text), "%s%s,\"reasons\":{%s}}", head, STEP_UP, T("above_limit"));
    ASSERT_EQ_INT(parse(text, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "/reasons");
    ASSERT_CONTAINS(err.message, "t.json");
}

static void step_up_configuration_errors(void)
{
    /* A configured measure that is not in the catalogue, or has no reliable-change value. */
    const char *names[2] = { "xyz", "audit" };
    enum err_code want[2] = { ERR_NOT_FOUND, ERR_INVALID };
    for (int i = 0; i < 2; i++) {
        char text[4096];
        snprintf(text, sizeof(text),
                 "{\"steps\":[" STEP0 LIMIT0 "," STEP1 "],\"step_up\":{\"min_sessions\":4,"
                 "\"min_weeks\":6,\"measures\":[\"phq9\",\"%s\"]}," REASONS "}",
                 names[i]);
        struct steps_rules r;
        struct error err;
        error_clear(&err);
        ASSERT_EQ_INT(steps_rules_parse(&r, text, "t.json", &err), ERR_OK);
        struct steps_progress p = progress(0, 4, 28, NULL, 0);
        struct steps_step_up out;
        ASSERT_EQ_INT(steps_check_step_up(&r, test_catalog(), &p, SEX_UNKNOWN, &out, &err),
                      want[i]);
        ASSERT_STR_EQ(err.field, "/step_up/measures/1");
        steps_rules_release(&r);
    }
}

int main(void)
{
    load_shipped_rules(&rules);
    RUN_TEST(shipped_rules_shape);
    RUN_TEST(phq9_limit_edges);
    RUN_TEST(gad7_limit_edges);
    RUN_TEST(audit_limit_edges);
    RUN_TEST(audit_caseness_by_sex);
    RUN_TEST(combined_inputs_and_reasons);
    RUN_TEST(unknown_instruments_are_ignored);
    RUN_TEST(risk_raises_to_step_3);
    RUN_TEST(wsas_raises_one_step);
    RUN_TEST(raises_in_order);
    RUN_TEST(recommend_errors);
    RUN_TEST(reason_text_buffer);
    RUN_TEST(step_up_too_early);
    RUN_TEST(step_up_thresholds);
    RUN_TEST(step_up_reliable_change);
    RUN_TEST(step_up_deterioration);
    RUN_TEST(step_up_risk_at_once);
    RUN_TEST(step_up_at_top_step);
    RUN_TEST(step_up_not_enough_measures);
    RUN_TEST(step_up_first_and_latest_at_step);
    RUN_TEST(step_up_errors);
    RUN_TEST(parse_minimal_and_placeholders);
    RUN_TEST(every_placeholder);
    RUN_TEST(parse_errors);
    RUN_TEST(step_up_configuration_errors);
    steps_rules_release(&rules);
    TEST_SUMMARY();
}
