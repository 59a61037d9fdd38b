/* Applying sql/NNN_*.sql in order. */
#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "config.h"
#include "db.h"
#include "i18n.h"
#include "migrate.h"
#include "util.h"

static const char tracking_sql[] =
	"CREATE SCHEMA IF NOT EXISTS meta;"
	"REVOKE ALL ON SCHEMA meta FROM PUBLIC;"
	"CREATE TABLE IF NOT EXISTS meta.migration ("
	" name text PRIMARY KEY,"
	" sha256 text NOT NULL,"
	" applied_at timestamptz NOT NULL DEFAULT now())";

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct cd_migration *)a)->name,
		      ((const struct cd_migration *)b)->name);
}

static void sha256_hex(const char *data, size_t len, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)data, len);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

static char *file_in(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

/* The migration files, sorted, with their checksums. */
static int list_files(const char *dir, struct cd_migration_list *out, struct cd_error *err)
{
	regex_t re;
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cap = 0;

	out->items = NULL;
	out->count = 0;
	if (!d) {
		cd_error_set(err, CD_ERR_IO, "Cannot read the migrations directory", "%s: %s",
			     dir, strerror(errno));
		return -1;
	}
	regcomp(&re, "^[0-9]{3}_[A-Za-z0-9_]+\\.sql$", REG_EXTENDED | REG_NOSUB);
	while ((e = readdir(d))) {
		struct cd_migration *m;
		char *path, *text;
		size_t len;

		if (regexec(&re, e->d_name, 0, NULL, 0) != 0 || strlen(e->d_name) >= sizeof(m->name))
			continue;
		path = file_in(dir, e->d_name);
		text = read_file(path, &len);
		free(path);
		if (!text) {
			cd_error_set(err, CD_ERR_IO, "Cannot read a migration file", "%s: %s",
				     e->d_name, strerror(errno));
			regfree(&re);
			closedir(d);
			return -1;
		}
		if (out->count == cap) {
			cap = cap ? cap * 2 : 16;
			out->items = xrealloc(out->items, cap * sizeof(*out->items));
		}
		m = &out->items[out->count++];
		memset(m, 0, sizeof(*m));
		memcpy(m->name, e->d_name, strlen(e->d_name) + 1); /* length checked above */
		sha256_hex(text, len, m->sha256);
		m->state = CD_MIGRATION_PENDING;
		free(text);
	}
	regfree(&re);
	closedir(d);
	if (out->count)
		qsort(out->items, out->count, sizeof(*out->items), by_name);
	return 0;
}

static struct cd_migration *find(struct cd_migration_list *l, const char *name)
{
	for (size_t i = 0; i < l->count; i++)
		if (!strcmp(l->items[i].name, name))
			return &l->items[i];
	return NULL;
}

int cd_migrate_status(struct cd_db *db, const char *dir, struct cd_migration_list *out,
		      struct cd_error *err)
{
	PGresult *res;

	if (list_files(dir, out, err) < 0)
		return -1;
	if (!cd_db_exec_script(db, tracking_sql, err))
		goto fail;
	res = cd_db_exec(db, "SELECT name, sha256, to_char(applied_at, 'YYYY-MM-DD HH24:MI:SS')"
			     " FROM meta.migration ORDER BY name", 0, NULL, err);
	if (!res)
		goto fail;
	for (int r = 0; r < PQntuples(res); r++) {
		const char *name = PQgetvalue(res, r, 0);
		struct cd_migration *m = find(out, name);

		if (!m) {
			/* Applied, but no file by that name any more: still listed. */
			out->items = xrealloc(out->items, (out->count + 1) * sizeof(*out->items));
			m = &out->items[out->count++];
			memset(m, 0, sizeof(*m));
			snprintf(m->name, sizeof(m->name), "%s", name);
			snprintf(m->sha256, sizeof(m->sha256), "%s", PQgetvalue(res, r, 1));
			m->state = CD_MIGRATION_MISSING;
		} else {
			m->state = strcmp(m->sha256, PQgetvalue(res, r, 1)) ? CD_MIGRATION_EDITED
									    : CD_MIGRATION_APPLIED;
		}
		snprintf(m->applied_at, sizeof(m->applied_at), "%s", PQgetvalue(res, r, 2));
	}
	PQclear(res);
	qsort(out->items, out->count, sizeof(*out->items), by_name);
	return 0;
fail:
	cd_migration_list_free(out);
	return -1;
}

static int apply_one(struct cd_db *db, const char *dir, const struct cd_migration *m,
		     struct cd_error *err)
{
	char *path = file_in(dir, m->name);
	char *text = read_file(path, NULL);
	const char *params[2] = { m->name, m->sha256 };
	PGresult *res;

	free(path);
	if (!text) {
		cd_error_set(err, CD_ERR_IO, "Cannot read a migration file", "%s", m->name);
		return -1;
	}
	/* The file and its record commit together or not at all. */
	if (!cd_db_exec_script(db, "BEGIN", err))
		goto fail;
	if (!cd_db_exec_script(db, text, err)) {
		char what[sizeof(err->detail)];

		snprintf(what, sizeof(what), "%s", err->message);
		cd_error_set(err, err->kind == CD_ERR_CONN_LOST ? CD_ERR_CONN_LOST : CD_ERR_INVALID,
			     "A migration failed", "%s: %s", m->name, what);
		cd_db_exec_script(db, "ROLLBACK", &(struct cd_error){ 0 });
		goto fail;
	}
	res = cd_db_exec(db, "INSERT INTO meta.migration (name, sha256) VALUES ($1, $2)", 2,
			 params, err);
	if (!res) {
		cd_db_exec_script(db, "ROLLBACK", &(struct cd_error){ 0 });
		goto fail;
	}
	PQclear(res);
	if (!cd_db_exec_script(db, "COMMIT", err))
		goto fail;
	free(text);
	return 0;
fail:
	free(text);
	return -1;
}

int cd_migrate_apply(struct cd_db *db, const char *dir, size_t *applied,
		     void (*on_apply)(const char *name, void *arg), void *arg,
		     struct cd_error *err)
{
	struct cd_migration_list list;
	int rc = -1;

	*applied = 0;
	/* Two admins migrating at once would otherwise race on the same file. */
	if (!cd_db_exec_script(db, "SELECT pg_advisory_lock(7361001)", err))
		return -1;
	if (cd_migrate_status(db, dir, &list, err) < 0)
		goto unlock;
	for (size_t i = 0; i < list.count; i++) {
		if (list.items[i].state == CD_MIGRATION_EDITED) {
			cd_error_set(err, CD_ERR_INVALID,
				     "An applied migration has been edited since; refusing to continue",
				     "%s", list.items[i].name);
			goto done;
		}
	}
	for (size_t i = 0; i < list.count; i++) {
		if (list.items[i].state != CD_MIGRATION_PENDING)
			continue;
		if (apply_one(db, dir, &list.items[i], err) < 0)
			goto done;
		(*applied)++;
		if (on_apply)
			on_apply(list.items[i].name, arg);
	}
	rc = 0;
done:
	cd_migration_list_free(&list);
unlock:
	cd_db_exec_script(db, "SELECT pg_advisory_unlock(7361001)", &(struct cd_error){ 0 });
	return rc;
}

void cd_migration_list_free(struct cd_migration_list *list)
{
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

const char *cd_migration_state_text(enum cd_migration_state s)
{
	switch (s) {
	case CD_MIGRATION_APPLIED:
		return N_("applied");
	case CD_MIGRATION_PENDING:
		return N_("pending");
	case CD_MIGRATION_EDITED:
		return N_("EDITED after it was applied");
	case CD_MIGRATION_MISSING:
		return N_("applied, file missing");
	}
	return "";
}

int cd_migrate_configure(struct cd_db *db, const struct cd_config *cfg, struct cd_error *err)
{
	char *host, *port, *dbname, *user;
	char days[16];
	const char *p[8];
	PGresult *res;
	int defined;

	res = cd_db_exec(db, "SELECT to_regprocedure('core.configure(text,text,text,text,text,text,text,integer)')"
			     " IS NOT NULL", 0, NULL, err);
	if (!res)
		return -1;
	defined = !strcmp(PQgetvalue(res, 0, 0), "t");
	PQclear(res);
	if (!defined)
		return 0;
	if (cd_conninfo_split(cfg->shared_conninfo, &host, &port, &dbname, &user, err) < 0)
		return -1;
	snprintf(days, sizeof(days), "%d", cfg->commitment_days);
	p[0] = cfg->centre_code;
	p[1] = cfg->centre_name;
	p[2] = cfg->region_code;
	p[3] = host;
	p[4] = port;
	p[5] = dbname;
	p[6] = user;
	p[7] = days;
	res = cd_db_exec(db, "SELECT core.configure($1, $2, $3, $4, $5, $6, $7, $8::int)", 8, p, err);
	free(host);
	free(port);
	free(dbname);
	free(user);
	if (!res)
		return -1;
	PQclear(res);
	return 0;
}
