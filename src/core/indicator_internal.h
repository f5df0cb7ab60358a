/* indicator_internal.h - helpers shared by the indicator_*.c files; not part of the module's
 * interface (libuv's uv__ convention). */
#ifndef STEGVIS_CORE_INDICATOR_INTERNAL_H
#define STEGVIS_CORE_INDICATOR_INTERNAL_H

#include <stddef.h>

#include "types.h"

/* A share 0..1 as a percentage with one decimal, independent of the C locale: "73,3 %" in
 * Swedish, "73.3%" in English. Returns the length the full text needs, as snprintf does. */
size_t indicator__percent(double share, enum lang lang, char *out, size_t cap);

/* A number with one decimal: "2,3" in Swedish, "2.3" in English. */
size_t indicator__decimal(double value, enum lang lang, char *out, size_t cap);

#endif
