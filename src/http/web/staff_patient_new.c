/* staff_patient_new.c - registering a patient (and opening the first episode), opening a later
 * episode, and sending an invitation: forms turned into the API's JSON and handed to the API's
 * own actions (api_do_patient_create(), api_do_episode_create(), api_do_invitation_create()). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api/api.h"
#include "http/app.h"
#include "http/auth.h"
#include "http/web/staff.h"

static const char *field(const struct web_form *form, const char *name)
{
    return form != NULL ? web_form_get(form, name) : NULL;
}

static void source_choice(struct html *h, struct http_request *req, const char *chosen)
{
    html_raw(h, "<fieldset><legend>");
    html_text(h, web_t(req, "staff.episode.source"));
    html_raw(h, "</legend>");
    for (int i = 0; api_episode_sources[i] != NULL; i++) {
        const char *value = api_episode_sources[i];
        html_raw(h, "<div class=\"radio\"><input type=\"radio\" name=\"source\"");
        html_attr(h, "id", http_printf(req, "f-source-%s", value));
        html_attr(h, "value", value);
        if (strcmp(value, chosen ? chosen : "clinic") == 0)
            html_raw(h, " checked");
        html_raw(h, "><label");
        html_attr(h, "for", http_printf(req, "f-source-%s", value));
        html_raw(h, ">");
        html_text(h, web_t(req, http_printf(req, "staff.source.%s", value)));
        html_raw(h, "</label></div>");
    }
    html_raw(h, "</fieldset>");
}

/* The form, empty or as sent with the error that stopped it. */
static void new_patient_page(struct http_request *req, struct http_response *res,
                             const struct web_form *form, const struct error *err, int status)
{
    struct store_unit unit;
    const char *municipality = field(form, "municipality_code");
    if (municipality == NULL &&
        store_unit_get(req->app->store, req->session->unit_id, &unit, NULL) == ERR_OK)
        municipality = http_strdup(req, unit.municipality_code);
    struct html h;
    html_begin(&h, req);
    web_page_begin(&h, req, WEB_STAFF, web_t(req, "staff.patient_new.title"));
    html_raw(&h, "<h1>");
    html_text(&h, web_t(req, "staff.patient_new.title"));
    html_raw(&h, "</h1>");
    if (err != NULL)
        staff_error_box(&h, req, err);
    html_raw(&h, "<p>");
    html_text(&h, web_t(req, "staff.patient_new.intro"));
    html_raw(&h, "</p>");
    staff_form_begin(&h, req, res, "/patienter/ny");
    staff_input(&h, req, "pnr", "text", "staff.patient.pnr", field(form, "pnr"), true);
    staff_input(&h, req, "name", "text", "staff.patient.name", field(form, "name"), true);
    staff_input(&h, req, "municipality_code", "text", "staff.patient.municipality", municipality,
                true);
    staff_input(&h, req, "contact", "text", "staff.patient.contact", field(form, "contact"), false);
    source_choice(&h, req, field(form, "source"));
    staff_textarea(&h, req, "problem", "staff.episode.problem", field(form, "problem"), false);
    html_raw(&h, "<button type=\"submit\" class=\"button\">");
    html_text(&h, web_t(req, "staff.patient_new.submit"));
    html_raw(&h, "</button></form>");
    web_page_end(&h, res, status);
}

void staff_patient_new_form(struct http_request *req, struct http_response *res)
{
    new_patient_page(req, res, NULL, NULL, 200);
}

/* Open an episode for `patient_id` from the form's source and problem. */
static enum err_code open_episode(struct http_request *req, const struct web_form *form,
                                  long long patient_id, struct error *err)
{
    struct store_episode episode;
    json_t *body = json_pack("{s:I}", "patient_id", (json_int_t)patient_id);
    staff_json_text(body, form, "source");
    staff_json_text(body, form, "problem");
    enum err_code rc = api_do_episode_create(req, body, &episode, err);
    json_decref(body);
    return rc;
}

/* POST /patienter/ny: the patient (api_do_patient_create()), then the first episode. Should the
 * episode fail after the patient is stored, the patient page offers to open one. */
void staff_patient_new(struct http_request *req, struct http_response *res)
{
    const struct web_form *form = staff_form(req, res);
    struct store_patient patient;
    struct error err;
    error_clear(&err);
    if (form == NULL)
        return;
    json_t *body = json_object();
    staff_json_text(body, form, "pnr");
    staff_json_text(body, form, "name");
    staff_json_text(body, form, "municipality_code");
    staff_json_text(body, form, "contact");
    enum err_code rc = api_do_patient_create(req, body, &patient, &err);
    json_decref(body);
    if (rc != ERR_OK)
        return new_patient_page(req, res, form, &err, http_status_of_error(rc));
    if (open_episode(req, form, patient.id, &err) != ERR_OK)
        fprintf(stderr, "stegvis: new patient %lld: episode not opened: %s\n", patient.id,
                err.message);
    web_redirect(req, res, http_printf(req, "/patienter/%lld", patient.id));
}

