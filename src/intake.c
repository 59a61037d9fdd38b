/* The intake form: validation, prefill, materials, drafts, the submit, and
 * the case wrappers (intake.h, docs/intake.md). */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "calendar.h"
#include "crypto.h"
#include "db.h"
#include "dbrow.h"
#include "i18n.h"
#include "intake.h"
#include "item.h"
#include "mask.h"
#include "validate.h"

/* jansson copies every string it is given: decrypted drafts and applicants
 * pass through it. Its blocks are zeroed before they are freed. */
static void *json_secure_malloc(size_t n)
{
	return malloc(n);
}

static void json_secure_free(void *p)
{
	if (!p)
		return;
	sodium_memzero(p, malloc_usable_size(p));
	free(p);
}

static void json_secure_init(void)
{
	static int done;

	if (!done) {
		json_set_alloc_funcs(json_secure_malloc, json_secure_free);
		done = 1;
	}
}

/* Zeroes a string that jansson's json_dumps made, then frees it. */
static void free_dump(char *s)
{
	if (s) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

/* ---- UTF-8 ------------------------------------------------------------- */

/* Length of the well-formed UTF-8 sequence at s, 0 when there is none. */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4;
	else
		return 0;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

long cd_utf8_chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;

	while (*p) {
		size_t len = utf8_seq(p);

		if (!len)
			return -1;
		p += len;
		n++;
	}
	return n;
}

/* A copy with every invalid byte replaced by U+FFFD: what was typed is
 * kept, and JSON can carry it. */
static char *utf8_repair(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out = xmalloc(strlen(s) * 3 + 1), *o = out;

	while (*p) {
		size_t len = utf8_seq(p);

		if (!len) {
			memcpy(o, "\xEF\xBF\xBD", 3);
			o += 3;
			p++;
			continue;
		}
		memcpy(o, p, len);
		o += len;
		p += len;
	}
	*o = '\0';
	return out;
}

/* Without leading and trailing ASCII white space and ideographic spaces
 * (U+3000, what a Chinese input method types). malloc'd. */
static char *trimmed(const char *s)
{
	const char *b = s, *e = s + strlen(s);

	for (;;) {
		if (*b == ' ' || *b == '\t' || *b == '\r' || *b == '\n')
			b++;
		else if (!strncmp(b, "\xE3\x80\x80", 3))
			b += 3;
		else
			break;
	}
	for (;;) {
		if (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
			e--;
		else if (e - b >= 3 && !strncmp(e - 3, "\xE3\x80\x80", 3))
			e -= 3;
		else
			break;
	}
	char *out = xmalloc((size_t)(e - b) + 1);

	memcpy(out, b, (size_t)(e - b));
	out[e - b] = '\0';
	return out;
}

/* ---- one field ---------------------------------------------------------- */

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

static bool check_identifier(const struct cd_check *c, char **normalized, char *reason,
			     size_t reasonlen)
{
	if (c->reason == CD_VALID) {
		if (normalized)
			*normalized = xstrdup(c->normalized);
		return true;
	}
	if (c->reason == CD_INVALID_CHECK && c->expected_check)
		snprintf(reason, reasonlen, _("%s (the last character should be %c)"),
			 _(cd_invalid_text(c->reason)), c->expected_check);
	else
		snprintf(reason, reasonlen, "%s", _(cd_invalid_text(c->reason)));
	return false;
}

static bool check_date(const char *v, char **normalized, char *reason, size_t reasonlen)
{
	struct cd_date d;

	if (strlen(v) != 10 || v[4] != '-' || v[7] != '-' || !all_digits(v, 4) ||
	    !all_digits(v + 5, 2) || !all_digits(v + 8, 2)) {
		snprintf(reason, reasonlen, "%s", _("Write the date as YYYY-MM-DD, e.g. 2026-03-01"));
		return false;
	}
	if (cd_date_parse(v, &d) < 0) {
		snprintf(reason, reasonlen, "%s", _("No such date in the calendar"));
		return false;
	}
	if (normalized)
		*normalized = xstrdup(v);
	return true;
}

static bool check_integer(const char *v, char **normalized, char *reason, size_t reasonlen)
{
	const char *d = v + (*v == '-' || *v == '+');
	char *end;
	long long n;

	errno = 0;
	if (!all_digits(d, strlen(d)) || strlen(d) > 15) {
		snprintf(reason, reasonlen, "%s", _("A whole number is expected (digits only)"));
		return false;
	}
	n = strtoll(v, &end, 10);
	if (errno || *end) {
		snprintf(reason, reasonlen, "%s", _("A whole number is expected (digits only)"));
		return false;
	}
	if (normalized)
		*normalized = xasprintf("%lld", n);
	return true;
}

/* Yuan with at most two decimals (fen), never negative: 1200, 1200.5, 0.05. */
static bool check_money(const char *v, char **normalized, char *reason, size_t reasonlen)
{
	const char *dot = strchr(v, '.');
	size_t whole = dot ? (size_t)(dot - v) : strlen(v);
	size_t frac = dot ? strlen(dot + 1) : 0;
	unsigned long long yuan = 0;
	int fen = 0;

	if (*v == '-') {
		snprintf(reason, reasonlen, "%s", _("An amount cannot be negative"));
		return false;
	}
	if (!all_digits(v, whole) || (dot && !all_digits(dot + 1, frac)) || whole > 13) {
		snprintf(reason, reasonlen, "%s",
			 _("An amount in yuan is expected, e.g. 1200 or 1200.50"));
		return false;
	}
	if (frac > 2) {
		snprintf(reason, reasonlen, "%s", _("At most two decimals (fen)"));
		return false;
	}
	for (size_t i = 0; i < whole; i++)
		yuan = yuan * 10 + (unsigned)(v[i] - '0');
	if (frac >= 1)
		fen = (dot[1] - '0') * 10;
	if (frac == 2)
		fen += dot[2] - '0';
	if (normalized)
		*normalized = xasprintf("%llu.%02d", yuan, fen);
	return true;
}

static bool check_enum(const struct cd_item_field *f, const char *v, char **normalized,
		       char *reason, size_t reasonlen)
{
	size_t used;

	for (size_t i = 0; i < f->choices.n; i++)
		if (!strcmp(f->choices.v[i], v)) {
			if (normalized)
				*normalized = xstrdup(v);
			return true;
		}
	used = (size_t)snprintf(reason, reasonlen, "%s", _("Not one of the choices:"));
	for (size_t i = 0; i < f->choices.n && used < reasonlen; i++)
		used += (size_t)snprintf(reason + used, reasonlen - used, "%s%s", i ? ", " : " ",
					 f->choices.v[i]);
	return false;
}

static bool check_text(const struct cd_item_field *f, const char *v, char **normalized,
		       char *reason, size_t reasonlen)
{
	long chars = cd_utf8_chars(v);

	if (f->max_length > 0 && chars > f->max_length) {
		snprintf(reason, reasonlen, _("Too long: %ld characters, at most %d"), chars,
			 f->max_length);
		return false;
	}
	if (normalized)
		*normalized = xstrdup(v);
	return true;
}

bool cd_intake_validate_field(const struct cd_item *item, const struct cd_item_field *f,
			      const char *value, char **normalized, char *reason,
			      size_t reasonlen)
{
	char *v;
	bool ok;
	struct cd_check c;

	(void)item;
	if (normalized)
		*normalized = NULL;
	reason[0] = '\0';
	if (value && cd_utf8_chars(value) < 0) {
		snprintf(reason, reasonlen, "%s", _("Not valid UTF-8 text"));
		return false;
	}
	v = trimmed(value ? value : "");
	if (!*v) {
		free(v);
		if (f->required) {
			snprintf(reason, reasonlen, "%s", _("This field is required"));
			return false;
		}
		return true;
	}
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f) {
			snprintf(reason, reasonlen, "%s", _("Control characters are not allowed"));
			cd_secret_free(&v);
			return false;
		}
	switch (f->type) {
	case CD_FIELD_IDNO:
		c = cd_check_idno(v, strlen(v), 0);
		ok = check_identifier(&c, normalized, reason, reasonlen);
		break;
	case CD_FIELD_USCC:
		c = cd_check_uscc(v, strlen(v));
		ok = check_identifier(&c, normalized, reason, reasonlen);
		break;
	case CD_FIELD_PHONE:
		c = cd_check_phone(v, strlen(v));
		ok = check_identifier(&c, normalized, reason, reasonlen);
		break;
	case CD_FIELD_DATE:
		ok = check_date(v, normalized, reason, reasonlen);
		break;
	case CD_FIELD_ENUM:
		ok = check_enum(f, v, normalized, reason, reasonlen);
		break;
	case CD_FIELD_INTEGER:
		ok = check_integer(v, normalized, reason, reasonlen);
		break;
	case CD_FIELD_MONEY:
		ok = check_money(v, normalized, reason, reasonlen);
		break;
	case CD_FIELD_TEXT:
	case CD_FIELD_ADDRESS:
	default:
		ok = check_text(f, v, normalized, reason, reasonlen);
		break;
	}
	sodium_memzero(&c, sizeof(c));
	cd_secret_free(&v);
	return ok;
}

