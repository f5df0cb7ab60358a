/* api_care.c - the patient contract (with history), appointments and the triage queue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/mem.h"
#include "http/access.h"
#include "http/api/api.h"
#include "http/api/fields.h"
#include "http/app.h"
#include "http/auth.h"

static const char *const appointment_statuses[] = { "booked", "attended", "missed", "cancelled",
                                                    NULL };

/* The named contact must be an active clinician of the episode's unit. */
static enum err_code check_contact(struct http_request *req, long long staff_id, long long unit_id,
                                   struct error *err)
{
    struct store_staff staff;
    if (store_staff_get(req->app->store, staff_id, &staff, NULL) != ERR_OK || !staff.active ||
        strcmp(staff.role, "clinician") != 0)
        return error_set(err, ERR_INVALID, "/contact_staff_id",
                         "the named contact must be an active clinician");
    if (staff.unit_id != unit_id)
        return error_set(err, ERR_INVALID, "/contact_staff_id",
                         "the named contact must work at the episode's unit");
    return ERR_OK;
}

static enum err_code read_contract(struct http_request *req, json_t *body,
                                   const struct store_episode *episode, struct store_contract *c,
                                   struct error *err)
{
    static const char *const allowed[] = {
        "contact_staff_id", "goals", "plan", "next_contact_at", "municipal_coordination", NULL
    };
    long long contact = 0;
    enum err_code rc = field_known(body, allowed, err);
    if (rc == ERR_OK)
        rc = field_int(body, "contact_staff_id", true, 1, 1LL << 53, &contact, NULL, err);
    if (rc == ERR_OK)
        rc = field_string(body, "goals", true, c->goals, sizeof(c->goals) - 1, NULL, err);
    if (rc == ERR_OK)
        rc = field_string(body, "plan", true, c->plan, sizeof(c->plan) - 1, NULL, err);
    if (rc == ERR_OK)
        rc = field_time(body, "next_contact_at", false, &c->next_contact_at, NULL, err);
    if (rc == ERR_OK)
        rc = field_string(body, "municipal_coordination", false, c->municipal_coordination,
                          sizeof(c->municipal_coordination) - 1, NULL, err);
    if (rc == ERR_OK)
        rc = check_contact(req, contact, episode->unit_id, err);
    c->contact_staff_id = contact;
    return rc;
}

enum err_code api_do_contract_put(struct http_request *req, json_t *body,
                                  const struct store_episode *episode,
                                  const struct store_audit *audit, struct store_contract *contract,
                                  struct error *err)
{
    memset(contract, 0, sizeof(*contract));
    enum err_code rc = read_contract(req, body, episode, contract, err);
    if (rc == ERR_OK && episode->ended_at != 0)
        rc = error_set(err, ERR_CONFLICT, NULL, "the episode has ended");
    contract->episode_id = episode->id;
    contract->updated_at = req->now;
    contract->updated_by = req->session->staff_id;
    if (rc == ERR_OK)
        rc = store_contract_put(req->app->store, contract, audit, err);
    return rc;
}

void api_contracts_put(struct http_request *req, struct http_response *res)
{
    long long id = api_param_id(req, res, 0);
    struct store_episode episode;
    struct store_contract contract;
    struct store_audit audit;
    struct error err;
    error_clear(&err);
    if (id == 0 ||
        !api_episode_access(req, res, id, ACCESS_WRITE, "contract.update", &episode, &audit))
        return;
    json_t *body = http_json_body(req, res);
    if (body == NULL)
        return;
    enum err_code rc = api_do_contract_put(req, body, &episode, &audit, &contract, &err);
    json_decref(body);
    if (rc != ERR_OK)
        return api_fail(req, res, &err);
    struct jsonw w;
    jsonw_init(&w);
    render_contract(&w, &contract);
    http_jsonw(req, res, 200, &w);
}

