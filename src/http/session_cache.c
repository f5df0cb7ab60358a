/* session_cache.c - the recently confirmed sessions of session_cache.h. */
#include "http/session_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

#define SESSION_CACHE_SLOTS   4096 /* a power of two: far more than sessions active at once */
#define SESSION_CACHE_STRIPES 64   /* locks: requests of different sessions seldom wait */

struct session_cache_entry {
    bool used;
    long long confirmed_at;
    struct auth_session session;
};

struct session_cache {
    pthread_rwlock_t locks[SESSION_CACHE_STRIPES]; /* readers share: one busy session is common */
    struct session_cache_entry slots[SESSION_CACHE_SLOTS];
};

struct session_cache *session_cache_new(void)
{
    struct session_cache *cache = xcalloc(1, sizeof(*cache));
    for (int i = 0; i < SESSION_CACHE_STRIPES; i++)
        pthread_rwlock_init(&cache->locks[i], NULL);
    return cache;
}

void session_cache_free(struct session_cache *cache)
{
    if (cache == NULL)
        return;
    for (int i = 0; i < SESSION_CACHE_STRIPES; i++)
        pthread_rwlock_destroy(&cache->locks[i]);
    free(cache);
}

/* The slot of a token hash: its first hex digits (SHA-256 output is uniform). */
static unsigned slot_of(const char *hash)
{
    unsigned value = 0;
    for (int i = 0; i < 8 && hash[i] != '\0'; i++) {
        char c = hash[i];
        unsigned digit =
            c >= '0' && c <= '9' ? (unsigned)(c - '0') : (unsigned)(c | 0x20) - 'a' + 10;
        value = value * 16 + (digit & 15u);
    }
    return value & (SESSION_CACHE_SLOTS - 1);
}

static pthread_rwlock_t *lock_of(struct session_cache *cache, unsigned slot)
{
    return &cache->locks[slot % SESSION_CACHE_STRIPES];
}

bool session_cache_get(struct session_cache *cache, const char *hash, long long now,
                       struct auth_session *out)
{
    if (cache == NULL)
        return false;
    unsigned slot = slot_of(hash);
    struct session_cache_entry *e = &cache->slots[slot];
    bool found = false;
    pthread_rwlock_rdlock(lock_of(cache, slot));
    if (e->used && strcmp(e->session.token_hash, hash) == 0 &&
        now - e->confirmed_at < SESSION_CACHE_TTL_S && now >= e->confirmed_at &&
        e->session.expires_at > now) {
        *out = e->session;
        found = true;
    }
    pthread_rwlock_unlock(lock_of(cache, slot));
    return found;
}

void session_cache_put(struct session_cache *cache, const struct auth_session *session,
                       long long now)
{
    if (cache == NULL)
        return;
    unsigned slot = slot_of(session->token_hash);
    pthread_rwlock_wrlock(lock_of(cache, slot));
    cache->slots[slot] = (struct session_cache_entry){ true, now, *session };
    pthread_rwlock_unlock(lock_of(cache, slot));
}

void session_cache_forget(struct session_cache *cache, const char *hash)
{
    if (cache == NULL)
        return;
    unsigned slot = slot_of(hash);
    struct session_cache_entry *e = &cache->slots[slot];
    pthread_rwlock_wrlock(lock_of(cache, slot));
    if (e->used && strcmp(e->session.token_hash, hash) == 0)
        e->used = false;
    pthread_rwlock_unlock(lock_of(cache, slot));
}
