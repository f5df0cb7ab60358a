/* steps.h - the recommended step of care and the step-up check; the rules are data.
 *
 * The rules come from data/steps.json (format below), parsed by steps_rules_parse() and
 * interpreted by steps_recommend() and steps_check_step_up(). Nothing clinical is hard-coded
 * here: the steps, their limits, the raises, the step-up thresholds and every reason text are
 * in the file.
 *
 * Recommendation (DESIGN.md "Clinical logic"): the lowest step whose entry rule the scores meet;
 * risk and function can only raise it. Each step lists LIMITS, the scores it is enough for. The
 * base step is the lowest step all of whose limits are met by the instruments present in the
 * input (limits on instruments not in the input are ignored; the last step has no limits).
 * Raises are then applied in file order and never lower the step.
 *
 * Step-up check (spec §4.4, a proposed default): an open risk flag makes a review due at once;
 * otherwise, after `min_sessions` sessions or `min_weeks` weeks at the step, a review is due when
 * no configured measure improved reliably between its first and latest score at the step, or
 * any deteriorated reliably (outcome_measure()).
 *
 * Reasons are structured (a code and numbers) and turned into one line of Swedish or English by
 * steps_reason_text() from templates in the file with named placeholders.
 *
 * steps.json:
 *   { "steps": [ { "step": 0, "code": "self_care", "name": {"sv": .., "en": ..},
 *                  "limits": [ {"instrument": "phq9", "at_most": 4},
 *                              {"instrument": "audit", "not_caseness": true} ] }, ...
 *                { "step": 4, ..., "limits": [] } ],
 *     "raises": [ {"reason": "raised_by_function", "instrument": "wsas", "at_least": 21,
 *                  "steps_up": 1},
 *                 {"reason": "raised_by_risk", "flag": "risk", "min_step": 3} ],
 *     "step_up": {"min_sessions": 4, "min_weeks": 6, "measures": ["phq9", "gad7"]},
 *     "instrument_names": {"phq9": "PHQ-9", ...},
 *     "reasons": { "above_limit": {"sv": "...", "en": "..."}, ... } }
 *   Steps are numbered 0, 1, ... in order; only the last has no limits. A raise has either
 *   "flag" (an instrument_flag name, on any input or only on "instrument") or "instrument" with
 *   "at_least" (a total), and "steps_up" and/or "min_step". Keys not listed ("note") are ignored.
 *   Every reason code below and every raise's "reason" needs a template in both languages.
 *   Placeholders: {instrument} (display name from "instrument_names", else the id), {total},
 *   {limit}, {step}, {step_name}, {first}, {change} (signed), {sessions}, {days}, {weeks}
 *   (days rounded up to whole weeks). Any other {word} is copied as it stands.
 */
#ifndef STEGVIS_CORE_STEPS_H
#define STEGVIS_CORE_STEPS_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "instrument.h"
#include "types.h"

#define STEPS_MAX           8 /* steps in a rule set (default 5: 0-4) */
#define STEPS_MAX_LIMITS    8 /* limits per step */
#define STEPS_MAX_RAISES    8
#define STEPS_MAX_MEASURES  4  /* step-up measures */
#define STEPS_MAX_NAMES     32 /* instrument display names */
#define STEPS_MAX_TEMPLATES 32
#define STEPS_MAX_REASONS   16 /* enough for (STEPS_MAX - 1) limits + 1 + STEPS_MAX_RAISES */
#define STEPS_CODE_MAX      32 /* reason codes, including the NUL */
#define STEPS_ID_MAX        24 /* instrument ids, including the NUL */

