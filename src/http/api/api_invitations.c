/* api_invitations.c - one-time, expiring links through which a patient answers the instruments
 * chosen for them, with no account. The token is shown once; the store keeps its hash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/present.h"
#include "http/access.h"
#include "http/api/api.h"
#include "http/api/fields.h"
#include "http/app.h"
#include "http/auth.h"

#define INVITATION_MAX_INSTRUMENTS 6

/* The instrument ids as "phq9,gad7", each known and given once. */
static enum err_code read_instrument_list(struct http_request *req, json_t *list, char *out,
                                          size_t size, struct error *err)
{
    size_t n = json_array_size(list);
    out[0] = '\0';
    if (!json_is_array(list) || n == 0 || n > INVITATION_MAX_INSTRUMENTS)
        return error_set(err, ERR_INVALID, "/instruments",
                         "\"instruments\" must be an array of 1 to %d instrument ids",
                         INVITATION_MAX_INSTRUMENTS);
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(list, i);
        char pointer[32];
        snprintf(pointer, sizeof(pointer), "/instruments/%zu", i);
        const char *id = json_is_string(v) ? json_string_value(v) : "";
        if (instrument_find(&req->app->catalog, id) == NULL)
            return error_set(err, ERR_INVALID, pointer, "unknown instrument \"%.40s\"", id);
        for (size_t j = 0; j < i; j++)
            if (strcmp(json_string_value(json_array_get(list, j)), id) == 0)
                return error_set(err, ERR_INVALID, pointer, "%s is listed twice", id);
        strncat(out, i ? "," : "", size - strlen(out) - 1);
        strncat(out, id, size - strlen(out) - 1);
    }
    return ERR_OK;
}

enum err_code api_do_invitation_create(struct http_request *req, json_t *body,
                                       struct store_invitation *inv, char *token, struct error *err)
{
    static const char *const allowed[] = { "patient_id", "episode_id", "instruments",
                                           "expires_in_days", NULL };
    struct store_episode episode;
    struct store_audit audit;
    long long days = req->app->invitation_ttl_s / 86400;
    memset(inv, 0, sizeof(*inv));
    token[0] = '\0';
    enum err_code rc = field_known(body, allowed, err);
    if (rc == ERR_OK)
        rc = field_int(body, "episode_id", true, 1, 1LL << 53, &inv->episode_id, NULL, err);
    if (rc == ERR_OK)
        rc = field_int(body, "patient_id", true, 1, 1LL << 53, &inv->patient_id, NULL, err);
    if (rc == ERR_OK)
        rc = read_instrument_list(req, json_object_get(body, "instruments"), inv->instruments,
                                  sizeof(inv->instruments), err);
    if (rc == ERR_OK)
        rc = field_int(body, "expires_in_days", false, 1, 30, &days, NULL, err);
    if (rc == ERR_OK)
        rc = api_episode_load(req, inv->episode_id, ACCESS_WRITE, "invitation.create", &episode,
                              &audit, err);
    if (rc != ERR_OK)
        return rc;
    if (episode.patient_id != inv->patient_id)
        rc = error_set(err, ERR_INVALID, "/episode_id", "the episode is another patient's");
    else if (episode.ended_at != 0)
        rc = error_set(err, ERR_CONFLICT, "/episode_id", "the episode has ended");
    auth_random_hex(token, AUTH_TOKEN_LEN / 2);
    auth_token_hash(token, inv->token_hash);
    inv->created_at = req->now;
    inv->expires_at = req->now + days * 86400;
    inv->created_by = req->session->staff_id;
    if (rc == ERR_OK)
        rc = store_invitation_add(req->app->store, inv, &audit, err);
    if (rc != ERR_OK)
        token[0] = '\0';
    return rc;
}

void api_invitations_create(struct http_request *req, struct http_response *res)
{
    struct store_invitation inv;
    char token[AUTH_TOKEN_LEN + 1];
    struct error err;
    error_clear(&err);
    json_t *body = http_json_body(req, res);
    if (body == NULL)
        return;
    enum err_code rc = api_do_invitation_create(req, body, &inv, token, &err);
    json_decref(body);
    if (rc != ERR_OK)
        return api_fail(req, res, &err);
    char list[sizeof(inv.instruments)];
    char *save = NULL;
    struct jsonw w;
    jsonw_init(&w);
    jsonw_object_open(&w);
    jsonw_kstring(&w, "token", token);
    jsonw_kstring(&w, "url", http_printf(req, "/i/%s", token));
    jsonw_key(&w, "instruments");
    jsonw_array_open(&w);
    snprintf(list, sizeof(list), "%s", inv.instruments);
    for (char *id = strtok_r(list, ",", &save); id != NULL; id = strtok_r(NULL, ",", &save))
        jsonw_string(&w, id);
    jsonw_array_close(&w);
    render_ktime(&w, "expires_at", inv.expires_at);
    jsonw_kint(&w, "episode_id", inv.episode_id);
    jsonw_object_close(&w);
    http_jsonw(req, res, 201, &w);
}

