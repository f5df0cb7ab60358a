/* api_render.c - store records as the API's JSON, written with the JSON writer (jsonw.h). Times
 * are ISO 8601 in UTC. */
#include <string.h>

#include "core/date.h"
#include "data/present.h"
#include "http/api/api.h"

void render_ktime(struct jsonw *w, const char *key, long long epoch)
{
    jsonw_key(w, key);
    if (epoch == 0) {
        jsonw_null(w);
        return;
    }
    char text[21];
    datetime_format(epoch, text);
    jsonw_string(w, text);
}

void render_kid(struct jsonw *w, const char *key, long long id)
{
    jsonw_key(w, key);
    if (id != 0)
        jsonw_int(w, id);
    else
        jsonw_null(w);
}

void render_patient_members(struct jsonw *w, const struct store_patient *p)
{
    jsonw_kint(w, "id", p->id);
    jsonw_kstring(w, "pnr", p->pnr);
    jsonw_kstring(w, "name", p->name);
    jsonw_kstring(w, "birth_date", p->birth_date);
    jsonw_kstring(w, "sex", p->sex);
    jsonw_kstring(w, "municipality_code", p->municipality_code);
    render_kid(w, "listed_unit_id", p->listed_unit_id);
    jsonw_kstring(w, "contact", p->contact);
    render_ktime(w, "created_at", p->created_at);
}

void render_patient(struct jsonw *w, const struct store_patient *p)
{
    jsonw_object_open(w);
    render_patient_members(w, p);
    jsonw_object_close(w);
}

void render_episode(struct jsonw *w, const struct store_episode *e)
{
    jsonw_object_open(w);
    jsonw_kint(w, "id", e->id);
    jsonw_kint(w, "patient_id", e->patient_id);
    jsonw_kint(w, "unit_id", e->unit_id);
    jsonw_kstring(w, "source", e->source);
    render_ktime(w, "referred_at", e->referred_at);
    render_ktime(w, "assessed_at", e->assessed_at);
    render_ktime(w, "treatment_started_at", e->treatment_started_at);
    render_ktime(w, "ended_at", e->ended_at);
    jsonw_kstring(w, "end_reason", e->end_reason[0] ? e->end_reason : NULL);
    jsonw_key(w, "step");
    if (e->step >= 0)
        jsonw_int(w, e->step);
    else
        jsonw_null(w);
    jsonw_kstring(w, "problem", e->problem);
    jsonw_object_close(w);
}

/* One member of a stored answer list as instrument_format_answers() writes it: an integer
 * (no leading zeros), null or "na". */
