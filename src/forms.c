/* Reading and checking service-item files (counterdesk-forms(5)).
 *
 * iniparser reads the values, but it lower-cases names, silently lets a
 * repeated key or section overwrite the first, and keeps no line numbers. So
 * the text is also scanned here, line by line with iniparser's own rules, to
 * know where each section and key is written and whether it was written
 * twice; every message can then point at a line. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <iniparser/iniparser.h>

#include "forms.h"
#include "i18n.h"
#include "text.h"
#include "util.h"

#define CODE_MAX 32       /* item, field, group and material codes */
#define DEPT_MAX 16       /* department codes, as core.department allows */
#define STEP_MAX 99
#define DAYS_MAX 60       /* 行政许可法 §42: joint handling 45 days + 15 */
#define VERSION_MAX 1000000
#define LENGTH_MAX 2000
#define TEXT_DEFAULT_LENGTH 100
#define ADDRESS_DEFAULT_LENGTH 200

/* ---- errors ---------------------------------------------------------- */

static void add_error(struct cd_form_errors *errs, const char *file, int line,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void add_error(struct cd_form_errors *errs, const char *file, int line,
		      const char *fmt, ...)
{
	struct cd_form_error *e;
	va_list ap;
	int n;

	if (errs->n == errs->cap) {
		errs->cap = errs->cap ? errs->cap * 2 : 16;
		errs->v = xrealloc(errs->v, errs->cap * sizeof(*errs->v));
	}
	e = &errs->v[errs->n++];
	e->file = xstrdup(file);
	e->line = line;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	e->message = xmalloc((size_t)(n < 0 ? 0 : n) + 1);
	va_start(ap, fmt);
	vsnprintf(e->message, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
	va_end(ap);
	if (line > 0)
		e->text = xasprintf("%s:%d: %s", file, line, e->message);
	else
		e->text = xasprintf("%s: %s", file, e->message);
}

void cd_form_errors_free(struct cd_form_errors *errs)
{
	for (size_t i = 0; i < errs->n; i++) {
		free(errs->v[i].file);
		free(errs->v[i].message);
		free(errs->v[i].text);
	}
	free(errs->v);
	errs->v = NULL;
	errs->n = errs->cap = 0;
}

/* ---- names ----------------------------------------------------------- */

static const char *const field_type_names[] = {
	[CD_FIELD_TEXT] = "text",       [CD_FIELD_IDNO] = "idno",
	[CD_FIELD_USCC] = "uscc",       [CD_FIELD_PHONE] = "phone",
	[CD_FIELD_DATE] = "date",       [CD_FIELD_ENUM] = "enum",
	[CD_FIELD_INTEGER] = "integer", [CD_FIELD_MONEY] = "money",
	[CD_FIELD_ADDRESS] = "address",
};

static const char *const prefill_names[] = {
	[CD_PREFILL_NONE] = "none",
	[CD_PREFILL_APPLICANT] = "applicant",
	[CD_PREFILL_POPULATION] = "population",
	[CD_PREFILL_ENTERPRISE] = "enterprise",
};

static const char *const check_names[] = {
	[CD_CHECK_NONE] = "none",         [CD_CHECK_IDENTITY] = "identity",
	[CD_CHECK_BENEFIT] = "benefit",   [CD_CHECK_LICENCE] = "licence",
	[CD_CHECK_ENTERPRISE] = "enterprise",
};

const char *cd_field_type_name(enum cd_field_type t)
{
	return (size_t)t < ARRAY_SIZE(field_type_names) ? field_type_names[t] : "?";
}

const char *cd_prefill_source_name(enum cd_prefill_source s)
{
	return (size_t)s < ARRAY_SIZE(prefill_names) ? prefill_names[s] : "?";
}

const char *cd_check_kind_name(enum cd_check_kind k)
{
	return (size_t)k < ARRAY_SIZE(check_names) ? check_names[k] : "?";
}

const char *cd_applicant_kind_name(enum cd_applicant_kind a)
{
	return a == CD_APPLICANT_ENTERPRISE ? "enterprise" : "person";
}

#define BIT(t) (1u << (t))

/* The register columns a field may be pre-filled from, and the field types
 * each can fill; applicant columns depend on who applies. They are what
 * docs/intake.md says the applicant record (api.applicant_candidates) and the
 * registries (api.registry_person, api.registry_enterprise) return:
 * legal_rep_idno is legal_rep_id there, established_date registered_on. */
struct column {
	enum cd_prefill_source source;
	const char *name;
	unsigned types;      /* BIT(cd_field_type) */
	unsigned applicants; /* for CD_PREFILL_APPLICANT: BIT(cd_applicant_kind) */
};

#define PERSON BIT(CD_APPLICANT_PERSON)
#define ENTERPRISE BIT(CD_APPLICANT_ENTERPRISE)

static const struct column columns[] = {
	{ CD_PREFILL_APPLICANT, "name", BIT(CD_FIELD_TEXT), PERSON | ENTERPRISE },
	{ CD_PREFILL_APPLICANT, "idno", BIT(CD_FIELD_IDNO), PERSON },
	{ CD_PREFILL_APPLICANT, "uscc", BIT(CD_FIELD_USCC), ENTERPRISE },
	{ CD_PREFILL_APPLICANT, "phone", BIT(CD_FIELD_PHONE), PERSON | ENTERPRISE },
	{ CD_PREFILL_APPLICANT, "address", BIT(CD_FIELD_ADDRESS), PERSON | ENTERPRISE },
	{ CD_PREFILL_POPULATION, "name", BIT(CD_FIELD_TEXT), 0 },
	{ CD_PREFILL_POPULATION, "sex", BIT(CD_FIELD_ENUM) | BIT(CD_FIELD_TEXT), 0 },
	{ CD_PREFILL_POPULATION, "birth_date", BIT(CD_FIELD_DATE), 0 },
	{ CD_PREFILL_POPULATION, "address", BIT(CD_FIELD_ADDRESS), 0 },
	{ CD_PREFILL_ENTERPRISE, "name", BIT(CD_FIELD_TEXT), 0 },
	{ CD_PREFILL_ENTERPRISE, "legal_rep_idno", BIT(CD_FIELD_IDNO), 0 },
	{ CD_PREFILL_ENTERPRISE, "address", BIT(CD_FIELD_ADDRESS), 0 },
	{ CD_PREFILL_ENTERPRISE, "established_date", BIT(CD_FIELD_DATE), 0 },
};

/* ---- the text scan --------------------------------------------------- */

struct scan_sec {
	char *name; /* as iniparser keys it: stripped, lower-cased */
	char *raw;  /* as written */
	int line;
	int first;  /* index of an earlier section of the same name, or -1 */
};

struct scan_key {
	int sec; /* -1 before any section */
	char *name;
	int line;
	int cut; /* iniparser drops part of the value: CUT_* */
};

enum {
	CUT_COMMENT = 1, /* an unquoted ; or # starts a comment */
	CUT_AFTER_QUOTE, /* text after the closing quote */
};

struct scan {
	struct scan_sec *secs;
	size_t nsecs;
	struct scan_key *keys;
	size_t nkeys;
};

static char *strip(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static void ascii_lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* Classifies each line as iniparser does (a trailing backslash joins the
 * next line; lines iniparser rejects never get this far). */
static void scan_text(struct scan *sc, const char *text)
{
	const char *p = text;
	int lineno = 0, cont = 0;
	size_t cap_s = 0, cap_k = 0;

	memset(sc, 0, sizeof(*sc));
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xmalloc(len + 1), *s;
		int was_cont = cont;

		memcpy(line, p, len);
		line[len] = '\0';
		p += len + (nl ? 1 : 0);
		lineno++;
		s = strip(line);
		cont = *s && s[strlen(s) - 1] == '\\';
		if (was_cont || !*s || *s == '#' || *s == ';') {
			free(line);
			continue;
		}
		if (*s == '[' && s[strlen(s) - 1] == ']') {
			struct scan_sec *sec;

			s[strlen(s) - 1] = '\0';
			s = strip(s + 1);
			if (sc->nsecs == cap_s) {
				cap_s = cap_s ? cap_s * 2 : 16;
				sc->secs = xrealloc(sc->secs, cap_s * sizeof(*sc->secs));
			}
			sec = &sc->secs[sc->nsecs];
			sec->raw = xstrdup(s);
			ascii_lower(s);
			sec->name = xstrdup(s);
			sec->line = lineno;
			sec->first = -1;
			for (size_t i = 0; i < sc->nsecs; i++)
				if (!strcmp(sc->secs[i].name, sec->name)) {
					sec->first = (int)i;
					break;
				}
			sc->nsecs++;
		} else if (strchr(s, '=')) {
			struct scan_key *k;
			char *v = strchr(s, '=');

			*v++ = '\0';
			while (isspace((unsigned char)*v))
				v++;
			s = strip(s);
			ascii_lower(s);
			if (sc->nkeys == cap_k) {
				cap_k = cap_k ? cap_k * 2 : 64;
				sc->keys = xrealloc(sc->keys, cap_k * sizeof(*sc->keys));
			}
			k = &sc->keys[sc->nkeys++];
			k->sec = (int)sc->nsecs - 1;
			k->name = xstrdup(s);
			k->line = lineno;
			if (*v == '"' || *v == '\'') {
				/* iniparser keeps what is inside the quotes and
				 * drops the rest of the line. */
				const char *close = strchr(v + 1, *v);
				const char *rest = close ? close + 1 : "";

				while (isspace((unsigned char)*rest))
					rest++;
				k->cut = *rest && *rest != ';' && *rest != '#' ? CUT_AFTER_QUOTE : 0;
			} else {
				k->cut = strpbrk(v, ";#") ? CUT_COMMENT : 0;
			}
		}
		free(line);
	}
}

static void scan_free(struct scan *sc)
{
	for (size_t i = 0; i < sc->nsecs; i++) {
		free(sc->secs[i].name);
		free(sc->secs[i].raw);
	}
	for (size_t i = 0; i < sc->nkeys; i++)
		free(sc->keys[i].name);
	free(sc->secs);
	free(sc->keys);
}

/* ---- iniparser and its syntax errors --------------------------------- */

/* The callback is global to iniparser; these say where its reports go while
 * one file is parsed. */
static struct cd_form_errors *syntax_errs;
static const char *syntax_path;

static int syntax_error(const char *fmt, ...)
{
	char msg[2048];
	char *where;
	const char *at;
	va_list ap;
	long line = 0;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* "... in PATH (LINE)..." -- the path is known, so a parenthesis in a
	 * directory name cannot confuse the search. */
	where = xasprintf(" in %s (", syntax_path);
	at = strstr(msg, where);
	if (at)
		line = strtol(at + strlen(where), NULL, 10);
	free(where);
	if (line <= 0 || line > 1000000000)
		line = 0;
	if (!strncmp(msg, "iniparser: input line too long", 30))
		add_error(syntax_errs, syntax_path, (int)line,
			  _("line too long (iniparser reads at most 1022 bytes a line)"));
	else if (!strncmp(msg, "iniparser: syntax error", 23))
		add_error(syntax_errs, syntax_path, (int)line,
			  _("syntax error: expected [section], key = value, or a comment starting with ; or #"));
	else
		add_error(syntax_errs, syntax_path, (int)line, _("cannot parse: %s"), strip(msg));
	return 0;
}

static dictionary *parse_ini(const char *path, struct cd_form_errors *errs)
{
	dictionary *d;
	size_t before = errs->n;

	syntax_errs = errs;
	syntax_path = path;
	iniparser_set_error_callback(syntax_error);
	d = iniparser_load(path);
	iniparser_set_error_callback(NULL);
	syntax_errs = NULL;
	syntax_path = NULL;
	if (!d && errs->n == before)
		add_error(errs, path, 0, _("cannot parse the file"));
	if (d && errs->n != before) {
		iniparser_freedict(d);
		d = NULL;
	}
	return d;
}

/* ---- checking one file ----------------------------------------------- */

enum sec_kind { SEC_UNKNOWN, SEC_ITEM, SEC_GROUP, SEC_STEP, SEC_FIELD, SEC_MATERIAL };

struct key_def {
	const char *name;
	int required;
};

static const struct key_def item_keys[] = {
	{ "code", 1 }, { "version", 1 }, { "name_zh", 1 }, { "name_en", 1 },
	{ "applicant", 1 }, { "promised_days", 1 }, { "count_acceptance_day", 0 },
	{ "departments", 1 }, { NULL, 0 },
};
static const struct key_def group_keys[] = {
	{ "label_zh", 1 }, { "label_en", 1 }, { NULL, 0 },
};
static const struct key_def step_keys[] = {
	{ "dept", 1 }, { "group", 1 }, { "days", 1 }, { "name_zh", 1 }, { "name_en", 1 },
	{ NULL, 0 },
};
static const struct key_def field_keys[] = {
	{ "label_zh", 1 }, { "label_en", 1 }, { "type", 1 }, { "group", 1 },
	{ "required", 0 }, { "choices", 0 }, { "max_length", 0 }, { "prefill", 0 },
	{ "prefill_by", 0 }, { "send_to", 0 }, { "when", 0 }, { NULL, 0 },
};
static const struct key_def material_keys[] = {
	{ "name_zh", 1 }, { "name_en", 1 }, { "key", 1 }, { "check", 0 },
	{ "note_zh", 0 }, { "note_en", 0 }, { "send_to", 0 }, { "when", 0 }, { NULL, 0 },
};

struct ctx {
	const char *path;
	struct cd_form_errors *errs;
	struct scan sc;
	dictionary *d;
	struct cd_item *item;
	enum sec_kind *kind; /* per scanned section */
	int departments_line;
	int promised_line;
	int have_departments; /* departments parsed: cross-checks are meaningful */
};

#define ERR(c, line, ...) add_error((c)->errs, (c)->path, (line), __VA_ARGS__)

static int valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned c = *p;
		int n;
		unsigned cp;

		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		for (int i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		p += n + 1;
	}
	return 1;
}

/* Lower-case letter, then lower-case letters, digits and _, at most CODE_MAX. */
static int is_code(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CODE_MAX || !(*s >= 'a' && *s <= 'z'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

/* As core.department.code: ^[A-Z][A-Z0-9_]{0,15}$ */
static int is_dept_code(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > DEPT_MAX || !(*s >= 'A' && *s <= 'Z'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

static enum sec_kind classify(struct ctx *c, size_t i, const char **suffix)
{
	const struct scan_sec *s = &c->sc.secs[i];
	const char *dot = strchr(s->name, '.');
	size_t plen = dot ? (size_t)(dot - s->name) : strlen(s->name);
	static const struct {
		const char *prefix;
		enum sec_kind kind;
	} kinds[] = {
		{ "group", SEC_GROUP }, { "step", SEC_STEP },
		{ "field", SEC_FIELD }, { "material", SEC_MATERIAL },
	};

	*suffix = NULL;
	if (!strcmp(s->name, "item"))
		return SEC_ITEM;
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		if (strlen(kinds[k].prefix) != plen || strncmp(s->name, kinds[k].prefix, plen))
			continue;
		if (!dot || !dot[1]) {
			ERR(c, s->line, _("section [%s] needs a name: [%s.NAME]"), s->raw,
			    kinds[k].prefix);
			return SEC_UNKNOWN;
		}
		/* The name as written: iniparser has lower-cased its copy. */
		*suffix = strchr(s->raw, '.') + 1;
		if (kinds[k].kind == SEC_STEP) {
			char *end;
			long n;

			errno = 0;
			n = strtol(*suffix, &end, 10);
			if (!isdigit((unsigned char)**suffix) || **suffix == '0' || *end ||
			    errno || n < 1 || n > STEP_MAX) {
				ERR(c, s->line,
				    _("step number '%s' must be a whole number from 1 to %d"),
				    *suffix, STEP_MAX);
				return SEC_UNKNOWN;
			}
		} else if (!is_code(*suffix)) {
			ERR(c, s->line,
			    _("name '%s' in [%s] must be lower-case letters, digits and _, starting with a letter (at most %d)"),
			    *suffix, s->raw, CODE_MAX);
			return SEC_UNKNOWN;
		}
		return kinds[k].kind;
	}
	ERR(c, s->line,
	    _("unknown section [%s] (expected [item], [group.NAME], [step.N], [field.NAME] or [material.CODE])"),
	    s->raw);
	return SEC_UNKNOWN;
}

static const struct key_def *keys_of(enum sec_kind k)
{
	switch (k) {
	case SEC_ITEM:
		return item_keys;
	case SEC_GROUP:
		return group_keys;
	case SEC_STEP:
		return step_keys;
	case SEC_FIELD:
		return field_keys;
	case SEC_MATERIAL:
		return material_keys;
	case SEC_UNKNOWN:
		break;
	}
	return NULL;
}

static void key_list(const struct key_def *defs, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (; defs->name && used < len; defs++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
					 defs->name);
}

/* Unknown and repeated keys, and required keys that are missing. */
static void check_keys(struct ctx *c, size_t si, const struct key_def *defs)
{
	const struct scan_sec *s = &c->sc.secs[si];

	for (size_t i = 0; i < c->sc.nkeys; i++) {
		const struct scan_key *k = &c->sc.keys[i];
		const struct key_def *d;

		if (k->sec != (int)si)
			continue;
		for (d = defs; d->name && strcmp(d->name, k->name); d++)
			;
		if (!d->name) {
			char names[512];

			key_list(defs, names, sizeof(names));
			ERR(c, k->line, _("unknown key '%s' in [%s] (expected one of: %s)"),
			    k->name, s->raw, names);
			continue;
		}
		if (k->cut == CUT_COMMENT)
			ERR(c, k->line,
			    _("a ; or # in the value of '%s' starts a comment and cuts the value short: put comments on a line of their own, or quote the value"),
			    k->name);
		else if (k->cut == CUT_AFTER_QUOTE)
			ERR(c, k->line,
			    _("the value of '%s' goes on after its closing quote, and that part would be dropped: quote the whole value or none of it"),
			    k->name);
		for (size_t j = 0; j < i; j++)
			if (c->sc.keys[j].sec == (int)si && !strcmp(c->sc.keys[j].name, k->name)) {
				ERR(c, k->line, _("key '%s' given twice in [%s] (first at line %d)"),
				    k->name, s->raw, c->sc.keys[j].line);
				break;
			}
	}
	for (const struct key_def *d = defs; d->name; d++) {
		int found = 0;

		if (!d->required)
			continue;
		for (size_t i = 0; i < c->sc.nkeys && !found; i++)
			found = c->sc.keys[i].sec == (int)si && !strcmp(c->sc.keys[i].name, d->name);
		if (!found)
			ERR(c, s->line, _("[%s] lacks the required key '%s'"), s->raw, d->name);
	}
}

/* The line of key in section si (its last occurrence: the value iniparser
 * kept), 0 when absent. */
static int key_line(const struct ctx *c, size_t si, const char *key)
{
	int line = 0;

	for (size_t i = 0; i < c->sc.nkeys; i++)
		if (c->sc.keys[i].sec == (int)si && !strcmp(c->sc.keys[i].name, key))
			line = c->sc.keys[i].line;
	return line;
}

/* The value of key in section si, NULL when this section does not set it.
 * Every value must be non-empty UTF-8 without control characters: it ends up
 * on screens, receipts and in JSON. */
static const char *value(struct ctx *c, size_t si, const char *key)
{
	int line = key_line(c, si, key);
	char full[1200];
	const char *v;

	if (!line)
		return NULL;
	snprintf(full, sizeof(full), "%s:%s", c->sc.secs[si].name, key);
	v = iniparser_getstring(c->d, full, NULL);
	if (!v) {
		ERR(c, line, _("cannot read the value of '%s'"), key);
		return NULL;
	}
	if (!*v) {
		ERR(c, line, _("'%s' is empty (give a value or leave the key out)"), key);
		return NULL;
	}
	if (!valid_utf8(v)) {
		ERR(c, line, _("the value of '%s' is not valid UTF-8"), key);
		return NULL;
	}
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f) {
			ERR(c, line, _("the value of '%s' contains a control character"), key);
			return NULL;
		}
	return v;
}

static char *get_text(struct ctx *c, size_t si, const char *key)
{
	const char *v = value(c, si, key);

	return v ? xstrdup(v) : NULL;
}

/* A whole number in [min, max]; fallback when absent or wrong. */
static int get_int(struct ctx *c, size_t si, const char *key, int min, int max, int fallback)
{
	const char *v = value(c, si, key);
	const char *p;
	long n = 0;

	if (!v)
		return fallback;
	for (p = v; *p >= '0' && *p <= '9' && n <= max; p++)
		n = n * 10 + (*p - '0');
	if (p == v || *p || n < min || n > max) {
		ERR(c, key_line(c, si, key), _("'%s' must be a whole number from %d to %d, not '%s'"),
		    key, min, max, v);
		return fallback;
	}
	return (int)n;
}

static bool get_bool(struct ctx *c, size_t si, const char *key, bool fallback)
{
	const char *v = value(c, si, key);

	if (!v)
		return fallback;
	if (!strcmp(v, "yes"))
		return true;
	if (!strcmp(v, "no"))
		return false;
	ERR(c, key_line(c, si, key), _("'%s' must be yes or no, not '%s'"), key, v);
	return fallback;
}

/* One of names[0..n); returns its index, or -1 (reported). */
static int get_choice(struct ctx *c, size_t si, const char *key, const char *const *names,
		      size_t n, const char *expected)
{
	const char *v = value(c, si, key);

	if (!v)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (names[i] && !strcmp(v, names[i]))
			return (int)i;
	ERR(c, key_line(c, si, key), _("'%s' must be %s, not '%s'"), key, expected, v);
	return -1;
}

static void list_add(struct cd_strlist *l, const char *s, size_t len)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n] = xmalloc(len + 1);
	memcpy(l->v[l->n], s, len);
	l->v[l->n][len] = '\0';
	l->n++;
}

static void list_free(struct cd_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int list_has(const struct cd_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return 1;
	return 0;
}

/* A comma-separated list: items trimmed, none empty, none repeated. */
static void get_list(struct ctx *c, size_t si, const char *key, struct cd_strlist *out)
{
	const char *v = value(c, si, key);
	int line = key_line(c, si, key);
	struct cd_strlist l = { 0 };

	if (!v)
		return;
	for (const char *p = v;;) {
		const char *comma = strchr(p, ',');
		const char *e = comma ? comma : p + strlen(p);
		const char *b = p;

		while (b < e && isspace((unsigned char)*b))
			b++;
		while (e > b && isspace((unsigned char)e[-1]))
			e--;
		if (b == e) {
			ERR(c, line, _("'%s' has an empty entry (a stray comma?)"), key);
		} else {
			char *one = xmalloc((size_t)(e - b) + 1);

			memcpy(one, b, (size_t)(e - b));
			one[e - b] = '\0';
			if (list_has(&l, one))
				ERR(c, line, _("'%s' lists '%s' twice"), key, one);
			else
				list_add(&l, b, (size_t)(e - b));
			free(one);
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	*out = l;
}

static void departments_text(const struct cd_item *it, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < it->departments.n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
					 it->departments.v[i]);
}

/* A department code the item lists; reports otherwise. */
static void check_dept(struct ctx *c, int line, const char *key, const char *code)
{
	char have[256];

	if (!is_dept_code(code)) {
		ERR(c, line,
		    _("'%s' names '%s': a department code is upper-case letters, digits and _ (e.g. GA)"),
		    key, code);
		return;
	}
	if (!c->have_departments || list_has(&c->item->departments, code))
		return;
	departments_text(c->item, have, sizeof(have));
	ERR(c, line, _("'%s' names department %s, which is not in [item] departments (%s)"), key,
	    code, have);
}

static void get_dept_list(struct ctx *c, size_t si, const char *key, struct cd_strlist *out)
{
	get_list(c, si, key, out);
	for (size_t i = 0; i < out->n; i++)
		check_dept(c, key_line(c, si, key), key, out->v[i]);
}

/* when = FIELD=VALUE|VALUE... (checked against the field once all are read) */
static void get_when(struct ctx *c, size_t si, struct cd_condition *w)
{
	const char *v = value(c, si, "when");
	int line = key_line(c, si, "when");
	const char *eq;
	char *field;

	if (!v)
		return;
	eq = strchr(v, '=');
	field = xstrdup(v);
	field[eq ? (size_t)(eq - v) : strlen(v)] = '\0';
	if (!eq || !is_code(strip(field)) || !eq[1]) {
		ERR(c, line, _("when must be FIELD=VALUE, or FIELD=VALUE|VALUE for several, not '%s'"), v);
		free(field);
		return;
	}
	w->field = xstrdup(strip(field));
	free(field);
	for (const char *p = eq + 1;;) {
		const char *bar = strchr(p, '|');
		const char *e = bar ? bar : p + strlen(p);
		const char *b = p;

		while (b < e && isspace((unsigned char)*b))
			b++;
		while (e > b && isspace((unsigned char)e[-1]))
			e--;
		if (b == e)
			ERR(c, line, _("when has an empty value (a stray |?)"));
		else
			list_add(&w->values, b, (size_t)(e - b));
		if (!bar)
			break;
		p = bar + 1;
	}
}

static void condition_free(struct cd_condition *w)
{
	free(w->field);
	w->field = NULL;
	list_free(&w->values);
}

static void parse_item(struct ctx *c, size_t si)
{
	struct cd_item *it = c->item;
	static const char *const applicants[] = { "person", "enterprise" };
	int a;

	it->line = c->sc.secs[si].line;
	it->code_line = key_line(c, si, "code");
	it->code = get_text(c, si, "code");
	if (it->code && !is_code(it->code))
		ERR(c, it->code_line,
		    _("code '%s' must be lower-case letters, digits and _, starting with a letter (at most %d)"),
		    it->code, CODE_MAX);
	if (key_line(c, si, "version")) {
		const char *v = value(c, si, "version");
		const char *p = v;
		long n = 0;

		for (; p && *p >= '0' && *p <= '9' && n <= VERSION_MAX; p++)
			n = n * 10 + (*p - '0');
		if (v && (p == v || *p || n < 1 || n > VERSION_MAX || *v == '0'))
			ERR(c, key_line(c, si, "version"),
			    _("version must be a whole number from 1 to %d, raised whenever the item changes, not '%s'"),
			    VERSION_MAX, v);
		else if (v)
			it->version = (int)n;
	}
	it->name_zh = get_text(c, si, "name_zh");
	it->name_en = get_text(c, si, "name_en");
	a = get_choice(c, si, "applicant", applicants, ARRAY_SIZE(applicants),
		       _("person or enterprise"));
	it->applicant = a == 1 ? CD_APPLICANT_ENTERPRISE : CD_APPLICANT_PERSON;
	c->promised_line = key_line(c, si, "promised_days");
	it->promised_days = get_int(c, si, "promised_days", 0, DAYS_MAX, -1);
	it->count_acceptance_day = get_bool(c, si, "count_acceptance_day", false);
	c->departments_line = key_line(c, si, "departments");
	get_list(c, si, "departments", &it->departments);
	for (size_t i = 0; i < it->departments.n; i++)
		if (!is_dept_code(it->departments.v[i]))
			ERR(c, c->departments_line,
			    _("'%s' is not a department code: upper-case letters, digits and _ (e.g. GA)"),
			    it->departments.v[i]);
	c->have_departments = it->departments.n > 0;
}

static void parse_group(struct ctx *c, size_t si, const char *name)
{
	struct cd_item *it = c->item;
	struct cd_item_group *g;

	it->groups = xrealloc(it->groups, (it->ngroups + 1) * sizeof(*it->groups));
	g = &it->groups[it->ngroups++];
	memset(g, 0, sizeof(*g));
	g->key = xstrdup(name);
	g->line = c->sc.secs[si].line;
	g->label_zh = get_text(c, si, "label_zh");
	g->label_en = get_text(c, si, "label_en");
}

static void parse_step(struct ctx *c, size_t si, const char *name)
{
	struct cd_item *it = c->item;
	struct cd_item_step *st;

	it->steps = xrealloc(it->steps, (it->nsteps + 1) * sizeof(*it->steps));
	st = &it->steps[it->nsteps++];
	memset(st, 0, sizeof(*st));
	st->number = atoi(name);
	st->line = c->sc.secs[si].line;
	st->dept = get_text(c, si, "dept");
	if (st->dept)
		check_dept(c, key_line(c, si, "dept"), "dept", st->dept);
	st->group = get_int(c, si, "group", 1, STEP_MAX, 0);
	st->days = get_int(c, si, "days", 0, DAYS_MAX, 0);
	st->name_zh = get_text(c, si, "name_zh");
	st->name_en = get_text(c, si, "name_en");
}

static const struct column *find_column(enum cd_prefill_source src, const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(columns); i++)
		if (columns[i].source == src && !strcmp(columns[i].name, name))
			return &columns[i];
	return NULL;
}

static void column_list(enum cd_prefill_source src, unsigned applicant, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(columns) && used < len; i++)
		if (columns[i].source == src &&
		    (src != CD_PREFILL_APPLICANT || (columns[i].applicants & applicant)))
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
						 used ? ", " : "", columns[i].name);
}

