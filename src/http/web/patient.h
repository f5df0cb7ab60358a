/* patient.h - what the patient's pages share (patient*.c): the invitation behind a link, the
 * parts every patient form uses, and the pages for the route table in patient.c.
 *
 * A patient has no account: the link /i/TOKEN is their key. The pages never check, score or
 * write by themselves: they turn a form into what the JSON API takes and call the same functions
 * (api.h, "the patient's side"). Public forms carry the double-submit CSRF token
 * (web_form_token(), web_form_csrf_ok()). Every page has the "Hjälp nu" link in its header;
 * after a risk answer the help-now box comes first on every page of the invitation.
 */
#ifndef STEGVIS_HTTP_WEB_PATIENT_H
#define STEGVIS_HTTP_WEB_PATIENT_H

#include <stdbool.h>

#include "core/instrument.h"
#include "http/web/web.h"
#include "store/store.h"

#define PATIENT_MAX_INSTRUMENTS 6

/* The pages (patient_referral.c, patient_questionnaire.c, patient_plan.c). */
void patient_referral_form(struct http_request *req, struct http_response *res);
void patient_referral_post(struct http_request *req, struct http_response *res);
void patient_start(struct http_request *req, struct http_response *res);
void patient_questionnaire_form(struct http_request *req, struct http_response *res);
void patient_questionnaire_post(struct http_request *req, struct http_response *res);
void patient_done(struct http_request *req, struct http_response *res);
void patient_plan(struct http_request *req, struct http_response *res);

/* ---- the invitation behind a link (patient.c) ---- */

struct patient_link {
    struct store_invitation inv;
    const char *token; /* from the path */
    int count;         /* instruments asked for, in order */
    const struct instrument *ins[PATIENT_MAX_INSTRUMENTS];
    const struct store_response *saved; /* stored through the link so far (arena memory) */
    int saved_count;
    bool risk; /* a saved answer raised the risk flag: the help-now box comes first */
};

/* Open the link in the path (req->params[0]) with what was saved through it. When it cannot be
 * used, answers the error page (404 unknown, 410 used or expired, 5xx) and returns false;
 * `used_ok` lets a finished invitation through (the confirmation, the plan) until it expires. */
bool patient_link_open(struct http_request *req, struct http_response *res, bool used_ok,
                       struct patient_link *link);

/* The saved response to instrument `id`, or NULL. */
const struct store_response *patient_link_saved(const struct patient_link *link, const char *id);

/* The first questionnaire (1-based) with nothing saved yet; 0 when every one is answered. */
int patient_link_next(const struct patient_link *link);

/* "/i/TOKEN" followed by `suffix` ("", "/2", "/klart"). Arena string. */
const char *patient_link_path(struct http_request *req, const struct patient_link *link,
                              const char *suffix);

/* ---- answers, page parts (patient.c) ---- */

/* The error page for a failure: 404, 410, 503, else 500 (the message is logged, not shown). */
void patient_fail(struct http_request *req, struct http_response *res, const struct error *err);

/* The form of a public POST; answers 403 and returns NULL when its CSRF token is missing or
 * does not match the stegvis_form cookie. */
const struct web_form *patient_form(struct http_request *req, struct http_response *res);

/* One thing to fix: the message (already in the reader's language) and the id of the input it
 * is about (the error summary links to it; NULL: no link). */
struct patient_problem {
    const char *input_id;
    const char *message;
};

/* The error summary at the top of a form: "Det finns ett problem" and a link to each input. */
void patient_error_summary(struct html *h, const struct patient_problem *problems, int count);

/* The message at an input: <p class="error-message" id="ID-error">Fel: message</p>. */
void patient_field_error(struct html *h, const char *input_id, const char *message);

/* A page's title, with "Fel: " in front when the page shows errors. Arena string. */
const char *patient_title(struct http_request *req, const char *title, bool errors);

/* <form method="post" action=...> with the hidden CSRF field. */
void patient_form_begin(struct html *h, struct http_response *res, const char *action);

/* The help-now box when the link's saved answers raised the risk flag (first on the page). */
void patient_risk_help(struct html *h, const struct patient_link *link);

#endif
