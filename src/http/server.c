/* server.c - libmicrohttpd underneath http.h: one request state per request (arena and body),
 * the security headers on every answer, the access log, and a graceful stop. */
#include "http/server.h"

#include <arpa/inet.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/coro.h"
#include "core/mem.h"
#include "http/connlimit.h"
#include "http/router.h"
#include "http/web/web.h"

#define SERVER_CONNECTION_TIMEOUT_S 30   /* idle or stalled connections are closed after this */
#define SERVER_MAX_CONNECTIONS      1000 /* connections held at once (more are refused) */
#define SERVER_CONNECTION_MEMORY    (32 * 1024) /* request line and headers (431/414 beyond) */
#define SERVER_DRAIN_LIMIT_MS       30000       /* how long a stop waits for requests in flight */
#define SERVER_LOG_PATH_MAX         200         /* characters of the path kept for the access log */
#define SERVER_DISCARD_LIMIT        (1024 * 1024) /* bytes dropped past the cap before closing */
#define SERVER_TRIM_BUSY_MS         1000          /* heaps trimmed at most this often under load */
#define SERVER_TRIM_IDLE_MS         100           /* and this often when the last request is done */

#define SECURITY_CSP                                                                               \
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "                   \
    "frame-ancestors 'none'; base-uri 'none'"

struct server {
    struct MHD_Daemon *daemon;
    struct app *app;
    atomic_int in_flight; /* requests between their first call and their completion */
    atomic_int parked;    /* handlers parked (their connections suspended) until a wake */
    atomic_bool stopping; /* no handler parks any more: libmicrohttpd cannot stop while one is */
    int port;
    int connection_timeout_s;
    int max_connections, max_connections_per_ip;
    struct connlimit *limit;
    atomic_llong refused[3];          /* by enum connlimit_verdict, not yet logged */
    atomic_llong refused_logged_s[3]; /* when a refusal of that kind was last logged */
    atomic_llong trimmed_ms;          /* when the heaps were last trimmed (monotonic) */
};

/* One TCP connection (libmicrohttpd's socket context), from accept to close. */
struct connection_state {
    struct sockaddr_storage addr;
    struct timespec started;
    int requests; /* requests begun on it */
};

/* One request, from its headers to its completion (freed by on_completed). */
struct request_state {
    struct arena *arena;
    const char *method;
    const char *path;
    const char *log_method; /* method and path with control characters replaced, cut short */
    const char *log_path;
    char *body; /* heap, at most HTTP_MAX_BODY bytes plus a NUL */
    size_t body_len, body_cap;
    bool too_large;
    size_t discarded; /* body bytes dropped after the body passed the cap */
    int status;       /* what was sent; 0 when nothing was */
    struct timespec started;
    /* The handler runs as a coroutine, which parks (the connection suspended) while it waits for
     * the store's writer; libmicrohttpd calls on_request again after the wake resumes it. */
    struct server *server;
    struct MHD_Connection *conn;
    struct coro *handler;
    atomic_bool parked;
    bool closing; /* on_completed finishes the handler: it must not park again */
    struct http_request req;
    struct http_response res;
};

/* ---- the request state -------------------------------------------------------------------- */

/* Client text as it may appear in the log: printable ASCII only, so no one can forge lines. */
static const char *log_safe_text(struct arena *arena, const char *text)
{
    size_t len = strnlen(text, SERVER_LOG_PATH_MAX);
    char *out = arena_strndup(arena, text, len);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] >= 0x7f)
            out[i] = '?';
    return out;
}

static struct request_state *request_state_new(const char *method, const char *url)
{
    struct request_state *st = xcalloc(1, sizeof(*st));
    st->arena = arena_new();
    st->method = arena_strdup(st->arena, method);
    st->path = arena_strdup(st->arena, url);
    st->log_method = log_safe_text(st->arena, method);
    st->log_path = log_safe_text(st->arena, url);
    clock_gettime(CLOCK_MONOTONIC, &st->started);
    return st;
}

static void request_state_free(struct request_state *st)
{
    coro_free(st->handler);
    arena_free(st->arena);
    free(st->body);
    free(st);
}

