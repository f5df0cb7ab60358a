/* http_client.c - running the real server and talking to it over loopback (http_client.h). */
#include "http_client.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/mem.h"
#include "support.h"
#include "testdb.h"
#include "testing.h"

#define START_TIMEOUT_MS 10000
#define STOP_TIMEOUT_MS  60000

extern char **environ;

/* The running servers, killed when a failed assertion aborts the test, so none is left behind. */
#define MAX_RUNNING 8
static volatile pid_t running[MAX_RUNNING];

static void kill_servers_on_abort(int sig)
{
    for (int i = 0; i < MAX_RUNNING; i++)
        if (running[i] > 0)
            kill(running[i], SIGKILL);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void running_set(pid_t old_pid, pid_t new_pid)
{
    for (int i = 0; i < MAX_RUNNING; i++)
        if (running[i] == old_pid) {
            running[i] = new_pid;
            return;
        }
}

/* ---- the server --------------------------------------------------------------------------- */

void test_server_init_db(struct test_server *server, const char *db_url)
{
    memset(server, 0, sizeof(*server));
    server->stdout_fd = -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(server->dir, sizeof(server->dir), "%s/stegvis-http-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(server->dir) == NULL)
        TEST_FAIL("mkdtemp %s: %s", server->dir, strerror(errno));
    if (db_url != NULL) {
        if (strlen(db_url) >= sizeof(server->db_path))
            TEST_FAIL("the database URL %s is too long", db_url);
        snprintf(server->db_path, sizeof(server->db_path), "%s", db_url);
    } else {
        testdb_create(program_invocation_short_name, server->db_path, sizeof(server->db_path));
        server->owns_db = true;
    }
    test_server_path(server, "server.log", server->log_path, sizeof(server->log_path));
}

void test_server_init(struct test_server *server)
{
    test_server_init_db(server, NULL);
}

void test_server_path(const struct test_server *server, const char *name, char *out, size_t size)
{
    int n = snprintf(out, size, "%s/%s", server->dir, name);
    if (n < 0 || (size_t)n >= size)
        TEST_FAIL("path %s/%s is too long", server->dir, name);
}

char *test_server_log(const struct test_server *server)
{
    FILE *f = fopen(server->log_path, "r");
    char *text = xstrdup("");
    size_t len = 0;
    char chunk[4096];
    size_t n;
    while (f != NULL && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        text = xrealloc(text, len + n + 1);
        memcpy(text + len, chunk, n);
        len += n;
        text[len] = '\0';
    }
    if (f != NULL)
        fclose(f);
    return text;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void fail_with_log(const struct test_server *server, const char *what)
{
    char *log = test_server_log(server);
    fprintf(stderr, "---- server log (%s) ----\n%s---- end of server log ----\n", server->log_path,
            log);
    free(log);
    TEST_FAIL("%s", what);
}

char *test_server_wait_log(const struct test_server *server, const char *text)
{
    struct timespec tick = { 0, 10 * 1000 * 1000 };
    for (int i = 0; i < 500; i++) {
        char *log = test_server_log(server);
        if (strstr(log, text) != NULL)
            return log;
        free(log);
        nanosleep(&tick, NULL);
    }
    char what[300];
    snprintf(what, sizeof(what), "the server log has no \"%.200s\" after 5 s", text);
    fail_with_log(server, what);
    return NULL;
}

/* Read the server's stdout until the "listening on" line; returns the port. */
static int read_port(struct test_server *server)
{
    char line[512];
    size_t len = 0;
    long long deadline = now_ms() + START_TIMEOUT_MS;
    for (;;) {
        char *nl = memchr(line, '\n', len);
        if (nl != NULL) {
            *nl = '\0';
            const char *colon = strrchr(line, ':');
            if (strstr(line, "stegvis: listening on http://") != line || colon == NULL)
                fail_with_log(server, "the server printed an unexpected first line");
            return atoi(colon + 1);
        }
        long long left = deadline - now_ms();
        struct pollfd pfd = { server->stdout_fd, POLLIN, 0 };
        if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
            fail_with_log(server, "the server did not say \"listening on\" within 10 s");
        ssize_t n = read(server->stdout_fd, line + len, sizeof(line) - 1 - len);
        if (n <= 0)
            fail_with_log(server, "the server exited before it was listening");
        len += (size_t)n;
        if (len >= sizeof(line) - 1)
            fail_with_log(server, "the server's first line is too long");
    }
}

void test_server_launch(struct test_server *server)
{
    const char *bin = getenv("STEGVIS_BIN");
    if (bin == NULL)
        TEST_FAIL("STEGVIS_BIN is not set (run the tests through ctest)");
    const char *argv[24] = { bin,        "serve",       "--db",      server->db_path,
                             "--listen", "127.0.0.1:0", "--threads", "4" };
    int argc = 8;
    for (int i = 0; i < 10 && server->extra_args[i] != NULL; i++)
        argv[argc++] = server->extra_args[i];
    argv[argc] = NULL;
    int out[2];
    if (pipe(out) != 0)
        TEST_FAIL("pipe: %s", strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addopen(&actions, 2, server->log_path, O_WRONLY | O_CREAT | O_APPEND,
                                     0600);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    posix_spawn_file_actions_addclose(&actions, out[1]);
    if (posix_spawn(&server->pid, bin, &actions, NULL, (char *const *)argv, environ) != 0)
        TEST_FAIL("cannot run %s", bin);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    running_set(0, server->pid);
    signal(SIGABRT, kill_servers_on_abort);
    server->stdout_fd = out[0];
    server->port = read_port(server);
    if (server->port <= 0)
        fail_with_log(server, "the server named no port");
}

void test_server_start(struct test_server *server)
{
    test_server_init(server);
    test_server_launch(server);
}

int test_server_terminate(struct test_server *server)
{
    if (server->pid <= 0)
        return -1;
    kill(server->pid, SIGTERM);
    int status = 0;
    struct timespec tick = { 0, 10 * 1000 * 1000 };
    long long deadline = now_ms() + STOP_TIMEOUT_MS;
    while (waitpid(server->pid, &status, WNOHANG) == 0) {
        if (now_ms() > deadline) {
            fprintf(stderr, "the server did not stop within %d s of SIGTERM: killed\n",
                    STOP_TIMEOUT_MS / 1000);
            kill(server->pid, SIGKILL);
            waitpid(server->pid, &status, 0);
            status = -1;
            break;
        }
        nanosleep(&tick, NULL);
    }
    running_set(server->pid, 0);
    server->pid = 0;
    if (server->stdout_fd >= 0)
        close(server->stdout_fd);
    server->stdout_fd = -1;
    return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void test_server_kill(struct test_server *server)
{
    if (server->pid <= 0)
        return;
    kill(server->pid, SIGKILL);
    int status = 0;
    waitpid(server->pid, &status, 0);
    running_set(server->pid, 0);
    server->pid = 0;
    if (server->stdout_fd >= 0)
        close(server->stdout_fd);
    server->stdout_fd = -1;
}

long long test_server_rss_kib(const struct test_server *server)
{
    char path[64], line[256];
    snprintf(path, sizeof(path), "/proc/%d/status", (int)server->pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        TEST_FAIL("cannot read %s: %s", path, strerror(errno));
    long long kib = -1;
    while (kib < 0 && fgets(line, sizeof(line), f) != NULL)
        if (strncmp(line, "VmRSS:", 6) == 0)
            kib = atoll(line + 6);
    fclose(f);
    if (kib <= 0)
        TEST_FAIL("%s has no VmRSS line", path);
    return kib;
}

void test_server_stop(struct test_server *server)
{
    int code = test_server_terminate(server);
    if (code != 0) {
        char what[80];
        snprintf(what, sizeof(what), "the server exited with %d after SIGTERM, want 0", code);
        fail_with_log(server, what);
    }
}

void test_server_release(struct test_server *server)
{
    if (server->pid > 0)
        (void)test_server_terminate(server);
    DIR *dir = opendir(server->dir);
    if (dir == NULL)
        return;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        char path[600];
        snprintf(path, sizeof(path), "%s/%s", server->dir, entry->d_name);
        unlink(path);
    }
    closedir(dir);
    rmdir(server->dir);
    if (server->owns_db)
        testdb_drop(server->db_path);
    server->owns_db = false;
}

void test_server_add_user(const struct test_server *server, const char *username, const char *role,
                          const char *unit_code, const char *display_name, const char *password)
{
    const char *args[] = {
        "user",       "add",     "--db",   server->db_path,
        "--username", username,  "--role", role,
        "--unit",     unit_code, "--name", display_name ? display_name : username,
        NULL
    };
    char input[300];
    snprintf(input, sizeof(input), "%s\n", password);
    struct test_run run = test_run_stegvis(input, args);
    if (run.exit_code != 0)
        TEST_FAIL("stegvis user add %s: exit %d, stderr \"%s\"", username, run.exit_code, run.err);
    test_run_free(&run);
}

/* ---- the client --------------------------------------------------------------------------- */

void test_http_client_init(struct test_http_client *client, const struct test_server *server)
{
    static int curl_ready;
    if (!curl_ready) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        atexit(curl_global_cleanup);
        curl_ready = 1;
    }
    memset(client, 0, sizeof(*client));
    client->server = server;
    client->curl = curl_easy_init();
    if (client->curl == NULL)
        TEST_FAIL("curl_easy_init failed");
    curl_easy_setopt(client->curl, CURLOPT_COOKIEFILE, ""); /* an in-memory cookie jar */
    curl_easy_setopt(client->curl, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(client->curl, CURLOPT_NOSIGNAL, 1L);
}

void test_http_client_release(struct test_http_client *client)
{
    if (client->curl != NULL)
        curl_easy_cleanup(client->curl);
    client->curl = NULL;
}

static size_t on_body(char *data, size_t size, size_t count, void *userdata)
{
    struct test_http_response *res = userdata;
    size_t n = size * count;
    res->body = xrealloc(res->body, res->body_len + n + 1);
    memcpy(res->body + res->body_len, data, n);
    res->body_len += n;
    res->body[res->body_len] = '\0';
    return n;
}

static void headers_clear(struct test_http_response *res)
{
    for (int i = 0; i < res->header_count; i++) {
        free(res->headers[i].name);
        free(res->headers[i].value);
    }
    res->header_count = 0;
}

/* One header line; a status line starts over (after "100 Continue" comes the real answer). */
static size_t on_header(char *data, size_t size, size_t count, void *userdata)
{
    struct test_http_response *res = userdata;
    size_t n = size * count;
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        headers_clear(res);
        return n;
    }
    const char *colon = memchr(data, ':', n);
    if (colon == NULL || res->header_count == TEST_HTTP_MAX_HEADERS)
        return n;
    const char *value = colon + 1;
    const char *end = data + n;
    while (value < end && (*value == ' ' || *value == '\t'))
        value++;
    while (end > value && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    res->headers[res->header_count].name = xstrndup(data, (size_t)(colon - data));
    res->headers[res->header_count].value = xstrndup(value, (size_t)(end - value));
    res->header_count++;
    return n;
}

static bool has_header(const char *const *headers, const char *name)
{
    size_t len = strlen(name);
    for (int i = 0; headers != NULL && headers[i] != NULL; i++)
        if (strncasecmp(headers[i], name, len) == 0 && headers[i][len] == ':')
            return true;
    return false;
}

/* The request's header list: the caller's, Content-Type (or none), and the CSRF token. */
static struct curl_slist *request_headers(struct test_http_client *client, const char *method,
                                          const char *content_type, const char *const *headers)
{
    struct curl_slist *list = NULL;
    char line[256];
    for (int i = 0; headers != NULL && headers[i] != NULL; i++)
        list = curl_slist_append(list, headers[i]);
    if (!has_header(headers, "Content-Type")) {
        if (content_type != NULL)
            snprintf(line, sizeof(line), "Content-Type: %s", content_type);
        else
            snprintf(line, sizeof(line), "Content-Type:"); /* none, not curl's form default */
        list = curl_slist_append(list, line);
    }
    bool safe = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    if (!safe && client->csrf[0] != '\0' && !has_header(headers, "X-CSRF-Token")) {
        snprintf(line, sizeof(line), "X-CSRF-Token: %s", client->csrf);
        list = curl_slist_append(list, line);
    }
    return list;
}

static void set_method_and_body(CURL *curl, const char *method, const char *body)
{
    curl_easy_setopt(curl, CURLOPT_NOBODY, 0L);
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, NULL);
    if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
        return;
    }
    if (body == NULL && strcmp(method, "GET") != 0 && strcmp(method, "DELETE") != 0)
        body = ""; /* Content-Length: 0 */
    if (body != NULL) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
    }
    if (strcmp(method, "GET") != 0 || body != NULL)
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
}

static bool is_json_type(const char *type)
{
    return type != NULL && (strncasecmp(type, "application/json", 16) == 0 ||
                            strncasecmp(type, "application/problem+json", 24) == 0);
}

bool test_http_try_request(struct test_http_client *client, const char *method, const char *path,
                           const char *content_type, const char *body, const char *const *headers,
                           struct test_http_response *res, char *error, size_t error_size)
{
    memset(res, 0, sizeof(*res));
    res->body = xstrdup("");
    CURL *curl = client->curl;
    char url[2048];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", client->server->port, path);
    struct curl_slist *list = request_headers(client, method, content_type, headers);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    set_method_and_body(curl, method, body);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, res);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, res);
    CURLcode rc = curl_easy_perform(curl);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(list);
    if (rc != CURLE_OK) {
        snprintf(error, error_size, "%s", curl_easy_strerror(rc));
        return false;
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &res->status);
    if (is_json_type(test_http_header(res, "Content-Type")) && res->body_len > 0) {
        json_error_t json_error;
        res->json = json_loadb(res->body, res->body_len, JSON_REJECT_DUPLICATES, &json_error);
        if (res->json == NULL)
            TEST_FAIL("%s %s: the JSON answer does not parse (%s): %s", method, path,
                      json_error.text, res->body);
    }
    return true;
}

