/* demo_treat.c - the treatment part of a synthetic episode: the intervention a unit offers at
 * the chosen step, sessions (attended, missed, cancelled) with measures, the trajectory of
 * severity (most improve, some do not, a few get worse; units differ in how much), the patient
 * contract, step-ups, and how the episode ends.
 *
 * Step-ups follow the rule of data/steps.json (steps_check_step_up): it is asked at the first
 * measured session it allows (4 sessions or 6 weeks at the step) and every few sessions after;
 * when a review is due, the clinician steps up more often than not (to specialist care less
 * often). */
#include <string.h>

#include "cli/demo.h"

#define MAX_STEP_UPS        2
#define STEP_UP_FOLLOWED    0.6  /* a due review leads to a step-up (else: carry on) */
#define SPECIALIST_FOLLOWED 0.25 /* ... from step 3 to specialist care */
#define REVIEW_EVERY        4    /* sessions between reviews after the first */
#define SESSION_NOISE       0.025
#define CANCELLED_BY_UNIT   0.02
#define MOVED_PER_SESSION   0.003
#define MISSES_TO_DROP_OUT  3
#define RECOVERED_LEVEL     0.18
#define RECOVERED_STOP      0.4

enum responder { RESPONDER, PARTIAL, NON_RESPONDER, DETERIORATES };

static void appointment(struct demo_care *care, long long at, const char *intervention,
                        const char *status)
{
    struct demo_event *event = demo_care_event(care, DEMO_APPOINTMENT, at, care->clinician);
    if (event == NULL)
        return;
    event->u.appointment.intervention = intervention;
    event->u.appointment.status = status;
}

static void draw_response(struct demo_care *care, bool stepped_up)
{
    double deteriorate = stepped_up ? 0.04 : care->profile->deteriorate;
    double weights[4] = { 0.58, 0.22, 0.14, deteriorate };
    switch ((enum responder)demo_rng_weighted(care->rng, weights, 4)) {
    case RESPONDER:
        care->rate = (0.12 + 0.12 * demo_rng_uniform(care->rng)) * care->profile->effect;
        break;
    case PARTIAL:
        care->rate = 0.05 * care->profile->effect;
        break;
    case NON_RESPONDER:
        care->rate = 0;
        break;
    case DETERIORATES:
        care->rate = -0.06 - 0.04 * demo_rng_uniform(care->rng);
        break;
    }
    if (care->step < care->recommended)
        care->rate *= 0.6; /* a lower step than the scores call for helps less */
}

static void progress_one_session(struct demo_care *care)
{
    struct demo_rng *rng = care->rng;
    care->dep =
        demo_clamp(care->dep * (1 - care->rate) + SESSION_NOISE * demo_rng_normal(rng), 0, 1);
    care->anx =
        demo_clamp(care->anx * (1 - care->rate) + SESSION_NOISE * demo_rng_normal(rng), 0, 1);
    care->func = demo_clamp(care->func * (1 - care->rate * 0.8), 0, 1);
}

static void add_contract(struct demo_care *care, long long at, long long next_at)
{
    struct demo_event *event = demo_care_event(care, DEMO_CONTRACT, at, care->clinician);
    if (event == NULL)
        return;
    event->u.contract.version = ++care->contract_version;
    event->u.contract.goals = care->goals;
    event->u.contract.plan = care->step;
    event->u.contract.next_contact_at = next_at;
    event->u.contract.named_contact = event->u.contract.next_time = event->u.contract.has_goals =
        true;
    if (care->contract_version == 1 && !demo_rng_chance(care->rng, care->profile->contract_full)) {
        int missing = demo_rng_below(care->rng, 3);
        event->u.contract.named_contact = missing != 0;
        event->u.contract.next_time = missing != 1;
        event->u.contract.has_goals = missing != 2;
    } else if (care->contract_version > 1) {
        const struct demo_event *first = NULL;
        for (int i = 0; i < care->episode->event_count && first == NULL; i++)
            if (care->episode->events[i].kind == DEMO_CONTRACT)
                first = &care->episode->events[i];
        if (first != NULL) {
            event->u.contract.named_contact = first->u.contract.named_contact;
            event->u.contract.has_goals = first->u.contract.has_goals;
        }
    }
    event->u.contract.coordination = demo_rng_chance(care->rng, 0.05);
}

static const char *choose_intervention(struct demo_care *care, int step)
{
    const struct demo_unit *unit = care->unit;
    int n = unit->offer_count[step];
    if (n == 0)
        return NULL;
    bool alcohol = care->alc > DEMO_ALCOHOL_PROBLEM;
    double weights[DEMO_MAX_OFFERS];
    double total = 0;
    for (int i = 0; i < n; i++) {
        const char *code = unit->offers[step][i];
        double w = 1;
        if (strcmp(code, "kort_alkohol") == 0 || strcmp(code, "remiss_beroende") == 0)
            w = alcohol ? 6 : 0;
        else if (strcmp(code, "remiss_psykiatri") == 0)
            w = alcohol ? 0.3 : 5;
        else if (strcmp(code, "lakemedel") == 0 || strcmp(code, "grupp") == 0)
            w = 0.7;
        else if (strcmp(code, "ipt") == 0 || strcmp(code, "levnadsvanor") == 0)
            w = 0.5;
        weights[i] = w;
        total += w;
    }
    if (total <= 0)
        return unit->offers[step][0];
    return unit->offers[step][demo_rng_weighted(care->rng, weights, n)];
}

