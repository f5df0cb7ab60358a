/* patient_referral.c - the self-referral page (/egen-anmalan): who they are, how to reach them,
 * where they want help and with what; then straight on to the first questionnaires.
 *
 * The form becomes the JSON object api_do_self_referral() takes, so it is checked, stored and
 * audited exactly as a self-referral anywhere else. An error shows the form again with the
 * values kept, the error summary first and the message at the field. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api/api.h"
#include "http/app.h"
#include "http/auth.h"
#include "http/web/patient.h"

#define PROBLEM_MAX_CHARS 250 /* the episode keeps 255 bytes: åäö take two */

/* The form's fields: the JSON member, the input's id, what to say when it is wrong. */
static const struct {
    const char *name;
    const char *message_id;
} fields[] = {
    { "pnr", "patient.referral.error.pnr" },
    { "name", "patient.referral.error.name" },
    { "municipality_code", "patient.referral.error.municipality" },
    { "contact", "patient.referral.error.contact" },
    { "unit_code", "patient.referral.error.unit" },
    { "problem", "patient.referral.error.problem" },
    { "alcohol", "patient.referral.error.alcohol" },
};

#define FIELD_COUNT ((int)(sizeof(fields) / sizeof(fields[0])))

/* What the page shows: the values given so far and at most one problem (the first the check
 * found, `field` its index; -1: none, or one with no field). */
struct referral_page {
    const struct web_form *form; /* NULL: a new, empty form */
    int field;
    const char *message;
    struct store_unit *units;
    int unit_count;
    struct store_municipality *municipalities;
    int municipality_count;
};

static const char *value_of(const struct referral_page *page, const char *name)
{
    const char *value = page->form ? web_form_get(page->form, name) : NULL;
    return value ? value : "";
}

static const char *input_id(struct http_request *req, const char *name)
{
    return http_printf(req, "f-%s", name);
}

static bool has_error(const struct referral_page *page, const char *name)
{
    return page->field >= 0 && strcmp(fields[page->field].name, name) == 0;
}

/* ---- the form ----------------------------------------------------------------------------- */

/* <div class="field"><label>, the hint and the error; then the caller writes the input and
 * closes with field_end(). Returns the aria-describedby text ("" when none). */
static const char *field_begin(struct html *h, const struct referral_page *page, const char *name,
                               const char *label_id, const char *hint_id)
{
    struct http_request *req = h->req;
    const char *id = input_id(req, name);
    const char *described = "";
    html_raw(h, has_error(page, name) ? "<div class=\"field field-has-error\"><label"
                                      : "<div class=\"field\"><label");
    html_attr(h, "for", id);
    html_raw(h, ">");
    web_text(h, label_id);
    html_raw(h, "</label>");
    if (hint_id != NULL) {
        html_raw(h, "<p class=\"hint\"");
        html_attr(h, "id", http_printf(req, "%s-hint", id));
        html_raw(h, ">");
        web_text(h, hint_id);
        html_raw(h, "</p>");
        described = http_printf(req, "%s-hint", id);
    }
    if (has_error(page, name)) {
        patient_field_error(h, id, page->message);
        described = http_printf(req, "%s%s%s-error", described, *described ? " " : "", id);
    }
    return described;
}

/* The attributes every input shares: id, name, aria-describedby, aria-invalid. */
static void input_attrs(struct html *h, const struct referral_page *page, const char *name,
                        const char *described)
{
    html_attr(h, "id", input_id(h->req, name));
    html_attr(h, "name", name);
    if (*described)
        html_attr(h, "aria-describedby", described);
    if (has_error(page, name))
        html_raw(h, " aria-invalid=\"true\"");
}

static void text_field(struct html *h, const struct referral_page *page, const char *name,
                       const char *label_id, const char *hint_id, const char *extra_attrs)
{
    const char *described = field_begin(h, page, name, label_id, hint_id);
    html_raw(h, "<input type=\"text\"");
    input_attrs(h, page, name, described);
    html_attr(h, "value", value_of(page, name));
    html_raw(h, extra_attrs);
    html_raw(h, "></div>\n");
}

static void option(struct html *h, const char *value, const char *label, const char *chosen)
{
    html_raw(h, "<option");
    html_attr(h, "value", value);
    if (strcmp(value, chosen) == 0)
        html_raw(h, " selected");
    html_raw(h, ">");
    html_text(h, label);
    html_raw(h, "</option>");
}

