/* app.h - what every handler shares: the store, the clinical catalogue and rules, settings.
 * Built once by `stegvis serve` before the server starts; read-only afterwards. */
#ifndef STEGVIS_HTTP_APP_H
#define STEGVIS_HTTP_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/instrument.h"
#include "core/steps.h"
#include "store/store.h"

struct app {
    struct store *store;
    struct instrument_catalog catalog;
    struct steps_rules rules;
    int session_ttl_s;      /* login session lifetime (default 8 h) */
    int invitation_ttl_s;   /* invitation link lifetime (default 14 days) */
    int login_max_failures; /* consecutive failures before the account is locked (default 5) */
    int login_lock_s;       /* how long it stays locked (default 15 min) */
    int login_delay_ms;     /* pause after every failed login (default 400 ms) */
    bool cookie_secure;     /* add Secure to cookies (behind TLS) */
    char *stylesheet;       /* DIR/static/stegvis.css, served at /static/stegvis.css (free()) */
    size_t stylesheet_len;
};

#endif
