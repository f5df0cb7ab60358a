/* dash_chart.c - the follow-up pages' figures: a funnel plot and a monthly trend, each inline
 * SVG (classes only: the Content-Security-Policy forbids inline styles) with a <title>, a
 * <desc> and a data table holding the same numbers. Coordinates have one decimal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/web/dash.h"

#define W        640
#define H        300
#define LEFT     56.0
#define RIGHT    620.0
#define TOP      16.0
#define BOTTOM   256.0
#define SAMPLES  64
#define SUMMARY  8192
#define SENTENCE 512

static double y_of(double rate)
{
    return BOTTOM - (BOTTOM - TOP) * rate;
}

static void num(struct html *h, const char *name, double value)
{
    html_attr(h, name, http_printf(h->req, "%.1f", value));
}

static void label(struct html *h, double x, double y, const char *anchor, const char *text)
{
    html_raw(h, "<text class=\"chart-label\"");
    html_attr(h, "text-anchor", anchor);
    num(h, "x", x);
    num(h, "y", y);
    html_raw(h, ">");
    html_text(h, text);
    html_raw(h, "</text>");
}

/* The frame: axes, grid lines at 0, 50 and 100 %, and the x-axis end labels. */
static void frame(struct html *h, const char *x_low, const char *x_high, const char *x_title)
{
    for (int pct = 0; pct <= 100; pct += 50) {
        html_raw(h, pct == 0 ? "<line class=\"chart-axis\"" : "<line class=\"chart-grid\"");
        num(h, "x1", LEFT);
        num(h, "y1", y_of(pct / 100.0));
        num(h, "x2", RIGHT);
        num(h, "y2", y_of(pct / 100.0));
        html_raw(h, "/>");
        label(h, LEFT - 6, y_of(pct / 100.0) + 4, "end", http_printf(h->req, "%d %%", pct));
    }
    html_raw(h, "<line class=\"chart-axis\"");
    num(h, "x1", LEFT);
    num(h, "y1", TOP);
    num(h, "x2", LEFT);
    num(h, "y2", BOTTOM);
    html_raw(h, "/>");
    label(h, LEFT, BOTTOM + 18, "start", x_low);
    label(h, RIGHT, BOTTOM + 18, "end", x_high);
    label(h, (LEFT + RIGHT) / 2, BOTTOM + 36, "middle", x_title);
}

static void svg_open(struct html *h, const char *id, const char *title, const char *desc)
{
    html_raw(h, "<div class=\"chart dash-chart\"><svg role=\"img\" "
                "xmlns=\"http://www.w3.org/2000/svg\"");
    html_attr(h, "viewBox", http_printf(h->req, "0 0 %d %d", W, H));
    html_attr(h, "aria-labelledby", http_printf(h->req, "%s-title %s-desc", id, id));
    html_raw(h, "><title");
    html_attr(h, "id", http_printf(h->req, "%s-title", id));
    html_raw(h, ">");
    html_text(h, title);
    html_raw(h, "</title><desc");
    html_attr(h, "id", http_printf(h->req, "%s-desc", id));
    html_raw(h, ">");
    html_text(h, desc);
    html_raw(h, "</desc>");
}

/* ---- funnel plot ---------------------------------------------------------------------------- */

/* One limit curve over n = 1..n_max. */
static void limit_curve(struct html *h, double p, long n_max, int which, const char *cls,
                        const char *dash)
{
    char *pts = http_alloc(h->req, SAMPLES * 32 + 1);
    size_t len = 0;
    pts[0] = '\0';
    for (int k = 1; k <= SAMPLES; k++) {
        long n = n_max * k / SAMPLES;
        if (n < 1)
            n = 1;
        struct indicator_limits lim = indicator_funnel_limits(p, n);
        double v = which == 0   ? lim.low95
                   : which == 1 ? lim.high95
                   : which == 2 ? lim.low998
                                : lim.high998;
        double x = LEFT + (RIGHT - LEFT) * (double)n / (double)n_max;
        len += (size_t)snprintf(pts + len, 32, "%s%.1f,%.1f", k > 1 ? " " : "", x, y_of(v));
    }
    html_raw(h, "<polyline");
    html_attr(h, "class", cls);
    html_attr(h, "stroke-dasharray", dash);
    html_attr(h, "points", pts);
    html_raw(h, "/>");
}

