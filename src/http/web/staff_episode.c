/* staff_episode.c - the common assessment procedure on one page: the risk assessment first when a
 * flag is open, the latest scores and the recommended step with its reasons, the choice of step
 * (a different step needs a reason), and the instruments entered in the clinic. Each form is
 * handed to the API's action (api_do_risk_review_create(), api_do_assessment_create(),
 * api_do_response_create()); a refused form comes back with the API's error and the values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/present.h"
#include "http/api/api.h"
#include "http/app.h"
#include "http/auth.h"
#include "http/web/staff.h"

/* The instruments of the common assessment, entered in the clinic. */
static const char *const assessment_measures[] = { "phq9", "gad7", "audit", "wsas" };
#define MEASURE_COUNT ((int)(sizeof(assessment_measures) / sizeof(assessment_measures[0])))

/* A form sent back: which one ("risk", "step", "measures"), the fields, what was wrong. */
struct sent {
    const char *which;
    const struct web_form *form;
    const struct error *err;
};

static const char *sent_field(const struct sent *s, const char *which, const char *name)
{
    if (s == NULL || s->which == NULL || strcmp(s->which, which) != 0)
        return NULL;
    return web_form_get(s->form, name);
}

static void sent_error(struct html *h, struct http_request *req, const struct sent *s,
                       const char *which)
{
    if (s != NULL && s->which != NULL && strcmp(s->which, which) == 0 && s->err != NULL)
        staff_error_box(h, req, s->err);
}

static void risk_section(struct html *h, struct http_request *req, struct http_response *res,
                         long long episode_id, const struct sent *s)
{
    const char *level = sent_field(s, "risk", "level");
    html_raw(h, "<section class=\"panel-risk\" id=\"risk\"><h2>");
    html_text(h, web_t(req, "staff.risk.title"));
    html_raw(h, "</h2><p>");
    staff_risk_badge(h, req);
    html_text(h, " ");
    html_text(h, web_t(req, "staff.risk.intro"));
    html_raw(h, "</p>");
    sent_error(h, req, s, "risk");
    if (!staff_can_write(req)) {
        html_raw(h, "</section>");
        return;
    }
    staff_form_begin(h, req, res, http_printf(req, "/episoder/%lld/bedomning", episode_id));
    staff_hidden(h, "form", "risk");
    html_raw(h, "<fieldset><legend>");
    html_text(h, web_t(req, "staff.risk.level"));
    html_raw(h, "</legend>");
    for (int i = 0; api_risk_levels[i] != NULL; i++) {
        const char *value = api_risk_levels[i];
        html_raw(h, "<div class=\"radio\"><input type=\"radio\" name=\"level\" required");
        html_attr(h, "id", http_printf(req, "f-level-%s", value));
        html_attr(h, "value", value);
        if (level != NULL && strcmp(level, value) == 0)
            html_raw(h, " checked");
        html_raw(h, "><label");
        html_attr(h, "for", http_printf(req, "f-level-%s", value));
        html_raw(h, ">");
        html_text(h, web_t(req, http_printf(req, "staff.risk.level_%s", value)));
        html_raw(h, "</label></div>");
    }
    html_raw(h, "</fieldset>");
    staff_textarea(h, req, "note", "staff.risk.note", sent_field(s, "risk", "note"), true);
    html_raw(h, "<button type=\"submit\" class=\"button\">");
    html_text(h, web_t(req, "staff.risk.submit"));
    html_raw(h, "</button></form></section>");
}

/* The recommended step and why (present_recommendation(): the same reasons as the API's). */
static void recommendation(struct html *h, struct http_request *req,
                           const struct steps_result *result)
{
    json_t *obj = present_recommendation(&req->app->rules, result, req->lang);
    json_t *reasons = json_object_get(obj, "reasons");
    html_raw(h, "<div class=\"recommendation\" id=\"recommendation\"><h2>");
    html_text(h, web_t(req, "staff.assessment.recommended"));
    html_raw(h, "</h2><p class=\"recommended-step\">");
    html_text(h, staff_step_name(req, result->step));
    html_raw(h, "</p><h3>");
    html_text(h, web_t(req, "staff.assessment.why"));
    html_raw(h, "</h3><ul class=\"reasons\">");
    for (size_t i = 0; i < json_array_size(reasons); i++) {
        html_raw(h, "<li>");
        html_text(h, json_string_value(json_object_get(json_array_get(reasons, i), "text")));
        html_raw(h, "</li>");
    }
    html_raw(h, "</ul></div>");
    json_decref(obj);
}