/* Append a chunk of the upload; false (and nothing kept) once the body passes the cap. */
static bool body_append(struct request_state *st, const char *data, size_t size)
{
    if (size > HTTP_MAX_BODY - st->body_len)
        return false;
    size_t need = st->body_len + size + 1;
    if (need > st->body_cap) {
        size_t cap = st->body_cap ? st->body_cap : 1024;
        while (cap < need)
            cap *= 2;
        if (cap > HTTP_MAX_BODY + 1)
            cap = HTTP_MAX_BODY + 1;
        st->body = xrealloc(st->body, cap);
        st->body_cap = cap;
    }
    memcpy(st->body + st->body_len, data, size);
    st->body_len += size;
    st->body[st->body_len] = '\0';
    return true;
}

static bool content_length_too_large(struct MHD_Connection *conn)
{
    const char *text =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (text == NULL)
        return false;
    char *end = NULL;
    unsigned long long length = strtoull(text, &end, 10);
    return end == text || length > HTTP_MAX_BODY;
}

/* The connection has begun a request (so it is no slow client, whatever happens next). */
static void connection_note_request(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    struct connection_state *cs = info ? info->socket_context : NULL;
    if (cs != NULL)
        cs->requests++;
}

/* ---- language ----------------------------------------------------------------------------- */

/* The best language of an Accept-Language list that we have ("en-GB,en;q=0.9,sv;q=0.8"). */
static bool accept_language(const char *header, enum lang *out)
{
    double best_q = 0.0;
    bool found = false;
    while (*header != '\0') {
        size_t len = strcspn(header, ",");
        char entry[64];
        snprintf(entry, sizeof(entry), "%.*s", (int)(len < 63 ? len : 63), header);
        header += len + (header[len] == ',');
        char *tag = entry + strspn(entry, " \t");
        char *params = strchr(tag, ';');
        double q = 1.0;
        if (params != NULL) {
            *params++ = '\0';
            params += strspn(params, " \t");
            if (strncmp(params, "q=", 2) == 0)
                q = strtod(params + 2, NULL);
        }
        tag[strcspn(tag, " \t")] = '\0';
        enum lang lang;
        if (q > best_q && lang_parse(tag, &lang) == 0) {
            best_q = q;
            *out = lang;
            found = true;
        }
    }
    return found;
}

static enum lang request_lang(struct http_request *req)
{
    enum lang lang = LANG_SV;
    const char *cookie = http_cookie(req, "lang");
    if (cookie != NULL && lang_parse(cookie, &lang) == 0)
        return lang;
    const char *header = http_header(req, "Accept-Language");
    if (header != NULL && accept_language(header, &lang))
        return lang;
    return LANG_SV;
}

/* ---- answering ---------------------------------------------------------------------------- */

static bool response_has_header(const struct http_response *res, const char *name)
{
    for (int i = 0; i < res->header_count; i++)
        if (strcasecmp(res->headers[i].name, name) == 0)
            return true;
    return false;
}

static void add_header(struct MHD_Response *r, const char *name, const char *value)
{
    if (MHD_add_response_header(r, name, value) != MHD_YES)
        fprintf(stderr, "stegvis: response header %s refused (bad characters?)\n", name);
}

static void add_security_headers(struct MHD_Response *r, const struct http_response *res)
{
    add_header(r, "Content-Security-Policy", SECURITY_CSP);
    add_header(r, "X-Frame-Options", "DENY");
    add_header(r, "Referrer-Policy", "no-referrer");
    add_header(r, "X-Content-Type-Options", "nosniff");
    if (!response_has_header(res, "Cache-Control"))
        add_header(r, "Cache-Control", "no-store");
}

static enum MHD_Result send_response(struct MHD_Connection *conn, struct request_state *st,
                                     const struct http_response *res)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(res->body_len, res->body, MHD_RESPMEM_MUST_COPY);
    if (r == NULL)
        return MHD_NO;
    if (res->content_type != NULL)
        add_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, res->content_type);
    for (int i = 0; i < res->header_count; i++)
        add_header(r, res->headers[i].name, res->headers[i].value);
    add_security_headers(r, res);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)res->status, r);
    MHD_destroy_response(r);
    if (ret == MHD_YES)
        st->status = res->status;
    return ret;
}

static void request_init(struct http_request *req, struct server *server, struct request_state *st,
                         struct MHD_Connection *conn)
{
    memset(req, 0, sizeof(*req));
    req->method = st->method;
    req->path = st->path;
    req->body = st->body ? st->body : "";
    req->body_len = st->body_len;
    req->app = server->app;
    req->arena = st->arena;
    req->conn = conn;
    req->now = (long long)time(NULL);
    req->lang = request_lang(req);
}

