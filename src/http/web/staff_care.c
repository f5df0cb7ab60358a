/* staff_care.c - the patient contract (named contact, next agreed time, goals, plan, municipal
 * coordination) with its history, the treatment session (attendance and the session's measures,
 * with the step-up check), and ending an episode. Writes go through the API's actions
 * (api_do_contract_put(), api_do_appointment_create(), api_do_appointment_status(),
 * api_do_response_create(), api_do_episode_update()); the step-up check is the API's too
 * (api_episode_step_up()). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "http/api/api.h"
#include "http/app.h"
#include "http/auth.h"
#include "http/web/staff.h"

static const char *now_iso(struct http_request *req)
{
    char text[21];
    datetime_format(req->now, text);
    return http_strdup(req, text);
}

static const char *staff_name(struct http_request *req, const struct store_staff *list, int count,
                              long long id)
{
    for (int i = 0; i < count; i++)
        if (list[i].id == id)
            return list[i].display_name;
    struct store_staff one;
    if (id != 0 && store_staff_get(req->app->store, id, &one, NULL) == ERR_OK)
        return http_strdup(req, one.display_name);
    return "\xe2\x80\x93";
}

static void th_row(struct html *h, struct http_request *req, const char *const *ids, int count)
{
    html_raw(h, "<thead><tr>");
    for (int i = 0; i < count; i++) {
        html_raw(h, "<th scope=\"col\">");
        html_text(h, web_t(req, ids[i]));
        html_raw(h, "</th>");
    }
    html_raw(h, "</tr></thead>");
}

static void td(struct html *h, const char *text)
{
    html_raw(h, "<td>");
    html_text(h, text);
    html_raw(h, "</td>");
}

/* ---- the contract --------------------------------------------------------------------------- */

/* The named contact: an active clinician of the episode's unit (what the API accepts). */
static void contact_select(struct html *h, struct http_request *req,
                           const struct store_staff *staff, int count, long long chosen)
{
    html_raw(h, "<div class=\"field\"><label for=\"f-contact_staff_id\">");
    html_text(h, web_t(req, "staff.contract.contact"));
    html_raw(h, "</label><select class=\"input\" id=\"f-contact_staff_id\" "
                "name=\"contact_staff_id\" required>"
                "<option value=\"\"></option>");
    for (int i = 0; i < count; i++) {
        if (!staff[i].active || strcmp(staff[i].role, "clinician") != 0)
            continue;
        html_raw(h, "<option");
        html_attr_int(h, "value", staff[i].id);
        if (staff[i].id == chosen)
            html_raw(h, " selected");
        html_raw(h, ">");
        html_text(h, staff[i].display_name);
        html_raw(h, "</option>");
    }
    html_raw(h, "</select></div>");
}

static void contract_history(struct html *h, struct http_request *req,
                             const struct store_contract *list, int count,
                             const struct store_staff *staff, int staff_count)
{
    static const char *const cols[] = {
        "staff.contract.version", "staff.contract.updated",      "staff.contract.updated_by",
        "staff.contract.contact", "staff.contract.next_contact", "staff.contract.goals",
        "staff.contract.plan",    "staff.contract.municipal",
    };
    html_raw(h, "<section id=\"contract-history\"><h2>");
    html_text(h, web_t(req, "staff.contract.history"));
    html_raw(h, "</h2><div class=\"table-scroll\"><table class=\"data\">");
    th_row(h, req, cols, (int)(sizeof(cols) / sizeof(cols[0])));
    html_raw(h, "<tbody>");
    for (int i = count - 1; i >= 0; i--) {
        const struct store_contract *c = &list[i];
        html_raw(h, "<tr><td class=\"num\">");
        html_textf(h, "%d", c->version);
        html_raw(h, "</td>");
        td(h, web_datetime(req, c->updated_at));
        td(h, staff_name(req, staff, staff_count, c->updated_by));
        td(h, staff_name(req, staff, staff_count, c->contact_staff_id));
        td(h, c->next_contact_at ? web_datetime(req, c->next_contact_at) : "\xe2\x80\x93");
        td(h, c->goals);
        td(h, c->plan);
        td(h, c->municipal_coordination);
        html_raw(h, "</tr>");
    }
    html_raw(h, "</tbody></table></div></section>");
}