void api_contracts_get(struct http_request *req, struct http_response *res)
{
    long long id = api_param_id(req, res, 0);
    struct store_episode episode;
    struct store_contract *history = NULL;
    struct store_audit audit;
    int count = 0;
    struct error err;
    error_clear(&err);
    if (id == 0 ||
        !api_episode_access(req, res, id, ACCESS_READ, "contract.read", &episode, &audit))
        return;
    if (store_contract_history(req->app->store, id, &history, &count, &err) != ERR_OK ||
        access_log_read(req, &audit, &err) != ERR_OK) {
        free(history);
        return api_fail(req, res, &err);
    }
    if (count == 0)
        return http_problem(req, res, 404, "Not Found", "the episode has no contract yet", NULL);
    struct jsonw w;
    jsonw_init(&w);
    jsonw_object_open(&w);
    render_contract_members(&w, &history[count - 1]);
    jsonw_key(&w, "history");
    jsonw_array_open(&w);
    for (int i = 0; i < count; i++)
        render_contract(&w, &history[i]);
    jsonw_array_close(&w);
    jsonw_object_close(&w);
    free(history);
    http_jsonw(req, res, 200, &w);
}

enum err_code api_do_appointment_create(struct http_request *req, json_t *body,
                                        struct store_appointment *a, struct error *err)
{
    static const char *const allowed[] = { "episode_id", "at", "intervention_code", "staff_id",
                                           NULL };
    struct store_episode episode;
    struct store_audit audit;
    bool has_staff = false;
    memset(a, 0, sizeof(*a));
    enum err_code rc = field_known(body, allowed, err);
    if (rc == ERR_OK)
        rc = field_int(body, "episode_id", true, 1, 1LL << 53, &a->episode_id, NULL, err);
    if (rc == ERR_OK)
        rc = field_time(body, "at", true, &a->at, NULL, err);
    if (rc == ERR_OK)
        rc = field_string(body, "intervention_code", false, a->intervention_code,
                          sizeof(a->intervention_code) - 1, NULL, err);
    if (rc == ERR_OK)
        rc = field_int(body, "staff_id", false, 1, 1LL << 53, &a->staff_id, &has_staff, err);
    if (rc == ERR_OK)
        rc = api_episode_load(req, a->episode_id, ACCESS_WRITE, "appointment.create", &episode,
                              &audit, err);
    if (rc != ERR_OK)
        return rc;
    if (!has_staff)
        a->staff_id = req->session->staff_id;
    else
        rc = check_contact(req, a->staff_id, episode.unit_id, err);
    if (rc != ERR_OK && err != NULL)
        snprintf(err->field, sizeof(err->field), "/staff_id");
    if (rc == ERR_OK && episode.ended_at != 0)
        rc = error_set(err, ERR_CONFLICT, "/episode_id", "the episode has ended");
    snprintf(a->status, sizeof(a->status), "booked");
    if (rc == ERR_OK)
        rc = store_appointment_add(req->app->store, a, &audit, err);
    if (rc == ERR_NOT_FOUND && err != NULL && strcmp(err->field, "intervention_code") == 0)
        rc = error_set(err, ERR_INVALID, "/intervention_code", "unknown intervention code");
    return rc;
}

void api_appointments_create(struct http_request *req, struct http_response *res)
{
    struct store_appointment a;
    struct error err;
    error_clear(&err);
    json_t *body = http_json_body(req, res);
    if (body == NULL)
        return;
    enum err_code rc = api_do_appointment_create(req, body, &a, &err);
    json_decref(body);
    if (rc != ERR_OK)
        return api_fail(req, res, &err);
    struct jsonw w;
    jsonw_init(&w);
    render_appointment(&w, &a);
    http_jsonw(req, res, 201, &w);
}

enum err_code api_do_appointment_status(struct http_request *req, json_t *body,
                                        struct store_appointment *a,
                                        const struct store_audit *audit, struct error *err)
{
    static const char *const allowed[] = { "status", NULL };
    char status[12];
    enum err_code rc = field_known(body, allowed, err);
    if (rc == ERR_OK)
        rc = field_choice(body, "status", true, appointment_statuses, status, sizeof(status), NULL,
                          err);
    if (rc == ERR_OK)
        rc = store_appointment_set_status(req->app->store, a->id, status, audit, err);
    if (rc == ERR_OK)
        snprintf(a->status, sizeof(a->status), "%s", status);
    return rc;
}

