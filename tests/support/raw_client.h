/* raw_client.h - HTTP/1.1 over a plain loopback socket, for what a client library hides: a
 * request sent and not yet read, a client that leaves before its answer. Each helper fails the
 * test when the socket does. */
#ifndef STEGVIS_TESTS_RAW_CLIENT_H
#define STEGVIS_TESTS_RAW_CLIENT_H

#include <stdbool.h>

/* A connected socket to 127.0.0.1:port, or -1 when the connection is refused. */
int raw_connect(int port);

/* Write all of `text`. */
void raw_send(int fd, const char *text);

/* A POST of a JSON body (Connection: close). */
void raw_post_json(int fd, const char *path, const char *json);

/* Whether an answer (or the close) has arrived: readable now, without waiting. */
bool raw_answered(int fd);

/* Read the answer's status line and return its code (-1 when the connection closed first). */
int raw_read_status(int fd);

#endif
