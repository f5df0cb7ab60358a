/* api_render.c - store records as the API's JSON. Times are ISO 8601 in UTC. */
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "data/present.h"
#include "http/api/api.h"

json_t *render_time(long long epoch)
{
    if (epoch == 0)
        return json_null();
    char text[21];
    datetime_format(epoch, text);
    return json_string(text);
}

static json_t *id_or_null(long long id)
{
    return id ? json_integer(id) : json_null();
}

json_t *render_patient(const struct store_patient *p)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:o}", "id", (json_int_t)p->id,
                     "pnr", p->pnr, "name", p->name, "birth_date", p->birth_date, "sex", p->sex,
                     "municipality_code", p->municipality_code, "listed_unit_id",
                     id_or_null(p->listed_unit_id), "contact", p->contact, "created_at",
                     render_time(p->created_at));
}

json_t *render_episode(const struct store_episode *e)
{
    return json_pack("{s:I, s:I, s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:s}", "id",
                     (json_int_t)e->id, "patient_id", (json_int_t)e->patient_id, "unit_id",
                     (json_int_t)e->unit_id, "source", e->source, "referred_at",
                     render_time(e->referred_at), "assessed_at", render_time(e->assessed_at),
                     "treatment_started_at", render_time(e->treatment_started_at), "ended_at",
                     render_time(e->ended_at), "end_reason",
                     e->end_reason[0] ? json_string(e->end_reason) : json_null(), "step",
                     e->step >= 0 ? json_integer(e->step) : json_null(), "problem", e->problem);
}

json_t *render_response(const struct instrument_catalog *cat, const struct store_response *r,
                        enum lang lang)
{
    const struct instrument *ins = instrument_find(cat, r->instrument);
    const char *band_label = "";
    for (int b = 0; ins != NULL && b < ins->band_count; b++)
        if (strcmp(ins->bands[b].id, r->band) == 0)
            band_label = instrument_text(ins->bands[b].label, lang);
    json_t *answers = json_loads(r->answers, 0, NULL);
    return json_pack("{s:I, s:I, s:o, s:s, s:o, s:i, s:s, s:s, s:i, s:o, s:o, s:o, s:s}", "id",
                     (json_int_t)r->id, "patient_id", (json_int_t)r->patient_id, "episode_id",
                     id_or_null(r->episode_id), "instrument", r->instrument, "answers",
                     answers ? answers : json_array(), "total", r->total, "band", r->band,
                     "band_label", band_label, "severity", r->severity, "flags",
                     present_flags(r->flags), "answered_at", render_time(r->answered_at),
                     "entered_by", id_or_null(r->entered_by), "channel", r->channel);
}

json_t *render_assessment(const struct store_assessment *a)
{
    return json_pack("{s:I, s:I, s:I, s:o, s:s, s:i, s:i, s:s}", "id", (json_int_t)a->id,
                     "episode_id", (json_int_t)a->episode_id, "staff_id", (json_int_t)a->staff_id,
                     "at", render_time(a->at), "problem", a->problem, "recommended_step",
                     a->recommended_step, "chosen_step", a->chosen_step, "reason", a->reason);
}

json_t *render_contract(const struct store_contract *c)
{
    return json_pack("{s:I, s:i, s:o, s:s, s:s, s:o, s:s, s:o, s:o}", "episode_id",
                     (json_int_t)c->episode_id, "version", c->version, "contact_staff_id",
                     id_or_null(c->contact_staff_id), "goals", c->goals, "plan", c->plan,
                     "next_contact_at", render_time(c->next_contact_at), "municipal_coordination",
                     c->municipal_coordination, "updated_at", render_time(c->updated_at),
                     "updated_by", id_or_null(c->updated_by));
}

json_t *render_appointment(const struct store_appointment *a)
{
    return json_pack("{s:I, s:I, s:o, s:o, s:s, s:s}", "id", (json_int_t)a->id, "episode_id",
                     (json_int_t)a->episode_id, "staff_id", id_or_null(a->staff_id), "at",
                     render_time(a->at), "intervention_code", a->intervention_code, "status",
                     a->status);
}

json_t *render_unit(const struct store_unit *u)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)u->id, "code", u->code, "name",
                     u->name, "kind", u->kind, "municipality_code", u->municipality_code);
}

json_t *render_staff(const struct store_staff *s)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:I, s:b}", "id", (json_int_t)s->id, "username",
                     s->username, "display_name", s->display_name, "role", s->role, "unit_id",
                     (json_int_t)s->unit_id, "active", s->active);
}

json_t *render_audit(const struct store_audit *a)
{
    return json_pack("{s:I, s:o, s:o, s:s, s:s, s:o, s:b, s:s}", "id", (json_int_t)a->id, "at",
                     render_time(a->at), "actor_id", id_or_null(a->actor_id), "actor", a->actor,
                     "action", a->action, "patient_id", id_or_null(a->patient_id), "emergency",
                     a->emergency, "detail", a->detail);
}
