#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum err_code error_set(struct error *err, enum err_code code, const char *field, const char *fmt,
                        ...)
{
    if (err == NULL)
        return code;
    err->code = code;
    snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    return code;
}

void error_clear(struct error *err)
{
    if (err == NULL)
        return;
    err->code = ERR_OK;
    err->field[0] = '\0';
    err->message[0] = '\0';
}

const char *error_code_name(enum err_code code)
{
    switch (code) {
    case ERR_OK:
        return "ok";
    case ERR_INVALID:
        return "invalid";
    case ERR_NOT_FOUND:
        return "not_found";
    case ERR_CONFLICT:
        return "conflict";
    case ERR_FORBIDDEN:
        return "forbidden";
    case ERR_UNAUTHORIZED:
        return "unauthorized";
    case ERR_NOMEM:
        return "no_memory";
    case ERR_IO:
        return "io";
    case ERR_UNAVAILABLE:
        return "unavailable";
    case ERR_TOO_LARGE:
        return "too_large";
    case ERR_GONE:
        return "gone";
    case ERR_UNPROCESSABLE:
        return "unprocessable";
    case ERR_INTERNAL:
        return "internal";
    }
    return "unknown";
}
