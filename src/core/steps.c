/* steps.c - the recommended step and the step-up check, interpreting the rules read by
 * steps_rules.c. */
#include "steps.h"

#include <stdio.h>
#include <string.h>

#include "outcome.h"

static struct steps_reason make_reason(const char *code, const char *instrument, int step)
{
    struct steps_reason reason;
    memset(&reason, 0, sizeof(reason));
    snprintf(reason.code, sizeof(reason.code), "%s", code);
    snprintf(reason.instrument, sizeof(reason.instrument), "%s", instrument ? instrument : "");
    reason.step = step;
    return reason;
}

/* The parse limits keep every list within STEPS_MAX_REASONS; the check is a seat belt. */
static void add_reason(struct steps_reason *list, int *count, struct steps_reason reason)
{
    if (*count < STEPS_MAX_REASONS)
        list[(*count)++] = reason;
}

static const struct steps_input *find_input(const struct steps_input *inputs, int count,
                                            const char *id)
{
    for (int i = 0; i < count; i++)
        if (strcmp(inputs[i].instrument, id) == 0)
            return &inputs[i];
    return NULL;
}

static bool has_limit_on(const struct steps_rules *rules, const char *id)
{
    for (int s = 0; s < rules->step_count; s++)
        for (int i = 0; i < rules->steps[s].limit_count; i++)
            if (strcmp(rules->steps[s].limits[i].instrument, id) == 0)
                return true;
    return false;
}

static enum err_code check_inputs(const struct steps_rules *rules, const struct steps_input *inputs,
                                  int count, struct error *err)
{
    if (inputs == NULL || count <= 0)
        return error_set(err, ERR_INVALID, "inputs", "no scored instruments");
    bool any_limited = false;
    for (int i = 0; i < count; i++) {
        char field[24];
        snprintf(field, sizeof(field), "/inputs/%d", i);
        if (inputs[i].instrument == NULL)
            return error_set(err, ERR_INVALID, field, "input %d names no instrument", i + 1);
        if (find_input(inputs, i, inputs[i].instrument) != NULL)
            return error_set(err, ERR_INVALID, field, "%s is given twice", inputs[i].instrument);
        any_limited |= has_limit_on(rules, inputs[i].instrument);
    }
    if (!any_limited)
        return error_set(err, ERR_INVALID, "inputs",
                         "none of the scored instruments has step limits");
    return ERR_OK;
}

/* Unknown caseness does not meet a "not at caseness" limit: the safe side is the higher step. */
static bool limit_met(const struct steps_limit *limit, const struct steps_input *input)
{
    if (limit->kind == STEPS_LIMIT_NOT_CASENESS)
        return input->caseness == TRI_FALSE;
    return input->total <= limit->value;
}

/* The first limit of `step` an input does not meet (and that input), or NULL. */
static const struct steps_limit *first_unmet(const struct steps_step *step,
                                             const struct steps_input *inputs, int count,
                                             const struct steps_input **input)
{
    for (int i = 0; i < step->limit_count; i++) {
        const struct steps_limit *limit = &step->limits[i];
        *input = find_input(inputs, count, limit->instrument);
        if (*input != NULL && !limit_met(limit, *input))
            return limit;
    }
    *input = NULL;
    return NULL;
}

/* The lowest step whose limits the inputs meet, with a reason for each step passed over. */
static int base_step(const struct steps_rules *rules, const struct steps_input *inputs, int count,
                     struct steps_result *out)
{
    for (int s = 0; s < rules->step_count; s++) {
        const struct steps_input *input;
        const struct steps_limit *limit = first_unmet(&rules->steps[s], inputs, count, &input);
        if (limit == NULL) {
            add_reason(out->reasons, &out->reason_count,
                       make_reason(STEPS_REASON_WITHIN_LIMITS, NULL, s));
            return s;
        }
        bool caseness = limit->kind == STEPS_LIMIT_NOT_CASENESS;
        struct steps_reason reason = make_reason(
            caseness ? STEPS_REASON_NOT_CASENESS : STEPS_REASON_ABOVE_LIMIT, input->instrument, s);
        reason.total = input->total;
        reason.limit = caseness ? 0 : limit->value;
        add_reason(out->reasons, &out->reason_count, reason);
    }
    return rules->step_count - 1; /* not reached: the last step has no limits */
}

