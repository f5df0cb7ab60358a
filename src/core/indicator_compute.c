/* indicator_compute.c - one indicator over the facts table, broken down by up to two
 * dimensions: one pass over the array into a dense grid of counters. Every dimension maps an
 * episode to a slot with a few comparisons (a table lookup for months), so there is no hashing
 * and no allocation per episode. Medians of days come from a histogram per cell. */
#include "indicator.h"

#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "mem.h"

#define DAYS_BINS (INDICATOR_DAYS_CAP + 1)

/* One side of the grid: a dimension, its size and keys. */
struct axis {
    enum indicator_dim dim;
    int size;
    int *keys;
    int16_t *month_slot; /* by month: the slot of each day from from_day to to_day */
    long from_day;
};

/* Counters of one cell while counting. */
struct tally {
    long numerator, denominator;
};

static void axis_release(struct axis *axis)
{
    free(axis->keys);
    free(axis->month_slot);
    memset(axis, 0, sizeof(*axis));
}

/* Keys 0..count-1 and, when `unknown`, a last key -1. */
static void axis_indexes(struct axis *axis, int count, bool unknown)
{
    axis->size = count + (unknown ? 1 : 0);
    axis->keys = xcalloc((size_t)axis->size, sizeof(int));
    for (int i = 0; i < count; i++)
        axis->keys[i] = i;
    if (unknown)
        axis->keys[count] = -1;
}

static enum err_code axis_months(struct axis *axis, long from_day, long to_day, struct error *err)
{
    struct date from = date_from_days(from_day), to = date_from_days(to_day);
    long first = (long)from.year * 12 + (from.month - 1);
    long months = (long)to.year * 12 + (to.month - 1) - first + 1;
    if (months > INDICATOR_MAX_MONTHS)
        return error_set(err, ERR_INVALID, "to_day",
                         "a breakdown by month covers at most %d months, not %ld",
                         INDICATOR_MAX_MONTHS, months);
    axis->size = (int)months;
    axis->keys = xcalloc((size_t)months, sizeof(int));
    axis->month_slot = xcalloc((size_t)(to_day - from_day + 1), sizeof(int16_t));
    axis->from_day = from_day;
    for (int m = 0; m < months; m++) {
        long ym = first + m;
        struct date start = { (int)(ym / 12), (int)(ym % 12) + 1, 1 };
        struct date next = { (int)((ym + 1) / 12), (int)((ym + 1) % 12) + 1, 1 };
        axis->keys[m] = start.year * 100 + start.month;
        long lo = date_to_days(start), hi = date_to_days(next) - 1;
        for (long day = lo < from_day ? from_day : lo; day <= hi && day <= to_day; day++)
            axis->month_slot[day - from_day] = (int16_t)m;
    }
    return ERR_OK;
}

static enum err_code axis_init(struct axis *axis, enum indicator_dim dim,
                               const struct indicator_dims *dims, long from_day, long to_day,
                               const char *field, struct error *err)
{
    memset(axis, 0, sizeof(*axis));
    axis->dim = dim;
    switch (dim) {
    case INDICATOR_BY_NONE:
        axis_indexes(axis, 1, false);
        return ERR_OK;
    case INDICATOR_BY_UNIT:
        axis_indexes(axis, dims->unit_count, false);
        return ERR_OK;
    case INDICATOR_BY_MUNICIPALITY:
        axis_indexes(axis, dims->municipality_count, true);
        return ERR_OK;
    case INDICATOR_BY_LISTED_UNIT:
        axis_indexes(axis, dims->unit_count, true);
        return ERR_OK;
    case INDICATOR_BY_SEX:
        axis_indexes(axis, SEX_COUNT, false);
        return ERR_OK;
    case INDICATOR_BY_AGE_BAND:
        axis_indexes(axis, INDICATOR_AGE_BANDS, true);
        return ERR_OK;
    case INDICATOR_BY_STEP:
        axis_indexes(axis, dims->step_count, true);
        return ERR_OK;
    case INDICATOR_BY_MONTH:
        return axis_months(axis, from_day, to_day, err);
    case INDICATOR_BY_COUNT:
        break;
    }
    return error_set(err, ERR_INVALID, field, "unknown breakdown %d", (int)dim);
}

/* -1 (unknown) goes to the last slot. */
static inline int known_or_last(int value, int size)
{
    return value >= 0 ? value : size - 1;
}

static inline int axis_slot(const struct axis *axis, const struct indicator_episode *ep,
                            int32_t day)
{
    switch (axis->dim) {
    case INDICATOR_BY_UNIT:
        return ep->unit;
    case INDICATOR_BY_MUNICIPALITY:
        return known_or_last(ep->municipality, axis->size);
    case INDICATOR_BY_LISTED_UNIT:
        return known_or_last(ep->listed_unit, axis->size);
    case INDICATOR_BY_SEX:
        return ep->sex;
    case INDICATOR_BY_AGE_BAND:
        return known_or_last(ep->age_band, axis->size);
    case INDICATOR_BY_STEP:
        return known_or_last(ep->step, axis->size);
    case INDICATOR_BY_MONTH:
        return axis->month_slot[day - axis->from_day];
    case INDICATOR_BY_NONE:
    case INDICATOR_BY_COUNT:
        break;
    }
    return 0;
}

