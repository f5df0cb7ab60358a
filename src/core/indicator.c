/* indicator.c - the indicator definitions, age bands, and the facts table (append and update in
 * place, with each record's derived state and cached outcome). Breakdowns are in
 * indicator_compute.c, suppression in indicator_suppress.c, funnel plots in
 * indicator_funnel.c, availability and training in indicator_region.c. */
#include "indicator.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "outcome.h"

/* ---- definitions ----------------------------------------------------------------------------- */

#define S(bit) INDICATOR_S_##bit
#define NO_TARGET                                                                                  \
    {                                                                                              \
        false, 0.0, false, NULL                                                                    \
    }
#define TARGET(value, unconfirmed, source)                                                         \
    {                                                                                              \
        true, value, unconfirmed, source                                                           \
    }
#define GUARANTEE_SOURCE                                                                           \
    "Vårdgarantin: HSL (2017:30) 9 kap. 1 §, HSF (2017:80) 6 kap. 1 § (spec §5)"
#define NHS_SOURCE   "NHS Talking Therapies [NHSD-OUTCOMES-2020] (spec §3)"
#define NHS_AMBITION "NHS Talking Therapies national ambition, UNCONFIRMED (spec §3)"

/* Finished treatment with paired scores: the NHS TT outcome cohort (spec §3). */
#define OUTCOME_COHORT (S(FINISHED) | S(PAIRED))

#define SHARE_DEF(ident, code_, sv, en, den, num, basis_, dir, target_)                            \
    {                                                                                              \
        ident, code_, { sv, en }, INDICATOR_SHARE, den, num, basis_, 0, 0, dir, target_            \
    }

/* Waiting times: no target of their own (the care guarantee's is on assessed_within_3_days). */
#define DAYS_DEF(ident, code_, sv, en, den, basis_, from, to)                                      \
    {                                                                                              \
        ident, code_, { sv, en }, INDICATOR_DAYS, den, 0, basis_, from, to,                        \
            INDICATOR_LOWER_BETTER, NO_TARGET                                                      \
    }

#define STEP_DEF(k)                                                                                \
    SHARE_DEF(INDICATOR_STEP_##k, "step_" #k, "Andel på steg " #k, "Share at step " #k,            \
              S(ASSESSED) | S(HAS_STEP), S(STEP0) << (k), INDICATOR_BASIS_ASSESSMENT,              \
              INDICATOR_NEUTRAL, NO_TARGET)