static enum MHD_Result answer_too_large(struct server *server, struct request_state *st,
                                        struct MHD_Connection *conn)
{
    struct http_request req;
    struct http_response res;
    request_init(&req, server, st, conn);
    memset(&res, 0, sizeof(res));
    http_problem(&req, &res, 413, "Content Too Large",
                 http_printf(&req, "request bodies are limited to %d bytes", HTTP_MAX_BODY), NULL);
    return send_response(conn, st, &res);
}

/* Which route table serves a path: the JSON API under /api/, the web pages elsewhere. */
static void dispatch(struct http_request *req, struct http_response *res)
{
    int count = 0;
    if (strncmp(req->path, "/api/", 5) == 0) {
        const struct route *routes = api_routes(&count);
        router_dispatch(routes, count, req, res);
        return;
    }
    const struct route *pages = web_routes(&count);
    router_dispatch_html(pages, count, req, res);
}

/* ---- handlers as coroutines ---------------------------------------------------------------- */

static void run_handler(void *arg)
{
    struct request_state *st = arg;
    dispatch(&st->req, &st->res);
}

/* The handler is about to wait for the writer: suspend its connection, unless the server is
 * stopping (the stop waits for `parked` to reach 0 after setting `stopping`; checking again after
 * counting closes the gap between the two). */
static bool handler_park(void *ctx)
{
    struct request_state *st = ctx;
    struct server *server = st->server;
    if (st->closing || atomic_load(&server->stopping))
        return false;
    atomic_fetch_add(&server->parked, 1);
    if (atomic_load(&server->stopping)) {
        atomic_fetch_sub(&server->parked, 1);
        return false;
    }
    atomic_store(&st->parked, true);
    MHD_suspend_connection(st->conn);
    return true;
}

/* The writer's thread: the wait is over. The request may be finished and freed as soon as the
 * connection is resumed, so nothing of it is touched after that. */
static void handler_wake(void *ctx)
{
    struct request_state *st = ctx;
    struct server *server = st->server;
    struct MHD_Connection *conn = st->conn;
    atomic_store(&st->parked, false);
    MHD_resume_connection(conn);
    atomic_fetch_sub(&server->parked, 1);
}

/* Run the handler on until it finishes (then answer) or parks (then wait for on_request). */
static enum MHD_Result continue_handler(struct request_state *st, struct MHD_Connection *conn)
{
    if (!coro_run(st->handler))
        return MHD_YES;
    coro_free(st->handler);
    st->handler = NULL;
    if (st->res.status == 0) {
        memset(&st->res, 0, sizeof(st->res));
        http_problem(&st->req, &st->res, 500, "Internal Server Error", "the handler set no status",
                     NULL);
    }
    return send_response(conn, st, &st->res);
}

static enum MHD_Result answer(struct server *server, struct request_state *st,
                              struct MHD_Connection *conn)
{
    request_init(&st->req, server, st, conn);
    memset(&st->res, 0, sizeof(st->res));
    st->server = server;
    st->conn = conn;
    const struct coro_hooks hooks = { handler_park, handler_wake, st };
    st->handler = coro_new(run_handler, st, &hooks);
    return continue_handler(st, conn);
}

/* The connection closed with the handler parked or woken but not yet continued: it is finished
 * here (its answer dropped), once woken, without parking again. */
static void finish_handler(struct request_state *st)
{
    struct timespec tick = { 0, 1000 * 1000 };
    while (atomic_load(&st->parked))
        nanosleep(&tick, NULL);
    st->closing = true;
    if (!coro_run(st->handler))
        fprintf(stderr, "stegvis: internal error: a closing request's handler parked\n");
}

