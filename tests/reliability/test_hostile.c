/* test_hostile.c - hostile clients at the HTTP level (issue 8): oversized requests, slow
 * clients, a stalled client and more connections than the server holds.
 *
 * The real server runs with small limits (`serve --connection-timeout-s 3 --max-connections 48
 * --max-connections-per-ip 16`). The attackers are raw sockets bound to other loopback
 * addresses (127.0.0.2 and up), the normal client is libcurl from 127.0.0.1. Each limit must
 * give a clean refusal (414, 431, 413, or a closed connection), leave the server up and serving
 * the normal client, and be named in the server's log. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/mem.h"
#include "support/api_fixture.h"

#define TIMEOUT_S       "3"
#define MAX_CONNECTIONS 48
#define MAX_PER_IP      16
#define SLOW_CLIENTS    (MAX_PER_IP + 8)
#define FLOOD_ADDRESSES 5
#define FLOOD_PER_ADDR  12 /* under MAX_PER_IP; 5 x 12 = 60 > MAX_CONNECTIONS */
#define SLOW_SECONDS    6  /* longer than the connection timeout */
#define CLOSE_WAIT_MS   10000

static struct test_server server;
static struct test_http_client normal; /* from 127.0.0.1 */

enum peer_state { PEER_OPEN, PEER_CLOSED, PEER_DATA };

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* A TCP connection to the server from `source` (a loopback address). */
static int connect_from(const char *source)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in from = { .sin_family = AF_INET }, to = { .sin_family = AF_INET };
    inet_pton(AF_INET, source, &from.sin_addr);
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    to.sin_port = htons((uint16_t)server.port);
    if (fd < 0 || bind(fd, (struct sockaddr *)&from, sizeof(from)) != 0 ||
        connect(fd, (struct sockaddr *)&to, sizeof(to)) != 0)
        TEST_FAIL("connect from %s: %s", source, strerror(errno));
    return fd;
}

/* Send what the peer still takes; a peer that closed is no error here. */
static void send_text(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n <= 0)
            return;
        data += n;
        len -= (size_t)n;
    }
}

/* What the server did with the connection within `wait_ms`: nothing yet, closed it (end of
 * file or reset, no answer), or answered (the first bytes into `reply`). */
static enum peer_state peer_wait(int fd, int wait_ms, char *reply, size_t size)
{
    struct pollfd pfd = { fd, POLLIN, 0 };
    if (poll(&pfd, 1, wait_ms) <= 0)
        return PEER_OPEN;
    ssize_t n = recv(fd, reply, size - 1, 0);
    if (n <= 0)
        return PEER_CLOSED;
    reply[n] = '\0';
    return PEER_DATA;
}

/* The answer to a raw request (its first bytes), failing unless it starts "HTTP/1.1 STATUS". */
static void expect_raw_status(const char *request, size_t len, const char *status_line)
{
    char reply[256];
    int fd = connect_from("127.0.0.5");
    send_text(fd, request, len);
    if (peer_wait(fd, CLOSE_WAIT_MS, reply, sizeof(reply)) != PEER_DATA)
        TEST_FAIL("no answer to a raw request, want \"%s\"", status_line);
    ASSERT_TRUE(strncmp(reply, status_line, strlen(status_line)) == 0);
    close(fd);
}

/* The normal client: GET /login (no keep-alive, so it holds no connection between tries). */
static bool normal_client_served(void)
{
    static const char *const close_header[] = { "Connection: close", NULL };
    struct test_http_response res;
    char error[256];
    bool ok = test_http_try_request(&normal, "GET", "/login", NULL, NULL, close_header, &res, error,
                                    sizeof(error));
    long status = res.status;
    test_http_response_free(&res);
    if (ok && status != 200)
        TEST_FAIL("GET /login: status %ld, want 200", status);
    return ok;
}

static void expect_log(const char *text)
{
    free(test_server_wait_log(&server, text));
}

