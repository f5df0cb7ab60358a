/* indicator.h - quality indicators: defined once, computed for any breakdown, suppressed, and
 * compared between units in funnel plots (DESIGN.md "Quality follow-up"; docs/indicators.md
 * defines every indicator in words).
 *
 * The shape (DESIGN.md "Performance shape"): the server keeps one `struct indicator_facts`, a
 * flat array of compact per-episode records, and changes one record in place whenever an
 * episode, its responses, its contract or its appointments change (O(1) per change). A page
 * asks indicator_compute() for one indicator and up to two breakdowns; that is one pass over
 * the array counting into a small dense grid, with no database query and no hashing (the
 * dimensions are small and their sizes known). indicator_suppress() then hides small cells and
 * their complements; only suppressed results ever leave the server. indicator_funnel() turns a
 * result by one dimension into funnel-plot data with plain-language readings.
 *
 * Indicators not about episodes (intervention availability per municipality, staff training
 * completion per unit) have their own small functions at the end of this file.
 *
 * Pure C: no I/O, no globals, no locks. A facts table is not thread-safe: the server guards it
 * with a read-write lock (compute under the read lock, append/update under the write lock).
 * Everything returned is owned by the caller and released with the matching _release.
 */
#ifndef STEGVIS_CORE_INDICATOR_H
#define STEGVIS_CORE_INDICATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "instrument.h"
#include "types.h"

/* ---- limits -------------------------------------------------------------------------------- */

#define INDICATOR_MIN_CELL          5          /* default smallest count shown (smaller is "<5") */
#define INDICATOR_MAX_INDEX         32767      /* units and municipalities per region */
#define INDICATOR_MAX_STEPS         8          /* steps in a rule set (steps.h STEPS_MAX) */
#define INDICATOR_MAX_EPISODES      (1L << 25) /* cap of a facts table: 33.5 M records, 1.3 GB */
#define INDICATOR_MAX_MONTHS        240        /* months in a breakdown by month (20 years) */
#define INDICATOR_MAX_CELLS         16384      /* rows x columns of one result */
#define INDICATOR_DAYS_CAP          365        /* medians count waits of 365 days or more as 365 */
#define INDICATOR_GUARANTEE_DAYS    3          /* vårdgarantin: assessed within 3 calendar days */
#define INDICATOR_FINISHED_SESSIONS 2          /* NHS TT: finished = at least 2 attended sessions */

/* The normal quantiles of the two funnel limits: two-sided 95 % and 99.8 %. */
#define INDICATOR_Z95  1.959964
#define INDICATOR_Z998 3.090232

/* ---- the per-episode fact record ------------------------------------------------------------- */

/* Days are day numbers (date_to_days(): days since 1970-01-01). -1 means "not yet" or "none";
 * dates before 1970 are therefore not representable, which clinical records never need. */
#define INDICATOR_NO_DAY (-1)

/* Flags the caller sets from the record (struct indicator_episode.flags). */
enum indicator_episode_flag {
    INDICATOR_COMMON_AT_ASSESSMENT = 1u << 0, /* PHQ-9 and GAD-7 both scored at the assessment */
    INDICATOR_CONTRACT_CONTACT = 1u << 1,     /* the contract names a contact person */
    INDICATOR_CONTRACT_NEXT_TIME = 1u << 2,   /* the contract has a next contact time */
    INDICATOR_CONTRACT_GOALS = 1u << 3,       /* the contract has goals */
    INDICATOR_STEPPED_UP = 1u << 4            /* the step was raised at least once */
};
#define INDICATOR_CONTRACT_COMPLETE                                                                \
    (INDICATOR_CONTRACT_CONTACT | INDICATOR_CONTRACT_NEXT_TIME | INDICATOR_CONTRACT_GOALS)

/* Derived state bits (struct indicator_episode.state). Computed by indicator_facts_append()
 * and indicator_facts_update() from the other fields; whatever the caller puts there is
 * overwritten. Each indicator's numerator and denominator are sets of these bits. */
