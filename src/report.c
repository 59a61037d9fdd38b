/* counterdesk report: figures from api.report written for people (text),
 * for spreadsheets (CSV, one figure a line) or for programs (JSON). The
 * text form knows the sections; the CSV form walks whatever the server
 * sends, so sections added by later migrations (departments, sync) appear
 * in it without a change here. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hall.h"
#include "i18n.h"
#include "report.h"
#include "text.h"

json_t *cd_report_fetch(struct cd_db *db, const char *from, const char *to, struct cd_error *err)
{
	const char *p[2] = { from, to };
	PGresult *res = cd_db_exec(db, "SELECT api.report($1::date, $2::date)::text", 2, p, err);
	json_t *o;

	if (!res)
		return NULL;
	o = PQgetisnull(res, 0, 0) ? NULL : json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	if (!o)
		cd_error_set(err, CD_ERR_INTERNAL, "Unexpected answer from the database", NULL);
	return o;
}

int cd_report_period(const char *kind, const char *day, char *from, char *to)
{
	struct tm tm;
	const char *end;
	time_t t;
	int back, mday;

	memset(&tm, 0, sizeof(tm));
	end = day ? strptime(day, "%Y-%m-%d", &tm) : NULL;
	if (!end || *end)
		return -1;
	tm.tm_hour = 12; /* away from any daylight-saving edge */
	tm.tm_isdst = -1;
	mday = tm.tm_mday;
	t = mktime(&tm);
	if (t == (time_t)-1 || tm.tm_mday != mday)
		return -1; /* 2025-02-30 would have become 2025-03-02 */
	if (!strcmp(kind, "monthly")) {
		localtime_r(&t, &tm);
		tm.tm_mday = 1;
		strftime(from, 11, "%Y-%m-%d", &tm);
		tm.tm_mon += 1;
		tm.tm_mday = 0; /* the day before the first of the next month */
		tm.tm_isdst = -1;
		if (mktime(&tm) == (time_t)-1)
			return -1;
		strftime(to, 11, "%Y-%m-%d", &tm);
		return 0;
	}
	if (!strcmp(kind, "weekly")) {
		localtime_r(&t, &tm);
		back = (tm.tm_wday + 6) % 7; /* days since Monday */
		t -= (time_t)back * 86400;
		localtime_r(&t, &tm);
		strftime(from, 11, "%Y-%m-%d", &tm);
		t += 6 * 86400;
		localtime_r(&t, &tm);
		strftime(to, 11, "%Y-%m-%d", &tm);
		return 0;
	}
	localtime_r(&t, &tm);
	strftime(from, 11, "%Y-%m-%d", &tm);
	strftime(to, 11, "%Y-%m-%d", &tm);
	return 0;
}

/* ---- CSV: section,key,metric,value ---- */

static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void scalar_text(const json_t *v, char *buf, size_t len)
{
	if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%.10g", json_real_value(v));
	else if (json_is_true(v))
		snprintf(buf, len, "true");
	else if (json_is_false(v))
		snprintf(buf, len, "false");
	else
		buf[0] = '\0';
}

/* The members that name a table row, in the order they make its key
 * ("MZ/newborn" for a department's item). */
static const char *const key_members[] = { "category", "dept_code", "dept", "item", "target", "code", "day" };

static bool is_key_member(const char *k)
{
	for (size_t i = 0; i < sizeof(key_members) / sizeof(key_members[0]); i++)
		if (!strcmp(k, key_members[i]))
			return true;
	return false;
}

static void row_key(const json_t *o, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(key_members) / sizeof(key_members[0]) && n < len; i++) {
		json_t *v = json_object_get(o, key_members[i]);

		if (json_is_string(v))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "/" : "", json_string_value(v));
	}
}

static void csv_walk(FILE *f, const char *section, const char *key, const char *prefix, const json_t *v)
{
	char path[256], val[512];
	const char *k;
	json_t *m;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, m) {
			snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "", k);
			csv_walk(f, section, key, path, m);
		}
		return;
	}
	if (json_is_array(v)) {
		json_array_foreach(v, i, m) {
			if (json_is_object(m)) {
				char kv[256];
				const char *mk;
				json_t *mv;

				row_key(m, kv, sizeof(kv));
				json_object_foreach(m, mk, mv) {
					if (is_key_member(mk) && json_is_string(mv))
						continue;
					snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "", mk);
					csv_walk(f, section, kv, path, mv);
				}
			} else {
				snprintf(path, sizeof(path), "%s%s%zu", prefix, *prefix ? "." : "", i + 1);
				csv_walk(f, section, key, path, m);
			}
		}
		return;
	}
	scalar_text(v, val, sizeof(val));
	csv_field(f, section);
	fputc(',', f);
	csv_field(f, key);
	fputc(',', f);
	csv_field(f, prefix);
	fputc(',', f);
	csv_field(f, val);
	fputc('\n', f);
}

static void write_csv(FILE *f, const json_t *r)
{
	const char *k;
	json_t *v;

	fputs("section,key,metric,value\n", f);
	json_object_foreach((json_t *)r, k, v) {
		if (!strcmp(k, "from") || !strcmp(k, "to"))
			csv_walk(f, "period", "", k, v);
		else
			csv_walk(f, k, "", "", v);
	}
}