void api_invitation_audit(struct http_request *req, struct store_audit *audit, const char *action,
                          long long patient_id)
{
    memset(audit, 0, sizeof(*audit));
    audit->at = req->now;
    audit->patient_id = patient_id;
    snprintf(audit->actor, sizeof(audit->actor), "invitation");
    snprintf(audit->action, sizeof(audit->action), "%s", action);
}

enum err_code api_invitation_open(struct http_request *req, const char *token, bool used_ok,
                                  struct store_invitation *inv, struct error *err)
{
    char hash[65];
    memset(inv, 0, sizeof(*inv));
    if (token == NULL || strlen(token) != AUTH_TOKEN_LEN)
        return error_set(err, ERR_NOT_FOUND, NULL, "no such invitation");
    auth_token_hash(token, hash);
    enum err_code rc = store_invitation_get(req->app->store, hash, inv, err);
    if (rc == ERR_NOT_FOUND)
        return error_set(err, ERR_NOT_FOUND, NULL, "no such invitation");
    if (rc != ERR_OK)
        return rc;
    if (!used_ok && inv->used_at != 0)
        return error_set(err, ERR_GONE, NULL, "this invitation has already been used");
    if (inv->expires_at <= req->now)
        return error_set(err, ERR_GONE, NULL, "this invitation has expired");
    return ERR_OK;
}

int api_invitation_instruments(const struct store_invitation *inv, char *buf, size_t size,
                               const char **ids, int max)
{
    int count = 0;
    char *save = NULL;
    snprintf(buf, size, "%s", inv->instruments);
    for (char *id = strtok_r(buf, ",", &save); id != NULL && count < max;
         id = strtok_r(NULL, ",", &save))
        ids[count++] = id;
    return count;
}

enum err_code api_invitation_answer_one(struct http_request *req,
                                        const struct store_invitation *inv,
                                        const char *instrument_id, json_t *answers,
                                        struct store_response *response, struct error *err)
{
    char buf[sizeof(inv->instruments)];
    const char *ids[INVITATION_MAX_INSTRUMENTS];
    int count = api_invitation_instruments(inv, buf, sizeof(buf), ids, INVITATION_MAX_INSTRUMENTS);
    bool asked = false;
    for (int i = 0; i < count && !asked; i++)
        asked = strcmp(ids[i], instrument_id) == 0;
    if (!asked)
        return error_set(err, ERR_INVALID, "/instrument", "%.40s was not asked for", instrument_id);
    struct store_patient patient;
    struct instrument_score score;
    struct store_audit audit;
    json_t *id = json_string(instrument_id);
    enum err_code rc = store_patient_get(req->app->store, inv->patient_id, &patient, err);
    if (rc == ERR_OK)
        rc = api_score_response(req, "", id, answers, api_patient_sex(&patient), response, &score,
                                err);
    json_decref(id);
    if (rc != ERR_OK)
        return rc;
    response->answered_at = req->now;
    snprintf(response->channel, sizeof(response->channel), "portal");
    api_invitation_audit(req, &audit, "response.create", inv->patient_id);
    snprintf(audit.detail, sizeof(audit.detail), "through invitation: %s", response->instrument);
    enum err_code put = store_response_put_invited(req->app->store, inv->token_hash, response,
                                                   req->now, &audit, err);
    return put;
}

enum err_code api_invitation_finish(struct http_request *req, const struct store_invitation *inv,
                                    struct error *err)
{
    struct store_audit audit;
    api_invitation_audit(req, &audit, "invitation.finish", inv->patient_id);
    snprintf(audit.detail, sizeof(audit.detail), "answered: %s", inv->instruments);
    enum err_code rc =
        store_invitation_finish(req->app->store, inv->token_hash, req->now, &audit, err);
    return rc;
}

/* The live invitation for the token in the path, or a problem (404 unknown, 410 used/expired). */
static bool load_invitation(struct http_request *req, struct http_response *res,
                            struct store_invitation *inv)
{
    struct error err;
    error_clear(&err);
    const char *token = req->param_count > 0 ? req->params[0] : "";
    enum err_code rc = api_invitation_open(req, token, false, inv, &err);
    if (rc == ERR_NOT_FOUND || rc == ERR_GONE)
        http_problem(req, res, rc == ERR_GONE ? 410 : 404, rc == ERR_GONE ? "Gone" : "Not Found",
                     err.message, NULL);
    else if (rc != ERR_OK)
        api_fail(req, res, &err);
    return rc == ERR_OK;
}

static void render_questionnaire(struct jsonw *w, const struct instrument *ins, enum lang lang)
{
    jsonw_object_open(w);
    jsonw_kstring(w, "id", ins->id);
    jsonw_kstring(w, "name", ins->name);
    jsonw_kstring(w, "stem", instrument_text(ins->stem, lang));
    jsonw_key(w, "items");
    jsonw_array_open(w);
    for (int i = 0; i < ins->item_count; i++) {
        const struct instrument_item *item = &ins->items[i];
        const char *text = instrument_text(item->text, lang);
        jsonw_object_open(w);
        jsonw_kstring(w, "id", item->id);
        jsonw_kstring(w, "text", *text ? text : instrument_text(item->label, lang));
        jsonw_kbool(w, "optional", item->optional);
        jsonw_kbool(w, "not_applicable", item->allow_not_applicable);
        jsonw_key(w, "options");
        jsonw_array_open(w);
        for (int o = 0; o < item->option_count; o++) {
            jsonw_object_open(w);
            jsonw_kint(w, "position", o);
            jsonw_kstring(w, "label", instrument_text(item->options[o].label, lang));
            jsonw_object_close(w);
        }
        jsonw_array_close(w);
        jsonw_object_close(w);
    }
    jsonw_array_close(w);
    jsonw_object_close(w);
}

