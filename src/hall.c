/* The hall through the api functions of sql/030_hall.sql, 031_green.sql and
 * 032_ratings.sql, and hall.ini read with iniparser. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <iniparser/iniparser.h>
#include <jansson.h>
#include <sodium.h>

#include "crypto.h"
#include "db.h"
#include "dbrow.h"
#include "hall.h"
#include "i18n.h"
#include "ini.h"
#include "mask.h"
#include "util.h"
#include "validate.h"

/* ==== hall.ini ============================================================= */


static const char *const rule_keys[] = {
	"priority_cap", "ordinary_wait_minutes", "recall_limit", "closing_time",
	"at_closing", "close_reason", "green_category",
};
static const char *const rating_keys[] = { "callback_working_days", "rectify_working_days" };

static void fail(char *err, size_t errlen, const char *path, const char *section,
		 const char *key, const char *what)
{
	if (key)
		snprintf(err, errlen, _("%s: [%s] %s: expected %s"), path, section, key, what);
	else if (section)
		snprintf(err, errlen, _("%s: [%s]: %s"), path, section, what);
	else
		snprintf(err, errlen, "%s: %s", path, what);
}

/* Characters of valid UTF-8 text without control characters; -1 otherwise. */
static long utf8_printable_chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;

	while (*p) {
		int len = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 :
			  (*p & 0xF8) == 0xF0 ? 4 : 0;

		if (!len || (len == 2 && *p < 0xC2))
			return -1;
		if (len == 1 && (*p < 0x20 || *p == 0x7F))
			return -1;
		for (int i = 1; i < len; i++)
			if ((p[i] & 0xC0) != 0x80)
				return -1;
		p += len;
		n++;
	}
	return n;
}

static bool parse_int(const char *v, int lo, int hi, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < lo || n > hi)
		return false;
	*out = (int)n;
	return true;
}

static bool parse_hhmm(const char *v, char out[6])
{
	if (strlen(v) != 5 || !isdigit((unsigned char)v[0]) || !isdigit((unsigned char)v[1]) ||
	    v[2] != ':' || !isdigit((unsigned char)v[3]) || !isdigit((unsigned char)v[4]))
		return false;
	if ((v[0] - '0') * 10 + (v[1] - '0') > 23 || (v[3] - '0') * 10 + (v[4] - '0') > 59)
		return false;
	memcpy(out, v, 6);
	return true;
}

static bool known(const char *const *list, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], key))
			return true;
	return false;
}

static const char *ini_get(dictionary *d, const char *section, const char *key)
{
	char full[128];

	snprintf(full, sizeof(full), "%s:%s", section, key);
	return iniparser_getstring(d, full, NULL);
}


static int cmp_category(const void *a, const void *b)
{
	return ((const struct cd_hall_category *)a)->code - ((const struct cd_hall_category *)b)->code;
}

static int cmp_window(const void *a, const void *b)
{
	return ((const struct cd_hall_window *)a)->window_no - ((const struct cd_hall_window *)b)->window_no;
}

static bool has_category(const struct cd_hall_config *c, char code)
{
	for (size_t i = 0; i < c->ncategories; i++)
		if (c->categories[i].code == code)
			return true;
	return false;
}

static int load_rules(dictionary *d, struct cd_hall_config *c, char *err, size_t errlen)
{
	struct { const char *key; int lo, hi; int *dst; const char *section; } ints[] = {
		{ "priority_cap", 1, 50, &c->priority_cap, "rules" },
		{ "ordinary_wait_minutes", 1, 1440, &c->ordinary_wait_minutes, "rules" },
		{ "recall_limit", 0, 20, &c->recall_limit, "rules" },
		{ "callback_working_days", 1, 30, &c->callback_working_days, "ratings" },
		{ "rectify_working_days", 1, 60, &c->rectify_working_days, "ratings" },
	};
	const char *v;
	char what[128];

	for (size_t i = 0; i < ARRAY_SIZE(ints); i++) {
		v = ini_get(d, ints[i].section, ints[i].key);
		if (v && !parse_int(v, ints[i].lo, ints[i].hi, ints[i].dst)) {
			snprintf(what, sizeof(what), _("a whole number from %d to %d"), ints[i].lo, ints[i].hi);
			fail(err, errlen, c->path, ints[i].section, ints[i].key, what);
			return -1;
		}
	}
	if (c->rectify_working_days < c->callback_working_days) {
		fail(err, errlen, c->path, "ratings", "rectify_working_days",
		     _("no fewer days than callback_working_days"));
		return -1;
	}
	v = ini_get(d, "rules", "closing_time");
	if (v && !parse_hhmm(v, c->closing_time)) {
		fail(err, errlen, c->path, "rules", "closing_time", _("a time of day HH:MM, e.g. 17:00"));
		return -1;
	}
	v = ini_get(d, "rules", "at_closing");
	if (v) {
		if (strcmp(v, "close") && strcmp(v, "carry")) {
			fail(err, errlen, c->path, "rules", "at_closing",
			     _("close (close waiting tickets) or carry (keep them for the next day)"));
			return -1;
		}
		snprintf(c->at_closing, sizeof(c->at_closing), "%s", v);
	}
	v = ini_get(d, "rules", "close_reason");
	if (v) {
		long n = utf8_printable_chars(v);

		if (n < 1 || n > 200) {
			fail(err, errlen, c->path, "rules", "close_reason",
			     _("a reason of 1 to 200 characters"));
			return -1;
		}
		free(c->close_reason);
		c->close_reason = xstrdup(v);
	}
	v = ini_get(d, "rules", "green_category");
	if (v) {
		if (strlen(v) != 1 || !isalpha((unsigned char)v[0])) {
			fail(err, errlen, c->path, "rules", "green_category",
			     _("one of the category letters of [categories]"));
			return -1;
		}
		c->green_category = (char)toupper((unsigned char)v[0]);
	}
	return 0;
}

static int load_categories(dictionary *d, struct cd_hall_config *c, char *err, size_t errlen)
{
	int n;
	const char **keys = cd_ini_section_keys(d, "categories", &n);

	if (n == 0) {
		free(keys);
		fail(err, errlen, c->path, "categories", NULL, _("at least one category is required"));
		return -1;
	}
	c->categories = xcalloc((size_t)n, sizeof(*c->categories));
	for (int i = 0; i < n; i++) {
		const char *name = ini_get(d, "categories", keys[i]);
		long chars = name ? utf8_printable_chars(name) : -1;

		if (strlen(keys[i]) != 1 || !isalpha((unsigned char)keys[i][0]) ||
		    !isascii((unsigned char)keys[i][0])) {
			snprintf(err, errlen, _("%s: [%s] %s: the key must be one letter A to Z (the category code)"),
				 c->path, "categories", keys[i]);
			free(keys);
			return -1;
		}
		if (chars < 1 || chars > CD_HALL_NAME_MAX) {
			fail(err, errlen, c->path, "categories", keys[i],
			     _("a category name of 1 to 32 characters"));
			free(keys);
			return -1;
		}
		c->categories[c->ncategories].code = (char)toupper((unsigned char)keys[i][0]);
		snprintf(c->categories[c->ncategories].name, sizeof(c->categories[0].name), "%s", name);
		c->ncategories++;
	}
	free(keys);
	qsort(c->categories, c->ncategories, sizeof(*c->categories), cmp_category);
	return 0;
}

