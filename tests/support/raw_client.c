/* raw_client.c - see raw_client.h. */
#include "support/raw_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testing.h"

int raw_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_TRUE(fd >= 0);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

void raw_send(int fd, const char *text)
{
    size_t len = strlen(text);
    ASSERT_EQ_INT(write(fd, text, len), (long long)len);
}

void raw_post_json(int fd, const char *path, const char *json)
{
    char head[512];
    snprintf(head, sizeof(head),
             "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\nConnection: close\r\n\r\n",
             path, strlen(json));
    raw_send(fd, head);
    raw_send(fd, json);
}

bool raw_answered(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    return poll(&p, 1, 0) > 0;
}

int raw_read_status(int fd)
{
    char line[64];
    size_t used = 0;
    while (used < sizeof(line) - 1) {
        ssize_t got = read(fd, line + used, 1);
        if (got <= 0)
            break;
        if (line[used] == '\n')
            break;
        used += (size_t)got;
    }
    line[used] = '\0';
    int status = -1;
    if (sscanf(line, "HTTP/1.%*d %d", &status) != 1)
        return -1;
    return status;
}