void api_invitations_get(struct http_request *req, struct http_response *res)
{
    struct store_invitation inv;
    if (!load_invitation(req, res, &inv))
        return;
    char buf[sizeof(inv.instruments)];
    const char *ids[INVITATION_MAX_INSTRUMENTS];
    int count = api_invitation_instruments(&inv, buf, sizeof(buf), ids, INVITATION_MAX_INSTRUMENTS);
    struct jsonw w;
    jsonw_init(&w);
    jsonw_object_open(&w);
    jsonw_key(&w, "instruments");
    jsonw_array_open(&w);
    for (int i = 0; i < count; i++) {
        const struct instrument *ins = instrument_find(&req->app->catalog, ids[i]);
        if (ins != NULL)
            render_questionnaire(&w, ins, req->lang);
    }
    jsonw_array_close(&w);
    render_ktime(&w, "expires_at", inv.expires_at);
    jsonw_object_close(&w);
    http_jsonw(req, res, 200, &w);
}

/* Score every response; they must cover exactly the invited instruments. */
static enum err_code score_invited(struct http_request *req, const struct store_invitation *inv,
                                   enum sex sex, json_t *list, struct store_response *out,
                                   unsigned *flags, struct error *err)
{
    size_t n = json_array_size(list);
    int expected = 1;
    for (const char *p = inv->instruments; *p; p++)
        expected += *p == ',';
    if (!json_is_array(list) || n != (size_t)expected)
        return error_set(err, ERR_INVALID, "/responses",
                         "\"responses\" must hold one response for each of: %s", inv->instruments);
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_array_get(list, i);
        char prefix[32];
        struct instrument_score score;
        snprintf(prefix, sizeof(prefix), "/responses/%zu", i);
        enum err_code rc =
            api_score_response(req, prefix, json_object_get(item, "instrument"),
                               json_object_get(item, "answers"), sex, &out[i], &score, err);
        if (rc != ERR_OK)
            return rc;
        char needle[24];
        snprintf(needle, sizeof(needle), ",%s,", out[i].instrument);
        char haystack[sizeof(inv->instruments) + 2];
        snprintf(haystack, sizeof(haystack), ",%s,", inv->instruments);
        for (size_t j = 0; j < i; j++)
            if (strcmp(out[j].instrument, out[i].instrument) == 0)
                return error_set(err, ERR_INVALID, prefix, "%s is answered twice",
                                 out[i].instrument);
        if (strstr(haystack, needle) == NULL)
            return error_set(err, ERR_INVALID, prefix, "%s was not asked for", out[i].instrument);
        *flags |= score.flags;
        out[i].patient_id = inv->patient_id;
        out[i].episode_id = inv->episode_id;
        out[i].answered_at = req->now;
        snprintf(out[i].channel, sizeof(out[i].channel), "portal");
    }
    return ERR_OK;
}

void api_invitations_answer(struct http_request *req, struct http_response *res)
{
    static const char *const allowed[] = { "responses", NULL };
    struct store_invitation inv;
    struct store_patient patient;
    struct store_response responses[INVITATION_MAX_INSTRUMENTS];
    struct store_audit audit;
    struct error err;
    unsigned flags = 0;
    error_clear(&err);
    if (!load_invitation(req, res, &inv))
        return;
    json_t *body = http_json_body(req, res);
    if (body == NULL)
        return;
    enum err_code rc = field_known(body, allowed, &err);
    if (rc == ERR_OK)
        rc = store_patient_get(req->app->store, inv.patient_id, &patient, &err);
    if (rc == ERR_OK)
        rc = score_invited(req, &inv, api_patient_sex(&patient), json_object_get(body, "responses"),
                           responses, &flags, &err);
    int count = (int)json_array_size(json_object_get(body, "responses"));
    json_decref(body);
    api_invitation_audit(req, &audit, "response.create", inv.patient_id);
    snprintf(audit.detail, sizeof(audit.detail), "through invitation: %s", inv.instruments);
    if (rc == ERR_OK)
        rc = store_response_add_invited(req->app->store, inv.token_hash, responses, count, req->now,
                                        &audit, &err);
    if (rc != ERR_OK)
        return api_fail(req, res, &err);
    json_t *list = json_array();
    for (int i = 0; i < count; i++)
        json_array_append_new(list,
                              json_pack("{s:s, s:i, s:s}", "instrument", responses[i].instrument,
                                        "total", responses[i].total, "band", responses[i].band));
    json_t *obj = json_pack("{s:o, s:b}", "responses", list, "help_now", (flags & FLAG_RISK) != 0);
    http_json(req, res, 201, obj);
}