static int load_windows(dictionary *d, struct cd_hall_config *c, char *err, size_t errlen)
{
	int n;
	const char **keys = cd_ini_section_keys(d, "windows", &n);
	char what[160];

	if (n == 0) {
		free(keys);
		fail(err, errlen, c->path, "windows", NULL, _("at least one window is required"));
		return -1;
	}
	c->windows = xcalloc((size_t)n, sizeof(*c->windows));
	for (int i = 0; i < n; i++) {
		struct cd_hall_window *w = &c->windows[c->nwindows];
		const char *v = ini_get(d, "windows", keys[i]);
		size_t nc = 0;

		if (!parse_int(keys[i], 1, 999, &w->window_no)) {
			snprintf(err, errlen, _("%s: [%s] %s: the key must be a window number from 1 to 999"),
				 c->path, "windows", keys[i]);
			goto bad;
		}
		for (size_t j = 0; j < c->nwindows; j++) {
			if (c->windows[j].window_no == w->window_no) {
				snprintf(err, errlen, _("%s: [%s] %s: window %d is listed twice"),
					 c->path, "windows", keys[i], w->window_no);
				goto bad;
			}
		}
		/* "A, B ,C": letters separated by commas. */
		for (const char *p = v ? v : ""; *p;) {
			char code;

			while (*p == ' ' || *p == '\t')
				p++;
			code = (char)toupper((unsigned char)*p);
			if (!isascii((unsigned char)*p) || !isalpha((unsigned char)*p) || !has_category(c, code))
				goto bad_list;
			p++;
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p && *p != ',')
				goto bad_list;
			if (strchr(w->categories, code)) {
				snprintf(what, sizeof(what), _("each category once (%c is listed twice)"), code);
				fail(err, errlen, c->path, "windows", keys[i], what);
				goto bad;
			}
			w->categories[nc++] = code;
			if (*p == ',') {
				p++;
				if (!*p)
					goto bad_list;
			}
		}
		if (nc == 0)
			goto bad_list;
		c->nwindows++;
		continue;
bad_list:
		fail(err, errlen, c->path, "windows", keys[i],
		     _("letters of [categories] separated by commas, e.g. A, B"));
		goto bad;
	}
	free(keys);
	qsort(c->windows, c->nwindows, sizeof(*c->windows), cmp_window);
	return 0;
bad:
	free(keys);
	return -1;
}

/* Every section and key must be one we know: a misspelt key silently
 * ignored is a rule the centre believes is in force. */
static int check_unknown(dictionary *d, const char *path, char *err, size_t errlen)
{
	int nsec = iniparser_getnsec(d);

	for (int s = 0; s < nsec; s++) {
		const char *sec = iniparser_getsecname(d, s);
		const char *const *list;
		size_t nlist;
		const char **keys;
		int n;

		if (!strcmp(sec, "categories") || !strcmp(sec, "windows"))
			continue;
		if (!strcmp(sec, "rules")) {
			list = rule_keys;
			nlist = ARRAY_SIZE(rule_keys);
		} else if (!strcmp(sec, "ratings")) {
			list = rating_keys;
			nlist = ARRAY_SIZE(rating_keys);
		} else {
			fail(err, errlen, path, sec, NULL, _("unknown section"));
			return -1;
		}
		keys = cd_ini_section_keys(d, sec, &n);
		for (int k = 0; k < n; k++) {
			if (!known(list, nlist, keys[k])) {
				snprintf(err, errlen, _("%s: [%s] %s: unknown key"), path, sec, keys[k]);
				free(keys);
				return -1;
			}
		}
		free(keys);
	}
	return 0;
}

int cd_hall_config_load(const char *path, struct cd_hall_config **out, char *err, size_t errlen)
{
	struct cd_hall_config *c;
	dictionary *d;
	char what[160];

	*out = NULL;
	d = cd_ini_load(path, CD_INI_CONFIG, err, errlen);
	if (!d)
		return -1;
	if (check_unknown(d, path, err, errlen) < 0) {
		iniparser_freedict(d);
		return -1;
	}

	c = xcalloc(1, sizeof(*c));
	c->path = xstrdup(path);
	c->priority_cap = 3;
	c->ordinary_wait_minutes = 20;
	c->recall_limit = 2;
	memcpy(c->closing_time, "17:00", 6);
	memcpy(c->at_closing, "close", 6);
	c->close_reason = xstrdup(_("The hall closed before the ticket was called"));
	c->green_category = 'G';
	c->callback_working_days = 1;
	c->rectify_working_days = 15;

	if (load_categories(d, c, err, errlen) < 0 || load_rules(d, c, err, errlen) < 0 ||
	    load_windows(d, c, err, errlen) < 0)
		goto bad;
	if (!has_category(c, c->green_category)) {
		fail(err, errlen, c->path, "rules", "green_category",
		     _("one of the category letters of [categories]"));
		goto bad;
	}
	for (size_t i = 0; i < c->ncategories; i++) {
		bool served = false;

		for (size_t j = 0; j < c->nwindows && !served; j++)
			served = strchr(c->windows[j].categories, c->categories[i].code) != NULL;
		if (!served) {
			snprintf(what, sizeof(what), _("no window serves category %c"), c->categories[i].code);
			fail(err, errlen, c->path, "windows", NULL, what);
			goto bad;
		}
	}
	iniparser_freedict(d);
	*out = c;
	return 0;
bad:
	iniparser_freedict(d);
	cd_hall_config_free(&c);
	return -1;
}

void cd_hall_config_free(struct cd_hall_config **cp)
{
	struct cd_hall_config *c = *cp;

	if (!c)
		return;
	free(c->path);
	free(c->close_reason);
	free(c->categories);
	free(c->windows);
	free(c);
	*cp = NULL;
}

