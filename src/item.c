/* Service items through the api functions, and the JSON of cd_item_json read
 * back with jansson (item.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "db.h"
#include "i18n.h"
#include "item.h"
#include "util.h"

/* ---- JSON -> struct cd_item ------------------------------------------- */

/* Where a definition does not fit, the first problem is kept here and the
 * reading goes on, so that one pass needs no error plumbing. */
struct reader {
	const char *problem;
	char where[128];
};

static void bad(struct reader *r, const char *problem, const char *where)
{
	if (r->problem)
		return;
	r->problem = problem;
	snprintf(r->where, sizeof(r->where), "%s", where ? where : "");
}

/* A string member, malloc'd; NULL when absent or null (reported when required). */
static char *str_of(struct reader *r, json_t *obj, const char *name, bool required)
{
	json_t *v = json_object_get(obj, name);

	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (required || (v && !json_is_null(v)))
		bad(r, N_("A service item definition lacks a text value"), name);
	return NULL;
}

static int int_of(struct reader *r, json_t *obj, const char *name, int fallback)
{
	json_t *v = json_object_get(obj, name);

	if (json_is_integer(v) && json_integer_value(v) >= -1000000000 &&
	    json_integer_value(v) <= 1000000000)
		return (int)json_integer_value(v);
	if (v && !json_is_null(v))
		bad(r, N_("A service item definition has a number out of place"), name);
	return fallback;
}

static bool bool_of(struct reader *r, json_t *obj, const char *name, bool fallback)
{
	json_t *v = json_object_get(obj, name);

	if (json_is_boolean(v))
		return json_is_true(v);
	if (v && !json_is_null(v))
		bad(r, N_("A service item definition has a yes/no value out of place"), name);
	return fallback;
}

static void strlist_of(struct reader *r, json_t *obj, const char *name, struct cd_strlist *out)
{
	json_t *a = json_object_get(obj, name), *v;
	size_t i;

	out->v = NULL;
	out->n = 0;
	if (!a || json_is_null(a))
		return;
	if (!json_is_array(a)) {
		bad(r, N_("A service item definition has a list out of place"), name);
		return;
	}
	out->v = xcalloc(json_array_size(a) ? json_array_size(a) : 1, sizeof(*out->v));
	json_array_foreach(a, i, v) {
		if (!json_is_string(v)) {
			bad(r, N_("A service item definition has a list out of place"), name);
			continue;
		}
		out->v[out->n++] = xstrdup(json_string_value(v));
	}
}

static void when_of(struct reader *r, json_t *obj, struct cd_condition *w)
{
	json_t *c = json_object_get(obj, "when");

	w->field = NULL;
	w->values.v = NULL;
	w->values.n = 0;
	if (!c || json_is_null(c))
		return;
	if (!json_is_object(c)) {
		bad(r, N_("A service item definition has a condition out of place"), "when");
		return;
	}
	w->field = str_of(r, c, "field", true);
	strlist_of(r, c, "values", &w->values);
}

/* The enum value whose name (as forms.c writes it) is s, or -1. */
static int name_index(const char *s, const char *(*name)(int), int count)
{
	for (int i = 0; s && i < count; i++)
		if (!strcmp(name(i), s))
			return i;
	return -1;
}

static const char *type_name(int i) { return cd_field_type_name((enum cd_field_type)i); }
static const char *prefill_name(int i) { return cd_prefill_source_name((enum cd_prefill_source)i); }
static const char *check_name(int i) { return cd_check_kind_name((enum cd_check_kind)i); }

/* Array member name of obj: its elements, or 0 when absent. */
static size_t array_of(struct reader *r, json_t *obj, const char *name, json_t **out)
{
	json_t *a = json_object_get(obj, name);

	*out = a;
	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a)) {
		bad(r, N_("A service item definition has a list out of place"), name);
		return 0;
	}
	return json_array_size(a);
}

