/* Working days and office hours from the yearly holiday files (calendar.h).
 * Each loaded year keeps one mark per day of the year: by weekday, off, or
 * work. Counting walks day by day, which is fast enough for deadlines of days
 * or weeks and makes the coverage rule (every day examined must be known)
 * trivial to enforce. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <iniparser/iniparser.h>

#include "calendar.h"
#include "i18n.h"
#include "ini.h"
#include "util.h"

/* The longest public holiday is the Spring Festival, 8 or 9 days. A longer
 * range is a typing mistake (2026-10-01..2026-12-07) that would close the
 * centre for months without anyone noticing. */
#define MAX_RANGE_DAYS 31

enum day_mark {
	DAY_BY_WEEKDAY = 0,
	DAY_OFF,
	DAY_WORK,
};

struct cal_year {
	int year;
	unsigned char mark[366]; /* enum day_mark, by day of the year */
};

struct cd_calendar {
	char *dir;
	struct cal_year *years; /* sorted by year */
	size_t nyears;
};

/* ---- civil dates (H. Hinnant's days_from_civil / civil_from_days) ---- */

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

bool cd_date_valid(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m);
}

long cd_date_to_days(struct cd_date date)
{
	long y = date.y - (date.m <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (date.m + (date.m > 2 ? -3 : 9)) + 2) / 5 + date.d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

struct cd_date cd_date_from_days(long days)
{
	long z = days + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	struct cd_date date;

	date.d = (int)(doy - (153 * mp + 2) / 5 + 1);
	date.m = (int)(mp < 10 ? mp + 3 : mp - 9);
	date.y = (int)(yoe + era * 400 + (date.m <= 2));
	return date;
}

int cd_date_weekday(struct cd_date date)
{
	long days = cd_date_to_days(date);
	/* 1970-01-01 was a Thursday (4). */
	long w = ((days + 3) % 7 + 7) % 7;

	return (int)w + 1;
}

static int day_of_year(struct cd_date date)
{
	return (int)(cd_date_to_days(date) - cd_date_to_days((struct cd_date){ date.y, 1, 1 }));
}

static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* YYYY-MM-DD at s, not checked for existence; returns the end or NULL. */
static const char *scan_date(const char *s, struct cd_date *out)
{
	int y = digits(s, 4);

	if (y < 0 || s[4] != '-')
		return NULL;
	out->y = y;
	out->m = digits(s + 5, 2);
	if (out->m < 0 || s[7] != '-')
		return NULL;
	out->d = digits(s + 8, 2);
	if (out->d < 0)
		return NULL;
	return s + 10;
}

int cd_date_parse(const char *text, struct cd_date *out)
{
	struct cd_date date;
	const char *end = text ? scan_date(text, &date) : NULL;

	if (!end || *end || !cd_date_valid(date.y, date.m, date.d))
		return -1;
	*out = date;
	return 0;
}

const char *cd_date_format(struct cd_date date, char buf[CD_DATE_LEN])
{
	/* Out-of-range fields are cut to fit rather than overflow buf. */
	snprintf(buf, CD_DATE_LEN, "%04u-%02u-%02u", (unsigned)date.y % 10000u,
		 (unsigned)date.m % 100u, (unsigned)date.d % 100u);
	return buf;
}

/* ---- loading ---- */

static void say(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}


static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

struct seen_name {
	char *key; /* "section:name", lower case as iniparser stores it */
	int line;
};

/* iniparser keeps only the last of two equal names (after lower-casing), so a
 * copied line whose name was not changed would silently drop a day. The file
 * already parsed, so this scan only needs iniparser's line rules for section
 * headers, comments, continuation lines and "name = value". */
static int check_duplicate_names(const char *path, char *err, size_t errlen)
{
	struct seen_name *seen = NULL;
	size_t nseen = 0, len;
	char *text = read_file(path, &len);
	char *section = xstrdup("");
	int lineno = 0, rc = 0;
	bool continued = false;

	if (!text) {
		say(err, errlen, _("%s: cannot read the holiday file: %s"), path, strerror(errno));
		free(section);
		return -1;
	}
	for (char *line = text, *next; line && rc == 0; line = next) {
		bool was_continued = continued;
		char *s, *eq, *name, *key;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		s = trim(line);
		continued = *s && s[strlen(s) - 1] == '\\';
		if (was_continued || !*s || *s == ';' || *s == '#')
			continue;
		if (*s == '[' && s[strlen(s) - 1] == ']') {
			s[strlen(s) - 1] = '\0';
			free(section);
			section = xstrdup(trim(s + 1));
			lower(section);
			continue;
		}
		eq = strchr(s, '=');
		if (!eq)
			continue;
		*eq = '\0';
		name = trim(s);
		key = xasprintf("%s:%s", section, name);
		lower(key);
		for (size_t i = 0; i < nseen; i++) {
			if (!strcmp(seen[i].key, key)) {
				say(err, errlen,
				    _("%s: line %d: [%s] %s: the same name as on line %d; "
				      "give every entry its own name"),
				    path, lineno, section, name, seen[i].line);
				rc = -1;
				break;
			}
		}
		seen = xrealloc(seen, (nseen + 1) * sizeof(*seen));
		seen[nseen].key = key;
		seen[nseen].line = lineno;
		nseen++;
	}
	for (size_t i = 0; i < nseen; i++)
		free(seen[i].key);
	free(seen);
	free(section);
	free(text);
	return rc;
}

struct entry {
	const char *section; /* "off" or "work" */
	const char *name;    /* the label, lower case */
	const char *value;
	struct cd_date first, last;
};

/* Checks one value: its form, the dates, their order, the year and the range
 * length. Fills e->first and e->last. */
static int parse_entry(const char *path, int year, struct entry *e, char *err, size_t errlen)
{
	const char *p = e->value;
	const char *end = scan_date(p, &e->first);
	struct cd_date bad;
	char a[CD_DATE_LEN], b[CD_DATE_LEN];
	long span;

	e->last = e->first;
	if (end) {
		while (isspace((unsigned char)*end))
			end++;
		if (end[0] == '.' && end[1] == '.') {
			end += 2;
			while (isspace((unsigned char)*end))
				end++;
			end = scan_date(end, &e->last);
		}
	}
	if (!end || *end) {
		say(err, errlen,
		    _("%s: [%s] %s: \"%s\" is not a date YYYY-MM-DD or a range "
		      "YYYY-MM-DD..YYYY-MM-DD"),
		    path, e->section, e->name, e->value);
		return -1;
	}
	bad = e->first;
	if (cd_date_valid(bad.y, bad.m, bad.d))
		bad = e->last;
	if (!cd_date_valid(bad.y, bad.m, bad.d)) {
		say(err, errlen, _("%s: [%s] %s: %s is not a valid date"), path, e->section,
		    e->name, cd_date_format(bad, a));
		return -1;
	}
	span = cd_date_to_days(e->last) - cd_date_to_days(e->first) + 1;
	if (span < 1) {
		say(err, errlen, _("%s: [%s] %s: the range %s..%s ends before it starts"), path,
		    e->section, e->name, cd_date_format(e->first, a), cd_date_format(e->last, b));
		return -1;
	}
	bad = e->first.y != year ? e->first : e->last;
	if (bad.y != year) {
		say(err, errlen,
		    _("%s: [%s] %s: %s is not in %d (each day goes in the file of its own year, "
		      "%d.ini)"),
		    path, e->section, e->name, cd_date_format(bad, a), year, bad.y);
		return -1;
	}
	if (span > MAX_RANGE_DAYS) {
		say(err, errlen, _("%s: [%s] %s: the range %s..%s is %ld days long; at most %d"),
		    path, e->section, e->name, cd_date_format(e->first, a),
		    cd_date_format(e->last, b), span, MAX_RANGE_DAYS);
		return -1;
	}
	return 0;
}

/* Reads the entries of one file, in file order, refusing anything outside
 * [off] and [work]. Returns the count, or -1. */
static int collect_entries(dictionary *d, const char *path, struct entry **out,
			   char *err, size_t errlen)
{
	struct entry *entries = NULL;
	int n = 0;

	*out = NULL;
	for (ssize_t i = 0; i < d->size; i++) {
		const char *key = d->key[i];
		const char *colon;

		if (!key)
			continue;
		colon = strchr(key, ':');
		if (!colon) {
			if (strcmp(key, "off") && strcmp(key, "work")) {
				say(err, errlen,
				    _("%s: [%s]: unknown section (expected [off] or [work])"), path,
				    key);
				free(entries);
				return -1;
			}
			continue;
		}
		if (colon == key) {
			say(err, errlen, _("%s: %s: outside any section (put it under [off] or [work])"),
			    path, key + 1);
			free(entries);
			return -1;
		}
		entries = xrealloc(entries, (size_t)(n + 1) * sizeof(*entries));
		entries[n] = (struct entry){
			.section = !strncmp(key, "off:", 4) ? "off" : "work",
			.name = colon + 1,
			.value = d->val[i] ? d->val[i] : "",
		};
		n++;
	}
	*out = entries;
	return n;
}

static int load_year(const char *path, int year, struct cal_year *cy, char *err, size_t errlen)
{
	const char *off_name[366] = { 0 };
	struct entry *entries = NULL;
	dictionary *d;
	int n, noff = 0, rc = -1;

	memset(cy, 0, sizeof(*cy));
	cy->year = year;
	d = cd_ini_load(path, CD_INI_HOLIDAYS, err, errlen);
	if (!d)
		return -1;
	if (check_duplicate_names(path, err, errlen) < 0)
		goto out;
	n = collect_entries(d, path, &entries, err, errlen);
	if (n < 0)
		goto out;
	for (int i = 0; i < n; i++)
		if (parse_entry(path, year, &entries[i], err, errlen) < 0)
			goto out;

	/* Every [off] first, so that a [work] day can be checked against all of
	 * them whatever the order of the file. */
	for (int i = 0; i < n; i++) {
		long first = cd_date_to_days(entries[i].first);
		long last = cd_date_to_days(entries[i].last);

		if (strcmp(entries[i].section, "off"))
			continue;
		noff++;
		for (long day = first; day <= last; day++) {
			int doy = day_of_year(cd_date_from_days(day));

			cy->mark[doy] = DAY_OFF;
			off_name[doy] = entries[i].name;
		}
	}
	if (noff == 0) {
		say(err, errlen, _("%s: [off]: no public holidays listed; every year has some"), path);
		goto out;
	}
	for (int i = 0; i < n; i++) {
		long first = cd_date_to_days(entries[i].first);
		long last = cd_date_to_days(entries[i].last);
		char a[CD_DATE_LEN];

		if (strcmp(entries[i].section, "work"))
			continue;
		for (long day = first; day <= last; day++) {
			struct cd_date date = cd_date_from_days(day);
			int doy = day_of_year(date);

			if (cy->mark[doy] == DAY_OFF) {
				say(err, errlen,
				    _("%s: %s is both a day off ([off] %s) and a working day "
				      "([work] %s)"),
				    path, cd_date_format(date, a), off_name[doy], entries[i].name);
				goto out;
			}
			if (cd_date_weekday(date) <= 5) {
				say(err, errlen,
				    _("%s: [work] %s: %s is a weekday and a working day anyway; "
				      "make-up working days are Saturdays or Sundays"),
				    path, entries[i].name, cd_date_format(date, a));
				goto out;
			}
			cy->mark[doy] = DAY_WORK;
		}
	}
	rc = 0;
out:
	free(entries);
	iniparser_freedict(d);
	return rc;
}

static int year_file(const char *name)
{
	size_t len = strlen(name);
	int year;

	if (len != 8 || strcmp(name + 4, ".ini"))
		return -1;
	year = digits(name, 4);
	return year >= 1 ? year : -1;
}

static int compare_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* The four-digit years of dir's YEAR.ini files, sorted; -1 on error. */
static int list_years(const char *dir, int **years_out, char *err, size_t errlen)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	int *years = NULL, n = 0;

	*years_out = NULL;
	if (!dp) {
		say(err, errlen, _("%s: cannot read the holiday directory: %s"), dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(dp))) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || len < 4 || strcmp(de->d_name + len - 4, ".ini"))
			continue;
		if (year_file(de->d_name) < 0) {
			say(err, errlen,
			    _("%s/%s: a holiday file is named after its year, e.g. 2026.ini"), dir,
			    de->d_name);
			free(years);
			closedir(dp);
			return -1;
		}
		years = xrealloc(years, (size_t)(n + 1) * sizeof(*years));
		years[n++] = year_file(de->d_name);
	}
	closedir(dp);
	if (n == 0) {
		say(err, errlen, _("%s: no holiday files (one per year, e.g. 2026.ini)"), dir);
		return -1;
	}
	qsort(years, (size_t)n, sizeof(*years), compare_int);
	*years_out = years;
	return n;
}

