/* test_jsonw.c - the JSON text writer: exact text for nesting, escapes and numbers, and the
 * failures (bad UTF-8, misplaced keys, unbalanced nesting) that must never produce broken JSON. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"

#include "testing.h"

/* The writer's text, compared and freed; NULL expected means the writer must have failed. */
static void assert_text(struct jsonw *w, const char *want)
{
    size_t len = 0;
    char *got = jsonw_take(w, &len);
    if (want == NULL) {
        ASSERT_TRUE(got == NULL);
        return;
    }
    ASSERT_TRUE(got != NULL);
    ASSERT_STR_EQ(got, want);
    ASSERT_EQ_INT((long long)len, (long long)strlen(want));
    free(got);
}

static void test_nesting_and_commas(void)
{
    struct jsonw w;
    jsonw_init(&w);
    jsonw_object_open(&w);
    jsonw_kint(&w, "id", 7);
    jsonw_key(&w, "list");
    jsonw_array_open(&w);
    jsonw_int(&w, 1);
    jsonw_null(&w);
    jsonw_object_open(&w);
    jsonw_object_close(&w);
    jsonw_array_open(&w);
    jsonw_array_close(&w);
    jsonw_bool(&w, false);
    jsonw_array_close(&w);
    jsonw_kbool(&w, "ok", true);
    jsonw_knull(&w, "none");
    jsonw_kstring(&w, "s", NULL);
    jsonw_object_close(&w);
    assert_text(&w,
                "{\"id\":7,\"list\":[1,null,{},[],false],\"ok\":true,\"none\":null,\"s\":null}");
}

static void test_integers(void)
{
    struct jsonw w;
    jsonw_init(&w);
    jsonw_array_open(&w);
    jsonw_int(&w, 0);
    jsonw_int(&w, -5);
    jsonw_int(&w, 1234567890123LL);
    jsonw_int(&w, LLONG_MAX);
    jsonw_int(&w, LLONG_MIN);
    jsonw_array_close(&w);
    assert_text(&w, "[0,-5,1234567890123,9223372036854775807,-9223372036854775808]");
}

static void test_string_escapes(void)
{
    struct jsonw w;
    jsonw_init(&w);
    jsonw_array_open(&w);
    jsonw_string(&w, "a\"b\\c/d");
    jsonw_string(&w, "\n\r\t\b\f\x01\x1f");
    /* UTF-8 is written as it is: å (2 bytes), € (3), U+1F600 (4) */
    jsonw_string(&w, "\xc3\xa5 \xe2\x82\xac \xf0\x9f\x98\x80");
    jsonw_string(&w, "");
    jsonw_array_close(&w);
    assert_text(&w, "[\"a\\\"b\\\\c/d\",\"\\n\\r\\t\\b\\f\\u0001\\u001f\",\"\xc3\xa5 \xe2\x82\xac "
                    "\xf0\x9f\x98\x80\",\"\"]");
}

/* Each of these is not UTF-8 (RFC 3629): the writer fails instead of writing it. */
static void test_invalid_utf8_fails(void)
{
    static const char *const bad[] = {
        "\xc3",             /* truncated two-byte sequence */
        "\xc0\xaf",         /* overlong '/' */
        "\xe0\x80\xaf",     /* overlong three-byte */
        "\xed\xa0\x80",     /* UTF-16 surrogate U+D800 */
        "\xf4\x90\x80\x80", /* above U+10FFFF */
        "\xff",             /* never valid */
        "a\x80",            /* lone continuation byte */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct jsonw w;
        jsonw_init(&w);
        jsonw_object_open(&w);
        jsonw_kstring(&w, "name", bad[i]);
        jsonw_object_close(&w);
        ASSERT_TRUE(jsonw_failed(&w));
        assert_text(&w, NULL);
    }
}

static void test_misuse_fails(void)
{
    struct jsonw w;
    jsonw_init(&w); /* a value inside an object without a key */
    jsonw_object_open(&w);
    jsonw_int(&w, 1);
    jsonw_object_close(&w);
    assert_text(&w, NULL);

    jsonw_init(&w); /* a key inside an array */
    jsonw_array_open(&w);
    jsonw_key(&w, "k");
    jsonw_array_close(&w);
    assert_text(&w, NULL);

    jsonw_init(&w); /* a key without its value */
    jsonw_object_open(&w);
    jsonw_key(&w, "k");
    jsonw_object_close(&w);
    assert_text(&w, NULL);

    jsonw_init(&w); /* still open */
    jsonw_array_open(&w);
    assert_text(&w, NULL);

    jsonw_init(&w); /* closing what is not open */
    jsonw_array_open(&w);
    jsonw_object_close(&w);
    assert_text(&w, NULL);

    jsonw_init(&w); /* two values at the top level */
    jsonw_int(&w, 1);
    jsonw_int(&w, 2);
    assert_text(&w, NULL);

    jsonw_init(&w); /* nothing written */
    assert_text(&w, NULL);
}

static void test_depth_limit(void)
{
    struct jsonw w;
    jsonw_init(&w);
    for (int i = 0; i < JSONW_MAX_DEPTH; i++)
        jsonw_array_open(&w);
    ASSERT_TRUE(!jsonw_failed(&w));
    jsonw_array_open(&w); /* one deeper than allowed */
    ASSERT_TRUE(jsonw_failed(&w));
    jsonw_release(&w);
}

static void test_raw_and_jansson_values(void)
{
    struct jsonw w;
    jsonw_init(&w);
    jsonw_object_open(&w);
    jsonw_key(&w, "answers");
    jsonw_raw(&w, "[1,null,\"na\"]", 13);
    json_t *value = json_pack("{s:i}", "x", 3);
    jsonw_key(&w, "tree");
    jsonw_json(&w, value);
    json_decref(value);
    jsonw_object_close(&w);
    assert_text(&w, "{\"answers\":[1,null,\"na\"],\"tree\":{\"x\":3}}");
}

/* A text longer than the first buffer: every element present, in order. */
static void test_growth(void)
{
    struct jsonw w;
    jsonw_init(&w);
    jsonw_array_open(&w);
    for (int i = 0; i < 5000; i++)
        jsonw_int(&w, i);
    jsonw_array_close(&w);
    size_t len = 0;
    char *text = jsonw_take(&w, &len);
    ASSERT_TRUE(text != NULL);
    json_t *parsed = json_loads(text, 0, NULL);
    ASSERT_TRUE(parsed != NULL);
    ASSERT_EQ_INT((long long)json_array_size(parsed), 5000);
    ASSERT_EQ_INT(json_integer_value(json_array_get(parsed, 4999)), 4999);
    /* 10 one-digit + 90 two-digit + 900 three-digit + 4000 four-digit numbers, 4999 commas,
     * 2 brackets */
    ASSERT_EQ_INT((long long)len, 10 + 180 + 2700 + 16000 + 4999 + 2);
    json_decref(parsed);
    free(text);
}

int main(void)
{
    RUN_TEST(test_nesting_and_commas);
    RUN_TEST(test_integers);
    RUN_TEST(test_string_escapes);
    RUN_TEST(test_invalid_utf8_fails);
    RUN_TEST(test_misuse_fails);
    RUN_TEST(test_depth_limit);
    RUN_TEST(test_raw_and_jansson_values);
    RUN_TEST(test_growth);
    TEST_SUMMARY();
}
