/* patient_questionnaire.c - answering through a link: the start page, one questionnaire per
 * page, and the confirmation.
 *
 * Each questionnaire is stored the moment it is sent (api_invitation_answer_one()), so nothing
 * is lost if the patient stops or the connection drops, and a risk answer reaches the clinic at
 * once; going back shows the saved answers, and sending a page again replaces them. The
 * confirmation page finishes the invitation: after that nothing can be changed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api/api.h"
#include "http/app.h"
#include "http/web/patient.h"

#define SECONDS_PER_ITEM 20 /* for "it takes about N minutes" */
#define NA_VALUE         "na"

/* The 1-based questionnaire number in the path, or 0 (after answering 404) when it is none. */
static int page_number(struct http_request *req, struct http_response *res,
                       const struct patient_link *link)
{
    const char *text = req->param_count > 1 ? req->params[1] : "";
    int n = 0;
    if (strlen(text) == 1 && text[0] >= '1' && text[0] <= '9')
        n = text[0] - '0';
    if (n < 1 || n > link->count) {
        web_error_page(req, res, 404, NULL);
        return 0;
    }
    return n;
}

static const char *progress_text(struct http_request *req, int n, int count)
{
    char number[8], total[8];
    snprintf(number, sizeof(number), "%d", n);
    snprintf(total, sizeof(total), "%d", count);
    return web_tn(req, "patient.progress", "n", number, "total", total, NULL);
}

/* ---- the start page ------------------------------------------------------------------------ */

static int minutes_needed(const struct patient_link *link)
{
    int items = 0;
    for (int i = 0; i < link->count; i++)
        items += link->ins[i]->item_count;
    int minutes = (items * SECONDS_PER_ITEM + 59) / 60;
    return minutes < 2 ? 2 : minutes;
}

void patient_start(struct http_request *req, struct http_response *res)
{
    struct patient_link link;
    if (!patient_link_open(req, res, true, &link))
        return;
    if (link.inv.used_at != 0) { /* finished: the link now leads to the confirmation */
        web_redirect(req, res, patient_link_path(req, &link, "/klart"));
        return;
    }
    int next = patient_link_next(&link);
    char count[16], minutes[16];
    snprintf(count, sizeof(count), "%d", link.count);
    snprintf(minutes, sizeof(minutes), "%d", minutes_needed(&link));
    struct html h;
    web_page_begin(&h, req, WEB_PATIENT, web_t(req, "patient.start.title"));
    patient_risk_help(&h, &link);
    html_raw(&h, "<h1>");
    web_text(&h, "patient.start.title");
    html_raw(&h, "</h1>\n<p>");
    web_text(&h, "patient.start.intro");
    html_raw(&h, "</p>\n<p>");
    html_text(&h, web_tn(req, "patient.start.size", "count", count, "minutes", minutes, NULL));
    html_raw(&h, "</p>\n<ol class=\"questionnaire-list\">");
    for (int i = 0; i < link.count; i++) {
        html_raw(&h, "<li>");
        html_text(&h, instrument_text(link.ins[i]->title, req->lang));
        if (patient_link_saved(&link, link.ins[i]->id) != NULL) {
            html_raw(&h, " <span class=\"tag\">");
            web_text(&h, "patient.start.answered");
            html_raw(&h, "</span>");
        }
        html_raw(&h, "</li>");
    }
    html_raw(&h, "</ol>\n<p>");
    web_text(&h, "patient.start.saved");
    html_raw(&h, "</p>\n<p>");
    web_text(&h, "help.not_emergency");
    html_raw(&h, "</p>\n<p><a class=\"button\"");
    html_attr(&h, "href",
              patient_link_path(req, &link, http_printf(req, "/%d", next > 0 ? next : 1)));
    html_raw(&h, ">");
    web_text(&h, next > 1 || next == 0 ? "patient.start.resume" : "patient.start.begin");
    html_raw(&h, "</a></p>\n<p><a");
    html_attr(&h, "href", patient_link_path(req, &link, "/plan"));
    html_raw(&h, ">");
    web_text(&h, "patient.start.plan_link");
    html_raw(&h, "</a></p>\n");
    web_page_end(&h, res, 200);
}

/* ---- one questionnaire --------------------------------------------------------------------- */

/* The answers shown checked, by item: positions, ANSWER_NOT_APPLICABLE, or ANSWER_MISSING. */
struct shown {
    int position[INSTRUMENT_MAX_ITEMS];
    bool missing[INSTRUMENT_MAX_ITEMS]; /* a required item left unanswered on sending */
    int missing_count;
};