int cd_calendar_load_dir(const char *dir, struct cd_calendar **out, char *err, size_t errlen)
{
	struct cd_calendar *cal;
	int *years;
	int n;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	n = list_years(dir, &years, err, errlen);
	if (n < 0)
		return -1;

	cal = xcalloc(1, sizeof(*cal));
	cal->dir = xstrdup(dir);
	for (size_t len = strlen(cal->dir); len > 1 && cal->dir[len - 1] == '/'; len--)
		cal->dir[len - 1] = '\0';
	cal->years = xcalloc((size_t)n, sizeof(*cal->years));
	for (int i = 0; i < n; i++) {
		char *path = xasprintf("%s/%04d.ini", cal->dir, years[i]);
		struct stat st;
		int rc;

		if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
			say(err, errlen, _("%s: not a regular file"), path);
			rc = -1;
		} else {
			rc = load_year(path, years[i], &cal->years[i], err, errlen);
		}
		free(path);
		if (rc < 0) {
			free(years);
			cd_calendar_free(&cal);
			return -1;
		}
		cal->nyears++;
	}
	free(years);
	*out = cal;
	return 0;
}

void cd_calendar_free(struct cd_calendar **calp)
{
	struct cd_calendar *cal = calp ? *calp : NULL;

	if (!cal)
		return;
	free(cal->dir);
	free(cal->years);
	free(cal);
	*calp = NULL;
}

