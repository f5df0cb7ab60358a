/* auth.h - staff passwords (argon2id), login sessions (cookie + CSRF token), roles. */
#ifndef STEGVIS_HTTP_AUTH_H
#define STEGVIS_HTTP_AUTH_H

#include <stdbool.h>

#include "core/error.h"
#include "http/app.h"
#include "http/http.h"
#include "store/store.h"

#define AUTH_COOKIE      "stegvis_session"
#define AUTH_CSRF_HEADER "X-CSRF-Token"
#define AUTH_TOKEN_LEN   64 /* hex characters of a session token or CSRF token */

enum role {
    ROLE_CLINICIAN = 1u << 0,
    ROLE_MANAGER = 1u << 1,
    ROLE_ANALYST = 1u << 2,
    ROLE_ADMIN = 1u << 3
};
#define ROLE_ANY (ROLE_CLINICIAN | ROLE_MANAGER | ROLE_ANALYST | ROLE_ADMIN)

/* "clinician" etc. -> the bit; 0 when unknown. */
unsigned role_parse(const char *name);
const char *role_name(unsigned role);

struct auth_session {
    long long staff_id;
    char username[64];
    char display_name[128];
    unsigned role;
    long long unit_id;
    char token_hash[65];
    char csrf[65];
    long long expires_at;
};

/* Initialise libsodium once per process; ERR_INTERNAL if it cannot. */
enum err_code auth_init(struct error *err) WARN_UNUSED;

/* Hash a password with argon2id (crypto_pwhash_str, interactive limits) into `out`.
 * ERR_INVALID when the password is shorter than 10 characters or longer than 256. */
enum err_code auth_hash_password(const char *password, char out[160],
                                 struct error *err) WARN_UNUSED;

/* Whether `password` matches `hash` (constant-time inside libsodium). */
bool auth_verify_password(const char *hash, const char *password);

/* Check the password of `username`. On success a new session is stored, *token (hex, 64
 * characters, for the cookie) and *session are filled. A wrong username or password is
 * ERR_UNAUTHORIZED (the same message for both); the failure is counted on the account, slows
 * the answer by app->login_delay_ms and, after app->login_max_failures in a row, locks the
 * account for app->login_lock_s (ERR_UNAUTHORIZED "account locked" until then). Both outcomes
 * are audited. */
enum err_code auth_login(struct app *app, const char *username, const char *password, long long now,
                         char token[AUTH_TOKEN_LEN + 1], struct auth_session *session,
                         struct error *err) WARN_UNUSED;

/* The live session for a cookie token: ERR_UNAUTHORIZED when unknown, expired or the account
 * is no longer active. */
enum err_code auth_session_load(struct app *app, const char *token, long long now,
                                struct auth_session *session, struct error *err) WARN_UNUSED;

/* End the session of this token (idempotent). */
enum err_code auth_logout(struct app *app, const char *token, struct error *err) WARN_UNUSED;

/* Whether `given` equals the session's CSRF token (constant time). */
bool auth_csrf_ok(const struct auth_session *session, const char *given);

/* Fill `out` with `bytes` random bytes as lower-case hex (2 x bytes characters + NUL). */
void auth_random_hex(char *out, size_t bytes);

/* Hex SHA-256 of a token: what the store keeps instead of the token. */
void auth_token_hash(const char *token, char out[65]);

/* Add the Set-Cookie header that gives the browser the session `token` (AUTH_COOKIE; Path=/,
 * HttpOnly, SameSite=Strict, Max-Age the session lifetime, Secure behind TLS), or that removes
 * it (Max-Age=0). The one place the session cookie is written: the API and the login page. */
void auth_cookie_set(struct http_request *req, struct http_response *res, const char *token);
void auth_cookie_clear(struct http_request *req, struct http_response *res);

#endif
