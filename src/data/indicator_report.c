/* indicator_report.c - see indicator_report.h. */
#include "data/indicator_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/mem.h"

#define DAYS_PER_YEAR 365
#define SUMMARY_MAX   8192

/* ---- the query ----------------------------------------------------------------------------- */

static enum err_code parse_day(const char *text, const char *field, long *day, struct error *err)
{
    struct date d;
    if (date_parse(text, &d, err) != ERR_OK)
        return error_set(err, ERR_INVALID, field, "\"%s\" is not a date YYYY-MM-DD", text);
    *day = date_to_days(d);
    return ERR_OK;
}

static enum err_code parse_by(const char *by, struct indicator_query *query, struct error *err)
{
    char first[32] = "", second[32] = "";
    const char *comma = strchr(by, ',');
    size_t len = comma ? (size_t)(comma - by) : strlen(by);
    if (len >= sizeof(first) || (comma && strlen(comma + 1) >= sizeof(second)))
        return error_set(err, ERR_INVALID, "by", "unknown breakdown \"%s\"", by);
    memcpy(first, by, len);
    if (comma)
        strcpy(second, comma + 1);
    if (indicator_dim_parse(first, &query->by1) != 0 || query->by1 == INDICATOR_BY_NONE ||
        (comma && (indicator_dim_parse(second, &query->by2) != 0 ||
                   query->by2 == INDICATOR_BY_NONE || query->by2 == query->by1)))
        return error_set(err, ERR_INVALID, "by", "unknown breakdown \"%s\"", by);
    return ERR_OK;
}

enum err_code indicator_query_parse(const char *indicator, const char *by, const char *from,
                                    const char *to, long today_day, struct indicator_query *query,
                                    struct error *err)
{
    memset(query, 0, sizeof(*query));
    const struct indicator_def *def = indicator ? indicator_find(indicator) : NULL;
    if (def == NULL)
        return error_set(err, ERR_INVALID, "indicator", "unknown indicator \"%s\"",
                         indicator ? indicator : "");
    query->id = def->id;
    query->by1 = query->by2 = INDICATOR_BY_NONE;
    if (by != NULL && *by != '\0' && parse_by(by, query, err) != ERR_OK)
        return err->code;
    query->to_day = today_day;
    query->from_day = today_day - DAYS_PER_YEAR + 1;
    if (to != NULL && parse_day(to, "to", &query->to_day, err) != ERR_OK)
        return err->code;
    if (from != NULL && parse_day(from, "from", &query->from_day, err) != ERR_OK)
        return err->code;
    if (query->from_day > query->to_day)
        return error_set(err, ERR_INVALID, "to", "the period ends before it starts");
    return ERR_OK;
}

enum err_code indicator_report_compute(const struct indicator_facts *facts,
                                       const struct indicator_query *query,
                                       struct indicator_result *out, struct error *err)
{
    enum err_code rc = indicator_compute(facts, query->id, query->by1, query->by2, query->from_day,
                                         query->to_day, out, err);
    if (rc == ERR_OK)
        indicator_suppress(out, INDICATOR_MIN_CELL);
    return rc;
}

/* ---- keys as names ------------------------------------------------------------------------- */

static const char *key_name(const struct indicator_view *view, enum indicator_dim dim, int key,
                            char *buf, size_t cap)
{
    bool en = view->lang == LANG_EN;
    switch (dim) {
    case INDICATOR_BY_UNIT:
    case INDICATOR_BY_LISTED_UNIT:
        if (key >= 0 && key < view->unit_count)
            return view->unit_names[key];
        return en ? "not listed in the region" : "ej listad i regionen";
    case INDICATOR_BY_MUNICIPALITY:
        if (key >= 0 && key < view->municipality_count)
            return view->municipality_names[key];
        return en ? "outside the region" : "utanför regionen";
    case INDICATOR_BY_SEX:
        return sex_name((enum sex)key);
    case INDICATOR_BY_AGE_BAND:
        return key >= 0 ? indicator_age_band_label(key) : "unknown";
    case INDICATOR_BY_STEP:
        if (key < 0)
            return "none";
        snprintf(buf, cap, "%d", key);
        return buf;
    case INDICATOR_BY_MONTH:
        snprintf(buf, cap, "%04d-%02d", key / 100, key % 100);
        return buf;
    default:
        return "all";
    }
}

