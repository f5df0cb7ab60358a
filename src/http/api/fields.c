#include "http/api/fields.h"

#include <stdio.h>
#include <string.h>

#include "core/date.h"

/* The member, or NULL when absent or null; ERR_INVALID when required and missing. */
static enum err_code member(json_t *obj, const char *name, bool required, json_t **out,
                            bool *present, struct error *err)
{
    json_t *v = json_object_get(obj, name);
    *out = json_is_null(v) ? NULL : v;
    if (present != NULL)
        *present = *out != NULL;
    if (*out == NULL && required)
        return error_set(err, ERR_INVALID, NULL, "\"%s\" is required", name);
    return ERR_OK;
}

static enum err_code wrong(struct error *err, const char *name, const char *what)
{
    char pointer[80];
    snprintf(pointer, sizeof(pointer), "/%s", name);
    return error_set(err, ERR_INVALID, pointer, "\"%s\" must be %s", name, what);
}

/* member() with the pointer set on a missing required member. */
static enum err_code get(json_t *obj, const char *name, bool required, json_t **out, bool *present,
                         struct error *err)
{
    enum err_code rc = member(obj, name, required, out, present, err);
    if (rc != ERR_OK && err != NULL)
        snprintf(err->field, sizeof(err->field), "/%s", name);
    return rc;
}

enum err_code field_known(json_t *obj, const char *const *allowed, struct error *err)
{
    const char *key;
    json_t *value;
    json_object_foreach(obj, key, value)
    {
        bool known = false;
        for (int i = 0; allowed[i] != NULL && !known; i++)
            known = strcmp(allowed[i], key) == 0;
        if (!known) {
            char pointer[80];
            snprintf(pointer, sizeof(pointer), "/%.70s", key);
            return error_set(err, ERR_INVALID, pointer, "unknown member \"%.70s\"", key);
        }
    }
    return ERR_OK;
}

enum err_code field_string(json_t *obj, const char *name, bool required, char *out, size_t max_len,
                           bool *present, struct error *err)
{
    json_t *v;
    enum err_code rc = get(obj, name, required, &v, present, err);
    if (rc != ERR_OK || v == NULL)
        return rc;
    if (!json_is_string(v))
        return wrong(err, name, "a string");
    size_t len = json_string_length(v);
    if (len == 0 && required)
        return wrong(err, name, "a non-empty string");
    if (len > max_len) {
        char what[64];
        snprintf(what, sizeof(what), "at most %zu bytes long", max_len);
        return wrong(err, name, what);
    }
    if (memchr(json_string_value(v), '\0', len) != NULL)
        return wrong(err, name, "text without NUL characters");
    memcpy(out, json_string_value(v), len + 1);
    return ERR_OK;
}

enum err_code field_int(json_t *obj, const char *name, bool required, long long min, long long max,
                        long long *out, bool *present, struct error *err)
{
    json_t *v;
    enum err_code rc = get(obj, name, required, &v, present, err);
    if (rc != ERR_OK || v == NULL)
        return rc;
    char what[80];
    snprintf(what, sizeof(what), "an integer from %lld to %lld", min, max);
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
        return wrong(err, name, what);
    *out = json_integer_value(v);
    return ERR_OK;
}

enum err_code field_time(json_t *obj, const char *name, bool required, long long *out,
                         bool *present, struct error *err)
{
    json_t *v;
    enum err_code rc = get(obj, name, required, &v, present, err);
    if (rc != ERR_OK || v == NULL)
        return rc;
    long long epoch;
    if (!json_is_string(v) || datetime_parse(json_string_value(v), &epoch, NULL) != ERR_OK)
        return wrong(err, name, "an ISO 8601 time such as \"2026-11-24T09:30:00+01:00\"");
    *out = epoch;
    return ERR_OK;
}

enum err_code field_choice(json_t *obj, const char *name, bool required, const char *const *choices,
                           char *out, size_t size, bool *present, struct error *err)
{
    json_t *v;
    enum err_code rc = get(obj, name, required, &v, present, err);
    if (rc != ERR_OK || v == NULL)
        return rc;
    for (int i = 0; json_is_string(v) && choices[i] != NULL; i++)
        if (strcmp(json_string_value(v), choices[i]) == 0) {
            snprintf(out, size, "%s", choices[i]);
            return ERR_OK;
        }
    char what[200] = "one of:";
    for (int i = 0; choices[i] != NULL; i++) {
        strncat(what, i ? ", " : " ", sizeof(what) - strlen(what) - 1);
        strncat(what, choices[i], sizeof(what) - strlen(what) - 1);
    }
    return wrong(err, name, what);
}
