/* dash_catalog.c - the follow-up pages not about episodes: /tillganglighet (which
 * interventions the residents of each municipality can get, gaps marked in words) and
 * /utbildning (staff who have completed the stepped-care course, per unit). Both read the
 * store as it is now; staff counts and offerings are not patient data and are not suppressed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/indicator.h"
#include "http/app.h"
#include "http/web/dash.h"

/* The course every member of staff is expected to have (cli/demo_staff.c). */
#define REQUIRED_COURSE "stegvis_grund"

/* What both pages read; freed by region_release. */
struct region {
    struct store_unit *units;
    int unit_count;
    struct store_municipality *municipalities;
    int municipality_count;
};

static void region_release(struct region *r)
{
    free(r->units);
    free(r->municipalities);
}

static bool region_load(struct region *r, struct http_request *req, struct http_response *res)
{
    struct error err;
    error_clear(&err);
    memset(r, 0, sizeof(*r));
    if (store_unit_list(req->app->store, &r->units, &r->unit_count, &err) != ERR_OK ||
        store_municipality_list(req->app->store, &r->municipalities, &r->municipality_count,
                                &err) != ERR_OK) {
        region_release(r);
        web_error_page(req, res, 500, err.message);
        return false;
    }
    return true;
}

static int unit_index(const struct region *r, long long id)
{
    for (int u = 0; u < r->unit_count; u++)
        if (r->units[u].id == id)
            return u;
    return -1;
}

/* ---- /tillganglighet ------------------------------------------------------------------------ */

static const char *intervention_name(struct http_request *req, const struct store_intervention *i)
{
    return req->lang == LANG_EN ? i->name_en : i->name_sv;
}

static void availability_table(struct html *h, struct http_request *req, const struct region *r,
                               const struct store_intervention *interventions, int count,
                               const struct indicator_availability *a)
{
    html_raw(h, "<div class=\"table-scroll\"><table class=\"data dash-table\" "
                "id=\"availability\"><caption>");
    web_text(h, "dash.availability.table");
    html_raw(h, "</caption><thead><tr>");
    dash_th(h, "dash.col.intervention");
    for (int m = 0; m < r->municipality_count; m++) {
        html_raw(h, "<th scope=\"col\">");
        html_text(h, r->municipalities[m].name);
        html_raw(h, "</th>");
    }
    html_raw(h, "</tr></thead><tbody>");
    for (int i = 0; i < count; i++) {
        html_raw(h, "<tr");
        html_attr(h, "id", http_printf(req, "offer-%s", interventions[i].code));
        html_raw(h, "><th scope=\"row\">");
        html_text(h, intervention_name(req, &interventions[i]));
        html_raw(h, "</th>");
        for (int m = 0; m < r->municipality_count; m++) {
            int units = indicator_availability_units(a, i, m);
            html_raw(h, units > 0 ? "<td class=\"num\"" : "<td class=\"num dash-gap\"");
            html_attr(h, "data-municipality", r->municipalities[m].code);
            html_raw(h, ">");
            if (units > 0)
                html_text(h, http_printf(req, "%d", units));
            else
                web_text(h, "dash.availability.missing");
            html_raw(h, "</td>");
        }
        html_raw(h, "</tr>");
    }
    html_raw(h, "</tbody></table></div>\n<p class=\"dash-note\">");
    web_text(h, "dash.availability.note");
    html_raw(h, "</p>\n");
}