char *cd_hall_config_json(const struct cd_hall_config *c)
{
	json_t *root = json_object(), *cats = json_array(), *wins = json_array();
	char green[2] = { c->green_category, '\0' };
	char *s;

	json_object_set_new(root, "rules", json_pack("{s:i, s:i, s:i, s:s, s:s, s:s, s:s}",
		"priority_cap", c->priority_cap, "ordinary_wait_minutes", c->ordinary_wait_minutes,
		"recall_limit", c->recall_limit, "closing_time", c->closing_time,
		"at_closing", c->at_closing, "close_reason", c->close_reason, "green_category", green));
	json_object_set_new(root, "ratings", json_pack("{s:i, s:i}",
		"callback_working_days", c->callback_working_days,
		"rectify_working_days", c->rectify_working_days));
	for (size_t i = 0; i < c->ncategories; i++) {
		char code[2] = { c->categories[i].code, '\0' };

		json_array_append_new(cats, json_pack("{s:s, s:s}", "code", code,
						      "name", c->categories[i].name));
	}
	for (size_t i = 0; i < c->nwindows; i++) {
		json_t *letters = json_array();

		for (const char *p = c->windows[i].categories; *p; p++) {
			char code[2] = { *p, '\0' };
			json_array_append_new(letters, json_string(code));
		}
		json_array_append_new(wins, json_pack("{s:i, s:o}", "window", c->windows[i].window_no,
						      "categories", letters));
	}
	json_object_set_new(root, "categories", cats);
	json_object_set_new(root, "windows", wins);
	s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!s) {
		fputs("counterdesk: out of memory\n", stderr);
		abort();
	}
	return s;
}

/* ==== database helpers ======================================================= */

static int op_void(struct cd_db *db, const char *sql, int n, const char **params,
		   struct cd_error *err)
{
	PGresult *res = op_exec(db, sql, n, params, err);

	if (!res)
		return -1;
	PQclear(res);
	return 0;
}

/* A text[] column as "a,b,c" (the elements here never contain commas,
 * quotes or spaces: case numbers, needs, letters). */
static void array_at(char *dst, size_t n, const PGresult *res, int row, int col)
{
	const char *v = PQgetisnull(res, row, col) ? "{}" : PQgetvalue(res, row, col);
	size_t len = strlen(v), o = 0;

	for (size_t i = 0; i < len && o + 1 < n; i++)
		if (v[i] != '{' && v[i] != '}' && v[i] != '"')
			dst[o++] = v[i];
	dst[o] = '\0';
}

/* A PostgreSQL array literal of text values, each quoted and escaped. */
static char *pg_array(const char *const *v, size_t n)
{
	size_t cap = 3;
	char *out, *p;

	for (size_t i = 0; i < n; i++)
		cap += strlen(v[i]) * 2 + 3;
	out = p = xmalloc(cap);
	*p++ = '{';
	for (size_t i = 0; i < n; i++) {
		if (i)
			*p++ = ',';
		*p++ = '"';
		for (const char *s = v[i]; *s; s++) {
			if (*s == '"' || *s == '\\')
				*p++ = '\\';
			*p++ = *s;
		}
		*p++ = '"';
	}
	*p++ = '}';
	*p = '\0';
	return out;
}

static const char *window_param(int window, char buf[16])
{
	if (window <= 0)
		return NULL;
	snprintf(buf, 16, "%d", window);
	return buf;
}

static const char *ll_param(long long v, char buf[24])
{
	snprintf(buf, 24, "%lld", v);
	return buf;
}

static int one_row(PGresult *res, struct cd_error *err)
{
	if (PQntuples(res) != 1) {
		PQclear(res);
		cd_error_set(err, CD_ERR_INTERNAL, "Unexpected answer from the database", NULL);
		return -1;
	}
	return 0;
}

int cd_hall_listen(struct cd_db *db, struct cd_error *err)
{
	PGresult *res = cd_db_exec(db, "LISTEN " CD_HALL_CHANNEL, 0, NULL, err);

	if (!res)
		return -1;
	PQclear(res);
	return 0;
}

int cd_hall_load(struct cd_db *db, const struct cd_hall_config *cfg, int *ncat, int *nwin,
		 struct cd_error *err)
{
	char *json = cd_hall_config_json(cfg);
	const char *p[2] = { NULL, json };
	PGresult *res = op_exec(db, "SELECT categories, windows FROM api.hall_load($1::uuid, $2::jsonb)",
				2, p, err);

	free(json);
	if (!res || one_row(res, err) < 0)
		return -1;
	if (ncat)
		*ncat = int_at(res, 0, 0, 0);
	if (nwin)
		*nwin = int_at(res, 0, 1, 0);
	PQclear(res);
	return 0;
}

int cd_hall_config_fetch(struct cd_db *db, char **json, struct cd_error *err)
{
	PGresult *res = cd_db_exec(db, "SELECT api.hall_config()::text", 0, NULL, err);

	*json = NULL;
	if (!res || one_row(res, err) < 0)
		return -1;
	*json = dup_at(res, 0, 0);
	PQclear(res);
	return 0;
}

/* ==== tickets and windows ===================================================== */

#define TICKET_COLS \
	"number, day::text, category, category_name, green, coalesce(appointment, ''), status," \
	" extract(epoch FROM issued_at)::bigint, extract(epoch FROM arrived_at)::bigint," \
	" extract(epoch FROM called_at)::bigint, extract(epoch FROM finished_at)::bigint," \
	" window_no, called_by, recalls, transfers, wait_seconds, service_seconds, carried," \
	" out_of_order_reason"
#define TICKET_NCOLS 19

static void ticket_clear(struct cd_ticket *t)
{
	memset(t, 0, sizeof(*t));
	t->ahead = -1;
	t->pri = -1;
	t->wait_seconds = -1;
}

static void ticket_from_row(const PGresult *res, int r, struct cd_ticket *t)
{
	ticket_clear(t);
	text_at(t->number, sizeof(t->number), res, r, 0);
	text_at(t->day, sizeof(t->day), res, r, 1);
	text_at(t->category, sizeof(t->category), res, r, 2);
	text_at(t->category_name, sizeof(t->category_name), res, r, 3);
	t->green = bool_at(res, r, 4);
	text_at(t->appointment, sizeof(t->appointment), res, r, 5);
	text_at(t->status, sizeof(t->status), res, r, 6);
	t->issued_at = time_at(res, r, 7);
	t->arrived_at = time_at(res, r, 8);
	t->called_at = time_at(res, r, 9);
	t->finished_at = time_at(res, r, 10);
	t->window_no = int_at(res, r, 11, 0);
	text_at(t->called_by, sizeof(t->called_by), res, r, 12);
	t->recalls = int_at(res, r, 13, 0);
	t->transfers = int_at(res, r, 14, 0);
	t->wait_seconds = int_at(res, r, 15, -1);
	t->service_seconds = int_at(res, r, 16, 0);
	t->carried = bool_at(res, r, 17);
	text_at(t->reason, sizeof(t->reason), res, r, 18);
}

/* A call that answers with one ticket row (TICKET_COLS, then maybe rule). */
static int ticket_op(struct cd_db *db, const char *sql, int n, const char **params,
		     bool with_rule, struct cd_ticket *out, struct cd_error *err)
{
	PGresult *res = op_exec(db, sql, n, params, err);

	ticket_clear(out);
	if (!res || one_row(res, err) < 0)
		return -1;
	ticket_from_row(res, 0, out);
	if (with_rule)
		text_at(out->rule, sizeof(out->rule), res, 0, TICKET_NCOLS);
	PQclear(res);
	return 0;
}