enum indicator_state {
    INDICATOR_S_ASSESSED = 1u << 0,         /* assessed_day set */
    INDICATOR_S_WAIT_KNOWN = 1u << 1,       /* referred and assessed, assessed >= referred */
    INDICATOR_S_WITHIN_3_DAYS = 1u << 2,    /* ... and assessed - referred <= 3 calendar days */
    INDICATOR_S_TREATED = 1u << 3,          /* treatment_day set */
    INDICATOR_S_TREAT_WAIT_KNOWN = 1u << 4, /* assessed and treated, treatment >= assessed */
    INDICATOR_S_ENDED = 1u << 5,            /* ended_day set */
    INDICATOR_S_FINISHED = 1u << 6,         /* ended after >= 2 attended treatment sessions */
    INDICATOR_S_PAIRED = 1u << 7,           /* >= 2 scores on PHQ-9 and >= 2 on GAD-7 */
    INDICATOR_S_CASENESS_START = 1u << 8,   /* paired, and at caseness on the first scores */
    INDICATOR_S_RECOVERY = 1u << 9,         /* paired, at caseness at start, not at the end */
    INDICATOR_S_RELIABLE_IMPROVEMENT = 1u << 10,   /* paired, outcome_episode() improvement */
    INDICATOR_S_RELIABLE_DETERIORATION = 1u << 11, /* paired, outcome_episode() deterioration */
    INDICATOR_S_RELIABLE_RECOVERY = 1u << 12,      /* recovery and reliable improvement */
    INDICATOR_S_COMMON = 1u << 13,                 /* INDICATOR_COMMON_AT_ASSESSMENT */
    INDICATOR_S_CONTRACT_COMPLETE = 1u << 14,      /* all three INDICATOR_CONTRACT_* flags */
    INDICATOR_S_STEPPED_UP = 1u << 15,             /* INDICATOR_STEPPED_UP */
    INDICATOR_S_HAS_STEP = 1u << 16,               /* step >= 0 */
    INDICATOR_S_STEP0 = 1u << 17                   /* step k sets INDICATOR_S_STEP0 << k */
};
#define INDICATOR_S_OUTCOME                                                                        \
    (INDICATOR_S_CASENESS_START | INDICATOR_S_RECOVERY | INDICATOR_S_RELIABLE_IMPROVEMENT |        \
     INDICATOR_S_RELIABLE_DETERIORATION | INDICATOR_S_RELIABLE_RECOVERY)

/* One episode (one course of care), 40 bytes. Indexes are 0-based positions in the region's
 * lists (units, municipalities) that the caller keeps; -1 means unknown or outside the region
 * (a patient living in another region, or not listed at one of its units). */
struct indicator_episode {
    int32_t referred_day;           /* first contact: day 0 of the care guarantee */
    int32_t assessed_day;           /* first assessment by licensed staff */
    int32_t treatment_day;          /* first treatment appointment */
    int32_t ended_day;              /* episode ended */
    uint32_t state;                 /* derived, enum indicator_state bits: see above */
    int16_t unit;                   /* the unit giving the care: 0..unit_count-1 */
    int16_t municipality;           /* municipality of residence: 0..municipality_count-1 or -1 */
    int16_t listed_unit;            /* unit the patient is listed at: 0..unit_count-1 or -1 */
    uint16_t sessions_attended;     /* attended treatment appointments (saturate at 65535) */
    int8_t sex;                     /* enum sex; also picks sex-specific cut-offs */
    int8_t age_band;                /* indicator_age_band() at referral, or -1 */
    int8_t step;                    /* current step 0..step_count-1, or -1 when none chosen */
    int8_t phq9_first, phq9_last;   /* raw totals of the first and last scorable PHQ-9, or -1 */
    int8_t gad7_first, gad7_last;   /* the same for GAD-7 */
    uint8_t phq9_count, gad7_count; /* scorable responses in the episode (saturate at 255) */
    uint8_t flags;                  /* enum indicator_episode_flag bits */
};

/* An episode with every day, index, step and score "none" (-1), sex unknown, counts 0. */
void indicator_episode_init(struct indicator_episode *ep);

/* Sizes of the region's lists; they fix the breakdown grids. */
struct indicator_dims {
    int unit_count;         /* 1..INDICATOR_MAX_INDEX */
    int municipality_count; /* 1..INDICATOR_MAX_INDEX */
    int step_count;         /* 1..INDICATOR_MAX_STEPS (default rules: 5, steps 0-4) */
};

/* The growable table of fact records. Read `episodes[0..count)` freely; change it only through
 * the functions below, which keep `state` right. */
struct indicator_facts {
    struct indicator_episode *episodes;
    size_t count, cap;
    struct indicator_dims dims;
    const struct instrument *phq9, *gad7; /* borrowed from the catalogue; must outlive facts */
};