static void contract_render(struct http_request *req, struct http_response *res, long long id,
                            const struct web_form *sent, const struct error *sent_err, int status)
{
    struct staff_episode_page page;
    struct store_contract *history = NULL;
    struct store_staff *staff = NULL;
    int count = 0, staff_count = 0;
    struct error err;
    error_clear(&err);
    if (!staff_episode_open(req, res, id, "contract.read", &page))
        return;
    if (store_contract_history(req->app->store, id, &history, &count, &err) != ERR_OK ||
        store_staff_list(req->app->store, page.episode.unit_id, &staff, &staff_count, &err) !=
            ERR_OK) {
        free(history);
        return web_error_page(req, res, http_status_of_error(err.code), NULL);
    }
    const struct store_contract *current = count > 0 ? &history[count - 1] : NULL;
    struct html h;
    html_begin(&h, req);
    web_page_begin(&h, req, WEB_STAFF, web_t(req, "staff.contract.title"));
    staff_episode_header(&h, req, &page, "staff.contract.title");
    html_raw(&h, "<p>");
    html_text(&h, current ? web_tn(req, "staff.contract.current", "version",
                                   http_printf(req, "%d", current->version), NULL)
                          : web_t(req, "staff.contract.none"));
    html_raw(&h, "</p>");
    if (sent_err != NULL)
        staff_error_box(&h, req, sent_err);
    if (staff_can_write(req) && page.episode.ended_at == 0) {
        const char *contact = NULL, *next = NULL, *goals = NULL, *plan = NULL, *municipal = NULL;
        long long chosen = current ? current->contact_staff_id : req->session->staff_id;
        if (sent != NULL) {
            contact = web_form_get(sent, "contact_staff_id");
            chosen = contact ? atoll(contact) : 0;
            next = web_form_get(sent, "next_contact_at");
            goals = web_form_get(sent, "goals");
            plan = web_form_get(sent, "plan");
            municipal = web_form_get(sent, "municipal_coordination");
        } else if (current != NULL) {
            next = staff_iso_to_local(req, current->next_contact_at);
            goals = current->goals;
            plan = current->plan;
            municipal = current->municipal_coordination;
        }
        staff_form_begin(&h, req, res, http_printf(req, "/episoder/%lld/kontrakt", id));
        contact_select(&h, req, staff, staff_count, chosen);
        staff_input(&h, req, "next_contact_at", "datetime-local", "staff.contract.next_contact",
                    next, false);
        staff_textarea(&h, req, "goals", "staff.contract.goals", goals, true);
        staff_textarea(&h, req, "plan", "staff.contract.plan", plan, true);
        staff_textarea(&h, req, "municipal_coordination", "staff.contract.municipal", municipal,
                       false);
        html_raw(&h, "<button type=\"submit\" class=\"button\">");
        html_text(&h, web_t(req, "staff.contract.submit"));
        html_raw(&h, "</button></form>");
    }
    if (count > 0)
        contract_history(&h, req, history, count, staff, staff_count);
    free(history);
    free(staff);
    web_page_end(&h, res, status);
}

void staff_contract_page(struct http_request *req, struct http_response *res)
{
    long long id = staff_param_id(req, res, 0);
    if (id != 0)
        contract_render(req, res, id, NULL, NULL, 200);
}

void staff_contract_post(struct http_request *req, struct http_response *res)
{
    long long id = staff_param_id(req, res, 0);
    const struct web_form *form = id ? staff_form(req, res) : NULL;
    struct store_episode episode;
    struct store_audit audit;
    struct store_contract contract;
    struct error err;
    error_clear(&err);
    if (form == NULL)
        return;
    if (api_episode_load(req, id, ACCESS_WRITE, "contract.update", &episode, &audit, &err) !=
        ERR_OK)
        return staff_access_failed(req, res, &err);
    json_t *body = json_object();
    staff_json_int(body, form, "contact_staff_id");
    staff_json_text(body, form, "goals");
    staff_json_text(body, form, "plan");
    const char *next = staff_local_to_iso(req, web_form_get(form, "next_contact_at"));
    if (next != NULL)
        json_object_set_new(body, "next_contact_at", json_string(next));
    staff_json_text(body, form, "municipal_coordination");
    enum err_code rc = api_do_contract_put(req, body, &episode, &audit, &contract, &err);
    json_decref(body);
    if (rc != ERR_OK)
        return contract_render(req, res, id, form, &err, http_status_of_error(rc));
    staff_redirect(req, res, http_printf(req, "/episoder/%lld/kontrakt", id));
}