/* libmicrohttpd calls this once when the headers are in, once per chunk of the body, and once
 * more with no data when the body is complete. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct server *server = cls;
    struct request_state *st = *con_cls;
    (void)version;
    if (st == NULL) {
        connection_note_request(conn);
        st = request_state_new(method, url);
        *con_cls = st;
        atomic_fetch_add(&server->in_flight, 1);
        if (content_length_too_large(conn))
            return answer_too_large(server, st, conn);
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        if (!st->too_large && !body_append(st, upload_data, *upload_data_size))
            st->too_large = true;
        if (st->too_large) {
            /* libmicrohttpd 0.9 cannot answer in the middle of an upload: the rest is read and
             * dropped, and 413 follows at its end; an upload that goes on and on is cut. */
            st->discarded += *upload_data_size;
            if (st->discarded > SERVER_DISCARD_LIMIT)
                return MHD_NO;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (st->handler != NULL)
        return continue_handler(st, conn);
    if (st->status != 0)
        return MHD_YES;
    if (st->too_large)
        return answer_too_large(server, st, conn);
    return answer(server, st, conn);
}

static double elapsed_ms(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - since->tv_sec) * 1e3 +
           (double)(now.tv_nsec - since->tv_nsec) / 1e6;
}

/* After a request, at most once a second (ten times when the server has gone idle): give the
 * free pages inside glibc's heaps back. A heap only shrinks from its top, so the small blocks of
 * a big answer (a long list's JSON tree), freed between blocks still in use, would otherwise
 * stay resident at their high-water mark, which rises with the data; trimming keeps the
 * resident memory near what is in use. */
static void trim_heaps(struct server *server, bool idle)
{
#ifdef M_TRIM_THRESHOLD
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long now_ms = (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    long long last_ms = atomic_load(&server->trimmed_ms);
    long long interval_ms = idle ? SERVER_TRIM_IDLE_MS : SERVER_TRIM_BUSY_MS;
    if (now_ms - last_ms < interval_ms ||
        !atomic_compare_exchange_strong(&server->trimmed_ms, &last_ms, now_ms))
        return;
    malloc_trim(0);
#else
    (void)server;
    (void)idle;
#endif
}

/* One access-log line per request. Never the query string, body or cookies: they can hold a
 * personnummer or a token. */
static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct server *server = cls;
    struct request_state *st = *con_cls;
    (void)conn;
    if (st == NULL)
        return;
    if (st->handler != NULL)
        finish_handler(st);
    fprintf(stderr, "stegvis: %s %s %d %.1f ms%s\n", st->log_method, st->log_path, st->status,
            elapsed_ms(&st->started),
            toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (connection closed early)");
    request_state_free(st);
    *con_cls = NULL;
    bool idle = atomic_fetch_sub(&server->in_flight, 1) == 1;
    trim_heaps(server, idle);
}

/* ---- connections and their limits --------------------------------------------------------- */

static const char *const limit_names[] = {
    [CONNLIMIT_TOTAL] = "--max-connections",
    [CONNLIMIT_PER_IP] = "--max-connections-per-ip",
};

/* One log line per limit and second at most, counting the refusals since the last one, so a
 * flood cannot flood the log as well. */
static void log_refusal(struct server *server, enum connlimit_verdict verdict, const char *address)
{
    long long refused = atomic_fetch_add(&server->refused[verdict], 1) + 1;
    long long now_s = (long long)time(NULL);
    long long last_s = atomic_load(&server->refused_logged_s[verdict]);
    if (last_s == now_s ||
        !atomic_compare_exchange_strong(&server->refused_logged_s[verdict], &last_s, now_s))
        return;
    refused = atomic_exchange(&server->refused[verdict], 0);
    int max = verdict == CONNLIMIT_TOTAL ? server->max_connections : server->max_connections_per_ip;
    fprintf(stderr,
            "stegvis: limit: connection from %s refused: %s %d reached (%lld refused since the "
            "last such line)\n",
            address, limit_names[verdict], max, refused);
}

/* libmicrohttpd asks before it takes a new connection. */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    struct server *server = cls;
    (void)addrlen;
    enum connlimit_verdict verdict = connlimit_enter(server->limit, addr);
    if (verdict == CONNLIMIT_OK)
        return MHD_YES;
    char address[INET6_ADDRSTRLEN];
    connlimit_address_text(addr, address, sizeof(address));
    log_refusal(server, verdict, address);
    return MHD_NO;
}

