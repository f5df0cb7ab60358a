/* test_session_cache.c - the recently confirmed sessions (http/session_cache.h): a hit only for
 * the same token hash, within SESSION_CACHE_TTL_S of the database's yes and before the session's
 * expiry; forgetting; a newer session in the same slot. Times are given, never waited for. */
#include <stdio.h>
#include <string.h>

#include "http/session_cache.h"

#include "testing.h"

#define T0 1764000000LL

static struct auth_session session_with(const char *hash, long long staff_id, long long expires_at)
{
    struct auth_session s;
    memset(&s, 0, sizeof(s));
    s.staff_id = staff_id;
    snprintf(s.username, sizeof(s.username), "user%lld", staff_id);
    snprintf(s.token_hash, sizeof(s.token_hash), "%s", hash);
    snprintf(s.csrf, sizeof(s.csrf), "csrf%lld", staff_id);
    s.expires_at = expires_at;
    return s;
}

/* 64 hex digits; `lead` decides the slot (the first 8 digits), `tail` tells two apart. */
static void make_hash(char out[65], const char *lead, char tail)
{
    memset(out, tail, 64);
    memcpy(out, lead, strlen(lead));
    out[64] = '\0';
}

static void test_hit_within_ttl_only(void)
{
    struct session_cache *cache = session_cache_new();
    char hash[65];
    make_hash(hash, "0a1b2c3d", 'e');
    struct auth_session s = session_with(hash, 7, T0 + 3600), got;
    ASSERT_TRUE(!session_cache_get(cache, hash, T0, &got)); /* empty */
    session_cache_put(cache, &s, T0);
    memset(&got, 0, sizeof(got));
    ASSERT_TRUE(session_cache_get(cache, hash, T0, &got));
    ASSERT_EQ_INT(got.staff_id, 7);
    ASSERT_STR_EQ(got.csrf, "csrf7");
    ASSERT_TRUE(session_cache_get(cache, hash, T0 + SESSION_CACHE_TTL_S - 1, &got));
    /* from TTL seconds after the database's yes on, the database must be asked again */
    ASSERT_TRUE(!session_cache_get(cache, hash, T0 + SESSION_CACHE_TTL_S, &got));
    ASSERT_TRUE(!session_cache_get(cache, hash, T0 - 1, &got)); /* a clock that went back */
    session_cache_free(cache);
}

static void test_never_past_expiry(void)
{
    struct session_cache *cache = session_cache_new();
    char hash[65];
    make_hash(hash, "ffff0000", '1');
    struct auth_session s = session_with(hash, 3, T0 + 1), got;
    session_cache_put(cache, &s, T0);
    ASSERT_TRUE(session_cache_get(cache, hash, T0, &got));
    ASSERT_TRUE(!session_cache_get(cache, hash, T0 + 1, &got)); /* expires_at <= now */
    session_cache_free(cache);
}

static void test_other_token_same_slot(void)
{
    struct session_cache *cache = session_cache_new();
    char first[65], second[65];
    make_hash(first, "12345678", 'a');
    make_hash(second, "12345678", 'b'); /* same slot, another token */
    struct auth_session a = session_with(first, 1, T0 + 3600), got;
    struct auth_session b = session_with(second, 2, T0 + 3600);
    session_cache_put(cache, &a, T0);
    ASSERT_TRUE(!session_cache_get(cache, second, T0, &got)); /* never another token's session */
    session_cache_put(cache, &b, T0);
    ASSERT_TRUE(!session_cache_get(cache, first, T0, &got)); /* replaced: the database again */
    ASSERT_TRUE(session_cache_get(cache, second, T0, &got));
    ASSERT_EQ_INT(got.staff_id, 2);
    session_cache_free(cache);
}

static void test_forget(void)
{
    struct session_cache *cache = session_cache_new();
    char hash[65], other[65];
    make_hash(hash, "9abcdef0", 'c');
    make_hash(other, "9abcdef0", 'd');
    struct auth_session s = session_with(hash, 5, T0 + 3600), got;
    session_cache_put(cache, &s, T0);
    session_cache_forget(cache, other); /* another token in the slot: nothing happens */
    ASSERT_TRUE(session_cache_get(cache, hash, T0, &got));
    session_cache_forget(cache, hash);
    ASSERT_TRUE(!session_cache_get(cache, hash, T0, &got));
    session_cache_free(cache);
}

static void test_null_cache_has_nothing(void)
{
    char hash[65];
    make_hash(hash, "00000000", '0');
    struct auth_session s = session_with(hash, 1, T0 + 3600), got;
    session_cache_put(NULL, &s, T0);
    ASSERT_TRUE(!session_cache_get(NULL, hash, T0, &got));
    session_cache_forget(NULL, hash);
    session_cache_free(NULL);
}

int main(void)
{
    RUN_TEST(test_hit_within_ttl_only);
    RUN_TEST(test_never_past_expiry);
    RUN_TEST(test_other_token_same_slot);
    RUN_TEST(test_forget);
    RUN_TEST(test_null_cache_has_nothing);
    TEST_SUMMARY();
}