/* An empty table. `phq9` and `gad7` are the catalogue's definitions (instrument_find(cat,
 * "phq9")): outcomes are classified through outcome_measure()/outcome_episode() with them, the
 * one outcome path. ERR_INVALID (field "dims.unit_count", ..., "phq9", "gad7") when a size is
 * out of range or an instrument is missing; `facts` is then empty and needs no release. */
enum err_code indicator_facts_init(struct indicator_facts *facts, const struct indicator_dims *dims,
                                   const struct instrument *phq9, const struct instrument *gad7,
                                   struct error *err) WARN_UNUSED;

/* Free the records. The table is empty afterwards and may be released again. */
void indicator_facts_release(struct indicator_facts *facts);

/* Make room for `count` records in total (bulk loading). ERR_TOO_LARGE above
 * INDICATOR_MAX_EPISODES; on error nothing changes. */
enum err_code indicator_facts_reserve(struct indicator_facts *facts, size_t count,
                                      struct error *err) WARN_UNUSED;

/* Append a copy of `ep`, computing its state (and its outcome when it has paired scores), and
 * set *index (may be NULL) to its position. ERR_INVALID naming the field ("unit",
 * "phq9_first", ...) when a value is out of range: an index beyond the dims, a score outside
 * the instrument's range, a count that disagrees with first/last (count 0 needs first and last
 * -1; count >= 1 needs both set); ERR_TOO_LARGE at the cap. On error nothing is stored. */
enum err_code indicator_facts_append(struct indicator_facts *facts,
                                     const struct indicator_episode *ep, size_t *index,
                                     struct error *err) WARN_UNUSED;

/* Replace record `index` with `ep`, validated as for append. The outcome is classified again
 * only when the first/last scores or the sex changed; otherwise the cached outcome bits are
 * kept. ERR_NOT_FOUND (field "index") when index >= count. On error the record is unchanged. */
enum err_code indicator_facts_update(struct indicator_facts *facts, size_t index,
                                     const struct indicator_episode *ep,
                                     struct error *err) WARN_UNUSED;

/* ---- age bands ------------------------------------------------------------------------------ */

#define INDICATOR_AGE_BANDS 8 /* 0-17, 18-24, 25-34, 35-44, 45-54, 55-64, 65-74, 75+ */

/* The band of an age in completed years (date_age_years()); -1 for a negative age. */
int indicator_age_band(int age_years);

/* "0-17", ..., "75+"; NULL for a band outside 0..INDICATOR_AGE_BANDS-1. */
const char *indicator_age_band_label(int band);

/* ---- the definitions ------------------------------------------------------------------------ */

enum indicator_id {
    INDICATOR_DAYS_TO_ASSESSMENT = 0,
    INDICATOR_ASSESSED_WITHIN_3_DAYS,
    INDICATOR_DAYS_ASSESSMENT_TO_TREATMENT,
    INDICATOR_COMMON_INSTRUMENTS,
    INDICATOR_PAIRED_SCORES,
    INDICATOR_RELIABLE_IMPROVEMENT,
    INDICATOR_RECOVERY,
    INDICATOR_RELIABLE_RECOVERY,
    INDICATOR_RELIABLE_DETERIORATION,
    INDICATOR_STEP_0, /* share of assessed episodes at step 0; STEP_1..STEP_4 likewise */
    INDICATOR_STEP_1,
    INDICATOR_STEP_2,
    INDICATOR_STEP_3,
    INDICATOR_STEP_4,
    INDICATOR_STEP_UPS,
    INDICATOR_CONTRACT_COVERAGE,
    INDICATOR_COUNT
};

enum indicator_kind {
    INDICATOR_SHARE, /* numerator / denominator, both counts of episodes */
    INDICATOR_DAYS   /* calendar days between two dates: mean and median over the episodes */
};

/* Which day of an episode places it in a period (and in a month of a breakdown by month). */
enum indicator_basis {
    INDICATOR_BASIS_REFERRAL = 0,
    INDICATOR_BASIS_ASSESSMENT,
    INDICATOR_BASIS_TREATMENT,
    INDICATOR_BASIS_END
};

enum indicator_direction {
    INDICATOR_NEUTRAL = 0, /* a distribution: neither higher nor lower is better */
    INDICATOR_HIGHER_BETTER,
    INDICATOR_LOWER_BETTER
};

struct indicator_target {
    bool set;           /* false: no target exists */
    double value;       /* a share 0..1; met when at least it (HIGHER_BETTER) or at most it */
    bool unconfirmed;   /* taken from a source the spec marks UNCONFIRMED */
    const char *source; /* where the target comes from */
};