static void parse_prefill(struct ctx *c, size_t si, struct cd_item_field *f)
{
	const char *v = value(c, si, "prefill");
	int line = key_line(c, si, "prefill");
	const char *colon;
	const struct column *col;
	unsigned who = BIT(c->item->applicant);
	char names[512];
	size_t n;

	if (!v)
		return;
	if (!strcmp(v, "none"))
		return;
	colon = strchr(v, ':');
	n = colon ? (size_t)(colon - v) : strlen(v);
	for (int s = CD_PREFILL_APPLICANT; s <= CD_PREFILL_ENTERPRISE; s++)
		if (strlen(prefill_names[s]) == n && !strncmp(v, prefill_names[s], n))
			f->prefill = (enum cd_prefill_source)s;
	if (f->prefill == CD_PREFILL_NONE) {
		ERR(c, line,
		    _("prefill must be none, or applicant, population or enterprise followed by :COLUMN, not '%s'"),
		    v);
		return;
	}
	column_list(f->prefill, who, names, sizeof(names));
	if (!colon || !colon[1]) {
		ERR(c, line, _("prefill '%s' needs a column, e.g. %s:%s (columns: %s)"), v,
		    prefill_names[f->prefill], "name",
		    names);
		f->prefill = CD_PREFILL_NONE;
		return;
	}
	col = find_column(f->prefill, colon + 1);
	if (!col || (f->prefill == CD_PREFILL_APPLICANT && !(col->applicants & who))) {
		ERR(c, line, _("%s has no column '%s' for this item (columns: %s)"),
		    prefill_names[f->prefill], colon + 1, names);
		f->prefill = CD_PREFILL_NONE;
		return;
	}
	f->prefill_column = xstrdup(col->name);
	if (!(col->types & BIT(f->type)))
		ERR(c, line, _("%s:%s cannot fill a field of type %s"), prefill_names[f->prefill],
		    col->name, field_type_names[f->type]);
}