static void step_form(struct html *h, struct http_request *req, struct http_response *res,
                      const struct staff_episode_page *page, int recommended, const struct sent *s)
{
    const char *sent_step = sent_field(s, "step", "chosen_step");
    int chosen = sent_step                 ? atoi(sent_step)
                 : page->episode.step >= 0 ? page->episode.step
                                           : recommended;
    const char *problem = sent_field(s, "step", "problem");
    html_raw(h, "<section id=\"choose-step\"><h2>");
    html_text(h, web_t(req, "staff.assessment.choose"));
    html_raw(h, "</h2>");
    sent_error(h, req, s, "step");
    staff_form_begin(h, req, res, http_printf(req, "/episoder/%lld/bedomning", page->episode.id));
    staff_hidden(h, "form", "step");
    html_raw(h, "<fieldset><legend>");
    html_text(h, web_t(req, "staff.assessment.step"));
    html_raw(h, "</legend>");
    for (int step = 0; step < req->app->rules.step_count; step++) {
        html_raw(h, "<div class=\"radio\"><input type=\"radio\" name=\"chosen_step\"");
        html_attr(h, "id", http_printf(req, "f-step-%d", step));
        html_attr_int(h, "value", step);
        if (step == chosen)
            html_raw(h, " checked");
        html_raw(h, "><label");
        html_attr(h, "for", http_printf(req, "f-step-%d", step));
        html_raw(h, ">");
        html_text(h, staff_step_name(req, step));
        if (step == recommended) {
            html_raw(h, " <strong class=\"tag\">");
            html_text(h, web_t(req, "staff.assessment.recommended_tag"));
            html_raw(h, "</strong>");
        }
        html_raw(h, "</label></div>");
    }
    html_raw(h, "</fieldset>");
    staff_input(h, req, "problem", "text", "staff.episode.problem",
                problem ? problem : page->episode.problem, false);
    staff_textarea(h, req, "reason", "staff.assessment.reason", sent_field(s, "step", "reason"),
                   false);
    html_raw(h, "<p class=\"hint\">");
    html_text(h, web_t(req, "staff.assessment.reason_hint"));
    html_raw(h, "</p><button type=\"submit\" class=\"button\">");
    html_text(h, web_t(req, "staff.assessment.submit"));
    html_raw(h, "</button></form></section>");
}

static void measures_form(struct html *h, struct http_request *req, struct http_response *res,
                          long long episode_id, const struct sent *s)
{
    html_raw(h, "<section id=\"measures\"><h2>");
    html_text(h, web_t(req, "staff.assessment.enter"));
    html_raw(h, "</h2><p>");
    html_text(h, web_t(req, "staff.assessment.enter_intro"));
    html_raw(h, "</p>");
    sent_error(h, req, s, "measures");
    staff_form_begin(h, req, res, http_printf(req, "/episoder/%lld/bedomning", episode_id));
    staff_hidden(h, "form", "measures");
    for (int i = 0; i < MEASURE_COUNT; i++) {
        const struct instrument *ins = instrument_find(&req->app->catalog, assessment_measures[i]);
        if (ins != NULL)
            staff_measure_fields(
                h, req, ins,
                s != NULL && s->which && strcmp(s->which, "measures") == 0 ? s->form : NULL);
    }
    html_raw(h, "<button type=\"submit\" class=\"button\">");
    html_text(h, web_t(req, "staff.assessment.save_measures"));
    html_raw(h, "</button></form></section>");
}

static void history(struct html *h, struct http_request *req, const struct store_assessment *list,
                    int count)
{
    if (count == 0)
        return;
    html_raw(h, "<section id=\"assessments\"><h2>");
    html_text(h, web_t(req, "staff.assessment.history"));
    html_raw(h, "</h2><table class=\"data\"><thead><tr>");
    static const char *const cols[] = { "staff.chart.date", "staff.assessment.recommended",
                                        "staff.assessment.chosen", "staff.assessment.reason" };
    for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
        html_raw(h, "<th scope=\"col\">");
        html_text(h, web_t(req, cols[i]));
        html_raw(h, "</th>");
    }
    html_raw(h, "</tr></thead><tbody>");
    for (int i = count - 1; i >= 0; i--) {
        html_raw(h, "<tr><td>");
        html_text(h, web_datetime(req, list[i].at));
        html_raw(h, "</td><td>");
        html_text(h, staff_step_name(req, list[i].recommended_step));
        html_raw(h, "</td><td>");
        html_text(h, staff_step_name(req, list[i].chosen_step));
        html_raw(h, "</td><td>");
        html_text(h, list[i].reason);
        html_raw(h, "</td></tr>");
    }
    html_raw(h, "</tbody></table></section>");
}

/* Keep the episode's responses. */
static int episode_responses(struct store_response *list, int count, long long episode_id)
{
    int kept = 0;
    for (int i = 0; i < count; i++)
        if (list[i].episode_id == episode_id)
            list[kept++] = list[i];
    return kept;
}

