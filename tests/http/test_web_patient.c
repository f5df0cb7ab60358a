/* test_web_patient.c - the patient's pages over real HTTP: self-referral, the questionnaires of
 * an invitation link one per page, and the confirmation ("Min plan" and the English pages:
 * test_web_patient_plan.c). A clinician (anna at GOTTSUNDA) sets up patients, episodes and
 * invitations through the JSON API as the API tests do; the patient is a browser with no
 * session. Expected texts are those of po/sv/patient.po; scores are worked by hand from
 * data/instruments next to their assertions. The cases run in order and build on each other. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "patient_pages.h"
#include "support/db_fingerprint.h"

static struct api_world W;
static struct test_http_client *anna;

static struct {
    long long patient, episode; /* made through the API, with the invitation below */
    char token[80];             /* phq9, gad7, wsas */
} F;

static long long db_int(const char *sql)
{
    return testdb_int(W.server.db_path, sql);
}

/* ---- self-referral ------------------------------------------------------------------------ */

static const char *referral_fields(const char *pnr, const char *name, const char *extra)
{
    /* "Nedstämd och orolig" URL-encoded */
    return api_fmt("name=%s&pnr=%s&contact=070-1234567&municipality_code=0380&unit_code=GOTTSUNDA"
                   "&problem=Nedst%%C3%%A4md+och+orolig%s",
                   name, pnr, extra);
}

static void self_referral_page(void)
{
    struct test_http_response res = page(&W.anonymous, "/egen-anmalan", 200);
    ASSERT_CONTAINS(res.body, "<html lang=\"sv\">");
    ASSERT_CONTAINS(res.body, "<h1>Sök hjälp för oro, nedstämdhet eller stress</h1>");
    /* every input has its label */
    const char *const inputs[] = { "name",      "pnr",     "contact", "municipality_code",
                                   "unit_code", "problem", "alcohol" };
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        ASSERT_CONTAINS(res.body, api_fmt("<label for=\"f-%s\">", inputs[i]));
        ASSERT_CONTAINS(res.body, api_fmt("id=\"f-%s\" name=\"%s\"", inputs[i], inputs[i]));
    }
    /* units grouped: care on the internet first, then each municipality's vårdcentraler */
    ASSERT_CONTAINS(res.body, "<optgroup label=\"Digitalt – för hela regionen\"><option "
                              "value=\"KBT_NATET\">KBT via nätet</option></optgroup>");
    ASSERT_CONTAINS(res.body, "<optgroup label=\"Tierp\"><option value=\"TIERP\">Tierps "
                              "vårdcentral</option></optgroup>");
    ASSERT_CONTAINS(res.body, "<option value=\"0380\">Uppsala</option>");
    ASSERT_EQ_INT(occurrences(res.body, "name=\"csrf\""), 1);
    test_http_response_free(&res);
}

