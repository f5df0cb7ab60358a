/* patient_plan.c - "Min plan": the patient's contract as they see it, through their link while
 * it has not expired. The named contact, the next agreed time, the goals and the plan in their
 * own words, coordination with the municipality, and their own scores over time. Every view is
 * audited as a read by "invitation". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api/api.h"
#include "http/app.h"
#include "http/web/patient.h"

/* Text as written, one paragraph per line; empty lines left out. */
static void paragraphs(struct html *h, const char *text)
{
    for (const char *p = text; *p != '\0';) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        size_t shown = len;
        while (shown > 0 && (p[shown - 1] == '\r' || p[shown - 1] == ' '))
            shown--;
        if (shown > 0) {
            html_raw(h, "<p>");
            html_textf(h, "%.*s", (int)shown, p);
            html_raw(h, "</p>");
        }
        p += len + (nl != NULL);
    }
}

static void section(struct html *h, const char *title_id)
{
    html_raw(h, "<h2>");
    web_text(h, title_id);
    html_raw(h, "</h2>\n");
}

/* The next agreed time: the contract's, else the first booked appointment still ahead; 0. */
static long long next_time(struct http_request *req, const struct store_contract *contract)
{
    if (contract->next_contact_at > req->now)
        return contract->next_contact_at;
    struct store_appointment *list = NULL;
    int count = 0;
    long long next = 0;
    if (store_appointment_list(req->app->store, contract->episode_id, &list, &count, NULL) ==
        ERR_OK)
        for (int i = 0; i < count && next == 0; i++) /* oldest first */
            if (strcmp(list[i].status, "booked") == 0 && list[i].at > req->now)
                next = list[i].at;
    free(list);
    return next != 0 ? next : contract->next_contact_at;
}

static void contract_part(struct html *h, const struct store_contract *contract)
{
    struct http_request *req = h->req;
    struct store_staff staff;
    section(h, "patient.plan.contact");
    html_raw(h, "<p class=\"plan-contact\">");
    if (contract->contact_staff_id != 0 &&
        store_staff_get(req->app->store, contract->contact_staff_id, &staff, NULL) == ERR_OK)
        html_text(h, staff.display_name[0] ? staff.display_name : staff.username);
    else
        web_text(h, "patient.plan.contact_none");
    html_raw(h, "</p>\n");
    section(h, "patient.plan.next");
    long long next = next_time(req, contract);
    html_raw(h, "<p class=\"plan-next\">");
    html_text(h, next != 0 ? web_datetime(req, next) : web_t(req, "patient.plan.next_none"));
    html_raw(h, "</p>\n");
    section(h, "patient.plan.goals");
    paragraphs(h, contract->goals);
    section(h, "patient.plan.plan");
    paragraphs(h, contract->plan);
    if (contract->municipal_coordination[0] != '\0') {
        section(h, "patient.plan.municipal");
        paragraphs(h, contract->municipal_coordination);
    }
    html_raw(h, "<p class=\"hint\">");
    html_text(
        h, web_tn(req, "patient.plan.updated", "date", web_date(req, contract->updated_at), NULL));
    html_raw(h, "</p>\n");
}

static void no_contract(struct html *h)
{
    html_raw(h, "<div class=\"banner\"><h2>");
    web_text(h, "patient.plan.none_title");
    html_raw(h, "</h2><p>");
    web_text(h, "patient.plan.none_text");
    html_raw(h, "</p></div>\n");
}

static void th(struct html *h, const char *id)
{
    html_raw(h, "<th scope=\"col\">");
    web_text(h, id);
    html_raw(h, "</th>");
}

/* One instrument's scores, oldest first, as a table: date, score, band in words. */
static void score_table(struct html *h, const struct instrument *ins,
                        const struct store_response *list, int count, long long episode_id)
{
    struct http_request *req = h->req;
    html_raw(h, "<div class=\"table-scroll\"><table class=\"data\"><caption>");
    html_text(h, instrument_text(ins->title, req->lang));
    html_raw(h, "</caption><thead><tr>");
    th(h, "patient.plan.col_date");
    th(h, "patient.plan.col_score");
    th(h, "patient.plan.col_level");
    html_raw(h, "</tr></thead><tbody>");
    for (int i = 0; i < count; i++) {
        const struct store_response *r = &list[i];
        if (r->episode_id != episode_id || strcmp(r->instrument, ins->id) != 0)
            continue;
        html_raw(h, "<tr><td>");
        html_text(h, web_date(req, r->answered_at));
        html_raw(h, "</td><td>");
        html_textf(h, "%d", instrument_reported(ins, r->total));
        html_raw(h, "</td><td>");
        web_band(h, req, r->instrument, r->band);
        html_raw(h, "</td></tr>");
    }
    html_raw(h, "</tbody></table></div>\n");
}

/* The patient's scores in this episode, one table per instrument in the order first answered. */
static void scores_part(struct html *h, const struct store_response *list, int count,
                        long long episode_id)
{
    const struct instrument *done[INSTRUMENT_MAX];
    int tables = 0;
    section(h, "patient.plan.scores");
    for (int i = 0; i < count; i++) {
        const struct instrument *ins = instrument_find(&h->req->app->catalog, list[i].instrument);
        bool seen = ins == NULL || list[i].episode_id != episode_id;
        for (int t = 0; t < tables && !seen; t++)
            seen = done[t] == ins;
        if (seen || tables == INSTRUMENT_MAX)
            continue;
        if (tables == 0) {
            html_raw(h, "<p>");
            web_text(h, "patient.plan.scores_intro");
            html_raw(h, "</p>\n");
        }
        done[tables++] = ins;
        score_table(h, ins, list, count, episode_id);
    }
    if (tables == 0) {
        html_raw(h, "<p>");
        web_text(h, "patient.plan.scores_none");
        html_raw(h, "</p>\n");
    }
}

void patient_plan(struct http_request *req, struct http_response *res)
{
    struct patient_link link;
    if (!patient_link_open(req, res, true, &link))
        return;
    struct store_contract contract;
    struct store_response *responses = NULL;
    struct store_audit audit;
    int count = 0;
    struct error err;
    error_clear(&err);
    enum err_code rc = store_contract_get(req->app->store, link.inv.episode_id, &contract, &err);
    bool has_contract = rc == ERR_OK;
    if (rc == ERR_NOT_FOUND)
        rc = ERR_OK;
    if (rc == ERR_OK)
        rc = store_response_list(req->app->store, link.inv.patient_id, &responses, &count, &err);
    api_invitation_audit(req, &audit, "contract.read", link.inv.patient_id);
    snprintf(audit.detail, sizeof(audit.detail), "Min plan, episode %lld", link.inv.episode_id);
    if (rc == ERR_OK)
        rc = store_audit_add(req->app->store, &audit, &err);
    if (rc != ERR_OK) {
        free(responses);
        patient_fail(req, res, &err);
        return;
    }
    struct html h;
    web_page_begin(&h, req, WEB_PATIENT, web_t(req, "patient.plan.title"));
    html_raw(&h, "<h1>");
    web_text(&h, "patient.plan.title");
    html_raw(&h, "</h1>\n");
    if (has_contract)
        contract_part(&h, &contract);
    else
        no_contract(&h);
    scores_part(&h, responses, count, link.inv.episode_id);
    free(responses);
    web_page_end(&h, res, 200);
}
