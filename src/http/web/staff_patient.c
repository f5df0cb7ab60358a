/* staff_patient.c - one page per patient: everything for the next decision above the fold (risk,
 * latest scores with bands, step and plan, next agreed time, named contact), then the episodes,
 * the invitation form and a chart per instrument. Read through api_patient_record() (audited;
 * another unit's patient only with a reason, and then under a banner that says it is logged). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api/api.h"
#include "http/app.h"
#include "http/auth.h"
#include "http/web/chart.h"
#include "http/web/staff.h"

/* Everything the page shows, read once under the one audited access. */
struct patient_view {
    struct store_patient patient;
    struct store_audit audit;
    bool risk;
    struct store_episode *episodes;
    int episode_count;
    const struct store_episode *current; /* the open episode at the session's unit, else the
                                            latest open one, else the latest; NULL when none */
    struct store_response *responses;    /* of the current episode (all when there is none), by
                                            answered_at */
    int response_count;
    bool has_contract;
    struct store_contract contract;
    struct store_staff contact;
};

static void view_release(struct patient_view *v)
{
    free(v->episodes);
    free(v->responses);
}

static const struct store_episode *current_episode(struct http_request *req,
                                                   const struct store_episode *list, int count)
{
    const struct store_episode *open = NULL;
    for (int i = count - 1; i >= 0; i--) {
        if (list[i].ended_at != 0)
            continue;
        if (list[i].unit_id == req->session->unit_id)
            return &list[i];
        if (open == NULL)
            open = &list[i];
    }
    return open != NULL ? open : count > 0 ? &list[count - 1] : NULL;
}

/* Keep the current episode's responses (all when there is no episode), in answered_at order
 * (stable: the storage order breaks ties). */
static int keep_responses(struct store_response *list, int count, long long episode_id)
{
    int kept = 0;
    for (int i = 0; i < count; i++) {
        if (episode_id != 0 && list[i].episode_id != episode_id)
            continue;
        struct store_response r = list[i];
        int j = kept++;
        for (; j > 0 && list[j - 1].answered_at > r.answered_at; j--)
            list[j] = list[j - 1];
        list[j] = r;
    }
    return kept;
}

static enum err_code view_load(struct http_request *req, long long id, struct patient_view *v,
                               struct error *err)
{
    memset(v, 0, sizeof(*v));
    enum err_code rc = api_patient_record(req, id, "patient.read", &v->patient, &v->audit, err);
    if (rc == ERR_OK)
        rc = store_episode_list(req->app->store, id, &v->episodes, &v->episode_count, err);
    if (rc == ERR_OK)
        rc = store_risk_unresolved(req->app->store, id, &v->risk, err);
    if (rc == ERR_OK)
        rc = store_response_list(req->app->store, id, &v->responses, &v->response_count, err);
    if (rc != ERR_OK)
        return rc;
    v->current = current_episode(req, v->episodes, v->episode_count);
    v->response_count =
        keep_responses(v->responses, v->response_count, v->current ? v->current->id : 0);
    if (v->current != NULL &&
        store_contract_get(req->app->store, v->current->id, &v->contract, NULL) == ERR_OK)
        v->has_contract = store_staff_get(req->app->store, v->contract.contact_staff_id,
                                          &v->contact, NULL) == ERR_OK;
    return ERR_OK;
}

static void dt_dd(struct html *h, struct http_request *req, const char *term_id, const char *value)
{
    html_raw(h, "<dt>");
    html_text(h, web_t(req, term_id));
    html_raw(h, "</dt><dd>");
    html_text(h, value != NULL && *value ? value : web_t(req, "staff.patient.not_set"));
    html_raw(h, "</dd>");
}

static const char *episode_link(struct http_request *req, const struct store_episode *e,
                                const char *page)
{
    return staff_link(req, http_printf(req, "/episoder/%lld/%s", e->id, page));
}