static void municipality_field(struct html *h, const struct referral_page *page)
{
    const char *described =
        field_begin(h, page, "municipality_code", "patient.referral.municipality", NULL);
    const char *chosen = value_of(page, "municipality_code");
    html_raw(h, "<select");
    input_attrs(h, page, "municipality_code", described);
    html_raw(h, ">");
    option(h, "", web_t(h->req, "patient.referral.municipality_choose"), chosen);
    for (int i = 0; i < page->municipality_count; i++)
        option(h, page->municipalities[i].code, page->municipalities[i].name, chosen);
    html_raw(h, "</select></div>\n");
}

static int unit_by_name(const void *a, const void *b)
{
    return strcmp(((const struct store_unit *)a)->name, ((const struct store_unit *)b)->name);
}

/* The units of one group as an <optgroup>; nothing when it has none. */
static void unit_group(struct html *h, const struct referral_page *page, const char *label,
                       const char *kind, const char *municipality_code, const char *chosen)
{
    bool open = false;
    for (int i = 0; i < page->unit_count; i++) {
        const struct store_unit *unit = &page->units[i];
        if (!api_self_referral_unit(unit) || strcmp(unit->kind, kind) != 0 ||
            (municipality_code != NULL && strcmp(unit->municipality_code, municipality_code) != 0))
            continue;
        if (!open) {
            html_raw(h, "<optgroup");
            html_attr(h, "label", label);
            html_raw(h, ">");
            open = true;
        }
        option(h, unit->code, unit->name, chosen);
    }
    if (open)
        html_raw(h, "</optgroup>");
}

/* Care on the internet first (it serves the whole region), then the vårdcentraler by
 * municipality. */
static void unit_field(struct html *h, const struct referral_page *page)
{
    const char *described =
        field_begin(h, page, "unit_code", "patient.referral.unit", "patient.referral.unit_hint");
    const char *chosen = value_of(page, "unit_code");
    html_raw(h, "<select");
    input_attrs(h, page, "unit_code", described);
    html_raw(h, ">");
    option(h, "", web_t(h->req, "patient.referral.unit_choose"), chosen);
    unit_group(h, page, web_t(h->req, "patient.referral.unit_digital"), "digital", NULL, chosen);
    for (int m = 0; m < page->municipality_count; m++)
        unit_group(h, page, page->municipalities[m].name, "vardcentral",
                   page->municipalities[m].code, chosen);
    html_raw(h, "</select></div>\n");
}

static void problem_field(struct html *h, const struct referral_page *page)
{
    const char *described = field_begin(h, page, "problem", "patient.referral.problem",
                                        "patient.referral.problem_hint");
    html_raw(h, "<textarea rows=\"5\"");
    html_attr_int(h, "maxlength", PROBLEM_MAX_CHARS);
    input_attrs(h, page, "problem", described);
    html_raw(h, ">");
    html_text(h, value_of(page, "problem"));
    html_raw(h, "</textarea></div>\n");
}

static void alcohol_field(struct html *h, const struct referral_page *page)
{
    html_raw(h, "<div class=\"checkbox\"><input type=\"checkbox\" value=\"yes\"");
    input_attrs(h, page, "alcohol", "");
    if (*value_of(page, "alcohol"))
        html_raw(h, " checked");
    html_raw(h, "><label for=\"f-alcohol\">");
    web_text(h, "patient.referral.alcohol");
    html_raw(h, "</label></div>\n");
}

static void intro(struct html *h)
{
    html_raw(h, "<p>");
    web_text(h, "patient.referral.intro");
    html_raw(h, "</p><h2>");
    web_text(h, "patient.referral.how_title");
    html_raw(h, "</h2><ol><li>");
    web_text(h, "patient.referral.how_1");
    html_raw(h, "</li><li>");
    web_text(h, "patient.referral.how_2");
    html_raw(h, "</li><li>");
    web_text(h, "patient.referral.how_3");
    html_raw(h, "</li></ol><div class=\"banner\"><p>");
    web_text(h, "patient.referral.urgent");
    html_raw(h, " <a href=\"/hjalp\">");
    web_text(h, "patient.referral.urgent_link");
    html_raw(h, "</a></p></div>\n");
}