static const struct indicator_def definitions[INDICATOR_COUNT] = {
    DAYS_DEF(INDICATOR_DAYS_TO_ASSESSMENT, "days_to_assessment", "Dagar till bedömning",
             "Days to assessment", S(WAIT_KNOWN), INDICATOR_BASIS_ASSESSMENT,
             INDICATOR_BASIS_REFERRAL, INDICATOR_BASIS_ASSESSMENT),
    /* Target 100 %: the guarantee is every patient's right in law, so no lower share is a
     * standard the law supports; the figure shows how far from it the region is. */
    SHARE_DEF(INDICATOR_ASSESSED_WITHIN_3_DAYS, "assessed_within_3_days", "Bedömda inom 3 dagar",
              "Assessed within 3 days", S(WAIT_KNOWN), S(WITHIN_3_DAYS), INDICATOR_BASIS_ASSESSMENT,
              INDICATOR_HIGHER_BETTER, TARGET(1.0, false, GUARANTEE_SOURCE)),
    DAYS_DEF(INDICATOR_DAYS_ASSESSMENT_TO_TREATMENT, "days_assessment_to_treatment",
             "Dagar från bedömning till behandling", "Days from assessment to treatment",
             S(TREAT_WAIT_KNOWN), INDICATOR_BASIS_TREATMENT, INDICATOR_BASIS_ASSESSMENT,
             INDICATOR_BASIS_TREATMENT),
    SHARE_DEF(INDICATOR_COMMON_INSTRUMENTS, "common_instruments_at_assessment",
              "Bedömda med PHQ-9 och GAD-7", "Assessed with PHQ-9 and GAD-7", S(ASSESSED),
              S(COMMON), INDICATOR_BASIS_ASSESSMENT, INDICATOR_HIGHER_BETTER, NO_TARGET),
    SHARE_DEF(INDICATOR_PAIRED_SCORES, "paired_scores", "Parade skattningar", "Paired scores",
              S(FINISHED), S(PAIRED), INDICATOR_BASIS_END, INDICATOR_HIGHER_BETTER, NO_TARGET),
    SHARE_DEF(INDICATOR_RELIABLE_IMPROVEMENT, "reliable_improvement", "Tillförlitlig förbättring",
              "Reliable improvement", OUTCOME_COHORT, S(RELIABLE_IMPROVEMENT), INDICATOR_BASIS_END,
              INDICATOR_HIGHER_BETTER, TARGET(0.67, true, NHS_AMBITION)),
    SHARE_DEF(INDICATOR_RECOVERY, "recovery", "Återhämtning", "Recovery",
              OUTCOME_COHORT | S(CASENESS_START), S(RECOVERY), INDICATOR_BASIS_END,
              INDICATOR_HIGHER_BETTER, TARGET(0.50, false, NHS_SOURCE)),
    SHARE_DEF(INDICATOR_RELIABLE_RECOVERY, "reliable_recovery", "Tillförlitlig återhämtning",
              "Reliable recovery", OUTCOME_COHORT | S(CASENESS_START), S(RELIABLE_RECOVERY),
              INDICATOR_BASIS_END, INDICATOR_HIGHER_BETTER, TARGET(0.48, true, NHS_AMBITION)),
    SHARE_DEF(INDICATOR_RELIABLE_DETERIORATION, "reliable_deterioration",
              "Tillförlitlig försämring", "Reliable deterioration", OUTCOME_COHORT,
              S(RELIABLE_DETERIORATION), INDICATOR_BASIS_END, INDICATOR_LOWER_BETTER, NO_TARGET),
    STEP_DEF(0),
    STEP_DEF(1),
    STEP_DEF(2),
    STEP_DEF(3),
    STEP_DEF(4),
    SHARE_DEF(INDICATOR_STEP_UPS, "step_ups", "Stegade upp", "Stepped up", S(ENDED) | S(TREATED),
              S(STEPPED_UP), INDICATOR_BASIS_END, INDICATOR_NEUTRAL, NO_TARGET),
    SHARE_DEF(INDICATOR_CONTRACT_COVERAGE, "contract_coverage", "Fullständigt vårdkontrakt",
              "Complete care contract", S(ASSESSED), S(CONTRACT_COMPLETE),
              INDICATOR_BASIS_ASSESSMENT, INDICATOR_HIGHER_BETTER, NO_TARGET),
};

const struct indicator_def *indicator_def(enum indicator_id id)
{
    if ((int)id < 0 || id >= INDICATOR_COUNT)
        return NULL;
    return &definitions[id];
}

const struct indicator_def *indicator_find(const char *code)
{
    if (code == NULL)
        return NULL;
    for (int i = 0; i < INDICATOR_COUNT; i++)
        if (strcmp(definitions[i].code, code) == 0)
            return &definitions[i];
    return NULL;
}

enum tri indicator_meets_target(const struct indicator_def *def, double value)
{
    if (def == NULL || !def->target.set)
        return TRI_NULL;
    bool met = def->direction == INDICATOR_LOWER_BETTER ? value <= def->target.value
                                                        : value >= def->target.value;
    return met ? TRI_TRUE : TRI_FALSE;
}

/* ---- dimensions and age bands ---------------------------------------------------------------- */

static const char *const dim_names[INDICATOR_BY_COUNT] = { "none",        "unit", "municipality",
                                                           "listed_unit", "sex",  "age_band",
                                                           "step",        "month" };

const char *indicator_dim_name(enum indicator_dim dim)
{
    if ((int)dim < 0 || dim >= INDICATOR_BY_COUNT)
        return NULL;
    return dim_names[dim];
}

int indicator_dim_parse(const char *name, enum indicator_dim *out)
{
    for (int i = 0; name != NULL && i < INDICATOR_BY_COUNT; i++)
        if (strcmp(dim_names[i], name) == 0) {
            *out = (enum indicator_dim)i;
            return 0;
        }
    return -1;
}