static void self_referral_creates_everything(void)
{
    char dashed[14], digits[13];
    api_pnr(501, dashed, digits);
    struct test_http_client c;
    test_http_client_init(&c, &W.server);
    struct test_http_response res =
        submit(&c, "/egen-anmalan", "/egen-anmalan",
               referral_fields(dashed, "Sara+Svensson", "&alcohol=yes"));
    if (res.status != 303)
        TEST_FAIL("status %ld: %s", res.status, res.body);
    char location[80];
    snprintf(location, sizeof(location), "%s", test_http_header(&res, "Location"));
    ASSERT_TRUE(strncmp(location, "/i/", 3) == 0);
    ASSERT_EQ_INT(strlen(location), 3 + 64);
    test_http_response_free(&res);

    long long patient = db_int(api_fmt("SELECT id FROM patient WHERE pnr = '%s'", digits));
    ASSERT_EQ_INT(db_int(api_fmt("SELECT count(*) FROM patient WHERE pnr = '%s' AND name = "
                                 "'Sara Svensson' AND contact = '070-1234567' AND "
                                 "municipality_code = '0380' AND listed_unit_id IS NULL",
                                 digits)),
                  1);
    ASSERT_EQ_INT(db_int(api_fmt("SELECT count(*) FROM episode WHERE patient_id = %lld AND "
                                 "source = 'self' AND unit_id = %lld AND step = -1 AND "
                                 "problem = 'Nedstämd och orolig'",
                                 patient, W.unit_gottsunda)),
                  1);
    /* alcohol ticked: AUDIT after PHQ-9 and GAD-7 */
    ASSERT_EQ_INT(db_int(api_fmt("SELECT count(*) FROM invitation WHERE patient_id = %lld AND "
                                 "instruments = 'phq9,gad7,audit' AND used_at = 0 AND "
                                 "created_by IS NULL AND episode_id = (SELECT id FROM episode "
                                 "WHERE patient_id = %lld)",
                                 patient, patient)),
                  1);
    ASSERT_EQ_INT(db_int(api_fmt("SELECT count(*) FROM audit WHERE actor = 'self-referral' AND "
                                 "patient_id = %lld AND action IN ('patient.create', "
                                 "'episode.create', 'invitation.create')",
                                 patient)),
                  3);

    /* The link leads on: 3 questionnaires, the first PHQ-9. */
    res = page(&c, location, 200);
    ASSERT_CONTAINS(res.body,
                    "Det är 3 formulär och tar ungefär 9 minuter."); /* 10+7+10 items x 20 s */
    ASSERT_CONTAINS(res.body, api_fmt("href=\"%s/1\">Börja</a>", location));
    test_http_response_free(&res);

    /* The same personnummer again, with another name: the record is used as it is and nothing
     * of it shows; a second episode and invitation, no second patient. */
    res = submit(&c, "/egen-anmalan", "/egen-anmalan",
                 referral_fields(digits, "N%C3%A5gon+Annan", ""));
    ASSERT_EQ_INT(res.status, 303);
    ASSERT_EQ_INT(strlen(test_http_header(&res, "Location")), 3 + 64);
    ASSERT_NOT_CONTAINS(res.body, "Sara");
    test_http_response_free(&res);
    ASSERT_EQ_INT(db_int(api_fmt("SELECT count(*) FROM patient WHERE pnr = '%s'", digits)), 1);
    ASSERT_EQ_INT(db_int(api_fmt("SELECT count(*) FROM patient WHERE name = 'Sara Svensson'")), 1);
    ASSERT_EQ_INT(db_int(api_fmt("SELECT count(*) FROM episode WHERE patient_id = %lld", patient)),
                  2);
    ASSERT_EQ_INT(db_int(api_fmt("SELECT count(*) FROM invitation WHERE patient_id = %lld AND "
                                 "instruments = 'phq9,gad7'",
                                 patient)),
                  1);
    test_http_client_release(&c);
}

/* Refused self-referrals store nothing: the page again (422) with the message first and at the
 * field, the values kept; or 403 without the form's token. */