static void head(struct html *h, struct http_request *req, const struct patient_view *v)
{
    staff_emergency_banner(h, req, &v->audit);
    html_raw(h, "<div class=\"patient-head\"><h1>");
    html_text(h, v->patient.name);
    html_raw(h, "</h1><p class=\"patient-line\"><span class=\"pnr\">");
    html_text(h, staff_pnr(req, v->patient.pnr));
    html_raw(h, "</span>");
    if (v->patient.contact[0] != '\0') {
        html_text(h, " \xc2\xb7 ");
        html_text(h, v->patient.contact);
    }
    html_raw(h, "</p>");
    if (v->risk) {
        html_raw(h, "<p class=\"risk-line\">");
        staff_risk_badge(h, req);
        if (v->current != NULL && staff_can_write(req)) {
            html_raw(h, " <a");
            html_attr(h, "href",
                      http_printf(req, "%s#risk", episode_link(req, v->current, "bedomning")));
            html_raw(h, ">");
            html_text(h, web_t(req, "staff.risk.assess_now"));
            html_raw(h, "</a>");
        }
        html_raw(h, "</p>");
    }
    html_raw(h, "</div>");
}

void staff_latest_scores(struct html *h, struct http_request *req,
                         const struct store_response *list, int count)
{
    if (count == 0) {
        html_raw(h, "<p class=\"empty\">");
        html_text(h, web_t(req, "staff.patient.no_scores"));
        html_raw(h, "</p>");
        return;
    }
    html_raw(h, "<table class=\"data\" id=\"latest-scores\"><thead><tr><th scope=\"col\">");
    html_text(h, web_t(req, "staff.patient.instrument"));
    html_raw(h, "</th><th scope=\"col\">");
    html_text(h, web_t(req, "staff.chart.score"));
    html_raw(h, "</th><th scope=\"col\">");
    html_text(h, web_t(req, "staff.chart.band"));
    html_raw(h, "</th><th scope=\"col\">");
    html_text(h, web_t(req, "staff.chart.date"));
    html_raw(h, "</th></tr></thead><tbody>");
    const struct instrument *order[INSTRUMENT_MAX];
    int instruments = staff_instruments(req, order);
    for (int c = 0; c < instruments; c++) {
        const struct instrument *ins = order[c];
        const struct store_response *latest = NULL;
        for (int i = 0; i < count; i++)
            if (strcmp(list[i].instrument, ins->id) == 0 &&
                (latest == NULL || list[i].answered_at >= latest->answered_at))
                latest = &list[i];
        if (latest == NULL)
            continue;
        html_raw(h, "<tr><th scope=\"row\">");
        html_text(h, ins->name);
        html_raw(h, "</th><td class=\"num\">");
        html_textf(h, "%d", latest->total);
        html_raw(h, "</td><td>");
        web_band(h, req, ins->id, latest->band);
        html_raw(h, "</td><td>");
        html_text(h, web_date(req, latest->answered_at));
        html_raw(h, "</td></tr>");
    }
    html_raw(h, "</tbody></table>");
}

static void latest_scores(struct html *h, struct http_request *req, const struct patient_view *v)
{
    html_raw(h, "<div class=\"summary-scores\"><h2>");
    html_text(h, web_t(req, "staff.patient.latest_scores"));
    html_raw(h, "</h2>");
    staff_latest_scores(h, req, v->responses, v->response_count);
    html_raw(h, "</div>");
}

static void care_plan(struct html *h, struct http_request *req, const struct patient_view *v)
{
    const struct store_episode *e = v->current;
    html_raw(h, "<div class=\"summary-plan\"><h2>");
    html_text(h, web_t(req, "staff.patient.plan_title"));
    html_raw(h, "</h2><dl class=\"summary-list\" id=\"care-plan\">");
    dt_dd(h, req, "staff.patient.step",
          e != NULL && e->step >= 0 ? staff_step_name(req, e->step) : NULL);
    dt_dd(h, req, "staff.contract.plan", v->has_contract ? v->contract.plan : NULL);
    dt_dd(h, req, "staff.contract.next_contact",
          v->has_contract && v->contract.next_contact_at
              ? web_datetime(req, v->contract.next_contact_at)
              : NULL);
    dt_dd(h, req, "staff.contract.contact", v->has_contract ? v->contact.display_name : NULL);
    html_raw(h, "</dl>");
    if (e != NULL) {
        static const char *const pages[][2] = { { "bedomning", "staff.assessment.title" },
                                                { "kontrakt", "staff.contract.title" },
                                                { "session", "staff.session.title" } };
        html_raw(h, "<p class=\"actions\">");
        for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
            html_raw(h, "<a class=\"button-secondary\"");
            html_attr(h, "href", episode_link(req, e, pages[i][0]));
            html_raw(h, ">");
            html_text(h, web_t(req, pages[i][1]));
            html_raw(h, "</a> ");
        }
        html_raw(h, "</p>");
    }
    html_raw(h, "</div>");
}

