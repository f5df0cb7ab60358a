/* access.h - who may see which patient, and the audit row for each access.
 *
 * Rules (issue #4): a clinician sees patients with an episode at their own unit; another unit's
 * patient only with an explicit reason (emergency access: allowed, flagged in the audit log). A
 * manager reads their own unit's patients and changes nothing. An analyst sees aggregates only,
 * never a record. An admin manages units, staff and the catalogue but reads no records. */
#ifndef STEGVIS_HTTP_ACCESS_H
#define STEGVIS_HTTP_ACCESS_H

#include <stdbool.h>

#include "http/http.h"
#include "store/store.h"

#define ACCESS_REASON_HEADER "X-Access-Reason"

enum access_kind { ACCESS_READ, ACCESS_WRITE };

/* May the session read or write the record of `patient_id`? The emergency reason is taken from
 * the X-Access-Reason header (or the "access_reason" query argument). On success `audit` is
 * filled for `action` (actor, patient, emergency flag, reason in detail); writes pass it to the
 * store, reads call access_log_read() once the data is in hand.
 * Errors: ERR_FORBIDDEN (role, or another unit without a reason), ERR_NOT_FOUND (no such
 * patient; checked first so ids cannot be probed through 403 vs 404). */
enum err_code access_patient(struct http_request *req, long long patient_id, enum access_kind kind,
                             const char *action, struct store_audit *audit,
                             struct error *err) WARN_UNUSED;

/* access_patient() that also hands back the patient's record it read to decide (so a handler
 * that needs the record does not read it a second time). *patient is set on success. */
enum err_code access_patient_get(struct http_request *req, long long patient_id,
                                 enum access_kind kind, const char *action,
                                 struct store_audit *audit, struct store_patient *patient,
                                 struct error *err) WARN_UNUSED;

/* An audit row for the session's actor with no patient (logins, admin actions). */
void access_audit_init(struct http_request *req, struct store_audit *audit, const char *action,
                       long long patient_id);

/* Append the audit row of a read; returns the store's result. */
enum err_code access_log_read(struct http_request *req, const struct store_audit *audit,
                              struct error *err) WARN_UNUSED;

#endif