/* A connection on_accept let in starts, or closes: the count follows, and a connection that
 * closes without having begun a request after the timeout (a slow client) is logged. */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    struct server *server = cls;
    struct connection_state *cs = *socket_context;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        cs = xcalloc(1, sizeof(*cs));
        if (info != NULL && info->client_addr != NULL)
            memcpy(&cs->addr, info->client_addr,
                   info->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                            : sizeof(struct sockaddr_in));
        clock_gettime(CLOCK_MONOTONIC, &cs->started);
        *socket_context = cs;
        return;
    }
    if (cs == NULL)
        return;
    connlimit_leave(server->limit, (const struct sockaddr *)&cs->addr);
    double lived_s = elapsed_ms(&cs->started) / 1e3;
    if (cs->requests == 0 && lived_s >= server->connection_timeout_s) {
        char address[INET6_ADDRSTRLEN];
        connlimit_address_text((const struct sockaddr *)&cs->addr, address, sizeof(address));
        fprintf(stderr,
                "stegvis: limit: slow client %s: connection closed after %.0f s without a "
                "complete request (--connection-timeout-s %d)\n",
                address, lived_s, server->connection_timeout_s);
    }
    free(cs);
    *socket_context = NULL;
}

/* libmicrohttpd's own messages (a request line or headers over the memory limit, ...). */
__attribute__((format(printf, 2, 0))) static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[512];
    (void)cls;
    vsnprintf(line, sizeof(line), fmt, ap);
    line[strcspn(line, "\n")] = '\0';
    fprintf(stderr, "stegvis: libmicrohttpd: %s\n", line);
}

/* ---- starting and stopping ---------------------------------------------------------------- */

static bool parse_port(const char *text, in_port_t *port)
{
    if (*text == '\0' || strlen(text) > 5 || strspn(text, "0123456789") != strlen(text))
        return false;
    long value = strtol(text, NULL, 10);
    if (value > 65535)
        return false;
    *port = htons((uint16_t)value);
    return true;
}

/* "a.b.c.d:port" or "[v6]:port" into `addr`. */
static enum err_code parse_listen(const char *listen, struct sockaddr_storage *addr, bool *ipv6,
                                  struct error *err)
{
    char host[64];
    const char *colon = strrchr(listen, ':');
    memset(addr, 0, sizeof(*addr));
    *ipv6 = listen[0] == '[';
    size_t host_len = colon ? (size_t)(colon - listen) : 0;
    if (*ipv6 && host_len >= 2 && listen[host_len - 1] == ']') {
        snprintf(host, sizeof(host), "%.*s", (int)(host_len - 2), listen + 1);
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)addr;
        in6->sin6_family = AF_INET6;
        if (host_len - 2 < sizeof(host) && inet_pton(AF_INET6, host, &in6->sin6_addr) == 1 &&
            parse_port(colon + 1, &in6->sin6_port))
            return ERR_OK;
    } else if (!*ipv6 && colon != NULL && host_len < sizeof(host)) {
        snprintf(host, sizeof(host), "%.*s", (int)host_len, listen);
        struct sockaddr_in *in4 = (struct sockaddr_in *)addr;
        in4->sin_family = AF_INET;
        if (inet_pton(AF_INET, host, &in4->sin_addr) == 1 && parse_port(colon + 1, &in4->sin_port))
            return ERR_OK;
    }
    return error_set(err, ERR_INVALID, "listen",
                     "--listen: \"%s\" is not ADDRESS:PORT (e.g. 127.0.0.1:8080 or [::1]:8080)",
                     listen);
}

enum err_code server_check_listen(const char *listen, struct error *err)
{
    struct sockaddr_storage addr;
    bool ipv6 = false;
    return parse_listen(listen, &addr, &ipv6, err);
}

static struct MHD_Daemon *start_daemon(struct server *server, unsigned poll_flag, bool ipv6,
                                       const struct sockaddr_storage *addr, int threads)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC |
                     MHD_ALLOW_SUSPEND_RESUME | poll_flag | (ipv6 ? MHD_USE_IPv6 : 0);
    /* on_accept refuses what passes the limits; libmicrohttpd's own limit (each pool thread
     * gets a share of it, and a thread at its share stops accepting) is set so high that it
     * is never what refuses. */
    unsigned mhd_limit = (unsigned)server->max_connections * (unsigned)threads + 16u;
    return MHD_start_daemon(
        flags, 0, on_accept, server, on_request, server, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log,
        server, MHD_OPTION_SOCK_ADDR, addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)server->connection_timeout_s,
        MHD_OPTION_CONNECTION_LIMIT, mhd_limit, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)SERVER_CONNECTION_MEMORY, MHD_OPTION_NOTIFY_CONNECTION, on_connection, server,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, server, MHD_OPTION_END);
}

