/* api_self_referral.c - a person refers themselves (the public page /egen-anmalan): the patient
 * (registered, or found by personnummer), an episode at the unit they chose and an invitation to
 * the first questionnaires, so that they can go straight on and answer them. */
#include <stdio.h>
#include <string.h>

#include "http/api/api.h"
#include "http/api/fields.h"
#include "http/app.h"
#include "http/auth.h"

#define SELF_REFERRAL_ACTOR "self-referral"

struct self_referral {
    struct store_patient patient;
    struct store_unit unit;
    char problem[256];
    bool alcohol;
};

bool api_self_referral_unit(const struct store_unit *unit)
{
    return strcmp(unit->kind, "vardcentral") == 0 || strcmp(unit->kind, "digital") == 0;
}

static void self_audit(struct http_request *req, struct store_audit *audit, const char *action,
                       long long patient_id, const char *detail)
{
    memset(audit, 0, sizeof(*audit));
    audit->at = req->now;
    audit->patient_id = patient_id;
    snprintf(audit->actor, sizeof(audit->actor), SELF_REFERRAL_ACTOR);
    snprintf(audit->action, sizeof(audit->action), "%s", action);
    snprintf(audit->detail, sizeof(audit->detail), "%s", detail);
}

/* The members api_read_patient() reads, as a new object: it refuses members it does not know. */
static json_t *patient_part(json_t *body)
{
    static const char *const members[] = { "pnr", "name", "municipality_code", "contact", NULL };
    json_t *obj = json_object();
    for (int i = 0; members[i] != NULL; i++) {
        json_t *value = json_object_get(body, members[i]);
        if (value != NULL)
            json_object_set(obj, members[i], value);
    }
    return obj;
}

static enum err_code read_unit(struct http_request *req, json_t *body, struct store_unit *unit,
                               struct error *err)
{
    char code[sizeof(unit->code)];
    enum err_code rc = field_string(body, "unit_code", true, code, sizeof(code) - 1, NULL, err);
    if (rc != ERR_OK)
        return rc;
    rc = store_unit_by_code(req->app->store, code, unit, err);
    if (rc == ERR_NOT_FOUND || (rc == ERR_OK && !api_self_referral_unit(unit)))
        return error_set(err, ERR_INVALID, "/unit_code", "unknown unit code");
    return rc;
}

static enum err_code read_self_referral(struct http_request *req, json_t *body,
                                        struct self_referral *out, struct error *err)
{
    static const char *const allowed[] = { "pnr",       "name",    "municipality_code", "contact",
                                           "unit_code", "problem", "alcohol",           NULL };
    enum err_code rc = field_known(body, allowed, err);
    if (rc == ERR_OK) {
        json_t *patient = patient_part(body);
        rc = api_read_patient(req, patient, &out->patient, err);
        json_decref(patient);
    }
    if (rc == ERR_OK) /* optional for the clinic, required here: the clinic must reach them */
        rc = field_string(body, "contact", true, out->patient.contact,
                          sizeof(out->patient.contact) - 1, NULL, err);
    if (rc == ERR_OK)
        rc = read_unit(req, body, &out->unit, err);
    if (rc == ERR_OK)
        rc = field_string(body, "problem", true, out->problem, sizeof(out->problem) - 1, NULL, err);
    json_t *alcohol = json_object_get(body, "alcohol");
    if (rc == ERR_OK && alcohol != NULL && !json_is_null(alcohol) && !json_is_boolean(alcohol))
        rc = error_set(err, ERR_INVALID, "/alcohol", "\"alcohol\" must be true or false");
    out->alcohol = json_is_true(alcohol);
    return rc;
}

/* The patient's id: the record with this personnummer, or a new one. A known record is neither
 * changed nor read out: the person learns nothing about it. */
static enum err_code patient_find_or_add(struct http_request *req, struct store_patient *patient,
                                         bool *known, struct error *err)
{
    struct store_patient found;
    struct store_audit audit;
    for (int attempt = 0; attempt < 2; attempt++) {
        enum err_code rc = store_patient_by_pnr(req->app->store, patient->pnr, &found, err);
        *known = rc == ERR_OK;
        if (rc == ERR_OK)
            patient->id = found.id;
        if (rc != ERR_NOT_FOUND)
            return rc;
        patient->created_at = req->now;
        self_audit(req, &audit, "patient.create", 0, "");
        rc = store_patient_add(req->app->store, patient, &audit, err);
        if (rc != ERR_CONFLICT) /* a conflict: registered meanwhile; look again */
            return rc;
    }
    return error_set(err, ERR_UNAVAILABLE, NULL, "the patient could not be registered");
}

enum err_code api_do_self_referral(struct http_request *req, json_t *body, char *token,
                                   struct error *err)
{
    struct self_referral ref;
    struct store_episode episode;
    struct store_invitation inv;
    struct store_audit audit;
    bool known = false;
    memset(&ref, 0, sizeof(ref));
    memset(&episode, 0, sizeof(episode));
    memset(&inv, 0, sizeof(inv));
    token[0] = '\0';
    enum err_code rc = read_self_referral(req, body, &ref, err);
    if (rc == ERR_OK)
        rc = patient_find_or_add(req, &ref.patient, &known, err);
    if (rc != ERR_OK)
        return rc;
    episode.patient_id = ref.patient.id;
    episode.unit_id = ref.unit.id;
    snprintf(episode.source, sizeof(episode.source), "self");
    episode.referred_at = req->now;
    episode.step = -1;
    snprintf(episode.problem, sizeof(episode.problem), "%s", ref.problem);
    self_audit(req, &audit, "episode.create", ref.patient.id,
               known ? "self-referral; the personnummer was registered already" : "self-referral");
    rc = store_episode_add(req->app->store, &episode, &audit, err);
    if (rc != ERR_OK)
        return rc;
    auth_random_hex(token, AUTH_TOKEN_LEN / 2);
    auth_token_hash(token, inv.token_hash);
    inv.patient_id = ref.patient.id;
    inv.episode_id = episode.id;
    snprintf(inv.instruments, sizeof(inv.instruments), "%s",
             ref.alcohol ? "phq9,gad7,audit" : "phq9,gad7");
    inv.created_at = req->now;
    inv.expires_at = req->now + req->app->invitation_ttl_s;
    self_audit(req, &audit, "invitation.create", ref.patient.id,
               http_printf(req, "episode %lld: %s", episode.id, inv.instruments));
    rc = store_invitation_add(req->app->store, &inv, &audit, err);
    if (rc != ERR_OK)
        token[0] = '\0';
    return rc;
}
