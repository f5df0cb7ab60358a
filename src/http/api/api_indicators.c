/* api_indicators.c - GET /api/v1/indicators and /api/v1/indicators.csv: one quality indicator
 * for the whole region, suppressed, written by data/indicator_report.c (the same path as
 * `stegvis report`). Analysts and managers only; figures are aggregates, never per patient. */
#include <stdlib.h>
#include <string.h>

#include "data/indicator_report.h"
#include "http/api/api.h"
#include "http/app.h"

#define SECONDS_PER_DAY 86400

enum indicators_format { INDICATORS_JSON, INDICATORS_CSV };

/* The view's name arrays point into the facts' maps: valid while the facts are held. */
static void view_init(struct http_request *req, const struct store_facts_maps *maps,
                      struct indicator_view *view)
{
    const char **units = http_alloc(req, sizeof(*units) * (size_t)(maps->unit_count + 1));
    const char **municipalities =
        http_alloc(req, sizeof(*municipalities) * (size_t)(maps->municipality_count + 1));
    for (int i = 0; i < maps->unit_count; i++)
        units[i] = maps->units[i].name;
    for (int i = 0; i < maps->municipality_count; i++)
        municipalities[i] = maps->municipalities[i].name;
    *view = (struct indicator_view){ units,          maps->unit_count,
                                     municipalities, maps->municipality_count,
                                     req->lang,      -1 };
}

static void indicators_answer(struct http_request *req, struct http_response *res,
                              enum indicators_format format)
{
    struct indicator_query query;
    struct indicator_result result;
    struct indicator_view view;
    struct error err;
    error_clear(&err);
    if (indicator_query_parse(http_query(req, "indicator"), http_query(req, "by"),
                              http_query(req, "from"), http_query(req, "to"),
                              (long)(req->now / SECONDS_PER_DAY), &query, &err) != ERR_OK)
        return api_fail(req, res, &err);
    if (app_facts_acquire(req->app, &err) != ERR_OK)
        return api_fail(req, res, &err);
    if (indicator_report_compute(&req->app->facts, &query, &result, &err) != ERR_OK) {
        app_facts_done(req->app);
        return api_fail(req, res, &err);
    }
    view_init(req, &req->app->facts_maps, &view);
    if (format == INDICATORS_CSV) {
        char *text = indicator_report_csv(&result, &view);
        app_facts_done(req->app);
        http_text(req, res, 200, "text/csv; charset=utf-8", text, strlen(text));
        free(text);
    } else {
        json_t *obj = indicator_report_json(&result, &view);
        json_object_set_new(obj, "meta",
                            json_pack("{s:I, s:I}", "facts_version",
                                      (json_int_t)req->app->facts_version, "facts_reloads",
                                      (json_int_t)req->app->facts_reloads));
        app_facts_done(req->app);
        http_json(req, res, 200, obj);
    }
    indicator_result_release(&result);
}

void api_indicators_get(struct http_request *req, struct http_response *res)
{
    indicators_answer(req, res, INDICATORS_JSON);
}

void api_indicators_csv(struct http_request *req, struct http_response *res)
{
    indicators_answer(req, res, INDICATORS_CSV);
}