/* ---- the form ------------------------------------------------------------ */

struct cd_intake *cd_intake_new(struct cd_item *item)
{
	struct cd_intake *in = xcalloc(1, sizeof(*in));

	json_secure_init();
	in->item = item;
	cd_uuid4(in->case_id);
	cd_uuid4(in->op_id);
	in->values = xcalloc(item->nfields ? item->nfields : 1, sizeof(*in->values));
	in->reasons = xcalloc(item->nfields ? item->nfields : 1, sizeof(*in->reasons));
	in->materials = xcalloc(item->nmaterials ? item->nmaterials : 1, sizeof(*in->materials));
	return in;
}

static void proxy_clear(struct cd_proxy *p)
{
	cd_secret_free(&p->name);
	cd_secret_free(&p->relation);
	cd_secret_free(&p->authorisation);
	sodium_memzero(p, sizeof(*p));
}

void cd_intake_free(struct cd_intake **inp)
{
	struct cd_intake *in = *inp;

	if (!in)
		return;
	for (size_t i = 0; i < in->item->nfields; i++) {
		cd_secret_free(&in->values[i]);
		free(in->reasons[i]);
	}
	free(in->values);
	free(in->reasons);
	free(in->materials);
	cd_applicant_clear(&in->applicant);
	proxy_clear(&in->proxy);
	cd_item_free(&in->item);
	sodium_memzero(in, sizeof(*in));
	free(in);
	*inp = NULL;
}

int cd_intake_field_index(const struct cd_intake *in, const char *key)
{
	for (size_t i = 0; key && i < in->item->nfields; i++)
		if (!strcmp(in->item->fields[i].key, key))
			return (int)i;
	return -1;
}

/* A condition holds when its enum field is on the form and holds one of the
 * values. Fields form no rings (forms.c checks), but depth is bounded anyway. */
static bool condition_holds(const struct cd_intake *in, const struct cd_condition *w, int depth)
{
	int i;

	if (!w->field)
		return true;
	i = cd_intake_field_index(in, w->field);
	if (i < 0 || depth > 16 || !in->values[i])
		return false;
	if (!condition_holds(in, &in->item->fields[i].when, depth + 1))
		return false;
	for (size_t k = 0; k < w->values.n; k++)
		if (!strcmp(w->values.v[k], in->values[i]))
			return true;
	return false;
}

bool cd_intake_field_applies(const struct cd_intake *in, size_t i)
{
	return i < in->item->nfields && condition_holds(in, &in->item->fields[i].when, 0);
}

bool cd_intake_material_applies(const struct cd_intake *in, size_t i)
{
	return i < in->item->nmaterials && condition_holds(in, &in->item->materials[i].when, 0);
}

static bool set_index(struct cd_intake *in, size_t i, const char *value)
{
	char reason[CD_REASON_LEN];
	char *norm = NULL;
	bool ok = cd_intake_validate_field(in->item, &in->item->fields[i], value, &norm, reason,
					   sizeof(reason));

	free(in->reasons[i]);
	in->reasons[i] = NULL;
	if (ok) {
		cd_secret_free(&in->values[i]);
		in->values[i] = norm;
		return true;
	}
	/* Keep what was typed, so the clerk corrects it instead of retyping. */
	cd_secret_free(&in->values[i]);
	if (value && *value)
		in->values[i] = utf8_repair(value);
	in->reasons[i] = xstrdup(reason);
	return false;
}

