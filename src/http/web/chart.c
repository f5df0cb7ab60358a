/* chart.c - the score-over-time chart of chart.h. Coordinates are written with one decimal so
 * the markup is the same on every machine (and a test can work them out by hand). */
#include "http/web/chart.h"

#include <stdio.h>
#include <string.h>

#include "core/outcome.h"
#include "http/web/web.h"

#define PLOT_WIDTH (CHART_PLOT_RIGHT - CHART_PLOT_LEFT)

double chart_y(const struct instrument *ins, double total)
{
    double range = ins->total_max - ins->total_min;
    if (range <= 0)
        return CHART_PLOT_TOP + CHART_PLOT_HEIGHT;
    return CHART_PLOT_TOP + CHART_PLOT_HEIGHT * (ins->total_max - total) / range;
}

/* x by the time answered; all at one instant (or one score): evenly by position. */
static double point_x(const struct chart_point *points, int count, int i)
{
    long long span = points[count - 1].at - points[0].at;
    if (count == 1)
        return CHART_PLOT_LEFT + PLOT_WIDTH / 2.0;
    if (span <= 0)
        return CHART_PLOT_LEFT + PLOT_WIDTH * (double)i / (count - 1);
    return CHART_PLOT_LEFT + PLOT_WIDTH * (double)(points[i].at - points[0].at) / (double)span;
}

static void attr_num(struct html *h, const char *name, double value)
{
    html_attr(h, name, http_printf(h->req, "%.1f", value));
}

/* Where a band ends: the next band's lowest total, or the instrument's highest. */
static int band_top(const struct instrument *ins, int b, enum sex sex)
{
    return b + 1 < ins->band_count ? ins->bands[b + 1].min[sex] : ins->total_max;
}

static void bands(struct html *h, struct http_request *req, const struct instrument *ins,
                  enum sex sex)
{
    for (int b = 0; b < ins->band_count; b++) {
        int low = b == 0 ? ins->total_min : ins->bands[b].min[sex];
        int high = band_top(ins, b, sex);
        if (high <= low)
            continue;
        html_raw(h, "<rect");
        html_attr(h, "class", http_printf(req, "chart-band-%d", ins->bands[b].severity));
        html_attr_int(h, "x", CHART_PLOT_LEFT);
        attr_num(h, "y", chart_y(ins, high));
        html_attr_int(h, "width", PLOT_WIDTH);
        attr_num(h, "height", chart_y(ins, low) - chart_y(ins, high));
        html_raw(h, "><title>");
        html_textf(h, "%s %d\xe2\x80\x93%d", instrument_text(ins->bands[b].label, req->lang), low,
                   b + 1 < ins->band_count ? high - 1 : high);
        html_raw(h, "</title></rect>");
    }
}

/* The cut-off line sits on the boundary of the caseness range: below "at least N" (at N), above
 * "at most N" (at N + 1). Returns the cut-off as written on the form, or -1 when none. */
static int caseness_line(struct html *h, struct http_request *req, const struct instrument *ins,
                         enum sex sex)
{
    if (ins->caseness.kind == THRESHOLD_NONE)
        return -1;
    int cut = ins->caseness.value[sex];
    double y = chart_y(ins, ins->caseness.kind == THRESHOLD_AT_LEAST ? cut : cut + 1);
    html_raw(h, "<line class=\"chart-caseness\" stroke-dasharray=\"6 4\"");
    html_attr_int(h, "x1", CHART_PLOT_LEFT);
    attr_num(h, "y1", y);
    html_attr_int(h, "x2", CHART_PLOT_RIGHT);
    attr_num(h, "y2", y);
    html_raw(h, "><title>");
    html_textf(h, "%s %s%d", web_t(req, "staff.chart.caseness"),
               ins->caseness.kind == THRESHOLD_AT_LEAST ? "\xe2\x89\xa5" : "\xe2\x89\xa4", cut);
    html_raw(h, "</title></line>");
    html_raw(h, "<text class=\"chart-label\" text-anchor=\"end\"");
    html_attr_int(h, "x", CHART_PLOT_LEFT - 6);
    attr_num(h, "y", y + 4);
    html_raw(h, ">");
    html_textf(h, "%d", cut);
    html_raw(h, "</text>");
    return cut;
}

