/* bench_trivial_server.c - the ceiling for reads over HTTP: a libmicrohttpd server that answers
 * every request with one fixed JSON buffer of a given size, started with the same daemon flags
 * and options as src/http/server.c (an internal polling thread pool of server_default_threads()
 * threads, epoll, ITC, the same connection timeout and a completion callback). bench_http measures
 * it with the same wrk command as the real server's timeline.
 *
 *   bench_trivial_server BYTES [THREADS]
 *
 * Prints "bench_trivial_server: listening on http://127.0.0.1:PORT" and serves until SIGTERM or
 * SIGINT. Run alone (no arguments) it prints its usage: it is a tool of bench_http, not a
 * benchmark of its own. */
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/server.h"

#define CONNECTION_TIMEOUT_S 30 /* as SERVER_CONNECTION_TIMEOUT_S in src/http/server.c */
#define MAX_BYTES            (16 * 1024 * 1024)

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)url, (void)method, (void)version, (void)upload_data;
    if (*con_cls == NULL) { /* headers in: wait for the (empty) body, as the real server does */
        *con_cls = cls;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    return MHD_queue_response(conn, MHD_HTTP_OK, cls);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)conn, (void)toe;
    *con_cls = NULL;
}

static struct MHD_Daemon *start(struct MHD_Response *response, unsigned poll_flag,
                                const struct sockaddr_in *addr, unsigned threads)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC |
                     MHD_ALLOW_SUSPEND_RESUME | poll_flag; /* as the server's, though unused */
    return MHD_start_daemon(flags, 0, NULL, NULL, on_request, response, MHD_OPTION_SOCK_ADDR, addr,
                            MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_TIMEOUT,
                            (unsigned)CONNECTION_TIMEOUT_S, MHD_OPTION_NOTIFY_COMPLETED,
                            on_completed, NULL, MHD_OPTION_END);
}

/* A JSON body of exactly `bytes` bytes (at least 16): {"pad":"xxx..."}. */
static char *fixed_body(long bytes)
{
    char *body = malloc((size_t)bytes + 1);
    if (body == NULL)
        return NULL;
    memset(body, 'x', (size_t)bytes);
    memcpy(body, "{\"pad\":\"", 8);
    memcpy(body + bytes - 2, "\"}", 2);
    body[bytes] = '\0';
    return body;
}

int main(int argc, char **argv)
{
    long bytes = argc >= 2 ? strtol(argv[1], NULL, 10) : 0;
    long threads = argc >= 3 ? strtol(argv[2], NULL, 10) : server_default_threads();
    if (bytes < 16 || bytes > MAX_BYTES || threads < 1 || threads > 1024) {
        fprintf(stderr, "usage: bench_trivial_server BYTES [THREADS] (a tool of bench_http: "
                        "answers every request with BYTES bytes of JSON)\n");
        return 0;
    }
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, NULL);
    char *body = fixed_body(bytes);
    struct MHD_Response *response =
        body ? MHD_create_response_from_buffer((size_t)bytes, body, MHD_RESPMEM_PERSISTENT) : NULL;
    if (response == NULL)
        return 1;
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool epoll = MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES;
    struct MHD_Daemon *daemon =
        start(response, epoll ? MHD_USE_EPOLL : MHD_USE_POLL, &addr, (unsigned)threads);
    if (daemon == NULL) {
        fprintf(stderr, "bench_trivial_server: cannot start\n");
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    printf("bench_trivial_server: listening on http://127.0.0.1:%u (%ld bytes, %ld threads)\n",
           info != NULL ? (unsigned)info->port : 0u, bytes, threads);
    fflush(stdout);
    int sig = 0;
    while (sigwait(&signals, &sig) != 0)
        ;
    MHD_stop_daemon(daemon);
    MHD_destroy_response(response);
    free(body);
    return 0;
}
