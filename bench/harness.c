/* harness.c - see harness.h. */
#include "harness.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void bench_exe_dir(char *out, size_t cap)
{
    ssize_t n = readlink("/proc/self/exe", out, cap - 1);
    if (n <= 0) {
        snprintf(out, cap, ".");
        return;
    }
    out[n] = '\0';
    char *slash = strrchr(out, '/');
    if (slash != NULL)
        *slash = '\0';
}

void bench_stegvis_path(const char *dir, char *out, size_t cap)
{
    const char *bin = getenv("STEGVIS_BIN");
    if (bin != NULL && bin[0] != '\0')
        snprintf(out, cap, "%s", bin);
    else
        snprintf(out, cap, "%s/stegvis", dir);
}

int bench_sizes(const char *prog, long *list, int cap)
{
    const char *sizes = getenv("STEGVIS_BENCH_SIZES");
    const char *full = getenv("STEGVIS_BENCH_FULL");
    if (sizes == NULL || sizes[0] == '\0')
        sizes = full != NULL && strcmp(full, "1") == 0 ? "20000,200000,1000000" : "20000,200000";
    int count = 0;
    for (const char *p = sizes; *p != '\0' && count < cap;) {
        char *end;
        long n = strtol(p, &end, 10);
        if (end == p || n <= 0) {
            fprintf(stderr, "%s: bad STEGVIS_BENCH_SIZES %s\n", prog, sizes);
            return -1;
        }
        list[count++] = n;
        p = *end == ',' ? end + 1 : end;
    }
    return count;
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && st.st_size > 0;
}

int bench_ensure_demo(const char *prog, const char *dir, long patients, char *path, size_t cap)
{
    char cache[BENCH_DIR_CAP + 32], stegvis[BENCH_PATH_CAP], tmp[BENCH_PATH_CAP + 96];
    char cmd[4 * BENCH_PATH_CAP];
    snprintf(cache, sizeof(cache), "%s/bench-cache", dir);
    mkdir(cache, 0755);
    /* named by schema version: a cache made by an older stegvis is not reused */
    snprintf(path, cap, "%s/demo-%ld-v%d.db", cache, patients, STORE_SCHEMA_VERSION);
    if (file_exists(path))
        return 0;
    bench_stegvis_path(dir, stegvis, sizeof(stegvis));
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    unlink(tmp);
    snprintf(cmd, sizeof(cmd),
             "'%s' demo --db '%s' --patients %ld --seed 1 --today " BENCH_TODAY " >/dev/null 2>&1",
             stegvis, tmp, patients);
    fprintf(stderr, "%s: generating %s ...\n", prog, path);
    double t0 = bench_now();
    if (system(cmd) != 0 || rename(tmp, path) != 0) {
        fprintf(stderr, "%s: %s failed\n", prog, cmd);
        return -1;
    }
    fprintf(stderr, "%s: generated in %.1f s\n", prog, bench_now() - t0);
    return 0;
}

static int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY);
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int rc = in >= 0 && out >= 0 ? 0 : -1;
    char buf[1 << 16];
    ssize_t n = 0;
    while (rc == 0 && (n = read(in, buf, sizeof(buf))) > 0)
        if (write(out, buf, (size_t)n) != n)
            rc = -1;
    if (n < 0)
        rc = -1;
    if (in >= 0)
        close(in);
    if (out >= 0 && close(out) != 0)
        rc = -1;
    return rc;
}

int bench_copy_db(const char *from, const char *to)
{
    char side[BENCH_PATH_CAP + 8];
    snprintf(side, sizeof(side), "%s-wal", to);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", to);
    unlink(side);
    return copy_file(from, to);
}

static void server_child(char *const argv[], int pipe_fd[2])
{
    close(pipe_fd[0]);
    dup2(pipe_fd[1], STDOUT_FILENO);
    close(pipe_fd[1]);
    FILE *null = freopen("/dev/null", "w", stderr);
    (void)null;
    execv(argv[0], argv);
    _exit(127);
}

