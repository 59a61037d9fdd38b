/* Targets: config/targets.d/NAME.ini, one department system per file, checked
 * whole before anything is used (a misspelt key is a setting the admin
 * believes is in force). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "db.h"
#include "i18n.h"
#include "ini.h"
#include "sync.h"
#include "util.h"

static const char *const known_keys[] = {
	"name", "kind", "departments", "dsn", "statement", "params", "directory",
	"max_attempts", "backoff_seconds", "backoff_max_seconds", NULL,
};

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* "A, B ,C" -> {"A","B","C"}; empty items are dropped. */
static char **split_list(const char *text, size_t *n)
{
	char *copy = xstrdup(text), *save = NULL, **v = NULL;

	*n = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		tok = trim(tok);
		if (!*tok)
			continue;
		v = xrealloc(v, (*n + 1) * sizeof(*v));
		v[(*n)++] = xstrdup(tok);
	}
	free(copy);
	return v;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void target_free(struct cd_target *t)
{
	free(t->name);
	free_list(t->departments, t->ndepartments);
	free(t->dsn);
	free(t->statement);
	free_list(t->params, t->nparams);
	free(t->directory);
	free(t->file);
	if (t->conn)
		PQfinish(t->conn);
	memset(t, 0, sizeof(*t));
}

static bool valid_name(const char *s)
{
	if (!s || !islower((unsigned char)s[0]) || strlen(s) > 32)
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static bool valid_dept(const char *s)
{
	if (!isupper((unsigned char)s[0]) || strlen(s) > 16)
		return false;
	for (; *s; s++)
		if (!isupper((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static bool valid_param(const char *p)
{
	static const char *const plain[] = { "id", "type", "aggregatetype", "aggregateid",
					     "created_at", "payload", NULL };

	for (size_t i = 0; plain[i]; i++)
		if (!strcmp(p, plain[i]))
			return true;
	if (strncmp(p, "payload.", 8) || !p[8])
		return false;
	for (p += 8; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.')
			return false;
	return p[-1] != '.';
}

/* Returns NULL when fine, else what was expected (translated). */
static const char *read_number(const char *v, double lo, double hi, double *out)
{
	char *end;
	double x;

	errno = 0;
	x = strtod(v, &end);
	if (errno || end == v || *end || !(x >= lo && x <= hi))
		return NULL;
	*out = x;
	return v;
}

#define BAD(...) do { snprintf(err, errlen, __VA_ARGS__); goto bad; } while (0)

static int load_one(const char *path, struct cd_target *t, char *err, size_t errlen)
{
	char errbuf[600];
	dictionary *d = cd_ini_load(path, CD_INI_CONFIG, errbuf, sizeof(errbuf));
	const char **names;
	const char *v;
	int nkeys, nsec;
	double num;

	memset(t, 0, sizeof(*t));
	t->file = xstrdup(path);
	if (!d) {
		snprintf(err, errlen, "%s", errbuf);
		return -1;
	}
	nsec = iniparser_getnsec(d);
	for (int s = 0; s < nsec; s++)
		if (strcmp(iniparser_getsecname(d, s), "target"))
			BAD(_("%s: [%s]: unknown section"), path, iniparser_getsecname(d, s));
	names = cd_ini_section_keys(d, "target", &nkeys);
	for (int k = 0; k < nkeys; k++) {
		size_t i;
		for (i = 0; known_keys[i] && strcmp(known_keys[i], names[k]); i++)
			;
		if (!known_keys[i]) {
			snprintf(err, errlen, _("%s: [%s] %s: unknown key"), path, "target", names[k]);
			free(names);
			goto bad;
		}
	}
	free(names);

	v = iniparser_getstring(d, "target:name", NULL);
	if (!valid_name(v))
		BAD(_("%s: [target] name: expected %s"), path,
		    _("lower-case letters, digits and _, starting with a letter, at most 32"));
	t->name = xstrdup(v);
	v = iniparser_getstring(d, "target:kind", "");
	if (!strcmp(v, "postgres"))
		t->kind = CD_TARGET_POSTGRES;
	else if (!strcmp(v, "spool"))
		t->kind = CD_TARGET_SPOOL;
	else if (!strcmp(v, "external"))
		t->kind = CD_TARGET_EXTERNAL;
	else
		BAD(_("%s: [target] kind: expected %s"), path, _("postgres, spool or external"));
	t->departments = split_list(iniparser_getstring(d, "target:departments", ""), &t->ndepartments);
	if (!t->ndepartments)
		BAD(_("%s: [target] departments: expected %s"), path, _("department codes, e.g. RS, YB"));
	for (size_t i = 0; i < t->ndepartments; i++)
		if (!valid_dept(t->departments[i]))
			BAD(_("%s: [target] departments: expected %s"), path,
			    _("department codes, e.g. RS, YB"));

	t->max_attempts = 10;
	t->backoff = 5;
	t->backoff_max = 3600;
	if ((v = iniparser_getstring(d, "target:max_attempts", NULL))) {
		if (!read_number(v, 1, 1000, &num) || num != (double)(int)num)
			BAD(_("%s: [target] max_attempts: expected %s"), path, _("a whole number from 1 to 1000"));
		t->max_attempts = (int)num;
	}
	if ((v = iniparser_getstring(d, "target:backoff_seconds", NULL))) {
		if (!read_number(v, 0.01, 86400, &num))
			BAD(_("%s: [target] backoff_seconds: expected %s"), path, _("seconds from 0.01 to 86400"));
		t->backoff = num;
	}
	if ((v = iniparser_getstring(d, "target:backoff_max_seconds", NULL))) {
		if (!read_number(v, 0.01, 604800, &num))
			BAD(_("%s: [target] backoff_max_seconds: expected %s"), path, _("seconds from 0.01 to 604800"));
		t->backoff_max = num;
	}

	if (t->kind == CD_TARGET_POSTGRES) {
		v = iniparser_getstring(d, "target:dsn", "");
		if (!*v)
			BAD(_("%s: [target] dsn: expected %s"), path, _("a libpq connection string"));
		if (strstr(v, "password"))
			BAD(_("%s: [target] dsn: expected %s"), path,
			    _("a connection string without a password (use ~/.pgpass or PGPASSWORD)"));
		t->dsn = xstrdup(v);
		v = iniparser_getstring(d, "target:statement", "");
		if (!*v)
			BAD(_("%s: [target] statement: expected %s"), path, _("one SQL statement with parameters $1, $2 ..."));
		t->statement = xstrdup(v);
		t->params = split_list(iniparser_getstring(d, "target:params", ""), &t->nparams);
		if (!t->nparams)
			BAD(_("%s: [target] params: expected %s"), path, _("paths such as id, payload.case_no"));
		for (size_t i = 0; i < t->nparams; i++)
			if (!valid_param(t->params[i]))
				BAD(_("%s: [target] params: expected %s"), path,
				    _("paths such as id, payload.case_no"));
	} else if (t->kind == CD_TARGET_SPOOL) {
		v = iniparser_getstring(d, "target:directory", "");
		if (*v != '/')
			BAD(_("%s: [target] directory: expected %s"), path, _("an absolute directory"));
		t->directory = xstrdup(v);
	}
	iniparser_freedict(d);
	return 0;
bad:
	iniparser_freedict(d);
	return -1;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int cd_targets_load(const char *dir, struct cd_targets *out, char *err, size_t errlen)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	char **files = NULL;
	size_t nfiles = 0;
	int rc = 0;

	out->v = NULL;
	out->n = 0;
	if (!dp) {
		snprintf(err, errlen, _("%s: cannot read the targets directory: %s"), dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(dp))) {
		size_t len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 5 || strcmp(de->d_name + len - 4, ".ini"))
			continue;
		files = xrealloc(files, (nfiles + 1) * sizeof(*files));
		files[nfiles++] = xasprintf("%s/%s", dir, de->d_name);
	}
	closedir(dp);
	qsort(files, nfiles, sizeof(*files), by_name);
	out->v = xcalloc(nfiles ? nfiles : 1, sizeof(*out->v));
	for (size_t i = 0; i < nfiles && rc == 0; i++) {
		struct cd_target *t = &out->v[out->n];
		if (load_one(files[i], t, err, errlen) < 0) {
			target_free(t);
			rc = -1;
			break;
		}
		out->n++;
		if (cd_targets_find(out, t->name) != t) {
			snprintf(err, errlen, _("%s: [target] name: %s is already the name of another target"),
				 files[i], t->name);
			rc = -1;
		}
	}
	free_list(files, nfiles);
	if (rc < 0)
		cd_targets_free(out);
	return rc;
}

void cd_targets_free(struct cd_targets *t)
{
	for (size_t i = 0; i < t->n; i++)
		target_free(&t->v[i]);
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

struct cd_target *cd_targets_find(struct cd_targets *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].name, name))
			return &t->v[i];
	return NULL;
}

void cd_sync_close_targets(struct cd_targets *t)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].conn) {
			PQfinish(t->v[i].conn);
			t->v[i].conn = NULL;
		}
}

int cd_sync_targets_send(struct cd_db *db, const struct cd_targets *t, struct cd_error *err)
{
	static const char *const kinds[] = { "postgres", "spool", "external" };
	json_t *arr = json_array();
	char op[CD_UUID_LEN], *text;
	const char *p[2];
	PGresult *res;

	for (size_t i = 0; i < t->n; i++) {
		json_t *deps = json_array();
		for (size_t k = 0; k < t->v[i].ndepartments; k++)
			json_array_append_new(deps, json_string(t->v[i].departments[k]));
		json_array_append_new(arr, json_pack("{s:s, s:s, s:o}", "name", t->v[i].name,
						     "kind", kinds[t->v[i].kind], "departments", deps));
	}
	text = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	cd_uuid4(op);
	p[0] = op;
	p[1] = text;
	res = cd_db_exec_op(db, op, "SELECT count(*) FROM api.sync_targets_load($1::uuid, $2::jsonb)",
			    2, p, err);
	free(text);
	if (!res)
		return -1;
	PQclear(res);
	return 0;
}