struct indicator_def {
    enum indicator_id id;
    const char *code;             /* stable name in URLs and JSON: "recovery" */
    const char *name[LANG_COUNT]; /* short display name */
    enum indicator_kind kind;
    uint32_t denominator;                    /* state bits an episode needs to be counted at all */
    uint32_t numerator;                      /* SHARE: further state bits for the numerator */
    enum indicator_basis basis;              /* which day must lie in the period */
    enum indicator_basis days_from, days_to; /* DAYS: days_to - days_from */
    enum indicator_direction direction;
    struct indicator_target target;
};

/* The definition of `id`, or NULL outside 0..INDICATOR_COUNT-1. Static data: never freed. */
const struct indicator_def *indicator_def(enum indicator_id id);

/* The definition whose code is `code`, or NULL. */
const struct indicator_def *indicator_find(const char *code);

/* Whether `value` meets the target: TRI_NULL when the indicator has none. */
enum tri indicator_meets_target(const struct indicator_def *def, double value);

/* ---- breakdowns ----------------------------------------------------------------------------- */

enum indicator_dim {
    INDICATOR_BY_NONE = 0,
    INDICATOR_BY_UNIT,         /* keys 0..unit_count-1 (every episode has a unit) */
    INDICATOR_BY_MUNICIPALITY, /* keys 0..municipality_count-1, then -1 (outside the region) */
    INDICATOR_BY_LISTED_UNIT,  /* keys 0..unit_count-1, then -1 (not listed in the region) */
    INDICATOR_BY_SEX,          /* keys SEX_UNKNOWN, SEX_FEMALE, SEX_MALE */
    INDICATOR_BY_AGE_BAND,     /* keys 0..INDICATOR_AGE_BANDS-1, then -1 */
    INDICATOR_BY_STEP,         /* keys 0..step_count-1, then -1 (no step chosen) */
    INDICATOR_BY_MONTH,        /* keys YYYYMM of the basis day, from_day's month to to_day's */
    INDICATOR_BY_COUNT
};

/* "none", "unit", "municipality", "listed_unit", "sex", "age_band", "step", "month"; NULL
 * outside the enum. indicator_dim_parse() is the inverse: -1 for an unknown name. */
const char *indicator_dim_name(enum indicator_dim dim);
int indicator_dim_parse(const char *name, enum indicator_dim *out);

enum indicator_cell_state {
    INDICATOR_CELL_SHOWN = 0,
    INDICATOR_CELL_SMALL,     /* primary suppression: a count below min_cell */
    INDICATOR_CELL_COMPLEMENT /* hidden so that a small cell cannot be worked out */
};

/* One cell of a result. After indicator_suppress() a hidden cell's figures are zero. */
struct indicator_cell {
    long numerator;   /* SHARE: episodes in the numerator; DAYS: the sum of the days */
    long denominator; /* episodes counted (0: an empty cell, shown as "-") */
    double value;     /* SHARE: numerator / denominator; DAYS: mean days; 0 when empty */
    double median;    /* DAYS: median days (mean of the middle two when even); else 0 */
    enum indicator_cell_state state;
};

/* A computed indicator: rows x columns of cells with row, column and grand totals. A result by
 * one dimension has one column (its row totals equal its cells); with no breakdown it is 1 x 1.
 * Rows and columns cover every key of their dimension, empty ones included, so a renderer
 * decides what to leave out. */
struct indicator_result {
    const struct indicator_def *def;
    enum indicator_dim by1, by2;
    long from_day, to_day;
    int rows, cols;
    int *row_keys, *col_keys;          /* the key of each row / column (see enum indicator_dim) */
    struct indicator_cell *cells;      /* rows * cols, row-major: cells[row * cols + col] */
    struct indicator_cell *row_totals; /* rows: each row over all columns */
    struct indicator_cell *col_totals; /* cols: each column over all rows */
    struct indicator_cell total;       /* everything counted */
    int min_cell;                      /* 0 until indicator_suppress() has run */
};

