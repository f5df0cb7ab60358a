/* staff_util.c - what the staff pages share (staff.h): links under emergency access, forms as the
 * API's JSON, local times, errors in the page, the frame of an episode's pages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "http/api/api.h"
#include "http/app.h"
#include "http/auth.h"
#include "http/web/staff.h"

long long staff_param_id(struct http_request *req, struct http_response *res, int index)
{
    const char *s = index < req->param_count ? req->params[index] : "";
    char *end = NULL;
    long long id = 0;
    if (*s >= '1' && *s <= '9' && strlen(s) <= 18)
        id = strtoll(s, &end, 10);
    if (id <= 0 || end == NULL || *end != '\0') {
        web_error_page(req, res, 404, NULL);
        return 0;
    }
    return id;
}

bool staff_can_write(const struct http_request *req)
{
    return req->session != NULL && req->session->role == ROLE_CLINICIAN;
}

const char *staff_link(struct http_request *req, const char *path)
{
    const char *reason = http_query(req, "access_reason");
    if (reason == NULL || *reason == '\0')
        return path;
    return http_printf(req, "%s%caccess_reason=%s", path, strchr(path, '?') ? '&' : '?',
                       web_url_encode(req, reason));
}

void staff_redirect(struct http_request *req, struct http_response *res, const char *path)
{
    web_redirect(req, res, staff_link(req, path));
}

const struct web_form *staff_form(struct http_request *req, struct http_response *res)
{
    if (req->form == NULL) {
        struct web_form *form = http_alloc(req, sizeof(*form));
        web_form_parse(req, form);
        req->form = form;
    }
    if (!web_form_csrf_ok(req, req->form)) {
        web_error_page(req, res, 403, web_t(req, "error.csrf"));
        return NULL;
    }
    return req->form;
}

/* ---- forms as JSON ------------------------------------------------------------------------ */

void staff_json_text(json_t *obj, const struct web_form *form, const char *name)
{
    const char *value = web_form_get(form, name);
    if (value != NULL && *value != '\0')
        json_object_set_new(obj, name, json_string(value));
}

void staff_json_int(json_t *obj, const struct web_form *form, const char *name)
{
    const char *value = web_form_get(form, name);
    char *end = NULL;
    if (value == NULL || *value == '\0')
        return;
    long long n = strtoll(value, &end, 10);
    if (*end == '\0' && strlen(value) <= 18)
        json_object_set_new(obj, name, json_integer(n));
    else
        json_object_set_new(obj, name, json_string(value));
}

/* Local time is Europe/Stockholm for the whole process (web_timezone_init()), so mktime() and
 * localtime_r() convert wall-clock times with the right offset, summer time included. */