/* Lower limits of the bands; the last is open. */
static const int age_band_min[INDICATOR_AGE_BANDS] = { 0, 18, 25, 35, 45, 55, 65, 75 };
static const char *const age_band_labels[INDICATOR_AGE_BANDS] = { "0-17",  "18-24", "25-34",
                                                                  "35-44", "45-54", "55-64",
                                                                  "65-74", "75+" };

int indicator_age_band(int age_years)
{
    if (age_years < 0)
        return -1;
    int band = 0;
    while (band + 1 < INDICATOR_AGE_BANDS && age_years >= age_band_min[band + 1])
        band++;
    return band;
}

const char *indicator_age_band_label(int band)
{
    return band >= 0 && band < INDICATOR_AGE_BANDS ? age_band_labels[band] : NULL;
}

/* ---- the facts table --------------------------------------------------------------------------
 */

void indicator_episode_init(struct indicator_episode *ep)
{
    memset(ep, 0, sizeof(*ep));
    ep->referred_day = ep->assessed_day = ep->treatment_day = ep->ended_day = INDICATOR_NO_DAY;
    ep->unit = ep->municipality = ep->listed_unit = -1;
    ep->sex = SEX_UNKNOWN;
    ep->age_band = ep->step = -1;
    ep->phq9_first = ep->phq9_last = ep->gad7_first = ep->gad7_last = -1;
}

enum err_code indicator_facts_init(struct indicator_facts *facts, const struct indicator_dims *dims,
                                   const struct instrument *phq9, const struct instrument *gad7,
                                   struct error *err)
{
    memset(facts, 0, sizeof(*facts));
    if (dims == NULL || dims->unit_count < 1 || dims->unit_count > INDICATOR_MAX_INDEX)
        return error_set(err, ERR_INVALID, "dims.unit_count", "unit count must be 1-%d",
                         INDICATOR_MAX_INDEX);
    if (dims->municipality_count < 1 || dims->municipality_count > INDICATOR_MAX_INDEX)
        return error_set(err, ERR_INVALID, "dims.municipality_count",
                         "municipality count must be 1-%d", INDICATOR_MAX_INDEX);
    if (dims->step_count < 1 || dims->step_count > INDICATOR_MAX_STEPS)
        return error_set(err, ERR_INVALID, "dims.step_count", "step count must be 1-%d",
                         INDICATOR_MAX_STEPS);
    if (phq9 == NULL)
        return error_set(err, ERR_INVALID, "phq9", "the PHQ-9 definition is missing");
    if (gad7 == NULL || gad7 == phq9)
        return error_set(err, ERR_INVALID, "gad7", "the GAD-7 definition is missing");
    facts->dims = *dims;
    facts->phq9 = phq9;
    facts->gad7 = gad7;
    return ERR_OK;
}

void indicator_facts_release(struct indicator_facts *facts)
{
    free(facts->episodes);
    facts->episodes = NULL;
    facts->count = facts->cap = 0;
}

enum err_code indicator_facts_reserve(struct indicator_facts *facts, size_t count,
                                      struct error *err)
{
    if (count > (size_t)INDICATOR_MAX_EPISODES)
        return error_set(err, ERR_TOO_LARGE, "count", "at most %ld episodes",
                         INDICATOR_MAX_EPISODES);
    if (count <= facts->cap)
        return ERR_OK;
    facts->episodes = xrealloc(facts->episodes, count * sizeof(*facts->episodes));
    facts->cap = count;
    return ERR_OK;
}

static enum err_code check_index(int value, int count, bool allow_unknown, const char *field,
                                 struct error *err)
{
    if (value >= count || value < (allow_unknown ? -1 : 0))
        return error_set(err, ERR_INVALID, field, "%s %d is outside 0-%d%s", field, value,
                         count - 1, allow_unknown ? " (or -1)" : "");
    return ERR_OK;
}

static enum err_code check_scores(const struct instrument *ins, int first, int last, int count,
                                  const char *id, struct error *err)
{
    char field[32];
    if (count == 0) {
        if (first == -1 && last == -1)
            return ERR_OK;
        snprintf(field, sizeof(field), "%s_count", id);
        return error_set(err, ERR_INVALID, field, "%s has scores but a count of 0", ins->name);
    }
    int values[2] = { first, last };
    const char *which[2] = { "first", "last" };
    for (int i = 0; i < 2; i++)
        if (values[i] < ins->total_min || values[i] > ins->total_max) {
            snprintf(field, sizeof(field), "%s_%s", id, which[i]);
            return error_set(err, ERR_INVALID, field, "%s %s total %d is outside %d-%d", ins->name,
                             which[i], values[i], ins->total_min, ins->total_max);
        }
    return ERR_OK;
}