/* Compute indicator `id` over the episodes whose basis day lies in [from_day, to_day]
 * (inclusive day numbers), broken down by `by1` (rows) and `by2` (columns); either may be
 * INDICATOR_BY_NONE, but by2 only when by1 is too, and they must differ. One pass over the
 * array. The result is unsuppressed: for internal use and tests only; run indicator_suppress()
 * before anything leaves the server. ERR_INVALID (field "id", "by1", "by2", "to_day") for an
 * unknown indicator or dimension, by1 == by2, from_day > to_day, more than
 * INDICATOR_MAX_MONTHS months in a breakdown by month; ERR_TOO_LARGE for more than
 * INDICATOR_MAX_CELLS cells. On error `out` is zeroed and needs no release. */
enum err_code indicator_compute(const struct indicator_facts *facts, enum indicator_id id,
                                enum indicator_dim by1, enum indicator_dim by2, long from_day,
                                long to_day, struct indicator_result *out,
                                struct error *err) WARN_UNUSED;

/* The cell at (row, col); NULL outside the grid. */
const struct indicator_cell *indicator_result_cell(const struct indicator_result *result, int row,
                                                   int col);

/* The row (or column) whose key is `key`, or -1. */
int indicator_result_row(const struct indicator_result *result, int key);
int indicator_result_col(const struct indicator_result *result, int key);

/* Free what indicator_compute() allocated; the result is zeroed. */
void indicator_result_release(struct indicator_result *result);

/* ---- small numbers -------------------------------------------------------------------------- */

/* Suppress small numbers in place (`min_cell` <= 0 means INDICATOR_MIN_CELL). The rules:
 *
 * 1. Primary: a non-empty cell or total is INDICATOR_CELL_SMALL when its denominator is below
 *    min_cell, or (SHARE indicators) its numerator is - zero included. An empty cell
 *    (denominator 0) is shown as empty: there is nobody to protect.
 * 2. Complementary: every row, every column, the row totals and the column totals form an
 *    equation "members add up to the total". Where exactly one of the members and the total
 *    is hidden, the hidden figure could be worked out by subtraction, so one more is hidden:
 *    the member with the smallest denominator (then smallest numerator, then first) among the
 *    non-empty shown members, or the total when no such member is left. It is marked
 *    INDICATOR_CELL_COMPLEMENT. Lines are visited rows first, then columns, then the row
 *    totals and the column totals, and again until a whole round hides nothing more, so that
 *    afterwards no line has exactly one hidden figure.
 * 3. The figures of every hidden cell are then set to zero, so nothing a renderer does with a
 *    suppressed result can reveal them; render them with indicator_cell_format() ("<5").
 *
 * This protects each table on its own; it does not audit one table against another. */
void indicator_suppress(struct indicator_result *result, int min_cell);

/* Write a cell for display into `out` (`cap` bytes, always terminated): "<5" (with the
 * result's min_cell) when hidden, "-" when empty, else the value: a SHARE as a percentage with
 * one decimal ("73,3 %" in Swedish, "73.3%" in English), DAYS as the mean with one decimal.
 * Independent of the C locale. Returns the length the full text needs, as snprintf does. */
size_t indicator_cell_format(const struct indicator_result *result,
                             const struct indicator_cell *cell, enum lang lang, char *out,
                             size_t cap);

/* ---- funnel plots --------------------------------------------------------------------------- */

/* Control limits around a regional rate p for a unit of size n, by the normal approximation
 * to the binomial: p +/- z * sqrt(p (1 - p) / n), z = INDICATOR_Z95 and INDICATOR_Z998, each
 * limit clamped to [0, 1]. n <= 0 gives [0, 1]. */
struct indicator_limits {
    double low95, high95;
    double low998, high998;
};
struct indicator_limits indicator_funnel_limits(double p, long n);

enum indicator_funnel_class {
    INDICATOR_FUNNEL_WITHIN = 0, /* inside the 95 % limits (on a limit counts as inside) */
    INDICATOR_FUNNEL_ABOVE_95,   /* above the upper 95 % limit, not above the 99.8 % one */
    INDICATOR_FUNNEL_ABOVE_998,  /* above the upper 99.8 % limit */
    INDICATOR_FUNNEL_BELOW_95,
    INDICATOR_FUNNEL_BELOW_998,
    INDICATOR_FUNNEL_HIDDEN, /* the cell is suppressed: not plotted, not classified */
    INDICATOR_FUNNEL_NO_DATA /* no episodes */
};

struct indicator_funnel_point {
    int key; /* the row key: a unit index, ... */
    long numerator, denominator;
    double rate;                    /* numerator / denominator */
    struct indicator_limits limits; /* at this point's denominator */
    enum indicator_funnel_class position;
};