int cd_ticket_issue(struct cd_db *db, const char *category, bool green, const char *appointment,
		    struct cd_ticket *out, struct cd_error *err)
{
	const char *p[4] = { NULL, category, green ? "true" : "false", appointment };
	PGresult *res = op_exec(db,
		"SELECT number, day::text, category, category_name, green, coalesce(appointment, ''),"
		" extract(epoch FROM issued_at)::bigint, ahead"
		" FROM api.ticket_issue($1::uuid, $2, $3::boolean, $4)", 4, p, err);

	ticket_clear(out);
	if (!res || one_row(res, err) < 0)
		return -1;
	text_at(out->number, sizeof(out->number), res, 0, 0);
	text_at(out->day, sizeof(out->day), res, 0, 1);
	text_at(out->category, sizeof(out->category), res, 0, 2);
	text_at(out->category_name, sizeof(out->category_name), res, 0, 3);
	out->green = bool_at(res, 0, 4);
	text_at(out->appointment, sizeof(out->appointment), res, 0, 5);
	out->issued_at = out->arrived_at = time_at(res, 0, 6);
	out->ahead = int_at(res, 0, 7, -1);
	snprintf(out->status, sizeof(out->status), "waiting");
	PQclear(res);
	return 0;
}

int cd_ticket_list(struct cd_db *db, bool waiting_only, struct cd_ticket **out, size_t *n,
		   struct cd_error *err)
{
	const char *p[1] = { waiting_only ? "true" : "false" };
	PGresult *res = cd_db_exec(db,
		"SELECT " TICKET_COLS ", pri, to_window, cases FROM api.ticket_list($1::boolean)",
		1, p, err);
	int rows;

	*out = NULL;
	*n = 0;
	if (!res)
		return -1;
	rows = PQntuples(res);
	*out = xcalloc((size_t)rows + 1, sizeof(**out));
	for (int r = 0; r < rows; r++) {
		struct cd_ticket *t = &(*out)[r];

		ticket_from_row(res, r, t);
		t->pri = int_at(res, r, TICKET_NCOLS, -1);
		t->to_window = int_at(res, r, TICKET_NCOLS + 1, 0);
		array_at(t->cases, sizeof(t->cases), res, r, TICKET_NCOLS + 2);
	}
	*n = (size_t)rows;
	PQclear(res);
	return 0;
}

int cd_window_call(struct cd_db *db, int window, struct cd_ticket *out, struct cd_error *err)
{
	char w[16];
	const char *p[2] = { NULL, window_param(window, w) };

	return ticket_op(db, "SELECT " TICKET_COLS ", rule FROM api.window_call($1::uuid, $2::int)",
			 2, p, true, out, err);
}

int cd_window_call_ticket(struct cd_db *db, int window, const char *number, const char *reason,
			  struct cd_ticket *out, struct cd_error *err)
{
	char w[16];
	const char *p[4] = { NULL, window_param(window, w), number, reason };

	return ticket_op(db, "SELECT " TICKET_COLS ", rule"
			 " FROM api.window_call_ticket($1::uuid, $2::int, $3, $4)",
			 4, p, true, out, err);
}

int cd_window_recall(struct cd_db *db, int window, char number[16], int *recalls, int *limit,
		     struct cd_error *err)
{
	char w[16];
	const char *p[2] = { NULL, window_param(window, w) };
	PGresult *res = op_exec(db, "SELECT number, recalls, recall_limit"
				" FROM api.window_recall($1::uuid, $2::int)", 2, p, err);

	if (!res || one_row(res, err) < 0)
		return -1;
	text_at(number, 16, res, 0, 0);
	*recalls = int_at(res, 0, 1, 0);
	*limit = int_at(res, 0, 2, 0);
	PQclear(res);
	return 0;
}

int cd_window_noshow(struct cd_db *db, int window, struct cd_ticket *out, struct cd_error *err)
{
	char w[16];
	const char *p[2] = { NULL, window_param(window, w) };

	return ticket_op(db, "SELECT " TICKET_COLS " FROM api.window_noshow($1::uuid, $2::int)",
			 2, p, false, out, err);
}

int cd_window_transfer(struct cd_db *db, int window, const char *category, int to_window,
		       struct cd_ticket *out, struct cd_error *err)
{
	char w[16], to[16];
	const char *p[4] = { NULL, window_param(window, w), category, window_param(to_window, to) };

	return ticket_op(db, "SELECT " TICKET_COLS
			 " FROM api.window_transfer($1::uuid, $2::int, $3, $4::int)",
			 4, p, false, out, err);
}

int cd_window_pause(struct cd_db *db, int window, bool paused, struct cd_error *err)
{
	char w[16];
	const char *p[3] = { NULL, window_param(window, w), paused ? "true" : "false" };

	return op_void(db, "SELECT * FROM api.window_pause($1::uuid, $2::int, $3::boolean)", 3, p, err);
}

int cd_window_finish(struct cd_db *db, int window, const char *case_no, struct cd_ticket *out,
		     struct cd_error *err)
{
	char w[16];
	const char *p[3] = { NULL, window_param(window, w), case_no };

	return ticket_op(db, "SELECT " TICKET_COLS " FROM api.window_finish($1::uuid, $2::int, $3)",
			 3, p, false, out, err);
}

int cd_window_link_case(struct cd_db *db, int window, const char *case_no, char number[16],
			struct cd_error *err)
{
	char w[16];
	const char *p[3] = { NULL, window_param(window, w), case_no };
	PGresult *res = op_exec(db, "SELECT number FROM api.window_link_case($1::uuid, $2::int, $3)",
				3, p, err);

	if (!res || one_row(res, err) < 0)
		return -1;
	text_at(number, 16, res, 0, 0);
	PQclear(res);
	return 0;
}

int cd_hall_windows(struct cd_db *db, struct cd_window_state **out, size_t *n, struct cd_error *err)
{
	PGresult *res = cd_db_exec(db,
		"SELECT window_no, array_to_string(categories, ''), serves_green, paused, staff,"
		" staff_name, number, category, green, extract(epoch FROM called_at)::bigint, recalls,"
		" served_today, waiting FROM api.hall_windows()", 0, NULL, err);
	int rows;

	*out = NULL;
	*n = 0;
	if (!res)
		return -1;
	rows = PQntuples(res);
	*out = xcalloc((size_t)rows + 1, sizeof(**out));
	for (int r = 0; r < rows; r++) {
		struct cd_window_state *w = &(*out)[r];

		w->window_no = int_at(res, r, 0, 0);
		text_at(w->categories, sizeof(w->categories), res, r, 1);
		w->serves_green = bool_at(res, r, 2);
		w->paused = bool_at(res, r, 3);
		text_at(w->staff, sizeof(w->staff), res, r, 4);
		text_at(w->staff_name, sizeof(w->staff_name), res, r, 5);
		text_at(w->number, sizeof(w->number), res, r, 6);
		text_at(w->category, sizeof(w->category), res, r, 7);
		w->green = bool_at(res, r, 8);
		w->called_at = time_at(res, r, 9);
		w->recalls = int_at(res, r, 10, 0);
		w->served_today = int_at(res, r, 11, 0);
		w->waiting = int_at(res, r, 12, 0);
	}
	*n = (size_t)rows;
	PQclear(res);
	return 0;
}

