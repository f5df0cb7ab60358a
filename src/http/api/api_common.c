/* api_common.c - what the handlers share: ids, access to an episode, scoring a response. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/access.h"
#include "http/api/api.h"
#include "http/app.h"

static long long parse_id(const char *s)
{
    if (s == NULL || *s < '1' || *s > '9' || strlen(s) > 18)
        return 0;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    return *end == '\0' && v > 0 ? v : 0;
}

long long api_param_id(struct http_request *req, struct http_response *res, int index)
{
    long long id = index < req->param_count ? parse_id(req->params[index]) : 0;
    if (id == 0)
        http_problem(req, res, 404, "Not Found", "no such record", NULL);
    return id;
}

long long api_query_id(struct http_request *req, struct http_response *res, const char *name)
{
    const char *text = http_query(req, name);
    if (text == NULL || *text == '\0')
        return 0;
    long long id = parse_id(text);
    if (id == 0) {
        http_problem(req, res, 422, "Unprocessable Content",
                     http_printf(req, "query argument \"%s\" must be a positive id", name), NULL);
        return -1;
    }
    return id;
}

long long api_required_query_id(struct http_request *req, struct http_response *res,
                                const char *name)
{
    long long id = api_query_id(req, res, name);
    if (id == 0)
        http_problem(req, res, 422, "Unprocessable Content",
                     http_printf(req, "give the query argument %s", name), NULL);
    return id > 0 ? id : 0;
}

void api_fail(struct http_request *req, struct http_response *res, const struct error *err)
{
    http_problem_from_error(req, res, err);
}

enum err_code api_episode_load(struct http_request *req, long long episode_id,
                               enum access_kind kind, const char *action,
                               struct store_episode *episode, struct store_audit *audit,
                               struct error *err)
{
    enum err_code rc = store_episode_get(req->app->store, episode_id, episode, err);
    if (rc == ERR_OK)
        rc = access_patient(req, episode->patient_id, kind, action, audit, err);
    return rc;
}

bool api_episode_access(struct http_request *req, struct http_response *res, long long episode_id,
                        int kind, const char *action, struct store_episode *episode,
                        struct store_audit *audit)
{
    struct error err;
    error_clear(&err);
    if (api_episode_load(req, episode_id, (enum access_kind)kind, action, episode, audit, &err) !=
        ERR_OK) {
        api_fail(req, res, &err);
        return false;
    }
    return true;
}

enum sex api_patient_sex(const struct store_patient *patient)
{
    enum sex sex = SEX_UNKNOWN;
    if (sex_parse(patient->sex, &sex) != 0)
        sex = SEX_UNKNOWN;
    return sex;
}

/* One answer as a position: integer, null (missing) or "na". */
static enum err_code answer_position(json_t *v, int *position)
{
    if (json_is_null(v)) {
        *position = ANSWER_MISSING;
        return ERR_OK;
    }
    if (json_is_string(v) && strcmp(json_string_value(v), "na") == 0) {
        *position = ANSWER_NOT_APPLICABLE;
        return ERR_OK;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 99)
        return ERR_INVALID;
    *position = (int)json_integer_value(v);
    return ERR_OK;
}

enum err_code api_score_response(struct http_request *req, const char *pointer_prefix,
                                 json_t *instrument_id, json_t *answers, enum sex sex,
                                 struct store_response *out, struct instrument_score *score,
                                 struct error *err)
{
    char pointer[96];
    const struct instrument *ins = NULL;
    snprintf(pointer, sizeof(pointer), "%s/instrument", pointer_prefix);
    if (!json_is_string(instrument_id))
        return error_set(err, ERR_INVALID, pointer, "\"instrument\" must be an instrument id");
    ins = instrument_find(&req->app->catalog, json_string_value(instrument_id));
    if (ins == NULL)
        return error_set(err, ERR_INVALID, pointer, "unknown instrument \"%.40s\"",
                         json_string_value(instrument_id));
    snprintf(pointer, sizeof(pointer), "%s/answers", pointer_prefix);
    size_t count = json_array_size(answers);
    if (!json_is_array(answers) || count == 0 || count > INSTRUMENT_MAX_ITEMS)
        return error_set(err, ERR_INVALID, pointer,
                         "\"answers\" must be an array of option positions (%s has %d items)",
                         ins->name, ins->item_count);
    int positions[INSTRUMENT_MAX_ITEMS];
    for (size_t i = 0; i < count; i++)
        if (answer_position(json_array_get(answers, i), &positions[i]) != ERR_OK) {
            snprintf(pointer, sizeof(pointer), "%s/answers/%zu", pointer_prefix, i);
            return error_set(err, ERR_INVALID, pointer,
                             "%s item %s: an answer is an option position (0, 1, ...), null or "
                             "\"na\"",
                             ins->name, i < (size_t)ins->item_count ? ins->items[i].id : "?");
        }
    enum err_code rc = instrument_score(ins, positions, (int)count, sex, score, err);
    if (rc != ERR_OK) {
        if (err != NULL && strncmp(err->field, "/answers", 8) == 0) {
            snprintf(pointer, sizeof(pointer), "%s%s", pointer_prefix, err->field);
            snprintf(err->field, sizeof(err->field), "%s", pointer);
        }
        return rc;
    }
    memset(out, 0, sizeof(*out));
    snprintf(out->instrument, sizeof(out->instrument), "%s", ins->id);
    instrument_format_answers(positions, (int)count, out->answers, sizeof(out->answers));
    out->total = score->total;
    snprintf(out->band, sizeof(out->band), "%s", score->band ? score->band->id : "");
    out->severity = score->band ? score->band->severity : 0;
    out->flags = score->flags;
    return ERR_OK;
}

void api_list_begin(struct jsonw *w, const char *key)
{
    jsonw_init(w);
    jsonw_object_open(w);
    jsonw_key(w, key);
    jsonw_array_open(w);
}

void api_list_end(struct http_request *req, struct http_response *res, struct jsonw *w)
{
    jsonw_array_close(w);
    jsonw_object_close(w);
    http_jsonw(req, res, 200, w);
}