static void render(struct http_request *req, struct http_response *res,
                   const struct referral_page *page, int status)
{
    struct html h;
    bool errors = page->message != NULL;
    const char *title = web_t(req, "patient.referral.title");
    web_page_begin(&h, req, WEB_PATIENT, patient_title(req, title, errors));
    if (errors) {
        struct patient_problem problem = { NULL, page->message };
        if (page->field >= 0)
            problem.input_id = input_id(req, fields[page->field].name);
        patient_error_summary(&h, &problem, 1);
    }
    html_raw(&h, "<h1>");
    html_text(&h, title);
    html_raw(&h, "</h1>\n");
    intro(&h);
    patient_form_begin(&h, res, "/egen-anmalan");
    text_field(&h, page, "name", "patient.referral.name", NULL, " autocomplete=\"name\"");
    text_field(&h, page, "pnr", "patient.referral.pnr", "patient.referral.pnr_hint",
               " inputmode=\"numeric\" autocomplete=\"off\" spellcheck=\"false\"");
    text_field(&h, page, "contact", "patient.referral.contact", "patient.referral.contact_hint",
               " spellcheck=\"false\"");
    municipality_field(&h, page);
    unit_field(&h, page);
    problem_field(&h, page);
    alcohol_field(&h, page);
    html_raw(&h, "<p class=\"hint\">");
    web_text(&h, "patient.referral.privacy");
    html_raw(&h, "</p><button type=\"submit\" class=\"button\">");
    web_text(&h, "patient.referral.submit");
    html_raw(&h, "</button></form>\n");
    web_page_end(&h, res, status);
}

/* The region's units and municipalities for the form's choices; answers the error page and
 * returns false when they cannot be read. The lists are freed by page_release(). */
static bool page_load(struct http_request *req, struct http_response *res,
                      struct referral_page *page)
{
    struct error err;
    error_clear(&err);
    enum err_code rc = store_unit_list(req->app->store, &page->units, &page->unit_count, &err);
    if (rc == ERR_OK)
        rc = store_municipality_list(req->app->store, &page->municipalities,
                                     &page->municipality_count, &err);
    if (rc != ERR_OK) {
        patient_fail(req, res, &err);
        return false;
    }
    if (page->unit_count > 1)
        qsort(page->units, (size_t)page->unit_count, sizeof(*page->units), unit_by_name);
    return true;
}

static void page_release(struct referral_page *page)
{
    free(page->units);
    free(page->municipalities);
}

void patient_referral_form(struct http_request *req, struct http_response *res)
{
    struct referral_page page;
    memset(&page, 0, sizeof(page));
    page.field = -1;
    if (!page_load(req, res, &page))
        return;
    render(req, res, &page, 200);
    page_release(&page);
}

/* ---- sending it --------------------------------------------------------------------------- */

/* The field's text without spaces and line breaks around it; NULL when nothing is left. */
static const char *trimmed(struct http_request *req, const struct web_form *form, const char *name)
{
    const char *value = web_form_get(form, name);
    if (value == NULL)
        return NULL;
    while (isspace((unsigned char)*value))
        value++;
    size_t len = strlen(value);
    while (len > 0 && isspace((unsigned char)value[len - 1]))
        len--;
    return len ? http_printf(req, "%.*s", (int)len, value) : NULL;
}

/* The form as the JSON object api_do_self_referral() takes; empty fields are left out, so the
 * check says they are missing. */
static json_t *form_json(struct http_request *req, const struct web_form *form)
{
    json_t *body = json_object();
    for (int i = 0; i < FIELD_COUNT; i++) {
        const char *value = trimmed(req, form, fields[i].name);
        if (value == NULL)
            continue;
        if (strcmp(fields[i].name, "alcohol") == 0)
            json_object_set_new(body, "alcohol", json_true());
        else
            json_object_set_new(body, fields[i].name, json_string(value));
    }
    return body;
}

/* The field an error's pointer ("/pnr") names, or -1. */
static int field_of(const struct error *err)
{
    for (int i = 0; i < FIELD_COUNT; i++)
        if (err->field[0] == '/' && strcmp(err->field + 1, fields[i].name) == 0)
            return i;
    return -1;
}

void patient_referral_post(struct http_request *req, struct http_response *res)
{
    const struct web_form *form = patient_form(req, res);
    if (form == NULL)
        return;
    struct error err;
    char token[AUTH_TOKEN_LEN + 1];
    error_clear(&err);
    json_t *body = form_json(req, form);
    enum err_code rc = api_do_self_referral(req, body, token, &err);
    json_decref(body);
    if (rc == ERR_OK) {
        web_redirect(req, res, http_printf(req, "/i/%s", token));
        return;
    }
    if (rc != ERR_INVALID) {
        patient_fail(req, res, &err);
        return;
    }
    struct referral_page page;
    memset(&page, 0, sizeof(page));
    page.form = form;
    page.field = field_of(&err);
    page.message = web_t(req, page.field >= 0 ? fields[page.field].message_id : "error.422.text");
    if (!page_load(req, res, &page))
        return;
    render(req, res, &page, 422);
    page_release(&page);
}
