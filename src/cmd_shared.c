/* counterdesk shared import KIND FILE [--skip-bad]: loads a register extract
 * (CSV, shared_import.h) into the shared-data database of [shared_data]
 * conninfo and replaces that register atomically.
 *
 * One transaction on the shared-data database:
 *   LOCK TABLE registry.KIND IN SHARE ROW EXCLUSIVE MODE
 *       (one import of a register at a time; readers are not blocked, and a
 *       login that may not write the register is refused before any work)
 *   CREATE TEMP TABLE ... ON COMMIT DROP; COPY it FROM STDIN
 *       (the file is read, checked and streamed in one pass)
 *   DELETE FROM registry.KIND; INSERT INTO registry.KIND SELECT ... staging
 *   COMMIT, then VACUUM (ANALYZE) registry.KIND
 * DELETE rather than TRUNCATE: TRUNCATE is not MVCC-safe (a look-up whose
 * snapshot was taken before the commit would find the register empty) and
 * would block every look-up for the whole load, whereas DELETE + INSERT lets a
 * concurrent reader see the old register until the commit and the new one
 * after, never a part of either. Any bad row, in the default all-or-nothing
 * mode, ends in ROLLBACK: nothing changes. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "cli.h"
#include "config.h"
#include "db.h"
#include "exitcode.h"
#include "i18n.h"
#include "shared_import.h"
#include "text.h"
#include "util.h"

/* Bad rows printed one by one; beyond this only their number. */
#define SHOW_BAD 100

static void help(FILE *f)
{
	fputs(_("Usage: counterdesk -U LOGIN shared import KIND FILE [--skip-bad] [--json]\n"
		"  Load a register extract into the shared-data database ([shared_data] conninfo),\n"
		"  replacing register KIND in one transaction: look-ups see the old register or\n"
		"  the new one, never a part. FILE is UTF-8 CSV ('-' for standard input) whose\n"
		"  first line names these columns, in any order:\n"
		"    population     id_no,name,sex,birth_date,address,status\n"
		"    civil_affairs  id_no,benefit,status,since\n"
		"    elicence       holder_id,licence_type,licence_no,issued_on,valid_until,status\n"
		"    enterprise     uscc,name,legal_rep_id,status,registered_on,address\n"
		"  Any bad row is reported with its line number and nothing is loaded (exit 1);\n"
		"  with --skip-bad the good rows are loaded and the bad ones reported.\n"
		"  LOGIN must be allowed to write schema registry (in the demo: postgres).\n"), f);
}

struct run {
	const char *path;
	FILE *in;
	struct cd_import *imp;
	bool skip_bad, json;
	bool eof;
	int read_errno;
	long bad, shown;
	json_t *bad_list; /* --json: the bad rows shown */
	struct cd_bytes out;
	char buf[1 << 16];
};

static void on_row(void *arg, long line, const char *const *values, size_t n)
{
	struct run *r = arg;

	(void)line;
	/* All or nothing: after the first bad row nothing will be loaded, so
	 * nothing more is sent; the file is still read to report every bad row. */
	if (r->bad && !r->skip_bad)
		return;
	cd_copy_text_row(&r->out, values, n);
}

static void on_bad(void *arg, long line, const char *message)
{
	struct run *r = arg;

	r->bad++;
	if (r->shown >= SHOW_BAD)
		return;
	r->shown++;
	if (r->json) {
		json_t *o = json_object();

		json_object_set_new(o, "line", json_integer(line));
		json_object_set_new(o, "message", json_string(message));
		json_array_append_new(r->bad_list, o);
	} else {
		fprintf(stderr, "%s: %s\n", r->path, message);
	}
}

/* The COPY data: reads the file on, a chunk at a time, until the checked
 * rows fill the output or the file ends. */
