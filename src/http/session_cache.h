/* session_cache.h - sessions checked against the database in the last few seconds, kept in
 * memory so that a request does not read its session and staff member again (two page lookups on
 * every request, each after a cache reset in SQLite's WAL mode when anything was written since).
 *
 * An entry is used for at most SESSION_CACHE_TTL_S seconds after the database said yes, and never
 * past the session's expiry. A logout through this server forgets its entry at once; a logout,
 * an expiry or a deactivated account seen through another server on the same database is noticed
 * within SESSION_CACHE_TTL_S (docs/operations.md). Keyed by the token's SHA-256 (auth.c), never
 * by the token. Fixed size (direct-mapped: a newer entry replaces an older one in its slot),
 * thread-safe (one lock per stripe of slots). */
#ifndef STEGVIS_HTTP_SESSION_CACHE_H
#define STEGVIS_HTTP_SESSION_CACHE_H

#include <stdbool.h>

#include "http/auth.h"

#define SESSION_CACHE_TTL_S 2

struct session_cache;

/* A new empty cache; free with session_cache_free() (NULL allowed). */
struct session_cache *session_cache_new(void);
void session_cache_free(struct session_cache *cache);

/* The session whose token hash (64 hex digits) is `hash`, when the database confirmed it less
 * than SESSION_CACHE_TTL_S seconds before `now` and it has not expired at `now`. A NULL cache
 * never has one. */
bool session_cache_get(struct session_cache *cache, const char *hash, long long now,
                       struct auth_session *out);

/* Remember `session` (its token_hash is the key) as confirmed by the database at `now`. */
void session_cache_put(struct session_cache *cache, const struct auth_session *session,
                       long long now);

/* Forget the session with token hash `hash` (after a logout). */
void session_cache_forget(struct session_cache *cache, const char *hash);

#endif