int cd_intake_set(struct cd_intake *in, const char *key, const char *value)
{
	int i = cd_intake_field_index(in, key);

	if (i < 0)
		return -1;
	return set_index(in, (size_t)i, value) ? 1 : 0;
}

size_t cd_intake_check_all(struct cd_intake *in)
{
	size_t bad = 0;

	for (size_t i = 0; i < in->item->nfields; i++) {
		char *v;

		if (!cd_intake_field_applies(in, i)) {
			free(in->reasons[i]);
			in->reasons[i] = NULL;
			continue;
		}
		v = in->values[i] ? xstrdup(in->values[i]) : NULL;
		if (!set_index(in, i, v))
			bad++;
		cd_secret_free(&v);
	}
	return bad;
}

void cd_intake_renew_op(struct cd_intake *in)
{
	cd_uuid4(in->op_id);
}

bool cd_intake_can_submit(struct cd_intake *in)
{
	return cd_intake_check_all(in) == 0;
}

/* ---- prefill ------------------------------------------------------------ */

/* Registry sex codes as the choices of a field say it. */
static const char *sex_for(const struct cd_item_field *f, const char *code)
{
	const char *zh = !strcmp(code, "M") ? "男" : !strcmp(code, "F") ? "女" : NULL;

	if (!zh)
		return NULL;
	if (f->type != CD_FIELD_ENUM)
		return zh;
	for (size_t i = 0; i < f->choices.n; i++)
		if (!strcmp(f->choices.v[i], zh) || !strcmp(f->choices.v[i], code))
			return f->choices.v[i];
	return NULL;
}

static size_t fill(struct cd_intake *in, size_t i, const char *value)
{
	if (!value || !*value || in->values[i])
		return 0;
	set_index(in, i, value);
	return 1;
}

static const char *population_value(const struct cd_item_field *f, const char *name,
				    const char *sex, const char *birth_date, const char *address)
{
	if (!strcmp(f->prefill_column, "name"))
		return name;
	if (!strcmp(f->prefill_column, "sex"))
		return sex && *sex ? sex_for(f, sex) : NULL;
	if (!strcmp(f->prefill_column, "birth_date"))
		return birth_date && *birth_date ? birth_date : NULL;
	if (!strcmp(f->prefill_column, "address"))
		return address;
	return NULL;
}

size_t cd_intake_prefill(struct cd_intake *in)
{
	const struct cd_applicant *a = &in->applicant;
	bool person = a->kind == CD_APPLICANT_PERSON;
	size_t n = 0;

	for (size_t i = 0; i < in->item->nfields; i++) {
		const struct cd_item_field *f = &in->item->fields[i];
		const char *col = f->prefill_column;
		const char *v = NULL;

		if (!col || f->prefill_by || in->values[i])
			continue;
		switch (f->prefill) {
		case CD_PREFILL_APPLICANT:
			if (!strcmp(col, "name"))
				v = a->name;
			else if (!strcmp(col, "idno") && person)
				v = a->key;
			else if (!strcmp(col, "uscc") && !person)
				v = a->key;
			else if (!strcmp(col, "phone"))
				v = a->phone;
			else if (!strcmp(col, "address"))
				v = a->address;
			else if (!strcmp(col, "legal_rep_idno"))
				v = a->legal_rep_id;
			break;
		case CD_PREFILL_POPULATION:
			if (person && a->source != CD_SOURCE_NONE)
				v = population_value(f, a->name, a->sex, a->birth_date, a->address);
			break;
		case CD_PREFILL_ENTERPRISE:
			if (!person && a->source != CD_SOURCE_NONE) {
				if (!strcmp(col, "name"))
					v = a->name;
				else if (!strcmp(col, "uscc"))
					v = a->key;
				else if (!strcmp(col, "legal_rep_idno"))
					v = a->legal_rep_id;
				else if (!strcmp(col, "address"))
					v = a->address;
			}
			break;
		case CD_PREFILL_NONE:
			break;
		}
		n += fill(in, i, v);
	}
	return n;
}

size_t cd_intake_prefill_person(struct cd_intake *in, const char *by_key,
				const struct cd_person *person)
{
	size_t n = 0;

	if (!person->found)
		return 0;
	for (size_t i = 0; i < in->item->nfields; i++) {
		const struct cd_item_field *f = &in->item->fields[i];

		if (f->prefill != CD_PREFILL_POPULATION || !f->prefill_by ||
		    strcmp(f->prefill_by, by_key) || in->values[i])
			continue;
		n += fill(in, i, population_value(f, person->name, person->sex, person->birth_date,
						  person->address));
	}
	return n;
}

bool cd_intake_set_proxy(struct cd_intake *in, const char *name, const char *idno,
			 const char *relation, const char *authorisation, char *reason,
			 size_t reasonlen)
{
	char norm[CD_NORMALIZED_MAX];

	if (!cd_applicant_check_key(CD_APPLICANT_PERSON, idno, norm, reason, reasonlen))
		return false;
	proxy_clear(&in->proxy);
	in->proxy.present = true;
	memcpy(in->proxy.idno, norm, sizeof(norm));
	cd_secret_set(&in->proxy.name, name);
	cd_secret_set(&in->proxy.relation, relation);
	cd_secret_set(&in->proxy.authorisation, authorisation);
	sodium_memzero(norm, sizeof(norm));
	return true;
}

bool cd_intake_set_material(struct cd_intake *in, const char *code, enum cd_material_state st)
{
	for (size_t i = 0; i < in->item->nmaterials; i++)
		if (!strcmp(in->item->materials[i].code, code)) {
			in->materials[i] = st;
			return true;
		}
	return false;
}

