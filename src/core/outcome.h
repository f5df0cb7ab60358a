/* outcome.h - NHS Talking Therapies outcomes on first and last paired scores (spec §3).
 *
 * outcome_measure() classifies one instrument's first and last raw totals: reliable change,
 * caseness at start and end, recovery and reliable recovery. outcome_episode() combines the
 * depression and anxiety measures of one episode (PHQ-9 and GAD-7) by the NHS rules. Pure
 * functions: no allocation, no I/O.
 */
#ifndef STEGVIS_CORE_OUTCOME_H
#define STEGVIS_CORE_OUTCOME_H

#include "error.h"
#include "instrument.h"
#include "types.h"

enum outcome_reliable {
    RELIABLE_NONE = 0,
    RELIABLE_IMPROVEMENT,
    RELIABLE_DETERIORATION,
    RELIABLE_UNDEFINED /* the instrument has no reliable-change value */
};

/* "none", "improvement", "deterioration"; NULL for RELIABLE_UNDEFINED (shown as JSON null). */
const char *outcome_reliable_name(enum outcome_reliable r);

/* One measure's outcome. Totals and `change` are raw units (WHO-5: 0-25, not the index). */
struct outcome_measure {
    const struct instrument *instrument;
    int first, last;
    int change; /* last - first */
    enum outcome_reliable reliable;
    enum tri caseness_start, caseness_end; /* TRI_NULL when the instrument has no cut-off */
    enum tri recovery;          /* at caseness at start and not at the end; TRI_NULL when not at
                                   caseness at start or no cut-off */
    enum tri reliable_recovery; /* recovery and reliable improvement; TRI_NULL when recovery is
                                   TRI_NULL or the instrument has no reliable-change value */
};

/* Classify the first and last raw totals of `ins` for a patient of `sex` (sex-specific
 * cut-offs; SEX_UNKNOWN uses the default). Reliable change compares |last - first| in reported
 * units (instrument_reported(): WHO-5 index = raw x 4) with ins->reliable_change, at or above
 * it being reliable; the direction follows ins->higher_is_worse (a WHO-5 rise is an
 * improvement). ERR_INVALID with field "first" or "last" when a total is outside the
 * instrument's raw range. On error `out` is left zeroed. */
enum err_code outcome_measure(const struct instrument *ins, int first, int last, enum sex sex,
                              struct outcome_measure *out, struct error *err) WARN_UNUSED;

/* An episode's combined outcome. */
struct outcome_episode {
    enum tri caseness_start, caseness_end;
    enum tri recovery, reliable_recovery;
    enum outcome_reliable reliable;
};

/* Combine `count` (1 or 2) measures of one episode, each on a different instrument, by the NHS
 * rules (spec §3; the combination of improvement and deterioration is UNCONFIRMED there):
 *   - at caseness at start when at least one measure is;
 *   - recovery (only when at caseness at start, else TRI_NULL) when every measure is below
 *     caseness at the end;
 *   - reliable improvement when at least one measure improved reliably and no other
 *     deteriorated reliably; reliable deterioration when at least one deteriorated reliably and
 *     no other improved reliably; otherwise none;
 *   - reliable recovery = recovery and reliable improvement.
 * With one measure the result equals that measure. Unknown parts stay unknown: a measure
 * without a cut-off makes a combined caseness TRI_NULL unless another measure decides it, and
 * a measure without a reliable-change value makes `reliable` RELIABLE_UNDEFINED.
 * ERR_INVALID (field "measures") for a count other than 1 or 2, a measure without an
 * instrument, or the same instrument twice. On error `out` is left zeroed. */
enum err_code outcome_episode(const struct outcome_measure *measures, int count,
                              struct outcome_episode *out, struct error *err) WARN_UNUSED;

#endif