static void axis_label(struct html *h, double x, double y, const char *anchor, const char *text)
{
    html_raw(h, "<text class=\"chart-label\"");
    html_attr(h, "text-anchor", anchor);
    attr_num(h, "x", x);
    attr_num(h, "y", y);
    html_raw(h, ">");
    html_text(h, text);
    html_raw(h, "</text>");
}

static void axes(struct html *h, struct http_request *req, const struct instrument *ins,
                 const struct chart_point *points, int count)
{
    double bottom = chart_y(ins, ins->total_min);
    html_raw(h, "<line class=\"chart-axis\"");
    html_attr_int(h, "x1", CHART_PLOT_LEFT);
    html_attr_int(h, "y1", CHART_PLOT_TOP);
    html_attr_int(h, "x2", CHART_PLOT_LEFT);
    attr_num(h, "y2", bottom);
    html_raw(h, "/><line class=\"chart-axis\"");
    html_attr_int(h, "x1", CHART_PLOT_LEFT);
    attr_num(h, "y1", bottom);
    html_attr_int(h, "x2", CHART_PLOT_RIGHT);
    attr_num(h, "y2", bottom);
    html_raw(h, "/>");
    axis_label(h, CHART_PLOT_LEFT - 6, CHART_PLOT_TOP + 4, "end",
               http_printf(req, "%d", ins->total_max));
    axis_label(h, CHART_PLOT_LEFT - 6, bottom + 4, "end", http_printf(req, "%d", ins->total_min));
    axis_label(h, CHART_PLOT_LEFT, bottom + 22, "start", web_date(req, points[0].at));
    if (count > 1)
        axis_label(h, CHART_PLOT_RIGHT, bottom + 22, "end", web_date(req, points[count - 1].at));
}

/* Reliable change of `total` from the first score: RELIABLE_UNDEFINED when the instrument has
 * no reliable-change value (or the totals are out of range). */
static enum outcome_reliable reliable_from_first(const struct instrument *ins, int first, int total,
                                                 enum sex sex)
{
    struct outcome_measure m;
    if (outcome_measure(ins, first, total, sex, &m, NULL) != ERR_OK)
        return RELIABLE_UNDEFINED;
    return m.reliable;
}

static const char *reliable_text(struct http_request *req, enum outcome_reliable r)
{
    switch (r) {
    case RELIABLE_IMPROVEMENT:
        return web_t(req, "staff.chart.reliable_improvement");
    case RELIABLE_DETERIORATION:
        return web_t(req, "staff.chart.reliable_deterioration");
    case RELIABLE_NONE:
        return web_t(req, "staff.chart.no_reliable_change");
    default:
        return "\xe2\x80\x93";
    }
}

static const char *band_label(struct http_request *req, const struct instrument *ins, int total,
                              enum sex sex)
{
    const struct instrument_band *band = instrument_band_for(ins, total, sex);
    return band != NULL ? instrument_text(band->label, req->lang) : "";
}

static void line_and_points(struct html *h, struct http_request *req, const struct instrument *ins,
                            enum sex sex, const struct chart_point *points, int count)
{
    if (count > 1) {
        const char *list = "";
        for (int i = 0; i < count; i++)
            list = http_printf(req, "%s%s%.1f,%.1f", list, i ? " " : "", point_x(points, count, i),
                               chart_y(ins, points[i].total));
        html_raw(h, "<polyline class=\"chart-line\" fill=\"none\"");
        html_attr(h, "points", list);
        html_raw(h, "/>");
    }
    for (int i = 0; i < count; i++) {
        enum outcome_reliable r = reliable_from_first(ins, points[0].total, points[i].total, sex);
        bool marked = i > 0 && (r == RELIABLE_IMPROVEMENT || r == RELIABLE_DETERIORATION);
        html_raw(h, "<circle");
        html_attr(h, "class",
                  !marked ? "chart-point"
                  : r == RELIABLE_IMPROVEMENT
                      ? "chart-point chart-point-reliable"
                      : "chart-point chart-point-reliable chart-point-worse");
        attr_num(h, "cx", point_x(points, count, i));
        attr_num(h, "cy", chart_y(ins, points[i].total));
        html_attr_int(h, "r", marked ? CHART_RELIABLE_R : CHART_POINT_R);
        html_raw(h, "><title>");
        html_textf(h, "%s: %d (%s)", web_date(req, points[i].at), points[i].total,
                   band_label(req, ins, points[i].total, sex));
        if (marked)
            html_textf(h, " \xe2\x80\x93 %s", reliable_text(req, r));
        html_raw(h, "</title></circle>");
    }
}

