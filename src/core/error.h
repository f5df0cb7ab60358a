/* error.h - the one project-wide error type.
 *
 * Functions that can fail return an `enum err_code` (ERR_OK is 0, failures are negative, as in
 * libuv) and, when the caller passes a `struct error`, fill it with the field that was wrong and
 * a human message, so the HTTP layer can answer problem+json and the CLI can print one line
 * without guessing. A NULL `struct error *` is allowed everywhere and means "code only".
 */
#ifndef STEGVIS_CORE_ERROR_H
#define STEGVIS_CORE_ERROR_H

#define WARN_UNUSED __attribute__((warn_unused_result))

enum err_code {
    ERR_OK = 0,
    ERR_INVALID = -1,      /* input failed validation: `field` names what */
    ERR_NOT_FOUND = -2,    /* the thing named does not exist */
    ERR_CONFLICT = -3,     /* exists already, or state forbids the change */
    ERR_FORBIDDEN = -4,    /* authenticated, but not allowed */
    ERR_UNAUTHORIZED = -5, /* not authenticated, or wrong credentials */
    ERR_NOMEM = -6,
    ERR_IO = -7,          /* file or database failure */
    ERR_UNAVAILABLE = -8, /* backend down or busy; try again */
    ERR_TOO_LARGE = -9,
    ERR_GONE = -10,          /* expired or already used (invitations, sessions) */
    ERR_UNPROCESSABLE = -11, /* well-formed but breaks a clinical rule */
    ERR_INTERNAL = -12
};

struct error {
    enum err_code code;
    char field[96];    /* JSON pointer ("/answers/3") or name ("item 4"); "" when none */
    char message[320]; /* one line, no trailing newline */
};

/* Fill `err` (if not NULL) and return `code`, so callers can `return error_set(...)`.
 * `field` may be NULL. The message is truncated to fit. */
enum err_code error_set(struct error *err, enum err_code code, const char *field, const char *fmt,
                        ...) __attribute__((format(printf, 4, 5)));

/* Reset `err` to ERR_OK with empty field and message. */
void error_clear(struct error *err);

/* A stable lower-case name for a code ("invalid", "not_found", ...). Never NULL. */
const char *error_code_name(enum err_code code);

#endif
