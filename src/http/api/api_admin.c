/* api_admin.c - units, staff, the instrument catalogue and the audit log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "data/present.h"
#include "http/access.h"
#include "http/api/api.h"
#include "http/api/fields.h"
#include "http/app.h"
#include "http/auth.h"

static const char *const unit_kinds[] = { "vardcentral", "digital", "specialist", NULL };
const char *const api_staff_roles[] = { "clinician", "manager", "analyst", "admin", NULL };

void api_units_list(struct http_request *req, struct http_response *res)
{
    struct store_unit *units = NULL;
    int count = 0;
    struct error err;
    error_clear(&err);
    if (store_unit_list(req->app->store, &units, &count, &err) != ERR_OK)
        return api_fail(req, res, &err);
    struct jsonw w;
    api_list_begin(&w, "units");
    for (int i = 0; i < count; i++)
        render_unit(&w, &units[i]);
    free(units);
    api_list_end(req, res, &w);
}

void api_units_create(struct http_request *req, struct http_response *res)
{
    static const char *const allowed[] = { "code", "name", "kind", "municipality_code", NULL };
    struct store_unit unit;
    struct error err;
    memset(&unit, 0, sizeof(unit));
    error_clear(&err);
    json_t *body = http_json_body(req, res);
    if (body == NULL)
        return;
    enum err_code rc = field_known(body, allowed, &err);
    if (rc == ERR_OK)
        rc = field_string(body, "code", true, unit.code, sizeof(unit.code) - 1, NULL, &err);
    if (rc == ERR_OK)
        rc = field_string(body, "name", true, unit.name, sizeof(unit.name) - 1, NULL, &err);
    if (rc == ERR_OK)
        rc = field_choice(body, "kind", true, unit_kinds, unit.kind, sizeof(unit.kind), NULL, &err);
    if (rc == ERR_OK)
        rc = field_string(body, "municipality_code", true, unit.municipality_code,
                          sizeof(unit.municipality_code) - 1, NULL, &err);
    json_decref(body);
    if (rc == ERR_OK &&
        store_municipality_exists(req->app->store, unit.municipality_code, &err) != ERR_OK)
        rc = error_set(&err, ERR_INVALID, "/municipality_code", "unknown municipality code");
    if (rc == ERR_OK)
        rc = store_unit_add(req->app->store, &unit, &err);
    if (rc != ERR_OK)
        return api_fail(req, res, &err);
    app_facts_touch_all(req->app);
    struct jsonw w;
    jsonw_init(&w);
    render_unit(&w, &unit);
    http_jsonw(req, res, 201, &w);
}

enum err_code api_staff_visible(struct http_request *req, struct store_staff **list, int *count,
                                struct error *err)
{
    long long unit = req->session->role == ROLE_ADMIN ? 0 : req->session->unit_id;
    return store_staff_list(req->app->store, unit, list, count, err);
}

void api_staff_list(struct http_request *req, struct http_response *res)
{
    struct store_staff *staff = NULL;
    int count = 0;
    struct error err;
    error_clear(&err);
    if (api_staff_visible(req, &staff, &count, &err) != ERR_OK)
        return api_fail(req, res, &err);
    struct jsonw w;
    api_list_begin(&w, "staff");
    for (int i = 0; i < count; i++)
        render_staff(&w, &staff[i]);
    free(staff);
    api_list_end(req, res, &w);
}

static enum err_code read_staff(struct http_request *req, json_t *body, struct store_staff *staff,
                                char *password, size_t password_size, struct error *err)
{
    static const char *const allowed[] = { "username",  "display_name", "role",
                                           "unit_code", "password",     NULL };
    char unit_code[32];
    struct store_unit unit;
    enum err_code rc = field_known(body, allowed, err);
    if (rc == ERR_OK)
        rc = field_string(body, "username", true, staff->username, sizeof(staff->username) - 1,
                          NULL, err);
    if (rc == ERR_OK)
        rc = field_string(body, "display_name", true, staff->display_name,
                          sizeof(staff->display_name) - 1, NULL, err);
    if (rc == ERR_OK)
        rc = field_choice(body, "role", true, api_staff_roles, staff->role, sizeof(staff->role),
                          NULL, err);
    if (rc == ERR_OK)
        rc = field_string(body, "unit_code", true, unit_code, sizeof(unit_code) - 1, NULL, err);
    if (rc == ERR_OK)
        rc = field_string(body, "password", true, password, password_size - 1, NULL, err);
    if (rc == ERR_OK && store_unit_by_code(req->app->store, unit_code, &unit, NULL) != ERR_OK)
        rc = error_set(err, ERR_INVALID, "/unit_code", "unknown unit code \"%s\"", unit_code);
    if (rc == ERR_OK)
        staff->unit_id = unit.id;
    return rc;
}

enum err_code api_do_staff_create(struct http_request *req, json_t *body, struct store_staff *staff,
                                  struct error *err)
{
    struct store_audit audit;
    char password[257];
    memset(staff, 0, sizeof(*staff));
    enum err_code rc = read_staff(req, body, staff, password, sizeof(password), err);
    if (rc == ERR_OK)
        rc = auth_hash_password(password, staff->pw_hash, err);
    memset(password, 0, sizeof(password));
    if (rc == ERR_INVALID && err != NULL && strcmp(err->field, "password") == 0)
        snprintf(err->field, sizeof(err->field), "/password");
    staff->active = true;
    access_audit_init(req, &audit, "staff.create", 0);
    snprintf(audit.detail, sizeof(audit.detail), "username %s, role %s", staff->username,
             staff->role);
    if (rc == ERR_OK)
        rc = store_staff_add(req->app->store, staff, &audit, err);
    return rc;
}

void api_staff_create(struct http_request *req, struct http_response *res)
{
    struct store_staff staff;
    struct error err;
    error_clear(&err);
    json_t *body = http_json_body(req, res);
    if (body == NULL)
        return;
    enum err_code rc = api_do_staff_create(req, body, &staff, &err);
    json_decref(body);
    if (rc != ERR_OK)
        return api_fail(req, res, &err);
    struct jsonw w;
    jsonw_init(&w);
    render_staff(&w, &staff);
    http_jsonw(req, res, 201, &w);
}

void api_instruments_list(struct http_request *req, struct http_response *res)
{
    struct jsonw w;
    api_list_begin(&w, "instruments");
    for (int i = 0; i < req->app->catalog.count; i++) {
        json_t *summary = present_instrument_summary(req->app->catalog.list[i]);
        jsonw_json(&w, summary);
        json_decref(summary);
    }
    api_list_end(req, res, &w);
}

/* A time query argument: 0 when absent; -1 after answering 422. */
static long long query_time(struct http_request *req, struct http_response *res, const char *name)
{
    const char *text = http_query(req, name);
    long long epoch = 0;
    if (text == NULL || *text == '\0')
        return 0;
    if (datetime_parse(text, &epoch, NULL) != ERR_OK) {
        http_problem(req, res, 422, "Unprocessable Content",
                     http_printf(req, "query argument \"%s\" must be an ISO 8601 time", name),
                     NULL);
        return -1;
    }
    return epoch;
}

void api_audit_query(struct http_request *req, struct http_response *res)
{
    struct store_audit_filter filter = { 0, 0, 0, 0, 200 };
    filter.patient_id = api_query_id(req, res, "patient_id");
    if (filter.patient_id >= 0)
        filter.actor_id = api_query_id(req, res, "actor_id");
    if (filter.patient_id >= 0 && filter.actor_id >= 0)
        filter.from = query_time(req, res, "from");
    if (filter.patient_id >= 0 && filter.actor_id >= 0 && filter.from >= 0)
        filter.to = query_time(req, res, "to");
    if (filter.patient_id < 0 || filter.actor_id < 0 || filter.from < 0 || filter.to < 0)
        return;
    struct store_audit *rows = NULL;
    int count = 0;
    struct error err;
    error_clear(&err);
    if (store_audit_query(req->app->store, &filter, &rows, &count, &err) != ERR_OK)
        return api_fail(req, res, &err);
    struct jsonw w;
    api_list_begin(&w, "audit");
    for (int i = 0; i < count; i++)
        render_audit(&w, &rows[i]);
    free(rows);
    api_list_end(req, res, &w);
}