/* ---- working days ---- */

static const struct cal_year *find_year(const struct cd_calendar *cal, int y)
{
	if (!cal)
		return NULL;
	for (size_t i = 0; i < cal->nyears; i++)
		if (cal->years[i].year == y)
			return &cal->years[i];
	return NULL;
}

bool cd_calendar_covers(const struct cd_calendar *cal, int y)
{
	return find_year(cal, y) != NULL;
}

/* date must be valid. */
static bool working(const struct cal_year *cy, struct cd_date date)
{
	if (cy) {
		switch (cy->mark[day_of_year(date)]) {
		case DAY_OFF:
			return false;
		case DAY_WORK:
			return true;
		default:
			break;
		}
	}
	return cd_date_weekday(date) <= 5;
}

bool cd_is_working_day(const struct cd_calendar *cal, int y, int m, int d)
{
	if (!cd_date_valid(y, m, d))
		return false;
	return working(find_year(cal, y), (struct cd_date){ y, m, d });
}

static int missing_year(const struct cd_calendar *cal, int y, struct cd_error *err)
{
	cd_error_set(err, CD_ERR_CONFIG,
		     N_("No working-day calendar for this year (its holiday file is missing)"),
		     "%s/%04d.ini", cal->dir, y);
	return -1;
}

static int no_calendar(struct cd_error *err)
{
	cd_error_set(err, CD_ERR_INTERNAL, N_("No working-day calendar loaded"), NULL);
	return -1;
}