/* Reason codes produced by the code itself (raises use the codes given in the file). */
#define STEPS_REASON_ABOVE_LIMIT       "above_limit"             /* a step's limit exceeded */
#define STEPS_REASON_NOT_CASENESS      "not_caseness_required"   /* at caseness, step needs not */
#define STEPS_REASON_WITHIN_LIMITS     "within_limits"           /* the base step */
#define STEPS_REASON_RISK_REVIEW       "risk_review"             /* step-up: open risk flag */
#define STEPS_REASON_TOO_EARLY         "too_early"               /* step-up: before threshold */
#define STEPS_REASON_NOT_ENOUGH        "not_enough_measures"     /* step-up: < 2 scores */
#define STEPS_REASON_NO_IMPROVEMENT    "no_reliable_improvement" /* step-up: due */
#define STEPS_REASON_DETERIORATION     "reliable_deterioration"  /* step-up: due */
#define STEPS_REASON_IMPROVEMENT       "reliable_improvement"    /* step-up: not due */
#define STEPS_REASON_SPECIALIST_REVIEW "specialist_review"       /* step-up due at the top step */

enum steps_limit_kind {
    STEPS_LIMIT_AT_MOST = 1,     /* total <= value */
    STEPS_LIMIT_NOT_CASENESS = 2 /* the input's caseness is TRI_FALSE (sex-specific cut-offs) */
};

struct steps_limit {
    char *instrument; /* id, "phq9" */
    enum steps_limit_kind kind;
    int value; /* STEPS_LIMIT_AT_MOST: the highest total the step is enough for */
};

struct steps_step {
    char *code;             /* "self_care" */
    char *name[LANG_COUNT]; /* both present */
    int limit_count;        /* 0 only for the last step */
    struct steps_limit limits[STEPS_MAX_LIMITS];
};

/* Raises the step when `flag` is set on an input (on `instrument`'s input only, when not NULL),
 * or, with flag 0, when `instrument`'s total is at least `at_least`: first `steps_up` higher
 * (capped at the last step), then to at least `min_step`. */
struct steps_raise {
    char *code;       /* the reason code, "raised_by_risk" */
    char *instrument; /* NULL: any input (flag raises only) */
    unsigned flag;    /* enum instrument_flag bit, or 0 for a total threshold */
    int at_least;
    int steps_up; /* 0: none */
    int min_step; /* -1: none */
};

struct steps_template {
    char *code;
    char *text[LANG_COUNT]; /* both present */
};

struct steps_display_name {
    char *id;   /* "phq9" */
    char *name; /* "PHQ-9" */
};

struct steps_step_up_rule {
    int min_sessions; /* >= 1 */
    int min_weeks;    /* >= 1 */
    int measure_count;
    char *measures[STEPS_MAX_MEASURES]; /* instrument ids with a reliable-change value */
};

/* A parsed rule set. Owns everything it points to; release with steps_rules_release(). */
struct steps_rules {
    int step_count;
    struct steps_step steps[STEPS_MAX];
    int raise_count;
    struct steps_raise raises[STEPS_MAX_RAISES];
    struct steps_step_up_rule step_up;
    int name_count;
    struct steps_display_name names[STEPS_MAX_NAMES];
    int template_count;
    struct steps_template templates[STEPS_MAX_TEMPLATES];
};

/* Parse a rule set from JSON text (duplicate keys rejected). `source` names the file in error
 * messages; `err->field` is the JSON pointer of what is wrong ("/steps/2/limits/0").
 * ERR_INVALID on any error, and then `rules` is left zeroed (nothing to release). */
enum err_code steps_rules_parse(struct steps_rules *rules, const char *json_text,
                                const char *source, struct error *err) WARN_UNUSED;

/* Free what `rules` owns and zero it. Safe on a zeroed struct. */
void steps_rules_release(struct steps_rules *rules);

/* The name of `step` in `lang`; "" when there is no such step. Owned by `rules`. */
const char *steps_name(const struct steps_rules *rules, int step, enum lang lang);

/* One reason for a recommendation or a step-up check. Self-contained (copies, no pointers), so
 * it outlives the inputs; its text needs the rules (steps_reason_text()). */
struct steps_reason {
    char code[STEPS_CODE_MAX];     /* STEPS_REASON_* or a raise's code */
    char instrument[STEPS_ID_MAX]; /* the instrument id, "" when none */
    int total;                     /* the input's total; step-up: the latest score at the step */
    int limit;    /* the limit exceeded; a raise's threshold; step-up: the reliable change */
    int step;     /* the step the reason is about (the step raised to; the next step) */
    int first;    /* step-up: the first score at the step */
    int change;   /* step-up: latest - first, raw units */
    int sessions; /* too_early: sessions still to attend before the review */
    int days;     /* too_early: days still to pass before the review */
};