void bench_server_stop(struct bench_server *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        waitpid(s->pid, NULL, 0);
        s->pid = 0;
    }
    if (s->out != NULL)
        fclose(s->out);
    s->out = NULL;
}

int bench_server_start(char *const argv[], int port, struct bench_server *s)
{
    char line[256];
    int fds[2];
    memset(s, 0, sizeof(*s));
    if (pipe(fds) != 0)
        return -1;
    fflush(NULL);
    s->pid = fork();
    if (s->pid == 0)
        server_child(argv, fds);
    close(fds[1]);
    s->out = fdopen(fds[0], "r");
    if (s->pid < 0 || s->out == NULL) {
        if (s->out == NULL)
            close(fds[0]);
        bench_server_stop(s);
        return -1;
    }
    s->port = port;
    if (port > 0)
        return 0;
    while (fgets(line, sizeof(line), s->out) != NULL)
        if (strstr(line, "listening on http://127.0.0.1:") != NULL &&
            sscanf(strstr(line, "127.0.0.1:"), "127.0.0.1:%d", &s->port) == 1)
            return 0;
    fprintf(stderr, "bench: %s did not start\n", argv[0]);
    bench_server_stop(s);
    return -1;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

int bench_serve_ready(const char *bin, const char *db, struct bench_server *s, double *ready_s)
{
    char listen[32];
    int port = bench_free_port();
    snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
    char *argv[] = { (char *)bin, "serve", "--db", (char *)db, "--listen", listen, NULL };
    double t0 = bench_now();
    if (port == 0 || bench_server_start(argv, port, s) != 0)
        return -1;
    while (bench_now() - t0 < 600.0) {
        size_t bytes = 0;
        if (bench_get(port, BENCH_READY_PATH, NULL, &bytes) == 200) {
            *ready_s = bench_now() - t0;
            return 0;
        }
        if (waitpid(s->pid, NULL, WNOHANG) == s->pid) {
            s->pid = 0;
            break;
        }
        sleep_ms(1);
    }
    fprintf(stderr, "bench: %s serve --db %s did not become ready\n", bin, db);
    bench_server_stop(s);
    return -1;
}

/* One start: its time to ready, and (when `out` is set) the memory figures. */
static int start_once(const char *bin, const char *db, double *ready_s, struct bench_startup *out)
{
    struct bench_server s;
    if (bench_serve_ready(bin, db, &s, ready_s) != 0)
        return -1;
    int rc = 0;
    if (out != NULL) {
        char cookie[256], csrf[128];
        size_t bytes = 0;
        out->rss_ready_mb = bench_rss_mb(s.pid);
        rc = bench_login(s.port, "lars", "demo-analys-2026", cookie, sizeof(cookie), csrf,
                         sizeof(csrf));
        if (rc == 0 && bench_get(s.port, "/oversikt", cookie, &bytes) != 200)
            rc = -1;
        out->rss_dashboard_mb = bench_rss_mb(s.pid);
    }
    bench_server_stop(&s);
    if (rc != 0)
        fprintf(stderr, "bench: %s serve --db %s: the dashboard failed\n", bin, db);
    return rc;
}

int bench_startup_measure(const char *bin, const char *db, struct bench_startup *out)
{
    double ready_ms[BENCH_STARTUP_RUNS];
    memset(out, 0, sizeof(*out));
    for (int i = 0; i < BENCH_STARTUP_RUNS; i++) {
        double s = 0;
        if (start_once(bin, db, &s, i == BENCH_STARTUP_RUNS - 1 ? out : NULL) != 0)
            return -1;
        ready_ms[i] = s * 1000;
    }
    qsort(ready_ms, BENCH_STARTUP_RUNS, sizeof(double), bench_double_cmp);
    out->median_ms = ready_ms[BENCH_STARTUP_RUNS / 2];
    out->best_ms = ready_ms[0];
    return 0;
}

int bench_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr;
    socklen_t len = sizeof(addr);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int port = 0;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
        getsockname(fd, (struct sockaddr *)&addr, &len) == 0)
        port = ntohs(addr.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

double bench_rss_mb(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
    FILE *f = fopen(path, "r");
    double mb = 0;
    long kb = 0;
    if (f == NULL)
        return 0;
    while (fgets(line, sizeof(line), f) != NULL)
        if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
            mb = (double)kb / 1024.0;
    fclose(f);
    return mb;
}

struct body_buf {
    char data[4096];
    size_t len, total;
};

static size_t keep_body(char *data, size_t size, size_t n, void *user)
{
    struct body_buf *b = user;
    size_t bytes = size * n, room = sizeof(b->data) - 1 - b->len;
    size_t take = bytes < room ? bytes : room;
    memcpy(b->data + b->len, data, take);
    b->len += take;
    b->data[b->len] = '\0';
    b->total += bytes;
    return bytes;
}

static long perform(CURL *curl, const char *url, struct body_buf *body)
{
    long status = -1;
    memset(body, 0, sizeof(*body));
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 300L);
    if (curl_easy_perform(curl) == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

/* The session cookie from the easy handle's cookie jar (Netscape lines: name is field 6). */
static int session_cookie(CURL *curl, char *cookie, size_t cap)
{
    struct curl_slist *list = NULL;
    int rc = -1;
    if (curl_easy_getinfo(curl, CURLINFO_COOKIELIST, &list) != CURLE_OK)
        return -1;
    for (struct curl_slist *c = list; c != NULL && rc != 0; c = c->next) {
        const char *name = c->data;
        for (int field = 0; field < 5 && name != NULL; field++) {
            name = strchr(name, '\t');
            name = name != NULL ? name + 1 : NULL;
        }
        const char *value = name != NULL ? strchr(name, '\t') : NULL;
        if (value != NULL && strncmp(name, "stegvis_session\t", 16) == 0) {
            snprintf(cookie, cap, "stegvis_session=%s", value + 1);
            rc = 0;
        }
    }
    curl_slist_free_all(list);
    return rc;
}

int bench_login(int port, const char *user, const char *password, char *cookie, size_t cookie_cap,
                char *csrf, size_t csrf_cap)
{
    char url[128], body[256];
    struct body_buf answer;
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/api/v1/login", port);
    snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\"}", user, password);
    CURL *curl = curl_easy_init();
    if (curl == NULL)
        return -1;
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_COOKIEFILE, "");
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    long status = perform(curl, url, &answer);
    int rc = status == 200 ? session_cookie(curl, cookie, cookie_cap) : -1;
    json_t *json = rc == 0 ? json_loads(answer.data, 0, NULL) : NULL;
    const char *token = json_string_value(json_object_get(json, "csrf_token"));
    if (token == NULL)
        rc = -1;
    else
        snprintf(csrf, csrf_cap, "%s", token);
    if (rc != 0)
        fprintf(stderr, "bench: login as %s failed (HTTP %ld)\n", user, status);
    json_decref(json);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return rc;
}

long bench_get(int port, const char *path, const char *cookie, size_t *bytes)
{
    char url[512];
    struct body_buf body;
    snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, path);
    CURL *curl = curl_easy_init();
    if (curl == NULL)
        return -1;
    if (cookie != NULL)
        curl_easy_setopt(curl, CURLOPT_COOKIE, cookie);
    long status = perform(curl, url, &body);
    curl_easy_cleanup(curl);
    *bytes = body.total;
    return status;
}

int bench_double_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void bench_cpu_model(char *out, size_t cap)
{
    snprintf(out, cap, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f == NULL)
        return;
    char line[512];
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "model name", 10) == 0) {
            const char *colon = strchr(line, ':');
            if (colon != NULL) {
                snprintf(out, cap, "%s", colon + 2);
                out[strcspn(out, "\n")] = '\0';
            }
            break;
        }
    }
    fclose(f);
}

void bench_summary(const char *key, double value)
{
    const char *path = getenv("STEGVIS_BENCH_SUMMARY");
    if (path == NULL || path[0] == '\0')
        return;
    FILE *f = fopen(path, "a");
    if (f == NULL)
        return;
    fprintf(f, "%s %.6g\n", key, value);
    fclose(f);
}