static void read_field(struct reader *r, json_t *o, struct cd_item_field *f)
{
	json_t *p;
	char *type;
	int t;

	f->key = str_of(r, o, "key", true);
	f->label_zh = str_of(r, o, "label_zh", true);
	f->label_en = str_of(r, o, "label_en", true);
	type = str_of(r, o, "type", true);
	t = name_index(type, type_name, CD_FIELD_ADDRESS + 1);
	if (t < 0)
		bad(r, N_("A service item definition names an unknown field type"), type);
	f->type = t < 0 ? CD_FIELD_TEXT : (enum cd_field_type)t;
	free(type);
	f->required = bool_of(r, o, "required", false);
	strlist_of(r, o, "choices", &f->choices);
	f->max_length = int_of(r, o, "max_length", 0);
	p = json_object_get(o, "prefill");
	if (json_is_object(p)) {
		char *src = str_of(r, p, "source", true);
		int s = name_index(src, prefill_name, CD_PREFILL_ENTERPRISE + 1);

		if (s < 0)
			bad(r, N_("A service item definition names an unknown prefill source"), src);
		f->prefill = s < 0 ? CD_PREFILL_NONE : (enum cd_prefill_source)s;
		f->prefill_column = str_of(r, p, "column", f->prefill != CD_PREFILL_NONE);
		f->prefill_by = str_of(r, p, "by", false);
		free(src);
	}
	f->group = str_of(r, o, "group", false);
	strlist_of(r, o, "send_to", &f->send_to);
	when_of(r, o, &f->when);
}

static void read_material(struct reader *r, json_t *o, struct cd_item_material *m)
{
	json_t *c;

	m->code = str_of(r, o, "code", true);
	m->name_zh = str_of(r, o, "name_zh", true);
	m->name_en = str_of(r, o, "name_en", true);
	m->is_key = bool_of(r, o, "key", true);
	c = json_object_get(o, "check");
	if (json_is_object(c)) {
		char *kind = str_of(r, c, "kind", true);
		int k = name_index(kind, check_name, CD_CHECK_ENTERPRISE + 1);

		if (k < 0)
			bad(r, N_("A service item definition names an unknown check"), kind);
		m->check = k < 0 ? CD_CHECK_NONE : (enum cd_check_kind)k;
		m->check_type = str_of(r, c, "type", false);
		free(kind);
	}
	m->note_zh = str_of(r, o, "note_zh", false);
	m->note_en = str_of(r, o, "note_en", false);
	strlist_of(r, o, "send_to", &m->send_to);
	when_of(r, o, &m->when);
}

struct cd_item *cd_item_from_json(const char *text, struct cd_error *err)
{
	struct reader r = { 0 };
	json_error_t jerr;
	json_t *root = json_loads(text ? text : "", 0, &jerr), *a, *o;
	struct cd_item *it;
	char *applicant;
	size_t n, i;

	if (!json_is_object(root)) {
		json_decref(root);
		cd_error_set(err, CD_ERR_INVALID, "A service item definition is not valid JSON",
			     "%s", root ? "" : jerr.text);
		return NULL;
	}
	it = xcalloc(1, sizeof(*it));
	it->code = str_of(&r, root, "code", true);
	it->version = int_of(&r, root, "version", 0);
	it->name_zh = str_of(&r, root, "name_zh", true);
	it->name_en = str_of(&r, root, "name_en", true);
	applicant = str_of(&r, root, "applicant", true);
	if (applicant && strcmp(applicant, "person") && strcmp(applicant, "enterprise"))
		bad(&r, N_("A service item definition names an unknown kind of applicant"), applicant);
	it->applicant = applicant && !strcmp(applicant, "enterprise") ? CD_APPLICANT_ENTERPRISE
								       : CD_APPLICANT_PERSON;
	free(applicant);
	it->promised_days = int_of(&r, root, "promised_days", 0);
	it->count_acceptance_day = bool_of(&r, root, "count_acceptance_day", false);
	strlist_of(&r, root, "departments", &it->departments);

	n = array_of(&r, root, "groups", &a);
	it->groups = xcalloc(n ? n : 1, sizeof(*it->groups));
	json_array_foreach(a, i, o) {
		struct cd_item_group *g = &it->groups[it->ngroups++];

		g->key = str_of(&r, o, "key", true);
		g->label_zh = str_of(&r, o, "label_zh", true);
		g->label_en = str_of(&r, o, "label_en", true);
	}
	n = array_of(&r, root, "steps", &a);
	it->steps = xcalloc(n ? n : 1, sizeof(*it->steps));
	json_array_foreach(a, i, o) {
		struct cd_item_step *s = &it->steps[it->nsteps++];

		s->number = int_of(&r, o, "number", (int)i + 1);
		s->dept = str_of(&r, o, "dept", true);
		s->group = int_of(&r, o, "group", 1);
		s->days = int_of(&r, o, "days", 0);
		s->name_zh = str_of(&r, o, "name_zh", true);
		s->name_en = str_of(&r, o, "name_en", true);
	}
	n = array_of(&r, root, "fields", &a);
	it->fields = xcalloc(n ? n : 1, sizeof(*it->fields));
	json_array_foreach(a, i, o)
		read_field(&r, o, &it->fields[it->nfields++]);
	n = array_of(&r, root, "materials", &a);
	it->materials = xcalloc(n ? n : 1, sizeof(*it->materials));
	json_array_foreach(a, i, o)
		read_material(&r, o, &it->materials[it->nmaterials++]);
	json_decref(root);