/* Per municipality with a gap: "Älvkarleby saknar: Gruppbehandling, ...". */
static void availability_gaps(struct html *h, struct http_request *req, const struct region *r,
                              const struct store_intervention *interventions, int count,
                              const struct indicator_availability *a)
{
    html_raw(h, "<h2>");
    web_text(h, "dash.availability.gaps");
    html_raw(h, "</h2>\n");
    if (a->gap_count == 0) {
        html_raw(h, "<p>");
        web_text(h, "dash.availability.no_gaps");
        html_raw(h, "</p>\n");
        return;
    }
    html_raw(h, "<ul class=\"dash-gaps\" id=\"gaps\">");
    for (int m = 0; m < r->municipality_count; m++) {
        const char *list = NULL;
        for (int i = 0; i < count; i++) {
            if (indicator_availability_units(a, i, m) != 0)
                continue;
            const char *name = intervention_name(req, &interventions[i]);
            list = list == NULL ? name : http_printf(req, "%s, %s", list, name);
        }
        if (list == NULL)
            continue;
        html_raw(h, "<li>");
        html_text(h, web_tn(req, "dash.availability.gap_item", "municipality",
                            r->municipalities[m].name, "interventions", list, NULL));
        html_raw(h, "</li>");
    }
    html_raw(h, "</ul>\n");
}

void dash_availability_page(struct http_request *req, struct http_response *res)
{
    struct region r;
    struct store_intervention *interventions = NULL;
    struct store_unit_offer *offers = NULL;
    int intervention_count = 0, offer_count = 0;
    struct indicator_availability a;
    struct error err;
    error_clear(&err);
    memset(&a, 0, sizeof(a));
    if (!region_load(&r, req, res))
        return;
    int *unit_municipality = calloc((size_t)r.unit_count + 1, sizeof(int));
    struct indicator_offer *pairs = NULL;
    enum err_code rc =
        unit_municipality != NULL ? ERR_OK : error_set(&err, ERR_NOMEM, NULL, "out of memory");
    if (rc == ERR_OK)
        rc = store_intervention_list(req->app->store, &interventions, &intervention_count, &err);
    if (rc == ERR_OK)
        rc = store_unit_offer_list(req->app->store, &offers, &offer_count, &err);
    if (rc == ERR_OK) {
        pairs = calloc((size_t)offer_count + 1, sizeof(*pairs));
        if (pairs == NULL)
            rc = error_set(&err, ERR_NOMEM, NULL, "out of memory");
    }
    if (rc == ERR_OK) {
        for (int u = 0; u < r.unit_count; u++) {
            unit_municipality[u] = INDICATOR_REGIONWIDE;
            if (strcmp(r.units[u].kind, "digital") == 0)
                continue;
            for (int m = 0; m < r.municipality_count; m++)
                if (strcmp(r.municipalities[m].code, r.units[u].municipality_code) == 0)
                    unit_municipality[u] = m;
        }
        int n = 0;
        for (int o = 0; o < offer_count; o++) {
            int unit = unit_index(&r, offers[o].unit_id), intervention = -1;
            for (int i = 0; i < intervention_count; i++)
                if (strcmp(interventions[i].code, offers[o].intervention_code) == 0)
                    intervention = i;
            if (unit >= 0 && intervention >= 0)
                pairs[n++] = (struct indicator_offer){ unit, intervention };
        }
        rc = indicator_availability(unit_municipality, r.unit_count, pairs, n, intervention_count,
                                    r.municipality_count, &a, &err);
    }
    free(pairs);
    free(offers);
    free(unit_municipality);
    if (rc != ERR_OK) {
        free(interventions);
        region_release(&r);
        web_error_page(req, res, 500, err.message);
        return;
    }

    struct html h;
    web_page_begin(&h, req, WEB_STAFF, web_t(req, "dash.availability.title"));
    dash_heading_now(&h, req, "dash.availability.title", "dash.availability.intro");
    availability_table(&h, req, &r, interventions, intervention_count, &a);
    availability_gaps(&h, req, &r, interventions, intervention_count, &a);
    web_page_end(&h, res, 200);
    indicator_availability_release(&a);
    free(interventions);
    region_release(&r);
}

/* ---- /utbildning ---------------------------------------------------------------------------- */

/* "73,3 %" (Swedish) or "73.3 %" (English); "-" when nobody is counted. */
static const char *share_text(struct http_request *req, const struct indicator_training *t)
{
    if (t->total == 0)
        return "-";
    char *text = http_printf(req, "%.1f %%", t->share * 100.0);
    if (req->lang == LANG_SV)
        for (char *c = text; *c != '\0'; c++)
            if (*c == '.')
                *c = ',';
    return text;
}