static int bad_date(struct cd_date date, struct cd_error *err)
{
	cd_error_set(err, CD_ERR_INVALID, N_("Invalid date"), "%04d-%02d-%02d", date.y, date.m,
		     date.d);
	return -1;
}

/* Whether day (a day number) is a working day; -1 when its year is not
 * covered (error set). */
static int working_or_missing(const struct cd_calendar *cal, long day, struct cd_error *err)
{
	struct cd_date date = cd_date_from_days(day);
	const struct cal_year *cy = find_year(cal, date.y);

	if (!cy)
		return missing_year(cal, date.y, err);
	return working(cy, date);
}

int cd_add_working_days(const struct cd_calendar *cal, struct cd_date start, int n,
			bool count_start_day, struct cd_date *out, struct cd_error *err)
{
	long day;
	int counted = 0, w;

	cd_error_clear(err);
	if (!cal || !out)
		return no_calendar(err);
	if (!cd_date_valid(start.y, start.m, start.d))
		return bad_date(start, err);
	if (n < 0) {
		cd_error_set(err, CD_ERR_INVALID,
			     N_("The number of working days cannot be negative"), "%d", n);
		return -1;
	}
	day = cd_date_to_days(start);
	if (n > 0 && count_start_day) {
		w = working_or_missing(cal, day, err);
		if (w < 0)
			return -1;
		counted = w;
	}
	while (counted < n) {
		day++;
		w = working_or_missing(cal, day, err);
		if (w < 0)
			return -1;
		counted += w;
	}
	*out = cd_date_from_days(day);
	return 0;
}

