/* date.c - civil dates: libc's timegm() normalises and counts days; splitting a day count into a
 * date is plain arithmetic (date_from_days). */
#include "date.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Years 1-9999 are about +-2.9 million days from 1970 in seconds: too much for a 32-bit time_t. */
_Static_assert(sizeof(time_t) >= 8, "date.c needs a 64-bit time_t");

#define SECONDS_PER_DAY 86400L
/* Far outside years 1-9999 but small enough that days * 86400 and tm_year cannot overflow. */
#define DAYS_LIMIT 1000000000L

static const char *const month_names[12] = { "January",   "February", "March",    "April",
                                             "May",       "June",     "July",     "August",
                                             "September", "October",  "November", "December" };

bool date_valid(int year, int month, int day)
{
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31)
        return false;
    /* timegm normalises out-of-range fields in place: 30 February comes back as 2 March. */
    struct tm tm = { 0 };
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    (void)timegm(&tm);
    return tm.tm_mon == month - 1 && tm.tm_mday == day;
}

static int date_days_in_month(int year, int month)
{
    int day = 31;
    while (day > 28 && !date_valid(year, month, day))
        day--;
    return day;
}

/* Value of the `count` decimal digits at `s`, or -1 if any of them is not a digit. */
static int date_digits(const char *s, int count)
{
    int value = 0;
    for (int i = 0; i < count; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        value = value * 10 + (s[i] - '0');
    }
    return value;
}

/* True when `iso` has the exact shape DDDD-DD-DD and nothing after it. */
static bool date_shape_ok(const char *iso)
{
    for (int i = 0; i < 10; i++) {
        bool ok = (i == 4 || i == 7) ? iso[i] == '-' : (iso[i] >= '0' && iso[i] <= '9');
        if (!ok)
            return false; /* also stops at a NUL before reading past it */
    }
    return iso[10] == '\0';
}

static enum err_code date_range_error(const char *iso, int year, int month, struct error *err)
{
    if (year < 1)
        return error_set(err, ERR_INVALID, "date", "invalid date \"%s\": year must be 0001-9999",
                         iso);
    if (month < 1 || month > 12)
        return error_set(err, ERR_INVALID, "date", "invalid date \"%s\": month must be 01-12", iso);
    return error_set(err, ERR_INVALID, "date", "invalid date \"%s\": day must be 01-%02d in %s %d",
                     iso, date_days_in_month(year, month), month_names[month - 1], year);
}

enum err_code date_parse(const char *iso, struct date *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    if (iso == NULL)
        return error_set(err, ERR_INVALID, "date", "date is missing");
    if (!date_shape_ok(iso))
        return error_set(err, ERR_INVALID, "date", "date must be YYYY-MM-DD, not \"%.40s\"", iso);
    int year = date_digits(iso, 4);
    int month = date_digits(iso + 5, 2);
    int day = date_digits(iso + 8, 2);
    if (!date_valid(year, month, day))
        return date_range_error(iso, year, month, err);
    out->year = year;
    out->month = month;
    out->day = day;
    return ERR_OK;
}

long date_to_days(struct date d)
{
    struct tm tm = { 0 };
    tm.tm_year = d.year - 1900;
    tm.tm_mon = d.month - 1;
    tm.tm_mday = d.day;
    /* Midnight UTC is a whole number of days, so the division is exact (also before 1970). */
    return (long)(timegm(&tm) / SECONDS_PER_DAY);
}

/* Days since 1970-01-01 to the proleptic Gregorian date, by Howard Hinnant's civil_from_days
 * (public domain; exact integer arithmetic over 400-year eras): the same answer as gmtime_r(),
 * without its time-zone lock, which every timestamp in an answer took. */
struct date date_from_days(long days)
{
    struct date d = { 0, 0, 0 };
    if (days < -DAYS_LIMIT || days > DAYS_LIMIT)
        return d;
    long z = days + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;                                      /* [0, 146096] */
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
    long mp = (5 * doy + 2) / 153;                                    /* [0, 11], from March */
    d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
    d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
    d.year = (int)(yoe + era * 400 + (d.month <= 2 ? 1 : 0));
    return d;
}