size_t cd_intake_missing_materials(const struct cd_intake *in,
				   const struct cd_item_material ***v, size_t *n_key)
{
	size_t n = 0, keys = 0;

	if (v)
		*v = xcalloc(in->item->nmaterials ? in->item->nmaterials : 1, sizeof(**v));
	for (size_t i = 0; i < in->item->nmaterials; i++) {
		if (!cd_intake_material_applies(in, i) || in->materials[i] == CD_MATERIAL_PROVIDED)
			continue;
		if (v)
			(*v)[n] = &in->item->materials[i];
		n++;
		keys += in->item->materials[i].is_key;
	}
	if (n_key)
		*n_key = keys;
	return n;
}

enum cd_intake_outcome cd_intake_expected_outcome(const struct cd_intake *in)
{
	size_t keys, n = cd_intake_missing_materials(in, NULL, &keys);

	return keys ? CD_OUTCOME_REFUSE : n ? CD_OUTCOME_COMMITMENT : CD_OUTCOME_ACCEPT;
}

/* ---- drafts --------------------------------------------------------------- */

#define DRAFT_FORMAT 1

static const char *source_names[] = { "none", "record", "registry" };

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

char *cd_intake_to_json(const struct cd_intake *in)
{
	const struct cd_applicant *a = &in->applicant;
	json_t *root, *ap, *values, *mats;
	char *out;

	json_secure_init();
	root = json_object();
	json_object_set_new(root, "format", json_integer(DRAFT_FORMAT));
	json_object_set_new(root, "item", json_string(in->item->code));
	json_object_set_new(root, "item_version", json_integer(in->item->version));
	json_object_set_new(root, "case_id", json_string(in->case_id));
	json_object_set_new(root, "op_id", json_string(in->op_id));

	ap = json_object();
	json_object_set_new(ap, "source", json_string(source_names[a->source]));
	json_object_set_new(ap, "kind", json_string(cd_applicant_kind_name(a->kind)));
	json_object_set_new(ap, "id", json_string(a->id));
	json_object_set_new(ap, "key", json_string(a->key));
	json_object_set_new(ap, "name", str_or_null(a->name));
	json_object_set_new(ap, "sex", json_string(a->sex));
	json_object_set_new(ap, "birth_date", json_string(a->birth_date));
	json_object_set_new(ap, "phone", str_or_null(a->phone));
	json_object_set_new(ap, "address", str_or_null(a->address));
	json_object_set_new(ap, "legal_rep_id", str_or_null(a->legal_rep_id));
	json_object_set_new(ap, "status", str_or_null(a->status));
	json_object_set_new(root, "applicant", ap);

	if (in->proxy.present) {
		json_t *p = json_object();

		json_object_set_new(p, "name", str_or_null(in->proxy.name));
		json_object_set_new(p, "idno", json_string(in->proxy.idno));
		json_object_set_new(p, "relation", str_or_null(in->proxy.relation));
		json_object_set_new(p, "authorisation", str_or_null(in->proxy.authorisation));
		json_object_set_new(root, "proxy", p);
	} else {
		json_object_set_new(root, "proxy", json_null());
	}

	values = json_object();
	for (size_t i = 0; i < in->item->nfields; i++)
		if (in->values[i])
			json_object_set_new(values, in->item->fields[i].key,
					    json_string(in->values[i]));
	json_object_set_new(root, "values", values);
	mats = json_object();
	for (size_t i = 0; i < in->item->nmaterials; i++)
		if (in->materials[i] != CD_MATERIAL_UNSET)
			json_object_set_new(mats, in->item->materials[i].code,
					    json_string(in->materials[i] == CD_MATERIAL_PROVIDED
								? "provided" : "missing"));
	json_object_set_new(root, "materials", mats);
	out = json_dumps(root, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_SORT_KEYS);
	json_decref(root);
	return out;
}

static void copy_str(char *dst, size_t n, json_t *obj, const char *name)
{
	const char *s = json_string_value(json_object_get(obj, name));

	snprintf(dst, n, "%s", s ? s : "");
}

static char *dup_str(json_t *obj, const char *name)
{
	const char *s = json_string_value(json_object_get(obj, name));

	return s ? xstrdup(s) : NULL;
}

static bool is_uuid(const char *s)
{
	if (!s || strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		char c = s[i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return false;
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
			     (c >= 'A' && c <= 'F'))) {
			return false;
		}
	}
	return true;
}

struct cd_intake *cd_intake_from_json(const char *text, struct cd_item *item,
				      struct cd_error *err)
{
	json_error_t jerr;
	json_t *root, *ap, *p, *values, *mats, *v;
	struct cd_intake *in;
	const char *key, *source;

	json_secure_init();
	root = json_loads(text ? text : "", 0, &jerr);
	if (!json_is_object(root) ||
	    json_integer_value(json_object_get(root, "format")) != DRAFT_FORMAT ||
	    !is_uuid(json_string_value(json_object_get(root, "case_id"))) ||
	    !is_uuid(json_string_value(json_object_get(root, "op_id")))) {
		json_decref(root);
		cd_error_set(err, CD_ERR_INVALID, "The draft cannot be read", NULL);
		return NULL;
	}
	if (!json_string_value(json_object_get(root, "item")) ||
	    strcmp(json_string_value(json_object_get(root, "item")), item->code) ||
	    json_integer_value(json_object_get(root, "item_version")) != item->version) {
		json_decref(root);
		cd_error_set(err, CD_ERR_INVALID, "The draft belongs to another service item", "%s",
			     item->code);
		return NULL;
	}
	in = cd_intake_new(item);
	copy_str(in->case_id, sizeof(in->case_id), root, "case_id");
	copy_str(in->op_id, sizeof(in->op_id), root, "op_id");

	ap = json_object_get(root, "applicant");
	source = json_string_value(json_object_get(ap, "source"));
	for (size_t i = 0; source && i < sizeof(source_names) / sizeof(*source_names); i++)
		if (!strcmp(source, source_names[i]))
			in->applicant.source = (enum cd_applicant_source)i;
	in->applicant.kind = item->applicant;
	copy_str(in->applicant.id, sizeof(in->applicant.id), ap, "id");
	copy_str(in->applicant.key, sizeof(in->applicant.key), ap, "key");
	copy_str(in->applicant.sex, sizeof(in->applicant.sex), ap, "sex");
	copy_str(in->applicant.birth_date, sizeof(in->applicant.birth_date), ap, "birth_date");
	in->applicant.name = dup_str(ap, "name");
	in->applicant.phone = dup_str(ap, "phone");
	in->applicant.address = dup_str(ap, "address");
	in->applicant.legal_rep_id = dup_str(ap, "legal_rep_id");
	in->applicant.status = dup_str(ap, "status");
	if (!is_uuid(in->applicant.id))
		cd_uuid4(in->applicant.id);