static void self_referral_errors(void)
{
    char before[TEST_DB_FINGERPRINT_SIZE], after[TEST_DB_FINGERPRINT_SIZE];
    struct test_http_client c;
    test_http_client_init(&c, &W.server);
    test_db_fingerprint(W.server.db_path, before, sizeof(before));

    /* A personnummer with its check digit (the last one) off by one. */
    char dashed[14], digits[13];
    api_pnr(502, dashed, digits);
    dashed[12] = dashed[12] == '9' ? '0' : (char)(dashed[12] + 1);
    struct test_http_response res =
        submit(&c, "/egen-anmalan", "/egen-anmalan", referral_fields(dashed, "Sara+Svensson", ""));
    expect_html(&res, 422);
    ASSERT_CONTAINS(res.body, "<title>Fel: Sök hjälp för oro, nedstämdhet eller stress – "
                              "Stegvis</title>");
    const char *message = "Skriv ditt personnummer med 12 siffror, till exempel ÅÅÅÅMMDD-NNNN.";
    ASSERT_CONTAINS(res.body, api_fmt("<li><a href=\"#f-pnr\">%s</a></li>", message));
    ASSERT_CONTAINS(res.body, api_fmt("<p class=\"error-message\" id=\"f-pnr-error\"><span "
                                      "class=\"visually-hidden\">Fel: </span>%s</p>",
                                      message));
    ASSERT_CONTAINS(res.body, "aria-describedby=\"f-pnr-hint f-pnr-error\" aria-invalid=\"true\"");
    ASSERT_CONTAINS(res.body, api_fmt("value=\"%s\"", dashed));
    ASSERT_CONTAINS(res.body, "value=\"Sara Svensson\"");
    ASSERT_CONTAINS(res.body, "<option value=\"GOTTSUNDA\" selected>");
    ASSERT_CONTAINS(res.body, ">Nedstämd och orolig</textarea>");
    /* the summary comes before the heading */
    ASSERT_TRUE(strstr(res.body, "class=\"error-summary\"") < strstr(res.body, "<h1>"));
    test_http_response_free(&res);

    /* No contact, no unit, a unit outside primary care: each named at its field. */
    res = submit(
        &c, "/egen-anmalan", "/egen-anmalan",
        api_fmt("name=Sara&pnr=%s&municipality_code=0380&unit_code=GOTTSUNDA&problem=x", digits));
    expect_html(&res, 422);
    ASSERT_CONTAINS(res.body, "<li><a href=\"#f-contact\">Skriv ett mobilnummer eller en "
                              "e-postadress så att vi kan kontakta dig.</a></li>");
    test_http_response_free(&res);
    res = submit(&c, "/egen-anmalan", "/egen-anmalan",
                 api_fmt("name=Sara&pnr=%s&contact=x&municipality_code=0380&unit_code=NOPE&"
                         "problem=x",
                         digits));
    expect_html(&res, 422);
    ASSERT_CONTAINS(res.body, "<li><a href=\"#f-unit_code\">Välj var du vill få hjälp.</a></li>");
    test_http_response_free(&res);
    res = submit(&c, "/egen-anmalan", "/egen-anmalan",
                 api_fmt("name=Sara&pnr=%s&contact=x&municipality_code=0380&unit_code=GOTTSUNDA&"
                         "problem=+++",
                         digits));
    expect_html(&res, 422);
    ASSERT_CONTAINS(res.body, "<li><a href=\"#f-problem\">");
    test_http_response_free(&res);

    /* Without the form's token, or with a token that is not the browser's: 403. */
    res = test_http_request(&c, "POST", "/egen-anmalan", FORM_TYPE,
                            referral_fields(digits, "Sara", ""), NULL);
    expect_html(&res, 403);
    ASSERT_CONTAINS(res.body, "Formuläret har gått ut");
    test_http_response_free(&res);
    struct test_http_client other;
    test_http_client_init(&other, &W.server);
    res = page(&other, "/egen-anmalan", 200);
    char *body = strdup(api_fmt("csrf=%s&%s", csrf_field(&res), referral_fields(digits, "S", "")));
    test_http_response_free(&res);
    res = test_http_request(&c, "POST", "/egen-anmalan", FORM_TYPE, body, NULL);
    free(body);
    expect_html(&res, 403);
    test_http_response_free(&res);
    test_http_client_release(&other);

    test_db_fingerprint(W.server.db_path, after, sizeof(after));
    ASSERT_STR_EQ(after, before);
    ASSERT_EQ_INT(db_int(api_fmt("SELECT count(*) FROM patient WHERE pnr = '%s'", digits)), 0);
    test_http_client_release(&c);
}

/* ---- questionnaires through a link --------------------------------------------------------- */

static void invitation_from_the_clinic(void)
{
    api_patient_with_episode(anna, 503, &F.patient, &F.episode);
    struct test_http_response res =
        test_http_send_json(anna, "POST", "/api/v1/invitations",
                            api_fmt("{\"patient_id\":%lld,\"episode_id\":%lld,\"instruments\":"
                                    "[\"phq9\",\"gad7\",\"wsas\"]}",
                                    F.patient, F.episode));
    EXPECT_STATUS(res, 201);
    snprintf(F.token, sizeof(F.token), "%s", api_str(&res, "token"));
    test_http_response_free(&res);
}

static const char *link_path(const char *suffix)
{
    return api_fmt("/i/%s%s", F.token, suffix);
}

