/* api_patients.c - patients and their episodes (referral, assessment, treatment, end). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/pnr.h"
#include "http/access.h"
#include "http/api/api.h"
#include "http/api/fields.h"
#include "http/app.h"
#include "http/auth.h"

const char *const api_episode_sources[] = { "self", "clinic", "other", NULL };
const char *const api_episode_end_reasons[] = { "completed",   "referred_on", "declined",
                                                "dropped_out", "moved",       "other",
                                                NULL };

/* Check and normalise the personnummer into the patient (pnr, birth date, sex). */
static enum err_code patient_pnr(struct http_request *req, const char *text,
                                 struct store_patient *patient, struct error *err)
{
    struct pnr p;
    if (pnr_parse(text, datetime_date(req->now), &p, err) != ERR_OK) {
        if (err != NULL)
            snprintf(err->field, sizeof(err->field), "/pnr");
        return ERR_INVALID;
    }
    snprintf(patient->pnr, sizeof(patient->pnr), "%s", p.digits);
    date_format(p.birth_date, patient->birth_date);
    snprintf(patient->sex, sizeof(patient->sex), "%s", sex_name(p.sex));
    return ERR_OK;
}

enum err_code api_read_patient(struct http_request *req, json_t *body,
                               struct store_patient *patient, struct error *err)
{
    static const char *const allowed[] = {
        "pnr", "name", "municipality_code", "listed_unit_code", "contact", NULL
    };
    char pnr[32], unit_code[32] = "";
    bool has_unit = false;
    enum err_code rc = field_known(body, allowed, err);
    if (rc == ERR_OK)
        rc = field_string(body, "pnr", true, pnr, sizeof(pnr) - 1, NULL, err);
    if (rc == ERR_OK)
        rc = patient_pnr(req, pnr, patient, err);
    if (rc == ERR_OK)
        rc = field_string(body, "name", true, patient->name, sizeof(patient->name) - 1, NULL, err);
    if (rc == ERR_OK)
        rc = field_string(body, "municipality_code", true, patient->municipality_code,
                          sizeof(patient->municipality_code) - 1, NULL, err);
    if (rc == ERR_OK)
        rc = field_string(body, "listed_unit_code", false, unit_code, sizeof(unit_code) - 1,
                          &has_unit, err);
    if (rc == ERR_OK)
        rc = field_string(body, "contact", false, patient->contact, sizeof(patient->contact) - 1,
                          NULL, err);
    if (rc == ERR_OK &&
        store_municipality_exists(req->app->store, patient->municipality_code, NULL) != ERR_OK)
        rc = error_set(err, ERR_INVALID, "/municipality_code", "unknown municipality code");
    patient->listed_unit_id = req->session != NULL ? req->session->unit_id : 0;
    struct store_unit unit;
    if (rc == ERR_OK && has_unit) {
        if (store_unit_by_code(req->app->store, unit_code, &unit, NULL) != ERR_OK)
            rc = error_set(err, ERR_INVALID, "/listed_unit_code", "unknown unit code");
        else
            patient->listed_unit_id = unit.id;
    }
    return rc;
}

enum err_code api_do_patient_create(struct http_request *req, json_t *body,
                                    struct store_patient *patient, struct error *err)
{
    struct store_audit audit;
    memset(patient, 0, sizeof(*patient));
    enum err_code rc = api_read_patient(req, body, patient, err);
    patient->created_at = req->now;
    access_audit_init(req, &audit, "patient.create", 0);
    if (rc == ERR_OK)
        rc = store_patient_add(req->app->store, patient, &audit, err);
    return rc;
}

void api_patients_create(struct http_request *req, struct http_response *res)
{
    struct store_patient patient;
    struct error err;
    error_clear(&err);
    json_t *body = http_json_body(req, res);
    if (body == NULL)
        return;
    enum err_code rc = api_do_patient_create(req, body, &patient, &err);
    json_decref(body);
    if (rc != ERR_OK)
        return api_fail(req, res, &err);
    http_add_header(res, "Location", http_printf(req, "/api/v1/patients/%lld", patient.id));
    struct jsonw w;
    jsonw_init(&w);
    render_patient(&w, &patient);
    http_jsonw(req, res, 201, &w);
}

enum err_code api_patient_record(struct http_request *req, long long id, const char *action,
                                 struct store_patient *patient, struct store_audit *audit,
                                 struct error *err)
{
    enum err_code rc = access_patient_get(req, id, ACCESS_READ, action, audit, patient, err);
    if (rc == ERR_OK)
        rc = access_log_read(req, audit, err);
    return rc;
}

