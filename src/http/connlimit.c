/* connlimit.c - the server's connection count, in all and per client address (connlimit.h). */
#include "http/connlimit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

/* One address with connections open; at most max_total of them, so a plain array scanned
 * from the start is enough (an accept is rare next to the requests it carries). */
struct connlimit_address {
    unsigned char bytes[16]; /* IPv4 in the first 4 */
    int count;
};

struct connlimit {
    pthread_mutex_t lock;
    int max_total, max_per_ip;
    int total;
    int used; /* entries of `addresses` in use (count > 0 for each) */
    struct connlimit_address *addresses;
};

struct connlimit *connlimit_new(int max_total, int max_per_ip)
{
    struct connlimit *limit = xcalloc(1, sizeof(*limit));
    pthread_mutex_init(&limit->lock, NULL);
    limit->max_total = max_total > 0 ? max_total : 1;
    limit->max_per_ip = max_per_ip > 0 ? max_per_ip : 0;
    if (limit->max_per_ip > 0)
        limit->addresses = xcalloc((size_t)limit->max_total, sizeof(*limit->addresses));
    return limit;
}

void connlimit_free(struct connlimit *limit)
{
    if (limit == NULL)
        return;
    pthread_mutex_destroy(&limit->lock);
    free(limit->addresses);
    free(limit);
}

static void address_key(const struct sockaddr *addr, unsigned char key[16])
{
    memset(key, 0, 16);
    if (addr->sa_family == AF_INET)
        memcpy(key, &((const struct sockaddr_in *)(const void *)addr)->sin_addr, 4);
    else if (addr->sa_family == AF_INET6)
        memcpy(key, &((const struct sockaddr_in6 *)(const void *)addr)->sin6_addr, 16);
}

/* The entry of `key`, or NULL. */
static struct connlimit_address *address_find(struct connlimit *limit, const unsigned char key[16])
{
    for (int i = 0; i < limit->used; i++)
        if (memcmp(limit->addresses[i].bytes, key, 16) == 0)
            return &limit->addresses[i];
    return NULL;
}

enum connlimit_verdict connlimit_enter(struct connlimit *limit, const struct sockaddr *addr)
{
    unsigned char key[16];
    address_key(addr, key);
    enum connlimit_verdict verdict = CONNLIMIT_OK;
    pthread_mutex_lock(&limit->lock);
    struct connlimit_address *entry = limit->max_per_ip ? address_find(limit, key) : NULL;
    if (limit->total >= limit->max_total)
        verdict = CONNLIMIT_TOTAL;
    else if (entry != NULL && entry->count >= limit->max_per_ip)
        verdict = CONNLIMIT_PER_IP;
    if (verdict == CONNLIMIT_OK) {
        limit->total++;
        if (limit->max_per_ip > 0 && entry == NULL) {
            /* total < max_total, so there is room for one more address */
            entry = &limit->addresses[limit->used++];
            memcpy(entry->bytes, key, 16);
            entry->count = 0;
        }
        if (entry != NULL)
            entry->count++;
    }
    pthread_mutex_unlock(&limit->lock);
    return verdict;
}

void connlimit_leave(struct connlimit *limit, const struct sockaddr *addr)
{
    unsigned char key[16];
    address_key(addr, key);
    pthread_mutex_lock(&limit->lock);
    if (limit->total > 0)
        limit->total--;
    struct connlimit_address *entry = limit->max_per_ip ? address_find(limit, key) : NULL;
    if (entry != NULL && --entry->count <= 0)
        *entry = limit->addresses[--limit->used]; /* the last entry fills the gap */
    pthread_mutex_unlock(&limit->lock);
}

void connlimit_address_text(const struct sockaddr *addr, char *out, size_t size)
{
    const void *bytes = NULL;
    if (addr->sa_family == AF_INET)
        bytes = &((const struct sockaddr_in *)(const void *)addr)->sin_addr;
    else if (addr->sa_family == AF_INET6)
        bytes = &((const struct sockaddr_in6 *)(const void *)addr)->sin6_addr;
    if (bytes == NULL || inet_ntop(addr->sa_family, bytes, out, (socklen_t)size) == NULL)
        snprintf(out, size, "?");
}
