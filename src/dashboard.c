/* The dashboard's snapshot and the supervisor's actions (dashboard.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dashboard.h"
#include "db.h"
#include "util.h"

static int geti(const json_t *o, const char *k, int dflt)
{
	json_t *v = json_object_get(o, k);

	if (json_is_integer(v))
		return (int)json_integer_value(v);
	if (json_is_real(v))
		return (int)(json_real_value(v) + 0.5);
	return dflt;
}

static double getd(const json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_number(v) ? json_number_value(v) : 0.0;
}

static void gets_(char *dst, size_t n, const json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	snprintf(dst, n, "%s", json_is_string(v) ? json_string_value(v) : "");
}

/* An ISO 8601 time from PostgreSQL's JSON (2026-11-26T01:02:03.456+00:00). */
static time_t iso_time(const json_t *v)
{
	struct tm tm;
	int y, mo, d, h, mi, oh = 0, om = 0;
	double s;
	char sign = '+';
	const char *p, *z;

	if (!json_is_string(v))
		return 0;
	p = json_string_value(v);
	if (sscanf(p, "%d-%d-%dT%d:%d:%lf", &y, &mo, &d, &h, &mi, &s) != 6)
		return 0;
	z = strpbrk(p + 19, "+-Z");
	if (z && *z != 'Z') {
		sign = *z;
		sscanf(z + 1, "%d:%d", &oh, &om);
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = (int)s;
	return timegm(&tm) - (sign == '-' ? -1 : 1) * (time_t)(oh * 3600 + om * 60);
}

int cd_dashboard_parse(const char *json, struct cd_dashboard *out)
{
	json_t *o = json_loads(json, 0, NULL), *a, *e;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(o)) {
		json_decref(o);
		return -1;
	}
	gets_(out->day, sizeof(out->day), o, "day");
	out->hour = geti(o, "hour", 0);
	out->target_minutes = geti(o, "target_minutes", 0);
	out->service_seconds = geti(o, "service_seconds", 0);
	out->history_days = geti(o, "history_days", 0);
	out->factor = getd(o, "factor");
	json_array_foreach(json_object_get(o, "categories"), i, e) {
		struct cd_dash_category *c;

		if (out->ncat == CD_DASH_CATEGORIES)
			break;
		c = &out->cat[out->ncat++];
		gets_(c->code, sizeof(c->code), e, "code");
		gets_(c->name, sizeof(c->name), e, "name");
		c->waiting = geti(e, "waiting", 0);
		c->green = geti(e, "green", 0);
		c->issued = geti(e, "issued", 0);
		c->served = geti(e, "served", 0);
		c->longest_wait = geti(e, "longest_wait", -1);
		c->avg_wait = geti(e, "avg_wait", -1);
	}
	json_array_foreach(json_object_get(o, "windows"), i, e) {
		struct cd_dash_window *w;

		if (out->nwin == CD_DASH_WINDOWS)
			break;
		w = &out->win[out->nwin++];
		w->window_no = geti(e, "window", 0);
		gets_(w->categories, sizeof(w->categories), e, "categories");
		gets_(w->state, sizeof(w->state), e, "state");
		gets_(w->staff, sizeof(w->staff), e, "staff");
		gets_(w->staff_name, sizeof(w->staff_name), e, "staff_name");
		gets_(w->number, sizeof(w->number), e, "number");
		w->called_at = iso_time(json_object_get(e, "called_at"));
		w->served = geti(e, "served", 0);
		w->temporary = json_is_true(json_object_get(e, "temporary"));
	}
	json_array_foreach(json_object_get(o, "arrivals"), i, e) {
		if (out->nhours == CD_DASH_HOURS)
			break;
		out->hours[out->nhours].hour = geti(e, "hour", 0);
		out->hours[out->nhours].today = geti(e, "today", 0);
		out->hours[out->nhours].usual = getd(e, "usual");
		out->nhours++;
	}
	json_array_foreach(json_object_get(o, "forecast"), i, e) {
		if (out->nforecast == CD_DASH_FORECAST)
			break;
		out->forecast[out->nforecast].hour = geti(e, "hour", 0);
		out->forecast[out->nforecast].arrivals = getd(e, "arrivals");
		out->forecast[out->nforecast].windows = geti(e, "windows", 0);
		out->nforecast++;
	}
	json_array_foreach(json_object_get(o, "waits"), i, e) {
		if (out->nwaits == CD_DASH_WAITS)
			break;
		out->waits[out->nwaits].upto = geti(e, "upto", 0);
		out->waits[out->nwaits].called = geti(e, "called", 0);
		out->waits[out->nwaits].waiting = geti(e, "waiting", 0);
		out->nwaits++;
	}
	a = json_object_get(o, "green");
	out->green_today = geti(a, "sessions_today", 0);
	out->green_open = geti(a, "open_sessions", 0);
	out->green_followups = geti(a, "followups_open", 0);
	out->green_overdue = geti(a, "followups_overdue", 0);
	a = json_object_get(o, "ratings");
	for (i = 0; i < 5; i++) {
		json_t *v = json_array_get(json_object_get(a, "levels"), i);
		out->ratings[i] = json_is_integer(v) ? (int)json_integer_value(v) : 0;
	}
	out->bad_open = geti(a, "followups_open", 0);
	out->bad_overdue = geti(a, "followups_overdue", 0);
	out->escalations_today = geti(json_object_get(o, "escalations"), "today", 0);
	a = json_object_get(o, "departments");
	out->has_depts = json_is_array(a);
	json_array_foreach(a, i, e) {
		struct cd_dash_dept *d;

		if (out->ndept == CD_DASH_DEPTS)
			break;
		d = &out->dept[out->ndept++];
		gets_(d->code, sizeof(d->code), e, "dept_code");
		gets_(d->name, sizeof(d->name), e, "dept_name");
		d->open = geti(e, "open", 0);
		d->claimed = geti(e, "claimed", 0);
		d->returned = geti(e, "returned", 0);
		d->yellow = geti(e, "yellow", 0);
		d->red = geti(e, "red", 0);
		d->unclaimed_late = geti(e, "unclaimed_late", 0);
	}
	a = json_object_get(o, "sync");
	out->has_sync = json_is_array(a);
	json_array_foreach(a, i, e) {
		struct cd_dash_target *s;

		if (out->nsync == CD_DASH_TARGETS)
			break;
		s = &out->sync[out->nsync++];
		gets_(s->target, sizeof(s->target), e, "target");
		s->backlog = geti(e, "backlog", 0);
		s->oldest_pending = geti(e, "oldest_pending_seconds", 0);
		s->delivered_today = geti(e, "delivered_today", 0);
		s->failing = geti(e, "failing", 0);
		s->dead = geti(e, "dead", 0);
		gets_(s->last_error, sizeof(s->last_error), e, "last_error");
	}
	json_decref(o);
	return 0;
}