int cd_hall_queue(struct cd_db *db, struct cd_queue_stat **out, size_t *n, struct cd_error *err)
{
	PGresult *res = cd_db_exec(db,
		"SELECT category, name, waiting, green, appointments, longest_wait_seconds, served,"
		" no_shows, closed, avg_wait_seconds, avg_service_seconds FROM api.hall_queue()",
		0, NULL, err);
	int rows;

	*out = NULL;
	*n = 0;
	if (!res)
		return -1;
	rows = PQntuples(res);
	*out = xcalloc((size_t)rows + 1, sizeof(**out));
	for (int r = 0; r < rows; r++) {
		struct cd_queue_stat *q = &(*out)[r];

		text_at(q->category, sizeof(q->category), res, r, 0);
		text_at(q->name, sizeof(q->name), res, r, 1);
		q->waiting = int_at(res, r, 2, 0);
		q->green = int_at(res, r, 3, 0);
		q->appointments = int_at(res, r, 4, 0);
		q->longest_wait_seconds = int_at(res, r, 5, -1);
		q->served = int_at(res, r, 6, 0);
		q->no_shows = int_at(res, r, 7, 0);
		q->closed = int_at(res, r, 8, 0);
		q->avg_wait_seconds = int_at(res, r, 9, -1);
		q->avg_service_seconds = int_at(res, r, 10, -1);
	}
	*n = (size_t)rows;
	PQclear(res);
	return 0;
}

int cd_hall_close_day(struct cd_db *db, const char *reason, bool early, struct cd_close_day *out,
		      struct cd_error *err)
{
	const char *p[3] = { NULL, reason, early ? "true" : "false" };
	PGresult *res = op_exec(db, "SELECT day::text, closed, carried, reason"
				" FROM api.hall_close_day($1::uuid, $2, $3::boolean)", 3, p, err);

	memset(out, 0, sizeof(*out));
	if (!res || one_row(res, err) < 0)
		return -1;
	text_at(out->day, sizeof(out->day), res, 0, 0);
	out->closed = int_at(res, 0, 1, 0);
	out->carried = int_at(res, 0, 2, 0);
	text_at(out->reason, sizeof(out->reason), res, 0, 3);
	PQclear(res);
	return 0;
}

/* ==== the green channel ========================================================= */

const char *const cd_green_needs[7] = {
	"vision", "hearing", "mobility", "cognitive", "language", "digital", "other",
};
const char *const cd_age_bands[4] = { "0-59", "60-69", "70-79", "80+" };

static const struct { const char *value, *label; } green_labels[] = {
	{ "vision", N_("vision") },
	{ "hearing", N_("hearing") },
	{ "mobility", N_("mobility") },
	{ "cognitive", N_("cognitive") },
	{ "language", N_("dialect or language") },
	{ "digital", N_("not used to digital services") },
	{ "other", N_("other need") },
	{ "done", N_("done") },
	{ "referred", N_("referred to a department") },
	{ "home_visit", N_("home visit needed") },
	{ "visitor", N_("the visitor") },
	{ "helper", N_("the helper") },
	{ "proxy", N_("the proxy") },
};

const char *cd_green_label(const char *value)
{
	for (size_t i = 0; i < ARRAY_SIZE(green_labels); i++)
		if (!strcmp(green_labels[i].value, value))
			return _(green_labels[i].label);
	return value;
}

/* "vision, Mobility" -> {"vision","mobility"} checked against the list. */
static char *needs_array(const char *needs, struct cd_error *err)
{
	const char *v[ARRAY_SIZE(cd_green_needs)];
	size_t n = 0;
	char *copy = xstrdup(needs ? needs : ""), *save = NULL, *out;

	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t i, len;
		bool dup = false;

		while (*tok == ' ')
			tok++;
		len = strlen(tok);
		while (len && tok[len - 1] == ' ')
			tok[--len] = '\0';
		if (!len)
			continue;
		for (char *q = tok; *q; q++)
			*q = (char)tolower((unsigned char)*q);
		for (i = 0; i < ARRAY_SIZE(cd_green_needs); i++)
			if (!strcmp(tok, cd_green_needs[i]))
				break;
		if (i == ARRAY_SIZE(cd_green_needs)) {
			cd_error_set(err, CD_ERR_INVALID, "Unknown need", "%s", tok);
			free(copy);
			return NULL;
		}
		for (size_t j = 0; j < n; j++)
			dup |= v[j] == cd_green_needs[i];
		if (!dup)
			v[n++] = cd_green_needs[i];
	}
	out = pg_array(v, n);
	free(copy);
	return out;
}

/* {"cipher", "mask", "blind"} of the identity number, bound to the session row. */
static char *seal_idno(const struct cd_keys *keys, const char *session_id, const char *idno,
		       struct cd_error *err)
{
	struct cd_check c = cd_check_idno(idno, strlen(idno), 0);
	char blind[CD_BLIND_HEX];
	char *cipher = NULL, *mask, *s;
	json_t *o;

	if (c.reason != CD_VALID) {
		cd_error_set(err, CD_ERR_INVALID, "The identity number is not valid", "%s",
			     _(cd_invalid_text(c.reason)));
		return NULL;
	}
	if (!keys) {
		sodium_memzero(c.normalized, sizeof(c.normalized));
		cd_error_set(err, CD_ERR_CONFIG, "The key file is needed to record an identity number", NULL);
		return NULL;
	}
	if (cd_seal_field(keys, "green_session", "visitor_id_no", session_id, c.normalized,
			  strlen(c.normalized), &cipher) != CD_CRYPTO_OK) {
		sodium_memzero(c.normalized, sizeof(c.normalized));
		cd_error_set(err, CD_ERR_INTERNAL, "Could not protect the identity number", NULL);
		return NULL;
	}
	cd_blind_index(keys, "idno", c.normalized, strlen(c.normalized), blind);
	mask = cd_mask_idno(c.normalized);
	sodium_memzero(c.normalized, sizeof(c.normalized));
	o = json_pack("{s:s, s:s, s:s}", "cipher", cipher, "mask", mask, "blind", blind);
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	free(cipher);
	free(mask);
	return s;
}