static bool plain_answer(const char *p, size_t n)
{
    if ((n == 4 && memcmp(p, "null", 4) == 0) || (n == 4 && memcmp(p, "\"na\"", 4) == 0))
        return true;
    size_t i = n > 0 && p[0] == '-' ? 1 : 0;
    if (i >= n || n - i > 9 || (p[i] == '0' && n - i > 1))
        return false;
    for (; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return false;
    return true;
}

/* Whether the stored text is a list of plain answers, so that it can be copied as it is. */
static bool plain_answers(const char *s, size_t len)
{
    if (len < 2 || s[0] != '[' || s[len - 1] != ']')
        return false;
    const char *p = s + 1, *end = s + len - 1;
    while (p < end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma != NULL ? comma : end;
        if (!plain_answer(p, (size_t)(stop - p)) || (comma != NULL && comma + 1 == end))
            return false;
        p = comma != NULL ? comma + 1 : end;
    }
    return true;
}

/* The stored answer list (instrument_format_answers() wrote it) is copied as it is; text of
 * another shape goes through jansson, and text that is not JSON is shown as [] (a list that
 * cannot be read is shown empty, never as broken JSON). */
static void render_answers(struct jsonw *w, const char *answers)
{
    size_t len = strlen(answers);
    if (plain_answers(answers, len)) {
        jsonw_raw(w, answers, len);
        return;
    }
    json_t *parsed = json_loads(answers, 0, NULL);
    if (parsed != NULL)
        jsonw_json(w, parsed);
    else
        jsonw_raw(w, "[]", 2);
    json_decref(parsed);
}

static void render_flags(struct jsonw *w, unsigned flags)
{
    jsonw_array_open(w);
    for (int i = 0; i < INSTRUMENT_FLAG_COUNT; i++)
        if (flags & (1u << i))
            jsonw_string(w, instrument_flag_name(1u << i));
    jsonw_array_close(w);
}

void render_response(struct jsonw *w, const struct instrument_catalog *cat,
                     const struct store_response *r, enum lang lang)
{
    const struct instrument *ins = instrument_find(cat, r->instrument);
    const char *band_label = "";
    for (int b = 0; ins != NULL && b < ins->band_count; b++)
        if (strcmp(ins->bands[b].id, r->band) == 0)
            band_label = instrument_text(ins->bands[b].label, lang);
    jsonw_object_open(w);
    jsonw_kint(w, "id", r->id);
    jsonw_kint(w, "patient_id", r->patient_id);
    render_kid(w, "episode_id", r->episode_id);
    jsonw_kstring(w, "instrument", r->instrument);
    jsonw_key(w, "answers");
    render_answers(w, r->answers);
    jsonw_kint(w, "total", r->total);
    jsonw_kstring(w, "band", r->band);
    jsonw_kstring(w, "band_label", band_label);
    jsonw_kint(w, "severity", r->severity);
    jsonw_key(w, "flags");
    render_flags(w, r->flags);
    render_ktime(w, "answered_at", r->answered_at);
    render_kid(w, "entered_by", r->entered_by);
    jsonw_kstring(w, "channel", r->channel);
    jsonw_object_close(w);
}

void render_assessment_members(struct jsonw *w, const struct store_assessment *a)
{
    jsonw_kint(w, "id", a->id);
    jsonw_kint(w, "episode_id", a->episode_id);
    jsonw_kint(w, "staff_id", a->staff_id);
    render_ktime(w, "at", a->at);
    jsonw_kstring(w, "problem", a->problem);
    jsonw_kint(w, "recommended_step", a->recommended_step);
    jsonw_kint(w, "chosen_step", a->chosen_step);
    jsonw_kstring(w, "reason", a->reason);
}

void render_assessment(struct jsonw *w, const struct store_assessment *a)
{
    jsonw_object_open(w);
    render_assessment_members(w, a);
    jsonw_object_close(w);
}

void render_contract_members(struct jsonw *w, const struct store_contract *c)
{
    jsonw_kint(w, "episode_id", c->episode_id);
    jsonw_kint(w, "version", c->version);
    render_kid(w, "contact_staff_id", c->contact_staff_id);
    jsonw_kstring(w, "goals", c->goals);
    jsonw_kstring(w, "plan", c->plan);
    render_ktime(w, "next_contact_at", c->next_contact_at);
    jsonw_kstring(w, "municipal_coordination", c->municipal_coordination);
    render_ktime(w, "updated_at", c->updated_at);
    render_kid(w, "updated_by", c->updated_by);
}

void render_contract(struct jsonw *w, const struct store_contract *c)
{
    jsonw_object_open(w);
    render_contract_members(w, c);
    jsonw_object_close(w);
}

void render_appointment(struct jsonw *w, const struct store_appointment *a)
{
    jsonw_object_open(w);
    jsonw_kint(w, "id", a->id);
    jsonw_kint(w, "episode_id", a->episode_id);
    render_kid(w, "staff_id", a->staff_id);
    render_ktime(w, "at", a->at);
    jsonw_kstring(w, "intervention_code", a->intervention_code);
    jsonw_kstring(w, "status", a->status);
    jsonw_object_close(w);
}

void render_unit(struct jsonw *w, const struct store_unit *u)
{
    jsonw_object_open(w);
    jsonw_kint(w, "id", u->id);
    jsonw_kstring(w, "code", u->code);
    jsonw_kstring(w, "name", u->name);
    jsonw_kstring(w, "kind", u->kind);
    jsonw_kstring(w, "municipality_code", u->municipality_code);
    jsonw_object_close(w);
}

void render_staff(struct jsonw *w, const struct store_staff *s)
{
    jsonw_object_open(w);
    jsonw_kint(w, "id", s->id);
    jsonw_kstring(w, "username", s->username);
    jsonw_kstring(w, "display_name", s->display_name);
    jsonw_kstring(w, "role", s->role);
    jsonw_kint(w, "unit_id", s->unit_id);
    jsonw_kbool(w, "active", s->active);
    jsonw_object_close(w);
}

void render_audit(struct jsonw *w, const struct store_audit *a)
{
    jsonw_object_open(w);
    jsonw_kint(w, "id", a->id);
    render_ktime(w, "at", a->at);
    render_kid(w, "actor_id", a->actor_id);
    jsonw_kstring(w, "actor", a->actor);
    jsonw_kstring(w, "action", a->action);
    render_kid(w, "patient_id", a->patient_id);
    jsonw_kbool(w, "emergency", a->emergency);
    jsonw_kstring(w, "detail", a->detail);
    jsonw_object_close(w);
}