static void training_row(struct html *h, struct http_request *req, const char *name,
                         const char *code, const struct indicator_training *t, bool total)
{
    html_raw(h, total ? "<tr class=\"dash-total\"" : "<tr");
    if (code != NULL)
        html_attr(h, "data-unit", code);
    html_raw(h, "><th scope=\"row\">");
    html_text(h, name);
    html_raw(h, "</th><td class=\"num\">");
    html_text(h, http_printf(req, "%ld", t->total));
    html_raw(h, "</td><td class=\"num\">");
    html_text(h, http_printf(req, "%ld", t->completed));
    html_raw(h, "</td><td class=\"num\">");
    html_text(h, http_printf(req, "%ld", t->total - t->completed));
    html_raw(h, "</td><td class=\"num\">");
    html_text(h, share_text(req, t));
    html_raw(h, "</td></tr>");
}

void dash_training_page(struct http_request *req, struct http_response *res)
{
    struct region r;
    struct store_staff *staff = NULL;
    struct store_training *training = NULL;
    int staff_count = 0, training_count = 0;
    struct error err;
    error_clear(&err);
    if (!region_load(&r, req, res))
        return;
    struct indicator_staff *counted = NULL;
    struct indicator_training *per_unit = calloc((size_t)r.unit_count + 1, sizeof(*per_unit));
    struct indicator_training region;
    memset(&region, 0, sizeof(region));
    enum err_code rc =
        per_unit != NULL ? ERR_OK : error_set(&err, ERR_NOMEM, NULL, "out of memory");
    if (rc == ERR_OK)
        rc = store_staff_list(req->app->store, 0, &staff, &staff_count, &err);
    if (rc == ERR_OK)
        rc = store_training_list(req->app->store, 0, &training, &training_count, &err);
    if (rc == ERR_OK) {
        counted = calloc((size_t)staff_count + 1, sizeof(*counted));
        if (counted == NULL)
            rc = error_set(&err, ERR_NOMEM, NULL, "out of memory");
    }
    if (rc == ERR_OK) {
        for (int s = 0; s < staff_count; s++) {
            counted[s].unit = staff[s].unit_id != 0 ? unit_index(&r, staff[s].unit_id) : -1;
            counted[s].active = staff[s].active;
            for (int t = 0; t < training_count; t++)
                if (training[t].staff_id == staff[s].id &&
                    strcmp(training[t].course, REQUIRED_COURSE) == 0)
                    counted[s].courses |= 1u;
        }
        rc = indicator_training(counted, staff_count, 1u, r.unit_count, per_unit, &region, &err);
    }
    free(counted);
    free(training);
    free(staff);
    if (rc != ERR_OK) {
        free(per_unit);
        region_release(&r);
        web_error_page(req, res, 500, err.message);
        return;
    }

    struct html h;
    web_page_begin(&h, req, WEB_STAFF, web_t(req, "dash.training.title"));
    dash_heading_now(&h, req, "dash.training.title", "dash.training.intro");
    html_raw(&h, "<div class=\"table-scroll\"><table class=\"data dash-table\" id=\"training\">"
                 "<caption>");
    web_text(&h, "dash.training.table");
    html_raw(&h, "</caption><thead><tr>");
    dash_th(&h, "dash.col.unit");
    dash_th(&h, "dash.training.col.staff");
    dash_th(&h, "dash.training.col.completed");
    dash_th(&h, "dash.training.col.remaining");
    dash_th(&h, "dash.training.col.share");
    html_raw(&h, "</tr></thead><tbody>");
    for (int u = 0; u < r.unit_count; u++)
        training_row(&h, req, r.units[u].name, r.units[u].code, &per_unit[u], false);
    training_row(&h, req, web_t(req, "dash.region"), NULL, &region, true);
    html_raw(&h, "</tbody></table></div>\n<p class=\"dash-note\">");
    web_text(&h, "dash.training.note");
    html_raw(&h, "</p>\n");
    web_page_end(&h, res, 200);
    free(per_unit);
    region_release(&r);
}