int cd_green_start(struct cd_db *db, const struct cd_keys *keys, const struct cd_green_visitor *v,
		   struct cd_green_started *out, struct cd_error *err)
{
	char sid[CD_UUID_LEN], w[16];
	char *needs, *sealed = NULL;
	const char *typed_by = v->typed_by && *v->typed_by ? v->typed_by : "helper";
	const char *p[14];
	PGresult *res;
	bool band_ok = !v->age_band || !*v->age_band;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < ARRAY_SIZE(cd_age_bands) && !band_ok; i++)
		band_ok = !strcmp(v->age_band, cd_age_bands[i]);
	if (!band_ok) {
		cd_error_set(err, CD_ERR_INVALID, "Unknown age band", "%s", v->age_band);
		return -1;
	}
	if (strcmp(typed_by, "visitor") && strcmp(typed_by, "helper") && strcmp(typed_by, "proxy")) {
		cd_error_set(err, CD_ERR_INVALID, "Who typed must be the visitor, the helper or the proxy",
			     "%s", typed_by);
		return -1;
	}
	needs = needs_array(v->needs, err);
	if (!needs)
		return -1;
	cd_uuid4(sid);
	if (v->idno && *v->idno) {
		if (!v->consent) {
			free(needs);
			cd_error_set(err, CD_ERR_INVALID,
				     "Without the visitor's consent no name or identity number is recorded", NULL);
			return -1;
		}
		sealed = seal_idno(keys, sid, v->idno, err);
		if (!sealed) {
			free(needs);
			return -1;
		}
	}
	p[1] = sid;
	p[2] = v->ticket && *v->ticket ? v->ticket : NULL;
	p[3] = window_param(v->window, w);
	p[4] = v->age_band && *v->age_band ? v->age_band : NULL;
	p[5] = needs;
	p[6] = v->need_note;
	p[7] = v->name;
	p[8] = sealed;
	p[9] = v->proxy_name;
	p[10] = v->proxy_relation;
	p[11] = v->proxy_authorisation;
	p[12] = typed_by;
	p[13] = v->consent ? "true" : "false";
	res = op_exec(db, "SELECT session_no, extract(epoch FROM started_at)::bigint, ticket"
		      " FROM api.green_start($1::uuid, $2::uuid, $3, $4::int, $5, $6::text[], $7, $8,"
		      " $9::jsonb, $10, $11, $12, $13, $14::boolean)", 14, p, err);
	free(needs);
	free(sealed);
	if (!res || one_row(res, err) < 0)
		return -1;
	out->session_no = ll_at(res, 0, 0, 0);
	out->started_at = time_at(res, 0, 1);
	text_at(out->ticket, sizeof(out->ticket), res, 0, 2);
	PQclear(res);
	return 0;
}

int cd_green_end(struct cd_db *db, long long session_no, const char *outcome,
		 const char *const *cases, size_t ncases, const char *note, const char *dept,
		 const char *visit_date, struct cd_green_ended *out, struct cd_error *err)
{
	char no[24];
	char *arr = pg_array(cases, ncases);
	const char *p[8] = { NULL, ll_param(session_no, no), outcome, arr, note, dept, visit_date };
	PGresult *res = op_exec(db, "SELECT session_no, duration_seconds, followup_id"
				" FROM api.green_end($1::uuid, $2::bigint, $3, $4::text[], $5, $6, $7::date)",
				7, p, err);

	free(arr);
	memset(out, 0, sizeof(*out));
	if (!res || one_row(res, err) < 0)
		return -1;
	out->session_no = ll_at(res, 0, 0, 0);
	out->duration_seconds = int_at(res, 0, 1, 0);
	out->followup_id = ll_at(res, 0, 2, 0);
	PQclear(res);
	return 0;
}

int cd_green_sessions(struct cd_db *db, bool open_only, const char *from, const char *to,
		      struct cd_green_session **out, size_t *n, struct cd_error *err)
{
	const char *p[3] = { open_only ? "true" : "false", from, to };
	PGresult *res = cd_db_exec(db,
		"SELECT session_no, helper, helper_name, ticket, window_no,"
		" extract(epoch FROM started_at)::bigint, extract(epoch FROM ended_at)::bigint,"
		" duration_seconds, age_band, needs, need_note, visitor_name, visitor_id_mask,"
		" proxy_name, proxy_relation, proxy_authorisation, typed_by, consent, outcome,"
		" referred_to, cases, note, followup_id"
		" FROM api.green_sessions($1::boolean, $2::date, $3::date)", 3, p, err);
	int rows;

	*out = NULL;
	*n = 0;
	if (!res)
		return -1;
	rows = PQntuples(res);
	*out = xcalloc((size_t)rows + 1, sizeof(**out));
	for (int r = 0; r < rows; r++) {
		struct cd_green_session *g = &(*out)[r];

		g->session_no = ll_at(res, r, 0, 0);
		text_at(g->helper, sizeof(g->helper), res, r, 1);
		g->helper_name = dup_at(res, r, 2);
		text_at(g->ticket, sizeof(g->ticket), res, r, 3);
		g->window_no = int_at(res, r, 4, 0);
		g->started_at = time_at(res, r, 5);
		g->ended_at = time_at(res, r, 6);
		g->duration_seconds = int_at(res, r, 7, -1);
		text_at(g->age_band, sizeof(g->age_band), res, r, 8);
		array_at(g->needs, sizeof(g->needs), res, r, 9);
		g->need_note = dup_at(res, r, 10);
		g->visitor_name = dup_at(res, r, 11);
		text_at(g->visitor_id_mask, sizeof(g->visitor_id_mask), res, r, 12);
		g->proxy_name = dup_at(res, r, 13);
		g->proxy_relation = dup_at(res, r, 14);
		g->proxy_authorisation = dup_at(res, r, 15);
		text_at(g->typed_by, sizeof(g->typed_by), res, r, 16);
		g->consent = bool_at(res, r, 17);
		text_at(g->outcome, sizeof(g->outcome), res, r, 18);
		text_at(g->referred_to, sizeof(g->referred_to), res, r, 19);
		array_at(g->cases, sizeof(g->cases), res, r, 20);
		g->note = dup_at(res, r, 21);
		g->followup_id = ll_at(res, r, 22, 0);
	}
	*n = (size_t)rows;
	PQclear(res);
	return 0;
}

void cd_green_sessions_free(struct cd_green_session **v, size_t n)
{
	if (!*v)
		return;
	for (size_t i = 0; i < n; i++) {
		struct cd_green_session *g = &(*v)[i];

		free(g->helper_name);
		free(g->need_note);
		free(g->visitor_name);
		free(g->proxy_name);
		free(g->proxy_relation);
		free(g->proxy_authorisation);
		free(g->note);
	}
	free(*v);
	*v = NULL;
}

