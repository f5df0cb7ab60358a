/* api_fixture.c - the JSON API tests' shared world and helpers (api_fixture.h). */
#include "api_fixture.h"

#include "db_fingerprint.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const api_usernames[ACTOR_COUNT] = { "anna", "bo", "cecilia", "david", "eva" };

static const char *const roles[ACTOR_COUNT] = { "clinician", "clinician", "manager", "analyst",
                                                "admin" };
static const char *const units[ACTOR_COUNT] = { "GOTTSUNDA", "ARSTA", "GOTTSUNDA", "GOTTSUNDA",
                                                "GOTTSUNDA" };
static const char *const names[ACTOR_COUNT] = { "Anna Andersson", "Bo Berg", "Cecilia Carlsson",
                                                "David Dahl", "Eva Ek" };

#define ROTATING 16

/* Per thread: tests with several client threads (reliability/) format at the same time. */
static char *rotating_buffer(size_t *size)
{
    static _Thread_local char buffers[ROTATING][16384];
    static _Thread_local int next;
    char *buf = buffers[next];
    next = (next + 1) % ROTATING;
    *size = sizeof(buffers[0]);
    return buf;
}

const char *api_fmt(const char *fmt, ...)
{
    size_t size;
    char *buf = rotating_buffer(&size);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= size)
        TEST_FAIL("api_fmt: the text is longer than %zu bytes", size);
    return buf;
}

/* The world on `db_url` (NULL: a new database), the server run with `serve_args` too. */
static void world_start(struct api_world *w, const char *db_url, const char *const *serve_args)
{
    memset(w, 0, sizeof(*w));
    test_server_init_db(&w->server, db_url);
    for (int i = 0; serve_args != NULL && serve_args[i] != NULL; i++) {
        if (i == 10)
            TEST_FAIL("api_world_start_with: more than 10 serve options");
        w->server.extra_args[i] = serve_args[i];
    }
    for (int a = 0; a < ACTOR_COUNT; a++)
        test_server_add_user(&w->server, api_usernames[a], roles[a], units[a], names[a],
                             API_PASSWORD);
    test_server_launch(&w->server);
    for (int a = 0; a < ACTOR_COUNT; a++)
        test_http_client_init(&w->client[a], &w->server);
    test_http_client_init(&w->anonymous, &w->server);
}

void api_world_start_on(struct api_world *w, const char *db_url)
{
    world_start(w, db_url, NULL);
}

void api_world_start(struct api_world *w)
{
    world_start(w, NULL, NULL);
}

void api_world_start_with(struct api_world *w, const char *const *serve_args)
{
    world_start(w, NULL, serve_args);
}

void api_world_start_second(struct api_world *w)
{
    test_server_init_db(&w->second, w->server.db_path);
    test_server_launch(&w->second);
    for (int a = 0; a < ACTOR_COUNT; a++)
        test_http_client_init(&w->second_client[a], &w->second);
}

/* Log in on `client` as `actor`, check the role, and return the staff id. */
static long long login_client(struct test_http_client *client, enum api_actor actor)
{
    test_http_login(client, api_usernames[actor], API_PASSWORD);
    struct test_http_response res = test_http_get(client, "/api/v1/me");
    EXPECT_STATUS(res, 200);
    ASSERT_STR_EQ(api_str(&res, "staff/role"), roles[actor]);
    long long id = api_int(&res, "staff/id");
    ASSERT_TRUE(id > 0);
    test_http_response_free(&res);
    return id;
}

void api_world_login(struct api_world *w, enum api_actor actor)
{
    w->staff_id[actor] = login_client(&w->client[actor], actor);
}

void api_world_login_second(struct api_world *w, enum api_actor actor)
{
    w->second_staff_id[actor] = login_client(&w->second_client[actor], actor);
}

void api_world_login_all(struct api_world *w)
{
    for (int a = 0; a < ACTOR_COUNT; a++)
        api_world_login(w, (enum api_actor)a);
    struct test_http_response res = test_http_get(&w->client[ACTOR_ADMIN], "/api/v1/units");
    EXPECT_STATUS(res, 200);
    json_t *list = api_at(res.json, "units");
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *unit = json_array_get(list, i);
        const char *code = json_string_value(json_object_get(unit, "code"));
        long long id = json_integer_value(json_object_get(unit, "id"));
        if (code != NULL && strcmp(code, "GOTTSUNDA") == 0)
            w->unit_gottsunda = id;
        if (code != NULL && strcmp(code, "ARSTA") == 0)
            w->unit_arsta = id;
    }
    test_http_response_free(&res);
    if (w->unit_gottsunda <= 0 || w->unit_arsta <= 0)
        TEST_FAIL("the region has no GOTTSUNDA or ARSTA unit");
}

void api_world_stop(struct api_world *w)
{
    if (w->second.dir[0] != '\0') {
        for (int a = 0; a < ACTOR_COUNT; a++)
            test_http_client_release(&w->second_client[a]);
        test_server_stop(&w->second);
        test_server_release(&w->second);
    }
    for (int a = 0; a < ACTOR_COUNT; a++)
        test_http_client_release(&w->client[a]);
    test_http_client_release(&w->anonymous);
    test_server_stop(&w->server);
    test_server_release(&w->server);
}

json_t *api_at(json_t *root, const char *path)
{
    char part[128];
    json_t *node = root;
    while (node != NULL && *path != '\0') {
        size_t len = strcspn(path, "/");
        if (len >= sizeof(part))
            return NULL;
        memcpy(part, path, len);
        part[len] = '\0';
        path += len + (path[len] == '/');
        if (json_is_array(node)) {
            char *end = NULL;
            long index = strtol(part, &end, 10);
            node = *end == '\0' && index >= 0 ? json_array_get(node, (size_t)index) : NULL;
        } else {
            node = json_object_get(node, part);
        }
    }
    return node;
}