int cd_working_days_between(const struct cd_calendar *cal, struct cd_date a, struct cd_date b,
			    int *out, struct cd_error *err)
{
	long from, to;
	int count = 0, sign = 1, w;

	cd_error_clear(err);
	if (!cal || !out)
		return no_calendar(err);
	if (!cd_date_valid(a.y, a.m, a.d))
		return bad_date(a, err);
	if (!cd_date_valid(b.y, b.m, b.d))
		return bad_date(b, err);
	from = cd_date_to_days(a);
	to = cd_date_to_days(b);
	if (to < from) {
		long t = from;

		from = to;
		to = t;
		sign = -1;
	}
	for (long day = from + 1; day <= to; day++) {
		w = working_or_missing(cal, day, err);
		if (w < 0)
			return -1;
		count += w;
	}
	*out = sign * count;
	return 0;
}

/* ---- working hours ---- */

bool cd_work_hours_valid(const struct cd_work_hours *wh)
{
	return wh && wh->start >= 0 && wh->start < wh->lunch_start &&
	       wh->lunch_start <= wh->lunch_end && wh->lunch_end < wh->end && wh->end <= 24 * 60;
}

/* H:MM or HH:MM, 00:00 to 24:00; returns the end or NULL. */
static const char *scan_clock(const char *s, int *minutes)
{
	int h, m, nd;

	while (isspace((unsigned char)*s))
		s++;
	nd = isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) ? 2 : 1;
	h = digits(s, nd);
	if (h < 0 || s[nd] != ':')
		return NULL;
	m = digits(s + nd + 1, 2);
	if (m < 0 || m > 59 || h > 24 || (h == 24 && m != 0))
		return NULL;
	*minutes = h * 60 + m;
	s += nd + 3;
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

static const char *scan_interval(const char *s, int *from, int *to)
{
	s = scan_clock(s, from);
	if (!s || *s != '-')
		return NULL;
	return scan_clock(s + 1, to);
}