static void funnel_table(struct html *h, struct dash *d, const struct indicator_result *r,
                         const struct indicator_funnel *f)
{
    html_raw(h, "<div class=\"table-scroll\"><table class=\"chart-data dash-table\"><caption>");
    html_text(h, web_tn(d->req, "dash.funnel.table", "name", r->def->name[d->req->lang], NULL));
    html_raw(h, "</caption><thead><tr>");
    dash_th(h, "dash.col.unit");
    dash_th(h, "dash.col.numerator");
    dash_th(h, "dash.col.denominator");
    dash_th(h, "dash.col.value");
    dash_th(h, "dash.col.position");
    html_raw(h, "</tr></thead><tbody>");
    for (int i = 0; i < f->count; i++) {
        const struct indicator_funnel_point *p = &f->points[i];
        const struct indicator_cell *cell = indicator_result_cell(r, i, 0);
        bool shown = cell->state == INDICATOR_CELL_SHOWN;
        html_raw(h, "<tr><th scope=\"row\">");
        html_text(h, dash_key_name(d, r->by1, p->key));
        html_raw(h, "</th><td class=\"num\">");
        if (shown)
            html_textf(h, "%ld", cell->numerator);
        html_raw(h, "</td><td class=\"num\">");
        if (shown)
            html_textf(h, "%ld", cell->denominator);
        html_raw(h, "</td><td class=\"num\">");
        html_text(h, dash_cell(d, r, cell));
        html_raw(h, "</td><td>");
        web_text(h, http_printf(d->req, "dash.position.%d", (int)p->position));
        html_raw(h, "</td></tr>");
    }
    html_raw(h, "<tr><th scope=\"row\">");
    web_text(h, "dash.region");
    html_raw(h, "</th><td class=\"num\">");
    html_textf(h, "%ld", r->total.numerator);
    html_raw(h, "</td><td class=\"num\">");
    html_textf(h, "%ld", r->total.denominator);
    html_raw(h, "</td><td class=\"num\">");
    html_text(h, dash_cell(d, r, &r->total));
    html_raw(h, "</td><td></td></tr></tbody></table></div>");
}

void dash_funnel_figure(struct html *h, struct dash *d, const struct indicator_result *r, int own)
{
    struct http_request *req = d->req;
    struct indicator_funnel f;
    struct error err;
    error_clear(&err);
    if (r->def == NULL || indicator_funnel(r, &f, &err) != ERR_OK) {
        html_raw(h, "<p class=\"empty\">");
        web_text(h, "dash.funnel.none");
        html_raw(h, "</p>");
        return;
    }
    const char *name = r->def->name[req->lang];
    const char **names = http_alloc(req, sizeof(char *) * (size_t)(f.count + 1));
    long n_max = 10;
    for (int i = 0; i < f.count; i++) {
        names[i] = dash_key_name(d, r->by1, f.points[i].key);
        if (f.points[i].position < INDICATOR_FUNNEL_HIDDEN && f.points[i].denominator > n_max)
            n_max = f.points[i].denominator;
    }
    n_max = n_max + n_max / 10;
    char *summary = http_alloc(req, SUMMARY);
    indicator_funnel_summary(&f, names, req->lang, summary, SUMMARY);
    const char *id = http_printf(req, "funnel-%s", r->def->code);

    html_raw(h, "<figure class=\"chart-figure dash-figure\"><figcaption>");
    html_text(h, web_tn(req, "dash.funnel.caption", "name", name, NULL));
    html_raw(h, "</figcaption><div class=\"chart-figure-body\">");
    svg_open(h, id, web_tn(req, "dash.funnel.caption", "name", name, NULL),
             http_printf(req, "%s %s", web_t(req, "dash.funnel.legend"), summary));
    frame(h, "0", http_printf(req, "%ld", n_max), web_t(req, "dash.funnel.x"));
    limit_curve(h, f.p, n_max, 2, "dash-limit-998", "2 3");
    limit_curve(h, f.p, n_max, 3, "dash-limit-998", "2 3");
    limit_curve(h, f.p, n_max, 0, "dash-limit-95", "6 4");
    limit_curve(h, f.p, n_max, 1, "dash-limit-95", "6 4");
    html_raw(h, "<line class=\"dash-region-line\"");
    num(h, "x1", LEFT);
    num(h, "y1", y_of(f.p));
    num(h, "x2", RIGHT);
    num(h, "y2", y_of(f.p));
    html_raw(h, "><title>");
    html_text(h, web_tn(req, "dash.funnel.region", "value", dash_cell(d, r, &r->total), NULL));
    html_raw(h, "</title></line>");
    char sentence[SENTENCE];
    for (int i = 0; i < f.count; i++) {
        const struct indicator_funnel_point *p = &f.points[i];
        if (p->position >= INDICATOR_FUNNEL_HIDDEN)
            continue;
        html_raw(h, "<circle");
        html_attr(h, "class",
                  p->key == own ? "dash-funnel-point dash-funnel-own" : "dash-funnel-point");
        num(h, "cx", LEFT + (RIGHT - LEFT) * (double)p->denominator / (double)n_max);
        num(h, "cy", y_of(p->rate));
        html_raw(h, p->key == own ? " r=\"7\"><title>" : " r=\"5\"><title>");
        indicator_funnel_sentence(&f, i, names[i], req->lang, sentence, sizeof(sentence));
        html_text(h, sentence);
        html_raw(h, "</title></circle>");
    }
    html_raw(h, "</svg></div>");
    funnel_table(h, d, r, &f);
    html_raw(h, "</div><p class=\"dash-legend\">");
    web_text(h, "dash.funnel.legend");
    html_raw(h, "</p><p class=\"dash-summary\">");
    html_text(h, summary);
    html_raw(h, "</p></figure>\n");
    indicator_funnel_release(&f);
}

