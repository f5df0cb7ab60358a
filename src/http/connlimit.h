/* connlimit.h - how many connections the server holds: in all, and from one client address.
 *
 * libmicrohttpd's own limit stops accepting when it is reached, so extra clients wait in the
 * kernel's backlog without an answer; this count lets the server refuse them at once (closed
 * connection) and say in the log which limit was hit. Thread-safe (one mutex). */
#ifndef STEGVIS_HTTP_CONNLIMIT_H
#define STEGVIS_HTTP_CONNLIMIT_H

#include <sys/socket.h>

struct connlimit;

enum connlimit_verdict {
    CONNLIMIT_OK,     /* counted: call connlimit_leave when the connection closes */
    CONNLIMIT_TOTAL,  /* the server holds `max_total` connections already */
    CONNLIMIT_PER_IP, /* this address holds `max_per_ip` connections already */
};

/* A count allowing `max_total` connections in all (at least 1) and `max_per_ip` from one
 * address (0: no per-address limit). Free with connlimit_free. */
struct connlimit *connlimit_new(int max_total, int max_per_ip);
void connlimit_free(struct connlimit *limit);

/* Count a new connection from `addr` (IPv4 or IPv6) unless that passes a limit; nothing is
 * counted when the verdict is not CONNLIMIT_OK. */
enum connlimit_verdict connlimit_enter(struct connlimit *limit, const struct sockaddr *addr);

/* A counted connection from `addr` has closed. */
void connlimit_leave(struct connlimit *limit, const struct sockaddr *addr);

/* "127.0.0.2" or "::1": the address part of `addr` into `out` ("?" for another family). */
void connlimit_address_text(const struct sockaddr *addr, char *out, size_t size);

#endif
