/* api_care.c - the patient contract (with history), appointments and the triage queue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void api_contracts_put(struct http_request *req, struct http_response *res)
{
    long long id = api_param_id(req, res, 0);
    struct store_episode episode;
    struct store_contract contract;
    struct store_audit audit;
    struct error err;
    memset(&contract, 0, sizeof(contract));
    error_clear(&err);
    if (id == 0 ||
        !api_episode_access(req, res, id, ACCESS_WRITE, "contract.update", &episode, &audit))
        return;
    json_t *body = http_json_body(req, res);
    if (body == NULL)
        return;
    enum err_code rc = read_contract(req, body, &episode, &contract, &err);
    json_decref(body);
    if (rc == ERR_OK && episode.ended_at != 0)
        rc = error_set(&err, ERR_CONFLICT, NULL, "the episode has ended");
    contract.episode_id = id;
    contract.updated_at = req->now;
    contract.updated_by = req->session->staff_id;
    if (rc == ERR_OK)
        rc = store_contract_put(req->app->store, &contract, &audit, &err);
    if (rc != ERR_OK)
        return api_fail(req, res, &err);
    http_json(req, res, 200, render_contract(&contract));
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
    json_t *list = json_array();
    for (int i = 0; i < count; i++)
        json_array_append_new(list, render_contract(&history[i]));
    json_t *obj = render_contract(&history[count - 1]);
    free(history);
    json_object_set_new(obj, "history", list);
    http_json(req, res, 200, obj);
}

void api_appointments_create(struct http_request *req, struct http_response *res)
{
    static const char *const allowed[] = { "episode_id", "at", "intervention_code", "staff_id",
                                           NULL };
    struct store_appointment a;
    struct store_episode episode;
    struct store_audit audit;
    struct error err;
    bool has_staff = false;
    memset(&a, 0, sizeof(a));
    error_clear(&err);
    json_t *body = http_json_body(req, res);
    if (body == NULL)
        return;
    enum err_code rc = field_known(body, allowed, &err);
    if (rc == ERR_OK)
        rc = field_int(body, "episode_id", true, 1, 1LL << 53, &a.episode_id, NULL, &err);
    if (rc == ERR_OK)
        rc = field_time(body, "at", true, &a.at, NULL, &err);
    if (rc == ERR_OK)
        rc = field_string(body, "intervention_code", false, a.intervention_code,
                          sizeof(a.intervention_code) - 1, NULL, &err);
    if (rc == ERR_OK)
        rc = field_int(body, "staff_id", false, 1, 1LL << 53, &a.staff_id, &has_staff, &err);
    json_decref(body);
    if (rc != ERR_OK)
        return api_fail(req, res, &err);
    if (!api_episode_access(req, res, a.episode_id, ACCESS_WRITE, "appointment.create", &episode,
                            &audit))
        return;
    if (!has_staff)
        a.staff_id = req->session->staff_id;
    else if ((rc = check_contact(req, a.staff_id, episode.unit_id, &err)) != ERR_OK)
        snprintf(err.field, sizeof(err.field), "/staff_id");
    if (rc == ERR_OK && episode.ended_at != 0)
        rc = error_set(&err, ERR_CONFLICT, "/episode_id", "the episode has ended");
    snprintf(a.status, sizeof(a.status), "booked");
    if (rc == ERR_OK)
        rc = store_appointment_add(req->app->store, &a, &audit, &err);
    if (rc == ERR_NOT_FOUND && strcmp(err.field, "intervention_code") == 0)
        rc = error_set(&err, ERR_INVALID, "/intervention_code", "unknown intervention code");
    if (rc != ERR_OK)
        return api_fail(req, res, &err);
    http_json(req, res, 201, render_appointment(&a));
}

void api_appointments_update(struct http_request *req, struct http_response *res)
{
    static const char *const allowed[] = { "status", NULL };
    long long id = api_param_id(req, res, 0);
    struct store_appointment a;
    struct store_episode episode;
    struct store_audit audit;
    struct error err;
    char status[12];
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
    enum err_code rc = field_known(body, allowed, &err);
    if (rc == ERR_OK)
        rc = field_choice(body, "status", true, appointment_statuses, status, sizeof(status), NULL,
                          &err);
    json_decref(body);
    if (rc == ERR_OK)
        rc = store_appointment_set_status(req->app->store, id, status, &audit, &err);
    if (rc != ERR_OK)
        return api_fail(req, res, &err);
    snprintf(a.status, sizeof(a.status), "%s", status);
    http_json(req, res, 200, render_appointment(&a));
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
    json_t *array = json_array();
    for (int i = 0; i < count; i++)
        json_array_append_new(array, render_appointment(&list[i]));
    free(list);
    http_json(req, res, 200, json_pack("{s:o}", "appointments", array));
}

void api_triage(struct http_request *req, struct http_response *res)
{
    struct store_triage_row *rows = NULL;
    struct store_audit audit;
    int count = 0;
    struct error err;
    error_clear(&err);
    if (store_triage(req->app->store, req->session->unit_id, &rows, &count, &err) != ERR_OK)
        return api_fail(req, res, &err);
    access_audit_init(req, &audit, "triage.read", 0);
    snprintf(audit.detail, sizeof(audit.detail), "unit %lld, %d episodes listed",
             req->session->unit_id, count);
    if (access_log_read(req, &audit, &err) != ERR_OK) {
        free(rows);
        return api_fail(req, res, &err);
    }
    json_t *list = json_array();
    for (int i = 0; i < count; i++) {
        const struct store_triage_row *r = &rows[i];
        long long days = (req->now - r->referred_at) / 86400;
        json_array_append_new(
            list, json_pack("{s:I, s:I, s:s, s:s, s:o, s:I, s:b, s:o}", "episode_id",
                            (json_int_t)r->episode_id, "patient_id", (json_int_t)r->patient_id,
                            "patient_name", r->patient_name, "source", r->source, "referred_at",
                            render_time(r->referred_at), "days_waiting", (json_int_t)days,
                            "unresolved_risk", r->unresolved_risk, "max_severity",
                            r->max_severity >= 0 ? json_integer(r->max_severity) : json_null()));
    }
    free(rows);
    http_json(req, res, 200, json_pack("{s:o}", "triage", list));
}