/* ---- monthly trend -------------------------------------------------------------------------- */

void dash_trend_figure(struct html *h, struct dash *d, const struct indicator_result *r,
                       const char *caption, const char *id_suffix)
{
    struct http_request *req = d->req;
    if (r->def == NULL || r->rows == 0)
        return;
    const char *id = http_printf(req, "trend-%s-%s", r->def->code, id_suffix);
    double step = r->rows > 1 ? (RIGHT - LEFT - 20) / (r->rows - 1) : 0;
    html_raw(h, "<figure class=\"chart-figure dash-figure\"><figcaption>");
    html_text(h, caption);
    html_raw(h, "</figcaption><div class=\"chart-figure-body\">");
    svg_open(h, id, caption, web_t(req, "dash.trend.desc"));
    frame(h, dash_key_name(d, INDICATOR_BY_MONTH, r->row_keys[0]),
          dash_key_name(d, INDICATOR_BY_MONTH, r->row_keys[r->rows - 1]),
          web_t(req, "dash.trend.x"));
    double px = 0, py = 0;
    bool prev = false;
    for (int i = 0; i < r->rows; i++) {
        const struct indicator_cell *c = indicator_result_cell(r, i, 0);
        bool shown = c->state == INDICATOR_CELL_SHOWN && c->denominator > 0;
        double x = LEFT + 10 + step * i, y = y_of(c->value);
        if (shown && prev) {
            html_raw(h, "<line class=\"chart-line\"");
            num(h, "x1", px);
            num(h, "y1", py);
            num(h, "x2", x);
            num(h, "y2", y);
            html_raw(h, "/>");
        }
        if (shown) {
            html_raw(h, "<circle class=\"chart-point\" r=\"4\"");
            num(h, "cx", x);
            num(h, "cy", y);
            html_raw(h, "><title>");
            html_textf(h, "%s: %s", dash_key_name(d, INDICATOR_BY_MONTH, r->row_keys[i]),
                       dash_cell(d, r, c));
            html_raw(h, "</title></circle>");
        }
        prev = shown;
        px = x;
        py = y;
    }
    html_raw(h, "</svg></div><div class=\"table-scroll\"><table class=\"chart-data\"><caption>");
    html_text(h, caption);
    html_raw(h, "</caption><thead><tr>");
    dash_th(h, "dash.col.month");
    dash_th(h, "dash.col.numerator");
    dash_th(h, "dash.col.denominator");
    dash_th(h, "dash.col.value");
    html_raw(h, "</tr></thead><tbody>");
    for (int i = 0; i < r->rows; i++) {
        const struct indicator_cell *c = indicator_result_cell(r, i, 0);
        bool shown = c->state == INDICATOR_CELL_SHOWN;
        html_raw(h, "<tr><th scope=\"row\">");
        html_text(h, dash_key_name(d, INDICATOR_BY_MONTH, r->row_keys[i]));
        html_raw(h, "</th><td class=\"num\">");
        if (shown)
            html_textf(h, "%ld", c->numerator);
        html_raw(h, "</td><td class=\"num\">");
        if (shown)
            html_textf(h, "%ld", c->denominator);
        html_raw(h, "</td><td class=\"num\">");
        html_text(h, dash_cell(d, r, c));
        html_raw(h, "</td></tr>");
    }
    html_raw(h, "</tbody></table></div></div></figure>\n");
}
