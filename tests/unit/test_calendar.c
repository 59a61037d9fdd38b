/* The working-day calendar: the real config/holidays files, promised dates
 * counted in working days, sign-for clocks in working hours, and each broken
 * holiday file (tests/unit/calendar/) named exactly. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "calendar.h"

/* The repository: $COUNTERDESK_TOP (scripts/check.sh), else the current
 * directory (make and the runner work from the top). */
static const char *top(void)
{
	const char *env = getenv("COUNTERDESK_TOP");

	return env && *env ? env : ".";
}

static struct cd_calendar *cal;

static int load_real(void **state)
{
	char dir[PATH_MAX], err[512];
	(void)state;

	snprintf(dir, sizeof(dir), "%s/config/holidays", top());
	if (cd_calendar_load_dir(dir, &cal, err, sizeof(err)) < 0) {
		fprintf(stderr, "# cannot load the real calendar (run from the repository or set "
				"COUNTERDESK_TOP): %s\n", err);
		return -1;
	}
	return 0;
}

static int free_real(void **state)
{
	(void)state;
	cd_calendar_free(&cal);
	return 0;
}

static struct cd_date D(int y, int m, int d)
{
	return (struct cd_date){ y, m, d };
}

#define assert_date(got, y_, m_, d_)                                                       \
	do {                                                                               \
		char g_[CD_DATE_LEN], w_[CD_DATE_LEN];                                       \
		assert_string_equal(cd_date_format((got), g_), cd_date_format(D(y_, m_, d_), w_)); \
	} while (0)

/* Asserts the working-day status of every day from first to last. */
static void assert_range(struct cd_date first, struct cd_date last, bool working)
{
	for (long day = cd_date_to_days(first); day <= cd_date_to_days(last); day++) {
		struct cd_date dt = cd_date_from_days(day);
		char buf[CD_DATE_LEN];

		if (cd_is_working_day(cal, dt.y, dt.m, dt.d) != working)
			fail_msg("%s should be %s", cd_date_format(dt, buf),
				 working ? "a working day" : "a day off");
	}
}

static struct cd_date add_days(struct cd_date start, int n, bool count_start_day)
{
	struct cd_date out = { 0, 0, 0 };
	struct cd_error err;
	char buf[640];

	if (cd_add_working_days(cal, start, n, count_start_day, &out, &err) < 0)
		fail_msg("add %d: %s", n, cd_error_text(&err, buf, sizeof(buf)));
	return out;
}

/* ---- civil dates ---- */

static void civil_dates(void **state)
{
	struct cd_date dt;
	char buf[CD_DATE_LEN];
	(void)state;

	assert_int_equal(cd_date_to_days(D(1970, 1, 1)), 0);
	assert_int_equal(cd_date_to_days(D(1969, 12, 31)), -1);
	assert_int_equal(cd_date_to_days(D(2026, 1, 1)), 20454);
	for (long day = cd_date_to_days(D(1899, 12, 1)); day < cd_date_to_days(D(2101, 2, 1)); day++) {
		dt = cd_date_from_days(day);
		assert_true(cd_date_valid(dt.y, dt.m, dt.d));
		assert_int_equal(cd_date_to_days(dt), day);
	}
	assert_int_equal(cd_date_weekday(D(1970, 1, 1)), 4);
	assert_int_equal(cd_date_weekday(D(1969, 12, 28)), 7);
	assert_int_equal(cd_date_weekday(D(2026, 1, 4)), 7);
	assert_int_equal(cd_date_weekday(D(2026, 2, 14)), 6);
	assert_int_equal(cd_date_weekday(D(2025, 12, 30)), 2);
	assert_true(cd_date_valid(2024, 2, 29));
	assert_true(cd_date_valid(2000, 2, 29));
	assert_false(cd_date_valid(1900, 2, 29));
	assert_false(cd_date_valid(2026, 2, 29));
	assert_false(cd_date_valid(2026, 4, 31));
	assert_false(cd_date_valid(2026, 13, 1));
	assert_false(cd_date_valid(0, 1, 1));

	assert_int_equal(cd_date_parse("2026-02-28", &dt), 0);
	assert_date(dt, 2026, 2, 28);
	assert_int_equal(cd_date_parse("2026-02-29", &dt), -1);
	assert_int_equal(cd_date_parse("2026-2-28", &dt), -1);
	assert_int_equal(cd_date_parse("2026-02-28 ", &dt), -1);
	assert_int_equal(cd_date_parse("", &dt), -1);
	assert_int_equal(cd_date_parse(NULL, &dt), -1);
	assert_string_equal(cd_date_format(D(987, 6, 5), buf), "0987-06-05");
}

