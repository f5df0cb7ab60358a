/* dash.c - the follow-up pages' route table and what they share (dash.h). */
#include "http/web/dash.h"

#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "http/app.h"
#include "http/auth.h"

#define SECONDS_PER_DAY 86400
#define FOLLOW_UP       (ROLE_MANAGER | ROLE_ANALYST)

/* Roles as the indicator API (GET /api/v1/indicators): aggregates, never per patient. */
static const struct route routes[] = {
    { "GET", "/oversikt", dash_overview_page, FOLLOW_UP, BODY_NONE, ROUTE_HTML },
    { "GET", "/enhet", dash_unit_page, FOLLOW_UP, BODY_NONE, ROUTE_HTML },
    { "GET", "/jamlikhet", dash_equity_page, FOLLOW_UP, BODY_NONE, ROUTE_HTML },
    { "GET", "/tillganglighet", dash_availability_page, FOLLOW_UP, BODY_NONE, ROUTE_HTML },
    { "GET", "/utbildning", dash_training_page, FOLLOW_UP, BODY_NONE, ROUTE_HTML },
};

const struct route *web_dash_routes(int *count)
{
    *count = (int)(sizeof(routes) / sizeof(routes[0]));
    return routes;
}

const enum indicator_id dash_keys[DASH_KEYS] = {
    INDICATOR_ASSESSED_WITHIN_3_DAYS,
    INDICATOR_RECOVERY,
    INDICATOR_RELIABLE_IMPROVEMENT,
    INDICATOR_CONTRACT_COVERAGE,
};

bool dash_begin(struct dash *d, struct http_request *req, struct http_response *res)
{
    struct indicator_query query;
    struct error err;
    error_clear(&err);
    memset(d, 0, sizeof(*d));
    d->req = req;
    /* The query's parser, with a fixed indicator: the period is read exactly as the API reads
     * it. */
    if (indicator_query_parse("recovery", NULL, http_query(req, "from"), http_query(req, "to"),
                              (long)(req->now / SECONDS_PER_DAY), &query, &err) != ERR_OK) {
        web_error_page(req, res, 422, web_t(req, "dash.bad_period"));
        return false;
    }
    d->from_day = query.from_day;
    d->to_day = query.to_day;
    if (app_facts_acquire(req->app, &err) != ERR_OK) {
        web_error_page(req, res, 500, err.message);
        return false;
    }
    const struct store_facts_maps *maps = &req->app->facts_maps;
    d->unit_count = maps->unit_count;
    d->unit_names = http_alloc(req, sizeof(char *) * (size_t)(maps->unit_count + 1));
    d->unit_codes = http_alloc(req, sizeof(char *) * (size_t)(maps->unit_count + 1));
    d->unit_ids = http_alloc(req, sizeof(long long) * (size_t)(maps->unit_count + 1));
    for (int i = 0; i < maps->unit_count; i++) {
        d->unit_names[i] = http_printf(req, "%s", maps->units[i].name);
        d->unit_codes[i] = http_printf(req, "%s", maps->units[i].code);
        d->unit_ids[i] = maps->units[i].id;
    }
    d->municipality_count = maps->municipality_count;
    d->municipality_names =
        http_alloc(req, sizeof(char *) * (size_t)(maps->municipality_count + 1));
    for (int i = 0; i < maps->municipality_count; i++)
        d->municipality_names[i] = http_printf(req, "%s", maps->municipalities[i].name);
    return true;
}

void dash_compute(struct dash *d, enum indicator_id id, enum indicator_dim by1,
                  enum indicator_dim by2, struct indicator_result *out)
{
    struct indicator_query query = { id, by1, by2, d->from_day, d->to_day };
    struct error err;
    error_clear(&err);
    if (indicator_report_compute(&d->req->app->facts, &query, out, &err) != ERR_OK)
        fprintf(stderr, "stegvis: %s %s: indicator %d: %s\n", d->req->method, d->req->path, (int)id,
                err.message);
}

