/* store_seed.c - a new database's region: municipalities, units, interventions and which unit
 * offers which, from the JSON of data/region.json. */
#include "store_internal.h"

#include <jansson.h>
#include <stdio.h>

static const char sql_municipality_add[] = "INSERT INTO municipality (code, name) VALUES (?, ?)";
static const char sql_intervention_add[] =
    "INSERT INTO intervention (code, step, name_sv, name_en) VALUES (?, ?, ?, ?)";
static const char sql_unit_add[] =
    "INSERT INTO unit (code, name, kind, municipality_code) VALUES (?, ?, ?, ?)";
static const char sql_unit_id[] = "SELECT id FROM unit WHERE code = ?";
static const char sql_offer_add[] =
    "INSERT INTO unit_intervention (unit_id, intervention_code) VALUES (?, ?)";

/* A non-empty string member `key` of `obj`, else ERR_INVALID naming `where`/`key`. */
static enum err_code member_text(json_t *obj, const char *key, const char *where, const char **out,
                                 struct error *err)
{
    json_t *value = json_object_get(obj, key);
    *out = json_string_value(value);
    if (*out == NULL || (*out)[0] == '\0') {
        char field[96];
        snprintf(field, sizeof(field), "%s/%s", where, key);
        return error_set(err, ERR_INVALID, field, "region: %s must be a non-empty string", field);
    }
    return ERR_OK;
}

/* The array member `key` of `root`: ERR_OK with NULL when absent, ERR_INVALID when no array. */
static enum err_code member_array(json_t *root, const char *key, json_t **out, struct error *err)
{
    *out = json_object_get(root, key);
    if (*out != NULL && !json_is_array(*out))
        return error_set(err, ERR_INVALID, key, "region: %s must be an array", key);
    return ERR_OK;
}

/* Run `stmt` (bound by the caller). A constraint it breaks is a mistake in the region file:
 * ERR_INVALID naming `where` in it. */
static enum err_code insert(struct store__stmt *stmt, const char *where, struct error *err)
{
    struct error cause;
    error_clear(&cause);
    enum err_code rc = store__step_done(stmt, &cause);
    if (rc == ERR_CONFLICT || rc == ERR_NOT_FOUND || rc == ERR_INVALID)
        return error_set(err, ERR_INVALID, where, "region: %s: %s", where, cause.message);
    if (rc != ERR_OK && err != NULL)
        *err = cause;
    return rc;
}