static void parse_field(struct ctx *c, size_t si, const char *name)
{
	struct cd_item *it = c->item;
	struct cd_item_field *f;
	int t;

	it->fields = xrealloc(it->fields, (it->nfields + 1) * sizeof(*it->fields));
	f = &it->fields[it->nfields++];
	memset(f, 0, sizeof(*f));
	f->key = xstrdup(name);
	f->line = c->sc.secs[si].line;
	f->label_zh = get_text(c, si, "label_zh");
	f->label_en = get_text(c, si, "label_en");
	t = get_choice(c, si, "type", field_type_names, ARRAY_SIZE(field_type_names),
		       _("one of text, idno, uscc, phone, date, enum, integer, money, address"));
	f->type = t < 0 ? CD_FIELD_TEXT : (enum cd_field_type)t;
	f->required = get_bool(c, si, "required", false);
	f->group = get_text(c, si, "group");
	get_list(c, si, "choices", &f->choices);
	if (t == CD_FIELD_ENUM && !key_line(c, si, "choices"))
		ERR(c, f->line, _("field '%s' is an enum but has no choices (choices = A, B, ...)"),
		    name);
	else if (t >= 0 && t != CD_FIELD_ENUM && key_line(c, si, "choices"))
		ERR(c, key_line(c, si, "choices"),
		    _("choices apply only to enum fields; '%s' is %s"), name, field_type_names[t]);
	else if (t == CD_FIELD_ENUM && f->choices.n == 1)
		ERR(c, key_line(c, si, "choices"), _("an enum needs at least two choices"));
	if (key_line(c, si, "max_length")) {
		f->max_length = get_int(c, si, "max_length", 1, LENGTH_MAX, 0);
		if (t >= 0 && t != CD_FIELD_TEXT && t != CD_FIELD_ADDRESS)
			ERR(c, key_line(c, si, "max_length"),
			    _("max_length applies only to text and address fields; '%s' is %s"),
			    name, field_type_names[t]);
	}
	if (!f->max_length && (f->type == CD_FIELD_TEXT || f->type == CD_FIELD_ADDRESS))
		f->max_length = f->type == CD_FIELD_TEXT ? TEXT_DEFAULT_LENGTH : ADDRESS_DEFAULT_LENGTH;
	if (f->type != CD_FIELD_TEXT && f->type != CD_FIELD_ADDRESS)
		f->max_length = 0;
	if (t >= 0)
		parse_prefill(c, si, f);
	else
		(void)value(c, si, "prefill");
	f->prefill_by = get_text(c, si, "prefill_by");
	get_dept_list(c, si, "send_to", &f->send_to);
	get_when(c, si, &f->when);
}