static void plan_sessions(struct demo_care *care, const char *intervention, int *interval_days,
                          int *planned)
{
    struct demo_rng *rng = care->rng;
    bool medication = intervention != NULL && strcmp(intervention, "lakemedel") == 0;
    if (care->step <= 1) {
        *interval_days = 14;
        *planned = demo_rng_between(rng, 2, 4);
    } else if (care->step == 2) {
        *interval_days = 7;
        *planned = demo_rng_between(rng, 5, 8);
    } else {
        *interval_days = medication ? 21 : demo_rng_chance(rng, 0.7) ? 7 : 14;
        *planned = medication ? demo_rng_between(rng, 3, 5) : demo_rng_between(rng, 6, 12);
    }
}

void demo_treat_end(struct demo_care *care, long long at, const char *reason)
{
    care->episode->row.ended_at = at;
    snprintf(care->episode->row.end_reason, sizeof(care->episode->row.end_reason), "%s", reason);
}

/* Step 0 (self-care) and step 4 (a referral) take one contact and end the episode. */
static void one_contact(struct demo_care *care, long long at)
{
    const char *intervention = choose_intervention(care, care->step);
    if (intervention != NULL)
        appointment(care, at, intervention, "attended");
    if (care->episode->row.treatment_started_at == 0 && intervention != NULL)
        care->episode->row.treatment_started_at = at;
    demo_treat_end(care, at, care->step == 0 && intervention != NULL ? "completed" : "referred_on");
}

/* After a measured session: ask the step-up rule (at the first session it allows, then every
 * REVIEW_EVERY sessions) and, when a review is due, step up as the clinician mostly does. Sets
 * *stepped when the patient moved to the next step. */
static enum err_code maybe_step_up(struct demo_care *care, long day, long long at, bool *stepped,
                                   struct error *err)
{
    *stepped = false;
    if (care->step_ups >= MAX_STEP_UPS || care->step >= DEMO_STEPS - 1 || care->measure_count < 2)
        return ERR_OK;
    if (care->reviewed && care->sessions_at_step % REVIEW_EVERY != 0)
        return ERR_OK;
    struct steps_progress progress = { care->step, care->sessions_at_step, care->step_day,     day,
                                       false,      care->measures,         care->measure_count };
    struct steps_step_up result;
    enum err_code rc = steps_check_step_up(care->demo->rules, care->demo->catalog, &progress,
                                           care->person->sex, &result, err);
    if (rc != ERR_OK)
        return rc;
    bool reviewed = strcmp(result.reasons[0].code, STEPS_REASON_TOO_EARLY) != 0;
    care->reviewed |= reviewed;
    double followed = result.next_step >= DEMO_STEPS - 1 ? SPECIALIST_FOLLOWED : STEP_UP_FOLLOWED;
    if (!result.due || result.next_step <= care->step || result.reason_count == 0 ||
        !demo_rng_chance(care->rng, followed))
        return ERR_OK;
    struct demo_event *event = demo_care_event(care, DEMO_ASSESSMENT, at + 1800, care->clinician);
    if (event == NULL)
        return ERR_OK;
    event->u.assessment.problem = care->episode->problem;
    event->u.assessment.recommended = event->u.assessment.chosen = result.next_step;
    event->u.assessment.deviation = -1;
    event->u.assessment.step_up = true;
    event->u.assessment.why = result.reasons[0];
    care->step = care->recommended = result.next_step;
    care->episode->row.step = care->step;
    care->step_ups++;
    care->sessions_at_step = 0;
    care->reviewed = false;
    care->step_day = day;
    care->measure_count = 0; /* the latest scores are the new step's baseline */
    if (care->last_phq9 != NULL)
        demo_care_keep_measure(care, care->last_phq9, day);
    if (care->last_gad7 != NULL)
        demo_care_keep_measure(care, care->last_gad7, day);
    draw_response(care, true);
    *stepped = true;
    return ERR_OK;
}

/* The intervention at the current step and the sessions planned for it. */
struct course {
    const char *intervention;
    int interval_days, planned, done, missed_in_row;
};

/* Choose the intervention for the current step; false when the unit offers none there. */
static bool start_course(struct demo_care *care, struct course *course)
{
    course->intervention = choose_intervention(care, care->step);
    course->done = 0;
    if (course->intervention != NULL)
        plan_sessions(care, course->intervention, &course->interval_days, &course->planned);
    return course->intervention != NULL;
}

