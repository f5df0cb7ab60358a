/* patient.c - the patient pages' route table, the invitation behind a link, and the parts every
 * patient form shares (error summary, field errors, the CSRF field). */
#include "http/web/patient.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api/api.h"
#include "http/app.h"

/* Public pages: no session, the link is the key. "/i/{token}/klart" and "/plan" come before
 * "/i/{token}/{n}", which would match them too. */
static const struct route routes[] = {
    { "GET", "/egen-anmalan", patient_referral_form, 0, BODY_NONE, ROUTE_HTML },
    { "POST", "/egen-anmalan", patient_referral_post, 0, BODY_FORM, ROUTE_HTML },
    { "GET", "/i/{token}", patient_start, 0, BODY_NONE, ROUTE_HTML },
    { "GET", "/i/{token}/klart", patient_done, 0, BODY_NONE, ROUTE_HTML },
    { "GET", "/i/{token}/plan", patient_plan, 0, BODY_NONE, ROUTE_HTML },
    { "GET", "/i/{token}/{n}", patient_questionnaire_form, 0, BODY_NONE, ROUTE_HTML },
    { "POST", "/i/{token}/{n}", patient_questionnaire_post, 0, BODY_FORM, ROUTE_HTML },
};

const struct route *web_patient_routes(int *count)
{
    *count = (int)(sizeof(routes) / sizeof(routes[0]));
    return routes;
}

/* ---- the invitation behind a link --------------------------------------------------------- */

/* The link's instruments from the catalogue; ERR_INTERNAL for one it does not have. */
static enum err_code link_instruments(struct http_request *req, struct patient_link *link,
                                      struct error *err)
{
    char buf[sizeof(link->inv.instruments)];
    const char *ids[PATIENT_MAX_INSTRUMENTS];
    link->count =
        api_invitation_instruments(&link->inv, buf, sizeof(buf), ids, PATIENT_MAX_INSTRUMENTS);
    for (int i = 0; i < link->count; i++) {
        link->ins[i] = instrument_find(&req->app->catalog, ids[i]);
        if (link->ins[i] == NULL)
            return error_set(err, ERR_INTERNAL, NULL,
                             "invitation asks for %s, not in the catalogue", ids[i]);
    }
    return link->count > 0 ? ERR_OK
                           : error_set(err, ERR_INTERNAL, NULL, "invitation asks for nothing");
}

/* What was saved through the link, copied into the request's arena. */
static enum err_code link_saved(struct http_request *req, struct patient_link *link,
                                struct error *err)
{
    struct store_response *list = NULL;
    int count = 0;
    enum err_code rc =
        store_response_list_invited(req->app->store, link->inv.token_hash, &list, &count, err);
    if (rc == ERR_OK && count > 0) {
        struct store_response *copy = http_alloc(req, (size_t)count * sizeof(*copy));
        memcpy(copy, list, (size_t)count * sizeof(*copy));
        link->saved = copy;
        link->saved_count = count;
        for (int i = 0; i < count; i++)
            link->risk |= (copy[i].flags & FLAG_RISK) != 0;
    }
    free(list);
    return rc;
}

bool patient_link_open(struct http_request *req, struct http_response *res, bool used_ok,
                       struct patient_link *link)
{
    struct error err;
    error_clear(&err);
    memset(link, 0, sizeof(*link));
    link->token = req->param_count > 0 ? req->params[0] : "";
    enum err_code rc = api_invitation_open(req, link->token, used_ok, &link->inv, &err);
    if (rc == ERR_OK)
        rc = link_instruments(req, link, &err);
    if (rc == ERR_OK)
        rc = link_saved(req, link, &err);
    if (rc != ERR_OK)
        patient_fail(req, res, &err);
    return rc == ERR_OK;
}

const struct store_response *patient_link_saved(const struct patient_link *link, const char *id)
{
    for (int i = 0; i < link->saved_count; i++)
        if (strcmp(link->saved[i].instrument, id) == 0)
            return &link->saved[i];
    return NULL;
}

int patient_link_next(const struct patient_link *link)
{
    for (int i = 0; i < link->count; i++)
        if (patient_link_saved(link, link->ins[i]->id) == NULL)
            return i + 1;
    return 0;
}

const char *patient_link_path(struct http_request *req, const struct patient_link *link,
                              const char *suffix)
{
    return http_printf(req, "/i/%s%s", link->token, suffix);
}

/* ---- failures ----------------------------------------------------------------------------- */

void patient_fail(struct http_request *req, struct http_response *res, const struct error *err)
{
    switch (err->code) {
    case ERR_NOT_FOUND:
        web_error_page(req, res, 404, NULL);
        return;
    case ERR_GONE:
        web_error_page(req, res, 410, NULL);
        return;
    case ERR_UNAVAILABLE:
        web_error_page(req, res, 503, err->message);
        return;
    default:
        web_error_page(req, res, 500, err->message);
        return;
    }
}

const struct web_form *patient_form(struct http_request *req, struct http_response *res)
{
    struct web_form *form = req->form;
    if (form == NULL) {
        form = http_alloc(req, sizeof(*form));
        web_form_parse(req, form);
    }
    if (!web_form_csrf_ok(req, form)) {
        web_error_page(req, res, 403, web_t(req, "error.csrf"));
        return NULL;
    }
    return form;
}

/* ---- page parts --------------------------------------------------------------------------- */

void patient_error_summary(struct html *h, const struct patient_problem *problems, int count)
{
    if (count == 0)
        return;
    html_raw(h, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" "
                "aria-labelledby=\"error-summary-title\"><h2 id=\"error-summary-title\">");
    web_text(h, "error.summary");
    html_raw(h, "</h2><ul class=\"error-summary-list\">");
    for (int i = 0; i < count; i++) {
        html_raw(h, "<li>");
        if (problems[i].input_id != NULL) {
            html_raw(h, "<a");
            html_attr(h, "href", http_printf(h->req, "#%s", problems[i].input_id));
            html_raw(h, ">");
            html_text(h, problems[i].message);
            html_raw(h, "</a>");
        } else {
            html_text(h, problems[i].message);
        }
        html_raw(h, "</li>");
    }
    html_raw(h, "</ul></div>\n");
}

void patient_field_error(struct html *h, const char *input_id, const char *message)
{
    html_raw(h, "<p class=\"error-message\"");
    html_attr(h, "id", http_printf(h->req, "%s-error", input_id));
    html_raw(h, "><span class=\"visually-hidden\">");
    web_text(h, "error.prefix");
    html_raw(h, ": </span>");
    html_text(h, message);
    html_raw(h, "</p>");
}

const char *patient_title(struct http_request *req, const char *title, bool errors)
{
    if (!errors)
        return title;
    return http_printf(req, "%s: %s", web_t(req, "error.prefix"), title);
}

void patient_form_begin(struct html *h, struct http_response *res, const char *action)
{
    html_raw(h, "<form method=\"post\" novalidate");
    html_attr(h, "action", action);
    html_raw(h, "><input type=\"hidden\" name=\"csrf\"");
    html_attr(h, "value", web_form_token(h->req, res));
    html_raw(h, ">");
}

void patient_risk_help(struct html *h, const struct patient_link *link)
{
    if (link->risk)
        web_help_now(h, h->req);
}