int cd_work_hours_parse(const char *text, struct cd_work_hours *out)
{
	struct cd_work_hours wh;
	const char *p = text ? scan_interval(text, &wh.start, &wh.lunch_start) : NULL;

	if (!p)
		return -1;
	if (*p == ',') {
		p = scan_interval(p + 1, &wh.lunch_end, &wh.end);
		if (!p)
			return -1;
	} else {
		wh.end = wh.lunch_start;
		wh.lunch_start = wh.lunch_end = wh.start + (wh.end - wh.start) / 2;
	}
	if (*p || !cd_work_hours_valid(&wh))
		return -1;
	*out = wh;
	return 0;
}

int cd_add_working_minutes(const struct cd_calendar *cal, struct cd_datetime start, long minutes,
			   const struct cd_work_hours *wh, struct cd_datetime *out,
			   struct cd_error *err)
{
	struct cd_work_hours def = CD_WORK_HOURS_DEFAULT;
	long seg[2][2], day, t, rem;

	cd_error_clear(err);
	if (!cal || !out)
		return no_calendar(err);
	if (!cd_date_valid(start.date.y, start.date.m, start.date.d))
		return bad_date(start.date, err);
	if (start.sec < 0 || start.sec >= 24 * 3600 || minutes < 0 || minutes > LONG_MAX / 60) {
		cd_error_set(err, CD_ERR_INVALID, N_("Invalid time or duration"), "%d s, %ld min",
			     start.sec, minutes);
		return -1;
	}
	if (!wh)
		wh = &def;
	if (!cd_work_hours_valid(wh)) {
		cd_error_set(err, CD_ERR_INVALID, N_("Invalid office hours"), "%d-%d,%d-%d",
			     wh->start, wh->lunch_start, wh->lunch_end, wh->end);
		return -1;
	}
	if (minutes == 0) {
		*out = start;
		return 0;
	}
	seg[0][0] = wh->start * 60L;
	seg[0][1] = wh->lunch_start * 60L;
	seg[1][0] = wh->lunch_end * 60L;
	seg[1][1] = wh->end * 60L;
	rem = minutes * 60;
	day = cd_date_to_days(start.date);
	t = start.sec;
	for (;; day++, t = 0) {
		int w = working_or_missing(cal, day, err);

		if (w < 0)
			return -1;
		if (!w)
			continue;
		for (int i = 0; i < 2; i++) {
			if (t >= seg[i][1])
				continue;
			if (t < seg[i][0])
				t = seg[i][0];
			if (rem <= seg[i][1] - t) {
				t += rem;
				/* Closing at 24:00 ends at the next midnight. */
				if (t == 24 * 3600) {
					day++;
					t = 0;
				}
				out->date = cd_date_from_days(day);
				out->sec = (int)t;
				return 0;
			}
			rem -= seg[i][1] - t;
			t = seg[i][1];
		}
	}
}

int cd_add_working_hours(const struct cd_calendar *cal, time_t start, int hours,
			 const struct cd_work_hours *wh, time_t *out, struct cd_error *err)
{
	struct cd_datetime from, to;
	struct tm tm;
	time_t t;

	cd_error_clear(err);
	if (!out || hours < 0 || !localtime_r(&start, &tm)) {
		cd_error_set(err, CD_ERR_INVALID, N_("Invalid time or duration"), "%lld, %d h",
			     (long long)start, hours);
		return -1;
	}
	from.date = (struct cd_date){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
	/* A leap second (tm_sec 60) counts as the last second of its minute. */
	from.sec = tm.tm_hour * 3600 + tm.tm_min * 60 + (tm.tm_sec > 59 ? 59 : tm.tm_sec);
	if (cd_add_working_minutes(cal, from, hours * 60L, wh, &to, err) < 0)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = to.date.y - 1900;
	tm.tm_mon = to.date.m - 1;
	tm.tm_mday = to.date.d;
	tm.tm_hour = to.sec / 3600;
	tm.tm_min = to.sec / 60 % 60;
	tm.tm_sec = to.sec % 60;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1) {
		cd_error_set(err, CD_ERR_INVALID, N_("Invalid time or duration"), "%04d-%02d-%02d",
			     to.date.y, to.date.m, to.date.d);
		return -1;
	}
	*out = t;
	return 0;
}