/* ---- the real calendars ---- */

static void weekends(void **state)
{
	(void)state;
	assert_range(D(2026, 3, 2), D(2026, 3, 6), true);
	assert_range(D(2026, 3, 7), D(2026, 3, 8), false);
	assert_true(cd_is_working_day(cal, 2026, 3, 9));
	assert_range(D(2025, 11, 15), D(2025, 11, 16), false);
	assert_range(D(2025, 11, 17), D(2025, 11, 21), true);
	assert_false(cd_is_working_day(cal, 2026, 2, 30));
	assert_false(cd_is_working_day(cal, 2026, 0, 1));
}

static void new_year(void **state)
{
	(void)state;
	/* 2026: Jan 1-3 off (Thu-Sat), Sun Jan 4 is worked. */
	assert_true(cd_is_working_day(cal, 2025, 12, 31));
	assert_range(D(2026, 1, 1), D(2026, 1, 3), false);
	assert_true(cd_is_working_day(cal, 2026, 1, 4));
	assert_true(cd_is_working_day(cal, 2026, 1, 5));
	/* 2025: only Jan 1. */
	assert_false(cd_is_working_day(cal, 2025, 1, 1));
	assert_true(cd_is_working_day(cal, 2025, 1, 2));
}

static void spring_festival(void **state)
{
	(void)state;
	assert_true(cd_is_working_day(cal, 2026, 2, 13));
	assert_true(cd_is_working_day(cal, 2026, 2, 14)); /* Saturday, worked */
	assert_range(D(2026, 2, 15), D(2026, 2, 23), false);
	assert_range(D(2026, 2, 24), D(2026, 2, 27), true);
	assert_true(cd_is_working_day(cal, 2026, 2, 28)); /* Saturday, worked */
	assert_false(cd_is_working_day(cal, 2026, 3, 1));
	/* 2025: Sun Jan 26 and Sat Feb 8 worked, Jan 28 - Feb 4 off. */
	assert_true(cd_is_working_day(cal, 2025, 1, 26));
	assert_true(cd_is_working_day(cal, 2025, 1, 27));
	assert_range(D(2025, 1, 28), D(2025, 2, 4), false);
	assert_true(cd_is_working_day(cal, 2025, 2, 8));
	assert_false(cd_is_working_day(cal, 2025, 2, 9));
}

static void national_day(void **state)
{
	(void)state;
	assert_false(cd_is_working_day(cal, 2026, 9, 19));
	assert_true(cd_is_working_day(cal, 2026, 9, 20)); /* Sunday, worked */
	assert_range(D(2026, 9, 25), D(2026, 9, 27), false); /* 中秋 */
	assert_range(D(2026, 9, 28), D(2026, 9, 30), true);
	assert_range(D(2026, 10, 1), D(2026, 10, 7), false);
	assert_range(D(2026, 10, 8), D(2026, 10, 10), true); /* Sat Oct 10 worked */
	assert_false(cd_is_working_day(cal, 2026, 10, 11));
	/* 2025: 国庆 and 中秋 together, Oct 1-8; Sun Sep 28 and Sat Oct 11 worked. */
	assert_true(cd_is_working_day(cal, 2025, 9, 28));
	assert_range(D(2025, 10, 1), D(2025, 10, 8), false);
	assert_true(cd_is_working_day(cal, 2025, 10, 9));
	assert_true(cd_is_working_day(cal, 2025, 10, 11));
}

static void other_2026_holidays(void **state)
{
	(void)state;
	assert_range(D(2026, 4, 4), D(2026, 4, 6), false);
	assert_range(D(2026, 5, 1), D(2026, 5, 5), false);
	assert_true(cd_is_working_day(cal, 2026, 5, 9));
	assert_range(D(2026, 6, 19), D(2026, 6, 21), false);
	assert_true(cd_is_working_day(cal, 2026, 6, 22));
}

