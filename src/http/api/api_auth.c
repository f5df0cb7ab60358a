/* api_auth.c - login, logout and "who am I". */
#include <stdio.h>
#include <string.h>

#include "http/api/api.h"
#include "http/api/fields.h"
#include "http/app.h"
#include "http/auth.h"

static void send_session(struct http_request *req, struct http_response *res,
                         const struct auth_session *s)
{
    struct jsonw w;
    jsonw_init(&w);
    jsonw_object_open(&w);
    jsonw_kstring(&w, "csrf_token", s->csrf);
    jsonw_key(&w, "staff");
    jsonw_object_open(&w);
    jsonw_kint(&w, "id", s->staff_id);
    jsonw_kstring(&w, "username", s->username);
    jsonw_kstring(&w, "display_name", s->display_name);
    jsonw_kstring(&w, "role", role_name(s->role));
    jsonw_kint(&w, "unit_id", s->unit_id);
    jsonw_object_close(&w);
    render_ktime(&w, "expires_at", s->expires_at);
    jsonw_object_close(&w);
    http_jsonw(req, res, 200, &w);
}

void api_login(struct http_request *req, struct http_response *res)
{
    static const char *const allowed[] = { "username", "password", NULL };
    char username[64], password[257];
    struct error err;
    error_clear(&err);
    json_t *body = http_json_body(req, res);
    if (body == NULL)
        return;
    enum err_code rc = field_known(body, allowed, &err);
    if (rc == ERR_OK)
        rc = field_string(body, "username", true, username, sizeof(username) - 1, NULL, &err);
    if (rc == ERR_OK)
        rc = field_string(body, "password", true, password, sizeof(password) - 1, NULL, &err);
    json_decref(body);
    if (rc != ERR_OK)
        return api_fail(req, res, &err);
    char token[AUTH_TOKEN_LEN + 1];
    struct auth_session session;
    rc = auth_login(req->app, username, password, req->now, token, &session, &err);
    memset(password, 0, sizeof(password));
    if (rc != ERR_OK)
        return api_fail(req, res, &err);
    auth_cookie_set(req, res, token);
    send_session(req, res, &session);
}

void api_logout(struct http_request *req, struct http_response *res)
{
    struct error err;
    error_clear(&err);
    if (auth_logout(req->app, http_cookie(req, AUTH_COOKIE), &err) != ERR_OK)
        return api_fail(req, res, &err);
    auth_cookie_clear(req, res);
    http_text(req, res, 204, "text/plain", "", 0);
}

void api_me(struct http_request *req, struct http_response *res)
{
    send_session(req, res, req->session);
}

/* For load balancers and monitoring (no session): 200 when the database answers, else 503. */
void api_health(struct http_request *req, struct http_response *res)
{
    struct error err;
    long long cursor = 0;
    error_clear(&err);
    if (store_changes_mark(req->app->store, &cursor, &err) != ERR_OK)
        return api_fail(req, res, &err);
    http_json(req, res, 200,
              json_pack("{s:s, s:s, s:i}", "status", "ok", "database",
                        store_backend_name(req->app->store), "schema_version",
                        STORE_SCHEMA_VERSION));
}