static bool hidden(const struct indicator_cell *cell)
{
    return cell->state != INDICATOR_CELL_SHOWN;
}

/* Whether row `row` is left out by the view's unit filter. */
static bool row_skipped(const struct indicator_result *result, const struct indicator_view *view,
                        int row)
{
    return view->only_unit >= 0 && result->by1 == INDICATOR_BY_UNIT &&
           result->row_keys[row] != view->only_unit;
}

/* ---- JSON ---------------------------------------------------------------------------------- */

static json_t *cell_json(const struct indicator_result *result, const struct indicator_cell *cell,
                         enum lang lang)
{
    char display[64];
    indicator_cell_format(result, cell, lang, display, sizeof(display));
    if (hidden(cell))
        return json_pack("{s:b, s:s}", "suppressed", 1, "display", display);
    json_t *obj = json_pack("{s:I, s:I, s:s}", "numerator", (json_int_t)cell->numerator,
                            "denominator", (json_int_t)cell->denominator, "display", display);
    json_object_set_new(obj, "value", cell->denominator > 0 ? json_real(cell->value) : json_null());
    if (result->def->kind == INDICATOR_DAYS)
        json_object_set_new(obj, "median",
                            cell->denominator > 0 ? json_real(cell->median) : json_null());
    return obj;
}

static json_t *definition_json(const struct indicator_def *def, enum lang lang)
{
    static const char *const directions[] = { "neutral", "higher", "lower" };
    json_t *obj = json_pack("{s:s, s:s, s:s, s:s}", "id", def->code, "name", def->name[lang],
                            "kind", def->kind == INDICATOR_SHARE ? "share" : "days", "direction",
                            directions[def->direction]);
    json_object_set_new(obj, "target",
                        def->target.set ? json_real(def->target.value) : json_null());
    json_object_set_new(obj, "target_unconfirmed", json_boolean(def->target.unconfirmed));
    return obj;
}

static const char *const position_names[] = { "within",     "above_95", "above_99.8", "below_95",
                                              "below_99.8", "hidden",   "no_data" };

static json_t *funnel_json(const struct indicator_result *result, const struct indicator_view *view)
{
    struct indicator_funnel funnel;
    struct error err;
    error_clear(&err);
    if (indicator_funnel(result, &funnel, &err) != ERR_OK)
        return json_null();
    json_t *points = json_array();
    const char **names = xcalloc((size_t)funnel.count + 1, sizeof(*names));
    char buf[32], sentence[512];
    for (int i = 0; i < funnel.count; i++) {
        const struct indicator_funnel_point *p = &funnel.points[i];
        names[i] = key_name(view, result->by1, p->key, buf, sizeof(buf));
        if (row_skipped(result, view, i))
            continue;
        json_t *point =
            json_pack("{s:s, s:s}", "unit", names[i], "position", position_names[p->position]);
        if (p->position != INDICATOR_FUNNEL_HIDDEN && p->position != INDICATOR_FUNNEL_NO_DATA)
            json_object_update_new(point,
                                   json_pack("{s:I, s:I, s:f, s:f, s:f, s:f, s:f}", "numerator",
                                             (json_int_t)p->numerator, "denominator",
                                             (json_int_t)p->denominator, "rate", p->rate, "low95",
                                             p->limits.low95, "high95", p->limits.high95, "low998",
                                             p->limits.low998, "high998", p->limits.high998));
        indicator_funnel_sentence(&funnel, i, names[i], view->lang, sentence, sizeof(sentence));
        json_object_set_new(point, "sentence", json_string(sentence));
        json_array_append_new(points, point);
    }
    char *summary = xmalloc(SUMMARY_MAX);
    indicator_funnel_summary(&funnel, names, view->lang, summary, SUMMARY_MAX);
    json_t *obj = json_pack("{s:f, s:o, s:s}", "p", funnel.p, "points", points, "summary", summary);
    free(summary);
    free(names);
    indicator_funnel_release(&funnel);
    return obj;
}