static int produce(void *arg, const char **data, size_t *len)
{
	struct run *r = arg;
	struct cd_import_stats st;

	r->out.len = 0;
	while (!r->out.len && !r->eof) {
		size_t n = fread(r->buf, 1, sizeof(r->buf), r->in);

		if (n)
			cd_import_feed(r->imp, r->buf, n);
		if (n < sizeof(r->buf)) {
			if (ferror(r->in)) {
				r->read_errno = errno ? errno : EIO;
				return -1;
			}
			cd_import_finish(r->imp);
			r->eof = true;
		}
		cd_import_get_stats(r->imp, &st);
		if (st.fatal) {
			/* A wrong header: no row can be read. */
			r->eof = true;
			r->out.len = 0;
		}
	}
	if (!r->out.len)
		return 0;
	*data = r->out.p;
	*len = r->out.len;
	return 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Connects to [shared_data] conninfo as -U (asking for a password on the
 * terminal when the server wants one). */
static struct cd_db *connect_shared(struct cli *cli, struct cd_error *err)
{
	struct cd_db *db = cd_db_open(cli->cfg->shared_conninfo, cli->user, NULL,
				      "counterdesk-import", err);

	if (!db && cd_error_needs_password(err)) {
		char prompt[160];
		char *pw;

		snprintf(prompt, sizeof(prompt), _("Password for %s: "),
			 cli->user ? cli->user : (getenv("PGUSER") ? getenv("PGUSER") : _("you")));
		pw = cd_read_password(prompt);
		if (pw) {
			db = cd_db_open(cli->cfg->shared_conninfo, cli->user, pw, "counterdesk-import",
					err);
			sodium_memzero(pw, strlen(pw));
			free(pw);
		}
	}
	return db;
}

static bool exec(struct cd_db *db, const char *sql, long long *rows, struct cd_error *err)
{
	PGresult *res = cd_db_exec(db, sql, 0, NULL, err);

	if (!res)
		return false;
	if (rows)
		*rows = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return true;
}

/* The statements of an import, written out for each register: a table name
 * cannot be a query parameter, and SQL is never pasted together at run time.
 * The column lists are cd_register_header()'s (tests/cli/test_shared_import.sh
 * imports every register through them). */
static const struct import_sql {
	const char *lock, *stage, *copy, *clear, *insert, *vacuum;
} import_sql[CD_REG_COUNT] = {
	[CD_REG_POPULATION] = {
		"LOCK TABLE registry.population IN SHARE ROW EXCLUSIVE MODE",
		"CREATE TEMP TABLE cd_import_stage (LIKE registry.population) ON COMMIT DROP",
		"COPY cd_import_stage (id_no,name,sex,birth_date,address,status) FROM STDIN",
		"DELETE FROM registry.population",
		"INSERT INTO registry.population (id_no,name,sex,birth_date,address,status)"
		" SELECT id_no,name,sex,birth_date,address,status FROM cd_import_stage",
		"VACUUM (ANALYZE) registry.population",
	},
	[CD_REG_CIVIL_AFFAIRS] = {
		"LOCK TABLE registry.civil_affairs IN SHARE ROW EXCLUSIVE MODE",
		"CREATE TEMP TABLE cd_import_stage (LIKE registry.civil_affairs) ON COMMIT DROP",
		"COPY cd_import_stage (id_no,benefit,status,since) FROM STDIN",
		"DELETE FROM registry.civil_affairs",
		"INSERT INTO registry.civil_affairs (id_no,benefit,status,since)"
		" SELECT id_no,benefit,status,since FROM cd_import_stage",
		"VACUUM (ANALYZE) registry.civil_affairs",
	},
	[CD_REG_ELICENCE] = {
		"LOCK TABLE registry.elicence IN SHARE ROW EXCLUSIVE MODE",
		"CREATE TEMP TABLE cd_import_stage (LIKE registry.elicence) ON COMMIT DROP",
		"COPY cd_import_stage (holder_id,licence_type,licence_no,issued_on,valid_until,status) FROM STDIN",
		"DELETE FROM registry.elicence",
		"INSERT INTO registry.elicence (holder_id,licence_type,licence_no,issued_on,valid_until,status)"
		" SELECT holder_id,licence_type,licence_no,issued_on,valid_until,status FROM cd_import_stage",
		"VACUUM (ANALYZE) registry.elicence",
	},
	[CD_REG_ENTERPRISE] = {
		"LOCK TABLE registry.enterprise IN SHARE ROW EXCLUSIVE MODE",
		"CREATE TEMP TABLE cd_import_stage (LIKE registry.enterprise) ON COMMIT DROP",
		"COPY cd_import_stage (uscc,name,legal_rep_id,status,registered_on,address) FROM STDIN",
		"DELETE FROM registry.enterprise",
		"INSERT INTO registry.enterprise (uscc,name,legal_rep_id,status,registered_on,address)"
		" SELECT uscc,name,legal_rep_id,status,registered_on,address FROM cd_import_stage",
		"VACUUM (ANALYZE) registry.enterprise",
	},
};

static int import(struct cli *cli, enum cd_register reg, const char *path, bool skip_bad)
{
	const char *name = cd_register_name(reg);
	const struct import_sql *q = &import_sql[reg];
	struct run *r = xcalloc(1, sizeof(*r));
	struct cd_import_stats st = { 0 };
	struct cd_error err;
	struct cd_db *db = NULL;
	long long copied = 0, replaced = 0;
	bool committed = false;
	double t0 = 0, seconds = 0;
	int rc;

	r->path = path;
	r->skip_bad = skip_bad;
	r->json = cli->json;
	r->bad_list = json_array();
	if ((rc = cli_config(cli)))
		goto out;
	if (!cli->cfg->shared_conninfo || !*cli->cfg->shared_conninfo) {
		fprintf(stderr, _("counterdesk: %s: [shared_data] conninfo is not set\n"),
			cli->cfg->path);
		rc = CD_EXIT_CONFIG;
		goto out;
	}
	r->in = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!r->in) {
		fprintf(stderr, _("counterdesk: cannot read %s: %s\n"), path, strerror(errno));
		rc = CD_EXIT_NO;
		goto out;
	}
	if (!(db = connect_shared(cli, &err))) {
		rc = cli_fail(&err);
		if (!cli->user)
			fputs(_("counterdesk: the import needs a login that may write schema registry "
				"of the shared-data database: give it with -U\n"), stderr);
		goto out;
	}
	t0 = now();
	r->imp = cd_import_new(reg, 0, on_row, on_bad, r);

	if (!exec(db, "BEGIN", NULL, &err))
		goto db_error;
	if (!exec(db, q->lock, NULL, &err) || !exec(db, q->stage, NULL, &err))
		goto db_error;
	copied = cd_db_copy_in(db, q->copy, produce, r, &err);
	if (r->read_errno) {
		fprintf(stderr, _("counterdesk: cannot read %s: %s\n"), path, strerror(r->read_errno));
		rc = CD_EXIT_NO;
		goto rollback;
	}
	if (copied < 0)
		goto db_error;
	cd_import_get_stats(r->imp, &st);
	if (st.fatal || (st.bad && !skip_bad) || st.good == 0) {
		rc = CD_EXIT_NO;
		goto rollback;
	}

	if (!exec(db, q->clear, &replaced, &err) || !exec(db, q->insert, &copied, &err))
		goto db_error;
	if (!exec(db, "COMMIT", NULL, &err))
		goto db_error;
	committed = true;
	/* The old rows are garbage now: reclaim them (so that the next import
	 * and the look-ups' index do not grow) and give the planner fresh
	 * statistics. The data is in already; a login that does not own the
	 * table only gets a warning here. */
	exec(db, q->vacuum, NULL, &err);
	seconds = now() - t0;
	rc = CD_EXIT_OK;
	goto report;

db_error:
	rc = cli_fail(&err);
rollback:
	if (db && cd_db_connected(db))
		exec(db, "ROLLBACK", NULL, &err);
	seconds = r->imp ? now() - t0 : 0;
	if (rc != CD_EXIT_NO)
		goto out;
report:
	cd_import_get_stats(r->imp, &st);
	if (cli->json) {
		json_t *o = json_object();
		char *text;

		json_object_set_new(o, "register", json_string(name));
		json_object_set_new(o, "file", json_string(path));
		json_object_set_new(o, "committed", json_boolean(committed));
		json_object_set_new(o, "loaded", json_integer(committed ? copied : 0));
		json_object_set_new(o, "rejected", json_integer(st.bad));
		json_object_set_new(o, "replaced", json_integer(committed ? replaced : 0));
		json_object_set_new(o, "seconds", json_real(seconds));
		json_object_set_new(o, "bad", json_incref(r->bad_list));
		json_object_set_new(o, "bad_not_shown", json_integer(r->bad - r->shown));
		text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(4));
		printf("%s\n", text);
		free(text);
		json_decref(o);
	} else {
		if (r->bad > r->shown)
			fprintf(stderr, _("%s: ... and %ld more bad rows not shown\n"), path,
				r->bad - r->shown);
		if (committed)
			printf(_("%s: %lld rows loaded, %ld bad rows skipped, %lld rows replaced, in %.2f s\n"),
			       name, copied, st.bad, replaced, seconds);
		else if (st.fatal)
			fprintf(stderr, _("%s: nothing was loaded; the register is unchanged\n"), name);
		else if (st.bad && !skip_bad)
			fprintf(stderr,
				_("%s: %ld bad rows: nothing was loaded; the register is unchanged "
				  "(--skip-bad loads the good rows)\n"),
				name, st.bad);
		else
			fprintf(stderr, _("%s: %s has no good rows: nothing was loaded; the register is unchanged\n"),
				name, path);
	}