static inline int32_t basis_day(const struct indicator_episode *ep, enum indicator_basis basis)
{
    switch (basis) {
    case INDICATOR_BASIS_REFERRAL:
        return ep->referred_day;
    case INDICATOR_BASIS_ASSESSMENT:
        return ep->assessed_day;
    case INDICATOR_BASIS_TREATMENT:
        return ep->treatment_day;
    case INDICATOR_BASIS_END:
        return ep->ended_day;
    }
    return INDICATOR_NO_DAY;
}

/* The value at 1-based rank `rank` of a histogram. */
static int hist_rank(const uint32_t *hist, long rank)
{
    long seen = 0;
    for (int bin = 0; bin < DAYS_BINS; bin++) {
        seen += hist[bin];
        if (seen >= rank)
            return bin;
    }
    return INDICATOR_DAYS_CAP;
}

static double hist_median(const uint32_t *hist, long n)
{
    if (n <= 0)
        return 0.0;
    int low = hist_rank(hist, (n + 1) / 2), high = hist_rank(hist, n / 2 + 1);
    return (low + high) / 2.0;
}

static void cell_finish(struct indicator_cell *cell, long numerator, long denominator,
                        const uint32_t *hist, enum indicator_kind kind)
{
    memset(cell, 0, sizeof(*cell));
    cell->numerator = numerator;
    cell->denominator = denominator;
    if (denominator > 0)
        cell->value = (double)numerator / (double)denominator;
    if (kind == INDICATOR_DAYS && hist != NULL)
        cell->median = hist_median(hist, denominator);
}

/* Count the episodes into `tally` (rows x cols) and, for DAYS, `hist` (cells x DAYS_BINS). */
static void count_pass(const struct indicator_facts *facts, const struct indicator_def *def,
                       const struct axis *rows, const struct axis *cols, long from_day, long to_day,
                       struct tally *tally, uint32_t *hist)
{
    const uint32_t den = def->denominator, num = def->numerator;
    const bool days = def->kind == INDICATOR_DAYS;
    const int ncols = cols->size;
    for (size_t i = 0; i < facts->count; i++) {
        const struct indicator_episode *ep = &facts->episodes[i];
        if ((ep->state & den) != den)
            continue;
        int32_t day = basis_day(ep, def->basis);
        if (day < from_day || day > to_day)
            continue;
        size_t c =
            (size_t)axis_slot(rows, ep, day) * (size_t)ncols + (size_t)axis_slot(cols, ep, day);
        if (!days) {
            tally[c].denominator++;
            if ((ep->state & num) == num)
                tally[c].numerator++;
            continue;
        }
        /* The definitions' denominators already require the two days in order; this keeps a
         * bad definition from indexing outside the histogram. */
        long elapsed = (long)basis_day(ep, def->days_to) - basis_day(ep, def->days_from);
        if (elapsed < 0)
            continue;
        tally[c].denominator++;
        tally[c].numerator += elapsed;
        hist[c * DAYS_BINS +
             (size_t)(elapsed < INDICATOR_DAYS_CAP ? elapsed : INDICATOR_DAYS_CAP)]++;
    }
}

/* Cells, row, column and grand totals from the tallies. */
static void fill_result(struct indicator_result *r, const struct tally *tally, const uint32_t *hist)
{
    enum indicator_kind kind = r->def->kind;
    uint32_t *sum = hist != NULL ? xcalloc(DAYS_BINS, sizeof(uint32_t)) : NULL;
    long all_num = 0, all_den = 0;
    for (int row = 0; row < r->rows; row++) {
        long num = 0, den = 0;
        if (sum != NULL)
            memset(sum, 0, DAYS_BINS * sizeof(uint32_t));
        for (int col = 0; col < r->cols; col++) {
            size_t c = (size_t)row * (size_t)r->cols + (size_t)col;
            const uint32_t *h = hist != NULL ? hist + c * DAYS_BINS : NULL;
            cell_finish(&r->cells[c], tally[c].numerator, tally[c].denominator, h, kind);
            num += tally[c].numerator;
            den += tally[c].denominator;
            for (int bin = 0; sum != NULL && bin < DAYS_BINS; bin++)
                sum[bin] += h[bin];
        }
        cell_finish(&r->row_totals[row], num, den, sum, kind);
        all_num += num;
        all_den += den;
    }
    for (int col = 0; col < r->cols; col++) {
        long num = 0, den = 0;
        if (sum != NULL)
            memset(sum, 0, DAYS_BINS * sizeof(uint32_t));
        for (int row = 0; row < r->rows; row++) {
            size_t c = (size_t)row * (size_t)r->cols + (size_t)col;
            num += tally[c].numerator;
            den += tally[c].denominator;
            for (int bin = 0; sum != NULL && bin < DAYS_BINS; bin++)
                sum[bin] += hist[c * DAYS_BINS + (size_t)bin];
        }
        cell_finish(&r->col_totals[col], num, den, sum, kind);
    }
    if (sum != NULL) {
        memset(sum, 0, DAYS_BINS * sizeof(uint32_t));
        for (size_t c = 0; c < (size_t)r->rows * (size_t)r->cols; c++)
            for (int bin = 0; bin < DAYS_BINS; bin++)
                sum[bin] += hist[c * DAYS_BINS + (size_t)bin];
    }
    cell_finish(&r->total, all_num, all_den, sum, kind);
    free(sum);
}

