/* demo_care.c - one synthetic episode of care up to its treatment: the referral (the patient's
 * own, with PHQ-9 and GAD-7 through the portal, or a clinic's), a wait that depends on the unit,
 * the common assessment (PHQ-9, GAD-7 at most units, AUDIT and WSAS for some), the recommended
 * step from steps_recommend() and a chosen step (now and then another, with a reason); then
 * demo_treat.c. Episodes referred or assessed too recently are still waiting; a few patients do
 * not come to the assessment. Also the pieces both files use: events, measures, times. */
#include <string.h>

#include "cli/demo.h"

#define MEASURE_NOISE      0.03 /* a measure's level around the latent severity */
#define NO_SHOW_ASSESSMENT 0.03
#define RISK_REVIEWED      0.95
#define PORTAL_WSAS        0.3
#define CLINIC_WSAS        0.4
#define AUDIT_WOMEN        0.3
#define AUDIT_MEN          0.45

/* ---- time ---- */

/* 1970-01-01 (day 0) was a Thursday. */
long demo_care_workday(long day)
{
    int weekday = (int)(((day + 3) % 7 + 7) % 7); /* 0 = Monday */
    return weekday == 5 ? day + 2 : weekday == 6 ? day + 1 : day;
}

/* An office-hours time on `day` (07:00-15:00 UTC, about 08-17 in Sweden). */
long long demo_care_office_time(struct demo_rng *rng, long day)
{
    return day * DEMO_SECONDS_PER_DAY + 7 * 3600 + demo_rng_below(rng, 32) * 900;
}

/* ---- events ---- */

struct demo_event *demo_care_event(struct demo_care *care, enum demo_event_kind kind, long long at,
                                   long long staff_id)
{
    struct demo_episode *episode = care->episode;
    if (episode->event_count >= DEMO_MAX_EVENTS)
        return NULL;
    struct demo_event *event = &episode->events[episode->event_count++];
    memset(event, 0, sizeof(*event));
    event->kind = kind;
    event->at = at;
    event->staff_id = staff_id;
    return event;
}

bool demo_care_room(const struct demo_care *care, int events)
{
    return care->episode->event_count + events <= DEMO_MAX_EVENTS;
}

static void risk_review(struct demo_care *care, long long flagged_at)
{
    if (!demo_rng_chance(care->rng, RISK_REVIEWED))
        return;
    long long at = flagged_at + 3600 * demo_rng_between(care->rng, 1, 30);
    if (at >= care->demo->today * DEMO_SECONDS_PER_DAY)
        return; /* flagged yesterday: not reviewed yet */
    struct demo_event *event = demo_care_event(care, DEMO_RISK_REVIEW, at, care->clinician);
    if (event == NULL)
        return;
    event->u.review.level = care->dep < 0.7                   ? "low"
                            : demo_rng_chance(care->rng, 0.8) ? "moderate"
                                                              : "high";
}

void demo_care_keep_measure(struct demo_care *care, const struct demo_event *event, long day)
{
    const struct instrument *ins = event->u.response.instrument;
    if (ins == care->demo->phq9)
        care->last_phq9 = event;
    else if (ins == care->demo->gad7)
        care->last_gad7 = event;
    else
        return;
    if (care->measure_count >= DEMO_MAX_MEASURES)
        return;
    struct steps_measure *m = &care->measures[care->measure_count++];
    m->instrument = ins->id;
    m->total = event->u.response.score.total;
    m->day = day;
}

/* One scored form at `at`, from the latent `level`; a risk answer gets its review. */
static enum err_code measure(struct demo_care *care, const struct instrument *ins, double level,
                             long long at, bool portal, struct error *err)
{
    if (ins == NULL || !demo_care_room(care, 2))
        return ERR_OK;
    struct demo_event *event =
        demo_care_event(care, DEMO_RESPONSE, at, portal ? 0 : care->clinician);
    double risk = ins == care->demo->phq9 ? 0.004 + 0.25 * care->dep * care->dep * care->dep : 0;
    level = demo_clamp(level + MEASURE_NOISE * demo_rng_normal(care->rng), 0, 1);
    enum err_code rc = demo_answers_draw(care->rng, ins, level, risk, care->person->retired,
                                         care->person->sex, event, err);
    if (rc != ERR_OK)
        return rc;
    event->u.response.portal = portal;
    demo_care_keep_measure(care, event, (long)(at / DEMO_SECONDS_PER_DAY));
    if (event->u.response.score.flags & FLAG_RISK)
        risk_review(care, at);
    return ERR_OK;
}

