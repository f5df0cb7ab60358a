/* web_internal.h - what the files of the web module share that is not part of web.h. */
#ifndef STEGVIS_HTTP_WEB_WEB_INTERNAL_H
#define STEGVIS_HTTP_WEB_WEB_INTERNAL_H

#include <stdbool.h>

#include "http/web/html.h"

/* The help-now box; `alert` adds role="alert" (after a risk answer, not on /hjalp). */
void web__help_box(struct html *h, bool alert);

#endif