/* After an attended session that did not step up: whether the patient leaves or is done. */
static bool course_ends(struct demo_care *care, const struct course *course, long long at)
{
    struct demo_rng *rng = care->rng;
    const char *reason = NULL;
    if (demo_rng_chance(rng, care->profile->dropout))
        reason = "dropped_out";
    else if (demo_rng_chance(rng, MOVED_PER_SESSION))
        reason = "moved";
    else if (course->done >= course->planned ||
             (course->done >= 3 && care->dep < RECOVERED_LEVEL && care->anx < RECOVERED_LEVEL &&
              demo_rng_chance(rng, RECOVERED_STOP)))
        reason = "completed";
    if (reason != NULL)
        demo_treat_end(care, at + 3600, reason);
    return reason != NULL;
}

/* The patient stepped up at the session at `at`: a new contract version and a new course, or
 * the end of the episode (specialist care, or nothing offered at the new step). */
static bool stepped_up(struct demo_care *care, struct course *course, long long at)
{
    if (care->contract)
        add_contract(care, at + 2400, at + (long long)course->interval_days * DEMO_SECONDS_PER_DAY);
    if (care->step >= DEMO_STEPS - 1) {
        one_contact(care, at + 3600);
        return true;
    }
    if (start_course(care, course))
        return false;
    demo_treat_end(care, at + 3600, "referred_on");
    return true;
}

/* An attended session: the patient moves along the trajectory, fills in PHQ-9 and GAD-7 (at
 * the unit's rate), the step-up rule is asked. Sets *ended when the episode ends with it. */
static enum err_code attend(struct demo_care *care, struct course *course, long day, long long at,
                            bool *ended, struct error *err)
{
    appointment(care, at, course->intervention, "attended");
    if (care->episode->row.treatment_started_at == 0)
        care->episode->row.treatment_started_at = at;
    progress_one_session(care);
    course->done++;
    course->missed_in_row = 0;
    care->sessions_at_step++;
    bool portal = strcmp(course->intervention, "ikbt") == 0 || care->unit->digital;
    bool measured = demo_rng_chance(care->rng, care->profile->measured);
    bool stepped = false;
    enum err_code rc = measured ? demo_care_measure_pair(care, at + 600, portal, err) : ERR_OK;
    if (rc == ERR_OK && measured)
        rc = maybe_step_up(care, day, at, &stepped, err);
    if (rc == ERR_OK)
        *ended = stepped ? stepped_up(care, course, at) : course_ends(care, course, at);
    return rc;
}

/* Sessions from `day` until the episode ends or today; the next one after today is booked. */
static enum err_code treat(struct demo_care *care, long day, struct error *err)
{
    struct demo_rng *rng = care->rng;
    struct course course;
    if (!start_course(care, &course)) {
        demo_treat_end(care, demo_care_office_time(rng, day), "referred_on");
        return ERR_OK;
    }
    course.missed_in_row = 0;
    for (bool ended = false; !ended;) {
        day = demo_care_workday(day);
        long long at = demo_care_office_time(rng, day);
        if (day >= care->demo->today) { /* still in treatment */
            appointment(care, at, course.intervention, "booked");
            return ERR_OK;
        }
        if (!demo_care_room(care, 8)) {
            demo_treat_end(care, at, "completed");
            return ERR_OK;
        }
        if (demo_rng_chance(rng, CANCELLED_BY_UNIT)) {
            appointment(care, at, course.intervention, "cancelled");
        } else if (demo_rng_chance(rng, care->profile->missed)) {
            appointment(care, at, course.intervention, "missed");
            ended = ++course.missed_in_row >= MISSES_TO_DROP_OUT;
            if (ended)
                demo_treat_end(care, at + 3600, "dropped_out");
        } else {
            enum err_code rc = attend(care, &course, day, at, &ended, err);
            if (rc != ERR_OK)
                return rc;
        }
        day +=
            course.interval_days + (demo_rng_chance(rng, 0.3) ? demo_rng_between(rng, -1, 2) : 0);
    }
    return ERR_OK;
}

enum err_code demo_treat_begin(struct demo_care *care, long long assessed_at, struct error *err)
{
    struct demo_rng *rng = care->rng;
    long day = (long)(assessed_at / DEMO_SECONDS_PER_DAY);
    draw_response(care, false);
    if (care->step == 0 || care->step >= DEMO_STEPS - 1) {
        one_contact(care, assessed_at + 1800);
        return ERR_OK;
    }
    long start = day + demo_rng_between(rng, 1, care->profile->treatment_wait_max);
    care->contract = demo_rng_chance(rng, care->profile->contract);
    care->goals = demo_rng_below(rng, 6);
    if (care->contract)
        add_contract(care, assessed_at + 1800,
                     demo_care_office_time(rng, demo_care_workday(start)));
    return treat(care, start, err);
}
