/* datafiles.h - finding and reading the data/ folder: instrument definitions and step rules.
 * The only place that turns files into core structures; core itself does no I/O. */
#ifndef STEGVIS_DATA_DATAFILES_H
#define STEGVIS_DATA_DATAFILES_H

#include <stddef.h>

#include "core/error.h"
#include "core/instrument.h"
#include "core/steps.h"

/* The data folder: `override` if not NULL, else $STEGVIS_DATA, else the folder compiled in
 * (the source tree's data/). Never NULL. */
const char *datafiles_dir(const char *override);

/* Read a whole file of at most `max_bytes` into a new NUL-terminated string (*text, free()).
 * ERR_IO naming the path when it cannot be read; ERR_TOO_LARGE when it is bigger. */
enum err_code datafiles_read(const char *path, size_t max_bytes, char **text,
                             struct error *err) WARN_UNUSED;

/* Load every DIR/instruments/NAME.json (sorted by name) into `cat`, then apply any
 * DIR/instruments/local/ID.texts.json. On error `cat` is released and `err` names the file. */
enum err_code datafiles_load_instruments(const char *dir, struct instrument_catalog *cat,
                                         struct error *err) WARN_UNUSED;

/* Load DIR/steps.json into `rules`. */
enum err_code datafiles_load_steps(const char *dir, struct steps_rules *rules,
                                   struct error *err) WARN_UNUSED;

#endif