	p = json_object_get(root, "proxy");
	if (json_is_object(p)) {
		in->proxy.present = true;
		in->proxy.name = dup_str(p, "name");
		copy_str(in->proxy.idno, sizeof(in->proxy.idno), p, "idno");
		in->proxy.relation = dup_str(p, "relation");
		in->proxy.authorisation = dup_str(p, "authorisation");
	}

	/* Values are checked again, but an empty required field is not flagged:
	 * the clerk may not have reached it yet. */
	values = json_object_get(root, "values");
	json_object_foreach(values, key, v) {
		int i = cd_intake_field_index(in, key);

		if (i >= 0 && json_is_string(v))
			set_index(in, (size_t)i, json_string_value(v));
	}
	mats = json_object_get(root, "materials");
	json_object_foreach(mats, key, v) {
		const char *s = json_string_value(v);

		if (s && !strcmp(s, "provided"))
			cd_intake_set_material(in, key, CD_MATERIAL_PROVIDED);
		else if (s && !strcmp(s, "missing"))
			cd_intake_set_material(in, key, CD_MATERIAL_MISSING);
	}
	json_decref(root);
	return in;
}

static char *draft_summary(const struct cd_intake *in)
{
	char *mask = NULL, *s;

	if (in->applicant.key[0])
		mask = in->applicant.kind == CD_APPLICANT_PERSON ? cd_mask_idno(in->applicant.key)
								  : xstrdup(in->applicant.key);
	s = mask ? xasprintf("%s · %s", in->item->name_zh, mask) : xstrdup(in->item->name_zh);
	free(mask);
	return s;
}

int cd_draft_save(struct cd_db *db, const struct cd_keys *keys, const struct cd_intake *in,
		  struct cd_error *err)
{
	char *json = cd_intake_to_json(in), *sealed = NULL, *summary;
	const char *p[4];
	enum cd_crypto_err ce;
	PGresult *res;

	ce = cd_seal_field(keys, "draft", "payload", in->case_id, json, strlen(json), &sealed);
	free_dump(json);
	if (ce != CD_CRYPTO_OK) {
		cd_error_set(err, CD_ERR_INTERNAL, cd_crypto_strerror(ce), NULL);
		return -1;
	}
	summary = draft_summary(in);
	p[0] = in->case_id;
	p[1] = in->item->code;
	p[2] = sealed;
	p[3] = summary;
	res = cd_db_exec(db, "SELECT api.draft_save($1::uuid, $2, $3, $4)", 4, p, err);
	free(sealed);
	free(summary);
	if (!res)
		return -1;
	PQclear(res);
	return 0;
}

int cd_draft_list(struct cd_db *db, struct cd_draft_info **out, size_t *n, struct cd_error *err)
{
	PGresult *res = cd_db_exec(db,
		"SELECT id, item, summary, to_char(updated_at, 'YYYY-MM-DD HH24:MI')"
		" FROM api.draft_list() ORDER BY updated_at DESC", 0, NULL, err);
	int rows;

	*out = NULL;
	*n = 0;
	if (!res)
		return -1;
	rows = PQntuples(res);
	*out = xcalloc(rows ? (size_t)rows : 1, sizeof(**out));
	for (int r = 0; r < rows; r++) {
		struct cd_draft_info *d = &(*out)[r];

		snprintf(d->id, sizeof(d->id), "%s", PQgetvalue(res, r, 0));
		d->item = xstrdup(PQgetvalue(res, r, 1));
		d->summary = xstrdup(PQgetvalue(res, r, 2));
		snprintf(d->updated_at, sizeof(d->updated_at), "%s", PQgetvalue(res, r, 3));
	}
	*n = (size_t)rows;
	PQclear(res);
	return 0;
}

void cd_draft_infos_free(struct cd_draft_info **v, size_t n)
{
	if (!*v)
		return;
	for (size_t i = 0; i < n; i++) {
		free((*v)[i].item);
		free((*v)[i].summary);
	}
	free(*v);
	*v = NULL;
}

int cd_draft_load(struct cd_db *db, const struct cd_keys *keys, const char *draft_id,
		  struct cd_intake **out, struct cd_error *err)
{
	const char *p[1] = { draft_id };
	char *clear = NULL, *code;
	size_t len;
	enum cd_crypto_err ce;
	struct cd_item *item = NULL;
	json_t *peek;
	int version;
	PGresult *res;

	*out = NULL;
	json_secure_init();
	res = cd_db_exec(db, "SELECT id, item, payload FROM api.draft_get($1::uuid)", 1, p, err);
	if (!res)
		return -1;
	if (PQntuples(res) != 1) {
		PQclear(res);
		cd_error_set(err, CD_ERR_NOTFOUND, "No such draft", "%s", draft_id);
		return -1;
	}
	ce = cd_open_field(keys, "draft", "payload", PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 2),
			   &clear, &len);
	code = xstrdup(PQgetvalue(res, 0, 1));
	PQclear(res);
	if (ce != CD_CRYPTO_OK) {
		free(code);
		cd_error_set(err, CD_ERR_INTERNAL, cd_crypto_strerror(ce), "%s", draft_id);
		return -1;
	}
	peek = json_loads(clear, 0, NULL);
	version = (int)json_integer_value(json_object_get(peek, "item_version"));
	json_decref(peek);
	if (cd_item_fetch(db, code, version, &item, err) == 0) {
		*out = cd_intake_from_json(clear, item, err);
		if (!*out)
			cd_item_free(&item);
	}
	free(code);
	sodium_memzero(clear, len);
	free(clear);
	return *out ? 0 : -1;
}

int cd_draft_discard(struct cd_db *db, const char *draft_id, struct cd_error *err)
{
	const char *p[1] = { draft_id };
	PGresult *res = cd_db_exec(db, "SELECT api.draft_discard($1::uuid)", 1, p, err);

	if (!res)
		return -1;
	PQclear(res);
	return 0;
}