/* ---- text ---- */

static long long num(const json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}

static const char *duration(const json_t *v, char *buf, size_t len)
{
	if (!json_is_integer(v)) {
		snprintf(buf, len, "-");
		return buf;
	}
	long long s = (long long)json_integer_value(v);
	snprintf(buf, len, "%lld:%02lld", s / 60, s % 60);
	return buf;
}

static const char *percent(long long part, long long whole, char *buf, size_t len)
{
	if (whole <= 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f%%", 100.0 * (double)part / (double)whole);
	return buf;
}

static void cell(FILE *f, const char *s, int width)
{
	cd_print_padded(f, s, width);
	fputc(' ', f);
}

static void cell_num(FILE *f, long long n, int width)
{
	char b[32];

	snprintf(b, sizeof(b), "%*lld", width, n);
	fputs(b, f);
	fputc(' ', f);
}

static void write_tickets(FILE *f, const json_t *a)
{
	char x[32], y[32], label[160];
	size_t i;
	json_t *t;

	fprintf(f, "\n%s\n", _("Tickets and waiting time (minutes:seconds, issue to first call)"));
	fputs("  ", f);
	cell(f, _("Category"), 18);
	cell(f, _("Issued"), 7);
	cell(f, _("Served"), 7);
	cell(f, _("No-show"), 7);
	cell(f, _("Closed"), 7);
	cell(f, _("Median"), 8);
	cell(f, _("90th pct"), 8);
	fputc('\n', f);
	json_array_foreach(a, i, t) {
		snprintf(label, sizeof(label), "%s %s", json_string_value(json_object_get(t, "category")),
			 json_is_string(json_object_get(t, "name")) ? json_string_value(json_object_get(t, "name")) : "");
		fputs("  ", f);
		cell(f, label, 18);
		cell_num(f, num(t, "issued"), 7);
		cell_num(f, num(t, "served"), 7);
		cell_num(f, num(t, "no_show"), 7);
		cell_num(f, num(t, "closed"), 7);
		snprintf(label, sizeof(label), "%8s", duration(json_object_get(t, "wait_median"), x, sizeof(x)));
		cell(f, label, 8);
		snprintf(label, sizeof(label), "%8s", duration(json_object_get(t, "wait_p90"), y, sizeof(y)));
		cell(f, label, 8);
		fputc('\n', f);
	}
	if (!json_array_size(a))
		fprintf(f, "  %s\n", _("No tickets in the period."));
}

static void write_cases(FILE *f, const json_t *c, const json_t *items)
{
	char p[32];
	size_t i;
	json_t *t;
	long long n = num(c, "accepted"), oc = num(c, "on_commitment");

	fprintf(f, "\n%s\n", _("Cases"));
	fprintf(f, _("  Accepted: %lld; done with at most one visit (最多跑一次): %lld (%s)\n"), n,
		num(c, "one_visit"), percent(num(c, "one_visit"), n, p, sizeof(p)));
	fprintf(f, _("  Accepted on commitment (容缺): %lld; made good in time: %lld (%s), late: %lld, overdue: %lld, not yet due: %lld\n"),
		oc, num(c, "commitment_met_in_time"), percent(num(c, "commitment_met_in_time"), oc, p, sizeof(p)),
		num(c, "commitment_met_late"), num(c, "commitment_overdue"), num(c, "commitment_pending"));
	if (!json_array_size(items))
		return;
	fputs("  ", f);
	cell(f, _("Item"), 28);
	cell(f, _("Accepted"), 8);
	cell(f, _("One visit"), 9);
	cell(f, _("On commitment"), 13);
	fputc('\n', f);
	json_array_foreach(items, i, t) {
		char label[200];
		json_t *name = json_object_get(t, "name");

		snprintf(label, sizeof(label), "%s %s", json_string_value(json_object_get(t, "item")),
			 json_is_string(name) ? json_string_value(name) : "");
		fputs("  ", f);
		cell(f, label, 28);
		cell_num(f, num(t, "accepted"), 8);
		cell_num(f, num(t, "one_visit"), 9);
		cell_num(f, num(t, "on_commitment"), 13);
		fputc('\n', f);
	}
}

static void write_ratings(FILE *f, const json_t *r)
{
	const json_t *l = json_object_get(r, "levels"), *fu = json_object_get(r, "followups");

	fprintf(f, "\n%s\n ", _("Ratings (好差评)"));
	for (size_t i = 0; i < 5; i++) {
		json_t *v = json_array_get(l, i);
		fprintf(f, " %zu %s: %lld%s", i + 1, cd_rating_level_label((int)i + 1), json_is_integer(v) ? (long long)json_integer_value(v) : 0,
			i < 4 ? ";" : "\n");
	}
	fprintf(f, _("  Bad ratings: %lld (void after appeal: %lld); awaiting call back: %lld, awaiting rectification: %lld, closed: %lld (in time: %lld), cancelled: %lld, overdue: %lld\n"),
		num(r, "bad"), num(r, "void"), num(fu, "awaiting_callback"), num(fu, "awaiting_rectification"),
		num(fu, "closed"), num(fu, "closed_in_time"), num(fu, "cancelled"), num(fu, "overdue"));
}

static void write_green(FILE *f, const json_t *g)
{
	const json_t *o = json_object_get(g, "outcomes");

	fprintf(f, "\n%s\n", _("Assisted sessions (green channel)"));
	fprintf(f, _("  Sessions: %lld (ended %lld); done: %lld, referred: %lld, home visit: %lld, still open: %lld\n"),
		num(g, "sessions"), num(g, "ended"), num(o, "done"), num(o, "referred"), num(o, "home_visit"),
		num(o, "open"));
}

/* With routing: on-time completion per department and item, returns for
 * correction per department, cases completed by the promised date. */
static void write_tasks(FILE *f, const json_t *on_time, const json_t *returns, const json_t *done)
{
	char p[32], label[200];
	size_t i;
	json_t *t;

	fprintf(f, "\n%s\n", _("On-time completion (tasks decided in the period)"));
	if (json_array_size(on_time)) {
		fputs("  ", f);
		cell(f, _("Department / item"), 30);
		cell(f, _("Decided"), 8);
		cell(f, _("On time"), 8);
		cell(f, _("Rate"), 7);
		fputc('\n', f);
	} else {
		fprintf(f, "  %s\n", _("No task was decided in the period."));
	}
	json_array_foreach(on_time, i, t) {
		snprintf(label, sizeof(label), "%s / %s", json_string_value(json_object_get(t, "dept_code")),
			 json_string_value(json_object_get(t, "item")));
		fputs("  ", f);
		cell(f, label, 30);
		cell_num(f, num(t, "decided"), 8);
		cell_num(f, num(t, "on_time"), 8);
		snprintf(label, sizeof(label), "%7s", percent(num(t, "on_time"), num(t, "decided"), p, sizeof(p)));
		cell(f, label, 7);
		fputc('\n', f);
	}
	fprintf(f, _("  Cases completed: %lld, by the promised date: %lld (%s)\n"), num(done, "completed"),
		num(done, "by_promised_date"), percent(num(done, "by_promised_date"), num(done, "completed"), p, sizeof(p)));
	fprintf(f, "  %s", _("Returns for correction:"));
	json_array_foreach(returns, i, t)
		fprintf(f, " %s %lld", json_string_value(json_object_get(t, "dept_code")), num(t, "returned"));
	fputs(json_array_size(returns) ? "\n" : " 0\n", f);
}

/* With sync: delivered and failed per target. */
static void write_sync(FILE *f, const json_t *a)
{
	size_t i;
	json_t *t;

	fprintf(f, "\n%s\n", _("Sync to department systems"));
	json_array_foreach(a, i, t)
		fprintf(f, _("  %s: delivered %lld, failed and parked %lld, failing now %lld\n"),
			json_string_value(json_object_get(t, "target")), num(t, "delivered"), num(t, "failed"),
			num(t, "pending_failing"));
	if (!json_array_size(a))
		fprintf(f, "  %s\n", _("No sync target is configured."));
}

/* Sections the text form does not know (added later): one line a figure. */
static void write_other(FILE *f, const char *section, const json_t *v)
{
	fprintf(f, "\n%s\n", section);
	csv_walk(f, section, "", "", v);
}

static void write_text(FILE *f, const json_t *r)
{
	const char *k;
	json_t *v;

	fprintf(f, _("Centre report %s to %s\n"), json_string_value(json_object_get(r, "from")),
		json_string_value(json_object_get(r, "to")));
	write_tickets(f, json_object_get(r, "tickets"));
	write_cases(f, json_object_get(r, "cases"), json_object_get(r, "items"));
	write_ratings(f, json_object_get(r, "ratings"));
	write_green(f, json_object_get(r, "green"));
	if (json_object_get(r, "on_time"))
		write_tasks(f, json_object_get(r, "on_time"), json_object_get(r, "returns"),
			    json_object_get(r, "cases_completed"));
	if (json_object_get(r, "sync"))
		write_sync(f, json_object_get(r, "sync"));
	fprintf(f, "\n%s %lld\n", _("Cases escalated by a supervisor:"), num(r, "escalations"));
	json_object_foreach((json_t *)r, k, v) {
		static const char *const known[] = { "from", "to", "tickets", "cases", "items", "ratings",
						     "green", "escalations", "on_time", "returns",
						     "cases_completed", "sync" };
		bool seen = false;

		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			seen = seen || !strcmp(k, known[i]);
		if (!seen)
			write_other(f, k, v);
	}
}

void cd_report_write(FILE *f, const json_t *r, enum cd_report_format fmt)
{
	char *s;

	switch (fmt) {
	case CD_REPORT_CSV:
		write_csv(f, r);
		break;
	case CD_REPORT_JSON:
		s = json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS);
		if (s) {
			fputs(s, f);
			fputc('\n', f);
			free(s);
		}
		break;
	default:
		write_text(f, r);
		break;
	}
}
