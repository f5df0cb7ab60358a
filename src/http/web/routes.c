/* routes.c - the pages' route table: the core, patient and staff parts joined once. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/web/web.h"

#define WEB_MAX_ROUTES 256

static struct route table[WEB_MAX_ROUTES];
static int table_count;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

/* Until the patient or staff pages exist, CMake defines these so the server still links. */
#ifdef WEB_NO_PATIENT_PAGES
const struct route *web_patient_routes(int *count)
{
    *count = 0;
    return NULL;
}
#endif
#ifdef WEB_NO_STAFF_PAGES
const struct route *web_staff_routes(int *count)
{
    *count = 0;
    return NULL;
}
#endif

/* Two parts claiming the same method and path would make one of them dead code: stop at once. */
static void add_part(const struct route *part, int count, const char *name)
{
    for (int i = 0; i < count; i++) {
        for (int k = 0; k < table_count; k++)
            if (strcmp(table[k].method, part[i].method) == 0 &&
                strcmp(table[k].pattern, part[i].pattern) == 0) {
                fprintf(stderr, "stegvis: the %s pages define %s %s a second time\n", name,
                        part[i].method, part[i].pattern);
                abort();
            }
        if (table_count == WEB_MAX_ROUTES) {
            fprintf(stderr, "stegvis: more than %d page routes\n", WEB_MAX_ROUTES);
            abort();
        }
        table[table_count] = part[i];
        table[table_count].flags |= ROUTE_HTML;
        table_count++;
    }
}

static void build_table(void)
{
    int count = 0;
    const struct route *part = web_core_routes(&count);
    add_part(part, count, "core");
    part = web_patient_routes(&count);
    add_part(part, count, "patient");
    part = web_staff_routes(&count);
    add_part(part, count, "staff");
    part = web_dash_routes(&count);
    add_part(part, count, "follow-up");
}

const struct route *web_routes(int *count)
{
    pthread_once(&table_once, build_table);
    *count = table_count;
    return table;
}