/* The input that triggers `raise`, or NULL. */
static const struct steps_input *raise_trigger(const struct steps_raise *raise,
                                               const struct steps_input *inputs, int count)
{
    for (int i = 0; i < count; i++) {
        if (raise->instrument != NULL && strcmp(inputs[i].instrument, raise->instrument) != 0)
            continue;
        if (raise->flag != 0 ? (inputs[i].flags & raise->flag) != 0
                             : inputs[i].total >= raise->at_least)
            return &inputs[i];
    }
    return NULL;
}

static void apply_raises(const struct steps_rules *rules, const struct steps_input *inputs,
                         int count, struct steps_result *out)
{
    int last = rules->step_count - 1;
    for (int r = 0; r < rules->raise_count; r++) {
        const struct steps_raise *raise = &rules->raises[r];
        const struct steps_input *input = raise_trigger(raise, inputs, count);
        if (input == NULL)
            continue;
        int raised = out->step + raise->steps_up;
        if (raised > last)
            raised = last;
        if (raised < raise->min_step)
            raised = raise->min_step;
        if (raised <= out->step)
            continue; /* raises never lower, and say nothing when they change nothing */
        struct steps_reason reason = make_reason(raise->code, input->instrument, raised);
        reason.total = input->total;
        reason.limit = raise->flag != 0 ? 0 : raise->at_least;
        add_reason(out->reasons, &out->reason_count, reason);
        out->step = raised;
    }
}

enum err_code steps_recommend(const struct steps_rules *rules, const struct steps_input *inputs,
                              int count, struct steps_result *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    enum err_code rc = check_inputs(rules, inputs, count, err);
    if (rc != ERR_OK)
        return rc;
    out->step = base_step(rules, inputs, count, out);
    apply_raises(rules, inputs, count, out);
    return ERR_OK;
}

/* ---- step-up check ---- */

static enum err_code check_progress(const struct steps_rules *rules,
                                    const struct steps_progress *progress, struct error *err)
{
    if (progress->current_step < 0 || progress->current_step >= rules->step_count)
        return error_set(err, ERR_INVALID, "current_step", "step %d is not 0-%d",
                         progress->current_step, rules->step_count - 1);
    if (progress->sessions_attended < 0)
        return error_set(err, ERR_INVALID, "sessions_attended", "%d sessions is negative",
                         progress->sessions_attended);
    if (progress->today < progress->step_started_day)
        return error_set(err, ERR_INVALID, "today", "today is before the step started");
    if (progress->measure_count < 0 || (progress->measure_count > 0 && progress->measures == NULL))
        return error_set(err, ERR_INVALID, "measures", "no measures given");
    for (int i = 0; i < progress->measure_count; i++) {
        char field[24];
        snprintf(field, sizeof(field), "/measures/%d", i);
        if (progress->measures[i].instrument == NULL)
            return error_set(err, ERR_INVALID, field, "measure %d names no instrument", i + 1);
        if (i > 0 && progress->measures[i].day < progress->measures[i - 1].day)
            return error_set(err, ERR_INVALID, field,
                             "measure %d is dated before the one before it", i + 1);
    }
    return ERR_OK;
}

/* The catalogue's definitions of the configured step-up measures. */
static enum err_code resolve_measures(const struct steps_rules *rules,
                                      const struct instrument_catalog *catalog,
                                      const struct instrument *out[STEPS_MAX_MEASURES],
                                      struct error *err)
{
    for (int k = 0; k < rules->step_up.measure_count; k++) {
        const char *id = rules->step_up.measures[k];
        char field[32];
        snprintf(field, sizeof(field), "/step_up/measures/%d", k);
        out[k] = instrument_find(catalog, id);
        if (out[k] == NULL)
            return error_set(err, ERR_NOT_FOUND, field, "step-up measure \"%s\" is unknown", id);
        if (out[k]->reliable_change <= 0)
            return error_set(err, ERR_INVALID, field,
                             "step-up measure %s has no reliable-change value", out[k]->name);
    }
    return ERR_OK;
}

/* First and latest total of `ins` since the step started; *found counts them. */
static enum err_code first_and_latest(const struct steps_progress *progress,
                                      const struct instrument *ins, int *first, int *latest,
                                      int *found, struct error *err)
{
    *found = 0;
    for (int i = 0; i < progress->measure_count; i++) {
        const struct steps_measure *m = &progress->measures[i];
        if (m->day < progress->step_started_day || strcmp(m->instrument, ins->id) != 0)
            continue;
        if (m->total < ins->total_min || m->total > ins->total_max) {
            char field[24];
            snprintf(field, sizeof(field), "/measures/%d", i);
            return error_set(err, ERR_INVALID, field, "%s total %d is outside %d-%d", ins->name,
                             m->total, ins->total_min, ins->total_max);
        }
        if (*found == 0)
            *first = m->total;
        *latest = m->total;
        (*found)++;
    }
    return ERR_OK;
}