static void svg(struct html *h, struct http_request *req, const struct instrument *ins,
                enum sex sex, const struct chart_point *points, int count)
{
    const char *id = http_printf(req, "chart-%s", ins->id);
    html_raw(h, "<div class=\"chart\"><svg role=\"img\" xmlns=\"http://www.w3.org/2000/svg\"");
    html_attr(h, "viewBox", http_printf(req, "0 0 %d %d", CHART_WIDTH, CHART_HEIGHT));
    html_attr(h, "aria-labelledby", http_printf(req, "%s-title %s-desc", id, id));
    html_raw(h, "><title");
    html_attr(h, "id", http_printf(req, "%s-title", id));
    html_raw(h, ">");
    html_textf(h, "%s %s", ins->name, web_t(req, "staff.chart.over_time"));
    html_raw(h, "</title><desc");
    html_attr(h, "id", http_printf(req, "%s-desc", id));
    html_raw(h, ">");
    const struct chart_point *last = &points[count - 1];
    html_textf(h, "%s: %d. %s: %d (%s), %s.", web_t(req, "staff.chart.count"), count,
               web_t(req, "staff.chart.latest"), last->total,
               band_label(req, ins, last->total, sex), web_date(req, last->at));
    if (ins->caseness.kind != THRESHOLD_NONE)
        html_textf(h, " %s.", web_t(req, "staff.chart.caseness_dashed"));
    html_raw(h, "</desc>");
    bands(h, req, ins, sex);
    axes(h, req, ins, points, count);
    (void)caseness_line(h, req, ins, sex);
    line_and_points(h, req, ins, sex, points, count);
    html_raw(h, "</svg></div>");
}

static void table(struct html *h, struct http_request *req, const struct instrument *ins,
                  enum sex sex, const struct chart_point *points, int count)
{
    html_raw(h, "<div class=\"table-scroll\"><table class=\"chart-data\"><caption>");
    html_textf(h, "%s: %s", ins->name, web_t(req, "staff.chart.table_caption"));
    html_raw(h, "</caption><thead><tr><th scope=\"col\">");
    html_text(h, web_t(req, "staff.chart.date"));
    html_raw(h, "</th><th scope=\"col\">");
    html_text(h, web_t(req, "staff.chart.score"));
    html_raw(h, "</th><th scope=\"col\">");
    html_text(h, web_t(req, "staff.chart.band"));
    html_raw(h, "</th><th scope=\"col\">");
    html_text(h, web_t(req, "staff.chart.change"));
    html_raw(h, "</th><th scope=\"col\">");
    html_text(h, web_t(req, "staff.chart.reliable"));
    html_raw(h, "</th></tr></thead><tbody>");
    for (int i = 0; i < count; i++) {
        const struct instrument_band *band = instrument_band_for(ins, points[i].total, sex);
        int change = points[i].total - points[0].total;
        html_raw(h, "<tr><td>");
        html_text(h, web_date(req, points[i].at));
        html_raw(h, "</td><td class=\"num\">");
        html_textf(h, "%d", points[i].total);
        html_raw(h, "</td><td>");
        if (band != NULL)
            web_band(h, req, ins->id, band->id);
        html_raw(h, "</td><td class=\"num\">");
        if (i == 0)
            html_text(h, "\xe2\x80\x93");
        else if (change == 0)
            html_text(h, "0");
        else
            html_textf(h, "%+d", change);
        html_raw(h, "</td><td>");
        html_text(h, i == 0 ? "\xe2\x80\x93"
                            : reliable_text(req, reliable_from_first(ins, points[0].total,
                                                                     points[i].total, sex)));
        html_raw(h, "</td></tr>");
    }
    html_raw(h, "</tbody></table></div>");
}

void chart_instrument(struct html *h, struct http_request *req, const struct instrument *ins,
                      enum sex sex, const struct chart_point *points, int count)
{
    if (count <= 0 || ins == NULL)
        return;
    html_raw(h, "<figure class=\"chart-figure\"");
    html_attr(h, "id", http_printf(req, "diagram-%s", ins->id));
    html_raw(h, "><figcaption>");
    html_text(h, ins->name);
    html_raw(h, "</figcaption><div class=\"chart-figure-body\">");
    svg(h, req, ins, sex, points, count);
    table(h, req, ins, sex, points, count);
    html_raw(h, "</div></figure>");
}
