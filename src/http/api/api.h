/* api.h - the JSON API's handlers (docs/api.md describes every endpoint) and what they share.
 * Handlers are thin: read and check input (fields.h), call core and the store, render. */
#ifndef STEGVIS_HTTP_API_API_H
#define STEGVIS_HTTP_API_API_H

#include <jansson.h>

#include "core/instrument.h"
#include "core/steps.h"
#include "http/access.h"
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

/* A list answer, {"KEY": [...]}: api_list_begin() starts `w` (an uninitialised writer) and
 * opens the list; render the elements into `w`; api_list_end() closes it and answers 200. */
void api_list_begin(struct jsonw *w, const char *key);
void api_list_end(struct http_request *req, struct http_response *res, struct jsonw *w);

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

/* The values the API accepts for a few members, NULL-terminated (pages offer these choices). */
extern const char *const api_episode_sources[];     /* episode "source" */
extern const char *const api_episode_end_reasons[]; /* episode "end_reason" */
extern const char *const api_risk_levels[];         /* risk review "level" */
extern const char *const api_staff_roles[];         /* staff "role" */

/* ---- actions shared by the JSON handlers and the pages ----
 * One logic path: the API's handler and the page's form handler both call these. A `body` is a
 * JSON object (the API's request body, or a web form turned into JSON by the page) and is only
 * read (the caller keeps its reference). Each function checks the members in the order the API
 * documents, checks access (access.h, which fills the audit row), writes through the store with
 * that audit row, and fills its result. On error `err` has the code and the member's pointer,
 * and nothing is stored. `req->session` must be set (the routes need a role). */

/* Load episode `episode_id` and check access to its patient for `kind`, filling `audit` for
 * `action`. ERR_NOT_FOUND (no such episode or patient), ERR_FORBIDDEN (access.h rules). */
enum err_code api_episode_load(struct http_request *req, long long episode_id,
                               enum access_kind kind, const char *action,
                               struct store_episode *episode, struct store_audit *audit,
                               struct error *err) WARN_UNUSED;

/* Read the record of patient `id` for the session, with its audit row for `action` appended
 * (emergency access flagged in `audit`). Errors as access_patient(). */
enum err_code api_patient_record(struct http_request *req, long long id, const char *action,
                                 struct store_patient *patient, struct store_audit *audit,
                                 struct error *err) WARN_UNUSED;

/* Find a patient by personnummer `pnr_text` (any accepted form) and read the record as
 * api_patient_record() ("patient.search"). ERR_INVALID (field "/pnr") when it is not a valid
 * personnummer, ERR_NOT_FOUND when nobody has it. */
enum err_code api_patient_by_pnr(struct http_request *req, const char *pnr_text,
                                 struct store_patient *patient, struct store_audit *audit,
                                 struct error *err) WARN_UNUSED;

/* Register a patient (POST /patients): api_read_patient(), then the store ("patient.create").
 * ERR_CONFLICT (field "pnr") when the personnummer is registered already. */
enum err_code api_do_patient_create(struct http_request *req, json_t *body,
                                    struct store_patient *patient, struct error *err) WARN_UNUSED;

/* Open an episode at the session's unit (POST /episodes: patient_id, source, referred_at?,
 * problem?). */
enum err_code api_do_episode_create(struct http_request *req, json_t *body,
                                    struct store_episode *episode, struct error *err) WARN_UNUSED;

/* Change an episode already loaded for writing with api_episode_load() ("episode.update"):
 * treatment_started_at, or ended_at with end_reason (PATCH /episodes/{id}). `episode` is
 * updated in place. ERR_CONFLICT when it has ended. */
enum err_code api_do_episode_update(struct http_request *req, json_t *body,
                                    struct store_episode *episode, const struct store_audit *audit,
                                    struct error *err) WARN_UNUSED;

/* Record answers entered in the clinic (POST /responses: patient_id, episode_id?, instrument,
 * answers, answered_at?), scored by api_score_response(). */
enum err_code api_do_response_create(struct http_request *req, json_t *body,
                                     struct store_response *response,
                                     struct error *err) WARN_UNUSED;

/* Record a risk assessment that resolves the patient's earlier risk flags (POST /risk-reviews:
 * patient_id, level, note). */
enum err_code api_do_risk_review_create(struct http_request *req, json_t *body,
                                        struct store_risk_review *review,
                                        struct error *err) WARN_UNUSED;