static void coverage(void **state)
{
	(void)state;
	assert_true(cd_calendar_covers(cal, 2025));
	assert_true(cd_calendar_covers(cal, 2026));
	assert_false(cd_calendar_covers(cal, 2024));
	assert_false(cd_calendar_covers(cal, 2027));
	assert_false(cd_calendar_covers(NULL, 2026));
	/* Without a file the answer is by weekday alone (Fri 2027-01-01). */
	assert_true(cd_is_working_day(cal, 2027, 1, 1));
}

/* ---- promised dates ---- */

static void year_boundary(void **state)
{
	(void)state;
	/* Tue Dec 30; Dec 31 (1), Jan 1-3 off, Sun Jan 4 (2), Mon Jan 5 (3). */
	assert_date(add_days(D(2025, 12, 30), 3, false), 2026, 1, 5);
	/* Counting the day of acceptance: Dec 30 (1), Dec 31 (2), Jan 4 (3). */
	assert_date(add_days(D(2025, 12, 30), 3, true), 2026, 1, 4);
	assert_date(add_days(D(2025, 12, 31), 1, false), 2026, 1, 4);
}

static void count_start_day(void **state)
{
	(void)state;
	/* A working day: it is day 1 only when the local rule says so. */
	assert_date(add_days(D(2026, 3, 10), 1, false), 2026, 3, 11);
	assert_date(add_days(D(2026, 3, 10), 1, true), 2026, 3, 10);
	assert_date(add_days(D(2026, 3, 10), 5, false), 2026, 3, 17);
	assert_date(add_days(D(2026, 3, 10), 5, true), 2026, 3, 16);
	/* A Saturday or a holiday never counts. */
	assert_date(add_days(D(2026, 3, 7), 1, true), 2026, 3, 9);
	assert_date(add_days(D(2026, 3, 7), 1, false), 2026, 3, 9);
	assert_date(add_days(D(2026, 2, 15), 1, true), 2026, 2, 24);
	assert_date(add_days(D(2026, 2, 15), 1, false), 2026, 2, 24);
	/* A worked Saturday does. */
	assert_date(add_days(D(2026, 2, 14), 1, true), 2026, 2, 14);
	/* n == 0: the day itself (即办件). */
	assert_date(add_days(D(2026, 3, 7), 0, false), 2026, 3, 7);
	assert_date(add_days(D(2026, 3, 7), 0, true), 2026, 3, 7);
}

static void across_holidays(void **state)
{
	(void)state;
	/* Fri Feb 13 + 5: Sat Feb 14 (1), Feb 24 (2) .. Feb 27 (5). */
	assert_date(add_days(D(2026, 2, 13), 5, false), 2026, 2, 27);
	/* Fri Sep 18 + 10: Sun Sep 20 (1), Sep 21-24 (5), 中秋 off, Sep 28-30 (8),
	 * 国庆 off, Oct 8 (9), Oct 9 (10). */
	assert_date(add_days(D(2026, 9, 18), 10, false), 2026, 10, 9);
	/* 20 working days (行政许可法 §42) from Thu 2025-09-25: Sep 26 (1), Sun
	 * Sep 28 (2), Sep 29-30 (4), Oct 1-8 off, Oct 9-10 (6), Sat Oct 11 (7),
	 * Oct 13-17 (12), Oct 20-24 (17), Oct 27-29 (20). */
	assert_date(add_days(D(2025, 9, 25), 20, false), 2025, 10, 29);
}