static void parse_material(struct ctx *c, size_t si, const char *name)
{
	struct cd_item *it = c->item;
	struct cd_item_material *m;
	const char *v;

	it->materials = xrealloc(it->materials, (it->nmaterials + 1) * sizeof(*it->materials));
	m = &it->materials[it->nmaterials++];
	memset(m, 0, sizeof(*m));
	m->code = xstrdup(name);
	m->line = c->sc.secs[si].line;
	m->name_zh = get_text(c, si, "name_zh");
	m->name_en = get_text(c, si, "name_en");
	m->is_key = get_bool(c, si, "key", true);
	m->note_zh = get_text(c, si, "note_zh");
	m->note_en = get_text(c, si, "note_en");
	get_dept_list(c, si, "send_to", &m->send_to);
	get_when(c, si, &m->when);
	v = value(c, si, "check");
	if (!v || !strcmp(v, "none"))
		return;
	if (!strcmp(v, "identity")) {
		m->check = CD_CHECK_IDENTITY;
	} else if (!strcmp(v, "enterprise")) {
		m->check = CD_CHECK_ENTERPRISE;
	} else if (!strncmp(v, "benefit:", 8) || !strncmp(v, "licence:", 8)) {
		const char *type = v + 8;

		if (!is_code(type)) {
			ERR(c, key_line(c, si, "check"),
			    _("check '%s' needs a type after the colon: lower-case letters, digits and _ (e.g. licence:marriage)"),
			    v);
			return;
		}
		m->check = *v == 'b' ? CD_CHECK_BENEFIT : CD_CHECK_LICENCE;
		m->check_type = xstrdup(type);
	} else if (!strcmp(v, "benefit") || !strcmp(v, "licence")) {
		ERR(c, key_line(c, si, "check"),
		    _("check '%s' needs a type: %s:TYPE (e.g. licence:marriage, benefit:subsistence)"), v, v);
	} else {
		ERR(c, key_line(c, si, "check"),
		    _("check must be none, identity, enterprise, benefit:TYPE or licence:TYPE, not '%s'"),
		    v);
	}
}