/* The recommended step for an episode from the latest response per instrument in it.
 * ERR_UNPROCESSABLE when nothing usable is scored yet. Reads no access: load the episode with
 * api_episode_load() first. */
enum err_code api_episode_recommendation(struct http_request *req,
                                         const struct store_episode *episode,
                                         struct steps_result *result,
                                         struct error *err) WARN_UNUSED;

/* Record the common assessment (POST /assessments: episode_id, chosen_step, problem?, reason?)
 * and fill `result` with the recommendation it was made against. ERR_UNPROCESSABLE (field
 * "/reason") when the chosen step differs from the recommended one without a reason. */
enum err_code api_do_assessment_create(struct http_request *req, json_t *body,
                                       struct store_assessment *assessment,
                                       struct steps_result *result, struct error *err) WARN_UNUSED;

/* Store a new version of the contract of an episode loaded for writing with api_episode_load()
 * ("contract.update"; PUT /contracts/{id}: contact_staff_id, goals, plan, next_contact_at?,
 * municipal_coordination?). Sets contract->version. */
enum err_code api_do_contract_put(struct http_request *req, json_t *body,
                                  const struct store_episode *episode,
                                  const struct store_audit *audit, struct store_contract *contract,
                                  struct error *err) WARN_UNUSED;

/* Book an appointment (POST /appointments: episode_id, at, intervention_code?, staff_id?);
 * status "booked". */
enum err_code api_do_appointment_create(struct http_request *req, json_t *body,
                                        struct store_appointment *appointment,
                                        struct error *err) WARN_UNUSED;

/* Set the status of an appointment whose episode was loaded for writing with
 * api_episode_load() ("appointment.update"; PATCH /appointments/{id}: status). */
enum err_code api_do_appointment_status(struct http_request *req, json_t *body,
                                        struct store_appointment *appointment,
                                        const struct store_audit *audit,
                                        struct error *err) WARN_UNUSED;

/* The session's triage queue (store_triage() for its unit), with its "triage.read" audit row.
 * *rows is a new array (free()). */
enum err_code api_do_triage(struct http_request *req, struct store_triage_row **rows, int *count,
                            struct error *err) WARN_UNUSED;

/* The staff the session may list: an admin all, a manager their unit's. *list: free(). */
enum err_code api_staff_visible(struct http_request *req, struct store_staff **list, int *count,
                                struct error *err) WARN_UNUSED;

/* Create a staff account (POST /staff: username, display_name, role, unit_code, password),
 * audited "staff.create". ERR_CONFLICT (field "username") when the username is taken. */
enum err_code api_do_staff_create(struct http_request *req, json_t *body, struct store_staff *staff,
                                  struct error *err) WARN_UNUSED;

/* Create an invitation link for a patient's open episode (POST /invitations: patient_id,
 * episode_id, instruments, expires_in_days?), audited "invitation.create". `token` (at least
 * AUTH_TOKEN_LEN + 1 bytes) gets the link token, shown once (the store keeps its hash); "" on
 * error. */
enum err_code api_do_invitation_create(struct http_request *req, json_t *body,
                                       struct store_invitation *inv, char *token,
                                       struct error *err) WARN_UNUSED;

/* Whether a step-up review is due for an episode loaded with api_episode_load() (spec 4.4,
 * steps_check_step_up()): the step started with the assessment that chose the current step
 * (the first of the latest run of assessments choosing it); its measures are the episode's
 * responses since that day, its sessions the appointments attended since then, and the
 * patient's unresolved risk flag counts. ERR_CONFLICT when no step has been chosen yet. */
enum err_code api_episode_step_up(struct http_request *req, const struct store_episode *episode,
                                  struct steps_step_up *out, struct error *err) WARN_UNUSED;

/* ---- the patient's side: invitations and self-referral, shared by the JSON API and the
 * patient's pages (api_invitations.c, api_self_referral.c). There is no session here: the link
 * token is the patient's key, and audit rows name the actor "invitation" or "self-referral". */

/* The invitation of link token `token` (the TOKEN in /i/TOKEN). ERR_NOT_FOUND "no such
 * invitation" when there is none (or the token is not one we make); ERR_GONE "this invitation
 * has expired" once it has, and, unless `used_ok`, "this invitation has already been used". */