static void end_form(struct html *h, struct http_request *req, struct http_response *res,
                     const struct store_episode *e)
{
    staff_form_begin(h, req, res, http_printf(req, "/episoder/%lld/avsluta", e->id));
    html_raw(h, "<div class=\"field\"><label for=\"f-end_reason\">");
    html_text(h, web_t(req, "staff.end.reason"));
    html_raw(h, "</label><select class=\"input\" id=\"f-end_reason\" name=\"end_reason\" required>"
                "<option value=\"\"></option>");
    for (int i = 0; api_episode_end_reasons[i] != NULL; i++) {
        const char *reason = api_episode_end_reasons[i];
        html_raw(h, "<option");
        html_attr(h, "value", reason);
        html_raw(h, ">");
        html_text(h, web_t(req, http_printf(req, "staff.end_reason.%s", reason)));
        html_raw(h, "</option>");
    }
    html_raw(h, "</select></div><button type=\"submit\" class=\"button-secondary\">");
    html_text(h, web_t(req, "staff.end.submit"));
    html_raw(h, "</button></form>");
}

static void new_episode_form(struct html *h, struct http_request *req, struct http_response *res,
                             long long patient_id)
{
    html_raw(h, "<h3>");
    html_text(h, web_t(req, "staff.episode.new"));
    html_raw(h, "</h3>");
    staff_form_begin(h, req, res, http_printf(req, "/patienter/%lld/episoder", patient_id));
    html_raw(h, "<fieldset><legend>");
    html_text(h, web_t(req, "staff.episode.source"));
    html_raw(h, "</legend>");
    const char *const *sources = api_episode_sources;
    for (int i = 0; sources[i] != NULL; i++) {
        html_raw(h, "<div class=\"radio\"><input type=\"radio\" name=\"source\"");
        html_attr(h, "id", http_printf(req, "f-source-%s", sources[i]));
        html_attr(h, "value", sources[i]);
        html_raw(h, strcmp(sources[i], "clinic") == 0 ? " checked><label" : "><label");
        html_attr(h, "for", http_printf(req, "f-source-%s", sources[i]));
        html_raw(h, ">");
        html_text(h, web_t(req, http_printf(req, "staff.source.%s", sources[i])));
        html_raw(h, "</label></div>");
    }
    html_raw(h, "</fieldset>");
    staff_textarea(h, req, "problem", "staff.episode.problem", NULL, false);
    html_raw(h, "<button type=\"submit\" class=\"button\">");
    html_text(h, web_t(req, "staff.episode.open"));
    html_raw(h, "</button></form>");
}

static void episodes(struct html *h, struct http_request *req, struct http_response *res,
                     const struct patient_view *v)
{
    bool open_here = false;
    html_raw(h, "<section id=\"episodes\"><h2>");
    html_text(h, web_t(req, "staff.patient.episodes"));
    html_raw(h, "</h2><div class=\"table-scroll\"><table class=\"data\"><thead><tr>");
    static const char *const cols[] = { "staff.episode.referred", "staff.episode.unit",
                                        "staff.episode.source", "staff.patient.step",
                                        "staff.episode.status" };
    for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
        html_raw(h, "<th scope=\"col\">");
        html_text(h, web_t(req, cols[i]));
        html_raw(h, "</th>");
    }
    html_raw(h, "</tr></thead><tbody>");
    for (int i = v->episode_count - 1; i >= 0; i--) {
        const struct store_episode *e = &v->episodes[i];
        struct store_unit unit;
        if (store_unit_get(req->app->store, e->unit_id, &unit, NULL) != ERR_OK)
            snprintf(unit.name, sizeof(unit.name), "%lld", e->unit_id);
        open_here = open_here || (e->ended_at == 0 && e->unit_id == req->session->unit_id);
        html_raw(h, e == v->current ? "<tr class=\"current\"><td>" : "<tr><td>");
        html_text(h, web_date(req, e->referred_at));
        html_raw(h, "</td><td>");
        html_text(h, unit.name);
        html_raw(h, "</td><td>");
        html_text(h, web_t(req, http_printf(req, "staff.source.%s", e->source)));
        html_raw(h, "</td><td>");
        html_text(h, e->step >= 0 ? staff_step_name(req, e->step) : "\xe2\x80\x93");
        html_raw(h, "</td><td>");
        if (e->ended_at != 0)
            html_text(h, web_tn(req, "staff.episode.ended_on", "date", web_date(req, e->ended_at),
                                "reason",
                                web_t(req, http_printf(req, "staff.end_reason.%s", e->end_reason)),
                                NULL));
        else
            html_text(h, web_t(req, "staff.episode.open_status"));
        html_raw(h, "</td></tr>");
    }
    html_raw(h, "</tbody></table></div>");
    if (staff_can_write(req) && v->current != NULL && v->current->ended_at == 0) {
        html_raw(h, "<details class=\"end-episode\"><summary>");
        html_text(h, web_t(req, "staff.end.title"));
        html_raw(h, "</summary>");
        end_form(h, req, res, v->current);
        html_raw(h, "</details>");
    }
    if (staff_can_write(req) && !open_here)
        new_episode_form(h, req, res, v->patient.id);
    html_raw(h, "</section>");
}