static const struct cd_item_field *find_field(const struct cd_item *it, const char *key)
{
	for (size_t i = 0; i < it->nfields; i++)
		if (!strcmp(it->fields[i].key, key))
			return &it->fields[i];
	return NULL;
}

/* The field a condition reads must be an enum of this item, and the values
 * among its choices. */
static void check_when(struct ctx *c, size_t si, const struct cd_condition *w,
		       const struct cd_item_field *self)
{
	const struct cd_item_field *f;
	int line = key_line(c, si, "when");

	if (!w->field)
		return;
	f = find_field(c->item, w->field);
	if (!f) {
		ERR(c, line, _("when names '%s', which is not a field of this item"), w->field);
		return;
	}
	if (f == self) {
		ERR(c, line, _("a field cannot depend on itself"));
		return;
	}
	if (f->type != CD_FIELD_ENUM) {
		ERR(c, line, _("when names '%s', which is %s: conditions read enum fields"), w->field,
		    field_type_names[f->type]);
		return;
	}
	for (size_t i = 0; i < w->values.n; i++)
		if (!list_has(&f->choices, w->values.v[i]))
			ERR(c, line, _("when: '%s' is not one of the choices of '%s'"), w->values.v[i],
			    w->field);
}

/* Fields shown only when another is set must not depend on each other in a
 * ring: none of them could ever be shown. */
