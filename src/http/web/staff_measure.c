/* staff_measure.c - entering an instrument's answers in the clinic: one labelled <select> per
 * item, turned into the API's answers array and scored by the API's own function. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "http/api/api.h"
#include "http/app.h"
#include "http/web/staff.h"

static const char *field_name(struct http_request *req, const struct instrument *ins, int item)
{
    return http_printf(req, "%s_%s", ins->id, ins->items[item].id);
}

/* The item's wording, else its short label, else "Fråga N". */
static const char *item_text(struct http_request *req, const struct instrument_item *item)
{
    const char *text = instrument_text(item->text, req->lang);
    if (*text == '\0')
        text = instrument_text(item->label, req->lang);
    if (*text == '\0')
        text = http_printf(req, "%s %s", web_t(req, "staff.measure.item"), item->id);
    return text;
}

static void option(struct html *h, const char *value, const char *chosen, const char *text)
{
    html_raw(h, "<option");
    html_attr(h, "value", value);
    if (chosen != NULL && strcmp(chosen, value) == 0)
        html_raw(h, " selected");
    html_raw(h, ">");
    html_text(h, text);
    html_raw(h, "</option>");
}

void staff_measure_fields(struct html *h, struct http_request *req, const struct instrument *ins,
                          const struct web_form *form)
{
    html_raw(h, "<fieldset class=\"measure\"");
    html_attr(h, "id", http_printf(req, "matt-%s", ins->id));
    html_raw(h, "><legend>");
    /* "PHQ-9 – frågor om nedstämdhet": the title when it starts with the name, else both. */
    const char *title = instrument_text(ins->title, req->lang);
    if (*title != '\0' && strncmp(title, ins->name, strlen(ins->name)) == 0) {
        html_text(h, title);
    } else {
        html_text(h, ins->name);
        if (*title != '\0')
            html_textf(h, " \xe2\x80\x93 %s", title);
    }
    html_raw(h, "</legend><table class=\"measure-items\"><tbody>");
    for (int i = 0; i < ins->item_count; i++) {
        const struct instrument_item *item = &ins->items[i];
        const char *name = field_name(req, ins, i);
        const char *chosen = form != NULL ? web_form_get(form, name) : NULL;
        html_raw(h, "<tr><th scope=\"row\" class=\"num\">");
        html_text(h, item->id);
        html_raw(h, "</th><td><label");
        html_attr(h, "for", http_printf(req, "f-%s", name));
        html_raw(h, ">");
        html_text(h, item_text(req, item));
        html_raw(h, "</label></td><td><select class=\"input\"");
        html_attr(h, "id", http_printf(req, "f-%s", name));
        html_attr(h, "name", name);
        html_raw(h, ">");
        option(h, "", chosen, web_t(req, "staff.measure.blank"));
        for (int o = 0; o < item->option_count; o++) {
            const char *label = instrument_text(item->options[o].label, req->lang);
            option(h, http_printf(req, "%d", o), chosen,
                   *label ? http_printf(req, "%d \xe2\x80\x93 %s", item->options[o].value, label)
                          : http_printf(req, "%d", item->options[o].value));
        }
        if (item->allow_not_applicable)
            option(h, "na", chosen, web_t(req, "staff.measure.na"));
        html_raw(h, "</select></td></tr>");
    }
    html_raw(h, "</tbody></table></fieldset>");
}

json_t *staff_measure_answers(const struct web_form *form, const struct instrument *ins)
{
    json_t *answers = json_array();
    int entered = 0, keep = 0;
    char name[64];
    for (int i = 0; i < ins->item_count; i++) {
        snprintf(name, sizeof(name), "%s_%s", ins->id, ins->items[i].id);
        const char *value = web_form_get(form, name);
        char *end = NULL;
        long position = value != NULL && *value ? strtol(value, &end, 10) : -1;
        if (value == NULL || *value == '\0') {
            json_array_append_new(answers, json_null());
        } else if (strcmp(value, "na") == 0) {
            json_array_append_new(answers, json_string("na"));
        } else if (*end == '\0' && position >= 0 && position < 100) {
            json_array_append_new(answers, json_integer(position));
        } else {
            json_array_append_new(answers, json_string(value)); /* the API says what is wrong */
        }
        if (value != NULL && *value != '\0') {
            entered++;
            keep = i + 1;
        } else if (!ins->items[i].optional) {
            keep = i + 1;
        }
    }
    if (entered == 0) {
        json_decref(answers);
        return NULL;
    }
    while ((int)json_array_size(answers) > keep) /* trailing optional items left blank */
        json_array_remove(answers, json_array_size(answers) - 1);
    return answers;
}

enum err_code staff_measures_check(struct http_request *req, const struct web_form *form,
                                   const char *const *ids, int id_count,
                                   const struct store_patient *patient, struct error *err)
{
    int entered = 0;
    for (int i = 0; i < id_count; i++) {
        const struct instrument *ins = instrument_find(&req->app->catalog, ids[i]);
        json_t *answers = ins != NULL ? staff_measure_answers(form, ins) : NULL;
        if (answers == NULL)
            continue;
        entered++;
        struct store_response response;
        struct instrument_score score;
        json_t *id = json_string(ins->id);
        enum err_code rc = api_score_response(req, "", id, answers, api_patient_sex(patient),
                                              &response, &score, err);
        json_decref(id);
        json_decref(answers);
        if (rc != ERR_OK)
            return rc;
    }
    if (entered == 0)
        return error_set(err, ERR_INVALID, "measures", "no instrument was filled in");
    return ERR_OK;
}

enum err_code staff_measures_store(struct http_request *req, const struct web_form *form,
                                   const char *const *ids, int id_count,
                                   const struct staff_episode_page *page, int *stored,
                                   struct error *err)
{
    *stored = 0;
    for (int i = 0; i < id_count; i++) {
        const struct instrument *ins = instrument_find(&req->app->catalog, ids[i]);
        json_t *answers = ins != NULL ? staff_measure_answers(form, ins) : NULL;
        if (answers == NULL)
            continue;
        json_t *body = json_pack("{s:I, s:I, s:s, s:o}", "patient_id", (json_int_t)page->patient.id,
                                 "episode_id", (json_int_t)page->episode.id, "instrument", ins->id,
                                 "answers", answers);
        struct store_response response;
        enum err_code rc = api_do_response_create(req, body, &response, err);
        json_decref(body);
        if (rc != ERR_OK)
            return rc;
        (*stored)++;
    }
    return ERR_OK;
}