struct indicator_funnel {
    const struct indicator_def *def;
    enum indicator_dim dim;
    double p; /* the regional rate: total numerator / total denominator */
    long numerator, denominator;
    int min_cell; /* the result's (0: it was not suppressed) */
    int count;    /* one point per row of the result */
    struct indicator_funnel_point *points;
};

/* Funnel-plot data from a SHARE result broken down by one dimension (usually by unit; by1 set,
 * by2 INDICATOR_BY_NONE), suppressed or not: hidden rows become INDICATOR_FUNNEL_HIDDEN, and
 * the regional rate comes from the total. ERR_INVALID (field "result") for a DAYS indicator
 * or another shape; ERR_UNPROCESSABLE (field "total") when the total is hidden or empty, as
 * there is then no regional rate. On error `out` is zeroed and needs no release. */
enum err_code indicator_funnel(const struct indicator_result *result, struct indicator_funnel *out,
                               struct error *err) WARN_UNUSED;

void indicator_funnel_release(struct indicator_funnel *funnel);

/* One plain-language sentence about point `index`, named `name`, in `lang`, e.g. "Gottsunda
 * vårdcentral ligger över den övre 99,8-procentsgränsen: 70,0 % (70 av 100) mot regionens
 * 50,0 %. ..." Written into `out` (`cap` bytes, always terminated); returns the length the
 * full text needs. An index outside the points writes "". */
size_t indicator_funnel_sentence(const struct indicator_funnel *funnel, int index, const char *name,
                                 enum lang lang, char *out, size_t cap);

/* A reading of the whole plot: which points lie outside the 99.8 % and the 95 % limits, above
 * or below, and how many are hidden. `names[i]` names point i. As for the sentence. */
size_t indicator_funnel_summary(const struct indicator_funnel *funnel, const char *const *names,
                                enum lang lang, char *out, size_t cap);

/* ---- intervention availability per municipality --------------------------------------------- */

#define INDICATOR_REGIONWIDE (-2) /* a unit serving every municipality (KBT via nätet) */

struct indicator_offer {
    int unit;         /* 0..unit_count-1 */
    int intervention; /* 0..intervention_count-1 */
};

/* How many units offer each intervention to the residents of each municipality: a unit offers
 * its interventions in its own municipality, a region-wide unit in all of them. A zero is a
 * gap. */
struct indicator_availability {
    int intervention_count, municipality_count;
    int *units;    /* intervention_count x municipality_count, row-major by intervention */
    int gap_count; /* cells that are zero */
};

/* Build the matrix. unit_municipality[u] is unit u's municipality index or
 * INDICATOR_REGIONWIDE. ERR_INVALID (field "unit_municipality/N", "offers/N") for an index out
 * of range or an offer listed twice. On error `out` is zeroed and needs no release. */
enum err_code indicator_availability(const int *unit_municipality, int unit_count,
                                     const struct indicator_offer *offers, int offer_count,
                                     int intervention_count, int municipality_count,
                                     struct indicator_availability *out,
                                     struct error *err) WARN_UNUSED;

/* Units offering `intervention` in `municipality`; -1 outside the matrix. */
int indicator_availability_units(const struct indicator_availability *availability,
                                 int intervention, int municipality);

/* Interventions offered by at least one unit in `municipality`; -1 outside the matrix. */
int indicator_availability_offered(const struct indicator_availability *availability,
                                   int municipality);

void indicator_availability_release(struct indicator_availability *availability);

/* ---- staff training completion -------------------------------------------------------------- */

struct indicator_staff {
    int unit;         /* 0..unit_count-1, or -1 for staff without a unit (counted regionally) */
    bool active;      /* inactive accounts are not counted */
    unsigned courses; /* bit i: the caller's course i completed */
};

struct indicator_training {
    long completed; /* active staff who have completed every required course */
    long total;     /* active staff */
    double share;   /* completed / total; 0 when total is 0 */
};

/* Per unit (`per_unit` has unit_count entries) and for the region: active staff whose
 * `courses` include every bit of `required`. Staff counts are not patient data and are not
 * suppressed. ERR_INVALID (field "required") for required 0 or (field "staff/N/unit") for a
 * unit out of range; on error the outputs are zeroed. */
enum err_code indicator_training(const struct indicator_staff *staff, int staff_count,
                                 unsigned required, int unit_count,
                                 struct indicator_training *per_unit,
                                 struct indicator_training *region, struct error *err) WARN_UNUSED;

#endif