static void check_when_loops(struct ctx *c)
{
	const struct cd_item *it = c->item;

	for (size_t i = 0; i < it->nfields; i++) {
		const struct cd_item_field *f = &it->fields[i];

		for (size_t hops = 0; f && f->when.field && hops <= it->nfields; hops++) {
			f = find_field(it, f->when.field);
			if (f == &it->fields[i]) {
				ERR(c, f->line, _("field '%s' depends on itself through its when conditions"),
				    f->key);
				break;
			}
		}
	}
}

/* What a field says about others: its group, and the field it is looked up by. */
static void check_field_refs(struct ctx *c, size_t si, const struct cd_item_field *f)
{
	const struct cd_item *it = c->item;
	int by_line = key_line(c, si, "prefill_by");

	if (f->group) {
		size_t g;

		for (g = 0; g < it->ngroups && strcmp(it->groups[g].key, f->group); g++)
			;
		if (g == it->ngroups)
			ERR(c, key_line(c, si, "group"),
			    _("field '%s' is in group '%s', but there is no [group.%s]"), f->key,
			    f->group, f->group);
	}
	if (f->prefill_by) {
		const struct cd_item_field *by = find_field(it, f->prefill_by);
		enum cd_field_type want =
			f->prefill == CD_PREFILL_ENTERPRISE ? CD_FIELD_USCC : CD_FIELD_IDNO;

		if (f->prefill != CD_PREFILL_POPULATION && f->prefill != CD_PREFILL_ENTERPRISE)
			ERR(c, by_line,
			    _("prefill_by applies only to prefill from population or enterprise"));
		else if (!by)
			ERR(c, by_line, _("prefill_by names '%s', which is not a field of this item"),
			    f->prefill_by);
		else if (by == f)
			ERR(c, by_line, _("a field cannot be looked up by itself"));
		else if (by->type != want)
			ERR(c, by_line, _("prefill_by names '%s', which is %s, not %s"), f->prefill_by,
			    field_type_names[by->type], field_type_names[want]);
	} else if (f->prefill == CD_PREFILL_POPULATION && it->applicant != CD_APPLICANT_PERSON) {
		ERR(c, key_line(c, si, "prefill"),
		    _("the applicant is an enterprise: say whose record to read with prefill_by = an idno field"));
	} else if (f->prefill == CD_PREFILL_ENTERPRISE && it->applicant != CD_APPLICANT_ENTERPRISE) {
		ERR(c, key_line(c, si, "prefill"),
		    _("the applicant is a person: say which enterprise to read with prefill_by = a uscc field"));
	}
}

static int step_cmp(const void *a, const void *b)
{
	const struct cd_item_step *x = a, *y = b;

	return (x->number > y->number) - (x->number < y->number);
}

int cd_item_critical_days(const struct cd_item *it)
{
	int total = 0;

	/* Steps are sorted and their groups never go back: each run of equal
	 * groups is one parallel stage, as long as its slowest step. */
	for (size_t i = 0; i < it->nsteps;) {
		int longest = 0;
		size_t j = i;

		for (; j < it->nsteps && it->steps[j].group == it->steps[i].group; j++)
			if (it->steps[j].days > longest)
				longest = it->steps[j].days;
		total += longest;
		i = j;
	}
	return total;
}

static void check_steps(struct ctx *c)
{
	struct cd_item *it = c->item;
	int critical;

	if (!it->nsteps) {
		ERR(c, it->line ? it->line : 1,
		    _("the item has no steps: add [step.1] with the department that does the work"));
		return;
	}
	qsort(it->steps, it->nsteps, sizeof(*it->steps), step_cmp);
	for (size_t i = 0; i < it->nsteps; i++) {
		const struct cd_item_step *st = &it->steps[i];
		int prev = i ? it->steps[i - 1].group : 0;

		if (st->number != (int)i + 1) {
			ERR(c, st->line, _("steps must be numbered 1, 2, 3... without gaps: step %d is missing"),
			    (int)i + 1);
			return;
		}
		if (!st->group)
			continue;
		if (i == 0 && st->group != 1)
			ERR(c, st->line, _("step 1 must be in group 1, not group %d"), st->group);
		else if (i > 0 && prev && st->group < prev)
			ERR(c, st->line,
			    _("step %d is in group %d, which comes before group %d of step %d: number the steps in group order"),
			    st->number, st->group, prev, st->number - 1);
		else if (i > 0 && prev && st->group > prev + 1)
			ERR(c, st->line,
			    _("step %d is in group %d, but step %d is in group %d: groups must follow each other without gaps"),
			    st->number, st->group, st->number - 1, prev);
	}
	for (size_t i = 0; c->have_departments && i < it->departments.n; i++) {
		size_t s;

		if (!is_dept_code(it->departments.v[i]))
			continue; /* already reported */
		for (s = 0; s < it->nsteps && (!it->steps[s].dept ||
					      strcmp(it->steps[s].dept, it->departments.v[i])); s++)
			;
		if (s == it->nsteps)
			ERR(c, c->departments_line,
			    _("department %s is listed but no step is routed to it"),
			    it->departments.v[i]);
	}
	critical = cd_item_critical_days(it);
	if (it->promised_days >= 0 && c->promised_line && it->promised_days < critical)
		ERR(c, c->promised_line,
		    _("promised_days is %d, but the steps take at least %d working days one after another"),
		    it->promised_days, critical);
}

