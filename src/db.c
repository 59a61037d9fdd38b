/* libpq behind one small interface: connect as the staff member, run
 * parameterised statements, turn server errors into cd_error, and recover
 * from a dropped connection without replaying a write blindly. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "util.h"

struct cd_db {
	PGconn *conn;
	FILE *trace; /* $COUNTERDESK_PQTRACE: the protocol log, for counting round trips */
	char *user;
	bool lost; /* the connection was seen to drop and is not yet back */
	cd_notify_fn on_notify;
	void *notify_arg;
};

void cd_db_on_notify(struct cd_db *db, cd_notify_fn fn, void *arg)
{
	db->on_notify = fn;
	db->notify_arg = arg;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* libpq's connection messages start "connection to server ... failed:
 * FATAL:  ..." and end with a newline; keep the part a person can act on. */
static void connection_error(PGconn *conn, struct cd_error *err)
{
	const char *msg = conn ? PQerrorMessage(conn) : "out of memory";
	const char *fatal = strstr(msg, "FATAL:");
	char detail[sizeof(err->detail)];
	size_t n;

	snprintf(detail, sizeof(detail), "%s", fatal ? fatal + 6 : msg);
	n = strlen(detail);
	while (n && (detail[n - 1] == '\n' || detail[n - 1] == ' '))
		detail[--n] = '\0';
	const char *d = detail;
	while (*d == ' ')
		d++;

	if (conn && PQconnectionNeedsPassword(conn))
		cd_error_set(err, CD_ERR_AUTH, "A password is required", NULL);
	else if (strstr(msg, "password authentication failed"))
		cd_error_set(err, CD_ERR_AUTH, "Wrong login or password", NULL);
	else if (strstr(msg, "is not permitted to log in"))
		cd_error_set(err, CD_ERR_AUTH, "This account is disabled", NULL);
	else
		cd_error_set(err, CD_ERR_CONNECT, "Cannot reach the database", "%s", d);
}

static enum cd_err_kind classify(const char *state)
{
	if (!state)
		return CD_ERR_CONN_LOST;
	if (!strcmp(state, "42501") || starts_with(state, "28"))
		return CD_ERR_NOPERM;
	if (!strcmp(state, "P0002") || !strcmp(state, "02000"))
		return CD_ERR_NOTFOUND;
	if (!strcmp(state, "23505"))
		return CD_ERR_DUPLICATE;
	if (starts_with(state, "22") || starts_with(state, "23"))
		return CD_ERR_INVALID;
	if (starts_with(state, "08") || starts_with(state, "57P"))
		return CD_ERR_CONN_LOST;
	return CD_ERR_INTERNAL;
}

static void result_error(struct cd_db *db, const PGresult *res, struct cd_error *err)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	enum cd_err_kind kind = classify(state);

	if (PQstatus(db->conn) != CONNECTION_OK)
		kind = CD_ERR_CONN_LOST;
	if (kind == CD_ERR_CONN_LOST) {
		db->lost = true;
		cd_error_set(err, kind, "The connection to the database was lost", NULL);
		return;
	}
	if (kind == CD_ERR_NOPERM && primary && starts_with(primary, "permission denied")) {
		/* PostgreSQL's own refusal names the object, not the reason. */
		cd_error_set(err, kind, "The database refused: you do not have the rights for this",
			     "%s", primary);
	} else {
		cd_error_set(err, kind, primary ? primary : "Unknown error", detail ? "%s" : NULL,
			     detail);
	}
	snprintf(err->sqlstate, sizeof(err->sqlstate), "%s", state ? state : "");
}

/* With COUNTERDESK_PQTRACE=FILE every message to and from the server is
 * appended to FILE (libpq's trace format): the benchmarks count round trips
 * from it instead of trusting the code's own claim. Never set in production:
 * the trace holds parameter values. */
static void start_trace(struct cd_db *db)
{
	const char *path = getenv("COUNTERDESK_PQTRACE");
	int fd;

	if (!path || !*path)
		return;
	/* The trace holds personal data in the clear (the numbers a look-up
	 * sends): readable by its owner only, whatever the umask. */
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (fchmod(fd, 0600) != 0 || !(db->trace = fdopen(fd, "a"))) {
		close(fd);
		return;
	}
	PQtrace(db->conn, db->trace);
	PQsetTraceFlags(db->conn, PQTRACE_SUPPRESS_TIMESTAMPS);
}

static void ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

struct cd_db *cd_db_open(const char *conninfo, const char *user,
			 const char *password, const char *application_name,
			 struct cd_error *err)
{
	const char *keys[8], *vals[8];
	int n = 0;
	struct cd_db *db;