/* ---- submit ---------------------------------------------------------------- */

void cd_idempotency_uuid(const char *key, const char *salt, char out[CD_UUID_LEN])
{
	static const unsigned char zero = 0;
	crypto_generichash_state st;
	unsigned char b[16];

	if (is_uuid(key) && !strcmp(salt, "op")) {
		for (int i = 0; i < 37; i++)
			out[i] = (char)(key[i] >= 'A' && key[i] <= 'F' ? key[i] - 'A' + 'a' : key[i]);
		return;
	}
	crypto_generichash_init(&st, NULL, 0, sizeof(b));
	crypto_generichash_update(&st, (const unsigned char *)"counterdesk idempotency key", 27);
	crypto_generichash_update(&st, &zero, 1);
	crypto_generichash_update(&st, (const unsigned char *)salt, strlen(salt));
	crypto_generichash_update(&st, &zero, 1);
	crypto_generichash_update(&st, (const unsigned char *)key, strlen(key));
	crypto_generichash_final(&st, b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x50); /* version 5: name-based */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	snprintf(out, CD_UUID_LEN,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
		 b[10], b[11], b[12], b[13], b[14], b[15]);
}

static bool is_personal(enum cd_field_type t)
{
	return t == CD_FIELD_IDNO || t == CD_FIELD_PHONE || t == CD_FIELD_ADDRESS;
}

static const char *blind_domain(enum cd_field_type t)
{
	return t == CD_FIELD_IDNO ? "idno" : t == CD_FIELD_PHONE ? "phone" : NULL;
}

/* The value of the first field on the form prefilled from column of the
 * applicant (applicant:COLUMN, or population:COLUMN of the applicant). */
static const char *applicant_value(const struct cd_intake *in, const char *column)
{
	for (size_t i = 0; i < in->item->nfields; i++) {
		const struct cd_item_field *f = &in->item->fields[i];

		if (!f->prefill_column || strcmp(f->prefill_column, column) || f->prefill_by ||
		    !in->values[i] || in->reasons[i] || !cd_intake_field_applies(in, i))
			continue;
		if (f->prefill == CD_PREFILL_APPLICANT ||
		    (f->prefill == CD_PREFILL_POPULATION && in->item->applicant == CD_APPLICANT_PERSON) ||
		    (f->prefill == CD_PREFILL_ENTERPRISE && in->item->applicant == CD_APPLICANT_ENTERPRISE))
			return in->values[i];
	}
	return NULL;
}

const char *cd_intake_applicant_name(const struct cd_intake *in)
{
	return in->applicant.name ? in->applicant.name : applicant_value(in, "name");
}

void cd_submit_params_free(struct cd_submit_params *p)
{
	free_dump(p->applicant);
	free_dump(p->fields);
	free_dump(p->personal);
	free_dump(p->materials);
	free_dump(p->proxy);
	memset(p, 0, sizeof(*p));
}

static char *dump(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);

	json_decref(o);
	return s;
}

int cd_intake_submit_params(const struct cd_keys *keys, const struct cd_intake *in,
			    struct cd_submit_params *out, struct cd_error *err)
{
	struct cd_applicant a = in->applicant; /* shallow: only name may be swapped */
	const char *name = cd_intake_applicant_name(in);
	json_t *ap, *fields = json_object(), *personal = json_object(), *mats = json_object();
	bool failed = false;

	json_secure_init();
	memset(out, 0, sizeof(*out));
	a.name = (char *)name;
	ap = cd_applicant_json(keys, &a, applicant_value(in, "phone"),
			       applicant_value(in, "address"));
	for (size_t i = 0; i < in->item->nfields && !failed; i++) {
		const struct cd_item_field *f = &in->item->fields[i];
		char *column, *mask;
		json_t *sealed;

		if (!in->values[i] || !cd_intake_field_applies(in, i))
			continue;
		if (!is_personal(f->type)) {
			json_object_set_new(fields, f->key, json_string(in->values[i]));
			continue;
		}
		column = xasprintf("field:%s", f->key);
		mask = cd_mask_value(f->type, in->values[i]);
		sealed = cd_seal_personal(keys, "case", column, in->case_id, in->values[i],
					  blind_domain(f->type), mask);
		free(column);
		free(mask);
		if (!sealed)
			failed = true;
		else
			json_object_set_new(personal, f->key, sealed);
	}
	/* A material whose condition does not hold is not needed: left out,
	 * as api.case_submit leaves it out. Not marked means missing. */
	for (size_t i = 0; i < in->item->nmaterials; i++)
		if (cd_intake_material_applies(in, i))
			json_object_set_new(mats, in->item->materials[i].code,
					    json_string(in->materials[i] == CD_MATERIAL_PROVIDED
							? "provided" : "missing"));
	if (in->proxy.present && !failed) {
		json_t *p = json_object();
		char *mask = cd_mask_idno(in->proxy.idno);
		json_t *sealed = cd_seal_personal(keys, "case", "proxy_id_no", in->case_id,
						  in->proxy.idno, "idno", mask);

		free(mask);
		failed = !sealed;
		json_object_set_new(p, "name", str_or_null(in->proxy.name));
		json_object_set_new(p, "id_no", sealed ? sealed : json_null());
		json_object_set_new(p, "relation", str_or_null(in->proxy.relation));
		json_object_set_new(p, "authorisation", str_or_null(in->proxy.authorisation));
		out->proxy = dump(p);
	}
	if (!ap || failed) {
		json_decref(ap);
		json_decref(fields);
		json_decref(personal);
		json_decref(mats);
		cd_submit_params_free(out);
		cd_error_set(err, CD_ERR_INTERNAL, "Personal data could not be encrypted", NULL);
		return -1;
	}
	out->applicant = dump(ap);
	out->fields = dump(fields);
	out->personal = dump(personal);
	out->materials = dump(mats);
	return 0;
}

void cd_submit_result_clear(struct cd_submit_result *res)
{
	for (size_t i = 0; i < res->nmissing; i++) {
		free(res->missing[i].code);
		free(res->missing[i].name_zh);
		free(res->missing[i].name_en);
		free(res->missing[i].note_zh);
		free(res->missing[i].note_en);
	}
	free(res->missing);
	memset(res, 0, sizeof(*res));
}

