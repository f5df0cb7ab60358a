/* staff.h - what the staff pages share (staff*.c): forms turned into the API's JSON, errors
 * shown in the page, the emergency-access flow, the frame of a patient's episode pages.
 *
 * One logic path: a page never checks, scores, decides access or writes by itself. Its form
 * handler turns the fields into the JSON object the API takes and calls the same function the
 * JSON handler calls (api.h, "actions shared by the JSON handlers and the pages"); its reads go
 * through the same access functions (api_patient_record(), api_episode_load()), audited.
 */
#ifndef STEGVIS_HTTP_WEB_STAFF_H
#define STEGVIS_HTTP_WEB_STAFF_H

#include <jansson.h>
#include <stdbool.h>

#include "core/instrument.h"
#include "http/access.h"
#include "http/web/web.h"
#include "store/store.h"

/* The pages of each file, for the route table in staff.c. */
void staff_triage(struct http_request *req, struct http_response *res);
void staff_patient_search(struct http_request *req, struct http_response *res);
void staff_patient_new_form(struct http_request *req, struct http_response *res);
void staff_patient_new(struct http_request *req, struct http_response *res);
void staff_patient_page(struct http_request *req, struct http_response *res);
void staff_episode_new(struct http_request *req, struct http_response *res);
void staff_invitation_new(struct http_request *req, struct http_response *res);
void staff_assessment_page(struct http_request *req, struct http_response *res);
void staff_assessment_post(struct http_request *req, struct http_response *res);
void staff_contract_page(struct http_request *req, struct http_response *res);
void staff_contract_post(struct http_request *req, struct http_response *res);
void staff_session_page(struct http_request *req, struct http_response *res);
void staff_session_post(struct http_request *req, struct http_response *res);
void staff_episode_end(struct http_request *req, struct http_response *res);
void staff_admin_staff_page(struct http_request *req, struct http_response *res);
void staff_admin_staff_post(struct http_request *req, struct http_response *res);

/* ---- requests and links (staff_util.c) ---- */

/* Route parameter `index` as a positive id, or 0 (after answering the 404 page). */
long long staff_param_id(struct http_request *req, struct http_response *res, int index);

/* Whether the session may change records (a clinician); other roles get no forms. */
bool staff_can_write(const struct http_request *req);

/* `path` with the request's emergency-access reason carried on ("?access_reason=..."), so the
 * links and forms of another unit's patient stay under the same logged access. Arena string. */
const char *staff_link(struct http_request *req, const char *path);

/* Answer 303 to staff_link(path). */
void staff_redirect(struct http_request *req, struct http_response *res, const char *path);

/* The form of a POST (decoded by the router, or here); answers 403 and returns NULL when its
 * CSRF token is missing or wrong. */
const struct web_form *staff_form(struct http_request *req, struct http_response *res);

/* ---- forms as the API's JSON (staff_util.c) ---- */

/* obj[name] = the field's text, when the field is there and not empty. */
void staff_json_text(json_t *obj, const struct web_form *form, const char *name);

/* obj[name] = the field as an integer; text that is no integer is passed on as a string, so the
 * API's check answers for it; nothing when the field is empty. */
void staff_json_int(json_t *obj, const struct web_form *form, const char *name);

/* A local date and time from <input type="datetime-local"> ("2026-12-01T10:00", Europe/Stockholm)
 * as ISO 8601 UTC ("2026-12-01T09:00:00Z"); the text itself when it is not one (the API then
 * says what is wrong); NULL for "". */
const char *staff_local_to_iso(struct http_request *req, const char *local);

/* An instant as the value of a datetime-local input in Europe/Stockholm; "" for 0. */
const char *staff_iso_to_local(struct http_request *req, long long epoch);

/* ---- page parts (staff_util.c) ---- */

/* <form method="post" action=staff_link(action)> with the hidden CSRF field. */
void staff_form_begin(struct html *h, struct http_request *req, struct http_response *res,
                      const char *action);

/* <input type="hidden">. */
void staff_hidden(struct html *h, const char *name, const char *value);

/* A labelled text input (type "text", "password", "datetime-local", ...) in a .field div. */
void staff_input(struct html *h, struct http_request *req, const char *name, const char *type,
                 const char *label_id, const char *value, bool required);

/* A labelled <textarea>. */
void staff_textarea(struct html *h, struct http_request *req, const char *name,
                    const char *label_id, const char *value, bool required);

