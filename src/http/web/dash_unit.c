/* dash_unit.c - /enhet (one unit against the region) and /jamlikhet (the key indicators by
 * municipality of residence, listed unit, sex and age band). */
#include <string.h>

#include "http/auth.h"
#include "http/web/dash.h"

/* ---- /enhet ------------------------------------------------------------------------------- */

/* The unit to show: a manager's own; an analyst's choice (?unit=CODE), else their own unit,
 * else the first. -2 for an unknown code; -1 for a manager without a unit. */
static int chosen_unit(struct dash *d, bool *can_choose)
{
    const struct auth_session *s = d->req->session;
    int own = s ? dash_unit_index(d, s->unit_id) : -1;
    *can_choose = s != NULL && (s->role & ROLE_ANALYST) != 0;
    if (!*can_choose)
        return own;
    const char *code = http_query(d->req, "unit");
    if (code != NULL && *code != '\0') {
        for (int i = 0; i < d->unit_count; i++)
            if (strcmp(d->unit_codes[i], code) == 0)
                return i;
        return -2;
    }
    return own >= 0 ? own : d->unit_count > 0 ? 0 : -1;
}

static void unit_select(struct html *h, struct dash *d, int unit)
{
    html_raw(h, "<form method=\"get\" action=\"/enhet\" class=\"toolbar\">"
                "<div class=\"field\"><label for=\"f-unit\">");
    web_text(h, "dash.unit.select");
    html_raw(h, "</label><select id=\"f-unit\" name=\"unit\">");
    for (int i = 0; i < d->unit_count; i++) {
        html_raw(h, "<option");
        html_attr(h, "value", d->unit_codes[i]);
        if (i == unit)
            html_raw(h, " selected");
        html_raw(h, ">");
        html_text(h, d->unit_names[i]);
        html_raw(h, "</option>");
    }
    html_raw(h, "</select></div><button type=\"submit\" class=\"button\">");
    web_text(h, "dash.unit.show");
    html_raw(h, "</button></form>\n");
}

/* Indicator | the unit | the region | the funnel's reading of the unit. */
static void unit_table(struct html *h, struct dash *d, int unit,
                       const struct indicator_result *by_unit)
{
    struct http_request *req = d->req;
    html_raw(h, "<div class=\"table-scroll\"><table class=\"data dash-table\" id=\"unit\">"
                "<caption>");
    html_text(h, web_tn(req, "dash.unit.table", "unit", d->unit_names[unit], NULL));
    html_raw(h, "</caption><thead><tr>");
    dash_th(h, "dash.col.indicator");
    dash_th(h, "dash.col.this_unit");
    dash_th(h, "dash.region");
    dash_th(h, "dash.col.reading");
    html_raw(h, "</tr></thead><tbody>");
    for (int k = 0; k < DASH_KEYS; k++) {
        const struct indicator_result *r = &by_unit[k];
        int row = r->def ? indicator_result_row(r, unit) : -1;
        html_raw(h, "<tr><th scope=\"row\">");
        html_text(h, indicator_def(dash_keys[k])->name[req->lang]);
        html_raw(h, "</th><td class=\"num\">");
        html_text(h, dash_cell(d, r, row >= 0 ? indicator_result_cell(r, row, 0) : NULL));
        html_raw(h, "</td><td class=\"num\">");
        html_text(h, dash_cell(d, r, r->def ? &r->total : NULL));
        html_raw(h, "</td><td>");
        struct indicator_funnel f;
        struct error err;
        error_clear(&err);
        if (row >= 0 && indicator_funnel(r, &f, &err) == ERR_OK) {
            char sentence[512];
            indicator_funnel_sentence(&f, row, d->unit_names[unit], req->lang, sentence,
                                      sizeof(sentence));
            html_text(h, sentence);
            indicator_funnel_release(&f);
        }
        html_raw(h, "</td></tr>");
    }
    html_raw(h, "</tbody></table></div>\n");
}

/* Month | the unit | the region, one indicator. */
static void month_table(struct html *h, struct dash *d, int unit, const struct indicator_result *um,
                        const struct indicator_result *region)
{
    struct http_request *req = d->req;
    if (um->def == NULL || region->def == NULL)
        return;
    int row = indicator_result_row(um, unit);
    html_raw(h, "<div class=\"table-scroll\"><table class=\"data dash-table\"><caption>");
    html_text(h, web_tn(req, "dash.unit.months", "name", um->def->name[req->lang], NULL));
    html_raw(h, "</caption><thead><tr>");
    dash_th(h, "dash.col.month");
    dash_th(h, "dash.col.this_unit");
    dash_th(h, "dash.region");
    html_raw(h, "</tr></thead><tbody>");
    for (int i = 0; i < region->rows; i++) {
        int col = indicator_result_col(um, region->row_keys[i]);
        html_raw(h, "<tr><th scope=\"row\">");
        html_text(h, dash_key_name(d, INDICATOR_BY_MONTH, region->row_keys[i]));
        html_raw(h, "</th><td class=\"num\">");
        html_text(h, dash_cell(d, um, indicator_result_cell(um, row, col)));
        html_raw(h, "</td><td class=\"num\">");
        html_text(h, dash_cell(d, region, indicator_result_cell(region, i, 0)));
        html_raw(h, "</td></tr>");
    }
    html_raw(h, "</tbody></table></div>\n");
}