void api_appointments_update(struct http_request *req, struct http_response *res)
{
    long long id = api_param_id(req, res, 0);
    struct store_appointment a;
    struct store_episode episode;
    struct store_audit audit;
    struct error err;
    error_clear(&err);
    if (id == 0)
        return;
    if (store_appointment_get(req->app->store, id, &a, &err) != ERR_OK)
        return api_fail(req, res, &err);
    if (!api_episode_access(req, res, a.episode_id, ACCESS_WRITE, "appointment.update", &episode,
                            &audit))
        return;
    json_t *body = http_json_body(req, res);
    if (body == NULL)
        return;
    enum err_code rc = api_do_appointment_status(req, body, &a, &audit, &err);
    json_decref(body);
    if (rc != ERR_OK)
        return api_fail(req, res, &err);
    struct jsonw w;
    jsonw_init(&w);
    render_appointment(&w, &a);
    http_jsonw(req, res, 200, &w);
}

void api_appointments_list(struct http_request *req, struct http_response *res)
{
    long long episode_id = api_required_query_id(req, res, "episode_id");
    struct store_episode episode;
    struct store_audit audit;
    struct store_appointment *list = NULL;
    int count = 0;
    struct error err;
    error_clear(&err);
    if (episode_id == 0)
        return;
    if (!api_episode_access(req, res, episode_id, ACCESS_READ, "appointment.list", &episode,
                            &audit))
        return;
    if (store_appointment_list(req->app->store, episode_id, &list, &count, &err) != ERR_OK ||
        access_log_read(req, &audit, &err) != ERR_OK) {
        free(list);
        return api_fail(req, res, &err);
    }
    struct jsonw w;
    api_list_begin(&w, "appointments");
    for (int i = 0; i < count; i++)
        render_appointment(&w, &list[i]);
    free(list);
    api_list_end(req, res, &w);
}

enum err_code api_do_triage(struct http_request *req, struct store_triage_row **rows, int *count,
                            struct error *err)
{
    struct store_audit audit;
    *rows = NULL;
    *count = 0;
    enum err_code rc = store_triage(req->app->store, req->session->unit_id, rows, count, err);
    if (rc != ERR_OK)
        return rc;
    access_audit_init(req, &audit, "triage.read", 0);
    snprintf(audit.detail, sizeof(audit.detail), "unit %lld, %d episodes listed",
             req->session->unit_id, *count);
    rc = access_log_read(req, &audit, err);
    if (rc != ERR_OK) {
        free(*rows);
        *rows = NULL;
        *count = 0;
    }
    return rc;
}

void api_triage(struct http_request *req, struct http_response *res)
{
    struct store_triage_row *rows = NULL;
    int count = 0;
    struct error err;
    error_clear(&err);
    if (api_do_triage(req, &rows, &count, &err) != ERR_OK)
        return api_fail(req, res, &err);
    struct jsonw w;
    api_list_begin(&w, "triage");
    for (int i = 0; i < count; i++) {
        const struct store_triage_row *r = &rows[i];
        jsonw_object_open(&w);
        jsonw_kint(&w, "episode_id", r->episode_id);
        jsonw_kint(&w, "patient_id", r->patient_id);
        jsonw_kstring(&w, "patient_name", r->patient_name);
        jsonw_kstring(&w, "source", r->source);
        render_ktime(&w, "referred_at", r->referred_at);
        jsonw_kint(&w, "days_waiting", (req->now - r->referred_at) / 86400);
        jsonw_kbool(&w, "unresolved_risk", r->unresolved_risk);
        jsonw_key(&w, "max_severity");
        if (r->max_severity >= 0)
            jsonw_int(&w, r->max_severity);
        else
            jsonw_null(&w);
        jsonw_object_close(&w);
    }
    free(rows);
    api_list_end(req, res, &w);
}