static struct steps_reason measure_reason(const char *code, const struct outcome_measure *m,
                                          int step)
{
    struct steps_reason reason = make_reason(code, m->instrument->id, step);
    reason.first = m->first;
    reason.total = m->last;
    reason.change = m->change;
    reason.limit = m->instrument->reliable_change;
    return reason;
}

/* Compare first and latest scores at the step, decide, and give one reason per measure in the
 * configured order: too few scores, or its result when that is what decided. */
static enum err_code judge_measures(const struct steps_rules *rules,
                                    const struct instrument *const *ins,
                                    const struct steps_progress *progress, enum sex sex,
                                    struct steps_step_up *out, struct error *err)
{
    int n = rules->step_up.measure_count;
    struct outcome_measure results[STEPS_MAX_MEASURES];
    bool evaluated[STEPS_MAX_MEASURES] = { false };
    bool any_evaluated = false, improved = false, deteriorated = false;
    for (int k = 0; k < n; k++) {
        int first = 0, latest = 0, found = 0;
        enum err_code rc = first_and_latest(progress, ins[k], &first, &latest, &found, err);
        if (rc == ERR_OK && found >= 2)
            rc = outcome_measure(ins[k], first, latest, sex, &results[k], err);
        if (rc != ERR_OK)
            return rc;
        evaluated[k] = found >= 2;
        any_evaluated |= evaluated[k];
        improved |= evaluated[k] && results[k].reliable == RELIABLE_IMPROVEMENT;
        deteriorated |= evaluated[k] && results[k].reliable == RELIABLE_DETERIORATION;
    }
    out->due = any_evaluated && (deteriorated || !improved);
    enum outcome_reliable decided = deteriorated ? RELIABLE_DETERIORATION
                                    : improved   ? RELIABLE_IMPROVEMENT
                                                 : RELIABLE_NONE;
    const char *code = deteriorated ? STEPS_REASON_DETERIORATION
                       : improved   ? STEPS_REASON_IMPROVEMENT
                                    : STEPS_REASON_NO_IMPROVEMENT;
    for (int k = 0; k < n; k++) {
        if (!evaluated[k])
            add_reason(out->reasons, &out->reason_count,
                       make_reason(STEPS_REASON_NOT_ENOUGH, ins[k]->id, progress->current_step));
        else if (results[k].reliable == decided)
            add_reason(out->reasons, &out->reason_count,
                       measure_reason(code, &results[k], out->next_step));
    }
    return ERR_OK;
}

enum err_code steps_check_step_up(const struct steps_rules *rules,
                                  const struct instrument_catalog *catalog,
                                  const struct steps_progress *progress, enum sex sex,
                                  struct steps_step_up *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    const struct instrument *ins[STEPS_MAX_MEASURES];
    enum err_code rc = check_progress(rules, progress, err);
    if (rc == ERR_OK)
        rc = resolve_measures(rules, catalog, ins, err);
    if (rc != ERR_OK)
        return rc;
    const struct steps_step_up_rule *up = &rules->step_up;
    int current = progress->current_step, last = rules->step_count - 1;
    out->next_step = current < last ? current + 1 : last;
    long days_at_step = progress->today - progress->step_started_day;
    long min_days = 7L * up->min_weeks;
    if (progress->open_risk_flag) {
        out->due = true;
        add_reason(out->reasons, &out->reason_count,
                   make_reason(STEPS_REASON_RISK_REVIEW, NULL, out->next_step));
    } else if (progress->sessions_attended < up->min_sessions && days_at_step < min_days) {
        struct steps_reason reason = make_reason(STEPS_REASON_TOO_EARLY, NULL, current);
        reason.sessions = up->min_sessions - progress->sessions_attended;
        reason.days = (int)(min_days - days_at_step);
        add_reason(out->reasons, &out->reason_count, reason);
    } else {
        rc = judge_measures(rules, ins, progress, sex, out, err);
        if (rc != ERR_OK) {
            memset(out, 0, sizeof(*out));
            return rc;
        }
    }
    if (out->due && current == last)
        add_reason(out->reasons, &out->reason_count,
                   make_reason(STEPS_REASON_SPECIALIST_REVIEW, NULL, current));
    return ERR_OK;
}