/* ---- the session ------------------------------------------------------------------------- */

static void reasons(struct html *h, struct http_request *req, const struct steps_step_up *up)
{
    char text[512];
    html_raw(h, "<ul class=\"reasons\">");
    for (int i = 0; i < up->reason_count; i++) {
        steps_reason_text(&req->app->rules, &up->reasons[i], req->lang, text, sizeof(text));
        html_raw(h, "<li>");
        html_text(h, text);
        html_raw(h, "</li>");
    }
    html_raw(h, "</ul>");
}

/* The step-up check (api_episode_step_up()): when due, a banner that proposes the next step with
 * the reasons; otherwise the reasons it is not (yet) due, quietly. */
static void step_up(struct html *h, struct http_request *req, const struct staff_episode_page *page)
{
    struct steps_step_up up;
    if (page->episode.ended_at != 0 || page->episode.step < 0 ||
        api_episode_step_up(req, &page->episode, &up, NULL) != ERR_OK)
        return;
    if (!up.due) {
        html_raw(h, "<div class=\"step-check\" id=\"step-check\"><h2>");
        html_text(h, web_t(req, "staff.session.step_check"));
        html_raw(h, "</h2>");
        reasons(h, req, &up);
        html_raw(h, "</div>");
        return;
    }
    html_raw(h, "<div class=\"banner-warning\" id=\"step-up\" role=\"status\"><h2>");
    html_text(h, web_t(req, "staff.session.step_up_title"));
    html_raw(h, "</h2><p>");
    html_text(h, web_t(req, "staff.session.step_up_proposed"));
    html_text(h, " ");
    html_raw(h, "<strong>");
    html_text(h, staff_step_name(req, up.next_step));
    html_raw(h, "</strong></p>");
    reasons(h, req, &up);
    html_raw(h, "<p><a");
    html_attr(h, "href",
              staff_link(req, http_printf(req, "/episoder/%lld/bedomning", page->episode.id)));
    html_raw(h, ">");
    html_text(h, web_t(req, "staff.session.to_assessment"));
    html_raw(h, "</a></p></div>");
}

static void session_form(struct html *h, struct http_request *req, struct http_response *res,
                         long long id, const struct web_form *sent)
{
    const struct steps_step_up_rule *rule = &req->app->rules.step_up;
    html_raw(h, "<section id=\"record-session\"><h2>");
    html_text(h, web_t(req, "staff.session.record"));
    html_raw(h, "</h2><p>");
    html_text(h, web_t(req, "staff.session.record_intro"));
    html_raw(h, "</p>");
    staff_form_begin(h, req, res, http_printf(req, "/episoder/%lld/session", id));
    for (int i = 0; i < rule->measure_count; i++) {
        const struct instrument *ins = instrument_find(&req->app->catalog, rule->measures[i]);
        if (ins != NULL)
            staff_measure_fields(h, req, ins, sent);
    }
    html_raw(h, "<button type=\"submit\" class=\"button\">");
    html_text(h, web_t(req, "staff.session.submit"));
    html_raw(h, "</button></form></section>");
}

static void sessions(struct html *h, struct http_request *req, const struct store_appointment *list,
                     int count)
{
    static const char *const cols[] = { "staff.session.when", "staff.session.status",
                                        "staff.session.clinician" };
    html_raw(h, "<section id=\"sessions\"><h2>");
    html_text(h, web_t(req, "staff.session.list"));
    html_raw(h, "</h2>");
    if (count == 0) {
        html_raw(h, "<p class=\"empty\">");
        html_text(h, web_t(req, "staff.session.none"));
        html_raw(h, "</p></section>");
        return;
    }
    html_raw(h, "<table class=\"data\">");
    th_row(h, req, cols, 3);
    html_raw(h, "<tbody>");
    for (int i = count - 1; i >= 0; i--) {
        html_raw(h, "<tr>");
        td(h, web_datetime(req, list[i].at));
        td(h, web_t(req, http_printf(req, "staff.session.status_%s", list[i].status)));
        td(h, staff_name(req, NULL, 0, list[i].staff_id));
        html_raw(h, "</tr>");
    }
    html_raw(h, "</tbody></table></section>");
}