/* One fieldset per item, a large radio button per option, and where the definition says so
 * the "not applicable" answer (WSAS item 1) and the optional item (PHQ-9 item 10). */
static void questionnaire_pages_render(void)
{
    struct test_http_response res = page(&W.anonymous, link_path("/1"), 200);
    ASSERT_CONTAINS(res.body, "<p class=\"progress\">Formulär 1 av 3</p>\n<h1>PHQ-9 – frågor om "
                              "nedstämdhet</h1>");
    ASSERT_EQ_INT(occurrences(res.body, "<fieldset"), 10);
    ASSERT_EQ_INT(occurrences(res.body, "<legend>"), 10);
    ASSERT_EQ_INT(occurrences(res.body, "type=\"radio\""), 40); /* 10 items x 4 options */
    ASSERT_EQ_INT(occurrences(res.body, "<div class=\"radio-large\">"), 40);
    ASSERT_CONTAINS(res.body, "<div class=\"radio-large\"><input type=\"radio\" id=\"q-9-1\" "
                              "name=\"q-9\" value=\"1\"><label for=\"q-9-1\">Flera "
                              "dagar</label></div>");
    ASSERT_CONTAINS(res.body, "förorsakat dig på arbetet, eller för att ta hand om sysslor hemma, "
                              "eller i kontakten med andra människor? <span "
                              "class=\"hint\">(valfritt)</span></legend>");
    ASSERT_NOT_CONTAINS(res.body, " checked");
    ASSERT_NOT_CONTAINS(res.body, "help-now-list"); /* nothing risky answered yet */
    ASSERT_CONTAINS(res.body, api_fmt("<a href=\"/i/%s\">Tillbaka</a>", F.token));
    ASSERT_CONTAINS(res.body, ">Spara och fortsätt</button>");
    test_http_response_free(&res);

    res = page(&W.anonymous, link_path("/2"), 200);
    ASSERT_CONTAINS(res.body, "Formulär 2 av 3");
    ASSERT_EQ_INT(occurrences(res.body, "<fieldset"), 7);
    ASSERT_EQ_INT(occurrences(res.body, "type=\"radio\""), 28);
    test_http_response_free(&res);

    res = page(&W.anonymous, link_path("/3"), 200);
    ASSERT_CONTAINS(res.body, "Formulär 3 av 3");
    ASSERT_EQ_INT(occurrences(res.body, "<fieldset"), 5);
    ASSERT_EQ_INT(occurrences(res.body, "type=\"radio\""), 5 * 9 + 1);
    ASSERT_CONTAINS(res.body,
                    "id=\"q-1-na\" name=\"q-1\" value=\"na\"><label for=\"q-1-na\">Gäller "
                    "inte mig");
    ASSERT_EQ_INT(occurrences(res.body, "value=\"na\""), 1);
    ASSERT_CONTAINS(res.body, ">Skicka in svaren</button>");
    test_http_response_free(&res);

    /* WHO-5 shows its © notice in small print (its definition asks for it). */
    res = test_http_send_json(anna, "POST", "/api/v1/invitations",
                              api_fmt("{\"patient_id\":%lld,\"episode_id\":%lld,\"instruments\":"
                                      "[\"who5\"]}",
                                      F.patient, F.episode));
    EXPECT_STATUS(res, 201);
    char *who5 = strdup(api_fmt("/i/%s/1", api_str(&res, "token")));
    test_http_response_free(&res);
    res = page(&W.anonymous, who5, 200);
    ASSERT_CONTAINS(res.body, "<p class=\"muted small\">© World Health Organization 1998");
    ASSERT_EQ_INT(occurrences(res.body, "type=\"radio\""), 5 * 6);
    test_http_response_free(&res);
    free(who5);

    res = page(&W.anonymous, link_path("/4"), 404);
    test_http_response_free(&res);
    res = page(&W.anonymous, link_path("/0"), 404);
    test_http_response_free(&res);
    res = page(&W.anonymous, "/i/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
               404);
    test_http_response_free(&res);
}

