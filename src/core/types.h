/* types.h - small value types shared by every core module: sex, language, tri-state. */
#ifndef STEGVIS_CORE_TYPES_H
#define STEGVIS_CORE_TYPES_H

#include <string.h>

/* Legal sex as registered (from the personnummer); used only for sex-specific cut-offs. */
enum sex { SEX_UNKNOWN = 0, SEX_FEMALE = 1, SEX_MALE = 2 };
#define SEX_COUNT 3

/* User-interface languages. Swedish is the default. */
enum lang { LANG_SV = 0, LANG_EN = 1 };
#define LANG_COUNT 2

/* A yes/no that may be "not applicable" (JSON null), e.g. recovery when not at caseness. */
enum tri { TRI_NULL = -1, TRI_FALSE = 0, TRI_TRUE = 1 };

static inline const char *sex_name(enum sex sex)
{
    return sex == SEX_FEMALE ? "female" : sex == SEX_MALE ? "male" : "unknown";
}

/* "female"/"f"/"kvinna" and "male"/"m"/"man"; anything else is -1. */
static inline int sex_parse(const char *s, enum sex *out)
{
    if (strcmp(s, "female") == 0 || strcmp(s, "f") == 0 || strcmp(s, "kvinna") == 0)
        *out = SEX_FEMALE;
    else if (strcmp(s, "male") == 0 || strcmp(s, "m") == 0 || strcmp(s, "man") == 0)
        *out = SEX_MALE;
    else if (strcmp(s, "unknown") == 0)
        *out = SEX_UNKNOWN;
    else
        return -1;
    return 0;
}

static inline const char *lang_code(enum lang lang)
{
    return lang == LANG_EN ? "en" : "sv";
}

/* "sv" or "en" (a region suffix such as "en-GB" is accepted); anything else is -1. */
static inline int lang_parse(const char *s, enum lang *out)
{
    if (strncmp(s, "sv", 2) == 0 && (s[2] == '\0' || s[2] == '-' || s[2] == '_'))
        *out = LANG_SV;
    else if (strncmp(s, "en", 2) == 0 && (s[2] == '\0' || s[2] == '-' || s[2] == '_'))
        *out = LANG_EN;
    else
        return -1;
    return 0;
}

#endif
