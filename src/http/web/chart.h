/* chart.h - one instrument's scores over time as an inline SVG chart, with the same numbers in a
 * table beside it (UI.md "Charts").
 *
 * The chart has a viewBox (it scales with the page), a <title> and a <desc>, the score on the y
 * axis from the instrument's lowest to highest total, the severity bands as shaded rectangles
 * (.chart-band-N, N the band's severity 0-4), the caseness cut-off as a dashed line
 * (.chart-caseness) where the instrument has one, a line through the scores and one <circle> per
 * score (.chart-point), x by the time answered. A score whose change from the FIRST score is
 * reliable (outcome_measure()) is marked .chart-point-reliable, drawn larger (r 7 instead of 4)
 * and named in its tooltip, so the mark does not rest on colour alone. No style attributes:
 * the look comes from /static/stegvis.css (the Content-Security-Policy forbids inline style).
 */
#ifndef STEGVIS_HTTP_WEB_CHART_H
#define STEGVIS_HTTP_WEB_CHART_H

#include "core/instrument.h"
#include "http/web/html.h"

/* Geometry of the viewBox, in its own units: the plot area and the margins around it. */
#define CHART_WIDTH       600
#define CHART_PLOT_LEFT   44
#define CHART_PLOT_RIGHT  584
#define CHART_PLOT_TOP    12
#define CHART_PLOT_HEIGHT 216 /* PHQ-9 (0-27): 8 units per point */
#define CHART_HEIGHT      264
#define CHART_POINT_R     4
#define CHART_RELIABLE_R  7

/* One score: the raw total and when it was answered (seconds since the epoch). */
struct chart_point {
    long long at;
    int total;
};

/* The y coordinate of a raw total on `ins`'s chart: CHART_PLOT_TOP at the highest total,
 * CHART_PLOT_TOP + CHART_PLOT_HEIGHT at the lowest. */
double chart_y(const struct instrument *ins, double total);

/* Write a <figure class="chart-figure"> holding the chart of `count` scores of `ins` (oldest
 * first) for a patient of `sex` (sex-specific bands and cut-off) and a table of the same
 * numbers: date, score, band in words and colour, change from the first score, reliable
 * change. Nothing when `count` is 0. Texts from the catalogue in the request's language. */
void chart_instrument(struct html *h, struct http_request *req, const struct instrument *ins,
                      enum sex sex, const struct chart_point *points, int count);

#endif