static void shown_clear(struct shown *shown)
{
    memset(shown, 0, sizeof(*shown));
    for (int i = 0; i < INSTRUMENT_MAX_ITEMS; i++)
        shown->position[i] = ANSWER_MISSING;
}

/* The saved answers ("[1,2,null,\"na\"]", as api_score_response() stores them). */
static void shown_from_saved(struct shown *shown, const struct store_response *saved)
{
    json_t *answers = saved ? json_loads(saved->answers, 0, NULL) : NULL;
    for (size_t i = 0; i < json_array_size(answers) && i < INSTRUMENT_MAX_ITEMS; i++) {
        json_t *v = json_array_get(answers, i);
        if (json_is_integer(v))
            shown->position[i] = (int)json_integer_value(v);
        else if (json_is_string(v) && strcmp(json_string_value(v), NA_VALUE) == 0)
            shown->position[i] = ANSWER_NOT_APPLICABLE;
    }
    json_decref(answers);
}

static const char *item_name(struct http_request *req, const struct instrument_item *item)
{
    return http_printf(req, "q-%s", item->id);
}

/* The answer to `item` in the form: a position, ANSWER_NOT_APPLICABLE where allowed, or
 * ANSWER_MISSING (not given, or not one of its options). */
static int form_answer(struct http_request *req, const struct web_form *form,
                       const struct instrument_item *item)
{
    const char *value = web_form_get(form, item_name(req, item));
    if (value == NULL)
        return ANSWER_MISSING;
    if (item->allow_not_applicable && strcmp(value, NA_VALUE) == 0)
        return ANSWER_NOT_APPLICABLE;
    if (strlen(value) == 1 && value[0] >= '0' && value[0] - '0' < item->option_count)
        return value[0] - '0';
    return ANSWER_MISSING;
}

static void shown_from_form(struct http_request *req, struct shown *shown,
                            const struct web_form *form, const struct instrument *ins)
{
    for (int i = 0; i < ins->item_count; i++) {
        shown->position[i] = form_answer(req, form, &ins->items[i]);
        if (shown->position[i] == ANSWER_MISSING && !ins->items[i].optional) {
            shown->missing[i] = true;
            shown->missing_count++;
        }
    }
}

static const char *missing_message(struct http_request *req, const struct instrument_item *item)
{
    return web_tn(req, "patient.q.missing", "item", item->id, NULL);
}

static void radio(struct html *h, const char *name, const char *value, const char *label,
                  bool checked)
{
    const char *id = http_printf(h->req, "%s-%s", name, value);
    html_raw(h, "<div class=\"radio-large\"><input type=\"radio\"");
    html_attr(h, "id", id);
    html_attr(h, "name", name);
    html_attr(h, "value", value);
    if (checked)
        html_raw(h, " checked");
    html_raw(h, "><label");
    html_attr(h, "for", id);
    html_raw(h, ">");
    html_text(h, label);
    html_raw(h, "</label></div>");
}

/* One item: a fieldset whose legend is the question, with a large radio button per option. */
static void item_fieldset(struct html *h, const struct instrument_item *item, int position,
                          bool missing)
{
    struct http_request *req = h->req;
    const char *name = item_name(req, item);
    const char *text = instrument_text(item->text, req->lang);
    html_raw(h, missing ? "<fieldset class=\"question field-has-error\""
                        : "<fieldset class=\"question\"");
    html_attr(h, "id", name);
    if (missing)
        html_attr(h, "aria-describedby", http_printf(req, "%s-error", name));
    html_raw(h, "><legend>");
    html_textf(h, "%s. %s", item->id, *text ? text : instrument_text(item->label, req->lang));
    if (item->optional) {
        html_raw(h, " <span class=\"hint\">");
        web_text(h, "common.optional");
        html_raw(h, "</span>");
    }
    html_raw(h, "</legend>");
    if (missing)
        patient_field_error(h, name, missing_message(req, item));
    html_raw(h, "<div class=\"radios\">");
    for (int o = 0; o < item->option_count; o++)
        radio(h, name, http_printf(req, "%d", o),
              instrument_text(item->options[o].label, req->lang), position == o);
    if (item->allow_not_applicable)
        radio(h, name, NA_VALUE, web_t(req, "patient.q.not_applicable"),
              position == ANSWER_NOT_APPLICABLE);
    html_raw(h, "</div></fieldset>\n");
}