/* Write `value` as exactly `width` decimal digits (value is 0 <= value < 10^width). */
static void date_put_digits(char *out, int value, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        out[i] = (char)('0' + value % 10);
        value /= 10;
    }
}

void date_format(struct date d, char out[11])
{
    if (!date_valid(d.year, d.month, d.day))
        d = (struct date){ 0, 0, 0 };
    date_put_digits(out, d.year, 4);
    out[4] = '-';
    date_put_digits(out + 5, d.month, 2);
    out[7] = '-';
    date_put_digits(out + 8, d.day, 2);
    out[10] = '\0';
}

int date_age_years(struct date birth, struct date on)
{
    bool before_birthday =
        on.month < birth.month || (on.month == birth.month && on.day < birth.day);
    int age = on.year - birth.year - (before_birthday ? 1 : 0);
    return age < 0 ? -1 : age;
}

/* "HH:MM" or "HH:MM:SS" at `s`; returns characters used, or 0. */
static int parse_clock(const char *s, int *hour, int *minute, int *second)
{
    int used = 0;
    *second = 0;
    if (sscanf(s, "%2d:%2d%n", hour, minute, &used) != 2 || used != 5)
        return 0;
    if (s[5] == ':') {
        int more = 0;
        if (sscanf(s + 6, "%2d%n", second, &more) != 1 || more != 2)
            return 0;
        used = 8;
    }
    if (*hour > 23 || *minute > 59 || *second > 59)
        return 0;
    return used;
}

/* "Z", "+HH:MM" or "-HH:MM" exactly; sets the offset east of UTC in seconds. */
static int parse_offset(const char *s, long *offset_s)
{
    int hours, minutes, used = 0;
    if (strcmp(s, "Z") == 0) {
        *offset_s = 0;
        return 1;
    }
    if ((s[0] != '+' && s[0] != '-') || sscanf(s + 1, "%2d:%2d%n", &hours, &minutes, &used) != 2 ||
        used != 5 || s[6] != '\0' || hours > 23 || minutes > 59)
        return 0;
    *offset_s = (hours * 3600L + minutes * 60L) * (s[0] == '-' ? -1 : 1);
    return 1;
}

enum err_code datetime_parse(const char *iso, long long *epoch, struct error *err)
{
    *epoch = 0;
    char day_part[11];
    struct date d;
    int hour = 0, minute = 0, second = 0;
    long offset_s = 0;
    if (iso == NULL || strlen(iso) < 10)
        goto fail;
    memcpy(day_part, iso, 10);
    day_part[10] = '\0';
    if (date_parse(day_part, &d, NULL) != ERR_OK)
        goto fail;
    if (iso[10] != '\0') {
        int used = iso[10] == 'T' ? parse_clock(iso + 11, &hour, &minute, &second) : 0;
        if (used == 0 || !parse_offset(iso + 11 + used, &offset_s))
            goto fail;
    }
    *epoch =
        (long long)date_to_days(d) * 86400LL + hour * 3600LL + minute * 60LL + second - offset_s;
    return ERR_OK;
fail:
    return error_set(err, ERR_INVALID, "time",
                     "\"%.40s\" is not an ISO 8601 time (YYYY-MM-DDTHH:MM:SSZ or with an offset)",
                     iso ? iso : "");
}

/* The UTC day of an instant: floor division, also before 1970. */
static long long datetime_days(long long epoch)
{
    return epoch >= 0 ? epoch / 86400 : -((-epoch + 86399) / 86400);
}

struct date datetime_date(long long epoch)
{
    return date_from_days((long)datetime_days(epoch));
}

void datetime_format(long long epoch, char out[21])
{
    long long days = datetime_days(epoch);
    struct date d = date_from_days((long)days);
    long long rest = epoch - days * 86400LL; /* [0, 86399] */
    char day[11];
    date_format(d, day);
    memcpy(out, day, 10);
    out[10] = 'T';
    date_put_digits(out + 11, (int)(rest / 3600), 2);
    out[13] = ':';
    date_put_digits(out + 14, (int)(rest / 60 % 60), 2);
    out[16] = ':';
    date_put_digits(out + 17, (int)(rest % 60), 2);
    out[19] = 'Z';
    out[20] = '\0';
}