json_t *indicator_report_json(const struct indicator_result *result,
                              const struct indicator_view *view)
{
    char from[11], to[11], buf1[32], buf2[32];
    date_format(date_from_days(result->from_day), from);
    date_format(date_from_days(result->to_day), to);
    json_t *by = json_array();
    if (result->by1 != INDICATOR_BY_NONE)
        json_array_append_new(by, json_string(indicator_dim_name(result->by1)));
    if (result->by2 != INDICATOR_BY_NONE)
        json_array_append_new(by, json_string(indicator_dim_name(result->by2)));
    json_t *cells = json_array();
    for (int r = 0; r < result->rows && result->by1 != INDICATOR_BY_NONE; r++) {
        if (row_skipped(result, view, r))
            continue;
        for (int c = 0; c < result->cols; c++) {
            json_t *cell = cell_json(result, indicator_result_cell(result, r, c), view->lang);
            json_t *keys = json_object();
            json_object_set_new(
                keys, indicator_dim_name(result->by1),
                json_string(key_name(view, result->by1, result->row_keys[r], buf1, sizeof(buf1))));
            if (result->by2 != INDICATOR_BY_NONE)
                json_object_set_new(keys, indicator_dim_name(result->by2),
                                    json_string(key_name(view, result->by2, result->col_keys[c],
                                                         buf2, sizeof(buf2))));
            json_object_set_new(cell, "keys", keys);
            json_array_append_new(cells, cell);
        }
    }
    json_t *obj = json_pack("{s:o, s:s, s:s, s:o, s:i, s:o, s:o}", "indicator",
                            definition_json(result->def, view->lang), "from", from, "to", to, "by",
                            by, "min_cell", result->min_cell, "cells", cells, "total",
                            cell_json(result, &result->total, view->lang));
    if (result->by1 == INDICATOR_BY_UNIT && result->by2 == INDICATOR_BY_NONE &&
        result->def->kind == INDICATOR_SHARE)
        json_object_set_new(obj, "funnel", funnel_json(result, view));
    return obj;
}

/* ---- CSV and HTML -------------------------------------------------------------------------- */

static void csv_field(FILE *out, const char *text)
{
    fputc('"', out);
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            fputc('"', out);
        fputc(*p, out);
    }
    fputc('"', out);
}

static void csv_cell(FILE *out, const struct indicator_result *result,
                     const struct indicator_cell *cell)
{
    if (hidden(cell)) {
        fputs(",,,,,1\n", out);
        return;
    }
    fprintf(out, ",%ld,%ld,", cell->numerator, cell->denominator);
    if (cell->denominator > 0)
        fprintf(out, "%.4f", cell->value);
    fputc(',', out);
    if (cell->denominator > 0 && result->def->kind == INDICATOR_DAYS)
        fprintf(out, "%.1f", cell->median);
    fputs(",0\n", out);
}