int cd_dashboard_fetch(struct cd_db *db, int target_minutes, struct cd_dashboard *out,
		       struct cd_error *err)
{
	char t[16];
	const char *p[1] = { NULL };
	PGresult *res;
	int rc;

	if (target_minutes > 0) {
		snprintf(t, sizeof(t), "%d", target_minutes);
		p[0] = t;
	}
	res = cd_db_exec(db, "SELECT api.dashboard($1::int)::text", 1, p, err);
	if (!res)
		return -1;
	rc = PQgetisnull(res, 0, 0) ? -1 : cd_dashboard_parse(PQgetvalue(res, 0, 0), out);
	PQclear(res);
	if (rc < 0)
		cd_error_set(err, CD_ERR_INTERNAL, "Unexpected answer from the database", NULL);
	return rc;
}

struct cd_db *cd_dashboard_reader_open(struct cd_db *primary, const char *conninfo, struct cd_error *err)
{
	return cd_db_open_like(primary, conninfo, "counterdesk-dashboard", err);
}

void cd_dashboard_reader_close(struct cd_db **reader)
{
	cd_db_close(reader);
}

static PGresult *op_exec(struct cd_db *db, const char *sql, int n, const char **params,
			 struct cd_error *err)
{
	char op[CD_UUID_LEN];

	cd_uuid4(op);
	params[0] = op;
	return cd_db_exec_op(db, op, sql, n, params, err);
}

int cd_window_open_temp(struct cd_db *db, int window, const char *categories, const char *reason,
			struct cd_error *err)
{
	char w[16];
	const char *p[4] = { NULL, w, categories, reason };
	PGresult *res;

	snprintf(w, sizeof(w), "%d", window);
	res = op_exec(db, "SELECT * FROM api.temp_window_open($1::uuid, $2::int, string_to_array($3, ','), $4)",
		      4, p, err);
	if (!res)
		return -1;
	PQclear(res);
	return 0;
}

int cd_window_close_temp(struct cd_db *db, int window, const char *reason, struct cd_error *err)
{
	char w[16];
	const char *p[3] = { NULL, w, reason };
	PGresult *res;

	snprintf(w, sizeof(w), "%d", window);
	res = op_exec(db, "SELECT * FROM api.temp_window_close($1::uuid, $2::int, $3)", 3, p, err);
	if (!res)
		return -1;
	PQclear(res);
	return 0;
}

int cd_case_escalate(struct cd_db *db, const char *case_no, const char *reason, int *count,
		     struct cd_error *err)
{
	const char *p[3] = { NULL, case_no, reason };
	PGresult *res = op_exec(db, "SELECT escalations FROM api.case_escalate($1::uuid, $2, $3)", 3, p, err);

	if (!res)
		return -1;
	if (count)
		*count = PQntuples(res) ? atoi(PQgetvalue(res, 0, 0)) : 0;
	PQclear(res);
	return 0;
}
