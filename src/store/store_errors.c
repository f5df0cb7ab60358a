/* store_errors.c - the messages for broken constraints, one table for every backend: SQLite
 * names a unique constraint by its columns ("patient.pnr"), PostgreSQL by the index
 * ("patient_pnr"); CHECK constraints carry the same name in both. */
#include "store_internal.h"

#include <string.h>

struct constraint_message {
    const char *sqlite_name;
    const char *pg_name;
    const char *field;
    const char *message;
};

static const struct constraint_message unique_messages[] = {
    { "patient.pnr", "patient_pnr", "pnr", "personnummer already registered" },
    { "staff.username", "staff_username", "username", "username already taken" },
    { "unit.code", "unit_code", "code", "unit code already in use" },
    { "municipality.code", "municipality_pkey", "code", "municipality code already exists" },
    { "intervention.code", "intervention_pkey", "code", "intervention code already exists" },
    { "unit_intervention.unit_id, unit_intervention.intervention_code", "unit_intervention_pkey",
      "intervention_code", "the unit already offers this intervention" },
    { "login_session.token_hash", "login_session_pkey", "token_hash", "session already exists" },
    { "invitation.token_hash", "invitation_pkey", "token_hash", "invitation already exists" },
    { "contract_history.episode_id, contract_history.version", "contract_history_pkey", "version",
      "this contract version is already stored" },
};

static const struct constraint_message check_messages[] = {
    { "unit_kind", "unit_kind", "kind", "kind must be vardcentral, digital or specialist" },
    { "intervention_step", "intervention_step", "step", "step must be 0 to 4" },
    { "staff_role", "staff_role", "role", "role must be clinician, manager, analyst or admin" },
    { "episode_source", "episode_source", "source", "source must be self, clinic or other" },
    { "episode_step", "episode_step", "step", "step must be -1 (not chosen) or 0 to 4" },
    { "response_channel", "response_channel", "channel",
      "channel must be portal, clinic or import" },
    { "risk_review_level", "risk_review_level", "level", "level must be low, moderate or high" },
    { "assessment_recommended_step", "assessment_recommended_step", "recommended_step",
      "recommended step must be 0 to 4" },
    { "assessment_chosen_step", "assessment_chosen_step", "chosen_step",
      "chosen step must be 0 to 4" },
    { "assessment_reason", "assessment_reason", "reason",
      "a chosen step that differs from the recommended step needs a reason" },
    { "appointment_status", "appointment_status", "status",
      "status must be booked, attended, missed or cancelled" },
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const struct constraint_message *find(const struct constraint_message *list, size_t count,
                                             const char *name)
{
    for (size_t i = 0; name != NULL && i < count; i++)
        if (strcmp(list[i].sqlite_name, name) == 0 || strcmp(list[i].pg_name, name) == 0)
            return &list[i];
    return NULL;
}

enum err_code store__violation_error(enum store__violation kind, const char *name,
                                     const char *detail, struct error *err)
{
    const struct constraint_message *m;
    switch (kind) {
    case STORE__UNIQUE:
        m = find(unique_messages, COUNT_OF(unique_messages), name);
        if (m != NULL)
            return error_set(err, ERR_CONFLICT, m->field, "%s", m->message);
        return error_set(err, ERR_CONFLICT, NULL, "already exists (%s)", detail);
    case STORE__CHECK:
        m = find(check_messages, COUNT_OF(check_messages), name);
        if (m != NULL)
            return error_set(err, ERR_INVALID, m->field, "%s", m->message);
        return error_set(err, ERR_INVALID, NULL, "%s", detail);
    case STORE__FOREIGN_KEY:
        return error_set(err, ERR_NOT_FOUND, NULL, "a record it refers to does not exist");
    case STORE__NOT_NULL:
        return error_set(err, ERR_INVALID, NULL, "a required value is missing (%s)", detail);
    case STORE__TRIGGER:
        return error_set(err, ERR_FORBIDDEN, NULL, "%s", detail);
    }
    return error_set(err, ERR_CONFLICT, NULL, "%s", detail);
}