static void render(struct http_request *req, struct http_response *res, long long id,
                   const struct sent *s, int status)
{
    struct staff_episode_page page;
    struct store_response *responses = NULL;
    struct store_assessment *assessments = NULL;
    int response_count = 0, assessment_count = 0;
    struct steps_result result;
    struct error err;
    error_clear(&err);
    if (!staff_episode_open(req, res, id, "assessment.list", &page))
        return;
    if (store_response_list(req->app->store, page.patient.id, &responses, &response_count, &err) !=
            ERR_OK ||
        store_assessment_list(req->app->store, id, &assessments, &assessment_count, &err) !=
            ERR_OK) {
        free(responses);
        return web_error_page(req, res, http_status_of_error(err.code), NULL);
    }
    response_count = episode_responses(responses, response_count, id);
    bool recommended = api_episode_recommendation(req, &page.episode, &result, &err) == ERR_OK;
    bool open = page.episode.ended_at == 0;
    struct html h;
    html_begin(&h, req);
    web_page_begin(&h, req, WEB_STAFF, web_t(req, "staff.assessment.title"));
    staff_episode_header(&h, req, &page, "staff.assessment.title");
    if (page.risk)
        risk_section(&h, req, res, id, s);
    html_raw(&h, "<section class=\"summary-grid\" id=\"summary\"><div><h2>");
    html_text(&h, web_t(req, "staff.patient.latest_scores"));
    html_raw(&h, "</h2>");
    staff_latest_scores(&h, req, responses, response_count);
    html_raw(&h, "</div><div>");
    if (recommended) {
        recommendation(&h, req, &result);
    } else {
        html_raw(&h, "<p class=\"empty\" id=\"recommendation\">");
        html_text(&h, web_t(req, "staff.assessment.no_recommendation"));
        html_raw(&h, "</p>");
    }
    html_raw(&h, "</div></section>");
    if (open && recommended && staff_can_write(req))
        step_form(&h, req, res, &page, result.step, s);
    if (open && staff_can_write(req))
        measures_form(&h, req, res, id, s);
    history(&h, req, assessments, assessment_count);
    free(responses);
    free(assessments);
    web_page_end(&h, res, status);
}

void staff_assessment_page(struct http_request *req, struct http_response *res)
{
    long long id = staff_param_id(req, res, 0);
    if (id != 0)
        render(req, res, id, NULL, 200);
}

static enum err_code post_risk(struct http_request *req, const struct web_form *form,
                               const struct staff_episode_page *page, struct error *err)
{
    struct store_risk_review review;
    json_t *body = json_pack("{s:I}", "patient_id", (json_int_t)page->patient.id);
    staff_json_text(body, form, "level");
    staff_json_text(body, form, "note");
    enum err_code rc = api_do_risk_review_create(req, body, &review, err);
    json_decref(body);
    return rc;
}

static enum err_code post_step(struct http_request *req, const struct web_form *form,
                               long long episode_id, struct error *err)
{
    struct store_assessment assessment;
    struct steps_result result;
    json_t *body = json_pack("{s:I}", "episode_id", (json_int_t)episode_id);
    staff_json_int(body, form, "chosen_step");
    staff_json_text(body, form, "problem");
    staff_json_text(body, form, "reason");
    enum err_code rc = api_do_assessment_create(req, body, &assessment, &result, err);
    json_decref(body);
    return rc;
}

static enum err_code post_measures(struct http_request *req, const struct web_form *form,
                                   const struct staff_episode_page *page, struct error *err)
{
    int stored = 0;
    enum err_code rc =
        staff_measures_check(req, form, assessment_measures, MEASURE_COUNT, &page->patient, err);
    if (rc == ERR_OK)
        rc =
            staff_measures_store(req, form, assessment_measures, MEASURE_COUNT, page, &stored, err);
    return rc;
}

/* POST /episoder/{id}/bedomning: the field "form" says which of the page's forms was sent. */
void staff_assessment_post(struct http_request *req, struct http_response *res)
{
    long long id = staff_param_id(req, res, 0);
    const struct web_form *form = id ? staff_form(req, res) : NULL;
    struct staff_episode_page page;
    struct error err;
    error_clear(&err);
    if (form == NULL)
        return;
    const char *which = web_form_get(form, "form");
    enum err_code rc;
    if (which != NULL && strcmp(which, "step") == 0) {
        rc = post_step(req, form, id, &err);
    } else if (which != NULL && (strcmp(which, "risk") == 0 || strcmp(which, "measures") == 0)) {
        bool risk = strcmp(which, "risk") == 0;
        rc = staff_episode_for_write(req, id, risk ? "risk_review.create" : "response.create",
                                     &page, &err);
        if (rc == ERR_OK)
            rc = risk ? post_risk(req, form, &page, &err) : post_measures(req, form, &page, &err);
    } else {
        return web_error_page(req, res, 400, NULL);
    }
    if (rc == ERR_FORBIDDEN || rc == ERR_NOT_FOUND)
        return staff_access_failed(req, res, &err);
    if (rc != ERR_OK) {
        struct sent s = { which, form, &err };
        return render(req, res, id, &s, http_status_of_error(rc));
    }
    staff_redirect(req, res, http_printf(req, "/episoder/%lld/bedomning", id));
}