int cd_green_followups(struct cd_db *db, bool open_only, struct cd_green_followup **out,
		       size_t *n, struct cd_error *err)
{
	const char *p[1] = { open_only ? "true" : "false" };
	PGresult *res = cd_db_exec(db,
		"SELECT id, session_no, visit_date::text, helper, helper_name, visitor_name, age_band,"
		" needs, note, extract(epoch FROM created_at)::bigint, extract(epoch FROM closed_at)::bigint,"
		" closed_by, close_note, overdue FROM api.green_followups($1::boolean)", 1, p, err);
	int rows;

	*out = NULL;
	*n = 0;
	if (!res)
		return -1;
	rows = PQntuples(res);
	*out = xcalloc((size_t)rows + 1, sizeof(**out));
	for (int r = 0; r < rows; r++) {
		struct cd_green_followup *f = &(*out)[r];

		f->id = ll_at(res, r, 0, 0);
		f->session_no = ll_at(res, r, 1, 0);
		text_at(f->visit_date, sizeof(f->visit_date), res, r, 2);
		text_at(f->helper, sizeof(f->helper), res, r, 3);
		f->helper_name = dup_at(res, r, 4);
		f->visitor_name = dup_at(res, r, 5);
		text_at(f->age_band, sizeof(f->age_band), res, r, 6);
		array_at(f->needs, sizeof(f->needs), res, r, 7);
		f->note = dup_at(res, r, 8);
		f->created_at = time_at(res, r, 9);
		f->closed_at = time_at(res, r, 10);
		text_at(f->closed_by, sizeof(f->closed_by), res, r, 11);
		f->close_note = dup_at(res, r, 12);
		f->overdue = bool_at(res, r, 13);
	}
	*n = (size_t)rows;
	PQclear(res);
	return 0;
}

void cd_green_followups_free(struct cd_green_followup **v, size_t n)
{
	if (!*v)
		return;
	for (size_t i = 0; i < n; i++) {
		free((*v)[i].helper_name);
		free((*v)[i].visitor_name);
		free((*v)[i].note);
		free((*v)[i].close_note);
	}
	free(*v);
	*v = NULL;
}

int cd_green_close_followup(struct cd_db *db, long long id, const char *note, struct cd_error *err)
{
	char no[24];
	const char *p[3] = { NULL, ll_param(id, no), note };

	return op_void(db, "SELECT api.green_close_followup($1::uuid, $2::bigint, $3)", 3, p, err);
}

int cd_green_report(struct cd_db *db, const char *from, const char *to, char **json,
		    struct cd_error *err)
{
	const char *p[2] = { from, to };
	PGresult *res = cd_db_exec(db, "SELECT api.green_report($1::date, $2::date)::text", 2, p, err);

	*json = NULL;
	if (!res || one_row(res, err) < 0)
		return -1;
	*json = dup_at(res, 0, 0);
	PQclear(res);
	return 0;
}

/* ==== ratings ================================================================= */

static const char *const level_labels[] = {
	N_("very satisfied"), N_("satisfied"), N_("basically satisfied"),
	N_("dissatisfied"), N_("very dissatisfied"),
};

const char *cd_rating_level_label(int level)
{
	return level >= 1 && level <= 5 ? _(level_labels[level - 1]) : "";
}

bool cd_rating_needs_reason(int level)
{
	return level >= 4;
}

int cd_rating_pending(struct cd_db *db, int window, struct cd_rating_pending *out,
		      struct cd_error *err)
{
	char w[16];
	const char *p[1] = { window_param(window, w) };
	PGresult *res = cd_db_exec(db,
		"SELECT window_no, number, category, category_name, served_by, served_by_name,"
		" extract(epoch FROM finished_at)::bigint FROM api.rating_pending($1::int)", 1, p, err);

	memset(out, 0, sizeof(*out));
	if (!res)
		return -1;
	if (PQntuples(res) == 1) {
		out->found = true;
		out->window_no = int_at(res, 0, 0, 0);
		text_at(out->number, sizeof(out->number), res, 0, 1);
		text_at(out->category, sizeof(out->category), res, 0, 2);
		text_at(out->category_name, sizeof(out->category_name), res, 0, 3);
		text_at(out->served_by, sizeof(out->served_by), res, 0, 4);
		text_at(out->served_by_name, sizeof(out->served_by_name), res, 0, 5);
		out->finished_at = time_at(res, 0, 6);
	}
	PQclear(res);
	return 0;
}

static bool level_ok(int level, const char *reason, struct cd_error *err)
{
	if (level < 1 || level > 5) {
		cd_error_set(err, CD_ERR_INVALID, "A rating is a level from 1 to 5", "%d", level);
		return false;
	}
	if (cd_rating_needs_reason(level) && (!reason || !*reason)) {
		cd_error_set(err, CD_ERR_INVALID, "A reason is required for a bad rating", NULL);
		return false;
	}
	return true;
}

int cd_rating_add(struct cd_db *db, int window, int level, const char *reason,
		  struct cd_rating_result *out, struct cd_error *err)
{
	char w[16], l[16];
	const char *p[4] = { NULL, window_param(window, w), l, reason };
	PGresult *res;

	memset(out, 0, sizeof(*out));
	if (!level_ok(level, reason, err))
		return -1;
	snprintf(l, sizeof(l), "%d", level);
	res = op_exec(db, "SELECT rating_id, number, level, followup,"
		      " extract(epoch FROM callback_due)::bigint, extract(epoch FROM rectify_due)::bigint,"
		      " due_basis FROM api.rating_add($1::uuid, $2::int, $3::int, $4)", 4, p, err);
	if (!res || one_row(res, err) < 0)
		return -1;
	out->rating_id = ll_at(res, 0, 0, 0);
	text_at(out->number, sizeof(out->number), res, 0, 1);
	out->level = int_at(res, 0, 2, 0);
	out->followup = bool_at(res, 0, 3);
	out->callback_due = time_at(res, 0, 4);
	out->rectify_due = time_at(res, 0, 5);
	text_at(out->due_basis, sizeof(out->due_basis), res, 0, 6);
	PQclear(res);
	return 0;
}

int cd_rating_rerate(struct cd_db *db, long long rating_id, int level, const char *reason,
		     struct cd_error *err)
{
	char id[24], l[16];
	const char *p[4] = { NULL, ll_param(rating_id, id), l, reason };

	if (!level_ok(level, reason, err))
		return -1;
	snprintf(l, sizeof(l), "%d", level);
	return op_void(db, "SELECT api.rating_followup_rate($1::uuid, $2::bigint, $3::int, $4)",
		       4, p, err);
}