char *indicator_report_csv(const struct indicator_result *result, const struct indicator_view *view)
{
    char *text = NULL, buf[32];
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (out == NULL)
        abort();
    fputs("indicator", out);
    if (result->by1 != INDICATOR_BY_NONE)
        fprintf(out, ",%s", indicator_dim_name(result->by1));
    if (result->by2 != INDICATOR_BY_NONE)
        fprintf(out, ",%s", indicator_dim_name(result->by2));
    fputs(",numerator,denominator,value,median,suppressed\n", out);
    for (int r = 0; r < result->rows && result->by1 != INDICATOR_BY_NONE; r++) {
        if (row_skipped(result, view, r))
            continue;
        for (int c = 0; c < result->cols; c++) {
            fputs(result->def->code, out);
            fputc(',', out);
            csv_field(out, key_name(view, result->by1, result->row_keys[r], buf, sizeof(buf)));
            if (result->by2 != INDICATOR_BY_NONE) {
                fputc(',', out);
                csv_field(out, key_name(view, result->by2, result->col_keys[c], buf, sizeof(buf)));
            }
            csv_cell(out, result, indicator_result_cell(result, r, c));
        }
    }
    fputs(result->def->code, out);
    if (result->by1 != INDICATOR_BY_NONE)
        fputs(",total", out);
    if (result->by2 != INDICATOR_BY_NONE)
        fputs(",total", out);
    csv_cell(out, result, &result->total);
    fclose(out);
    return text;
}

static void html_text(FILE *out, const char *text)
{
    for (const char *p = text; *p; p++) {
        if (*p == '<')
            fputs("&lt;", out);
        else if (*p == '>')
            fputs("&gt;", out);
        else if (*p == '&')
            fputs("&amp;", out);
        else if (*p == '"')
            fputs("&quot;", out);
        else
            fputc(*p, out);
    }
}

static void html_row(FILE *out, const char *key1, const char *key2,
                     const struct indicator_result *result, const struct indicator_cell *cell,
                     enum lang lang)
{
    char display[64];
    indicator_cell_format(result, cell, lang, display, sizeof(display));
    fputs("<tr><th scope=\"row\">", out);
    html_text(out, key1);
    fputs("</th>", out);
    if (key2 != NULL) {
        fputs("<td>", out);
        html_text(out, key2);
        fputs("</td>", out);
    }
    if (hidden(cell))
        fputs("<td></td><td></td>", out);
    else
        fprintf(out, "<td>%ld</td><td>%ld</td>", cell->numerator, cell->denominator);
    fputs("<td>", out);
    html_text(out, display);
    fputs("</td></tr>\n", out);
}

char *indicator_report_html(const struct indicator_result *result,
                            const struct indicator_view *view)
{
    char *text = NULL, buf1[32], buf2[32], from[11], to[11];
    size_t len = 0;
    bool en = view->lang == LANG_EN;
    FILE *out = open_memstream(&text, &len);
    if (out == NULL)
        abort();
    date_format(date_from_days(result->from_day), from);
    date_format(date_from_days(result->to_day), to);
    fputs("<section>\n<h2>", out);
    html_text(out, result->def->name[view->lang]);
    fprintf(out,
            "</h2>\n<p>%s – %s</p>\n<table>\n<tr><th>%s</th>%s<th>%s</th><th>%s</th>"
            "<th>%s</th></tr>\n",
            from, to, result->by1 != INDICATOR_BY_NONE ? indicator_dim_name(result->by1) : "",
            result->by2 != INDICATOR_BY_NONE ? "<th></th>" : "", en ? "Numerator" : "Täljare",
            en ? "Denominator" : "Nämnare", en ? "Value" : "Värde");
    for (int r = 0; r < result->rows && result->by1 != INDICATOR_BY_NONE; r++) {
        if (row_skipped(result, view, r))
            continue;
        for (int c = 0; c < result->cols; c++)
            html_row(out, key_name(view, result->by1, result->row_keys[r], buf1, sizeof(buf1)),
                     result->by2 != INDICATOR_BY_NONE
                         ? key_name(view, result->by2, result->col_keys[c], buf2, sizeof(buf2))
                         : NULL,
                     result, indicator_result_cell(result, r, c), view->lang);
    }
    html_row(out, en ? "Total" : "Totalt", result->by2 != INDICATOR_BY_NONE ? "" : NULL, result,
             &result->total, view->lang);
    fputs("</table>\n</section>\n", out);
    fclose(out);
    return text;
}
