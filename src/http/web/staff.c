/* staff.c - the staff pages' route table, the triage queue and the patient search. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api/api.h"
#include "http/app.h"
#include "http/auth.h"
#include "http/web/staff.h"

#define CLIN     ROLE_CLINICIAN
#define CLIN_MGR (ROLE_CLINICIAN | ROLE_MANAGER)

/* Roles as the API's routes for the same actions (routes.c). "/patienter/ny" comes before
 * "/patienter/{id}", which would match it too. */
static const struct route routes[] = {
    { "GET", "/triage", staff_triage, CLIN_MGR, BODY_NONE, ROUTE_HTML },
    { "GET", "/patienter", staff_patient_search, CLIN_MGR, BODY_NONE, ROUTE_HTML },
    { "GET", "/patienter/ny", staff_patient_new_form, CLIN, BODY_NONE, ROUTE_HTML },
    { "POST", "/patienter/ny", staff_patient_new, CLIN, BODY_FORM, ROUTE_HTML },
    { "GET", "/patienter/{id}", staff_patient_page, CLIN_MGR, BODY_NONE, ROUTE_HTML },
    { "POST", "/patienter/{id}/episoder", staff_episode_new, CLIN, BODY_FORM, ROUTE_HTML },
    { "GET", "/episoder/{id}/bedomning", staff_assessment_page, CLIN_MGR, BODY_NONE, ROUTE_HTML },
    { "POST", "/episoder/{id}/bedomning", staff_assessment_post, CLIN, BODY_FORM, ROUTE_HTML },
    { "GET", "/episoder/{id}/kontrakt", staff_contract_page, CLIN_MGR, BODY_NONE, ROUTE_HTML },
    { "POST", "/episoder/{id}/kontrakt", staff_contract_post, CLIN, BODY_FORM, ROUTE_HTML },
    { "GET", "/episoder/{id}/session", staff_session_page, CLIN_MGR, BODY_NONE, ROUTE_HTML },
    { "POST", "/episoder/{id}/session", staff_session_post, CLIN, BODY_FORM, ROUTE_HTML },
    { "POST", "/episoder/{id}/avsluta", staff_episode_end, CLIN, BODY_FORM, ROUTE_HTML },
    { "POST", "/episoder/{id}/inbjudan", staff_invitation_new, CLIN, BODY_FORM, ROUTE_HTML },
    { "GET", "/admin/personal", staff_admin_staff_page, ROLE_ADMIN, BODY_NONE, ROUTE_HTML },
    { "POST", "/admin/personal", staff_admin_staff_post, ROLE_ADMIN, BODY_FORM, ROUTE_HTML },
};

const struct route *web_staff_routes(int *count)
{
    *count = (int)(sizeof(routes) / sizeof(routes[0]));
    return routes;
}

/* ---- triage ------------------------------------------------------------------------------- */

/* The highest band severity as words and colour, never colour alone. */
static void severity(struct html *h, struct http_request *req, int level)
{
    if (level < 0 || level > 4) {
        html_text(h, web_t(req, "staff.triage.no_scores"));
        return;
    }
    html_raw(h, "<span");
    html_attr(h, "class", http_printf(req, "band band-%d", level));
    html_raw(h, ">");
    html_text(h, web_t(req, http_printf(req, "staff.severity.%d", level)));
    html_raw(h, "</span>");
}

static void search_form(struct html *h, struct http_request *req, const char *value)
{
    html_raw(h, "<form method=\"get\" action=\"/patienter\" class=\"search\" role=\"search\">"
                "<div class=\"field\"><label for=\"f-pnr-search\">");
    html_text(h, web_t(req, "staff.search.label"));
    html_raw(h, "</label><input class=\"input\" type=\"search\" id=\"f-pnr-search\" name=\"pnr\" "
                "inputmode=\"numeric\" autocomplete=\"off\" required");
    html_attr(h, "value", value ? value : "");
    html_raw(h, "></div><button type=\"submit\" class=\"button\">");
    html_text(h, web_t(req, "staff.search.submit"));
    html_raw(h, "</button></form>");
}

static void th(struct html *h, struct http_request *req, const char *id)
{
    html_raw(h, "<th scope=\"col\">");
    html_text(h, web_t(req, id));
    html_raw(h, "</th>");
}