	/* Later keywords win over the expanded conninfo: the login typed at the
	 * screen must not be overridden by a user= in the configuration. */
	keys[n] = "dbname", vals[n++] = conninfo;
	keys[n] = "connect_timeout", vals[n++] = "5";
	keys[n] = "client_encoding", vals[n++] = "UTF8";
	if (user && *user)
		keys[n] = "user", vals[n++] = user;
	if (password)
		keys[n] = "password", vals[n++] = password;
	if (application_name)
		keys[n] = "application_name", vals[n++] = application_name;
	keys[n] = NULL, vals[n] = NULL;

	db = xcalloc(1, sizeof(*db));
	db->conn = PQconnectdbParams(keys, vals, 1);
	if (!db->conn || PQstatus(db->conn) != CONNECTION_OK) {
		connection_error(db->conn, err);
		PQfinish(db->conn);
		free(db);
		return NULL;
	}
	start_trace(db);
	/* NOTICEs ("already exists, skipping") are for psql users, not clerks. */
	PQsetNoticeProcessor(db->conn, ignore_notice, NULL);
	db->user = xstrdup(PQuser(db->conn));
	cd_error_clear(err);
	return db;
}

void cd_db_close(struct cd_db **dbp)
{
	struct cd_db *db = *dbp;

	if (!db)
		return;
	PQfinish(db->conn);
	if (db->trace)
		fclose(db->trace);
	free(db->user);
	free(db);
	*dbp = NULL;
}

bool cd_error_needs_password(const struct cd_error *err)
{
	return err->kind == CD_ERR_AUTH && !strcmp(err->message, "A password is required");
}

PGresult *cd_db_exec(struct cd_db *db, const char *sql, int nparams,
		     const char *const *params, struct cd_error *err)
{
	PGresult *res;
	ExecStatusType st;

	if (db->lost || PQstatus(db->conn) != CONNECTION_OK) {
		db->lost = true;
		cd_error_set(err, CD_ERR_CONN_LOST, "The connection to the database was lost", NULL);
		return NULL;
	}
	res = PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0);
	st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
		cd_error_clear(err);
		return res;
	}
	result_error(db, res, err);
	PQclear(res);
	return NULL;
}

int cd_db_send(struct cd_db *db, const char *sql, int nparams,
	       const char *const *params, struct cd_error *err)
{
	if (db->lost || PQstatus(db->conn) != CONNECTION_OK ||
	    !PQsendQueryParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0)) {
		db->lost = db->lost || PQstatus(db->conn) != CONNECTION_OK;
		cd_error_set(err, CD_ERR_CONN_LOST, "The connection to the database was lost", NULL);
		return -1;
	}
	cd_error_clear(err);
	return 0;
}

PGresult *cd_db_receive(struct cd_db *db, struct cd_error *err)
{
	PGresult *res = PQgetResult(db->conn), *extra;
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

	/* One statement: one result, then NULL. */
	while ((extra = PQgetResult(db->conn)))
		PQclear(extra);
	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
		cd_error_clear(err);
		return res;
	}
	result_error(db, res, err);
	PQclear(res);
	return NULL;
}

/* Was this operation id committed before the connection dropped? 1 yes,
 * 0 no, -1 could not tell. */
static int op_committed(struct cd_db *db, const char *op_id, struct cd_error *err)
{
	const char *p[1] = { op_id };
	PGresult *res = cd_db_exec(db, "SELECT api.op_committed($1::uuid)", 1, p, err);
	int yes;

	if (!res)
		return -1;
	yes = PQntuples(res) == 1 && !strcmp(PQgetvalue(res, 0, 0), "t");
	PQclear(res);
	return yes;
}

PGresult *cd_db_exec_op(struct cd_db *db, const char *op_id, const char *sql,
			int nparams, const char *const *params, struct cd_error *err)
{
	PGresult *res = cd_db_exec(db, sql, nparams, params, err);
	int committed;

	if (res || err->kind != CD_ERR_CONN_LOST)
		return res;
	if (!cd_db_reconnect(db, err))
		return NULL;
	committed = op_committed(db, op_id, err);
	if (committed < 0)
		return NULL;
	/* Either way the call is sent again: api functions record op_id under a
	 * unique key and, for an id already committed, do nothing and answer
	 * as before. What we never do is send it again without knowing. */
	(void)committed;
	return cd_db_exec(db, sql, nparams, params, err);
}

bool cd_db_connected(struct cd_db *db)
{
	return db && !db->lost && PQstatus(db->conn) == CONNECTION_OK;
}

