/* auth.c - passwords, logins and sessions. The session token lives only in the client's
 * cookie; the store keeps its SHA-256, so a copy of the database cannot be used to log in. */
#include "http/auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/offload.h"
#include "http/session_cache.h"

#define PASSWORD_MIN 10
#define PASSWORD_MAX 256

/* A hash of a random password, verified against when the username is unknown, so a wrong
 * username costs the same time as a wrong password. Written once by auth_init. */
static char dummy_hash[crypto_pwhash_argon2id_STRBYTES];

static const char *const role_names[] = { "clinician", "manager", "analyst", "admin" };

unsigned role_parse(const char *name)
{
    for (unsigned i = 0; i < 4; i++)
        if (strcmp(name, role_names[i]) == 0)
            return 1u << i;
    return 0;
}

const char *role_name(unsigned role)
{
    for (unsigned i = 0; i < 4; i++)
        if (role == 1u << i)
            return role_names[i];
    return "unknown";
}

enum err_code auth_init(struct error *err)
{
    if (sodium_init() < 0)
        return error_set(err, ERR_INTERNAL, NULL, "libsodium could not be initialised");
    if (dummy_hash[0] == '\0') {
        char password[33];
        auth_random_hex(password, 16);
        if (crypto_pwhash_argon2id_str(dummy_hash, password, strlen(password),
                                       crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
                                       crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE) != 0)
            return error_set(err, ERR_NOMEM, NULL, "cannot hash a password (out of memory)");
    }
    return ERR_OK;
}

void auth_random_hex(char *out, size_t bytes)
{
    unsigned char raw[64];
    if (bytes > sizeof(raw))
        bytes = sizeof(raw);
    randombytes_buf(raw, bytes);
    sodium_bin2hex(out, bytes * 2 + 1, raw, bytes);
}

void auth_cookie_set(struct http_request *req, struct http_response *res, const char *token)
{
    http_add_header(res, "Set-Cookie",
                    http_printf(req, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s",
                                AUTH_COOKIE, token, req->app->session_ttl_s,
                                req->app->cookie_secure ? "; Secure" : ""));
}

void auth_cookie_clear(struct http_request *req, struct http_response *res)
{
    http_add_header(res, "Set-Cookie",
                    http_printf(req, "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
                                AUTH_COOKIE, req->app->cookie_secure ? "; Secure" : ""));
}

void auth_token_hash(const char *token, char out[65])
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(out, 65, digest, sizeof(digest));
}

/* argon2id on an offload thread (offload.h): tens of milliseconds and 64 MiB each. */
struct pwhash_call {
    const char *password, *hash;
    char *out;
    bool ok;
};

static void pwhash_now(void *arg)
{
    struct pwhash_call *call = arg;
    call->ok = crypto_pwhash_argon2id_str(call->out, call->password, strlen(call->password),
                                          crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
                                          crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE) == 0;
}

static void pwverify_now(void *arg)
{
    struct pwhash_call *call = arg;
    call->ok =
        crypto_pwhash_argon2id_str_verify(call->hash, call->password, strlen(call->password)) == 0;
}

enum err_code auth_hash_password(const char *password, char out[160], struct error *err)
{
    size_t len = strlen(password);
    if (len < PASSWORD_MIN || len > PASSWORD_MAX)
        return error_set(err, ERR_INVALID, "password", "password must be %d to %d characters long",
                         PASSWORD_MIN, PASSWORD_MAX);
    struct pwhash_call call = { .password = password, .out = out };
    offload_run(pwhash_now, &call);
    if (!call.ok)
        return error_set(err, ERR_NOMEM, "password", "cannot hash the password (out of memory)");
    return ERR_OK;
}

bool auth_verify_password(const char *hash, const char *password)
{
    struct pwhash_call call = { .password = password, .hash = hash };
    offload_run(pwverify_now, &call);
    return call.ok;
}

bool auth_csrf_ok(const struct auth_session *session, const char *given)
{
    size_t len = strlen(session->csrf);
    if (given == NULL || len == 0 || strlen(given) != len)
        return false;
    return sodium_memcmp(session->csrf, given, len) == 0;
}

static void login_audit(struct store_audit *audit, const struct store_staff *staff,
                        const char *username, const char *action)
{
    memset(audit, 0, sizeof(*audit));
    audit->actor_id = staff ? staff->id : 0;
    snprintf(audit->actor, sizeof(audit->actor), "%s", username);
    snprintf(audit->action, sizeof(audit->action), "%s", action);
}

/* A failed attempt on a known account: count it, lock after too many, slow the answer. */
static enum err_code login_failed(struct app *app, const struct store_staff *staff, long long now,
                                  struct error *err)
{
    struct store_audit audit;
    long long locked_until = 0;
    if (staff->failed_logins + 1 >= app->login_max_failures)
        locked_until = now + app->login_lock_s;
    login_audit(&audit, staff, staff->username, locked_until ? "login.locked" : "login.failed");
    struct error ignored;
    if (store_staff_login_result(app->store, staff->id, false, locked_until, &audit, &ignored) !=
        ERR_OK)
        fprintf(stderr, "stegvis: cannot record a failed login: %s\n", ignored.message);
    offload_sleep_ms(app->login_delay_ms);
    return error_set(err, ERR_UNAUTHORIZED, NULL, "wrong username or password");
}

