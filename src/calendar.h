/* The working-day calendar behind every promised date (限时办结, counted in
 * working days) and every sign-for clock (counted in working hours).
 *
 * A working day is Monday to Friday, minus the public holidays of the year's
 * [off] section, plus the make-up working days (调休上班) of its [work]
 * section. The days come from one file per year, YEAR.ini, in the holidays
 * directory; a year without a file is unknown, and anything counted into it
 * is an error rather than a guess.
 *
 * Dates are civil dates with no time zone: the arithmetic is on day numbers
 * (days since 1970-01-01), so it never depends on TZ. Only the time_t entry
 * point of the working-hours clock reads the local time zone. */
#ifndef CD_CALENDAR_H
#define CD_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "error.h"

struct cd_date {
	int y, m, d;
};

/* Whether y-m-d exists in the (proleptic Gregorian) calendar, years 1..9999. */
bool cd_date_valid(int y, int m, int d);
/* Days since 1970-01-01 (negative before); the date must be valid. */
long cd_date_to_days(struct cd_date date);
struct cd_date cd_date_from_days(long days);
/* ISO weekday: 1 Monday .. 7 Sunday. */
int cd_date_weekday(struct cd_date date);
/* Strictly YYYY-MM-DD and a real date: 0, else -1. */
int cd_date_parse(const char *text, struct cd_date *out);
/* "YYYY-MM-DD"; buf must hold CD_DATE_LEN bytes. */
#define CD_DATE_LEN 11
const char *cd_date_format(struct cd_date date, char buf[CD_DATE_LEN]);

struct cd_calendar; /* opaque: the days of every loaded year */

/* Loads every YEAR.ini in dir (other files are ignored; an *.ini not named
 * after a four-digit year is an error). Each file is checked whole:
 * sections [off] and [work] only, every value a date YYYY-MM-DD or a range
 * YYYY-MM-DD..YYYY-MM-DD (first <= last, at most 31 days) inside the file's
 * year, every name used once, [work] days only on a Saturday or Sunday, no day
 * both off and work, and [off] not empty. On error returns -1, *out is NULL
 * and err holds one translated line naming the file, section and name. */
int cd_calendar_load_dir(const char *dir, struct cd_calendar **out, char *err, size_t errlen);
void cd_calendar_free(struct cd_calendar **cal);

/* Whether the file for year y was loaded. */
bool cd_calendar_covers(const struct cd_calendar *cal, int y);

/* Monday to Friday minus [off] plus [work]. Invalid dates are not working
 * days. In a year the calendar does not cover the answer is by weekday alone:
 * check cd_calendar_covers when it matters, or use the counting functions
 * below, which refuse. */
bool cd_is_working_day(const struct cd_calendar *cal, int y, int m, int d);

/* The promised date: the n-th working day after start (n >= 0; n == 0 gives
 * start). With count_start_day, a start that is a working day is day 1 (local
 * rule, per item); a start that is not a working day never counts. Every day
 * examined must be in a covered year: otherwise returns -1 with a
 * CD_ERR_CONFIG error naming the missing YEAR.ini. err may be NULL. */
int cd_add_working_days(const struct cd_calendar *cal, struct cd_date start, int n,
			bool count_start_day, struct cd_date *out, struct cd_error *err);

/* Working days in (a, b]: how many working days after a up to and including
 * b; negative when b is before a (the days in (b, a]). So for a working day b,
 * cd_add_working_days(a, n, false) == b exactly when n is this count.
 * Same coverage rule and errors as cd_add_working_days. */
int cd_working_days_between(const struct cd_calendar *cal, struct cd_date a, struct cd_date b,
			    int *out, struct cd_error *err);

/* Office hours of a working day, in minutes after midnight: start to
 * lunch_start and lunch_end to end. lunch_start == lunch_end means no lunch
 * break. Valid when 0 <= start < lunch_start <= lunch_end < end <= 1440. */
struct cd_work_hours {
	int start, lunch_start, lunch_end, end;
};
/* 09:00-12:00 and 13:30-17:30. */
#define CD_WORK_HOURS_DEFAULT ((struct cd_work_hours){ 9 * 60, 12 * 60, 13 * 60 + 30, 17 * 60 + 30 })

bool cd_work_hours_valid(const struct cd_work_hours *wh);
/* "09:00-12:00,13:30-17:30" or, without a lunch break, "09:00-17:00".
 * Returns 0, or -1 when the text is malformed or the hours are not valid. */
int cd_work_hours_parse(const char *text, struct cd_work_hours *out);

/* A local wall-clock time: a date and seconds since its midnight. */
struct cd_datetime {
	struct cd_date date;
	int sec; /* 0..86399 */
};

/* Adds minutes of office time to a wall-clock time (no time zone involved).
 * Time before opening, in the lunch break, after closing or on a day that is
 * not a working day does not count; the clock resumes at the next opening.
 * A result that falls exactly on a closing time (12:00, 17:30) stays there.
 * minutes >= 0; wh NULL means CD_WORK_HOURS_DEFAULT. Errors as for
 * cd_add_working_days, plus CD_ERR_INVALID for bad arguments. */
int cd_add_working_minutes(const struct cd_calendar *cal, struct cd_datetime start, long minutes,
			   const struct cd_work_hours *wh, struct cd_datetime *out,
			   struct cd_error *err);

/* The sign-for clock (e.g. 2 working hours): start and *out are time_t read
 * and written in the local time zone (localtime_r / mktime); the counting is
 * cd_add_working_minutes. */
int cd_add_working_hours(const struct cd_calendar *cal, time_t start, int hours,
			 const struct cd_work_hours *wh, time_t *out, struct cd_error *err);

#endif