struct test_http_response test_http_request(struct test_http_client *client, const char *method,
                                            const char *path, const char *content_type,
                                            const char *body, const char *const *headers)
{
    struct test_http_response res;
    char error[256];
    if (!test_http_try_request(client, method, path, content_type, body, headers, &res, error,
                               sizeof(error)))
        TEST_FAIL("%s %s: %s", method, path, error);
    return res;
}

struct test_http_response test_http_get(struct test_http_client *client, const char *path)
{
    return test_http_request(client, "GET", path, NULL, NULL, NULL);
}

struct test_http_response test_http_send_json(struct test_http_client *client, const char *method,
                                              const char *path, const char *json_text)
{
    return test_http_request(client, method, path, "application/json", json_text, NULL);
}

const char *test_http_header(const struct test_http_response *res, const char *name)
{
    for (int i = 0; i < res->header_count; i++)
        if (strcasecmp(res->headers[i].name, name) == 0)
            return res->headers[i].value;
    return NULL;
}

int test_http_header_count(const struct test_http_response *res, const char *name)
{
    int count = 0;
    for (int i = 0; i < res->header_count; i++)
        count += strcasecmp(res->headers[i].name, name) == 0;
    return count;
}

const char *test_http_json_string(const struct test_http_response *res, const char *key)
{
    return res->json ? json_string_value(json_object_get(res->json, key)) : NULL;
}