static void session_render(struct http_request *req, struct http_response *res, long long id,
                           const struct web_form *sent, const struct error *sent_err, int status)
{
    struct staff_episode_page page;
    struct store_appointment *list = NULL;
    int count = 0;
    struct error err;
    error_clear(&err);
    if (!staff_episode_open(req, res, id, "appointment.list", &page))
        return;
    if (store_appointment_list(req->app->store, id, &list, &count, &err) != ERR_OK)
        return web_error_page(req, res, http_status_of_error(err.code), NULL);
    struct html h;
    html_begin(&h, req);
    web_page_begin(&h, req, WEB_STAFF, web_t(req, "staff.session.title"));
    staff_episode_header(&h, req, &page, "staff.session.title");
    step_up(&h, req, &page);
    if (sent_err != NULL)
        staff_error_box(&h, req, sent_err);
    if (page.episode.step < 0) {
        html_raw(&h, "<p class=\"empty\">");
        html_text(&h, web_t(req, "staff.session.no_step"));
        html_raw(&h, "</p>");
    }
    if (staff_can_write(req) && page.episode.ended_at == 0)
        session_form(&h, req, res, id, sent);
    sessions(&h, req, list, count);
    free(list);
    web_page_end(&h, res, status);
}

void staff_session_page(struct http_request *req, struct http_response *res)
{
    long long id = staff_param_id(req, res, 0);
    if (id != 0)
        session_render(req, res, id, NULL, NULL, 200);
}

/* An attended session now: the appointment (booked, then attended) and the measures entered. */
static enum err_code record_session(struct http_request *req, const struct web_form *form,
                                    const struct staff_episode_page *page, struct error *err)
{
    const struct steps_step_up_rule *rule = &req->app->rules.step_up;
    const char *const *ids = (const char *const *)rule->measures;
    struct store_appointment appointment;
    struct store_episode episode;
    struct store_audit audit;
    int stored = 0;
    enum err_code rc =
        staff_measures_check(req, form, ids, rule->measure_count, &page->patient, err);
    if (rc == ERR_INVALID && strcmp(err->field, "measures") == 0) /* none entered: attendance */
        rc = ERR_OK;
    if (rc != ERR_OK)
        return rc;
    json_t *body =
        json_pack("{s:I, s:s}", "episode_id", (json_int_t)page->episode.id, "at", now_iso(req));
    rc = api_do_appointment_create(req, body, &appointment, err);
    json_decref(body);
    if (rc == ERR_OK)
        rc = api_episode_load(req, page->episode.id, ACCESS_WRITE, "appointment.update", &episode,
                              &audit, err);
    if (rc == ERR_OK) {
        body = json_pack("{s:s}", "status", "attended");
        rc = api_do_appointment_status(req, body, &appointment, &audit, err);
        json_decref(body);
    }
    if (rc == ERR_OK)
        rc = staff_measures_store(req, form, ids, rule->measure_count, page, &stored, err);
    return rc;
}

void staff_session_post(struct http_request *req, struct http_response *res)
{
    long long id = staff_param_id(req, res, 0);
    const struct web_form *form = id ? staff_form(req, res) : NULL;
    struct staff_episode_page page;
    struct error err;
    error_clear(&err);
    if (form == NULL)
        return;
    enum err_code rc = staff_episode_for_write(req, id, "appointment.create", &page, &err);
    if (rc != ERR_OK)
        return staff_access_failed(req, res, &err);
    rc = record_session(req, form, &page, &err);
    if (rc != ERR_OK)
        return session_render(req, res, id, form, &err, http_status_of_error(rc));
    staff_redirect(req, res, http_printf(req, "/episoder/%lld/session", id));
}

/* ---- ending an episode --------------------------------------------------------------------- */

void staff_episode_end(struct http_request *req, struct http_response *res)
{
    long long id = staff_param_id(req, res, 0);
    const struct web_form *form = id ? staff_form(req, res) : NULL;
    struct staff_episode_page page;
    struct error err;
    error_clear(&err);
    if (form == NULL)
        return;
    enum err_code rc = staff_episode_for_write(req, id, "episode.update", &page, &err);
    if (rc != ERR_OK)
        return staff_access_failed(req, res, &err);
    json_t *body = json_pack("{s:s}", "ended_at", now_iso(req));
    staff_json_text(body, form, "end_reason");
    rc = api_do_episode_update(req, body, &page.episode, &page.audit, &err);
    json_decref(body);
    if (rc != ERR_OK)
        return staff_access_failed(req, res, &err);
    staff_redirect(req, res, http_printf(req, "/patienter/%lld", page.patient.id));
}