static enum err_code check_day(int32_t day, const char *field, struct error *err)
{
    if (day < INDICATOR_NO_DAY)
        return error_set(err, ERR_INVALID, field, "%s %ld is before 1970", field, (long)day);
    return ERR_OK;
}

static enum err_code check_episode(const struct indicator_facts *facts,
                                   const struct indicator_episode *ep, struct error *err)
{
    const struct indicator_dims *d = &facts->dims;
    enum err_code rc;
    if ((rc = check_index(ep->unit, d->unit_count, false, "unit", err)) != ERR_OK ||
        (rc = check_index(ep->municipality, d->municipality_count, true, "municipality", err)) !=
            ERR_OK ||
        (rc = check_index(ep->listed_unit, d->unit_count, true, "listed_unit", err)) != ERR_OK ||
        (rc = check_index(ep->sex, SEX_COUNT, false, "sex", err)) != ERR_OK ||
        (rc = check_index(ep->age_band, INDICATOR_AGE_BANDS, true, "age_band", err)) != ERR_OK ||
        (rc = check_index(ep->step, d->step_count, true, "step", err)) != ERR_OK ||
        (rc = check_day(ep->referred_day, "referred_day", err)) != ERR_OK ||
        (rc = check_day(ep->assessed_day, "assessed_day", err)) != ERR_OK ||
        (rc = check_day(ep->treatment_day, "treatment_day", err)) != ERR_OK ||
        (rc = check_day(ep->ended_day, "ended_day", err)) != ERR_OK)
        return rc;
    rc = check_scores(facts->phq9, ep->phq9_first, ep->phq9_last, ep->phq9_count, "phq9", err);
    if (rc == ERR_OK)
        rc = check_scores(facts->gad7, ep->gad7_first, ep->gad7_last, ep->gad7_count, "gad7", err);
    return rc;
}

static bool has_paired_scores(const struct indicator_episode *ep)
{
    return ep->phq9_count >= 2 && ep->gad7_count >= 2;
}

/* The outcome bits through the one outcome path. Unknown parts (TRI_NULL) count as not met. */
static enum err_code outcome_bits(const struct indicator_facts *facts,
                                  const struct indicator_episode *ep, uint32_t *bits,
                                  struct error *err)
{
    *bits = 0;
    if (!has_paired_scores(ep))
        return ERR_OK;
    struct outcome_measure measures[2];
    struct outcome_episode outcome;
    enum sex sex = (enum sex)ep->sex;
    enum err_code rc =
        outcome_measure(facts->phq9, ep->phq9_first, ep->phq9_last, sex, &measures[0], err);
    if (rc == ERR_OK)
        rc = outcome_measure(facts->gad7, ep->gad7_first, ep->gad7_last, sex, &measures[1], err);
    if (rc == ERR_OK)
        rc = outcome_episode(measures, 2, &outcome, err);
    if (rc != ERR_OK)
        return rc;
    if (outcome.caseness_start == TRI_TRUE)
        *bits |= INDICATOR_S_CASENESS_START;
    if (outcome.recovery == TRI_TRUE)
        *bits |= INDICATOR_S_RECOVERY;
    if (outcome.reliable == RELIABLE_IMPROVEMENT)
        *bits |= INDICATOR_S_RELIABLE_IMPROVEMENT;
    if (outcome.reliable == RELIABLE_DETERIORATION)
        *bits |= INDICATOR_S_RELIABLE_DETERIORATION;
    if (outcome.reliable_recovery == TRI_TRUE)
        *bits |= INDICATOR_S_RELIABLE_RECOVERY;
    return ERR_OK;
}

