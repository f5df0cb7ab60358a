/* server.h - the HTTP server: GNU libmicrohttpd with an internal thread pool (epoll). */
#ifndef STEGVIS_HTTP_SERVER_H
#define STEGVIS_HTTP_SERVER_H

#include "core/error.h"
#include "http/app.h"

struct server;

struct server_options {
    const char *listen; /* "127.0.0.1:8080" ("[::1]:8080" for IPv6); port 0 = any free */
    int threads;        /* worker threads (0: server_default_threads()) */
    /* 0 for each of these: the default */
    int connection_timeout_s;   /* an idle or stalled connection is closed after this (30) */
    int max_connections;        /* held at once; more are refused and logged (1000) */
    int max_connections_per_ip; /* from one client address (default: no limit) */
};

/* The worker threads used when none are asked for: two per core, but at least
 * SERVER_MIN_THREADS. Each request's handler runs as a coroutine (core/coro.h) that parks while
 * it waits for the store's writer (a write, or a read's audit row): its connection is suspended
 * and the thread serves other connections, so every request in flight can share one commit
 * whatever the number of threads, and a thread sleeps only when it has nothing to do. Password
 * hashes and a failed login's delay run off these threads (core/offload.h). Measured on two
 * cores with 64 connections: 4 threads 24,000-28,000 submissions/s and 0.5 context switches per
 * request, 64 threads 18,000-21,000/s and 1.4-1.7 (docs/performance.md). */
#define SERVER_THREADS_PER_CORE 2
#define SERVER_MIN_THREADS      4
int server_default_threads(void);

/* Start serving `app` (which must outlive the server). On success *out is running. The
 * request log goes to stderr, and so does a line "stegvis: limit: ..." whenever a connection
 * limit refuses a client or a slow client is cut off, and "stegvis: libmicrohttpd: ..." for
 * the library's own refusals (a request line or headers over 32 KiB: 414 or 431). */
enum err_code server_start(struct app *app, const struct server_options *options,
                           struct server **out, struct error *err) WARN_UNUSED;

/* Check a listen address without binding it: ERR_INVALID (field "listen") unless it is
 * "a.b.c.d:port" or "[v6]:port" with a port from 0 to 65535. */
enum err_code server_check_listen(const char *listen, struct error *err) WARN_UNUSED;

/* The port actually bound (useful with port 0). */
int server_port(const struct server *server);

/* Stop accepting, let requests in flight finish, free the server. */
void server_stop(struct server *server);

#endif