enum err_code api_invitation_open(struct http_request *req, const char *token, bool used_ok,
                                  struct store_invitation *inv, struct error *err) WARN_UNUSED;

/* An audit row of the patient acting through an invitation: actor "invitation", no staff id
 * (also when the browser holds a staff session), at req->now. */
void api_invitation_audit(struct http_request *req, struct store_audit *audit, const char *action,
                          long long patient_id);

/* The instrument ids the invitation asks for, in order: pointers into `buf` (which gets a copy
 * of the list) put into `ids`; returns how many (at most `max`). */
int api_invitation_instruments(const struct store_invitation *inv, char *buf, size_t size,
                               const char **ids, int max);

/* Score the answers to one instrument of a live invitation (api_score_response() for the
 * patient's sex) and store them at once with store_response_put_invited(), replacing earlier
 * answers to it ("response.create" by "invitation"). ERR_INVALID "/instrument" when the
 * invitation does not ask for it, "/answers/N" for a bad answer; ERR_GONE used or expired; on
 * error nothing is stored. */
enum err_code api_invitation_answer_one(struct http_request *req,
                                        const struct store_invitation *inv,
                                        const char *instrument_id, json_t *answers,
                                        struct store_response *response,
                                        struct error *err) WARN_UNUSED;

/* Mark the invitation used once every instrument is answered ("invitation.finish" by
 * "invitation"). Errors as store_invitation_finish(). */
enum err_code api_invitation_finish(struct http_request *req, const struct store_invitation *inv,
                                    struct error *err) WARN_UNUSED;

/* Units a person may refer themselves to: a vårdcentral or a digital unit, not specialist care. */
bool api_self_referral_unit(const struct store_unit *unit);

/* A self-referral (the public page /egen-anmalan), from a JSON object: pnr, name,
 * municipality_code and contact (checked by api_read_patient(); contact required here),
 * unit_code (a unit api_self_referral_unit() accepts), problem (what they want help with,
 * 1-255 bytes) and alcohol (optional boolean: alcohol is a concern). The patient is registered,
 * or, when the personnummer is known already, the record is used as it is (not changed, and
 * nothing of it is told); then an episode (source "self") at the unit and an invitation for
 * PHQ-9 and GAD-7 (and AUDIT with alcohol), each audited by "self-referral". `token` (at least
 * AUTH_TOKEN_LEN + 1 bytes) gets the invitation's link token. ERR_INVALID with the member's
 * pointer; on that error nothing is stored. The three writes are separate transactions: a store
 * failure (ERR_IO, ERR_UNAVAILABLE) after the first leaves the patient registered, which a
 * second attempt then finds. */
enum err_code api_do_self_referral(struct http_request *req, json_t *body, char *token,
                                   struct error *err) WARN_UNUSED;

/* ---- rendering records (api_render.c): each writes one JSON value (jsonw.h) ---- */
void render_ktime(struct jsonw *w, const char *key, long long epoch); /* ISO 8601 UTC, null for 0 */
void render_kid(struct jsonw *w, const char *key, long long id);      /* null for 0 */
void render_patient(struct jsonw *w, const struct store_patient *p);
void render_episode(struct jsonw *w, const struct store_episode *e);
void render_response(struct jsonw *w, const struct instrument_catalog *cat,
                     const struct store_response *r, enum lang lang);
void render_assessment(struct jsonw *w, const struct store_assessment *a);
void render_contract(struct jsonw *w, const struct store_contract *c);
void render_appointment(struct jsonw *w, const struct store_appointment *a);
void render_unit(struct jsonw *w, const struct store_unit *u);
void render_staff(struct jsonw *w, const struct store_staff *s);
void render_audit(struct jsonw *w, const struct store_audit *a);
/* The members of a patient, an assessment or a contract without the braces, for answers that add
 * to them. */
void render_patient_members(struct jsonw *w, const struct store_patient *p);
void render_assessment_members(struct jsonw *w, const struct store_assessment *a);
void render_contract_members(struct jsonw *w, const struct store_contract *c);

/* ---- handlers ---- */
void api_login(struct http_request *req, struct http_response *res);
void api_logout(struct http_request *req, struct http_response *res);
void api_me(struct http_request *req, struct http_response *res);
void api_health(struct http_request *req, struct http_response *res);

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

void api_indicators_get(struct http_request *req, struct http_response *res);
void api_indicators_csv(struct http_request *req, struct http_response *res);

#endif