static void oversized_requests(void)
{
    size_t big = 64 * 1024;
    char *request = xmalloc(big + 256);
    /* a 64 KiB header line: over the 32 KiB for request line and headers */
    int n = snprintf(request, 256, "GET /login HTTP/1.1\r\nHost: x\r\nX-Big: ");
    memset(request + n, 'a', big);
    memcpy(request + n + big, "\r\n\r\n", 4);
    expect_raw_status(request, (size_t)n + big + 4, "HTTP/1.1 431 ");
    expect_log("libmicrohttpd: Error processing request (HTTP response code is 431");
    /* a 64 KiB URL */
    n = snprintf(request, 256, "GET /");
    memset(request + n, 'a', big);
    int tail = snprintf(request + n + big, 256, " HTTP/1.1\r\nHost: x\r\n\r\n");
    expect_raw_status(request, (size_t)n + big + (size_t)tail, "HTTP/1.1 414 ");
    expect_log("libmicrohttpd: Error processing request (HTTP response code is 414");
    /* a body announced at 1 MiB: refused from its headers, over the 64 KiB cap */
    n = snprintf(request, 256,
                 "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 "Content-Length: 1048576\r\n\r\n");
    expect_raw_status(request, (size_t)n, "HTTP/1.1 413 ");
    free(request);
    ASSERT_TRUE(normal_client_served());
}

/* Connections from one address past the per-address limit are refused at once; the others
 * trickle their headers a byte a second, past the timeout, and are answered in the end; the
 * normal client is served all along. */
static void slow_clients(void)
{
    int fds[SLOW_CLIENTS], open_count = 0, closed = 0;
    bool refused[SLOW_CLIENTS];
    char reply[256];
    const char *start = "GET /login HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    for (int i = 0; i < SLOW_CLIENTS; i++) {
        fds[i] = connect_from("127.0.0.2");
        send_text(fds[i], start, strlen(start));
    }
    for (int i = 0; i < SLOW_CLIENTS; i++) {
        refused[i] = peer_wait(fds[i], i == 0 ? 500 : 0, reply, sizeof(reply)) == PEER_CLOSED;
        closed += refused[i];
    }
    ASSERT_EQ_INT(closed, SLOW_CLIENTS - MAX_PER_IP);
    expect_log(api_fmt("limit: connection from 127.0.0.2 refused: --max-connections-per-ip %d "
                       "reached",
                       MAX_PER_IP));
    for (int second = 0; second < SLOW_SECONDS; second++) {
        for (int i = 0; i < SLOW_CLIENTS; i++)
            if (!refused[i])
                send_text(fds[i], "a", 1);
        ASSERT_TRUE(normal_client_served());
        sleep_ms(1000);
    }
    for (int i = 0; i < SLOW_CLIENTS; i++) {
        if (refused[i]) {
            close(fds[i]);
            continue;
        }
        send_text(fds[i], "\r\n\r\n", 4);
        if (peer_wait(fds[i], CLOSE_WAIT_MS, reply, sizeof(reply)) != PEER_DATA)
            TEST_FAIL("slow client %d: no answer once its headers were complete", i);
        ASSERT_TRUE(strncmp(reply, "HTTP/1.1 200 ", 13) == 0);
        open_count++;
        close(fds[i]);
    }
    ASSERT_EQ_INT(open_count, MAX_PER_IP);
}

/* A client that stops in the middle of its headers is cut off after the timeout. */
static void stalled_client(void)
{
    char reply[256];
    int fd = connect_from("127.0.0.3");
    send_text(fd, "GET /login HTTP/1.1\r\nHo", 23);
    ASSERT_EQ_INT(peer_wait(fd, CLOSE_WAIT_MS, reply, sizeof(reply)), PEER_CLOSED);
    close(fd);
    expect_log("limit: slow client 127.0.0.3: connection closed after 3 s without a complete "
               "request (--connection-timeout-s 3)");
    ASSERT_TRUE(normal_client_served());
}

/* More idle connections than the server holds: the extra ones are refused at once, so is the
 * normal client while the flood holds every place, and it is served again once the timeout has
 * cut the idle ones off. */
static void connection_flood(void)
{
    int fds[FLOOD_ADDRESSES * FLOOD_PER_ADDR], count = FLOOD_ADDRESSES * FLOOD_PER_ADDR;
    char reply[256];
    sleep_ms(500); /* the earlier cases' connections are gone */
    for (int i = 0; i < count; i++)
        fds[i] = connect_from(api_fmt("127.0.0.%d", 10 + i / FLOOD_PER_ADDR));
    int closed = 0;
    for (int i = 0; i < count; i++)
        closed += peer_wait(fds[i], i == 0 ? 500 : 0, reply, sizeof(reply)) == PEER_CLOSED;
    ASSERT_EQ_INT(closed, count - MAX_CONNECTIONS);
    ASSERT_TRUE(!normal_client_served());
    expect_log(api_fmt("refused: --max-connections %d reached", MAX_CONNECTIONS));
    bool served = false;
    for (int tries = 0; tries < 20 && !served; tries++) {
        sleep_ms(500);
        served = normal_client_served();
    }
    ASSERT_TRUE(served);
    for (int i = 0; i < count; i++)
        close(fds[i]);
    expect_log("limit: slow client 127.0.0.10: connection closed after");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    test_server_init(&server);
    const char *args[] = { "--connection-timeout-s",
                           TIMEOUT_S,
                           "--max-connections",
                           api_fmt("%d", MAX_CONNECTIONS),
                           "--max-connections-per-ip",
                           api_fmt("%d", MAX_PER_IP),
                           NULL };
    memcpy(server.extra_args, args, sizeof(args));
    test_server_launch(&server);
    test_http_client_init(&normal, &server);
    RUN_TEST(oversized_requests);
    RUN_TEST(slow_clients);
    RUN_TEST(stalled_client);
    RUN_TEST(connection_flood);
    test_http_client_release(&normal);
    test_server_stop(&server);
    test_server_release(&server);
    printf("hostile: the server stayed up and served the normal client through every case\n");
    TEST_SUMMARY();
}