long long test_http_json_int(const struct test_http_response *res, const char *key)
{
    json_t *value = res->json ? json_object_get(res->json, key) : NULL;
    return json_is_integer(value) ? (long long)json_integer_value(value) : -1;
}

void test_http_response_free(struct test_http_response *res)
{
    headers_clear(res);
    free(res->body);
    res->body = NULL;
    json_decref(res->json);
    res->json = NULL;
}

void test_http_login(struct test_http_client *client, const char *username, const char *password)
{
    json_t *body = json_pack("{s:s, s:s}", "username", username, "password", password);
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    client->csrf[0] = '\0';
    struct test_http_response res = test_http_send_json(client, "POST", "/api/v1/login", text);
    free(text);
    const char *csrf = test_http_json_string(&res, "csrf_token");
    if (res.status != 200 || csrf == NULL)
        TEST_FAIL("login as %s: status %ld, body %s", username, res.status, res.body);
    snprintf(client->csrf, sizeof(client->csrf), "%s", csrf);
    test_http_response_free(&res);
}

void test_http_expect_problem(const struct test_http_response *res, long status)
{
    ASSERT_EQ_INT(res->status, status);
    ASSERT_STR_EQ(test_http_header(res, "Content-Type"), "application/problem+json");
    if (res->json == NULL)
        TEST_FAIL("status %ld: the body is not JSON: %s", res->status, res->body);
    ASSERT_EQ_INT(test_http_json_int(res, "status"), status);
    ASSERT_STR_EQ(test_http_json_string(res, "type"), "about:blank");
    const char *title = test_http_json_string(res, "title");
    const char *detail = test_http_json_string(res, "detail");
    ASSERT_TRUE(title != NULL && title[0] != '\0');
    ASSERT_TRUE(detail != NULL && detail[0] != '\0');
}

