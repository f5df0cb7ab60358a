/* routes.c - the API's route table: every endpoint, who may call it, what body it takes.
 * The access-matrix test reads this table, so an endpoint cannot be added without it. */
#include "http/api/api.h"
#include "http/router.h"

#define CLIN     ROLE_CLINICIAN
#define CLIN_MGR (ROLE_CLINICIAN | ROLE_MANAGER)
#define PUBLIC   0u

static const struct route routes[] = {
    { "POST", "/api/v1/login", api_login, PUBLIC, BODY_JSON },
    { "POST", "/api/v1/logout", api_logout, ROLE_ANY, BODY_NONE },
    { "GET", "/api/v1/me", api_me, ROLE_ANY, BODY_NONE },
    { "GET", "/api/v1/health", api_health, PUBLIC, BODY_NONE },

    { "GET", "/api/v1/units", api_units_list, ROLE_ANY, BODY_NONE },
    { "POST", "/api/v1/units", api_units_create, ROLE_ADMIN, BODY_JSON },
    { "GET", "/api/v1/staff", api_staff_list, ROLE_ADMIN | ROLE_MANAGER, BODY_NONE },
    { "POST", "/api/v1/staff", api_staff_create, ROLE_ADMIN, BODY_JSON },
    { "GET", "/api/v1/instruments", api_instruments_list, ROLE_ANY, BODY_NONE },

    { "POST", "/api/v1/patients", api_patients_create, CLIN, BODY_JSON },
    { "GET", "/api/v1/patients", api_patients_search, CLIN_MGR, BODY_NONE },
    { "GET", "/api/v1/patients/{id}", api_patients_get, CLIN_MGR, BODY_NONE },

    { "POST", "/api/v1/episodes", api_episodes_create, CLIN, BODY_JSON },
    { "GET", "/api/v1/episodes/{id}", api_episodes_get, CLIN_MGR, BODY_NONE },
    { "PATCH", "/api/v1/episodes/{id}", api_episodes_update, CLIN, BODY_JSON },
    { "GET", "/api/v1/episodes/{id}/recommendation", api_episodes_recommendation, CLIN_MGR,
      BODY_NONE },

    { "POST", "/api/v1/responses", api_responses_create, CLIN, BODY_JSON },
    { "GET", "/api/v1/responses", api_responses_list, CLIN_MGR, BODY_NONE },
    { "POST", "/api/v1/risk-reviews", api_risk_reviews_create, CLIN, BODY_JSON },

    { "POST", "/api/v1/assessments", api_assessments_create, CLIN, BODY_JSON },
    { "GET", "/api/v1/assessments", api_assessments_list, CLIN_MGR, BODY_NONE },

    { "PUT", "/api/v1/contracts/{episode_id}", api_contracts_put, CLIN, BODY_JSON },
    { "GET", "/api/v1/contracts/{episode_id}", api_contracts_get, CLIN_MGR, BODY_NONE },

    { "POST", "/api/v1/appointments", api_appointments_create, CLIN, BODY_JSON },
    { "GET", "/api/v1/appointments", api_appointments_list, CLIN_MGR, BODY_NONE },
    { "PATCH", "/api/v1/appointments/{id}", api_appointments_update, CLIN, BODY_JSON },

    { "GET", "/api/v1/triage", api_triage, CLIN_MGR, BODY_NONE },

    { "POST", "/api/v1/invitations", api_invitations_create, CLIN, BODY_JSON },
    { "GET", "/api/v1/invitations/{token}", api_invitations_get, PUBLIC, BODY_NONE },
    { "POST", "/api/v1/invitations/{token}/responses", api_invitations_answer, PUBLIC, BODY_JSON },

    { "GET", "/api/v1/audit", api_audit_query, ROLE_ADMIN, BODY_NONE },

    { "GET", "/api/v1/indicators", api_indicators_get, ROLE_ANALYST | ROLE_MANAGER, BODY_NONE },
    { "GET", "/api/v1/indicators.csv", api_indicators_csv, ROLE_ANALYST | ROLE_MANAGER, BODY_NONE },
};

const struct route *api_routes(int *count)
{
    *count = (int)(sizeof(routes) / sizeof(routes[0]));
    return routes;
}
