/* dash.h - the follow-up pages for managers and analysts (/oversikt, /enhet, /jamlikhet,
 * /tillganglighet, /utbildning):
 * what they share. Every figure comes from indicator_report_compute() (computed and suppressed
 * once, as the API and `stegvis report` do) and is written with indicator_cell_format(), so a
 * page shows exactly what GET /api/v1/indicators says for the same query. */
#ifndef STEGVIS_HTTP_WEB_DASH_H
#define STEGVIS_HTTP_WEB_DASH_H

#include "data/indicator_report.h"
#include "http/web/web.h"

/* The key indicators the pages show: assessed within 3 days, recovery, reliable improvement,
 * contract coverage. */
#define DASH_KEYS 4
extern const enum indicator_id dash_keys[DASH_KEYS];

/* A page's period and the region's names, copied into the request's arena (valid after the
 * facts lock is released). */
struct dash {
    struct http_request *req;
    long from_day, to_day;
    int unit_count;
    const char **unit_names, **unit_codes;
    long long *unit_ids;
    int municipality_count;
    const char **municipality_names;
};

/* Read the period (?from=, ?to=, as the API: absent means the year up to today), take the
 * facts lock and copy the names. False after writing an error page (422 for a bad period, 500
 * when the facts cannot be loaded); true with the lock held: compute, then dash_end(). */
bool dash_begin(struct dash *d, struct http_request *req, struct http_response *res);

/* One suppressed result over the period (zeroed on error, which is logged). Under the lock. */
void dash_compute(struct dash *d, enum indicator_id id, enum indicator_dim by1,
                  enum indicator_dim by2, struct indicator_result *out);

/* Release the facts lock. */
void dash_end(struct dash *d);

/* A cell as indicator_cell_format() writes it ("73,3 %", "<5", "-"). Arena string. */
const char *dash_cell(struct dash *d, const struct indicator_result *r,
                      const struct indicator_cell *cell);

/* The display name of a breakdown key (unit, municipality, sex, age band, month). */
const char *dash_key_name(struct dash *d, enum indicator_dim dim, int key);

/* The unit index whose store id is `id`, or -1. */
int dash_unit_index(const struct dash *d, long long id);

/* <th scope="col">text</th> from the catalogue. */
void dash_th(struct html *h, const char *msgid);

/* The page heading, the period and the links between the follow-up pages. */
void dash_heading(struct html *h, struct dash *d, const char *title_id, const char *intro_id);

/* As dash_heading for pages about the present state (no period). */
void dash_heading_now(struct html *h, struct http_request *req, const char *title_id,
                      const char *intro_id);

/* A funnel plot of a SHARE result by unit as inline SVG with its data table and the
 * plain-language summary; `own` (a unit index or -1) is marked as well. */
void dash_funnel_figure(struct html *h, struct dash *d, const struct indicator_result *by_unit,
                        int own);

/* A monthly trend (a result by month) as a small SVG line chart with its data table;
 * `id_suffix` makes the SVG's ids unique on the page. */
void dash_trend_figure(struct html *h, struct dash *d, const struct indicator_result *by_month,
                       const char *caption, const char *id_suffix);

/* The pages (dash_region.c, dash_unit.c, dash_catalog.c). */
void dash_overview_page(struct http_request *req, struct http_response *res);
void dash_unit_page(struct http_request *req, struct http_response *res);
void dash_equity_page(struct http_request *req, struct http_response *res);
void dash_availability_page(struct http_request *req, struct http_response *res);
void dash_training_page(struct http_request *req, struct http_response *res);

#endif