#define TEST_HTTP_CSP                                                                              \
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "                   \
    "frame-ancestors 'none'; base-uri 'none'"

void test_http_expect_html(const struct test_http_response *res, long status)
{
    if (res->status != status)
        TEST_FAIL("status %ld, want %ld; body: %s", res->status, status, res->body);
    ASSERT_STR_EQ(test_http_header(res, "Content-Type"), "text/html; charset=utf-8");
    ASSERT_STR_EQ(test_http_header(res, "Content-Security-Policy"), TEST_HTTP_CSP);
    ASSERT_STR_EQ(test_http_header(res, "X-Frame-Options"), "DENY");
    ASSERT_STR_EQ(test_http_header(res, "X-Content-Type-Options"), "nosniff");
    ASSERT_STR_EQ(test_http_header(res, "Referrer-Policy"), "no-referrer");
    ASSERT_TRUE(strncmp(res->body, "<!doctype html>\n<html lang=\"", 28) == 0);
    ASSERT_CONTAINS(res->body, "<link rel=\"stylesheet\" href=\"/static/stegvis.css\">");
    ASSERT_NOT_CONTAINS(res->body, "<script");
    ASSERT_NOT_CONTAINS(res->body, " style=");
    ASSERT_NOT_CONTAINS(res->body, "<style");
}