/* PHQ-9 with item 9 = "Flera dagar" (position 1): stored at once with the risk flag, before the
 * patient goes on; the next page starts with the help-now box. */
static void risk_answer_is_stored_at_once(void)
{
    /* 0+0+0+0+0+0+0+0+1 = 1: none or minimal (0-4); item 9 >= 1 raises the risk flag */
    const int phq9[9] = { 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    struct test_http_client *c = &W.anonymous;
    struct test_http_response res = submit(c, link_path("/1"), link_path("/1"), answers(phq9, 9));
    expect_see_other(&res, link_path("/2"));
    test_http_response_free(&res);
    ASSERT_EQ_INT(db_int(api_fmt("SELECT count(*) FROM response WHERE patient_id = %lld AND "
                                 "episode_id = %lld AND instrument = 'phq9' AND total = 1 AND "
                                 "band = 'none_minimal' AND (flags & 1) = 1 AND channel = "
                                 "'portal' AND answers = '[0,0,0,0,0,0,0,0,1]' AND "
                                 "invitation_hash IS NOT NULL",
                                 F.patient, F.episode)),
                  1);
    ASSERT_EQ_INT(db_int(api_fmt("SELECT count(*) FROM audit WHERE actor = 'invitation' AND "
                                 "action = 'response.create' AND patient_id = %lld",
                                 F.patient)),
                  1);
    /* The clinic sees the flag now: the triage queue puts the patient first. */
    res = test_http_get(anna, "/api/v1/triage");
    EXPECT_STATUS(res, 200);
    ASSERT_EQ_INT(api_int(&res, "triage/0/patient_id"), F.patient);
    ASSERT_EQ_INT(api_bool(&res, "triage/0/unresolved_risk"), 1);
    test_http_response_free(&res);
    ASSERT_EQ_INT(db_int(api_fmt("SELECT used_at FROM invitation WHERE patient_id = %lld AND "
                                 "instruments = 'phq9,gad7,wsas'",
                                 F.patient)),
                  0);

    res = page(c, link_path("/2"), 200);
    const char *box = strstr(res.body, "<section class=\"help-now\" role=\"alert\"");
    ASSERT_TRUE(box != NULL);
    ASSERT_TRUE(box < strstr(res.body, "<h1>"));
    ASSERT_TRUE(box < strstr(res.body, "<p class=\"progress\">Formulär 2 av 3"));
    ASSERT_TRUE(box == strstr(res.body, "<main id=\"main\" class=\"main\" tabindex=\"-1\">\n") +
                           strlen("<main id=\"main\" class=\"main\" tabindex=\"-1\">\n"));
    ASSERT_CONTAINS(res.body, "href=\"tel:112\"");
    ASSERT_CONTAINS(res.body, "href=\"tel:90101\"");
    ASSERT_CONTAINS(res.body, "href=\"tel:1177\"");
    test_http_response_free(&res);
}

/* Going back shows the saved answers checked; sending again replaces them. */
static void going_back_keeps_the_answers(void)
{
    struct test_http_response res = page(&W.anonymous, link_path("/1"), 200);
    ASSERT_EQ_INT(occurrences(res.body, " checked>"), 9);
    ASSERT_CONTAINS(res.body, "id=\"q-9-1\" name=\"q-9\" value=\"1\" checked>");
    ASSERT_CONTAINS(res.body, "id=\"q-1-0\" name=\"q-1\" value=\"0\" checked>");
    test_http_response_free(&res);

    /* Items 1-9 = 1 and item 10 answered (position 2): total 9, mild (5-9); one row still. */
    res = submit(&W.anonymous, link_path("/1"), link_path("/1"),
                 "q-1=1&q-2=1&q-3=1&q-4=1&q-5=1&q-6=1&q-7=1&q-8=1&q-9=1&q-10=2");
    expect_see_other(&res, link_path("/2"));
    test_http_response_free(&res);
    ASSERT_EQ_INT(
        db_int(api_fmt("SELECT count(*) FROM response WHERE patient_id = %lld", F.patient)), 1);
    ASSERT_EQ_INT(db_int(api_fmt("SELECT total FROM response WHERE patient_id = %lld AND "
                                 "instrument = 'phq9' AND band = 'mild' AND answers = "
                                 "'[1,1,1,1,1,1,1,1,1,2]'",
                                 F.patient)),
                  9);
    res = page(&W.anonymous, link_path("/1"), 200);
    ASSERT_EQ_INT(occurrences(res.body, " checked>"), 10);
    test_http_response_free(&res);
}

/* Unanswered items: the page again with a summary linking to each, nothing stored. */
static void unanswered_items_are_named(void)
{
    char before[TEST_DB_FINGERPRINT_SIZE], after[TEST_DB_FINGERPRINT_SIZE];
    test_db_fingerprint(W.server.db_path, before, sizeof(before));
    struct test_http_response res =
        submit(&W.anonymous, link_path("/2"), link_path("/2"), "q-1=2&q-3=7");
    expect_html(&res, 422);
    ASSERT_EQ_INT(occurrences(res.body, "<li><a href=\"#q-"), 6); /* 2-7; 7 is no option of 3 */
    ASSERT_CONTAINS(res.body, "<li><a href=\"#q-2-0\">Välj ett svar på fråga 2.</a></li>");
    ASSERT_CONTAINS(res.body, "<li><a href=\"#q-3-0\">Välj ett svar på fråga 3.</a></li>");
    ASSERT_CONTAINS(res.body, "id=\"q-1-2\" name=\"q-1\" value=\"2\" checked>");
    ASSERT_CONTAINS(res.body, "<fieldset class=\"question field-has-error\" id=\"q-2\" "
                              "aria-describedby=\"q-2-error\">");
    ASSERT_TRUE(strstr(res.body, "class=\"help-now\"") <
                strstr(res.body, "class=\"error-summary\""));
    test_http_response_free(&res);
    test_db_fingerprint(W.server.db_path, after, sizeof(after));
    ASSERT_STR_EQ(after, before);

    /* without the form's token: 403, nothing stored */
    res = test_http_request(&W.anonymous, "POST", link_path("/2"), FORM_TYPE,
                            "q-1=0&q-2=0&q-3=0&q-4=0&q-5=0&q-6=0&q-7=0", NULL);
    expect_html(&res, 403);
    test_http_response_free(&res);
    test_db_fingerprint(W.server.db_path, after, sizeof(after));
    ASSERT_STR_EQ(after, before);
}

/* The confirmation finishes the invitation only once everything is answered; then no more
 * changes (410), and the link leads to the confirmation. */
static void confirmation_finishes(void)
{
    struct test_http_response res = test_http_get(&W.anonymous, link_path("/klart"));
    expect_see_other(&res, link_path("/2")); /* GAD-7 is not answered yet */
    test_http_response_free(&res);

    /* GAD-7 2+1+1+0+0+1+1 = 6: mild (5-9) */
    const int gad7[7] = { 2, 1, 1, 0, 0, 1, 1 };
    res = submit(&W.anonymous, link_path("/2"), link_path("/2"), answers(gad7, 7));
    expect_see_other(&res, link_path("/3"));
    test_http_response_free(&res);
    /* WSAS item 1 not applicable, the others 2+4+0+8 = 14: total out of 32 */
    res = submit(&W.anonymous, link_path("/3"), link_path("/3"), "q-1=na&q-2=2&q-3=4&q-4=0&q-5=8");
    expect_see_other(&res, link_path("/klart"));
    test_http_response_free(&res);
    ASSERT_EQ_INT(db_int(api_fmt("SELECT total FROM response WHERE patient_id = %lld AND "
                                 "instrument = 'wsas' AND answers = '[\"na\",2,4,0,8]'",
                                 F.patient)),
                  14);
    ASSERT_EQ_INT(db_int(api_fmt("SELECT used_at FROM invitation WHERE patient_id = %lld AND "
                                 "instruments = 'phq9,gad7,wsas'",
                                 F.patient)),
                  0);

    res = page(&W.anonymous, link_path("/klart"), 200);
    ASSERT_TRUE(strstr(res.body, "role=\"alert\"") < strstr(res.body, "<h1>")); /* risk answer */
    ASSERT_CONTAINS(res.body, "<h1>Tack! Dina svar är skickade</h1>");
    ASSERT_CONTAINS(res.body, "En behandlare på Gottsunda vårdcentral läser dina svar och "
                              "kontaktar dig inom 3 dagar.");
    ASSERT_CONTAINS(res.body, api_fmt("href=\"/i/%s/plan\">Min plan</a>", F.token));
    test_http_response_free(&res);
    ASSERT_TRUE(db_int(api_fmt("SELECT used_at FROM invitation WHERE patient_id = %lld AND "
                               "instruments = 'phq9,gad7,wsas'",
                               F.patient)) > 0);
    ASSERT_EQ_INT(db_int(api_fmt("SELECT count(*) FROM audit WHERE actor = 'invitation' AND "
                                 "action = 'invitation.finish' AND patient_id = %lld",
                                 F.patient)),
                  1);
    /* a reload shows it again without finishing twice */
    res = page(&W.anonymous, link_path("/klart"), 200);
    test_http_response_free(&res);
    ASSERT_EQ_INT(db_int("SELECT count(*) FROM audit WHERE action = 'invitation.finish'"), 1);

    /* Later: sending is gone (410, nothing changes), pages lead to the confirmation. */
    char before[TEST_DB_FINGERPRINT_SIZE], after[TEST_DB_FINGERPRINT_SIZE];
    test_db_fingerprint(W.server.db_path, before, sizeof(before));
    res = page(&W.anonymous, "/egen-anmalan", 200); /* any page gives the browser its token */
    char *body =
        strdup(api_fmt("csrf=%s&q-1=0&q-2=0&q-3=0&q-4=0&q-5=0&q-6=0&q-7=0", csrf_field(&res)));
    test_http_response_free(&res);
    res = test_http_request(&W.anonymous, "POST", link_path("/2"), FORM_TYPE, body, NULL);
    free(body);
    expect_html(&res, 410);
    ASSERT_CONTAINS(res.body, "Länken gäller inte längre");
    test_http_response_free(&res);
    test_db_fingerprint(W.server.db_path, after, sizeof(after));
    ASSERT_STR_EQ(after, before);
    res = test_http_get(&W.anonymous, link_path("/1"));
    expect_see_other(&res, link_path("/klart"));
    test_http_response_free(&res);
    res = test_http_get(&W.anonymous, link_path(""));
    expect_see_other(&res, link_path("/klart"));
    test_http_response_free(&res);
    /* the JSON API agrees */
    res = test_http_get(&W.anonymous, api_fmt("/api/v1/invitations/%s", F.token));
    EXPECT_STATUS(res, 410);
    test_http_response_free(&res);
}

/* Once the link has expired, every page of it is gone, the plan too. */
static void expired_link_is_gone(void)
{
    ASSERT_EQ_INT(testdb_exec(W.server.db_path,
                              api_fmt("UPDATE invitation SET expires_at = %lld WHERE patient_id = "
                                      "%lld",
                                      (long long)time(NULL) - 1, F.patient),
                              NULL, 0),
                  0);
    const char *const suffixes[] = { "", "/1", "/klart", "/plan" };
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        struct test_http_response res = page(&W.anonymous, link_path(suffixes[i]), 410);
        ASSERT_CONTAINS(res.body, "<h1>Länken gäller inte längre</h1>");
        test_http_response_free(&res);
    }
}

int main(void)
{
    api_world_start(&W);
    api_world_login_all(&W);
    anna = &W.client[ACTOR_CLIN];

    RUN_TEST(self_referral_page);
    RUN_TEST(self_referral_creates_everything);
    RUN_TEST(self_referral_errors);
    RUN_TEST(invitation_from_the_clinic);
    RUN_TEST(questionnaire_pages_render);
    RUN_TEST(risk_answer_is_stored_at_once);
    RUN_TEST(going_back_keeps_the_answers);
    RUN_TEST(unanswered_items_are_named);
    RUN_TEST(confirmation_finishes);
    RUN_TEST(expired_link_is_gone);
    api_world_stop(&W);
    TEST_SUMMARY();
}
