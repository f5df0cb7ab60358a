/* api_records.c - measurement: responses, risk reviews, the recommended step, assessments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/present.h"
#include "http/access.h"
#include "http/api/api.h"
#include "http/api/fields.h"
#include "http/app.h"
#include "http/auth.h"

const char *const api_risk_levels[] = { "low", "moderate", "high", NULL };

enum err_code api_do_response_create(struct http_request *req, json_t *body,
                                     struct store_response *response, struct error *err)
{
    static const char *const allowed[] = { "patient_id", "episode_id",  "instrument",
                                           "answers",    "answered_at", NULL };
    long long patient_id = 0, episode_id = 0;
    bool has_time = false;
    struct instrument_score score;
    struct store_patient patient;
    struct store_audit audit;
    long long answered_at = req->now;
    memset(response, 0, sizeof(*response));
    enum err_code rc = field_known(body, allowed, err);
    if (rc == ERR_OK)
        rc = field_int(body, "patient_id", true, 1, 1LL << 53, &patient_id, NULL, err);
    if (rc == ERR_OK)
        rc = field_int(body, "episode_id", false, 1, 1LL << 53, &episode_id, NULL, err);
    if (rc == ERR_OK)
        rc = field_time(body, "answered_at", false, &answered_at, &has_time, err);
    if (rc == ERR_OK && answered_at > req->now)
        rc = error_set(err, ERR_INVALID, "/answered_at", "\"answered_at\" is in the future");
    if (rc == ERR_OK)
        rc = access_patient_get(req, patient_id, ACCESS_WRITE, "response.create", &audit, &patient,
                                err);
    if (rc == ERR_OK)
        rc = api_score_response(req, "", json_object_get(body, "instrument"),
                                json_object_get(body, "answers"), api_patient_sex(&patient),
                                response, &score, err);
    response->patient_id = patient_id;
    response->episode_id = episode_id;
    response->answered_at = answered_at;
    response->entered_by = req->session->staff_id;
    snprintf(response->channel, sizeof(response->channel), "clinic");
    if (rc == ERR_OK)
        rc = store_response_add(req->app->store, response, &audit, err);
    return rc;
}

void api_responses_create(struct http_request *req, struct http_response *res)
{
    struct store_response response;
    struct error err;
    error_clear(&err);
    json_t *body = http_json_body(req, res);
    if (body == NULL)
        return;
    enum err_code rc = api_do_response_create(req, body, &response, &err);
    json_decref(body);
    if (rc != ERR_OK)
        return api_fail(req, res, &err);
    struct jsonw w;
    jsonw_init(&w);
    render_response(&w, &req->app->catalog, &response, req->lang);
    http_jsonw(req, res, 201, &w);
}

void api_responses_list(struct http_request *req, struct http_response *res)
{
    long long patient_id = api_required_query_id(req, res, "patient_id");
    struct store_audit audit;
    struct store_response *list = NULL;
    int count = 0;
    struct error err;
    error_clear(&err);
    if (patient_id == 0)
        return;
    if (access_patient(req, patient_id, ACCESS_READ, "response.list", &audit, &err) != ERR_OK ||
        store_response_list(req->app->store, patient_id, &list, &count, &err) != ERR_OK ||
        access_log_read(req, &audit, &err) != ERR_OK) {
        free(list);
        return api_fail(req, res, &err);
    }
    struct jsonw w;
    api_list_begin(&w, "responses");
    for (int i = 0; i < count; i++)
        render_response(&w, &req->app->catalog, &list[i], req->lang);
    free(list);
    api_list_end(req, res, &w);
}

enum err_code api_do_risk_review_create(struct http_request *req, json_t *body,
                                        struct store_risk_review *review, struct error *err)
{
    static const char *const allowed[] = { "patient_id", "level", "note", NULL };
    struct store_audit audit;
    long long patient_id = 0;
    memset(review, 0, sizeof(*review));
    enum err_code rc = field_known(body, allowed, err);
    if (rc == ERR_OK)
        rc = field_int(body, "patient_id", true, 1, 1LL << 53, &patient_id, NULL, err);
    if (rc == ERR_OK)
        rc = field_choice(body, "level", true, api_risk_levels, review->level,
                          sizeof(review->level), NULL, err);
    if (rc == ERR_OK)
        rc = field_string(body, "note", true, review->note, sizeof(review->note) - 1, NULL, err);
    if (rc == ERR_OK)
        rc = access_patient(req, patient_id, ACCESS_WRITE, "risk_review.create", &audit, err);
    review->patient_id = patient_id;
    review->staff_id = req->session->staff_id;
    review->at = req->now;
    if (rc == ERR_OK)
        rc = store_risk_review_add(req->app->store, review, &audit, err);
    return rc;
}

void api_risk_reviews_create(struct http_request *req, struct http_response *res)
{
    struct store_risk_review review;
    struct error err;
    error_clear(&err);
    json_t *body = http_json_body(req, res);
    if (body == NULL)
        return;
    enum err_code rc = api_do_risk_review_create(req, body, &review, &err);
    json_decref(body);
    if (rc != ERR_OK)
        return api_fail(req, res, &err);
    struct jsonw w;
    jsonw_init(&w);
    jsonw_object_open(&w);
    jsonw_kint(&w, "id", review.id);
    jsonw_kint(&w, "patient_id", review.patient_id);
    jsonw_kstring(&w, "level", review.level);
    jsonw_kstring(&w, "note", review.note);
    render_ktime(&w, "at", review.at);
    jsonw_object_close(&w);
    http_jsonw(req, res, 201, &w);
}

enum err_code api_episode_recommendation(struct http_request *req,
                                         const struct store_episode *episode,
                                         struct steps_result *result, struct error *err)
{
    struct store_response *list = NULL;
    struct store_patient patient;
    struct steps_input inputs[INSTRUMENT_MAX];
    int count = 0, used = 0;
    enum err_code rc = store_patient_get(req->app->store, episode->patient_id, &patient, err);
    if (rc == ERR_OK)
        rc = store_response_list(req->app->store, episode->patient_id, &list, &count, err);
    for (int i = count - 1; rc == ERR_OK && i >= 0; i--) { /* newest first */
        const struct store_response *r = &list[i];
        const struct instrument *ins = instrument_find(&req->app->catalog, r->instrument);
        bool seen = false;
        if (r->episode_id != episode->id || ins == NULL)
            continue;
        for (int j = 0; j < used; j++)
            seen = seen || strcmp(inputs[j].instrument, ins->id) == 0;
        if (!seen && used < INSTRUMENT_MAX)
            inputs[used++] =
                (struct steps_input){ ins->id, r->total,
                                      instrument_caseness(ins, r->total, api_patient_sex(&patient)),
                                      r->flags };
    }
    free(list);
    if (rc == ERR_OK && used == 0)
        return error_set(err, ERR_UNPROCESSABLE, NULL,
                         "no scored instruments in this episode yet: record PHQ-9 and GAD-7 first");
    if (rc == ERR_OK)
        rc = steps_recommend(&req->app->rules, inputs, used, result, err);
    if (rc == ERR_INVALID)
        rc = ERR_UNPROCESSABLE;
    return rc;
}