static void parse_missing(const char *text, struct cd_submit_result *res)
{
	json_t *a = json_loads(text, 0, NULL), *o;
	size_t i;

	if (!json_is_array(a)) {
		json_decref(a);
		return;
	}
	res->missing = xcalloc(json_array_size(a) ? json_array_size(a) : 1, sizeof(*res->missing));
	json_array_foreach(a, i, o) {
		struct cd_missing_material *m = &res->missing[res->nmissing];

		if (!json_is_object(o))
			continue;
		m->code = dup_str(o, "code");
		m->name_zh = dup_str(o, "name_zh");
		m->name_en = dup_str(o, "name_en");
		m->is_key = json_is_true(json_object_get(o, "key"));
		m->note_zh = dup_str(o, "note_zh");
		m->note_en = dup_str(o, "note_en");
		res->nmissing++;
	}
	json_decref(a);
}

int cd_intake_submit(struct cd_db *db, const struct cd_keys *keys, struct cd_intake *in,
		     int window, struct cd_submit_result *res, struct cd_error *err)
{
	struct cd_submit_params sp;
	char version[16], win[16];
	const char *p[10];
	PGresult *r;

	memset(res, 0, sizeof(*res));
	if (!cd_intake_can_submit(in)) {
		for (size_t i = 0; i < in->item->nfields; i++)
			if (in->reasons[i]) {
				cd_error_set(err, CD_ERR_INVALID, "A field is not valid", "%s: %s",
					     in->item->fields[i].key, in->reasons[i]);
				break;
			}
		return -1;
	}
	if (cd_intake_submit_params(keys, in, &sp, err) < 0)
		return -1;
	snprintf(version, sizeof(version), "%d", in->item->version);
	snprintf(win, sizeof(win), "%d", window);
	p[0] = in->op_id;
	p[1] = in->case_id;
	p[2] = in->item->code;
	p[3] = version;
	p[4] = sp.applicant;
	p[5] = sp.fields;
	p[6] = sp.personal;
	p[7] = sp.materials;
	p[8] = sp.proxy;
	p[9] = window > 0 ? win : NULL;
	r = cd_db_exec_op(db, in->op_id,
			  "SELECT outcome, case_no, notice_no, to_char(promised_date, 'YYYY-MM-DD'),"
			  " to_char(commitment_due, 'YYYY-MM-DD'), missing, visits"
			  " FROM api.case_submit($1::uuid, $2::uuid, $3, $4::int, $5::jsonb,"
			  " $6::jsonb, $7::jsonb, $8::jsonb, $9::jsonb, $10::int)",
			  10, p, err);
	res->round_trips = 1;
	cd_submit_params_free(&sp);
	if (!r)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		cd_error_set(err, CD_ERR_INTERNAL, "Unexpected answer from the database", NULL);
		return -1;
	}
	text_at(res->outcome, sizeof(res->outcome), r, 0, 0);
	text_at(res->case_no, sizeof(res->case_no), r, 0, 1);
	text_at(res->notice_no, sizeof(res->notice_no), r, 0, 2);
	text_at(res->promised_date, sizeof(res->promised_date), r, 0, 3);
	text_at(res->commitment_due, sizeof(res->commitment_due), r, 0, 4);
	if (!PQgetisnull(r, 0, 5))
		parse_missing(PQgetvalue(r, 0, 5), res);
	res->visits = PQgetisnull(r, 0, 6) ? 0 : atoi(PQgetvalue(r, 0, 6));
	PQclear(r);
	return 0;
}

/* ---- cases ------------------------------------------------------------------ */

void cd_case_clear(struct cd_case *c)
{
	free(c->case_no);
	free(c->item);
	free(c->item_name_zh);
	free(c->status);
	free(c->applicant_name);
	free(c->applicant_id_mask);
	free(c->accepted_at);
	free(c->accepted_by);
	free(c->promised_date);
	free(c->commitment_due);
	for (size_t i = 0; i < c->nfields; i++) {
		free(c->fields[i].key);
		free(c->fields[i].value);
	}
	free(c->fields);
	for (size_t i = 0; i < c->nmaterials; i++) {
		free(c->materials[i].code);
		free(c->materials[i].name_zh);
		free(c->materials[i].status);
	}
	free(c->materials);
	free(c->proxy_json);
	memset(c, 0, sizeof(*c));
}

void cd_cases_free(struct cd_case **v, size_t n)
{
	if (!*v)
		return;
	for (size_t i = 0; i < n; i++)
		cd_case_clear(&(*v)[i]);
	free(*v);
	*v = NULL;
}

static void add_kv(struct cd_case *c, const char *key, const char *value)
{
	c->fields = xrealloc(c->fields, (c->nfields + 1) * sizeof(*c->fields));
	c->fields[c->nfields].key = xstrdup(key);
	c->fields[c->nfields].value = xstrdup(value);
	c->nfields++;
}

/* A JSON value as text: strings as they are, anything else as JSON. */
static char *json_text(json_t *v)
{
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_null(v))
		return xstrdup("");
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	char *out = xstrdup(s ? s : "");

	free(s);
	return out;
}

static void parse_fields(struct cd_case *c, const char *text)
{
	json_t *o = json_loads(text, 0, NULL), *v;
	const char *key;

	json_object_foreach(o, key, v) {
		char *s = json_is_object(v) && json_object_get(v, "mask")
				  ? json_text(json_object_get(v, "mask")) : json_text(v);

		add_kv(c, key, s);
		free(s);
	}
	json_decref(o);
}

static void add_material(struct cd_case *c, const char *code, json_t *v)
{
	struct cd_case_material *m;

	c->materials = xrealloc(c->materials, (c->nmaterials + 1) * sizeof(*c->materials));
	m = &c->materials[c->nmaterials++];
	memset(m, 0, sizeof(*m));
	m->code = xstrdup(code ? code : json_string_value(json_object_get(v, "code")));
	if (json_is_string(v)) {
		m->status = xstrdup(json_string_value(v));
		return;
	}
	m->status = dup_str(v, "status");
	if (!m->status)
		m->status = dup_str(v, "state");
	m->name_zh = dup_str(v, "name_zh");
	m->is_key = json_is_true(json_object_get(v, "key"));
}