	for (i = 0; !r.problem && i < it->nfields; i++)
		if (!it->fields[i].key)
			bad(&r, N_("A service item definition lacks a text value"), "key");
	for (i = 0; !r.problem && i < it->nmaterials; i++)
		if (!it->materials[i].code)
			bad(&r, N_("A service item definition lacks a text value"), "code");
	if (r.problem) {
		cd_error_set(err, CD_ERR_INVALID, r.problem, "%s", r.where);
		cd_item_free(&it);
		return NULL;
	}
	return it;
}

/* ---- the api functions ---------------------------------------------- */

int cd_item_fetch(struct cd_db *db, const char *code, int version, struct cd_item **out,
		  struct cd_error *err)
{
	char vbuf[16];
	const char *p[2] = { code, NULL };
	PGresult *res;

	*out = NULL;
	if (version > 0) {
		snprintf(vbuf, sizeof(vbuf), "%d", version);
		p[1] = vbuf;
	}
	res = cd_db_exec(db, "SELECT api.item_get($1, $2::int)", 2, p, err);
	if (!res)
		return -1;
	if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0)) {
		PQclear(res);
		cd_error_set(err, CD_ERR_NOTFOUND, "Unknown service item", "%s", code);
		return -1;
	}
	*out = cd_item_from_json(PQgetvalue(res, 0, 0), err);
	PQclear(res);
	return *out ? 0 : -1;
}

int cd_item_list(struct cd_db *db, struct cd_item_summary **out, size_t *n,
		 struct cd_error *err)
{
	PGresult *res = cd_db_exec(db,
		"SELECT code, version, name_zh, name_en, applicant_kind, promised_days"
		" FROM api.items ORDER BY code", 0, NULL, err);
	int rows;

	*out = NULL;
	*n = 0;
	if (!res)
		return -1;
	rows = PQntuples(res);
	*out = xcalloc(rows ? (size_t)rows : 1, sizeof(**out));
	for (int i = 0; i < rows; i++) {
		struct cd_item_summary *s = &(*out)[i];

		s->code = xstrdup(PQgetvalue(res, i, 0));
		s->version = atoi(PQgetvalue(res, i, 1));
		s->name_zh = xstrdup(PQgetvalue(res, i, 2));
		s->name_en = xstrdup(PQgetvalue(res, i, 3));
		s->applicant = !strcmp(PQgetvalue(res, i, 4), "enterprise") ? CD_APPLICANT_ENTERPRISE
									    : CD_APPLICANT_PERSON;
		s->promised_days = atoi(PQgetvalue(res, i, 5));
	}
	*n = (size_t)rows;
	PQclear(res);
	return 0;
}

void cd_item_summaries_free(struct cd_item_summary **v, size_t n)
{
	if (!*v)
		return;
	for (size_t i = 0; i < n; i++) {
		free((*v)[i].code);
		free((*v)[i].name_zh);
		free((*v)[i].name_en);
	}
	free(*v);
	*v = NULL;
}

int cd_forms_load_dir(struct cd_db *db, const char *dir, struct cd_form_errors *errs,
		      cd_forms_loaded_fn loaded, void *arg, struct cd_error *err)
{
	struct cd_items items = { 0 };
	int rc = 0;

	if (cd_items_load_dir(dir, &items, errs) < 0 || errs->n) {
		cd_items_free(&items);
		cd_error_set(err, CD_ERR_INVALID,
			     "The service-item files have errors: nothing was loaded", "%s", dir);
		return -1;
	}
	for (size_t i = 0; i < items.n && rc == 0; i++) {
		char op[CD_UUID_LEN];
		char *json = cd_item_json(items.v[i]);
		const char *p[2] = { op, json };
		PGresult *res;

		cd_uuid4(op);
		res = cd_db_exec_op(db, op,
				    "SELECT code, version, changed FROM api.forms_load($1::uuid, $2::jsonb)",
				    2, p, err);
		free(json);
		if (!res) {
			rc = -1;
			break;
		}
		for (int r = 0; r < PQntuples(res); r++)
			if (loaded)
				loaded(arg, PQgetvalue(res, r, 0), atoi(PQgetvalue(res, r, 1)),
				       !strcmp(PQgetvalue(res, r, 2), "t"));
		PQclear(res);
	}
	cd_items_free(&items);
	return rc;
}