static void check_item(struct ctx *c)
{
	struct cd_item *it = c->item;
	size_t fi = 0;

	size_t mi = 0;

	if (!it->nfields)
		ERR(c, it->line ? it->line : 1, _("the item has no fields: add at least one [field.NAME]"));
	for (size_t si = 0; si < c->sc.nsecs; si++) {
		if (c->sc.secs[si].first >= 0)
			continue;
		if (c->kind[si] == SEC_FIELD) {
			check_field_refs(c, si, &it->fields[fi]);
			check_when(c, si, &it->fields[fi].when, &it->fields[fi]);
			fi++;
		} else if (c->kind[si] == SEC_MATERIAL) {
			check_when(c, si, &it->materials[mi++].when, NULL);
		}
	}
	check_when_loops(c);
	for (size_t g = 0; g < it->ngroups; g++) {
		size_t f;

		for (f = 0; f < it->nfields && (!it->fields[f].group ||
						strcmp(it->fields[f].group, it->groups[g].key)); f++)
			;
		if (f == it->nfields)
			ERR(c, it->groups[g].line, _("group '%s' has no fields"), it->groups[g].key);
	}
	check_steps(c);
}

static const char *section_noun(enum sec_kind k)
{
	switch (k) {
	case SEC_GROUP:
		return _("group");
	case SEC_STEP:
		return _("step");
	case SEC_FIELD:
		return _("field");
	case SEC_MATERIAL:
		return _("material");
	default:
		return _("section");
	}
}

static void check_file(struct ctx *c)
{
	size_t nitem = 0;

	for (size_t i = 0; i < c->sc.nkeys; i++)
		if (c->sc.keys[i].sec < 0)
			ERR(c, c->sc.keys[i].line,
			    _("key '%s' comes before any section (start the file with [item])"),
			    c->sc.keys[i].name);
	c->kind = xcalloc(c->sc.nsecs ? c->sc.nsecs : 1, sizeof(*c->kind));
	for (size_t i = 0; i < c->sc.nsecs; i++) {
		const char *suffix;

		c->kind[i] = classify(c, i, &suffix);
		if (c->kind[i] == SEC_UNKNOWN)
			continue;
		if (c->sc.secs[i].first >= 0) {
			const struct scan_sec *first = &c->sc.secs[c->sc.secs[i].first];

			if (c->kind[i] == SEC_ITEM)
				ERR(c, c->sc.secs[i].line,
				    _("a second [item] section (the first is at line %d): one item per file"),
				    first->line);
			else
				ERR(c, c->sc.secs[i].line, _("duplicate %s '%s' (first at line %d)"),
				    section_noun(c->kind[i]), suffix, first->line);
			continue;
		}
		check_keys(c, i, keys_of(c->kind[i]));
	}
	/* [item] first: the departments it lists are what the rest refers to. */
	for (size_t i = 0; i < c->sc.nsecs; i++)
		if (c->kind[i] == SEC_ITEM && c->sc.secs[i].first < 0) {
			parse_item(c, i);
			nitem++;
		}
	if (!nitem)
		ERR(c, 1, _("no [item] section: every item file starts with [item] (code, version, names, departments ...)"));
	for (enum sec_kind k = SEC_GROUP; k <= SEC_MATERIAL; k++)
		for (size_t i = 0; i < c->sc.nsecs; i++) {
			const char *name;

			if (c->kind[i] != k || c->sc.secs[i].first >= 0)
				continue;
			name = strchr(c->sc.secs[i].name, '.') + 1;
			if (k == SEC_GROUP)
				parse_group(c, i, name);
			else if (k == SEC_STEP)
				parse_step(c, i, name);
			else if (k == SEC_FIELD)
				parse_field(c, i, name);
			else
				parse_material(c, i, name);
		}
	if (nitem)
		check_item(c);
}

/* Top to bottom, as a person fixes them; errors on one line keep the order
 * they were found in (insertion sort is stable, and a file has few). */
static void sort_errors(struct cd_form_errors *errs, size_t from)
{
	for (size_t i = from + 1; i < errs->n; i++) {
		struct cd_form_error e = errs->v[i];
		size_t j = i;

		for (; j > from && errs->v[j - 1].line > e.line; j--)
			errs->v[j] = errs->v[j - 1];
		errs->v[j] = e;
	}
}

struct cd_item *cd_item_load(const char *path, struct cd_form_errors *errs)
{
	struct ctx c = { .path = path, .errs = errs };
	size_t before = errs->n, len;
	char *text;

	errno = 0;
	text = read_file(path, &len);
	if (!text) {
		add_error(errs, path, 0, _("cannot read the file: %s"), strerror(errno ? errno : EIO));
		return NULL;
	}
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
		add_error(errs, path, 1,
			  _("the file starts with a byte-order mark: save it as UTF-8 without one"));
		free(text);
		return NULL;
	}
	if (memchr(text, '\0', len)) {
		add_error(errs, path, 0, _("the file contains NUL bytes: not a text file"));
		free(text);
		return NULL;
	}
	c.d = parse_ini(path, errs);
	if (!c.d) {
		free(text);
		return NULL;
	}
	scan_text(&c.sc, text);
	free(text);
	c.item = xcalloc(1, sizeof(*c.item));
	c.item->path = xstrdup(path);
	c.item->promised_days = -1;
	check_file(&c);
	free(c.kind);
	scan_free(&c.sc);
	iniparser_freedict(c.d);
	sort_errors(errs, before);
	if (errs->n != before)
		cd_item_free(&c.item);
	return c.item;
}

/* ---- directories ----------------------------------------------------- */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_item_file(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 4 && !strcmp(name + n - 4, ".ini");
}

