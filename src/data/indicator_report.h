/* indicator_report.h - one indicator computed, suppressed and written out: the one formatting
 * path behind GET /api/v1/indicators (JSON, CSV) and `stegvis report` (CSV, JSON, HTML).
 *
 * Everything written here comes from a result that has gone through indicator_suppress():
 * indicator_report_compute() is the only way to a result, and it always suppresses. */
#ifndef STEGVIS_DATA_INDICATOR_REPORT_H
#define STEGVIS_DATA_INDICATOR_REPORT_H

#include <jansson.h>

#include "core/indicator.h"

/* What to compute: one indicator, up to two breakdowns, a period of days (inclusive). */
struct indicator_query {
    enum indicator_id id;
    enum indicator_dim by1, by2;
    long from_day, to_day;
};

/* How to write a result: display names for the region's indexes, the language, and optionally
 * one unit (by unit index) whose row alone is written, the others left out (-1: all). */
struct indicator_view {
    const char *const *unit_names; /* unit_count names, by unit index */
    int unit_count;
    const char *const *municipality_names; /* by municipality index */
    int municipality_count;
    enum lang lang;
    int only_unit;
};

/* Read the query's text arguments (NULL when absent): `indicator` (a code, required), `by`
 * ("unit" or "unit,sex"; absent: no breakdown), `from` and `to` (YYYY-MM-DD; absent: the year
 * up to `today_day`). ERR_INVALID (field "indicator", "by", "from", "to") naming the value. */
enum err_code indicator_query_parse(const char *indicator, const char *by, const char *from,
                                    const char *to, long today_day, struct indicator_query *query,
                                    struct error *err) WARN_UNUSED;

/* indicator_compute() then indicator_suppress() with INDICATOR_MIN_CELL. Errors as
 * indicator_compute(); `out` is then zeroed. */
enum err_code indicator_report_compute(const struct indicator_facts *facts,
                                       const struct indicator_query *query,
                                       struct indicator_result *out, struct error *err) WARN_UNUSED;

/* The result as JSON: "indicator" (id, name, kind, direction, target), "from", "to", "by",
 * "min_cell", "cells" (keys by name; hidden cells carry "suppressed": true and no figures),
 * "total", and for a SHARE by unit alone "funnel" (points with control limits, a plain-language
 * "summary"; null when the regional total is hidden). A new reference. */
json_t *indicator_report_json(const struct indicator_result *result,
                              const struct indicator_view *view);

/* The cells as CSV with a header row (indicator,DIM[,DIM2],numerator,denominator,value,median,
 * suppressed) and a last row for the total, keys "total". A new string (free()). */
char *indicator_report_csv(const struct indicator_result *result,
                           const struct indicator_view *view);

/* The cells as an HTML fragment: a <section> with a heading, the period and a table (text
 * escaped), to be placed in a document. A new string (free()). */
char *indicator_report_html(const struct indicator_result *result,
                            const struct indicator_view *view);

#endif
