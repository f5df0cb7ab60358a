/* demo_events.c - writing one simulated episode through the bulk load: the episode in its final
 * state first, then its rows in the order they happened (a risk review covers the responses
 * stored before it), with the clinicians' texts in Swedish. */
#include <stdio.h>
#include <string.h>

#include "cli/demo.h"

static const char *const problems[] = {
    "Nedstämdhet och orkeslöshet", "Oro och ångest",      "Stress och sömnproblem",
    "Alkohol: vill dricka mindre", "Nedstämdhet och oro",
};

static const char *const goals[] = {
    "Kunna sova hela nätter och orka arbeta heltid igen",
    "Träffa vänner varje vecka och ta promenader tre gånger i veckan",
    "Minska oron så att jag kan åka buss till jobbet",
    "Dricka högst fem glas i veckan och inga helgfyllor",
    "Komma tillbaka till studierna till hösten",
    "Orka vara med barnen efter jobbet",
};

static const char *const plans[] = {
    "Egenvårdsmaterial och återkoppling vid behov",
    "Vägledd självhjälp med uppföljning varannan vecka",
    "Lågintensiv behandling (internet-KBT eller grupp) med PHQ-9 och GAD-7 varje vecka",
    "Individuell behandling varje eller varannan vecka, skattning vid varje besök",
    "Remiss till specialistvården; kontakten här tills den tagit över",
};

/* Why a chosen step differs from the recommendation: [lower, higher][reason]. */
static const char *const deviations[2][2] = {
    { "Patienten vill börja med självhjälp och avvakta",
      "Patienten föredrar att börja med internetbehandling" },
    { "Tidigare behandling på lägre steg har inte hjälpt",
      "Samsjuklighet och livssituation kräver mer stöd än poängen visar" },
};

static const char *const review_notes[] = {
    "Strukturerad suicidriskbedömning: ingen akut risk; följs upp vid nästa besök",
    "Förhöjd risk: tätare kontakt och krisplan tillsammans med patienten",
    "Hög risk: kontakt med psykiatrins akutmottagning samma dag",
};

#define COUNT_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *pick(const char *const *list, int count, int index)
{
    return list[index >= 0 && index < count ? index : 0];
}

static enum err_code write_response(struct demo *demo, const struct demo_person *person,
                                    long long episode_id, const struct demo_event *event,
                                    struct error *err)
{
    const struct instrument_score *score = &event->u.response.score;
    struct store_response row;
    memset(&row, 0, sizeof(row));
    row.patient_id = person->patient_id;
    row.episode_id = episode_id;
    snprintf(row.instrument, sizeof(row.instrument), "%s", event->u.response.instrument->id);
    demo_answers_text(event->u.response.positions, event->u.response.count, row.answers,
                      sizeof(row.answers));
    row.total = score->total;
    snprintf(row.band, sizeof(row.band), "%s", score->band ? score->band->id : "");
    row.severity = score->band ? score->band->severity : 0;
    row.flags = score->flags;
    row.answered_at = event->at;
    row.entered_by = event->staff_id;
    snprintf(row.channel, sizeof(row.channel), "%s",
             event->u.response.portal ? "portal" : "clinic");
    demo->counts.responses++;
    return store_bulk_response(demo->bulk, &row, err);
}

static enum err_code write_assessment(struct demo *demo, long long episode_id,
                                      const struct demo_event *event, struct error *err)
{
    struct store_assessment row;
    memset(&row, 0, sizeof(row));
    row.episode_id = episode_id;
    row.staff_id = event->staff_id;
    row.at = event->at;
    snprintf(row.problem, sizeof(row.problem), "%s",
             pick(problems, COUNT_OF(problems), event->u.assessment.problem));
    row.recommended_step = event->u.assessment.recommended;
    row.chosen_step = event->u.assessment.chosen;
    if (event->u.assessment.step_up) {
        steps_reason_text(demo->rules, &event->u.assessment.why, LANG_SV, row.reason,
                          sizeof(row.reason));
    } else if (event->u.assessment.deviation >= 0) {
        int higher = row.chosen_step > row.recommended_step;
        snprintf(row.reason, sizeof(row.reason), "%s",
                 deviations[higher][event->u.assessment.deviation & 1]);
    }
    demo->counts.assessments++;
    return store_bulk_assessment(demo->bulk, &row, err);
}