enum err_code api_patient_by_pnr(struct http_request *req, const char *pnr_text,
                                 struct store_patient *patient, struct store_audit *audit,
                                 struct error *err)
{
    enum err_code rc = patient_pnr(req, pnr_text, patient, err);
    if (rc != ERR_OK)
        return rc;
    char pnr[sizeof(patient->pnr)]; /* a copy: the store clears `patient` before it searches */
    snprintf(pnr, sizeof(pnr), "%s", patient->pnr);
    rc = store_patient_by_pnr(req->app->store, pnr, patient, err);
    if (rc == ERR_OK)
        rc = api_patient_record(req, patient->id, "patient.search", patient, audit, err);
    return rc;
}

void api_patients_search(struct http_request *req, struct http_response *res)
{
    const char *text = http_query(req, "pnr");
    struct store_patient patient;
    struct store_audit audit;
    struct error err;
    error_clear(&err);
    if (text == NULL)
        return http_problem(req, res, 422, "Unprocessable Content",
                            "search needs the query argument pnr", NULL);
    enum err_code rc = api_patient_by_pnr(req, text, &patient, &audit, &err);
    if (rc == ERR_INVALID && strcmp(err.field, "/pnr") == 0) /* the argument, not a member */
        return http_problem(req, res, 422, "Unprocessable Content", err.message, NULL);
    if (rc != ERR_OK)
        return api_fail(req, res, &err);
    struct jsonw w;
    jsonw_init(&w);
    render_patient(&w, &patient);
    http_jsonw(req, res, 200, &w);
}

void api_patients_get(struct http_request *req, struct http_response *res)
{
    long long id = api_param_id(req, res, 0);
    struct store_patient patient;
    struct store_audit audit;
    struct store_episode *episodes = NULL;
    int count = 0;
    bool risk = false;
    struct error err;
    error_clear(&err);
    if (id == 0)
        return;
    if (api_patient_record(req, id, "patient.read", &patient, &audit, &err) != ERR_OK)
        return api_fail(req, res, &err);
    if (store_episode_list(req->app->store, id, &episodes, &count, &err) != ERR_OK ||
        store_risk_unresolved(req->app->store, id, &risk, &err) != ERR_OK) {
        free(episodes);
        return api_fail(req, res, &err);
    }
    struct jsonw w;
    jsonw_init(&w);
    jsonw_object_open(&w);
    render_patient_members(&w, &patient);
    jsonw_key(&w, "episodes");
    jsonw_array_open(&w);
    for (int i = 0; i < count; i++)
        render_episode(&w, &episodes[i]);
    jsonw_array_close(&w);
    free(episodes);
    jsonw_kbool(&w, "risk_unresolved", risk);
    jsonw_kbool(&w, "emergency_access", audit.emergency);
    jsonw_object_close(&w);
    http_jsonw(req, res, 200, &w);
}

enum err_code api_do_episode_create(struct http_request *req, json_t *body,
                                    struct store_episode *episode, struct error *err)
{
    static const char *const allowed[] = { "patient_id", "source", "referred_at", "problem", NULL };
    struct store_audit audit;
    long long patient_id = 0;
    bool has_time = false;
    memset(episode, 0, sizeof(*episode));
    enum err_code rc = field_known(body, allowed, err);
    if (rc == ERR_OK)
        rc = field_int(body, "patient_id", true, 1, (1LL << 53), &patient_id, NULL, err);
    if (rc == ERR_OK)
        rc = field_choice(body, "source", true, api_episode_sources, episode->source,
                          sizeof(episode->source), NULL, err);
    if (rc == ERR_OK)
        rc = field_time(body, "referred_at", false, &episode->referred_at, &has_time, err);
    if (rc == ERR_OK)
        rc = field_string(body, "problem", false, episode->problem, sizeof(episode->problem) - 1,
                          NULL, err);
    if (rc == ERR_OK && has_time && episode->referred_at > req->now)
        rc = error_set(err, ERR_INVALID, "/referred_at", "\"referred_at\" is in the future");
    if (rc == ERR_OK)
        rc = access_patient(req, patient_id, ACCESS_WRITE, "episode.create", &audit, err);
    episode->patient_id = patient_id;
    episode->unit_id = req->session->unit_id;
    episode->step = -1;
    if (!has_time)
        episode->referred_at = req->now;
    if (rc == ERR_OK)
        rc = store_episode_add(req->app->store, episode, &audit, err);
    return rc;
}