const char *staff_local_to_iso(struct http_request *req, const char *local)
{
    struct tm tm;
    char tail = 0;
    if (local == NULL || *local == '\0')
        return NULL;
    memset(&tm, 0, sizeof(tm));
    if (strlen(local) != 16 ||
        sscanf(local, "%4d-%2d-%2dT%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tail) != 5 ||
        !date_valid(tm.tm_year, tm.tm_mon, tm.tm_mday) || tm.tm_hour > 23 || tm.tm_min > 59)
        return local;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_isdst = -1;
    time_t epoch = mktime(&tm);
    if (epoch == (time_t)-1)
        return local;
    char out[21];
    datetime_format((long long)epoch, out);
    return http_strdup(req, out);
}

const char *staff_iso_to_local(struct http_request *req, long long epoch)
{
    struct tm tm;
    time_t t = (time_t)epoch;
    if (epoch == 0 || localtime_r(&t, &tm) == NULL)
        return "";
    return http_printf(req, "%04d-%02d-%02dT%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                       tm.tm_mday, tm.tm_hour, tm.tm_min);
}

/* ---- page parts ---------------------------------------------------------------------------- */

void staff_form_begin(struct html *h, struct http_request *req, struct http_response *res,
                      const char *action)
{
    html_raw(h, "<form method=\"post\"");
    html_attr(h, "action", staff_link(req, action));
    html_raw(h, ">");
    staff_hidden(h, "csrf", web_form_token(req, res));
}

void staff_hidden(struct html *h, const char *name, const char *value)
{
    html_raw(h, "<input type=\"hidden\"");
    html_attr(h, "name", name);
    html_attr(h, "value", value);
    html_raw(h, ">");
}

static void label(struct html *h, struct http_request *req, const char *name, const char *label_id,
                  bool required)
{
    html_raw(h, "<div class=\"field\"><label");
    html_attr(h, "for", http_printf(req, "f-%s", name));
    html_raw(h, ">");
    html_text(h, web_t(req, label_id));
    if (!required) {
        html_raw(h, " <span class=\"hint\">");
        html_text(h, web_t(req, "common.optional"));
        html_raw(h, "</span>");
    }
    html_raw(h, "</label>");
}

void staff_input(struct html *h, struct http_request *req, const char *name, const char *type,
                 const char *label_id, const char *value, bool required)
{
    label(h, req, name, label_id, required);
    html_raw(h, "<input class=\"input\"");
    html_attr(h, "type", type);
    html_attr(h, "id", http_printf(req, "f-%s", name));
    html_attr(h, "name", name);
    if (value != NULL && strcmp(type, "password") != 0)
        html_attr(h, "value", value);
    if (strcmp(type, "password") == 0)
        html_raw(h, " autocomplete=\"new-password\"");
    html_raw(h, required ? " required></div>" : "></div>");
}

void staff_textarea(struct html *h, struct http_request *req, const char *name,
                    const char *label_id, const char *value, bool required)
{
    label(h, req, name, label_id, required);
    html_raw(h, "<textarea class=\"input\" rows=\"3\"");
    html_attr(h, "id", http_printf(req, "f-%s", name));
    html_attr(h, "name", name);
    html_raw(h, required ? " required>" : ">");
    html_text(h, value);
    html_raw(h, "</textarea></div>");
}

/* The catalogue id that says what to fix for the member the API named. */
static const char *field_message(const struct error *err)
{
    static const char *const map[][2] = {
        { "/reason", "staff.error.reason" },
        { "/pnr", "staff.error.pnr" },
        { "pnr", "staff.error.pnr_taken" },
        { "/name", "staff.error.name" },
        { "/municipality_code", "staff.error.municipality" },
        { "/username", "staff.error.username" },
        { "username", "staff.error.username_taken" },
        { "/display_name", "staff.error.display_name" },
        { "/password", "staff.error.password" },
        { "/unit_code", "staff.error.unit" },
        { "/role", "staff.error.role" },
        { "/contact_staff_id", "staff.error.contact" },
        { "/goals", "staff.error.goals" },
        { "/plan", "staff.error.plan" },
        { "/next_contact_at", "staff.error.next_contact" },
        { "/end_reason", "staff.error.end_reason" },
        { "/level", "staff.error.level" },
        { "/note", "staff.error.note" },
        { "/instruments", "staff.error.instruments" },
        { "/chosen_step", "staff.error.step" },
        { "measures", "staff.error.no_measures" },
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(err->field, map[i][0]) == 0)
            return map[i][1];
    if (strncmp(err->field, "/answers", 8) == 0)
        return "staff.error.answers";
    switch (err->code) {
    case ERR_CONFLICT:
        return "staff.error.conflict";
    case ERR_FORBIDDEN:
        return "staff.error.forbidden";
    case ERR_NOT_FOUND:
        return "staff.error.not_found";
    case ERR_UNPROCESSABLE:
        return "staff.error.unprocessable";
    case ERR_INVALID:
        return "staff.error.invalid";
    default:
        return "staff.error.internal";
    }
}

void staff_error_box(struct html *h, struct http_request *req, const struct error *err)
{
    html_raw(h, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\"><h2>");
    html_text(h, web_t(req, "error.summary"));
    html_raw(h, "</h2><p>");
    html_text(h, web_t(req, field_message(err)));
    html_raw(h, "</p>");
    if (err->message[0] != '\0' && err->code != ERR_INTERNAL && err->code != ERR_IO) {
        html_raw(h, "<p class=\"error-detail\" lang=\"en\">");
        html_text(h, err->message);
        html_raw(h, "</p>");
    }
    html_raw(h, "</div>");
}

void staff_risk_badge(struct html *h, struct http_request *req)
{
    html_raw(h, "<span class=\"badge badge-risk\">");
    html_text(h, web_t(req, "staff.risk.badge"));
    html_raw(h, "</span>");
}

void staff_emergency_banner(struct html *h, struct http_request *req,
                            const struct store_audit *audit)
{
    if (!audit->emergency)
        return;
    html_raw(h, "<div class=\"banner-warning\" id=\"emergency-access\" role=\"status\"><strong>");
    html_text(h, web_t(req, "staff.access.banner_title"));
    html_raw(h, "</strong> ");
    html_text(h, web_t(req, "staff.access.banner_text"));
    html_raw(h, " <span class=\"access-reason\">");
    html_text(h, web_t(req, "staff.access.reason_given"));
    html_text(h, " ");
    html_text(h, http_query(req, "access_reason"));
    html_raw(h, "</span></div>");
}

static bool needs_reason(const struct error *err)
{
    return err->code == ERR_FORBIDDEN && strcmp(err->field, ACCESS_REASON_HEADER) == 0;
}

/* The page of its own that asks for the reason for emergency access: a GET form back to the
 * same address with access_reason, which access_patient() reads. */
static void reason_page(struct http_request *req, struct http_response *res)
{
    struct html h;
    const char *given = http_query(req, "access_reason");
    html_begin(&h, req);
    web_page_begin(&h, req, WEB_STAFF, web_t(req, "staff.access.title"));
    html_raw(&h, "<h1>");
    html_text(&h, web_t(req, "staff.access.title"));
    html_raw(&h, "</h1>");
    if (given != NULL && *given != '\0') {
        html_raw(&h, "<div class=\"error-summary\" role=\"alert\"><h2>");
        html_text(&h, web_t(req, "error.summary"));
        html_raw(&h, "</h2><p>");
        html_text(&h, web_t(req, "staff.access.too_short"));
        html_raw(&h, "</p></div>");
    }
    html_raw(&h, "<p>");
    html_text(&h, web_t(req, "staff.access.intro"));
    html_raw(&h, "</p><p>");
    html_text(&h, web_t(req, "staff.access.logged"));
    html_raw(&h, "</p><form method=\"get\" id=\"access-reason-form\"");
    html_attr(&h, "action", req->path);
    html_raw(&h, ">");
    const char *pnr = http_query(req, "pnr"); /* the patient search's argument */
    if (pnr != NULL)
        staff_hidden(&h, "pnr", pnr);
    html_raw(&h, "<div class=\"field\"><label for=\"f-access_reason\">");
    html_text(&h, web_t(req, "staff.access.reason"));
    html_raw(&h, "</label><input class=\"input\" type=\"text\" id=\"f-access_reason\" "
                 "name=\"access_reason\" "
                 "minlength=\"5\" maxlength=\"400\" required></div><button type=\"submit\" "
                 "class=\"button\">");
    html_text(&h, web_t(req, "staff.access.submit"));
    html_raw(&h, "</button> <a href=\"/triage\">");
    html_text(&h, web_t(req, "common.cancel"));
    html_raw(&h, "</a></form>");
    web_page_end(&h, res, 403);
}

void staff_access_failed(struct http_request *req, struct http_response *res,
                         const struct error *err)
{
    if (needs_reason(err) && strcmp(req->method, "GET") == 0)
        return reason_page(req, res);
    web_error_page(req, res, http_status_of_error(err->code), web_t(req, field_message(err)));
}

const char *staff_pnr(struct http_request *req, const char *pnr12)
{
    if (strlen(pnr12) != 12)
        return pnr12;
    return http_printf(req, "%.8s-%.4s", pnr12, pnr12 + 8);
}

int staff_instruments(struct http_request *req, const struct instrument **out)
{
    const struct instrument_catalog *cat = &req->app->catalog;
    const struct steps_step_up_rule *rule = &req->app->rules.step_up;
    int count = 0;
    for (int m = 0; m < rule->measure_count; m++) {
        const struct instrument *ins = instrument_find(cat, rule->measures[m]);
        if (ins != NULL && count < INSTRUMENT_MAX)
            out[count++] = ins;
    }
    for (int c = 0; c < cat->count && count < INSTRUMENT_MAX; c++) {
        bool listed = false;
        for (int i = 0; i < count && !listed; i++)
            listed = out[i] == cat->list[c];
        if (!listed)
            out[count++] = cat->list[c];
    }
    return count;
}

const char *staff_step_name(struct http_request *req, int step)
{
    return http_printf(req, "%s %d: %s", web_t(req, "staff.step"), step,
                       steps_name(&req->app->rules, step, req->lang));
}

/* ---- one episode's pages ---------------------------------------------------------------- */

bool staff_episode_open(struct http_request *req, struct http_response *res, long long id,
                        const char *action, struct staff_episode_page *page)
{
    struct error err;
    error_clear(&err);
    memset(page, 0, sizeof(*page));
    enum err_code rc =
        api_episode_load(req, id, ACCESS_READ, action, &page->episode, &page->audit, &err);
    if (rc == ERR_OK)
        rc = store_patient_get(req->app->store, page->episode.patient_id, &page->patient, &err);
    if (rc == ERR_OK)
        rc = store_risk_unresolved(req->app->store, page->episode.patient_id, &page->risk, &err);
    if (rc == ERR_OK)
        rc = access_log_read(req, &page->audit, &err);
    if (rc != ERR_OK) {
        staff_access_failed(req, res, &err);
        return false;
    }
    return true;
}

enum err_code staff_episode_for_write(struct http_request *req, long long id, const char *action,
                                      struct staff_episode_page *page, struct error *err)
{
    memset(page, 0, sizeof(*page));
    enum err_code rc =
        api_episode_load(req, id, ACCESS_WRITE, action, &page->episode, &page->audit, err);
    if (rc == ERR_OK)
        rc = store_patient_get(req->app->store, page->episode.patient_id, &page->patient, err);
    return rc;
}

void staff_episode_header(struct html *h, struct http_request *req,
                          const struct staff_episode_page *page, const char *title_id)
{
    staff_emergency_banner(h, req, &page->audit);
    html_raw(h, "<p class=\"patient-line\"><a");
    html_attr(h, "href", staff_link(req, http_printf(req, "/patienter/%lld", page->patient.id)));
    html_raw(h, ">");
    html_text(h, page->patient.name);
    html_raw(h, "</a> <span class=\"pnr\">");
    html_text(h, staff_pnr(req, page->patient.pnr));
    html_raw(h, "</span> ");
    if (page->risk)
        staff_risk_badge(h, req);
    html_raw(h, "</p><h1>");
    html_text(h, web_t(req, title_id));
    html_raw(h, "</h1><p class=\"episode-line\">");
    html_text(h, web_t(req, "staff.episode.referred"));
    html_text(h, " ");
    html_text(h, web_date(req, page->episode.referred_at));
    if (page->episode.step >= 0) {
        html_text(h, " \xc2\xb7 ");
        html_text(h, staff_step_name(req, page->episode.step));
    }
    if (page->episode.ended_at != 0) {
        html_text(h, " \xc2\xb7 ");
        html_text(h, web_t(req, "staff.episode.ended"));
        html_text(h, " ");
        html_text(h, web_date(req, page->episode.ended_at));
    }
    html_raw(h, "</p>");
}
