/* api.h - the JSON API's handlers (docs/api.md describes every endpoint) and what they share.
 * Handlers are thin: read and check input (fields.h), call core and the store, render. */
#ifndef STEGVIS_HTTP_API_API_H
#define STEGVIS_HTTP_API_API_H

#include <jansson.h>

#include "core/instrument.h"
#include "http/http.h"
#include "store/store.h"

/* ---- shared by the handlers (api_common.c) ---- */

/* The route parameter `index` as a positive id; answers 404 and returns 0 when it is not one. */
long long api_param_id(struct http_request *req, struct http_response *res, int index);

/* A query argument as a positive id: 0 when absent; -1 after answering 422 when malformed. */
long long api_query_id(struct http_request *req, struct http_response *res, const char *name);

/* A required query argument as a positive id; answers 422 and returns 0 when it is absent or
 * malformed. */
long long api_required_query_id(struct http_request *req, struct http_response *res,
                                const char *name);

/* Answer the problem for `err` and return: for use as `return api_fail(req, res, &err);`. */
void api_fail(struct http_request *req, struct http_response *res, const struct error *err);

/* Load the episode and check access to its patient for `kind`, filling `audit` for `action`.
 * On failure answers the problem and returns false. */
bool api_episode_access(struct http_request *req, struct http_response *res, long long episode_id,
                        int kind, const char *action, struct store_episode *episode,
                        struct store_audit *audit);

/* Score `answers` (a JSON array of option positions, null for unanswered, "na" for not
 * applicable) on `instrument_id` for a patient of `sex`, filling `out` (instrument, answers as
 * given, total, band, severity, flags) ready to store. ERR_INVALID with pointers under
 * `pointer_prefix` ("" or "/responses/1") on bad input. */
enum err_code api_score_response(struct http_request *req, const char *pointer_prefix,
                                 json_t *instrument_id, json_t *answers, enum sex sex,
                                 struct store_response *out, struct instrument_score *score,
                                 struct error *err) WARN_UNUSED;

/* Read and check a new patient from a JSON object (the API's body, or a web form turned into
 * JSON): pnr (normalised, with birth date and sex from it), name, municipality_code, optional
 * listed_unit_code (default: the session's unit, none without a session) and contact.
 * ERR_INVALID with the member's pointer. Web pages call this too: one validation path. */
enum err_code api_read_patient(struct http_request *req, json_t *body,
                               struct store_patient *patient, struct error *err) WARN_UNUSED;

/* The sex recorded for a patient ("female"/"male") as enum sex. */
enum sex api_patient_sex(const struct store_patient *patient);

/* ---- rendering records (api_render.c) ---- */
json_t *render_time(long long epoch); /* ISO 8601 UTC, or null for 0 */
json_t *render_patient(const struct store_patient *p);
json_t *render_episode(const struct store_episode *e);
json_t *render_response(const struct instrument_catalog *cat, const struct store_response *r,
                        enum lang lang);
json_t *render_assessment(const struct store_assessment *a);
json_t *render_contract(const struct store_contract *c);
json_t *render_appointment(const struct store_appointment *a);
json_t *render_unit(const struct store_unit *u);
json_t *render_staff(const struct store_staff *s);
json_t *render_audit(const struct store_audit *a);

/* ---- handlers ---- */
void api_login(struct http_request *req, struct http_response *res);
void api_logout(struct http_request *req, struct http_response *res);
void api_me(struct http_request *req, struct http_response *res);

void api_units_list(struct http_request *req, struct http_response *res);
void api_units_create(struct http_request *req, struct http_response *res);
void api_staff_list(struct http_request *req, struct http_response *res);
void api_staff_create(struct http_request *req, struct http_response *res);
void api_instruments_list(struct http_request *req, struct http_response *res);

void api_patients_create(struct http_request *req, struct http_response *res);
void api_patients_search(struct http_request *req, struct http_response *res);
void api_patients_get(struct http_request *req, struct http_response *res);

void api_episodes_create(struct http_request *req, struct http_response *res);
void api_episodes_get(struct http_request *req, struct http_response *res);
void api_episodes_update(struct http_request *req, struct http_response *res);
void api_episodes_recommendation(struct http_request *req, struct http_response *res);

void api_responses_create(struct http_request *req, struct http_response *res);
void api_responses_list(struct http_request *req, struct http_response *res);
void api_risk_reviews_create(struct http_request *req, struct http_response *res);

void api_assessments_create(struct http_request *req, struct http_response *res);
void api_assessments_list(struct http_request *req, struct http_response *res);

void api_contracts_put(struct http_request *req, struct http_response *res);
void api_contracts_get(struct http_request *req, struct http_response *res);

void api_appointments_create(struct http_request *req, struct http_response *res);
void api_appointments_update(struct http_request *req, struct http_response *res);
void api_appointments_list(struct http_request *req, struct http_response *res);

void api_triage(struct http_request *req, struct http_response *res);

void api_invitations_create(struct http_request *req, struct http_response *res);
void api_invitations_get(struct http_request *req, struct http_response *res);
void api_invitations_answer(struct http_request *req, struct http_response *res);

void api_audit_query(struct http_request *req, struct http_response *res);

#endif