static void triage_row(struct html *h, struct http_request *req, const struct store_triage_row *r)
{
    html_raw(h, r->unresolved_risk ? "<tr class=\"row-risk\"><td><a" : "<tr><td><a");
    html_attr(h, "href", http_printf(req, "/patienter/%lld", r->patient_id));
    html_raw(h, ">");
    html_text(h, r->patient_name);
    html_raw(h, "</a></td><td>");
    if (r->unresolved_risk)
        staff_risk_badge(h, req);
    else
        html_text(h, "\xe2\x80\x93");
    html_raw(h, "</td><td>");
    severity(h, req, r->max_severity);
    html_raw(h, "</td><td class=\"num\">");
    html_textf(h, "%lld", (req->now - r->referred_at) / 86400);
    html_raw(h, "</td><td>");
    html_text(h, web_date(req, r->referred_at));
    html_raw(h, "</td><td>");
    html_text(h, web_t(req, http_printf(req, "staff.source.%s", r->source)));
    html_raw(h, "</td><td><a");
    html_attr(h, "href", http_printf(req, "/episoder/%lld/bedomning", r->episode_id));
    html_raw(h, ">");
    html_text(h, web_t(req, "staff.triage.assess"));
    html_raw(h, "</a></td></tr>");
}

void staff_triage(struct http_request *req, struct http_response *res)
{
    struct store_triage_row *rows = NULL;
    int count = 0;
    struct error err;
    error_clear(&err);
    if (api_do_triage(req, &rows, &count, &err) != ERR_OK)
        return web_error_page(req, res, http_status_of_error(err.code), NULL);
    struct html h;
    html_begin(&h, req);
    web_page_begin(&h, req, WEB_STAFF, web_t(req, "staff.triage.title"));
    html_raw(&h, "<h1>");
    html_text(&h, web_t(req, "staff.triage.title"));
    html_raw(&h, "</h1><div class=\"toolbar\">");
    search_form(&h, req, NULL);
    if (staff_can_write(req)) {
        html_raw(&h, "<a class=\"button\" href=\"/patienter/ny\">");
        html_text(&h, web_t(req, "staff.patient_new.title"));
        html_raw(&h, "</a>");
    }
    html_raw(&h, "</div><p>");
    html_text(&h, web_t(req, "staff.triage.intro"));
    html_raw(&h, "</p>");
    if (count == 0) {
        html_raw(&h, "<p class=\"empty\">");
        html_text(&h, web_t(req, "staff.triage.empty"));
        html_raw(&h, "</p>");
    } else {
        html_raw(&h, "<div class=\"table-scroll\"><table class=\"data\" id=\"triage\"><caption>");
        html_text(&h, web_t(req, "staff.triage.caption"));
        html_raw(&h, "</caption><thead><tr>");
        th(&h, req, "staff.triage.patient");
        th(&h, req, "staff.triage.risk");
        th(&h, req, "staff.triage.severity");
        th(&h, req, "staff.triage.days");
        th(&h, req, "staff.triage.referred");
        th(&h, req, "staff.triage.source");
        th(&h, req, "staff.triage.action");
        html_raw(&h, "</tr></thead><tbody>");
        for (int i = 0; i < count; i++)
            triage_row(&h, req, &rows[i]);
        html_raw(&h, "</tbody></table></div>");
    }
    free(rows);
    web_page_end(&h, res, 200);
}

/* ---- patient search ------------------------------------------------------------------------ */

static void search_page(struct http_request *req, struct http_response *res, const char *value,
                        const struct error *err, int status)
{
    struct html h;
    html_begin(&h, req);
    web_page_begin(&h, req, WEB_STAFF, web_t(req, "staff.search.title"));
    html_raw(&h, "<h1>");
    html_text(&h, web_t(req, "staff.search.title"));
    html_raw(&h, "</h1>");
    if (err != NULL) {
        if (err->code == ERR_NOT_FOUND) {
            html_raw(&h, "<p class=\"empty\">");
            html_text(&h, web_t(req, "staff.search.none"));
            html_raw(&h, "</p>");
        } else {
            staff_error_box(&h, req, err);
        }
    }
    search_form(&h, req, value);
    web_page_end(&h, res, status);
}

/* GET /patienter?pnr=...: the API's search (api_patient_by_pnr(), audited); a patient at another
 * unit gets the reason page first, and the found patient's page keeps the reason. */
void staff_patient_search(struct http_request *req, struct http_response *res)
{
    const char *text = http_query(req, "pnr");
    struct store_patient patient;
    struct store_audit audit;
    struct error err;
    error_clear(&err);
    if (text == NULL || *text == '\0')
        return search_page(req, res, NULL, NULL, 200);
    enum err_code rc = api_patient_by_pnr(req, text, &patient, &audit, &err);
    if (rc == ERR_INVALID || rc == ERR_NOT_FOUND)
        return search_page(req, res, text, &err, rc == ERR_NOT_FOUND ? 404 : 422);
    if (rc != ERR_OK)
        return staff_access_failed(req, res, &err);
    staff_redirect(req, res, http_printf(req, "/patienter/%lld", patient.id));
}