bool cd_db_poll(struct cd_db *db)
{
	PGnotify *n;

	if (!cd_db_connected(db))
		return false;
	if (!PQconsumeInput(db->conn) || PQstatus(db->conn) != CONNECTION_OK) {
		db->lost = true;
		return false;
	}
	/* Hand every notification over; with no listener, drop it so that
	 * none pile up. */
	while ((n = PQnotifies(db->conn))) {
		if (db->on_notify)
			db->on_notify(n->relname, n->extra, db->notify_arg);
		PQfreemem(n);
	}
	return true;
}

int cd_db_socket(struct cd_db *db)
{
	return cd_db_connected(db) ? PQsocket(db->conn) : -1;
}

bool cd_db_reconnect(struct cd_db *db, struct cd_error *err)
{
	/* PQreset reuses the original parameters, the password included. */
	PQreset(db->conn);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		connection_error(db->conn, err);
		db->lost = true;
		return false;
	}
	db->lost = false;
	cd_error_clear(err);
	return true;
}

const char *cd_db_user(const struct cd_db *db)
{
	return db->user;
}

const char *cd_db_parameter(const struct cd_db *db, const char *name)
{
	return db && db->conn ? PQparameterStatus(db->conn, name) : NULL;
}

bool cd_db_exec_script(struct cd_db *db, const char *script, struct cd_error *err)
{
	PGresult *res;
	ExecStatusType st;

	if (!cd_db_connected(db)) {
		cd_error_set(err, CD_ERR_CONN_LOST, "The connection to the database was lost", NULL);
		return false;
	}
	res = PQexec(db->conn, script);
	st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK || st == PGRES_EMPTY_QUERY) {
		PQclear(res);
		cd_error_clear(err);
		return true;
	}
	result_error(db, res, err);
	PQclear(res);
	return false;
}

long long cd_db_copy_in(struct cd_db *db, const char *sql, cd_copy_fn fn, void *arg,
			struct cd_error *err)
{
	PGresult *res;
	long long rows = -1;
	int more;

	if (!cd_db_connected(db)) {
		cd_error_set(err, CD_ERR_CONN_LOST, "The connection to the database was lost", NULL);
		return -1;
	}
	res = PQexec(db->conn, sql);
	if (!res || PQresultStatus(res) != PGRES_COPY_IN) {
		result_error(db, res, err);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	/* Blocking mode: PQputCopyData returns 1 or, on a broken connection, -1;
	 * a server-side error shows in the result after PQputCopyEnd. */
	for (;;) {
		const char *data = NULL;
		size_t len = 0;

		more = fn(arg, &data, &len);
		if (more <= 0)
			break;
		if (len > 0 && PQputCopyData(db->conn, data, (int)len) != 1) {
			more = -1;
			break;
		}
	}
	PQputCopyEnd(db->conn, more < 0 ? "the client gave up" : NULL);
	/* One result for the COPY, then NULL. */
	while ((res = PQgetResult(db->conn))) {
		if (PQresultStatus(res) == PGRES_COMMAND_OK && rows < 0) {
			rows = strtoll(PQcmdTuples(res), NULL, 10);
			cd_error_clear(err);
		} else if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			result_error(db, res, err);
			rows = -1;
		}
		PQclear(res);
	}
	return rows;
}

char *cd_db_scram_verifier(struct cd_db *db, const char *login,
			   const char *password, struct cd_error *err)
{
	char *v = PQencryptPasswordConn(db->conn, password, login, "scram-sha-256");
	char *copy;

	if (!v) {
		cd_error_set(err, CD_ERR_INTERNAL, "Could not prepare the password", "%s",
			     PQerrorMessage(db->conn));
		return NULL;
	}
	copy = xstrdup(v);
	PQfreemem(v);
	return copy;
}

int cd_conninfo_split(const char *conninfo, char **host, char **port, char **dbname,
		      char **user, struct cd_error *err)
{
	char *msg = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo, &msg);

	*host = *port = *dbname = *user = NULL;
	if (!opts) {
		cd_error_set(err, CD_ERR_CONFIG, "Not a valid connection string", "%s",
			     msg ? msg : conninfo);
		PQfreemem(msg);
		return -1;
	}
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		char **dst = !strcmp(o->keyword, "host") ? host :
			     !strcmp(o->keyword, "port") ? port :
			     !strcmp(o->keyword, "dbname") ? dbname :
			     !strcmp(o->keyword, "user") ? user : NULL;
		if (dst)
			*dst = xstrdup(o->val ? o->val : "");
	}
	PQconninfoFree(opts);
	return 0;
}

struct cd_db *cd_db_open_like(struct cd_db *db, const char *conninfo, const char *application_name,
			      struct cd_error *err)
{
	/* libpq keeps the password the session logged in with (PQpass). */
	return cd_db_open(conninfo, db->user, PQpass(db->conn), application_name, err);
}