long long api_int(const struct test_http_response *res, const char *path)
{
    json_t *v = api_at(res->json, path);
    return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

const char *api_str(const struct test_http_response *res, const char *path)
{
    return json_string_value(api_at(res->json, path));
}

int api_bool(const struct test_http_response *res, const char *path)
{
    json_t *v = api_at(res->json, path);
    return json_is_boolean(v) ? json_is_true(v) : -1;
}

const char *api_dump(const struct test_http_response *res, const char *path)
{
    json_t *v = api_at(res->json, path);
    if (v == NULL)
        return "(none)";
    char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    const char *out = api_fmt("%s", text ? text : "(unprintable)");
    free(text);
    return out;
}

long long api_epoch(const char *iso)
{
    struct tm tm;
    char z = 0;
    memset(&tm, 0, sizeof(tm));
    if (iso == NULL || strlen(iso) != 20 ||
        sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec, &z) != 7 ||
        z != 'Z')
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (long long)timegm(&tm);
}

const char *api_problem_pointer(const struct test_http_response *res)
{
    return json_string_value(api_at(res->json, "errors/0/pointer"));
}

struct test_http_response api_send(struct test_http_client *c, const char *method, const char *path,
                                   const char *const *headers, const char *json_body)
{
    return test_http_request(c, method, path, json_body ? "application/json" : NULL, json_body,
                             headers);
}

void api_pnr(int serial, char dashed[14], char digits[13])
{
    /* Luhn over YYMMDDNNN = 700101NNN: weights 2,1,2,1,... from the left, digit sums added. */
    unsigned number = (unsigned)serial % 1000u;
    char ten[10];
    snprintf(ten, sizeof(ten), "700101%03u", number);
    unsigned sum = 0;
    for (int i = 0; i < 9; i++) {
        unsigned v = (unsigned)(ten[i] - '0') * (i % 2 == 0 ? 2u : 1u);
        sum += v / 10 + v % 10;
    }
    unsigned check = (10u - sum % 10u) % 10u;
    snprintf(dashed, 14, "19700101-%03u%u", number, check);
    snprintf(digits, 13, "19700101%03u%u", number, check);
}

const char *api_audit_actions(struct test_http_client *admin, long long patient_id)
{
    struct test_http_response res =
        test_http_get(admin, api_fmt("/api/v1/audit?patient_id=%lld", patient_id));
    EXPECT_STATUS(res, 200);
    size_t size;
    char *out = rotating_buffer(&size);
    size_t used = 0;
    out[0] = '\0';
    json_t *list = api_at(res.json, "audit");
    for (size_t i = 0; i < json_array_size(list); i++) {
        const char *action = json_string_value(json_object_get(json_array_get(list, i), "action"));
        int n = snprintf(out + used, size - used, "%s%s", i ? "," : "", action ? action : "?");
        if (n < 0 || (size_t)n >= size - used)
            TEST_FAIL("api_audit_actions: too many rows");
        used += (size_t)n;
    }
    test_http_response_free(&res);
    return out;
}

void api_patient_with_episode(struct test_http_client *clinician, int serial, long long *patient,
                              long long *episode)
{
    char dashed[14], digits[13];
    api_pnr(serial, dashed, digits);
    struct test_http_response res = test_http_send_json(
        clinician, "POST", "/api/v1/patients",
        api_fmt("{\"pnr\":\"%s\",\"name\":\"Patient %d\",\"municipality_code\":\"0380\"}", dashed,
                serial));
    EXPECT_STATUS(res, 201);
    *patient = api_int(&res, "id");
    test_http_response_free(&res);
    res = test_http_send_json(clinician, "POST", "/api/v1/episodes",
                              api_fmt("{\"patient_id\":%lld,\"source\":\"clinic\"}", *patient));
    EXPECT_STATUS(res, 201);
    *episode = api_int(&res, "id");
    test_http_response_free(&res);
    ASSERT_TRUE(*patient > 0 && *episode > 0);
}

struct test_http_response api_refused(struct api_world *w, struct test_http_client *c,
                                      const char *method, const char *path,
                                      const char *content_type, const char *body,
                                      const char *const *headers, long status, const char *pointer)
{
    char before[TEST_DB_FINGERPRINT_SIZE], after[TEST_DB_FINGERPRINT_SIZE];
    test_db_fingerprint(w->server.db_path, before, sizeof(before));
    struct test_http_response res = test_http_request(c, method, path, content_type, body, headers);
    if (res.status != status)
        TEST_FAIL("%s %s: status %ld, want %ld; body: %s", method, path, res.status, status,
                  res.body);
    test_http_expect_problem(&res, status);
    const char *got = api_problem_pointer(&res);
    if (pointer != NULL && (got == NULL || strcmp(got, pointer) != 0))
        TEST_FAIL("%s %s: pointer %s, want %s; body: %s", method, path, got ? got : "(none)",
                  pointer, res.body);
    test_db_fingerprint(w->server.db_path, after, sizeof(after));
    if (strcmp(before, after) != 0)
        TEST_FAIL("%s %s: the refused request changed the database:\n before %s\n after  %s",
                  method, path, before, after);
    return res;
}

void api_refused_json(struct api_world *w, struct test_http_client *c, const char *method,
                      const char *path, const char *body, long status, const char *pointer)
{
    struct test_http_response res =
        api_refused(w, c, method, path, "application/json", body, NULL, status, pointer);
    test_http_response_free(&res);
}