/* The copyright notice a definition asks to be shown ("... Show the notice: © ..."). */
static void licence_notice(struct html *h, const struct instrument *ins)
{
    static const char marker[] = "Show the notice: ";
    const char *notice = ins->licence ? strstr(ins->licence, marker) : NULL;
    if (notice == NULL)
        return;
    html_raw(h, "<p class=\"muted small\">");
    html_text(h, notice + sizeof(marker) - 1);
    html_raw(h, "</p>\n");
}

static void error_summary(struct html *h, const struct instrument *ins, const struct shown *shown)
{
    struct patient_problem problems[INSTRUMENT_MAX_ITEMS];
    int count = 0;
    for (int i = 0; i < ins->item_count; i++)
        if (shown->missing[i]) {
            problems[count].input_id =
                http_printf(h->req, "%s-0", item_name(h->req, &ins->items[i]));
            problems[count].message = missing_message(h->req, &ins->items[i]);
            count++;
        }
    patient_error_summary(h, problems, count);
}

static void render_questionnaire(struct http_request *req, struct http_response *res,
                                 const struct patient_link *link, int n, const struct shown *shown,
                                 int status)
{
    const struct instrument *ins = link->ins[n - 1];
    const char *progress = progress_text(req, n, link->count);
    const char *stem = instrument_text(ins->stem, req->lang);
    struct html h;
    web_page_begin(&h, req, WEB_PATIENT,
                   patient_title(req, http_printf(req, "%s – %s", progress, ins->name),
                                 shown->missing_count > 0));
    patient_risk_help(&h, link);
    html_raw(&h, "<p><a");
    html_attr(&h, "href",
              patient_link_path(req, link, n > 1 ? http_printf(req, "/%d", n - 1) : ""));
    html_raw(&h, ">");
    web_text(&h, "common.back");
    html_raw(&h, "</a></p>\n");
    error_summary(&h, ins, shown);
    html_raw(&h, "<p class=\"progress\">");
    html_text(&h, progress);
    html_raw(&h, "</p>\n<h1>");
    html_text(&h, instrument_text(ins->title, req->lang));
    html_raw(&h, "</h1>\n");
    if (*stem) {
        html_raw(&h, "<p>");
        html_text(&h, stem);
        html_raw(&h, "</p>\n");
    }
    patient_form_begin(&h, res, patient_link_path(req, link, http_printf(req, "/%d", n)));
    for (int i = 0; i < ins->item_count; i++)
        item_fieldset(&h, &ins->items[i], shown->position[i], shown->missing[i]);
    html_raw(&h, "<p class=\"hint\">");
    web_text(&h, "patient.q.saved_note");
    html_raw(&h, "</p><button type=\"submit\" class=\"button\">");
    web_text(&h, n < link->count ? "patient.q.next" : "patient.q.send");
    html_raw(&h, "</button></form>\n");
    licence_notice(&h, ins);
    web_page_end(&h, res, status);
}

void patient_questionnaire_form(struct http_request *req, struct http_response *res)
{
    struct patient_link link;
    if (!patient_link_open(req, res, true, &link))
        return;
    int n = page_number(req, res, &link);
    if (n == 0)
        return;
    if (link.inv.used_at != 0) { /* finished: nothing to change any more */
        web_redirect(req, res, patient_link_path(req, &link, "/klart"));
        return;
    }
    struct shown shown;
    shown_clear(&shown);
    shown_from_saved(&shown, patient_link_saved(&link, link.ins[n - 1]->id));
    render_questionnaire(req, res, &link, n, &shown, 200);
}

/* The answers as the API takes them: positions, "na", null; optional items left unanswered at
 * the end are left out. */
static json_t *answers_json(const struct instrument *ins, const struct shown *shown)
{
    int count = ins->item_count;
    while (count > 0 && ins->items[count - 1].optional && shown->position[count - 1] < 0 &&
           shown->position[count - 1] != ANSWER_NOT_APPLICABLE)
        count--;
    json_t *answers = json_array();
    for (int i = 0; i < count; i++) {
        int p = shown->position[i];
        json_array_append_new(answers, p >= 0                       ? json_integer(p)
                                       : p == ANSWER_NOT_APPLICABLE ? json_string(NA_VALUE)
                                                                    : json_null());
    }
    return answers;
}