static enum err_code check_request(const struct indicator_facts *facts, enum indicator_id id,
                                   enum indicator_dim by1, enum indicator_dim by2, long from_day,
                                   long to_day, struct error *err)
{
    if (facts == NULL)
        return error_set(err, ERR_INVALID, "facts", "no facts table");
    if (indicator_def(id) == NULL)
        return error_set(err, ERR_INVALID, "id", "unknown indicator %d", (int)id);
    if ((int)by1 < 0 || by1 >= INDICATOR_BY_COUNT)
        return error_set(err, ERR_INVALID, "by1", "unknown breakdown %d", (int)by1);
    if ((int)by2 < 0 || by2 >= INDICATOR_BY_COUNT)
        return error_set(err, ERR_INVALID, "by2", "unknown breakdown %d", (int)by2);
    if (by1 == INDICATOR_BY_NONE && by2 != INDICATOR_BY_NONE)
        return error_set(err, ERR_INVALID, "by2", "a second breakdown needs a first");
    if (by2 != INDICATOR_BY_NONE && by1 == by2)
        return error_set(err, ERR_INVALID, "by2", "both breakdowns are by %s",
                         indicator_dim_name(by1));
    if (from_day < 0 || to_day < from_day)
        return error_set(err, ERR_INVALID, "to_day", "the period %ld-%ld is empty", from_day,
                         to_day);
    return ERR_OK;
}

enum err_code indicator_compute(const struct indicator_facts *facts, enum indicator_id id,
                                enum indicator_dim by1, enum indicator_dim by2, long from_day,
                                long to_day, struct indicator_result *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    enum err_code rc = check_request(facts, id, by1, by2, from_day, to_day, err);
    if (rc != ERR_OK)
        return rc;
    struct axis rows, cols;
    memset(&cols, 0, sizeof(cols));
    rc = axis_init(&rows, by1, &facts->dims, from_day, to_day, "by1", err);
    if (rc == ERR_OK)
        rc = axis_init(&cols, by2, &facts->dims, from_day, to_day, "by2", err);
    size_t cells = (size_t)rows.size * (size_t)cols.size;
    if (rc == ERR_OK && cells > INDICATOR_MAX_CELLS)
        rc = error_set(err, ERR_TOO_LARGE, "by2", "%zu cells; at most %d", cells,
                       INDICATOR_MAX_CELLS);
    if (rc != ERR_OK)
        goto fail;

    const struct indicator_def *def = indicator_def(id);
    struct tally *tally = xcalloc(cells, sizeof(*tally));
    uint32_t *hist =
        def->kind == INDICATOR_DAYS ? xcalloc(cells * DAYS_BINS, sizeof(uint32_t)) : NULL;
    count_pass(facts, def, &rows, &cols, from_day, to_day, tally, hist);

    out->def = def;
    out->by1 = by1;
    out->by2 = by2;
    out->from_day = from_day;
    out->to_day = to_day;
    out->rows = rows.size;
    out->cols = cols.size;
    out->cells = xcalloc(cells, sizeof(*out->cells));
    out->row_totals = xcalloc((size_t)rows.size, sizeof(*out->row_totals));
    out->col_totals = xcalloc((size_t)cols.size, sizeof(*out->col_totals));
    fill_result(out, tally, hist);
    out->row_keys = rows.keys; /* moved into the result */
    out->col_keys = cols.keys;
    rows.keys = cols.keys = NULL;
    free(tally);
    free(hist);
fail:
    axis_release(&rows);
    axis_release(&cols);
    return rc;
}

const struct indicator_cell *indicator_result_cell(const struct indicator_result *result, int row,
                                                   int col)
{
    if (row < 0 || row >= result->rows || col < 0 || col >= result->cols)
        return NULL;
    return &result->cells[(size_t)row * (size_t)result->cols + (size_t)col];
}

static int find_key(const int *keys, int count, int key)
{
    for (int i = 0; i < count; i++)
        if (keys[i] == key)
            return i;
    return -1;
}

int indicator_result_row(const struct indicator_result *result, int key)
{
    return find_key(result->row_keys, result->rows, key);
}

int indicator_result_col(const struct indicator_result *result, int key)
{
    return find_key(result->col_keys, result->cols, key);
}

void indicator_result_release(struct indicator_result *result)
{
    free(result->row_keys);
    free(result->col_keys);
    free(result->cells);
    free(result->row_totals);
    free(result->col_totals);
    memset(result, 0, sizeof(*result));
}