void api_episodes_recommendation(struct http_request *req, struct http_response *res)
{
    long long id = api_param_id(req, res, 0);
    struct store_episode episode;
    struct store_audit audit;
    struct steps_result result;
    struct error err;
    error_clear(&err);
    if (id == 0 ||
        !api_episode_access(req, res, id, ACCESS_READ, "recommendation.read", &episode, &audit))
        return;
    if (api_episode_recommendation(req, &episode, &result, &err) != ERR_OK ||
        access_log_read(req, &audit, &err) != ERR_OK)
        return api_fail(req, res, &err);
    http_json(req, res, 200, present_recommendation(&req->app->rules, &result, req->lang));
}

static enum err_code read_assessment(struct http_request *req, json_t *body,
                                     struct store_assessment *a, struct error *err)
{
    static const char *const allowed[] = { "episode_id", "problem", "chosen_step", "reason", NULL };
    long long episode_id = 0, step = 0;
    enum err_code rc = field_known(body, allowed, err);
    if (rc == ERR_OK)
        rc = field_int(body, "episode_id", true, 1, 1LL << 53, &episode_id, NULL, err);
    if (rc == ERR_OK)
        rc = field_int(body, "chosen_step", true, 0, req->app->rules.step_count - 1, &step, NULL,
                       err);
    if (rc == ERR_OK)
        rc = field_string(body, "problem", false, a->problem, sizeof(a->problem) - 1, NULL, err);
    if (rc == ERR_OK)
        rc = field_string(body, "reason", false, a->reason, sizeof(a->reason) - 1, NULL, err);
    a->episode_id = episode_id;
    a->chosen_step = (int)step;
    return rc;
}