static enum err_code seed_municipalities(struct store__conn *conn, json_t *list, struct error *err)
{
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        char where[64];
        snprintf(where, sizeof(where), "/municipalities/%zu", i);
        const char *code, *name;
        struct store__stmt *stmt = NULL;
        enum err_code rc = member_text(item, "code", where, &code, err);
        if (rc == ERR_OK)
            rc = member_text(item, "name", where, &name, err);
        if (rc == ERR_OK)
            rc = store__stmt(conn, sql_municipality_add, &stmt, err);
        if (rc != ERR_OK)
            return rc;
        store__bind_str(stmt, 1, code);
        store__bind_str(stmt, 2, name);
        rc = insert(stmt, where, err);
        if (rc != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

static enum err_code seed_interventions(struct store__conn *conn, json_t *list, struct error *err)
{
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        char where[64], names[80];
        snprintf(where, sizeof(where), "/interventions/%zu", i);
        snprintf(names, sizeof(names), "%s/name", where);
        const char *code, *sv, *en;
        json_t *name = json_object_get(item, "name");
        json_t *step = json_object_get(item, "step");
        struct store__stmt *stmt = NULL;
        enum err_code rc = member_text(item, "code", where, &code, err);
        if (rc == ERR_OK && (!json_is_integer(step) || json_integer_value(step) < 0 ||
                             json_integer_value(step) > 4))
            rc = error_set(err, ERR_INVALID, where, "region: %s/step must be 0 to 4", where);
        if (rc == ERR_OK)
            rc = member_text(name, "sv", names, &sv, err);
        if (rc == ERR_OK)
            rc = member_text(name, "en", names, &en, err);
        if (rc == ERR_OK)
            rc = store__stmt(conn, sql_intervention_add, &stmt, err);
        if (rc != ERR_OK)
            return rc;
        store__bind_str(stmt, 1, code);
        store__bind_int64(stmt, 2, json_integer_value(step));
        store__bind_str(stmt, 3, sv);
        store__bind_str(stmt, 4, en);
        rc = insert(stmt, where, err);
        if (rc != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

static enum err_code seed_units(struct store__conn *conn, json_t *list, struct error *err)
{
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        char where[64];
        snprintf(where, sizeof(where), "/units/%zu", i);
        const char *code, *name, *kind, *municipality;
        struct store__stmt *stmt = NULL;
        enum err_code rc = member_text(item, "code", where, &code, err);
        if (rc == ERR_OK)
            rc = member_text(item, "name", where, &name, err);
        if (rc == ERR_OK)
            rc = member_text(item, "kind", where, &kind, err);
        if (rc == ERR_OK)
            rc = member_text(item, "municipality", where, &municipality, err);
        if (rc == ERR_OK)
            rc = store__stmt(conn, sql_unit_add, &stmt, err);
        if (rc != ERR_OK)
            return rc;
        store__bind_str(stmt, 1, code);
        store__bind_str(stmt, 2, name);
        store__bind_str(stmt, 3, kind);
        store__bind_str(stmt, 4, municipality);
        rc = insert(stmt, where, err);
        if (rc != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

static enum err_code unit_id(struct store__conn *conn, const char *code, const char *where,
                             long long *id, struct error *err)
{
    struct store__stmt *stmt = NULL;
    enum err_code rc = store__stmt(conn, sql_unit_id, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_str(stmt, 1, code);
    int row = store__step(stmt, err);
    *id = row == 1 ? store__column_int64(stmt, 0) : 0;
    store__done(stmt);
    if (row == 0)
        return error_set(err, ERR_INVALID, where, "region: %s: no unit with code %s", where, code);
    return row < 0 ? (enum err_code)row : ERR_OK;
}

static enum err_code seed_offers(struct store__conn *conn, json_t *offers, struct error *err)
{
    if (offers == NULL)
        return ERR_OK;
    if (!json_is_object(offers))
        return error_set(err, ERR_INVALID, "unit_interventions",
                         "region: unit_interventions must be an object");
    const char *code;
    json_t *list;
    json_object_foreach(offers, code, list)
    {
        char where[96];
        snprintf(where, sizeof(where), "/unit_interventions/%s", code);
        long long id = 0;
        enum err_code rc = unit_id(conn, code, where, &id, err);
        if (rc == ERR_OK && !json_is_array(list))
            rc = error_set(err, ERR_INVALID, where, "region: %s must be an array", where);
        if (rc != ERR_OK)
            return rc;
        size_t i;
        json_t *item;
        json_array_foreach(list, i, item)
        {
            struct store__stmt *stmt = NULL;
            if (json_string_value(item) == NULL)
                return error_set(err, ERR_INVALID, where, "region: %s/%zu must be a string", where,
                                 i);
            rc = store__stmt(conn, sql_offer_add, &stmt, err);
            if (rc != ERR_OK)
                return rc;
            store__bind_int64(stmt, 1, id);
            store__bind_str(stmt, 2, json_string_value(item));
            rc = insert(stmt, where, err);
            if (rc != ERR_OK)
                return rc;
        }
    }
    return ERR_OK;
}

enum err_code store__seed_region(struct store__conn *conn, const char *region_json,
                                 struct error *err)
{
    json_error_t parse_error;
    json_t *root = json_loads(region_json, 0, &parse_error);
    if (!json_is_object(root)) {
        json_decref(root);
        return error_set(err, ERR_INVALID, "region", "region: not a JSON object (line %d: %s)",
                         parse_error.line, root ? "" : parse_error.text);
    }
    json_t *municipalities, *interventions, *units;
    enum err_code rc = member_array(root, "municipalities", &municipalities, err);
    if (rc == ERR_OK)
        rc = member_array(root, "interventions", &interventions, err);
    if (rc == ERR_OK)
        rc = member_array(root, "units", &units, err);
    if (rc == ERR_OK)
        rc = seed_municipalities(conn, municipalities, err);
    if (rc == ERR_OK)
        rc = seed_interventions(conn, interventions, err);
    if (rc == ERR_OK)
        rc = seed_units(conn, units, err);
    if (rc == ERR_OK)
        rc = seed_offers(conn, json_object_get(root, "unit_interventions"), err);
    json_decref(root);
    return rc;
}