int server_default_threads(void)
{
    long threads = sysconf(_SC_NPROCESSORS_ONLN) * SERVER_THREADS_PER_CORE;
    return threads > SERVER_MIN_THREADS ? (int)threads : SERVER_MIN_THREADS;
}

enum err_code server_start(struct app *app, const struct server_options *options,
                           struct server **out, struct error *err)
{
    struct sockaddr_storage addr;
    bool ipv6 = false;
    const char *listen = options->listen ? options->listen : "127.0.0.1:8080";
    enum err_code rc = parse_listen(listen, &addr, &ipv6, err);
    if (rc != ERR_OK)
        return rc;
    int threads = options->threads > 0 ? options->threads : server_default_threads();
    struct server *server = xcalloc(1, sizeof(*server));
    server->app = app;
    atomic_init(&server->in_flight, 0);
    atomic_init(&server->parked, 0);
    atomic_init(&server->stopping, false);
    atomic_init(&server->trimmed_ms, 0);
    server->connection_timeout_s = options->connection_timeout_s > 0 ? options->connection_timeout_s
                                                                     : SERVER_CONNECTION_TIMEOUT_S;
    server->max_connections =
        options->max_connections > 0 ? options->max_connections : SERVER_MAX_CONNECTIONS;
    server->max_connections_per_ip = options->max_connections_per_ip;
    server->limit = connlimit_new(server->max_connections, server->max_connections_per_ip);
    bool epoll = MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES;
    server->daemon =
        start_daemon(server, epoll ? MHD_USE_EPOLL : MHD_USE_POLL, ipv6, &addr, threads);
    if (server->daemon == NULL && epoll)
        server->daemon = start_daemon(server, MHD_USE_POLL, ipv6, &addr, threads);
    if (server->daemon == NULL) {
        connlimit_free(server->limit);
        free(server);
        return error_set(err, ERR_IO, "listen",
                         "cannot listen on %s (address in use, or not this machine's?)", listen);
    }
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(server->daemon, MHD_DAEMON_INFO_BIND_PORT);
    server->port = info ? (int)info->port : 0;
    *out = server;
    return ERR_OK;
}

int server_port(const struct server *server)
{
    return server->port;
}

static void wait_for_requests(struct server *server)
{
    struct timespec tick = { 0, 10 * 1000 * 1000 };
    for (int waited_ms = 0; waited_ms < SERVER_DRAIN_LIMIT_MS; waited_ms += 10) {
        if (atomic_load(&server->in_flight) == 0)
            return;
        nanosleep(&tick, NULL);
    }
    fprintf(stderr, "stegvis: stopping with %d requests unfinished\n",
            atomic_load(&server->in_flight));
}

/* libmicrohttpd aborts when it is stopped with a connection suspended; a parked handler's write
 * always ends (committed or failed), so this wait is finite. */
static void wait_for_parked(struct server *server)
{
    struct timespec tick = { 0, 1000 * 1000 };
    while (atomic_load(&server->parked) > 0)
        nanosleep(&tick, NULL);
}

void server_stop(struct server *server)
{
    if (server == NULL)
        return;
    MHD_socket listen_fd = MHD_quiesce_daemon(server->daemon);
    /* On Linux shutdown() makes a listening socket refuse new connections at once; it stays
     * open (libmicrohttpd may still refer to it) until the daemon is stopped. The worker
     * threads drop the socket from their epoll sets when the quiesce wakes them (ITC); shutting
     * it down before they have done so lets a worker see it fail and drop it first, and
     * libmicrohttpd 0.9.75 then aborts ("Failed to remove listen FD from epoll set"). So give
     * them a moment first. */
    if (listen_fd != MHD_INVALID_SOCKET) {
        struct timespec settle = { 0, 200 * 1000000L };
        nanosleep(&settle, NULL);
        (void)shutdown(listen_fd, SHUT_RDWR);
    }
    atomic_store(&server->stopping, true);
    wait_for_requests(server);
    wait_for_parked(server);
    MHD_stop_daemon(server->daemon);
    if (listen_fd != MHD_INVALID_SOCKET)
        close(listen_fd);
    connlimit_free(server->limit);
    free(server);
}