enum err_code api_do_assessment_create(struct http_request *req, json_t *body,
                                       struct store_assessment *assessment,
                                       struct steps_result *result, struct error *err)
{
    struct store_episode episode;
    struct store_audit audit;
    memset(assessment, 0, sizeof(*assessment));
    memset(result, 0, sizeof(*result));
    enum err_code rc = read_assessment(req, body, assessment, err);
    if (rc == ERR_OK)
        rc = api_episode_load(req, assessment->episode_id, ACCESS_WRITE, "assessment.create",
                              &episode, &audit, err);
    if (rc == ERR_OK && episode.ended_at != 0)
        rc = error_set(err, ERR_CONFLICT, "/episode_id", "the episode has ended");
    if (rc == ERR_OK)
        rc = api_episode_recommendation(req, &episode, result, err);
    assessment->recommended_step = result->step;
    if (rc == ERR_OK && assessment->chosen_step != result->step && assessment->reason[0] == '\0')
        rc = error_set(err, ERR_UNPROCESSABLE, "/reason",
                       "the chosen step %d differs from the recommended step %d: give a reason",
                       assessment->chosen_step, result->step);
    assessment->staff_id = req->session->staff_id;
    assessment->at = req->now;
    if (rc == ERR_OK)
        rc = store_assessment_add(req->app->store, assessment, &audit, err);
    return rc;
}

void api_assessments_create(struct http_request *req, struct http_response *res)
{
    struct store_assessment assessment;
    struct steps_result result;
    struct error err;
    error_clear(&err);
    json_t *body = http_json_body(req, res);
    if (body == NULL)
        return;
    enum err_code rc = api_do_assessment_create(req, body, &assessment, &result, &err);
    json_decref(body);
    if (rc != ERR_OK)
        return api_fail(req, res, &err);
    json_t *recommendation = present_recommendation(&req->app->rules, &result, req->lang);
    struct jsonw w;
    jsonw_init(&w);
    jsonw_object_open(&w);
    render_assessment_members(&w, &assessment);
    jsonw_key(&w, "recommendation");
    jsonw_json(&w, recommendation);
    jsonw_object_close(&w);
    json_decref(recommendation);
    http_jsonw(req, res, 201, &w);
}

void api_assessments_list(struct http_request *req, struct http_response *res)
{
    long long episode_id = api_required_query_id(req, res, "episode_id");
    struct store_episode episode;
    struct store_audit audit;
    struct store_assessment *list = NULL;
    int count = 0;
    struct error err;
    error_clear(&err);
    if (episode_id == 0)
        return;
    if (!api_episode_access(req, res, episode_id, ACCESS_READ, "assessment.list", &episode, &audit))
        return;
    if (store_assessment_list(req->app->store, episode_id, &list, &count, &err) != ERR_OK ||
        access_log_read(req, &audit, &err) != ERR_OK) {
        free(list);
        return api_fail(req, res, &err);
    }
    struct jsonw w;
    api_list_begin(&w, "assessments");
    for (int i = 0; i < count; i++)
        render_assessment(&w, &list[i]);
    free(list);
    api_list_end(req, res, &w);
}
