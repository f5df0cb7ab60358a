/* dash_region.c - /oversikt: the region dashboard. The key indicators for every unit side by
 * side, then per indicator a funnel plot with its reading and the monthly trend. */
#include "http/web/dash.h"

/* Units as rows, the key indicators as columns, the region last. */
static void units_table(struct html *h, struct dash *d, const struct indicator_result *by_unit)
{
    struct http_request *req = d->req;
    html_raw(h, "<div class=\"table-scroll\"><table class=\"data dash-table\" id=\"units\">"
                "<caption>");
    web_text(h, "dash.overview.table");
    html_raw(h, "</caption><thead><tr>");
    dash_th(h, "dash.col.unit");
    for (int k = 0; k < DASH_KEYS; k++) {
        html_raw(h, "<th scope=\"col\">");
        html_text(h, indicator_def(dash_keys[k])->name[req->lang]);
        html_raw(h, "</th>");
    }
    html_raw(h, "</tr></thead><tbody>");
    for (int u = 0; u < d->unit_count; u++) {
        html_raw(h, "<tr><th scope=\"row\">");
        html_text(h, d->unit_names[u]);
        html_raw(h, "</th>");
        for (int k = 0; k < DASH_KEYS; k++) {
            const struct indicator_result *r = &by_unit[k];
            int row = r->def ? indicator_result_row(r, u) : -1;
            html_raw(h, "<td class=\"num\">");
            html_text(h, dash_cell(d, r, row >= 0 ? indicator_result_cell(r, row, 0) : NULL));
            html_raw(h, "</td>");
        }
        html_raw(h, "</tr>");
    }
    html_raw(h, "<tr class=\"dash-total\"><th scope=\"row\">");
    web_text(h, "dash.region");
    html_raw(h, "</th>");
    for (int k = 0; k < DASH_KEYS; k++) {
        html_raw(h, "<td class=\"num\">");
        html_text(h, dash_cell(d, &by_unit[k], by_unit[k].def ? &by_unit[k].total : NULL));
        html_raw(h, "</td>");
    }
    html_raw(h, "</tr></tbody></table></div>\n<p class=\"dash-note\">");
    web_text(h, "dash.suppressed_note");
    html_raw(h, "</p>\n");
}

void dash_overview_page(struct http_request *req, struct http_response *res)
{
    struct dash d;
    struct indicator_result by_unit[DASH_KEYS], by_month[DASH_KEYS];
    if (!dash_begin(&d, req, res))
        return;
    for (int k = 0; k < DASH_KEYS; k++) {
        dash_compute(&d, dash_keys[k], INDICATOR_BY_UNIT, INDICATOR_BY_NONE, &by_unit[k]);
        dash_compute(&d, dash_keys[k], INDICATOR_BY_MONTH, INDICATOR_BY_NONE, &by_month[k]);
    }
    dash_end(&d);

    struct html h;
    web_page_begin(&h, req, WEB_STAFF, web_t(req, "dash.overview.title"));
    dash_heading(&h, &d, "dash.overview.title", "dash.overview.intro");
    units_table(&h, &d, by_unit);
    for (int k = 0; k < DASH_KEYS; k++) {
        const struct indicator_def *def = indicator_def(dash_keys[k]);
        html_raw(&h, "<section class=\"dash-indicator\"><h2>");
        html_text(&h, def->name[req->lang]);
        html_raw(&h, "</h2>");
        dash_funnel_figure(&h, &d, &by_unit[k], -1);
        dash_trend_figure(&h, &d, &by_month[k],
                          web_tn(req, "dash.trend.caption", "name", def->name[req->lang], NULL),
                          "region");
        html_raw(&h, "</section>\n");
        indicator_result_release(&by_unit[k]);
        indicator_result_release(&by_month[k]);
    }
    web_page_end(&h, res, 200);
}