enum err_code demo_care_measure_pair(struct demo_care *care, long long at, bool portal,
                                     struct error *err)
{
    enum err_code rc = measure(care, care->demo->phq9, care->dep, at, portal, err);
    if (rc == ERR_OK)
        rc = measure(care, care->demo->gad7, care->anx, at, portal, err);
    return rc;
}

/* ---- the patient ---- */

static void draw_latent(struct demo_care *care)
{
    struct demo_rng *rng = care->rng;
    care->dep = demo_clamp(0.46 + 0.17 * demo_rng_normal(rng), 0.04, 0.97);
    care->anx =
        demo_clamp(0.55 * care->dep + 0.45 * (0.5 + 0.2 * demo_rng_normal(rng)), 0.04, 0.97);
    double u = demo_rng_uniform(rng);
    double heavy = care->person->sex == SEX_MALE ? 0.04 : 0.02;
    care->alc = u < heavy          ? 0.45 + 0.25 * demo_rng_uniform(rng)
                : u < heavy + 0.14 ? 0.22 + 0.2 * demo_rng_uniform(rng)
                                   : 0.12 * demo_rng_uniform(rng);
    care->func =
        demo_clamp(0.45 * care->dep + 0.25 * care->anx + 0.08 * demo_rng_normal(rng), 0, 1);
}

/* ---- referral and assessment ---- */

static void refer(struct demo_care *care, long referral_day)
{
    struct store_episode *row = &care->episode->row;
    struct demo_rng *rng = care->rng;
    bool self = demo_rng_chance(rng, care->profile->self_referral);
    const char *source = self ? "self" : demo_rng_chance(rng, 0.9) ? "clinic" : "other";
    snprintf(row->source, sizeof(row->source), "%s", source);
    row->unit_id = care->unit->id;
    row->step = -1;
    if (self) /* any day, 06-22 */
        row->referred_at =
            referral_day * DEMO_SECONDS_PER_DAY + 5 * 3600 + demo_rng_below(rng, 16 * 60) * 60;
    else
        row->referred_at = demo_care_office_time(rng, demo_care_workday(referral_day));
}

/* Days from referral to assessment: within 3 days at the unit's rate, else 4..late_max; a
 * weekend moves back to Friday when that is not before the referral, else on to Monday. */
static long assessment_day(struct demo_care *care, long referral_day)
{
    static const double soon[4] = { 0.25, 0.35, 0.25, 0.15 };
    int wait = demo_rng_chance(care->rng, care->profile->within_3_days)
                   ? demo_rng_weighted(care->rng, soon, 4)
                   : demo_rng_between(care->rng, 4, care->profile->late_max_days);
    long day = referral_day + wait;
    int weekday = (int)(((day + 3) % 7 + 7) % 7);
    long friday = day - (weekday - 4);
    if (weekday >= 5 && friday >= referral_day)
        return friday;
    return demo_care_workday(day);
}

static int problem_for(const struct demo_care *care)
{
    if (care->alc > DEMO_ALCOHOL_PROBLEM)
        return 3;
    if (care->dep > 0.45 && care->anx > 0.45)
        return 4;
    if (care->dep < 0.3 && care->anx < 0.3)
        return 2;
    return care->dep >= care->anx ? 0 : 1;
}

static int latest_input(const struct demo_care *care, const struct instrument *ins,
                        struct steps_input *input)
{
    const struct demo_episode *episode = care->episode;
    for (int i = episode->event_count - 1; i >= 0; i--) {
        const struct demo_event *e = &episode->events[i];
        if (e->kind != DEMO_RESPONSE || e->u.response.instrument != ins)
            continue;
        input->instrument = ins->id;
        input->total = e->u.response.score.total;
        input->caseness = e->u.response.score.caseness;
        input->flags = e->u.response.score.flags;
        return 1;
    }
    return 0;
}

static enum err_code recommend(struct demo_care *care, struct error *err)
{
    struct steps_input inputs[4];
    int count = 0;
    const struct instrument *list[4] = { care->demo->phq9, care->demo->gad7, care->demo->audit,
                                         care->demo->wsas };
    for (int i = 0; i < 4; i++)
        if (list[i] != NULL)
            count += latest_input(care, list[i], &inputs[count]);
    struct steps_result result;
    enum err_code rc = steps_recommend(care->demo->rules, inputs, count, &result, err);
    if (rc != ERR_OK)
        return rc;
    care->recommended = result.step < DEMO_STEPS ? result.step : DEMO_STEPS - 1;
    return ERR_OK;
}

/* Mostly the recommendation; at the unit's rate one step lower (the patient's wish) or higher,
 * with a reason (index into demo_events.c's texts). */