static void invitation_form(struct html *h, struct http_request *req, struct http_response *res,
                            const struct store_episode *e)
{
    html_raw(h, "<section id=\"invitation\"><h2>");
    html_text(h, web_t(req, "staff.invitation.title"));
    html_raw(h, "</h2><p>");
    html_text(h, web_t(req, "staff.invitation.intro"));
    html_raw(h, "</p>");
    staff_form_begin(h, req, res, http_printf(req, "/episoder/%lld/inbjudan", e->id));
    html_raw(h, "<fieldset><legend>");
    html_text(h, web_t(req, "staff.invitation.instruments"));
    html_raw(h, "</legend>");
    const struct instrument *order[INSTRUMENT_MAX];
    int instruments = staff_instruments(req, order);
    html_raw(h, "<div class=\"checks\">");
    for (int c = 0; c < instruments; c++) {
        const struct instrument *ins = order[c];
        html_raw(h, "<div class=\"check\"><input type=\"checkbox\" name=\"instruments\"");
        html_attr(h, "id", http_printf(req, "f-inv-%s", ins->id));
        html_attr(h, "value", ins->id);
        if (strcmp(ins->id, "phq9") == 0 || strcmp(ins->id, "gad7") == 0)
            html_raw(h, " checked");
        html_raw(h, "><label");
        html_attr(h, "for", http_printf(req, "f-inv-%s", ins->id));
        html_raw(h, ">");
        html_text(h, ins->name);
        html_raw(h, "</label></div>");
    }
    html_raw(h, "</div></fieldset><button type=\"submit\" class=\"button\">");
    html_text(h, web_t(req, "staff.invitation.submit"));
    html_raw(h, "</button></form></section>");
}

/* One chart per instrument that has scores in the current episode, in catalogue order. */
static void charts(struct html *h, struct http_request *req, const struct patient_view *v)
{
    struct chart_point *points = http_alloc(req, sizeof(*points) * (size_t)(v->response_count + 1));
    html_raw(h, "<section id=\"charts\"><h2>");
    html_text(h, web_t(req, "staff.patient.charts"));
    html_raw(h, "</h2>");
    const struct instrument *order[INSTRUMENT_MAX];
    int instruments = staff_instruments(req, order);
    for (int c = 0; c < instruments; c++) {
        const struct instrument *ins = order[c];
        int n = 0;
        for (int i = 0; i < v->response_count; i++)
            if (strcmp(v->responses[i].instrument, ins->id) == 0)
                points[n++] =
                    (struct chart_point){ v->responses[i].answered_at, v->responses[i].total };
        chart_instrument(h, req, ins, api_patient_sex(&v->patient), points, n);
    }
    html_raw(h, "</section>");
}

void staff_patient_page(struct http_request *req, struct http_response *res)
{
    long long id = staff_param_id(req, res, 0);
    struct patient_view v;
    struct error err;
    error_clear(&err);
    if (id == 0)
        return;
    if (view_load(req, id, &v, &err) != ERR_OK) {
        view_release(&v);
        return staff_access_failed(req, res, &err);
    }
    struct html h;
    html_begin(&h, req);
    web_page_begin(&h, req, WEB_STAFF, v.patient.name);
    head(&h, req, &v);
    html_raw(&h, "<section class=\"summary-grid\" id=\"summary\">");
    latest_scores(&h, req, &v);
    care_plan(&h, req, &v);
    html_raw(&h, "</section>");
    charts(&h, req, &v);
    episodes(&h, req, res, &v);
    if (staff_can_write(req) && v.current != NULL && v.current->ended_at == 0)
        invitation_form(&h, req, res, v.current);
    view_release(&v);
    web_page_end(&h, res, 200);
}