/* Materials as {code: status}, {code: {...}} or [{code, status, ...}]. */
static void parse_materials(struct cd_case *c, const char *text)
{
	json_t *o = json_loads(text, 0, NULL), *v;
	const char *key;
	size_t i;

	if (json_is_object(o)) {
		json_object_foreach(o, key, v)
			add_material(c, key, v);
	} else if (json_is_array(o)) {
		json_array_foreach(o, i, v)
			if (json_is_object(v) && json_is_string(json_object_get(v, "code")))
				add_material(c, NULL, v);
	}
	json_decref(o);
}

#define CASE_COLUMNS \
	"case_no, item, item_version, item_name_zh, status, applicant_name," \
	" applicant_id_mask, to_char(accepted_at, 'YYYY-MM-DD HH24:MI'), accepted_by," \
	" window_no, to_char(promised_date, 'YYYY-MM-DD')," \
	" to_char(commitment_due, 'YYYY-MM-DD'), visits"
#define CASE_FULL_COLUMNS CASE_COLUMNS ", fields, personal_masks, materials, proxy"

static void read_case(const PGresult *r, int row, bool full, struct cd_case *c)
{
	memset(c, 0, sizeof(*c));
	c->case_no = dup_at(r, row, 0);
	c->item = dup_at(r, row, 1);
	c->item_version = PQgetisnull(r, row, 2) ? 0 : atoi(PQgetvalue(r, row, 2));
	c->item_name_zh = dup_at(r, row, 3);
	c->status = dup_at(r, row, 4);
	c->applicant_name = dup_at(r, row, 5);
	c->applicant_id_mask = dup_at(r, row, 6);
	c->accepted_at = dup_at(r, row, 7);
	c->accepted_by = dup_at(r, row, 8);
	c->window_no = PQgetisnull(r, row, 9) ? 0 : atoi(PQgetvalue(r, row, 9));
	c->promised_date = dup_at(r, row, 10);
	c->commitment_due = dup_at(r, row, 11);
	c->visits = PQgetisnull(r, row, 12) ? 0 : atoi(PQgetvalue(r, row, 12));
	if (!full)
		return;
	if (!PQgetisnull(r, row, 13))
		parse_fields(c, PQgetvalue(r, row, 13));
	if (!PQgetisnull(r, row, 14))
		parse_fields(c, PQgetvalue(r, row, 14));
	if (!PQgetisnull(r, row, 15))
		parse_materials(c, PQgetvalue(r, row, 15));
	c->proxy_json = dup_at(r, row, 16);
}

int cd_case_get(struct cd_db *db, const char *case_no, struct cd_case *out, struct cd_error *err)
{
	const char *p[1] = { case_no };
	PGresult *r;

	json_secure_init();
	memset(out, 0, sizeof(*out));
	r = cd_db_exec(db, "SELECT " CASE_FULL_COLUMNS " FROM api.case_get($1)", 1, p, err);
	if (!r)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		cd_error_set(err, CD_ERR_NOTFOUND, "No such case", "%s", case_no);
		return -1;
	}
	read_case(r, 0, true, out);
	PQclear(r);
	return 0;
}

int cd_case_list(struct cd_db *db, const char *status, int limit, bool full,
		 struct cd_case **out, size_t *n, struct cd_error *err)
{
	char lim[16];
	const char *p[2] = { status, NULL };
	PGresult *r;
	int rows;

	json_secure_init();
	*out = NULL;
	*n = 0;
	if (limit > 0) {
		snprintf(lim, sizeof(lim), "%d", limit);
		p[1] = lim;
	}
	/* The full form reads each listed case through api.case_get in the same
	 * statement: one round trip, however many cases. */
	if (full)
		r = cd_db_exec(db,
			"SELECT g.case_no, g.item, g.item_version, g.item_name_zh, g.status,"
			" g.applicant_name, g.applicant_id_mask,"
			" to_char(g.accepted_at, 'YYYY-MM-DD HH24:MI'), g.accepted_by, g.window_no,"
			" to_char(g.promised_date, 'YYYY-MM-DD'), to_char(g.commitment_due, 'YYYY-MM-DD'),"
			" g.visits, g.fields, g.personal_masks, g.materials, g.proxy"
			" FROM api.case_list($1, coalesce($2::int, 50)) l"
			" CROSS JOIN LATERAL api.case_get(l.case_no) g"
			" ORDER BY l.accepted_at DESC, l.case_no DESC", 2, p, err);
	else
		r = cd_db_exec(db,
			"SELECT case_no, item, NULL::int, item_name_zh, status, applicant_name,"
			" applicant_id_mask, to_char(accepted_at, 'YYYY-MM-DD HH24:MI'), NULL::text,"
			" NULL::int, to_char(promised_date, 'YYYY-MM-DD'), NULL::text, visits"
			" FROM api.case_list($1, coalesce($2::int, 50))"
			" ORDER BY accepted_at DESC, case_no DESC", 2, p, err);
	if (!r)
		return -1;
	rows = PQntuples(r);
	*out = xcalloc(rows ? (size_t)rows : 1, sizeof(**out));
	for (int i = 0; i < rows; i++)
		read_case(r, i, full, &(*out)[i]);
	*n = (size_t)rows;
	PQclear(r);
	return 0;
}

int cd_case_supplement(struct cd_db *db, const char *case_no, const char *material,
		       struct cd_supplement_result *out, struct cd_error *err)
{
	char op[CD_UUID_LEN];
	const char *p[3] = { op, case_no, material };
	PGresult *r;

	memset(out, 0, sizeof(*out));
	cd_uuid4(op);
	r = cd_db_exec_op(db, op,
			  "SELECT visits, outstanding FROM api.case_supplement($1::uuid, $2, $3)", 3,
			  p, err);
	if (!r)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		cd_error_set(err, CD_ERR_INTERNAL, "Unexpected answer from the database", NULL);
		return -1;
	}
	out->visits = atoi(PQgetvalue(r, 0, 0));
	out->outstanding = atoi(PQgetvalue(r, 0, 1));
	PQclear(r);
	return 0;
}
