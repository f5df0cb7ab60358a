/* outcome.c - NHS Talking Therapies outcomes (spec §3). Tri-states combine as in Kleene's
 * three-valued logic, so an unknown part never turns into a definite answer by accident. */
#include "outcome.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

const char *outcome_reliable_name(enum outcome_reliable r)
{
    switch (r) {
    case RELIABLE_NONE:
        return "none";
    case RELIABLE_IMPROVEMENT:
        return "improvement";
    case RELIABLE_DETERIORATION:
        return "deterioration";
    case RELIABLE_UNDEFINED:
        break;
    }
    return NULL;
}

static enum tri tri_or(enum tri a, enum tri b)
{
    if (a == TRI_TRUE || b == TRI_TRUE)
        return TRI_TRUE;
    if (a == TRI_NULL || b == TRI_NULL)
        return TRI_NULL;
    return TRI_FALSE;
}

static enum tri tri_not(enum tri a)
{
    return a == TRI_NULL ? TRI_NULL : a == TRI_TRUE ? TRI_FALSE : TRI_TRUE;
}

/* Recovery: only defined for those at caseness at the start. */
static enum tri recovery_of(enum tri caseness_start, enum tri caseness_end)
{
    return caseness_start == TRI_TRUE ? tri_not(caseness_end) : TRI_NULL;
}

static enum tri reliable_recovery_of(enum tri recovery, enum outcome_reliable reliable)
{
    if (recovery == TRI_NULL || reliable == RELIABLE_UNDEFINED)
        return TRI_NULL;
    return recovery == TRI_TRUE && reliable == RELIABLE_IMPROVEMENT ? TRI_TRUE : TRI_FALSE;
}

static enum outcome_reliable reliable_change_of(const struct instrument *ins, int first, int last)
{
    if (ins->reliable_change <= 0)
        return RELIABLE_UNDEFINED;
    int delta = instrument_reported(ins, last) - instrument_reported(ins, first);
    if (abs(delta) < ins->reliable_change)
        return RELIABLE_NONE;
    bool rose = delta > 0;
    return rose == ins->higher_is_worse ? RELIABLE_DETERIORATION : RELIABLE_IMPROVEMENT;
}

enum err_code outcome_measure(const struct instrument *ins, int first, int last, enum sex sex,
                              struct outcome_measure *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    if (ins == NULL)
        return error_set(err, ERR_INVALID, "instrument", "no instrument given");
    if (first < ins->total_min || first > ins->total_max)
        return error_set(err, ERR_INVALID, "first", "%s first total %d is outside %d-%d", ins->name,
                         first, ins->total_min, ins->total_max);
    if (last < ins->total_min || last > ins->total_max)
        return error_set(err, ERR_INVALID, "last", "%s last total %d is outside %d-%d", ins->name,
                         last, ins->total_min, ins->total_max);
    out->instrument = ins;
    out->first = first;
    out->last = last;
    out->change = last - first;
    out->reliable = reliable_change_of(ins, first, last);
    out->caseness_start = instrument_caseness(ins, first, sex);
    out->caseness_end = instrument_caseness(ins, last, sex);
    out->recovery = recovery_of(out->caseness_start, out->caseness_end);
    out->reliable_recovery = reliable_recovery_of(out->recovery, out->reliable);
    return ERR_OK;
}

/* NHS combination: improvement on one measure with no deterioration on another (and the
 * mirror); both directions at once cancel to none. */
static enum outcome_reliable combine_reliable(const struct outcome_measure *measures, int count)
{
    bool improved = false, deteriorated = false;
    for (int i = 0; i < count; i++) {
        if (measures[i].reliable == RELIABLE_UNDEFINED)
            return RELIABLE_UNDEFINED;
        improved |= measures[i].reliable == RELIABLE_IMPROVEMENT;
        deteriorated |= measures[i].reliable == RELIABLE_DETERIORATION;
    }
    if (improved && !deteriorated)
        return RELIABLE_IMPROVEMENT;
    if (deteriorated && !improved)
        return RELIABLE_DETERIORATION;
    return RELIABLE_NONE;
}

static enum err_code check_measures(const struct outcome_measure *measures, int count,
                                    struct error *err)
{
    if (measures == NULL || count < 1 || count > 2)
        return error_set(err, ERR_INVALID, "measures",
                         "an episode outcome needs 1 or 2 measures, got %d",
                         measures == NULL ? 0 : count);
    for (int i = 0; i < count; i++)
        if (measures[i].instrument == NULL)
            return error_set(err, ERR_INVALID, "measures", "measure %d has no instrument", i + 1);
    if (count == 2 && strcmp(measures[0].instrument->id, measures[1].instrument->id) == 0)
        return error_set(err, ERR_INVALID, "measures", "%s is given twice",
                         measures[0].instrument->name);
    return ERR_OK;
}

enum err_code outcome_episode(const struct outcome_measure *measures, int count,
                              struct outcome_episode *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    enum err_code rc = check_measures(measures, count, err);
    if (rc != ERR_OK)
        return rc;
    enum tri start = TRI_FALSE, end = TRI_FALSE;
    for (int i = 0; i < count; i++) {
        start = tri_or(start, measures[i].caseness_start);
        end = tri_or(end, measures[i].caseness_end);
    }
    out->caseness_start = start;
    out->caseness_end = end;
    out->recovery = recovery_of(start, end);
    out->reliable = combine_reliable(measures, count);
    out->reliable_recovery = reliable_recovery_of(out->recovery, out->reliable);
    return ERR_OK;
}
