/* access.c - least privilege by role and unit, and the audit row of every record access. */
#include "http/access.h"

#include <stdio.h>
#include <string.h>

#include "http/app.h"
#include "http/auth.h"

#define REASON_MIN 5 /* characters: "akut" alone says too little */

void access_audit_init(struct http_request *req, struct store_audit *audit, const char *action,
                       long long patient_id)
{
    memset(audit, 0, sizeof(*audit));
    audit->at = req->now;
    audit->patient_id = patient_id;
    snprintf(audit->action, sizeof(audit->action), "%s", action);
    if (req->session != NULL) {
        audit->actor_id = req->session->staff_id;
        snprintf(audit->actor, sizeof(audit->actor), "%s", req->session->username);
    } else {
        snprintf(audit->actor, sizeof(audit->actor), "invitation");
    }
}

enum err_code access_log_read(struct http_request *req, const struct store_audit *audit,
                              struct error *err)
{
    return store_audit_add(req->app->store, audit, err);
}

static const char *emergency_reason(struct http_request *req)
{
    const char *reason = http_header(req, ACCESS_REASON_HEADER);
    if (reason == NULL || *reason == '\0')
        reason = http_query(req, "access_reason");
    return reason;
}

static enum err_code role_may_touch_records(const struct auth_session *session,
                                            enum access_kind kind, struct error *err)
{
    if (session->role == ROLE_ANALYST)
        return error_set(err, ERR_FORBIDDEN, NULL,
                         "analysts see aggregate figures only, never a patient's record");
    if (session->role == ROLE_ADMIN)
        return error_set(err, ERR_FORBIDDEN, NULL, "administrators do not read patient records");
    if (session->role == ROLE_MANAGER && kind == ACCESS_WRITE)
        return error_set(err, ERR_FORBIDDEN, NULL, "managers cannot change patient records");
    return ERR_OK;
}

enum err_code access_patient(struct http_request *req, long long patient_id, enum access_kind kind,
                             const char *action, struct store_audit *audit, struct error *err)
{
    struct store_patient patient;
    return access_patient_get(req, patient_id, kind, action, audit, &patient, err);
}

enum err_code access_patient_get(struct http_request *req, long long patient_id,
                                 enum access_kind kind, const char *action,
                                 struct store_audit *audit, struct store_patient *patient,
                                 struct error *err)
{
    bool own = false;
    if (req->session == NULL)
        return error_set(err, ERR_UNAUTHORIZED, NULL, "not logged in");
    enum err_code rc = role_may_touch_records(req->session, kind, err);
    if (rc == ERR_OK) /* the unit's own patients: listed there, or an episode there */
        rc = store_patient_get_at_unit(req->app->store, patient_id, req->session->unit_id, patient,
                                       &own, err);
    if (rc != ERR_OK)
        return rc;
    access_audit_init(req, audit, action, patient_id);
    if (own)
        return ERR_OK;
    const char *reason = emergency_reason(req);
    if (req->session->role != ROLE_CLINICIAN)
        return error_set(err, ERR_FORBIDDEN, NULL, "the patient is not at your unit");
    if (reason == NULL || strlen(reason) < REASON_MIN)
        return error_set(err, ERR_FORBIDDEN, ACCESS_REASON_HEADER,
                         "the patient has no episode at your unit: emergency access needs a "
                         "reason (the X-Access-Reason header, at least %d characters), and is "
                         "logged",
                         REASON_MIN);
    audit->emergency = true;
    snprintf(audit->detail, sizeof(audit->detail), "emergency access: %s", reason);
    return ERR_OK;
}