/* The reason's code ("above_limit"). Never NULL. */
const char *steps_reason_code(const struct steps_reason *reason);

/* Write the reason as one line in `lang` into `buf` (always terminated when size > 0; may be
 * truncated) from the rules' template for its code; the code itself when there is none.
 * Returns the length the full text has, as snprintf does. */
int steps_reason_text(const struct steps_rules *rules, const struct steps_reason *reason,
                      enum lang lang, char *buf, size_t size);

/* One scored instrument: instrument_score() gives total, caseness and flags. */
struct steps_input {
    const char *instrument; /* id, "phq9" */
    int total;              /* raw total */
    enum tri caseness;      /* for "not_caseness" limits; TRI_NULL does not meet them */
    unsigned flags;         /* enum instrument_flag bits */
};

struct steps_result {
    int step;
    int reason_count;
    struct steps_reason reasons[STEPS_MAX_REASONS];
};

/* The recommended step for `count` scored instruments. Reasons, in order: for every step below
 * the base the first limit (in file order) the scores exceed ("above_limit" or
 * "not_caseness_required"); one "within_limits" for the base step; one per raise that raised
 * the step. Inputs on instruments the rules do not name are ignored for limits.
 * ERR_INVALID (field "inputs" or "/inputs/N"): no inputs ("no scored instruments"), an input
 * without an id, the same instrument twice, or no input on an instrument that any step has a
 * limit for. On error `out` is left zeroed. */
enum err_code steps_recommend(const struct steps_rules *rules, const struct steps_input *inputs,
                              int count, struct steps_result *out, struct error *err) WARN_UNUSED;

/* One score of a patient at the current step. */
struct steps_measure {
    const char *instrument; /* id, "phq9" */
    int total;              /* raw total */
    long day;               /* days since 1970-01-01 */
};

struct steps_progress {
    int current_step;
    int sessions_attended; /* treatment sessions at this step */
    long step_started_day;
    long today;
    bool open_risk_flag;                  /* a risk flag without a recorded risk assessment */
    const struct steps_measure *measures; /* chronological; those before the step started are
                                             not counted */
    int measure_count;
};

struct steps_step_up {
    bool due;
    int next_step; /* current + 1, but never past the last step */
    int reason_count;
    struct steps_reason reasons[STEPS_MAX_REASONS];
};

/* Whether a step-up review is due (spec §4.4; thresholds and measures from rules->step_up):
 *   - an open risk flag: due at once ("risk_review");
 *   - before min_sessions sessions and min_weeks weeks at the step: not due ("too_early", with
 *     the sessions and days still to go);
 *   - otherwise each configured measure with at least 2 scores at the step compares its first
 *     and latest score with outcome_measure(); a measure with fewer is skipped
 *     ("not_enough_measures"), and with none left the review is not due. Due when any measure
 *     deteriorated reliably ("reliable_deterioration" for each) or none improved reliably
 *     ("no_reliable_improvement" for each); else not due ("reliable_improvement" for each).
 * When due at the last step, next_step stays there and "specialist_review" is added.
 * `catalog` gives the measures' definitions; `sex` their sex-specific cut-offs.
 * ERR_INVALID: a current step, session count or day out of range (field named after the
 * member), measures out of chronological order or a total outside its instrument's range
 * ("/measures/N"); ERR_NOT_FOUND ("/step_up/measures/N") when a configured measure is not in
 * the catalogue, ERR_INVALID when it has no reliable-change value. On error `out` is left
 * zeroed. */
enum err_code steps_check_step_up(const struct steps_rules *rules,
                                  const struct instrument_catalog *catalog,
                                  const struct steps_progress *progress, enum sex sex,
                                  struct steps_step_up *out, struct error *err) WARN_UNUSED;

#endif
