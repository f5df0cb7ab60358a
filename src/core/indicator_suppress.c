/* indicator_suppress.c - small-number suppression of a result and the display of its cells.
 * The rules are stated once, in indicator.h above indicator_suppress() and in
 * docs/indicators.md "Small numbers". */
#include "indicator.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indicator_internal.h"
#include "mem.h"

/* An equation of the table: members that add up to a total. */
struct line {
    struct indicator_cell **members;
    int count;
    struct indicator_cell *total;
};

static bool hidden(const struct indicator_cell *cell)
{
    return cell->state != INDICATOR_CELL_SHOWN;
}

static bool is_small(const struct indicator_cell *cell, enum indicator_kind kind, int min_cell)
{
    if (cell->denominator == 0)
        return false;
    return cell->denominator < min_cell || (kind == INDICATOR_SHARE && cell->numerator < min_cell);
}

static void primary(struct indicator_cell *cell, enum indicator_kind kind, int min_cell)
{
    if (is_small(cell, kind, min_cell))
        cell->state = INDICATOR_CELL_SMALL;
}

/* Whether `a` is a better complement than the current best `b` (smaller first). */
static bool smaller(const struct indicator_cell *a, const struct indicator_cell *b)
{
    if (b == NULL)
        return true;
    if (a->denominator != b->denominator)
        return a->denominator < b->denominator;
    return a->numerator < b->numerator;
}

/* Hide one more figure where the line has exactly one hidden; true when it hid one. */
static bool protect_line(const struct line *line)
{
    int hidden_count = hidden(line->total) ? 1 : 0;
    for (int i = 0; i < line->count; i++)
        hidden_count += hidden(line->members[i]) ? 1 : 0;
    if (hidden_count != 1)
        return false;
    struct indicator_cell *best = NULL;
    for (int i = 0; i < line->count; i++) {
        struct indicator_cell *m = line->members[i];
        if (!hidden(m) && m->denominator > 0 && smaller(m, best))
            best = m;
    }
    if (best == NULL && !hidden(line->total) && line->total->denominator > 0)
        best = line->total;
    if (best == NULL)
        return false; /* cannot happen: the one hidden figure is non-empty, so the line has
                         another non-empty figure (see docs/indicators.md) */
    best->state = INDICATOR_CELL_COMPLEMENT;
    return true;
}

static struct indicator_cell *cell_at(struct indicator_result *r, int row, int col)
{
    return &r->cells[(size_t)row * (size_t)r->cols + (size_t)col];
}

/* Lines in visiting order: rows, columns, row totals, column totals. `members` holds
 * rows*cols*2 + rows + cols pointers; `lines` rows + cols + 2 entries. */
static int build_lines(struct indicator_result *r, struct indicator_cell **members,
                       struct line *lines)
{
    int n = 0;
    for (int row = 0; row < r->rows; row++) {
        lines[n] = (struct line){ members, r->cols, &r->row_totals[row] };
        for (int col = 0; col < r->cols; col++)
            *members++ = cell_at(r, row, col);
        n++;
    }
    for (int col = 0; col < r->cols; col++) {
        lines[n] = (struct line){ members, r->rows, &r->col_totals[col] };
        for (int row = 0; row < r->rows; row++)
            *members++ = cell_at(r, row, col);
        n++;
    }
    lines[n] = (struct line){ members, r->rows, &r->total };
    for (int row = 0; row < r->rows; row++)
        *members++ = &r->row_totals[row];
    n++;
    lines[n] = (struct line){ members, r->cols, &r->total };
    for (int col = 0; col < r->cols; col++)
        *members++ = &r->col_totals[col];
    n++;
    return n;
}

static void blank(struct indicator_cell *cell)
{
    if (!hidden(cell))
        return;
    cell->numerator = cell->denominator = 0;
    cell->value = cell->median = 0.0;
}

void indicator_suppress(struct indicator_result *result, int min_cell)
{
    if (result == NULL || result->def == NULL)
        return;
    if (min_cell <= 0)
        min_cell = INDICATOR_MIN_CELL;
    enum indicator_kind kind = result->def->kind;
    size_t cells = (size_t)result->rows * (size_t)result->cols;
    for (size_t c = 0; c < cells; c++)
        primary(&result->cells[c], kind, min_cell);
    for (int row = 0; row < result->rows; row++)
        primary(&result->row_totals[row], kind, min_cell);
    for (int col = 0; col < result->cols; col++)
        primary(&result->col_totals[col], kind, min_cell);
    primary(&result->total, kind, min_cell);

    size_t member_count = cells * 2 + (size_t)result->rows + (size_t)result->cols;
    struct indicator_cell **members = xcalloc(member_count, sizeof(*members));
    struct line *lines = xcalloc((size_t)result->rows + (size_t)result->cols + 2, sizeof(*lines));
    int line_count = build_lines(result, members, lines);
    bool changed = true;
    while (changed) {
        changed = false;
        for (int i = 0; i < line_count; i++)
            changed |= protect_line(&lines[i]);
    }
    free(lines);
    free(members);

    for (size_t c = 0; c < cells; c++)
        blank(&result->cells[c]);
    for (int row = 0; row < result->rows; row++)
        blank(&result->row_totals[row]);
    for (int col = 0; col < result->cols; col++)
        blank(&result->col_totals[col]);
    blank(&result->total);
    result->min_cell = min_cell;
}

/* One decimal without the C locale. */
size_t indicator__decimal(double value, enum lang lang, char *out, size_t cap)
{
    long tenths = lround(value * 10.0);
    const char *sign = tenths < 0 ? "-" : "";
    long magnitude = labs(tenths);
    char decimal = lang == LANG_EN ? '.' : ',';
    int n = snprintf(out, cap, "%s%ld%c%ld", sign, magnitude / 10, decimal, magnitude % 10);
    return n < 0 ? 0 : (size_t)n;
}

size_t indicator__percent(double share, enum lang lang, char *out, size_t cap)
{
    char number[32];
    indicator__decimal(share * 100.0, lang, number, sizeof(number));
    int n = snprintf(out, cap, lang == LANG_EN ? "%s%%" : "%s %%", number);
    return n < 0 ? 0 : (size_t)n;
}

size_t indicator_cell_format(const struct indicator_result *result,
                             const struct indicator_cell *cell, enum lang lang, char *out,
                             size_t cap)
{
    int n;
    if (hidden(cell)) {
        int min_cell = result->min_cell > 0 ? result->min_cell : INDICATOR_MIN_CELL;
        n = snprintf(out, cap, "<%d", min_cell);
        return n < 0 ? 0 : (size_t)n;
    }
    if (cell->denominator == 0) {
        n = snprintf(out, cap, "-");
        return n < 0 ? 0 : (size_t)n;
    }
    if (result->def->kind == INDICATOR_DAYS)
        return indicator__decimal(cell->value, lang, out, cap);
    return indicator__percent(cell->value, lang, out, cap);
}