void dash_end(struct dash *d)
{
    app_facts_done(d->req->app);
}

const char *dash_cell(struct dash *d, const struct indicator_result *r,
                      const struct indicator_cell *cell)
{
    char buf[64];
    if (r->def == NULL || cell == NULL)
        return "-";
    indicator_cell_format(r, cell, d->req->lang, buf, sizeof(buf));
    return http_printf(d->req, "%s", buf);
}

const char *dash_key_name(struct dash *d, enum indicator_dim dim, int key)
{
    struct http_request *req = d->req;
    switch (dim) {
    case INDICATOR_BY_UNIT:
    case INDICATOR_BY_LISTED_UNIT:
        return key >= 0 && key < d->unit_count ? d->unit_names[key]
                                               : web_t(req, "dash.key.not_listed");
    case INDICATOR_BY_MUNICIPALITY:
        return key >= 0 && key < d->municipality_count ? d->municipality_names[key]
                                                       : web_t(req, "dash.key.outside");
    case INDICATOR_BY_SEX:
        return web_t(req, http_printf(req, "dash.sex.%d", key >= 0 && key <= 2 ? key : 0));
    case INDICATOR_BY_AGE_BAND:
        return key >= 0 ? indicator_age_band_label(key) : web_t(req, "dash.key.unknown");
    case INDICATOR_BY_MONTH:
        return http_printf(req, "%04d-%02d", key / 100, key % 100);
    default:
        return http_printf(req, "%d", key);
    }
}

int dash_unit_index(const struct dash *d, long long id)
{
    for (int i = 0; i < d->unit_count; i++)
        if (d->unit_ids[i] == id)
            return i;
    return -1;
}

void dash_th(struct html *h, const char *msgid)
{
    html_raw(h, "<th scope=\"col\">");
    web_text(h, msgid);
    html_raw(h, "</th>");
}

static void page_link(struct html *h, const char *href, const char *msgid)
{
    html_raw(h, "<li><a");
    html_attr(h, "href", href);
    if (strcmp(h->req->path, href) == 0)
        html_raw(h, " aria-current=\"page\"");
    html_raw(h, ">");
    web_text(h, msgid);
    html_raw(h, "</a></li>");
}

/* The title and the links between the follow-up pages. */
static void title_and_links(struct html *h, struct http_request *req, const char *title_id)
{
    html_raw(h, "<h1>");
    web_text(h, title_id);
    html_raw(h, "</h1>\n<nav class=\"dash-pages\"");
    html_attr(h, "aria-label", web_t(req, "dash.pages_label"));
    html_raw(h, "><ul>");
    page_link(h, "/oversikt", "dash.overview.title");
    page_link(h, "/enhet", "dash.unit.title");
    page_link(h, "/jamlikhet", "dash.equity.title");
    page_link(h, "/tillganglighet", "dash.availability.title");
    page_link(h, "/utbildning", "dash.training.title");
    html_raw(h, "</ul></nav>\n");
}

void dash_heading(struct html *h, struct dash *d, const char *title_id, const char *intro_id)
{
    struct http_request *req = d->req;
    char from[11], to[11];
    date_format(date_from_days(d->from_day), from);
    date_format(date_from_days(d->to_day), to);
    title_and_links(h, req, title_id);
    html_raw(h, "<p class=\"dash-period\">");
    html_text(h, web_tn(req, "dash.period", "from", from, "to", to, NULL));
    html_raw(h, "</p>\n<p>");
    web_text(h, intro_id);
    html_raw(h, "</p>\n");
}

void dash_heading_now(struct html *h, struct http_request *req, const char *title_id,
                      const char *intro_id)
{
    title_and_links(h, req, title_id);
    html_raw(h, "<p>");
    web_text(h, intro_id);
    html_raw(h, "</p>\n");
}