int cd_rating_followups(struct cd_db *db, bool open_only, struct cd_rating_followup **out,
			size_t *n, struct cd_error *err)
{
	const char *p[1] = { open_only ? "true" : "false" };
	PGresult *res = cd_db_exec(db,
		"SELECT rating_id, extract(epoch FROM rated_at)::bigint, window_no, number, category,"
		" served_by, served_by_name, level, reason, state,"
		" extract(epoch FROM callback_due)::bigint, extract(epoch FROM called_back_at)::bigint,"
		" callback_note, extract(epoch FROM rectify_due)::bigint,"
		" extract(epoch FROM rectified_at)::bigint, rectify_note, followup_level, due_basis,"
		" appeal, overdue, cases FROM api.rating_followups($1::boolean)", 1, p, err);
	int rows;

	*out = NULL;
	*n = 0;
	if (!res)
		return -1;
	rows = PQntuples(res);
	*out = xcalloc((size_t)rows + 1, sizeof(**out));
	for (int r = 0; r < rows; r++) {
		struct cd_rating_followup *f = &(*out)[r];

		f->rating_id = ll_at(res, r, 0, 0);
		f->rated_at = time_at(res, r, 1);
		f->window_no = int_at(res, r, 2, 0);
		text_at(f->number, sizeof(f->number), res, r, 3);
		text_at(f->category, sizeof(f->category), res, r, 4);
		text_at(f->served_by, sizeof(f->served_by), res, r, 5);
		f->served_by_name = dup_at(res, r, 6);
		f->level = int_at(res, r, 7, 0);
		f->reason = dup_at(res, r, 8);
		text_at(f->state, sizeof(f->state), res, r, 9);
		f->callback_due = time_at(res, r, 10);
		f->called_back_at = time_at(res, r, 11);
		f->callback_note = dup_at(res, r, 12);
		f->rectify_due = time_at(res, r, 13);
		f->rectified_at = time_at(res, r, 14);
		f->rectify_note = dup_at(res, r, 15);
		f->followup_level = int_at(res, r, 16, 0);
		text_at(f->due_basis, sizeof(f->due_basis), res, r, 17);
		text_at(f->appeal, sizeof(f->appeal), res, r, 18);
		f->overdue = bool_at(res, r, 19);
		array_at(f->cases, sizeof(f->cases), res, r, 20);
	}
	*n = (size_t)rows;
	PQclear(res);
	return 0;
}

void cd_rating_followups_free(struct cd_rating_followup **v, size_t n)
{
	if (!*v)
		return;
	for (size_t i = 0; i < n; i++) {
		free((*v)[i].served_by_name);
		free((*v)[i].reason);
		free((*v)[i].callback_note);
		free((*v)[i].rectify_note);
	}
	free(*v);
	*v = NULL;
}

static int id_note(struct cd_db *db, const char *sql, long long id, const char *text,
		   struct cd_error *err)
{
	char no[24];
	const char *p[3] = { NULL, ll_param(id, no), text };

	return op_void(db, sql, 3, p, err);
}

int cd_rating_callback(struct cd_db *db, long long rating_id, const char *note, struct cd_error *err)
{
	return id_note(db, "SELECT api.rating_callback($1::uuid, $2::bigint, $3)", rating_id, note, err);
}

int cd_rating_rectify(struct cd_db *db, long long rating_id, const char *note, struct cd_error *err)
{
	return id_note(db, "SELECT api.rating_rectify($1::uuid, $2::bigint, $3)", rating_id, note, err);
}

int cd_rating_appeal(struct cd_db *db, long long rating_id, const char *reason, struct cd_error *err)
{
	return id_note(db, "SELECT api.rating_appeal($1::uuid, $2::bigint, $3)", rating_id, reason, err);
}

int cd_rating_decide_appeal(struct cd_db *db, long long rating_id, bool accept, const char *reason,
			    struct cd_error *err)
{
	char no[24];
	const char *p[4] = { NULL, ll_param(rating_id, no), accept ? "true" : "false", reason };

	return op_void(db, "SELECT api.rating_decide_appeal($1::uuid, $2::bigint, $3::boolean, $4)",
		       4, p, err);
}

int cd_rating_list(struct cd_db *db, const char *from, const char *to, struct cd_rating **out,
		   size_t *n, struct cd_error *err)
{
	const char *p[2] = { from, to };
	PGresult *res = cd_db_exec(db,
		"SELECT rating_id, extract(epoch FROM rated_at)::bigint, window_no, number, category,"
		" served_by, level, reason, void, followup, appeal"
		" FROM api.rating_list($1::date, $2::date)", 2, p, err);
	int rows;

	*out = NULL;
	*n = 0;
	if (!res)
		return -1;
	rows = PQntuples(res);
	*out = xcalloc((size_t)rows + 1, sizeof(**out));
	for (int r = 0; r < rows; r++) {
		struct cd_rating *x = &(*out)[r];

		x->rating_id = ll_at(res, r, 0, 0);
		x->rated_at = time_at(res, r, 1);
		x->window_no = int_at(res, r, 2, 0);
		text_at(x->number, sizeof(x->number), res, r, 3);
		text_at(x->category, sizeof(x->category), res, r, 4);
		text_at(x->served_by, sizeof(x->served_by), res, r, 5);
		x->level = int_at(res, r, 6, 0);
		x->reason = dup_at(res, r, 7);
		x->void_ = bool_at(res, r, 8);
		x->followup = bool_at(res, r, 9);
		text_at(x->appeal, sizeof(x->appeal), res, r, 10);
	}
	*n = (size_t)rows;
	PQclear(res);
	return 0;
}

void cd_ratings_free(struct cd_rating **v, size_t n)
{
	if (!*v)
		return;
	for (size_t i = 0; i < n; i++)
		free((*v)[i].reason);
	free(*v);
	*v = NULL;
}

/* ==== formatting =============================================================== */

const char *cd_hall_time(time_t t, char buf[20])
{
	struct tm tm, now_tm;
	time_t now = time(NULL);

	if (!t) {
		snprintf(buf, 20, "-");
		return buf;
	}
	localtime_r(&t, &tm);
	localtime_r(&now, &now_tm);
	if (tm.tm_year == now_tm.tm_year && tm.tm_yday == now_tm.tm_yday)
		strftime(buf, 20, "%H:%M", &tm);
	else
		strftime(buf, 20, "%Y-%m-%d %H:%M", &tm);
	return buf;
}

const char *cd_hall_iso_time(time_t t, char buf[32])
{
	struct tm tm;
	size_t n;

	if (!t) {
		buf[0] = '\0';
		return buf;
	}
	localtime_r(&t, &tm);
	n = strftime(buf, 32, "%Y-%m-%dT%H:%M:%S%z", &tm);
	/* +0800 -> +08:00 */
	if (n == 24) {
		buf[25] = '\0';
		buf[24] = buf[23];
		buf[23] = buf[22];
		buf[22] = ':';
	}
	return buf;
}

const char *cd_hall_duration(int seconds, char buf[16])
{
	if (seconds < 0)
		snprintf(buf, 16, "-");
	else if (seconds >= 3600)
		snprintf(buf, 16, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
	else
		snprintf(buf, 16, "%d:%02d", seconds / 60, seconds % 60);
	return buf;
}