static int choose_step(struct demo_care *care, int *deviation)
{
    *deviation = -1;
    int step = care->recommended;
    if (!demo_rng_chance(care->rng, care->profile->deviate))
        return step;
    *deviation = demo_rng_below(care->rng, 2);
    if (step > 1 && (step == DEMO_STEPS - 1 || demo_rng_chance(care->rng, 0.6)))
        return step - 1;
    return step < DEMO_STEPS - 1 ? step + 1 : step - 1;
}

/* The forms at the assessment: a self-referral's portal PHQ-9 and GAD-7 count as given at the
 * assessment; the clinic adds what it gives. */
static enum err_code assessment_forms(struct demo_care *care, long long at, bool portal_done,
                                      struct error *err)
{
    struct demo *demo = care->demo;
    struct demo_rng *rng = care->rng;
    enum err_code rc = ERR_OK;
    if (!portal_done) {
        rc = measure(care, demo->phq9, care->dep, at, false, err);
        if (rc == ERR_OK && demo_rng_chance(rng, care->profile->gad7))
            rc = measure(care, demo->gad7, care->anx, at, false, err);
    } else { /* the step's baseline is what the step was chosen on */
        long day = (long)(at / DEMO_SECONDS_PER_DAY);
        for (int i = 0; i < care->measure_count; i++)
            care->measures[i].day = day;
    }
    double audit = care->person->sex == SEX_MALE ? AUDIT_MEN : AUDIT_WOMEN;
    if (rc == ERR_OK && (care->alc > DEMO_ALCOHOL_PROBLEM || demo_rng_chance(rng, audit)))
        rc = measure(care, demo->audit, care->alc, at, false, err);
    if (rc == ERR_OK && demo_rng_chance(rng, CLINIC_WSAS))
        rc = measure(care, demo->wsas, care->func, at, false, err);
    return rc;
}

/* ---- the episode ---- */

/* The assessment on `day`, or the next working day when the referral came in after that
 * day's office hours. */
static long long assessment_time(struct demo_care *care, long day)
{
    long long at = demo_care_office_time(care->rng, day);
    if (at < care->episode->row.referred_at + 3600)
        at = demo_care_office_time(care->rng, demo_care_workday(day + 1));
    return at;
}

static enum err_code assess(struct demo_care *care, long long at, struct error *err)
{
    long day = (long)(at / DEMO_SECONDS_PER_DAY);
    bool portal_done = care->measure_count > 0;
    enum err_code rc = assessment_forms(care, at - 900, portal_done, err);
    if (rc == ERR_OK)
        rc = recommend(care, err);
    if (rc != ERR_OK)
        return rc;
    int deviation = -1;
    care->step = choose_step(care, &deviation);
    struct demo_event *event = demo_care_event(care, DEMO_ASSESSMENT, at, care->clinician);
    if (event != NULL) {
        event->u.assessment.problem = care->episode->problem;
        event->u.assessment.recommended = care->recommended;
        event->u.assessment.chosen = care->step;
        event->u.assessment.deviation = deviation;
    }
    care->episode->row.assessed_at = at;
    care->episode->row.step = care->step;
    care->step_day = day;
    return demo_treat_begin(care, at, err);
}

enum err_code demo_care_simulate(struct demo *demo, struct demo_rng *rng,
                                 const struct demo_person *person, int unit, long referral_day,
                                 struct demo_episode *episode, struct error *err)
{
    struct demo_care care;
    memset(&care, 0, sizeof(care));
    memset(&episode->row, 0, sizeof(episode->row));
    episode->event_count = 0;
    care.demo = demo;
    care.rng = rng;
    care.person = person;
    care.unit = &demo->region.units[unit];
    care.profile = care.unit->profile;
    care.episode = episode;
    care.clinician = care.unit->clinician_count > 0
                         ? care.unit->clinicians[demo_rng_below(rng, care.unit->clinician_count)]
                         : 0;
    draw_latent(&care);
    episode->problem = problem_for(&care);
    refer(&care, referral_day);
    enum err_code rc = ERR_OK;
    if (strcmp(episode->row.source, "self") == 0) {
        rc = demo_care_measure_pair(&care, episode->row.referred_at + 300, true, err);
        if (rc == ERR_OK && demo_rng_chance(rng, PORTAL_WSAS))
            rc = measure(&care, demo->wsas, care.func, episode->row.referred_at + 600, true, err);
    }
    long long at = assessment_time(&care, assessment_day(&care, referral_day));
    if (rc != ERR_OK || at >= demo->today * DEMO_SECONDS_PER_DAY)
        return rc; /* still waiting for the assessment */
    if (demo_rng_chance(rng, NO_SHOW_ASSESSMENT)) {
        demo_treat_end(&care, at, demo_rng_chance(rng, 0.5) ? "declined" : "dropped_out");
        return ERR_OK;
    }
    return assess(&care, at, err);
}