/* An answer the check refused ("/answers/3"): shown as that item unanswered. */
static bool mark_refused(struct shown *shown, const struct instrument *ins, const struct error *err)
{
    int index = -1;
    if (sscanf(err->field, "/answers/%d", &index) != 1 || index < 0 || index >= ins->item_count)
        return false;
    shown->position[index] = ANSWER_MISSING;
    shown->missing[index] = true;
    shown->missing_count++;
    return true;
}

void patient_questionnaire_post(struct http_request *req, struct http_response *res)
{
    const struct web_form *form = patient_form(req, res);
    struct patient_link link;
    if (form == NULL || !patient_link_open(req, res, false, &link))
        return;
    int n = page_number(req, res, &link);
    if (n == 0)
        return;
    const struct instrument *ins = link.ins[n - 1];
    struct shown shown;
    shown_clear(&shown);
    shown_from_form(req, &shown, form, ins);
    if (shown.missing_count > 0) {
        render_questionnaire(req, res, &link, n, &shown, 422);
        return;
    }
    struct store_response response;
    struct error err;
    error_clear(&err);
    json_t *answers = answers_json(ins, &shown);
    enum err_code rc = api_invitation_answer_one(req, &link.inv, ins->id, answers, &response, &err);
    json_decref(answers);
    if (rc == ERR_INVALID && mark_refused(&shown, ins, &err)) {
        render_questionnaire(req, res, &link, n, &shown, 422);
        return;
    }
    if (rc != ERR_OK) {
        patient_fail(req, res, &err);
        return;
    }
    web_redirect(
        req, res,
        patient_link_path(req, &link, n < link.count ? http_printf(req, "/%d", n + 1) : "/klart"));
}

/* ---- the confirmation ----------------------------------------------------------------------- */

/* The unit the invitation's episode is at, or NULL. */
static const char *unit_name(struct http_request *req, const struct store_invitation *inv)
{
    struct store_episode episode;
    struct store_unit unit;
    if (inv->episode_id == 0 ||
        store_episode_get(req->app->store, inv->episode_id, &episode, NULL) != ERR_OK ||
        store_unit_get(req->app->store, episode.unit_id, &unit, NULL) != ERR_OK)
        return NULL;
    return http_strdup(req, unit.name);
}

/* Finish the invitation once every questionnaire is saved; one still unanswered is where the
 * patient is sent instead. Returns false when it has answered the request. */
static bool finish(struct http_request *req, struct http_response *res,
                   const struct patient_link *link)
{
    if (link->inv.used_at != 0)
        return true;
    int next = patient_link_next(link);
    if (next > 0) {
        web_redirect(req, res, patient_link_path(req, link, http_printf(req, "/%d", next)));
        return false;
    }
    struct error err;
    error_clear(&err);
    enum err_code rc = api_invitation_finish(req, &link->inv, &err);
    if (rc != ERR_OK && rc != ERR_GONE) { /* gone: finished meanwhile (a reload) */
        patient_fail(req, res, &err);
        return false;
    }
    return true;
}

void patient_done(struct http_request *req, struct http_response *res)
{
    struct patient_link link;
    if (!patient_link_open(req, res, true, &link) || !finish(req, res, &link))
        return;
    const char *unit = unit_name(req, &link.inv);
    struct html h;
    web_page_begin(&h, req, WEB_PATIENT, web_t(req, "patient.done.title"));
    patient_risk_help(&h, &link);
    html_raw(&h, "<div class=\"banner banner-success\"><h1>");
    web_text(&h, "patient.done.title");
    html_raw(&h, "</h1></div>\n<h2>");
    web_text(&h, "patient.done.next_title");
    html_raw(&h, "</h2>\n<p>");
    if (unit != NULL)
        html_text(&h, web_tn(req, "patient.done.contact", "unit", unit, NULL));
    else
        web_text(&h, "patient.done.contact_any");
    html_raw(&h, "</p>\n<p>");
    web_text(&h, "patient.done.worse");
    html_raw(&h, "</p>\n<p>");
    web_text(&h, "patient.done.plan");
    html_raw(&h, " <a");
    html_attr(&h, "href", patient_link_path(req, &link, "/plan"));
    html_raw(&h, ">");
    web_text(&h, "patient.done.plan_link");
    html_raw(&h, "</a></p>\n<p>");
    web_text(&h, "patient.done.close");
    html_raw(&h, "</p>\n");
    web_page_end(&h, res, 200);
}