void dash_unit_page(struct http_request *req, struct http_response *res)
{
    struct dash d;
    struct indicator_result by_unit[DASH_KEYS], unit_month[DASH_KEYS], month[DASH_KEYS];
    bool can_choose;
    if (!dash_begin(&d, req, res))
        return;
    int unit = chosen_unit(&d, &can_choose);
    if (unit == -2) {
        dash_end(&d);
        web_error_page(req, res, 404, web_t(req, "dash.unit.unknown"));
        return;
    }
    memset(by_unit, 0, sizeof(by_unit));
    memset(unit_month, 0, sizeof(unit_month));
    memset(month, 0, sizeof(month));
    for (int k = 0; k < DASH_KEYS && unit >= 0; k++) {
        dash_compute(&d, dash_keys[k], INDICATOR_BY_UNIT, INDICATOR_BY_NONE, &by_unit[k]);
        dash_compute(&d, dash_keys[k], INDICATOR_BY_UNIT, INDICATOR_BY_MONTH, &unit_month[k]);
        dash_compute(&d, dash_keys[k], INDICATOR_BY_MONTH, INDICATOR_BY_NONE, &month[k]);
    }
    dash_end(&d);

    struct html h;
    web_page_begin(&h, req, WEB_STAFF, web_t(req, "dash.unit.title"));
    dash_heading(&h, &d, "dash.unit.title", "dash.unit.intro");
    if (can_choose)
        unit_select(&h, &d, unit);
    if (unit < 0) {
        html_raw(&h, "<p class=\"empty\">");
        web_text(&h, "dash.unit.none");
        html_raw(&h, "</p>\n");
        web_page_end(&h, res, 200);
        return;
    }
    html_raw(&h, "<h2>");
    html_text(&h, d.unit_names[unit]);
    html_raw(&h, "</h2>\n");
    unit_table(&h, &d, unit, by_unit);
    for (int k = 0; k < DASH_KEYS; k++) {
        html_raw(&h, "<section class=\"dash-indicator\"><h3>");
        html_text(&h, indicator_def(dash_keys[k])->name[req->lang]);
        html_raw(&h, "</h3>");
        dash_funnel_figure(&h, &d, &by_unit[k], unit);
        month_table(&h, &d, unit, &unit_month[k], &month[k]);
        html_raw(&h, "</section>\n");
        indicator_result_release(&by_unit[k]);
        indicator_result_release(&unit_month[k]);
        indicator_result_release(&month[k]);
    }
    web_page_end(&h, res, 200);
}

/* ---- /jamlikhet --------------------------------------------------------------------------- */

static const enum indicator_dim equity_dims[] = { INDICATOR_BY_MUNICIPALITY,
                                                  INDICATOR_BY_LISTED_UNIT, INDICATOR_BY_SEX,
                                                  INDICATOR_BY_AGE_BAND };
#define EQUITY_DIMS ((int)(sizeof(equity_dims) / sizeof(equity_dims[0])))

/* One breakdown: its keys as rows, the key indicators as columns (each suppressed alone). */
static void equity_table(struct html *h, struct dash *d, enum indicator_dim dim,
                         const struct indicator_result *r)
{
    struct http_request *req = d->req;
    const struct indicator_result *keys = NULL;
    for (int k = 0; k < DASH_KEYS && keys == NULL; k++)
        if (r[k].def != NULL)
            keys = &r[k];
    if (keys == NULL)
        return;
    const char *dim_name = indicator_dim_name(dim);
    html_raw(h, "<section class=\"dash-equity\"><h2>");
    web_text(h, http_printf(req, "dash.equity.by.%s", dim_name));
    html_raw(h, "</h2><div class=\"table-scroll\"><table class=\"data dash-table\"");
    html_attr(h, "id", http_printf(req, "by-%s", dim_name));
    html_raw(h, "><caption>");
    web_text(h, http_printf(req, "dash.equity.by.%s", dim_name));
    html_raw(h, "</caption><thead><tr>");
    dash_th(h, "dash.col.group");
    for (int k = 0; k < DASH_KEYS; k++) {
        html_raw(h, "<th scope=\"col\">");
        html_text(h, indicator_def(dash_keys[k])->name[req->lang]);
        html_raw(h, "</th>");
    }
    html_raw(h, "</tr></thead><tbody>");
    for (int i = 0; i < keys->rows; i++) {
        html_raw(h, "<tr><th scope=\"row\">");
        html_text(h, dash_key_name(d, dim, keys->row_keys[i]));
        html_raw(h, "</th>");
        for (int k = 0; k < DASH_KEYS; k++) {
            int row = r[k].def ? indicator_result_row(&r[k], keys->row_keys[i]) : -1;
            html_raw(h, "<td class=\"num\">");
            html_text(h,
                      dash_cell(d, &r[k], row >= 0 ? indicator_result_cell(&r[k], row, 0) : NULL));
            html_raw(h, "</td>");
        }
        html_raw(h, "</tr>");
    }
    html_raw(h, "</tbody></table></div></section>\n");
}

void dash_equity_page(struct http_request *req, struct http_response *res)
{
    struct dash d;
    struct indicator_result r[EQUITY_DIMS][DASH_KEYS];
    if (!dash_begin(&d, req, res))
        return;
    for (int i = 0; i < EQUITY_DIMS; i++)
        for (int k = 0; k < DASH_KEYS; k++)
            dash_compute(&d, dash_keys[k], equity_dims[i], INDICATOR_BY_NONE, &r[i][k]);
    dash_end(&d);

    struct html h;
    web_page_begin(&h, req, WEB_STAFF, web_t(req, "dash.equity.title"));
    dash_heading(&h, &d, "dash.equity.title", "dash.equity.intro");
    html_raw(&h, "<p class=\"dash-note\">");
    web_text(&h, "dash.suppressed_note");
    html_raw(&h, "</p>\n");
    for (int i = 0; i < EQUITY_DIMS; i++) {
        equity_table(&h, &d, equity_dims[i], r[i]);
        for (int k = 0; k < DASH_KEYS; k++)
            indicator_result_release(&r[i][k]);
    }
    web_page_end(&h, res, 200);
}