void api_episodes_create(struct http_request *req, struct http_response *res)
{
    struct store_episode episode;
    struct error err;
    error_clear(&err);
    json_t *body = http_json_body(req, res);
    if (body == NULL)
        return;
    enum err_code rc = api_do_episode_create(req, body, &episode, &err);
    json_decref(body);
    if (rc != ERR_OK)
        return api_fail(req, res, &err);
    http_add_header(res, "Location", http_printf(req, "/api/v1/episodes/%lld", episode.id));
    struct jsonw w;
    jsonw_init(&w);
    render_episode(&w, &episode);
    http_jsonw(req, res, 201, &w);
}

void api_episodes_get(struct http_request *req, struct http_response *res)
{
    long long id = api_param_id(req, res, 0);
    struct store_episode episode;
    struct store_audit audit;
    struct error err;
    error_clear(&err);
    if (id == 0 || !api_episode_access(req, res, id, ACCESS_READ, "episode.read", &episode, &audit))
        return;
    if (access_log_read(req, &audit, &err) != ERR_OK)
        return api_fail(req, res, &err);
    struct jsonw w;
    jsonw_init(&w);
    render_episode(&w, &episode);
    http_jsonw(req, res, 200, &w);
}

/* Apply the PATCH members to `e`; times must not go backwards or into the future. */
static enum err_code read_episode_update(struct http_request *req, json_t *body,
                                         struct store_episode *e, struct error *err)
{
    static const char *const allowed[] = { "treatment_started_at", "ended_at", "end_reason", NULL };
    bool has_start = false, has_end = false, has_reason = false;
    long long start = 0, end = 0;
    char reason[64] = "";
    enum err_code rc = field_known(body, allowed, err);
    if (rc == ERR_OK)
        rc = field_time(body, "treatment_started_at", false, &start, &has_start, err);
    if (rc == ERR_OK)
        rc = field_time(body, "ended_at", false, &end, &has_end, err);
    if (rc == ERR_OK)
        rc = field_choice(body, "end_reason", false, api_episode_end_reasons, reason,
                          sizeof(reason), &has_reason, err);
    if (rc != ERR_OK)
        return rc;
    if (e->ended_at != 0)
        return error_set(err, ERR_CONFLICT, NULL, "the episode has ended and cannot change");
    if (!has_start && !has_end)
        return error_set(err, ERR_INVALID, NULL, "give treatment_started_at or ended_at");
    if (has_end != has_reason)
        return error_set(err, ERR_INVALID, has_end ? "/end_reason" : "/ended_at",
                         "an episode ends with both \"ended_at\" and \"end_reason\"");
    if ((has_start && (start < e->referred_at || start > req->now)) ||
        (has_end && (end < e->referred_at || end > req->now)))
        return error_set(err, ERR_INVALID, has_start ? "/treatment_started_at" : "/ended_at",
                         "the time must be between the referral and now");
    if (has_start)
        e->treatment_started_at = start;
    if (has_end) {
        e->ended_at = end;
        snprintf(e->end_reason, sizeof(e->end_reason), "%s", reason);
    }
    return ERR_OK;
}

enum err_code api_do_episode_update(struct http_request *req, json_t *body,
                                    struct store_episode *episode, const struct store_audit *audit,
                                    struct error *err)
{
    struct store_episode changed = *episode;
    enum err_code rc = read_episode_update(req, body, &changed, err);
    if (rc == ERR_OK)
        rc = store_episode_update(req->app->store, &changed, audit, err);
    if (rc == ERR_OK)
        *episode = changed;
    return rc;
}

void api_episodes_update(struct http_request *req, struct http_response *res)
{
    long long id = api_param_id(req, res, 0);
    struct store_episode episode;
    struct store_audit audit;
    struct error err;
    error_clear(&err);
    if (id == 0 ||
        !api_episode_access(req, res, id, ACCESS_WRITE, "episode.update", &episode, &audit))
        return;
    json_t *body = http_json_body(req, res);
    if (body == NULL)
        return;
    enum err_code rc = api_do_episode_update(req, body, &episode, &audit, &err);
    json_decref(body);
    if (rc != ERR_OK)
        return api_fail(req, res, &err);
    struct jsonw w;
    jsonw_init(&w);
    render_episode(&w, &episode);
    http_jsonw(req, res, 200, &w);
}