static enum err_code write_contract(struct demo *demo, const struct demo_person *person,
                                    long long episode_id, const struct demo_event *event,
                                    struct error *err)
{
    struct store_contract row;
    memset(&row, 0, sizeof(row));
    row.episode_id = episode_id;
    row.version = event->u.contract.version;
    row.contact_staff_id = event->u.contract.named_contact ? event->staff_id : 0;
    if (event->u.contract.has_goals)
        snprintf(row.goals, sizeof(row.goals), "%s",
                 pick(goals, COUNT_OF(goals), event->u.contract.goals));
    snprintf(row.plan, sizeof(row.plan), "%s",
             pick(plans, COUNT_OF(plans), event->u.contract.plan));
    row.next_contact_at = event->u.contract.next_time ? event->u.contract.next_contact_at : 0;
    if (event->u.contract.coordination)
        snprintf(row.municipal_coordination, sizeof(row.municipal_coordination),
                 "Samordnad individuell plan med socialtjänsten i %s kommun",
                 demo->region.municipalities[person->municipality].name);
    row.updated_at = event->at;
    row.updated_by = event->staff_id;
    demo->counts.contracts++;
    return store_bulk_contract(demo->bulk, &row, err);
}

static enum err_code write_appointment(struct demo *demo, long long episode_id,
                                       const struct demo_event *event, struct error *err)
{
    struct store_appointment row;
    memset(&row, 0, sizeof(row));
    row.episode_id = episode_id;
    row.staff_id = event->staff_id;
    row.at = event->at;
    if (event->u.appointment.intervention != NULL)
        snprintf(row.intervention_code, sizeof(row.intervention_code), "%s",
                 event->u.appointment.intervention);
    snprintf(row.status, sizeof(row.status), "%s", event->u.appointment.status);
    demo->counts.appointments++;
    return store_bulk_appointment(demo->bulk, &row, err);
}

static enum err_code write_review(struct demo *demo, const struct demo_person *person,
                                  const struct demo_event *event, struct error *err)
{
    struct store_risk_review row;
    memset(&row, 0, sizeof(row));
    row.patient_id = person->patient_id;
    row.staff_id = event->staff_id;
    row.at = event->at;
    snprintf(row.level, sizeof(row.level), "%s", event->u.review.level);
    int note = strcmp(row.level, "low") == 0 ? 0 : strcmp(row.level, "moderate") == 0 ? 1 : 2;
    snprintf(row.note, sizeof(row.note), "%s", review_notes[note]);
    demo->counts.reviews++;
    return store_bulk_risk_review(demo->bulk, &row, err);
}

static enum err_code write_event(struct demo *demo, const struct demo_person *person,
                                 long long episode_id, const struct demo_event *event,
                                 struct error *err)
{
    switch (event->kind) {
    case DEMO_RESPONSE:
        return write_response(demo, person, episode_id, event, err);
    case DEMO_ASSESSMENT:
        return write_assessment(demo, episode_id, event, err);
    case DEMO_CONTRACT:
        return write_contract(demo, person, episode_id, event, err);
    case DEMO_APPOINTMENT:
        return write_appointment(demo, episode_id, event, err);
    case DEMO_RISK_REVIEW:
        return write_review(demo, person, event, err);
    }
    return error_set(err, ERR_INTERNAL, NULL, "unknown demo event %d", (int)event->kind);
}

enum err_code demo_events_write(struct demo *demo, const struct demo_person *person,
                                struct demo_episode *episode, struct error *err)
{
    episode->row.patient_id = person->patient_id;
    snprintf(episode->row.problem, sizeof(episode->row.problem), "%s",
             pick(problems, COUNT_OF(problems), episode->problem));
    enum err_code rc = store_bulk_episode(demo->bulk, &episode->row, err);
    if (rc != ERR_OK)
        return rc;
    demo->counts.episodes++;
    for (int i = 0; i < episode->event_count && rc == ERR_OK; i++)
        rc = write_event(demo, person, episode->row.id, &episode->events[i], err);
    return rc;
}