static enum err_code unknown_user(struct app *app, const char *username, const char *password,
                                  struct error *err)
{
    struct store_audit audit;
    (void)auth_verify_password(dummy_hash, password);
    login_audit(&audit, NULL, username, "login.failed");
    snprintf(audit.detail, sizeof(audit.detail), "unknown or inactive username");
    struct error ignored;
    if (store_audit_add(app->store, &audit, &ignored) != ERR_OK)
        fprintf(stderr, "stegvis: cannot audit a failed login: %s\n", ignored.message);
    offload_sleep_ms(app->login_delay_ms);
    return error_set(err, ERR_UNAUTHORIZED, NULL, "wrong username or password");
}

static void session_from_staff(struct auth_session *session, const struct store_staff *staff)
{
    memset(session, 0, sizeof(*session));
    session->staff_id = staff->id;
    snprintf(session->username, sizeof(session->username), "%s", staff->username);
    snprintf(session->display_name, sizeof(session->display_name), "%s", staff->display_name);
    session->role = role_parse(staff->role);
    session->unit_id = staff->unit_id;
}

static enum err_code start_session(struct app *app, const struct store_staff *staff, long long now,
                                   char token[AUTH_TOKEN_LEN + 1], struct auth_session *session,
                                   struct error *err)
{
    struct store_session stored;
    memset(&stored, 0, sizeof(stored));
    auth_random_hex(token, AUTH_TOKEN_LEN / 2);
    auth_token_hash(token, stored.token_hash);
    auth_random_hex(stored.csrf, 32);
    stored.staff_id = staff->id;
    stored.created_at = now;
    stored.expires_at = now + app->session_ttl_s;
    enum err_code rc = store_session_add(app->store, &stored, err);
    if (rc != ERR_OK)
        return rc;
    session_from_staff(session, staff);
    memcpy(session->token_hash, stored.token_hash, sizeof(session->token_hash));
    memcpy(session->csrf, stored.csrf, sizeof(session->csrf));
    session->expires_at = stored.expires_at;
    return ERR_OK;
}

enum err_code auth_login(struct app *app, const char *username, const char *password, long long now,
                         char token[AUTH_TOKEN_LEN + 1], struct auth_session *session,
                         struct error *err)
{
    struct store_staff staff;
    enum err_code rc = store_staff_by_username(app->store, username, &staff, err);
    if (rc == ERR_NOT_FOUND || (rc == ERR_OK && !staff.active))
        return unknown_user(app, username, password, err);
    if (rc != ERR_OK)
        return rc;
    if (staff.locked_until > now) {
        long long minutes = (staff.locked_until - now + 59) / 60;
        offload_sleep_ms(app->login_delay_ms);
        return error_set(err, ERR_UNAUTHORIZED, NULL,
                         "too many failed logins: the account is locked for %lld more minutes",
                         minutes);
    }
    if (!auth_verify_password(staff.pw_hash, password))
        return login_failed(app, &staff, now, err);
    struct store_audit audit;
    login_audit(&audit, &staff, staff.username, "login");
    rc = store_staff_login_result(app->store, staff.id, true, 0, &audit, err);
    if (rc != ERR_OK)
        return rc;
    return start_session(app, &staff, now, token, session, err);
}

enum err_code auth_session_load(struct app *app, const char *token, long long now,
                                struct auth_session *session, struct error *err)
{
    struct store_session stored;
    struct store_staff staff;
    char hash[65];
    if (token == NULL || strlen(token) != AUTH_TOKEN_LEN)
        return error_set(err, ERR_UNAUTHORIZED, NULL, "not logged in");
    auth_token_hash(token, hash);
    if (session_cache_get(app->sessions, hash, now, session))
        return ERR_OK;
    enum err_code rc = store_session_get(app->store, hash, &stored, &staff, err);
    if (rc == ERR_NOT_FOUND || (rc == ERR_OK && stored.expires_at <= now))
        return error_set(err, ERR_UNAUTHORIZED, NULL, "not logged in, or the session expired");
    if (rc == ERR_OK && !staff.active)
        return error_set(err, ERR_UNAUTHORIZED, NULL, "the account is no longer active");
    if (rc != ERR_OK)
        return rc;
    session_from_staff(session, &staff);
    memcpy(session->token_hash, stored.token_hash, sizeof(session->token_hash));
    memcpy(session->csrf, stored.csrf, sizeof(session->csrf));
    session->expires_at = stored.expires_at;
    session_cache_put(app->sessions, session, now);
    return ERR_OK;
}

enum err_code auth_logout(struct app *app, const char *token, struct error *err)
{
    char hash[65];
    if (token == NULL || strlen(token) != AUTH_TOKEN_LEN)
        return ERR_OK;
    auth_token_hash(token, hash);
    enum err_code rc = store_session_delete(app->store, hash, err);
    /* after the delete, so no later check can put it back (one that read the session just before
     * may, for at most SESSION_CACHE_TTL_S) */
    session_cache_forget(app->sessions, hash);
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}