/* The error summary of a failed action: what to fix in the reader's language (by the field the
 * API named, else by the kind of error) and the API's own detail. */
void staff_error_box(struct html *h, struct http_request *req, const struct error *err);

/* The risk badge: "Risk: självmordstankar" (.badge .badge-risk). */
void staff_risk_badge(struct html *h, struct http_request *req);

/* The banner of emergency access: the access is logged, with the reason given. Nothing when
 * `audit` is not an emergency access. */
void staff_emergency_banner(struct html *h, struct http_request *req,
                            const struct store_audit *audit);

/* A failed read or write of a record: for another unit's patient without (enough of) a reason,
 * the page asking for the reason (a GET form back to this address); otherwise the error page. */
void staff_access_failed(struct http_request *req, struct http_response *res,
                         const struct error *err);

/* A patient's personnummer as "YYYYMMDD-NNNN". Arena string. */
const char *staff_pnr(struct http_request *req, const char *pnr12);

/* The catalogue in the order pages list instruments: the step-up measures first (PHQ-9, GAD-7:
 * the common assessment's core), then the others in catalogue order. Fills `out` (room for
 * INSTRUMENT_MAX) and returns how many. */
int staff_instruments(struct http_request *req, const struct instrument **out);

/* The catalogue text of a step: "2 – Lågintensiv behandling: ..." from the rules. */
const char *staff_step_name(struct http_request *req, int step);

/* The latest score per instrument among `count` responses, in catalogue order: a table of
 * instrument, score, band in words and colour, date (staff_patient.c). The risk badge is not
 * repeated here: it shows while the flag is unresolved, at the top of the page. */
void staff_latest_scores(struct html *h, struct http_request *req,
                         const struct store_response *list, int count);

/* ---- one episode's pages (staff_util.c) ---- */

struct staff_episode_page {
    struct store_episode episode;
    struct store_patient patient;
    struct store_audit audit; /* the read's audit row (emergency flag, reason) */
    bool risk;                /* an unresolved risk flag */
};

/* Read episode `id` for a page: access through api_episode_load() for `action`, the patient,
 * the risk flag, and the audit row of the read. On failure answers (reason page or error page)
 * and returns false. */
bool staff_episode_open(struct http_request *req, struct http_response *res, long long id,
                        const char *action, struct staff_episode_page *page);

/* Load episode `id` and its patient for a write through api_episode_load() (ACCESS_WRITE,
 * `action`; nothing logged: the write itself is audited). */
enum err_code staff_episode_for_write(struct http_request *req, long long id, const char *action,
                                      struct staff_episode_page *page,
                                      struct error *err) WARN_UNUSED;

/* The top of an episode page: the patient (name, personnummer, link to the patient page), the
 * risk badge, the emergency banner, then <h1> with the catalogue text `title_id`. */
void staff_episode_header(struct html *h, struct http_request *req,
                          const struct staff_episode_page *page, const char *title_id);

/* ---- entering an instrument's answers in the clinic (staff_measure.c) ---- */

/* A fieldset for `ins` with one labelled <select> per item (named "ID_ITEM", "phq9_1"), the
 * choices from `form` kept when the page is shown again after an error (may be NULL). */
void staff_measure_fields(struct html *h, struct http_request *req, const struct instrument *ins,
                          const struct web_form *form);

/* The answers of `ins` in `form` as the API's JSON array (positions, null for an item left
 * blank, "na"; trailing optional items left blank are left out); NULL when every item is blank
 * (the instrument was not entered). New reference. */
json_t *staff_measure_answers(const struct web_form *form, const struct instrument *ins);

/* Store each instrument of `ids` entered in `form` through api_do_response_create() for the
 * page's episode, setting *stored to how many. Check them all first with
 * staff_measures_check(), so that a bad answer stores nothing. */
enum err_code staff_measures_store(struct http_request *req, const struct web_form *form,
                                   const char *const *ids, int id_count,
                                   const struct staff_episode_page *page, int *stored,
                                   struct error *err) WARN_UNUSED;

/* Score every instrument of `ids` entered in `form` with api_score_response(), storing
 * nothing; ERR_INVALID (field "measures") when none was entered. */
enum err_code staff_measures_check(struct http_request *req, const struct web_form *form,
                                   const char *const *ids, int id_count,
                                   const struct store_patient *patient,
                                   struct error *err) WARN_UNUSED;

#endif