out:
	if (r->in && r->in != stdin)
		fclose(r->in);
	cd_import_free(&r->imp);
	cd_db_close(&db);
	cd_bytes_free(&r->out);
	json_decref(r->bad_list);
	free(r);
	return rc;
}

int cmd_shared(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "skip-bad", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum cd_register reg;
	bool skip_bad = false;
	int c;

	if (argc < 2 || cli_is_help(argv[1])) {
		help(argc < 2 ? stderr : stdout);
		return argc < 2 ? CD_EXIT_USAGE : CD_EXIT_OK;
	}
	if (strcmp(argv[1], "import"))
		return cli_usage(_("unknown shared command '%s'"), argv[1]);
	argc--, argv++;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 's')
			skip_bad = true;
		else if (c == 'h')
			return help(stdout), CD_EXIT_OK;
		else
			return cli_usage(_("unknown option '%s'"), argv[optind - 1]);
	}
	if (argc - optind != 2)
		return cli_usage(_("usage: counterdesk shared import KIND FILE [--skip-bad] [--json]"));
	if (cd_register_lookup(argv[optind], &reg) < 0)
		return cli_usage(_("unknown register '%s' (expected population, civil_affairs, elicence or enterprise)"),
				 argv[optind]);
	return import(cli, reg, argv[optind + 1], skip_bad);
}