/* The day the current step started: the first of the latest run of assessments that chose it
 * (a later assessment confirming the same step does not restart it). 0 when none chose it. */
static long long step_started_at(const struct store_assessment *list, int count, int step)
{
    long long started = 0;
    for (int i = count - 1; i >= 0 && list[i].chosen_step == step; i--)
        started = list[i].at;
    return started;
}

/* The episode's scores on the step-up measures in answered_at order (stable: the storage order
 * breaks ties), as steps_check_step_up() takes them; it skips those before the step started.
 * `out` and `at` have room for `count`. */
static int step_up_measures(struct http_request *req, const struct store_response *list, int count,
                            long long episode_id, struct steps_measure *out, long long *at)
{
    const struct steps_step_up_rule *rule = &req->app->rules.step_up;
    int used = 0;
    for (int i = 0; i < count; i++) {
        bool measure = false;
        for (int m = 0; m < rule->measure_count; m++)
            measure = measure || strcmp(rule->measures[m], list[i].instrument) == 0;
        if (!measure || list[i].episode_id != episode_id)
            continue;
        int j = used++;
        for (; j > 0 && at[j - 1] > list[i].answered_at; j--) {
            out[j] = out[j - 1];
            at[j] = at[j - 1];
        }
        out[j] = (struct steps_measure){ list[i].instrument, list[i].total,
                                         date_to_days(datetime_date(list[i].answered_at)) };
        at[j] = list[i].answered_at;
    }
    return used;
}

enum err_code api_episode_step_up(struct http_request *req, const struct store_episode *episode,
                                  struct steps_step_up *out, struct error *err)
{
    struct store_assessment *assessments = NULL;
    struct store_appointment *appointments = NULL;
    struct store_response *responses = NULL;
    struct steps_measure *measures = NULL;
    long long *measure_at = NULL;
    struct store_patient patient;
    struct steps_progress progress;
    int assessment_count = 0, appointment_count = 0, response_count = 0;
    bool risk = false;
    memset(out, 0, sizeof(*out));
    memset(&progress, 0, sizeof(progress));
    if (episode->step < 0)
        return error_set(err, ERR_CONFLICT, NULL, "no step has been chosen for this episode yet");
    enum err_code rc = store_patient_get(req->app->store, episode->patient_id, &patient, err);
    if (rc == ERR_OK)
        rc = store_assessment_list(req->app->store, episode->id, &assessments, &assessment_count,
                                   err);
    if (rc == ERR_OK)
        rc = store_appointment_list(req->app->store, episode->id, &appointments, &appointment_count,
                                    err);
    if (rc == ERR_OK)
        rc = store_response_list(req->app->store, episode->patient_id, &responses, &response_count,
                                 err);
    if (rc == ERR_OK)
        rc = store_risk_unresolved(req->app->store, episode->patient_id, &risk, err);
    if (rc != ERR_OK)
        goto done;
    long long started = step_started_at(assessments, assessment_count, episode->step);
    if (started == 0)
        started = episode->assessed_at ? episode->assessed_at : episode->referred_at;
    progress.current_step = episode->step;
    progress.step_started_day = date_to_days(datetime_date(started));
    progress.today = date_to_days(datetime_date(req->now));
    progress.open_risk_flag = risk;
    for (int i = 0; i < appointment_count; i++)
        if (strcmp(appointments[i].status, "attended") == 0 && appointments[i].at >= started)
            progress.sessions_attended++;
    measures = xcalloc((size_t)response_count + 1, sizeof(*measures));
    measure_at = xcalloc((size_t)response_count + 1, sizeof(*measure_at));
    progress.measure_count =
        step_up_measures(req, responses, response_count, episode->id, measures, measure_at);
    progress.measures = measures;
    rc = steps_check_step_up(&req->app->rules, &req->app->catalog, &progress,
                             api_patient_sex(&patient), out, err);
done:
    free(assessments);
    free(appointments);
    free(responses);
    free(measures);
    free(measure_at);
    return rc;
}
