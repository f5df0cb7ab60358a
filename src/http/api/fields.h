/* fields.h - reading the members of a JSON request object with exact errors.
 *
 * Each function checks one member and returns ERR_OK, or ERR_INVALID with `err->field` set to
 * the member's JSON pointer ("/name") and a message that says what was expected, so the
 * handler can answer 422 problem+json with that pointer. An optional member that is absent
 * (or null) leaves the output untouched and sets *present (when given) to false. */
#ifndef STEGVIS_HTTP_API_FIELDS_H
#define STEGVIS_HTTP_API_FIELDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

/* Members not in the NULL-terminated `allowed` list are an error ("unknown member"). */
enum err_code field_known(json_t *obj, const char *const *allowed, struct error *err) WARN_UNUSED;

/* A string of 1..max_len bytes (after trimming nothing: the text is kept as given), copied into
 * `out` (size max_len + 1). */
enum err_code field_string(json_t *obj, const char *name, bool required, char *out, size_t max_len,
                           bool *present, struct error *err) WARN_UNUSED;

/* An integer in [min, max]. */
enum err_code field_int(json_t *obj, const char *name, bool required, long long min, long long max,
                        long long *out, bool *present, struct error *err) WARN_UNUSED;

/* An ISO 8601 instant (date.h datetime_parse) as seconds since the epoch. */
enum err_code field_time(json_t *obj, const char *name, bool required, long long *out,
                         bool *present, struct error *err) WARN_UNUSED;

/* A string that must be one of the NULL-terminated `choices`. */
enum err_code field_choice(json_t *obj, const char *name, bool required, const char *const *choices,
                           char *out, size_t size, bool *present, struct error *err) WARN_UNUSED;

#endif
