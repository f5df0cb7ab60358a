/* staff_admin.c - the administrator's staff page: the accounts, and a form that creates one
 * through the API's own action (api_do_staff_create(): checks, argon2id hash, audit row). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api/api.h"
#include "http/app.h"
#include "http/auth.h"
#include "http/web/staff.h"

static const char *unit_name(const struct store_unit *units, int count, long long id)
{
    for (int i = 0; i < count; i++)
        if (units[i].id == id)
            return units[i].name;
    return "\xe2\x80\x93";
}

static void select_open(struct html *h, struct http_request *req, const char *name,
                        const char *label_id)
{
    html_raw(h, "<div class=\"field\"><label");
    html_attr(h, "for", http_printf(req, "f-%s", name));
    html_raw(h, ">");
    html_text(h, web_t(req, label_id));
    html_raw(h, "</label><select class=\"input\" required");
    html_attr(h, "id", http_printf(req, "f-%s", name));
    html_attr(h, "name", name);
    html_raw(h, ">");
}

static void option(struct html *h, const char *value, const char *text, bool selected)
{
    html_raw(h, "<option");
    html_attr(h, "value", value);
    html_raw(h, selected ? " selected>" : ">");
    html_text(h, text);
    html_raw(h, "</option>");
}

static void create_form(struct html *h, struct http_request *req, struct http_response *res,
                        const struct store_unit *units, int unit_count, const struct web_form *sent)
{
    const char *role = sent ? web_form_get(sent, "role") : NULL;
    const char *unit = sent ? web_form_get(sent, "unit_code") : NULL;
    html_raw(h, "<section id=\"create-staff\"><h2>");
    html_text(h, web_t(req, "staff.admin.create"));
    html_raw(h, "</h2>");
    staff_form_begin(h, req, res, "/admin/personal");
    staff_input(h, req, "username", "text", "staff.admin.username",
                sent ? web_form_get(sent, "username") : NULL, true);
    staff_input(h, req, "display_name", "text", "staff.admin.display_name",
                sent ? web_form_get(sent, "display_name") : NULL, true);
    select_open(h, req, "role", "staff.admin.role");
    for (int i = 0; api_staff_roles[i] != NULL; i++)
        option(h, api_staff_roles[i],
               web_t(req, http_printf(req, "staff.role.%s", api_staff_roles[i])),
               role ? strcmp(role, api_staff_roles[i]) == 0 : i == 0);
    html_raw(h, "</select></div>");
    select_open(h, req, "unit_code", "staff.admin.unit");
    for (int i = 0; i < unit_count; i++)
        option(h, units[i].code, units[i].name, unit && strcmp(unit, units[i].code) == 0);
    html_raw(h, "</select></div>");
    staff_input(h, req, "password", "password", "staff.admin.password", NULL, true);
    html_raw(h, "<p class=\"hint\">");
    html_text(h, web_t(req, "staff.admin.password_hint"));
    html_raw(h, "</p><button type=\"submit\" class=\"button\">");
    html_text(h, web_t(req, "staff.admin.submit"));
    html_raw(h, "</button></form></section>");
}

static void staff_table(struct html *h, struct http_request *req, const struct store_staff *list,
                        int count, const struct store_unit *units, int unit_count)
{
    static const char *const cols[] = { "staff.admin.username", "staff.admin.display_name",
                                        "staff.admin.role", "staff.admin.unit",
                                        "staff.admin.active" };
    html_raw(h, "<section id=\"staff-list\"><h2>");
    html_text(h, web_t(req, "staff.admin.list"));
    html_raw(h, "</h2><div class=\"table-scroll\"><table class=\"data\" id=\"staff\"><thead><tr>");
    for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
        html_raw(h, "<th scope=\"col\">");
        html_text(h, web_t(req, cols[i]));
        html_raw(h, "</th>");
    }
    html_raw(h, "</tr></thead><tbody>");
    for (int i = 0; i < count; i++) {
        html_raw(h, "<tr><td>");
        html_text(h, list[i].username);
        html_raw(h, "</td><td>");
        html_text(h, list[i].display_name);
        html_raw(h, "</td><td>");
        html_text(h, web_t(req, http_printf(req, "staff.role.%s", list[i].role)));
        html_raw(h, "</td><td>");
        html_text(h, unit_name(units, unit_count, list[i].unit_id));
        html_raw(h, "</td><td>");
        html_text(h, web_t(req, list[i].active ? "common.yes" : "common.no"));
        html_raw(h, "</td></tr>");
    }
    html_raw(h, "</tbody></table></div></section>");
}

static void render(struct http_request *req, struct http_response *res, const struct web_form *sent,
                   const struct error *sent_err, int status)
{
    struct store_staff *list = NULL;
    struct store_unit *units = NULL;
    int count = 0, unit_count = 0;
    struct error err;
    error_clear(&err);
    if (api_staff_visible(req, &list, &count, &err) != ERR_OK ||
        store_unit_list(req->app->store, &units, &unit_count, &err) != ERR_OK) {
        free(list);
        return web_error_page(req, res, http_status_of_error(err.code), NULL);
    }
    const char *created = http_query(req, "skapad");
    struct html h;
    html_begin(&h, req);
    web_page_begin(&h, req, WEB_STAFF, web_t(req, "staff.admin.title"));
    html_raw(&h, "<h1>");
    html_text(&h, web_t(req, "staff.admin.title"));
    html_raw(&h, "</h1>");
    if (created != NULL && sent_err == NULL) {
        html_raw(&h, "<div class=\"banner-success\" role=\"status\" id=\"created\">");
        html_text(&h, web_tn(req, "staff.admin.created", "username", created, NULL));
        html_raw(&h, "</div>");
    }
    if (sent_err != NULL)
        staff_error_box(&h, req, sent_err);
    create_form(&h, req, res, units, unit_count, sent);
    staff_table(&h, req, list, count, units, unit_count);
    free(list);
    free(units);
    web_page_end(&h, res, status);
}

void staff_admin_staff_page(struct http_request *req, struct http_response *res)
{
    render(req, res, NULL, NULL, 200);
}

void staff_admin_staff_post(struct http_request *req, struct http_response *res)
{
    const struct web_form *form = staff_form(req, res);
    struct store_staff staff;
    struct error err;
    error_clear(&err);
    if (form == NULL)
        return;
    json_t *body = json_object();
    static const char *const fields[] = { "username", "display_name", "role", "unit_code",
                                          "password" };
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        staff_json_text(body, form, fields[i]);
    enum err_code rc = api_do_staff_create(req, body, &staff, &err);
    json_decref(body);
    if (rc != ERR_OK)
        return render(req, res, form, &err, http_status_of_error(rc));
    web_redirect(
        req, res,
        http_printf(req, "/admin/personal?skapad=%s", web_url_encode(req, staff.username)));
}