static void between(void **state)
{
	struct cd_error err;
	int n = 99;
	(void)state;

	assert_int_equal(cd_working_days_between(cal, D(2025, 12, 30), D(2026, 1, 5), &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(cd_working_days_between(cal, D(2026, 1, 5), D(2025, 12, 30), &n, &err), 0);
	assert_int_equal(n, -3);
	assert_int_equal(cd_working_days_between(cal, D(2026, 1, 5), D(2026, 1, 5), &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(cd_working_days_between(cal, D(2026, 2, 13), D(2026, 2, 27), &n, &err), 0);
	assert_int_equal(n, 5);
	assert_int_equal(cd_working_days_between(cal, D(2026, 2, 14), D(2026, 2, 23), &n, &err), 0);
	assert_int_equal(n, 0);
	/* A whole year, (Dec 31, Dec 31]: 261 weekdays, minus the holidays on
	 * weekdays (2025: 18, 2026: 19), plus the worked weekend days (5, 6). The
	 * first day, a, is never examined, so 2024 needs no file. */
	assert_int_equal(cd_working_days_between(cal, D(2024, 12, 31), D(2025, 12, 31), &n, &err), 0);
	assert_int_equal(n, 261 - 18 + 5);
	assert_int_equal(cd_working_days_between(cal, D(2025, 12, 31), D(2026, 12, 31), &n, &err), 0);
	assert_int_equal(n, 261 - 19 + 6);
}

/* add and between agree: between(s, add(s, n)) == n for every start. */
static void add_and_between_agree(void **state)
{
	struct cd_error err;
	struct cd_date end;
	(void)state;

	for (long day = cd_date_to_days(D(2025, 1, 1)); day <= cd_date_to_days(D(2026, 11, 30)); day++) {
		struct cd_date start = cd_date_from_days(day);

		for (int n = 0; n <= 20; n++) {
			int back = -1;

			assert_int_equal(cd_add_working_days(cal, start, n, false, &end, &err), 0);
			assert_int_equal(cd_working_days_between(cal, start, end, &back, &err), 0);
			assert_int_equal(back, n);
			if (n > 0)
				assert_true(cd_is_working_day(cal, end.y, end.m, end.d));
		}
	}
}

static void missing_year(void **state)
{
	struct cd_error err;
	struct cd_date out = { 0, 0, 0 };
	char buf[640], want[PATH_MAX + 64];
	int n;
	(void)state;

	/* Counting into 2027, which has no file. */
	assert_int_equal(cd_add_working_days(cal, D(2026, 12, 20), 10, false, &out, &err), -1);
	assert_int_equal(err.kind, CD_ERR_CONFIG);
	snprintf(want, sizeof(want),
		 "No working-day calendar for this year (its holiday file is missing): "
		 "%s/config/holidays/2027.ini", top());
	assert_string_equal(cd_error_text(&err, buf, sizeof(buf)), want);
	/* The last covered days are fine. */
	assert_date(add_days(D(2026, 12, 28), 3, false), 2026, 12, 31);
	/* Starting in an uncovered year: only the days examined matter. */
	assert_date(add_days(D(2024, 12, 31), 1, false), 2025, 1, 2);
	assert_int_equal(cd_add_working_days(cal, D(2024, 12, 31), 1, true, &out, &err), -1);
	assert_non_null(strstr(err.detail, "/2024.ini"));
	assert_int_equal(cd_working_days_between(cal, D(2026, 12, 1), D(2027, 1, 4), &n, &err), -1);
	assert_non_null(strstr(err.detail, "/2027.ini"));
	/* A huge count stops at the first uncovered year. */
	assert_int_equal(cd_add_working_days(cal, D(2025, 1, 1), INT_MAX, false, &out, &err), -1);
	assert_non_null(strstr(err.detail, "/2027.ini"));
}

static void bad_arguments(void **state)
{
	struct cd_error err;
	struct cd_date out;
	int n;
	(void)state;

	assert_int_equal(cd_add_working_days(cal, D(2026, 2, 29), 1, false, &out, &err), -1);
	assert_int_equal(err.kind, CD_ERR_INVALID);
	assert_string_equal(err.detail, "2026-02-29");
	assert_int_equal(cd_add_working_days(cal, D(2026, 3, 2), -1, false, &out, &err), -1);
	assert_int_equal(err.kind, CD_ERR_INVALID);
	assert_int_equal(cd_add_working_days(NULL, D(2026, 3, 2), 1, false, &out, &err), -1);
	assert_int_equal(cd_add_working_days(cal, D(2026, 3, 2), 1, false, &out, NULL), 0);
	assert_int_equal(cd_working_days_between(cal, D(2026, 3, 2), D(2026, 3, 32), &n, &err), -1);
	assert_int_equal(err.kind, CD_ERR_INVALID);
}

/* ---- working hours ---- */

static struct cd_datetime T(int y, int m, int d, int hh, int mm, int ss)
{
	return (struct cd_datetime){ { y, m, d }, hh * 3600 + mm * 60 + ss };
}

/* Adds minutes with hours wh (NULL: default) and returns "YYYY-MM-DD HH:MM:SS". */
static const char *add_min(struct cd_datetime start, long minutes, const struct cd_work_hours *wh)
{
	static char text[64];
	struct cd_datetime out;
	struct cd_error err;
	char buf[640], date[CD_DATE_LEN];

	if (cd_add_working_minutes(cal, start, minutes, wh, &out, &err) < 0)
		fail_msg("add %ld min: %s", minutes, cd_error_text(&err, buf, sizeof(buf)));
	snprintf(text, sizeof(text), "%s %02d:%02d:%02d", cd_date_format(out.date, date),
		 out.sec / 3600, out.sec / 60 % 60, out.sec % 60);
	return text;
}

static void working_hours(void **state)
{
	(void)state;
	/* Mon 2026-03-09, 09:00-12:00 and 13:30-17:30. */
	assert_string_equal(add_min(T(2026, 3, 9, 10, 0, 0), 120, NULL), "2026-03-09 12:00:00");
	/* Across lunch. */
	assert_string_equal(add_min(T(2026, 3, 9, 11, 0, 0), 120, NULL), "2026-03-09 14:30:00");
	assert_string_equal(add_min(T(2026, 3, 9, 10, 17, 42), 120, NULL), "2026-03-09 13:47:42");
	/* Started in the lunch break, before opening. */
	assert_string_equal(add_min(T(2026, 3, 9, 12, 30, 0), 60, NULL), "2026-03-09 14:30:00");
	assert_string_equal(add_min(T(2026, 3, 9, 7, 0, 0), 60, NULL), "2026-03-09 10:00:00");
	/* Across the end of the day, and started after closing. */
	assert_string_equal(add_min(T(2026, 3, 10, 16, 30, 0), 120, NULL), "2026-03-11 10:00:00");
	assert_string_equal(add_min(T(2026, 3, 10, 17, 30, 0), 60, NULL), "2026-03-11 10:00:00");
	assert_string_equal(add_min(T(2026, 3, 10, 18, 0, 0), 60, NULL), "2026-03-11 10:00:00");
	/* A whole day is 7 hours. */
	assert_string_equal(add_min(T(2026, 3, 9, 9, 0, 0), 7 * 60, NULL), "2026-03-09 17:30:00");
	assert_string_equal(add_min(T(2026, 3, 9, 9, 0, 0), 8 * 60, NULL), "2026-03-10 10:00:00");
	/* Across a weekend: Fri 17:00, half an hour Friday, then Monday. */
	assert_string_equal(add_min(T(2026, 3, 13, 17, 0, 0), 120, NULL), "2026-03-16 10:30:00");
	/* Across 国庆: Sep 30 16:30, then Oct 8. */
	assert_string_equal(add_min(T(2026, 9, 30, 16, 30, 0), 120, NULL), "2026-10-08 10:00:00");
	assert_string_equal(add_min(T(2026, 10, 3, 10, 0, 0), 60, NULL), "2026-10-08 10:00:00");
	/* Fri Feb 13 17:00: the worked Saturday Feb 14 counts. */
	assert_string_equal(add_min(T(2026, 2, 13, 17, 0, 0), 120, NULL), "2026-02-14 10:30:00");
	/* Zero is the start itself. */
	assert_string_equal(add_min(T(2026, 3, 8, 20, 0, 0), 0, NULL), "2026-03-08 20:00:00");
}

static void working_hours_options(void **state)
{
	struct cd_work_hours wh;
	struct cd_datetime out;
	struct cd_error err;
	(void)state;

	assert_int_equal(cd_work_hours_parse("09:00-12:00,13:30-17:30", &wh), 0);
	assert_memory_equal(&wh, &CD_WORK_HOURS_DEFAULT, sizeof(wh));
	assert_int_equal(cd_work_hours_parse(" 8:30 - 12:00 , 14:00 - 17:30 ", &wh), 0);
	assert_int_equal(wh.start, 8 * 60 + 30);
	assert_int_equal(wh.lunch_end, 14 * 60);
	/* Without a lunch break. */
	assert_int_equal(cd_work_hours_parse("09:00-17:00", &wh), 0);
	assert_string_equal(add_min(T(2026, 3, 9, 11, 0, 0), 120, &wh), "2026-03-09 13:00:00");
	assert_string_equal(add_min(T(2026, 3, 9, 16, 0, 0), 120, &wh), "2026-03-10 10:00:00");
	/* Closing at midnight: the result is the next midnight. */
	assert_int_equal(cd_work_hours_parse("00:00-24:00", &wh), 0);
	assert_string_equal(add_min(T(2026, 3, 9, 23, 0, 0), 60, &wh), "2026-03-10 00:00:00");

	static const char *const bad[] = {
		"", "9-17", "17:00-09:00", "09:00-12:00,11:00-17:00", "25:00-26:00",
		"09:00-12:00,13:30-17:30x", "09:60-12:00", "09:00-12:00,", "09:00",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (cd_work_hours_parse(bad[i], &wh) == 0)
			fail_msg("\"%s\" was accepted", bad[i]);

	wh = (struct cd_work_hours){ 600, 540, 700, 800 };
	assert_int_equal(cd_add_working_minutes(cal, T(2026, 3, 9, 9, 0, 0), 60, &wh, &out, &err), -1);
	assert_int_equal(err.kind, CD_ERR_INVALID);
	assert_int_equal(cd_add_working_minutes(cal, T(2026, 3, 9, 24, 0, 0), 60, NULL, &out, &err), -1);
	assert_int_equal(cd_add_working_minutes(cal, T(2026, 3, 9, 9, 0, 0), -1, NULL, &out, &err), -1);
	/* Into a year without a file. */
	assert_int_equal(cd_add_working_minutes(cal, T(2026, 12, 31, 16, 0, 0), 8 * 60, NULL, &out, &err), -1);
	assert_int_equal(err.kind, CD_ERR_CONFIG);
	assert_non_null(strstr(err.detail, "/2027.ini"));
}

static time_t local(int y, int m, int d, int hh, int mm)
{
	struct tm tm = { 0 };

	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* The time_t clock reads wall-clock time in the local zone, so the same
 * wall-clock times give the same answer in Beijing and in UTC. */
static void working_hours_time_t(void **state)
{
	static const char *const zones[] = { "CST-8", "UTC0" };
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;
	(void)state;

	for (size_t i = 0; i < 2; i++) {
		struct cd_error err;
		time_t out;

		setenv("TZ", zones[i], 1);
		tzset();
		assert_int_equal(cd_add_working_hours(cal, local(2026, 9, 30, 16, 30), 2, NULL, &out, &err), 0);
		assert_int_equal(out, local(2026, 10, 8, 10, 0));
		assert_int_equal(cd_add_working_hours(cal, local(2026, 3, 9, 11, 0), 2, NULL, &out, &err), 0);
		assert_int_equal(out, local(2026, 3, 9, 14, 30));
		assert_int_equal(cd_add_working_hours(cal, local(2026, 12, 31, 17, 0), 2, NULL, &out, &err), -1);
		assert_int_equal(err.kind, CD_ERR_CONFIG);
	}
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
}

/* ---- loading ---- */

struct broken {
	const char *dir;     /* under tests/unit/calendar */
	const char *message; /* after "<dir>/2026.ini: " */
};

static void broken_files(void **state)
{
	static const struct broken cases[] = {
		{ "bad_date", "[off] 元旦: \"2026-1-1\" is not a date YYYY-MM-DD or a range "
			      "YYYY-MM-DD..YYYY-MM-DD" },
		{ "empty_value", "[off] 元旦: \"\" is not a date YYYY-MM-DD or a range "
				 "YYYY-MM-DD..YYYY-MM-DD" },
		{ "no_such_day", "[off] 春节: 2026-02-30 is not a valid date" },
		{ "reversed", "[off] 春节: the range 2026-02-23..2026-02-15 ends before it starts" },
		{ "other_year", "[off] 元旦: 2025-12-31 is not in 2026 (each day goes in the file of "
				"its own year, 2025.ini)" },
		{ "long_range", "[off] 国庆节: the range 2026-10-01..2026-12-07 is 68 days long; "
				"at most 31" },
		{ "both", "2026-10-03 is both a day off ([off] 国庆节) and a working day "
			  "([work] 国庆节调休)" },
		{ "unknown_section", "[holidays]: unknown section (expected [off] or [work])" },
		{ "outside_section", "元旦: outside any section (put it under [off] or [work])" },
		{ "duplicate", "line 7: [work] 国庆节调休: the same name as on line 6; give every "
			       "entry its own name" },
		{ "work_weekday", "[work] 元旦调休: 2026-01-05 is a weekday and a working day "
				  "anyway; make-up working days are Saturdays or Sundays" },
		{ "no_off", "[off]: no public holidays listed; every year has some" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cd_calendar *c = cal; /* must be reset to NULL */
		char dir[PATH_MAX], err[1024], want[PATH_MAX + 512];

		snprintf(dir, sizeof(dir), "%s/tests/unit/calendar/%s", top(), cases[i].dir);
		snprintf(want, sizeof(want), "%s/2026.ini: %s", dir, cases[i].message);
		assert_int_equal(cd_calendar_load_dir(dir, &c, err, sizeof(err)), -1);
		assert_null(c);
		assert_string_equal(err, want);
	}
}

static void broken_directories(void **state)
{
	struct cd_calendar *c = NULL;
	char dir[PATH_MAX], err[1024], want[PATH_MAX + 512], tmp[] = "/tmp/cd-calendar-XXXXXX";
	(void)state;

	snprintf(dir, sizeof(dir), "%s/tests/unit/calendar/syntax", top());
	assert_int_equal(cd_calendar_load_dir(dir, &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s/2026.ini: not a valid INI file: ", dir);
	assert_memory_equal(err, want, strlen(want));
	assert_non_null(strstr(err, "syntax error"));
	assert_non_null(strstr(err, "(3)")); /* the line */

	snprintf(dir, sizeof(dir), "%s/tests/unit/calendar/bad_name", top());
	assert_int_equal(cd_calendar_load_dir(dir, &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
		 "%s/holidays-2026.ini: a holiday file is named after its year, e.g. 2026.ini", dir);
	assert_string_equal(err, want);

	snprintf(dir, sizeof(dir), "%s/tests/unit/calendar/no_years", top());
	assert_int_equal(cd_calendar_load_dir(dir, &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: no holiday files (one per year, e.g. 2026.ini)", dir);
	assert_string_equal(err, want);

	snprintf(dir, sizeof(dir), "%s/tests/unit/calendar/does-not-exist", top());
	assert_int_equal(cd_calendar_load_dir(dir, &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: cannot read the holiday directory: ", dir);
	assert_memory_equal(err, want, strlen(want));

	/* A directory that is called 2026.ini. */
	assert_non_null(mkdtemp(tmp));
	snprintf(dir, sizeof(dir), "%s/2026.ini", tmp);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(cd_calendar_load_dir(tmp, &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s/2026.ini: not a regular file", tmp);
	assert_string_equal(err, want);
	rmdir(dir);
	rmdir(tmp);
	assert_null(c);
}

static void good_fixture(void **state)
{
	struct cd_calendar *c = NULL;
	char dir[PATH_MAX], err[512] = "unset";
	(void)state;

	/* A trailing slash, [work] before [off], spaces around "..", an inline
	 * comment, and a notes.txt that is not a calendar. */
	snprintf(dir, sizeof(dir), "%s/tests/unit/calendar/good/", top());
	assert_int_equal(cd_calendar_load_dir(dir, &c, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_true(cd_calendar_covers(c, 2025));
	assert_false(cd_calendar_covers(c, 2026));
	assert_true(cd_is_working_day(c, 2025, 9, 28));
	assert_false(cd_is_working_day(c, 2025, 10, 8));
	assert_true(cd_is_working_day(c, 2025, 10, 9));
	assert_true(cd_is_working_day(c, 2025, 1, 28)); /* not in this fixture */
	cd_calendar_free(&c);
	assert_null(c);
	cd_calendar_free(&c);
	cd_calendar_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(civil_dates),
		cmocka_unit_test(weekends),
		cmocka_unit_test(new_year),
		cmocka_unit_test(spring_festival),
		cmocka_unit_test(national_day),
		cmocka_unit_test(other_2026_holidays),
		cmocka_unit_test(coverage),
		cmocka_unit_test(year_boundary),
		cmocka_unit_test(count_start_day),
		cmocka_unit_test(across_holidays),
		cmocka_unit_test(between),
		cmocka_unit_test(add_and_between_agree),
		cmocka_unit_test(missing_year),
		cmocka_unit_test(bad_arguments),
		cmocka_unit_test(working_hours),
		cmocka_unit_test(working_hours_options),
		cmocka_unit_test(working_hours_time_t),
		cmocka_unit_test(broken_files),
		cmocka_unit_test(broken_directories),
		cmocka_unit_test(good_fixture),
	};

	return cmocka_run_group_tests(tests, load_real, free_real);
}