/* POST /patienter/{id}/episoder. */
void staff_episode_new(struct http_request *req, struct http_response *res)
{
    long long id = staff_param_id(req, res, 0);
    const struct web_form *form = id ? staff_form(req, res) : NULL;
    struct error err;
    error_clear(&err);
    if (form == NULL)
        return;
    if (open_episode(req, form, id, &err) != ERR_OK)
        return staff_access_failed(req, res, &err);
    staff_redirect(req, res, http_printf(req, "/patienter/%lld", id));
}

/* The page that shows the invitation link once (the store keeps only its hash), so it is the
 * answer to the POST itself rather than a redirect that would put the token in an address. */
static void invitation_page(struct http_request *req, struct http_response *res,
                            const struct store_invitation *inv, const char *token)
{
    const char *path = http_printf(req, "/i/%s", token);
    const char *host = http_header(req, "Host");
    const char *url =
        host != NULL
            ? http_printf(req, "%s://%s%s", req->app->cookie_secure ? "https" : "http", host, path)
            : path;
    struct html h;
    html_begin(&h, req);
    web_page_begin(&h, req, WEB_STAFF, web_t(req, "staff.invitation.created"));
    html_raw(&h, "<h1>");
    html_text(&h, web_t(req, "staff.invitation.created"));
    html_raw(&h, "</h1><p>");
    html_text(&h, web_t(req, "staff.invitation.give_link"));
    html_raw(&h, "</p><p class=\"invitation-link\"><a id=\"invitation-link\"");
    html_attr(&h, "href", path);
    html_raw(&h, ">");
    html_text(&h, url);
    html_raw(&h, "</a></p><p class=\"hint\">");
    html_text(&h, web_t(req, "staff.invitation.real_life"));
    html_raw(&h, "</p><dl class=\"summary-list\">");
    html_raw(&h, "<dt>");
    html_text(&h, web_t(req, "staff.invitation.instruments"));
    html_raw(&h, "</dt><dd>");
    char ids[sizeof(inv->instruments)];
    char *save = NULL;
    int shown = 0;
    snprintf(ids, sizeof(ids), "%s", inv->instruments);
    for (char *id = strtok_r(ids, ",", &save); id != NULL; id = strtok_r(NULL, ",", &save)) {
        const struct instrument *ins = instrument_find(&req->app->catalog, id);
        html_text(&h, shown++ ? ", " : "");
        html_text(&h, ins ? ins->name : id);
    }
    html_raw(&h, "</dd><dt>");
    html_text(&h, web_t(req, "staff.invitation.expires"));
    html_raw(&h, "</dt><dd>");
    html_text(&h, web_date(req, inv->expires_at));
    html_raw(&h, "</dd></dl><p><a");
    html_attr(&h, "href", staff_link(req, http_printf(req, "/patienter/%lld", inv->patient_id)));
    html_raw(&h, ">");
    html_text(&h, web_t(req, "staff.patient.back"));
    html_raw(&h, "</a></p>");
    web_page_end(&h, res, 200);
}

/* POST /episoder/{id}/inbjudan: the checked instruments (field "instruments", once per box). */
void staff_invitation_new(struct http_request *req, struct http_response *res)
{
    long long id = staff_param_id(req, res, 0);
    const struct web_form *form = id ? staff_form(req, res) : NULL;
    struct store_episode episode;
    struct store_audit audit;
    struct store_invitation inv;
    char token[AUTH_TOKEN_LEN + 1];
    struct error err;
    error_clear(&err);
    if (form == NULL)
        return;
    /* The patient id the API wants with the episode: read under the same access as the write. */
    if (api_episode_load(req, id, ACCESS_WRITE, "invitation.create", &episode, &audit, &err) !=
        ERR_OK)
        return staff_access_failed(req, res, &err);
    json_t *list = json_array();
    for (int i = 0; i < form->count; i++)
        if (strcmp(form->name[i], "instruments") == 0)
            json_array_append_new(list, json_string(form->value[i]));
    json_t *body = json_pack("{s:I, s:I, s:o}", "patient_id", (json_int_t)episode.patient_id,
                             "episode_id", (json_int_t)id, "instruments", list);
    enum err_code rc = api_do_invitation_create(req, body, &inv, token, &err);
    json_decref(body);
    if (rc != ERR_OK)
        return web_error_page(
            req, res, http_status_of_error(rc),
            web_t(req, rc == ERR_INVALID ? "staff.error.instruments" : "staff.error.conflict"));
    invitation_page(req, res, &inv, token);
}