int cd_items_load_dir(const char *dir, struct cd_items *out, struct cd_form_errors *errs)
{
	size_t before = errs->n, nnames = 0;
	char **names = NULL;
	struct dirent *de;
	DIR *d;

	d = opendir(dir);
	if (!d) {
		add_error(errs, dir, 0, _("cannot open the directory: %s"), strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		if (!is_item_file(de->d_name))
			continue;
		names = xrealloc(names, (nnames + 1) * sizeof(*names));
		names[nnames++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (!nnames)
		add_error(errs, dir, 0, _("no item files (*.ini) in this directory"));
	qsort(names, nnames, sizeof(*names), name_cmp);
	for (size_t i = 0; i < nnames; i++) {
		size_t dl = strlen(dir);
		char *path = xasprintf("%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", names[i]);
		struct stat st;
		struct cd_item *item;

		free(names[i]);
		if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		out->files++;
		item = cd_item_load(path, errs);
		free(path);
		if (!item)
			continue;
		for (size_t j = 0; j < out->n; j++)
			if (!strcmp(out->v[j]->code, item->code))
				add_error(errs, item->path, item->code_line,
					  _("item code '%s' is also used by %s:%d"), item->code,
					  out->v[j]->path, out->v[j]->code_line);
		out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		out->v[out->n++] = item;
	}
	free(names);
	return errs->n == before ? 0 : -1;
}

int cd_items_load_path(const char *path, struct cd_items *out, struct cd_form_errors *errs)
{
	struct stat st;
	struct cd_item *item;

	if (stat(path, &st) != 0) {
		add_error(errs, path, 0, _("cannot read: %s"), strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return cd_items_load_dir(path, out, errs);
	out->files++;
	item = cd_item_load(path, errs);
	if (!item)
		return -1;
	out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
	out->v[out->n++] = item;
	return 0;
}

/* ---- freeing and looking up ------------------------------------------ */

void cd_item_free(struct cd_item **itemp)
{
	struct cd_item *it = *itemp;

	if (!it)
		return;
	free(it->path);
	free(it->code);
	free(it->name_zh);
	free(it->name_en);
	list_free(&it->departments);
	for (size_t i = 0; i < it->ngroups; i++) {
		free(it->groups[i].key);
		free(it->groups[i].label_zh);
		free(it->groups[i].label_en);
	}
	free(it->groups);
	for (size_t i = 0; i < it->nsteps; i++) {
		free(it->steps[i].dept);
		free(it->steps[i].name_zh);
		free(it->steps[i].name_en);
	}
	free(it->steps);
	for (size_t i = 0; i < it->nfields; i++) {
		struct cd_item_field *f = &it->fields[i];

		free(f->key);
		free(f->label_zh);
		free(f->label_en);
		list_free(&f->choices);
		free(f->prefill_column);
		free(f->prefill_by);
		free(f->group);
		list_free(&f->send_to);
		condition_free(&f->when);
	}
	free(it->fields);
	for (size_t i = 0; i < it->nmaterials; i++) {
		struct cd_item_material *m = &it->materials[i];

		free(m->code);
		free(m->name_zh);
		free(m->name_en);
		free(m->check_type);
		free(m->note_zh);
		free(m->note_en);
		list_free(&m->send_to);
		condition_free(&m->when);
	}
	free(it->materials);
	free(it);
	*itemp = NULL;
}

void cd_items_free(struct cd_items *items)
{
	for (size_t i = 0; i < items->n; i++)
		cd_item_free(&items->v[i]);
	free(items->v);
	items->v = NULL;
	items->n = items->files = 0;
}

const struct cd_item_field *cd_item_find_field(const struct cd_item *item, const char *key)
{
	return find_field(item, key);
}

const struct cd_item_material *cd_item_find_material(const struct cd_item *item, const char *code)
{
	for (size_t i = 0; i < item->nmaterials; i++)
		if (!strcmp(item->materials[i].code, code))
			return &item->materials[i];
	return NULL;
}

/* ---- JSON ------------------------------------------------------------ */

static void json_str(FILE *f, const char *name, const char *s, int comma)
{
	if (comma)
		fputc(',', f);
	fprintf(f, "\"%s\":", name);
	if (s)
		cd_json_string(f, s);
	else
		fputs("null", f);
}

static void json_list(FILE *f, const char *name, const struct cd_strlist *l);

static void json_when(FILE *f, const struct cd_condition *w)
{
	fputs(",\"when\":", f);
	if (!w->field) {
		fputs("null", f);
		return;
	}
	fputc('{', f);
	json_str(f, "field", w->field, 0);
	json_list(f, "values", &w->values);
	fputc('}', f);
}

static void json_list(FILE *f, const char *name, const struct cd_strlist *l)
{
	fprintf(f, ",\"%s\":[", name);
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			fputc(',', f);
		cd_json_string(f, l->v[i]);
	}
	fputc(']', f);
}

char *cd_item_json(const struct cd_item *it)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f) {
		fputs("counterdesk: out of memory\n", stderr);
		exit(70);
	}
	fputc('{', f);
	json_str(f, "code", it->code, 0);
	fprintf(f, ",\"version\":%d", it->version);
	json_str(f, "name_zh", it->name_zh, 1);
	json_str(f, "name_en", it->name_en, 1);
	json_str(f, "applicant", cd_applicant_kind_name(it->applicant), 1);
	fprintf(f, ",\"promised_days\":%d,\"count_acceptance_day\":%s", it->promised_days,
		it->count_acceptance_day ? "true" : "false");
	json_list(f, "departments", &it->departments);

	fputs(",\"groups\":[", f);
	for (size_t i = 0; i < it->ngroups; i++) {
		fputs(i ? ",{" : "{", f);
		json_str(f, "key", it->groups[i].key, 0);
		json_str(f, "label_zh", it->groups[i].label_zh, 1);
		json_str(f, "label_en", it->groups[i].label_en, 1);
		fputc('}', f);
	}
	fputs("],\"steps\":[", f);
	for (size_t i = 0; i < it->nsteps; i++) {
		const struct cd_item_step *s = &it->steps[i];

		fprintf(f, "%s{\"number\":%d", i ? "," : "", s->number);
		json_str(f, "dept", s->dept, 1);
		fprintf(f, ",\"group\":%d,\"days\":%d", s->group, s->days);
		json_str(f, "name_zh", s->name_zh, 1);
		json_str(f, "name_en", s->name_en, 1);
		fputc('}', f);
	}
	fputs("],\"fields\":[", f);
	for (size_t i = 0; i < it->nfields; i++) {
		const struct cd_item_field *fl = &it->fields[i];

		fputs(i ? ",{" : "{", f);
		json_str(f, "key", fl->key, 0);
		json_str(f, "label_zh", fl->label_zh, 1);
		json_str(f, "label_en", fl->label_en, 1);
		json_str(f, "type", cd_field_type_name(fl->type), 1);
		fprintf(f, ",\"required\":%s", fl->required ? "true" : "false");
		if (fl->type == CD_FIELD_ENUM)
			json_list(f, "choices", &fl->choices);
		if (fl->max_length)
			fprintf(f, ",\"max_length\":%d", fl->max_length);
		fputs(",\"prefill\":", f);
		if (fl->prefill == CD_PREFILL_NONE) {
			fputs("null", f);
		} else {
			fputc('{', f);
			json_str(f, "source", cd_prefill_source_name(fl->prefill), 0);
			json_str(f, "column", fl->prefill_column, 1);
			json_str(f, "by", fl->prefill_by, 1);
			fputc('}', f);
		}
		json_str(f, "group", fl->group, 1);
		json_list(f, "send_to", &fl->send_to);
		json_when(f, &fl->when);
		fputc('}', f);
	}
	fputs("],\"materials\":[", f);
	for (size_t i = 0; i < it->nmaterials; i++) {
		const struct cd_item_material *m = &it->materials[i];

		fputs(i ? ",{" : "{", f);
		json_str(f, "code", m->code, 0);
		json_str(f, "name_zh", m->name_zh, 1);
		json_str(f, "name_en", m->name_en, 1);
		fprintf(f, ",\"key\":%s,\"check\":", m->is_key ? "true" : "false");
		if (m->check == CD_CHECK_NONE) {
			fputs("null", f);
		} else {
			fputc('{', f);
			json_str(f, "kind", cd_check_kind_name(m->check), 0);
			json_str(f, "type", m->check_type, 1);
			fputc('}', f);
		}
		json_str(f, "note_zh", m->note_zh, 1);
		json_str(f, "note_en", m->note_en, 1);
		json_list(f, "send_to", &m->send_to);
		json_when(f, &m->when);
		fputc('}', f);
	}
	fputs("]}", f);
	if (fclose(f) != 0) {
		fputs("counterdesk: out of memory\n", stderr);
		exit(70);
	}
	return buf;
}