/* Every state bit except the outcome ones, from the record's own fields. */
static uint32_t plain_state(const struct indicator_episode *ep)
{
    uint32_t s = 0;
    if (ep->assessed_day >= 0)
        s |= INDICATOR_S_ASSESSED;
    if (ep->assessed_day >= 0 && ep->referred_day >= 0 && ep->assessed_day >= ep->referred_day) {
        s |= INDICATOR_S_WAIT_KNOWN;
        if (ep->assessed_day - ep->referred_day <= INDICATOR_GUARANTEE_DAYS)
            s |= INDICATOR_S_WITHIN_3_DAYS;
    }
    if (ep->treatment_day >= 0)
        s |= INDICATOR_S_TREATED;
    if (ep->treatment_day >= 0 && ep->assessed_day >= 0 && ep->treatment_day >= ep->assessed_day)
        s |= INDICATOR_S_TREAT_WAIT_KNOWN;
    if (ep->ended_day >= 0) {
        s |= INDICATOR_S_ENDED;
        if (ep->sessions_attended >= INDICATOR_FINISHED_SESSIONS)
            s |= INDICATOR_S_FINISHED;
    }
    if (has_paired_scores(ep))
        s |= INDICATOR_S_PAIRED;
    if (ep->flags & INDICATOR_COMMON_AT_ASSESSMENT)
        s |= INDICATOR_S_COMMON;
    if ((ep->flags & INDICATOR_CONTRACT_COMPLETE) == INDICATOR_CONTRACT_COMPLETE)
        s |= INDICATOR_S_CONTRACT_COMPLETE;
    if (ep->flags & INDICATOR_STEPPED_UP)
        s |= INDICATOR_S_STEPPED_UP;
    if (ep->step >= 0)
        s |= INDICATOR_S_HAS_STEP | ((uint32_t)INDICATOR_S_STEP0 << ep->step);
    return s;
}

static bool same_outcome_inputs(const struct indicator_episode *a,
                                const struct indicator_episode *b)
{
    return a->sex == b->sex && a->phq9_first == b->phq9_first && a->phq9_last == b->phq9_last &&
           a->gad7_first == b->gad7_first && a->gad7_last == b->gad7_last &&
           has_paired_scores(a) == has_paired_scores(b);
}

/* Validate `ep` and compute its state into *out; `previous` (may be NULL) lends its cached
 * outcome when the scores did not change. */
static enum err_code prepare(const struct indicator_facts *facts,
                             const struct indicator_episode *ep,
                             const struct indicator_episode *previous,
                             struct indicator_episode *out, struct error *err)
{
    enum err_code rc = check_episode(facts, ep, err);
    if (rc != ERR_OK)
        return rc;
    uint32_t outcome;
    if (previous != NULL && same_outcome_inputs(previous, ep)) {
        outcome = previous->state & INDICATOR_S_OUTCOME;
    } else {
        rc = outcome_bits(facts, ep, &outcome, err);
        if (rc != ERR_OK)
            return rc;
    }
    *out = *ep;
    out->state = plain_state(ep) | outcome;
    return ERR_OK;
}

enum err_code indicator_facts_append(struct indicator_facts *facts,
                                     const struct indicator_episode *ep, size_t *index,
                                     struct error *err)
{
    struct indicator_episode record;
    enum err_code rc = prepare(facts, ep, NULL, &record, err);
    if (rc != ERR_OK)
        return rc;
    if (facts->count == facts->cap) {
        size_t want = facts->cap < 1024 ? 1024 : facts->cap * 2;
        if (want > (size_t)INDICATOR_MAX_EPISODES)
            want = (size_t)INDICATOR_MAX_EPISODES;
        if (want <= facts->count)
            return error_set(err, ERR_TOO_LARGE, "count", "at most %ld episodes",
                             INDICATOR_MAX_EPISODES);
        rc = indicator_facts_reserve(facts, want, err);
        if (rc != ERR_OK)
            return rc;
    }
    facts->episodes[facts->count] = record;
    if (index != NULL)
        *index = facts->count;
    facts->count++;
    return ERR_OK;
}

enum err_code indicator_facts_update(struct indicator_facts *facts, size_t index,
                                     const struct indicator_episode *ep, struct error *err)
{
    if (index >= facts->count)
        return error_set(err, ERR_NOT_FOUND, "index", "no episode at %zu (of %zu)", index,
                         facts->count);
    struct indicator_episode record;
    enum err_code rc = prepare(facts, ep, &facts->episodes[index], &record, err);
    if (rc != ERR_OK)
        return rc;
    facts->episodes[index] = record;
    return ERR_OK;
}
