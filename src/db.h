/* The connection to PostgreSQL: log in as the staff member's own role, run
 * parameterised statements, classify errors into words a clerk understands,
 * notice a lost connection and reconnect. Only core code includes this. */
#ifndef CD_DB_H
#define CD_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <libpq-fe.h>

#include "error.h"

struct cd_db;

/* Connects with conninfo plus user and password (password NULL: libpq looks
 * in $PGPASSWORD and ~/.pgpass). application_name names the window so that
 * pg_stat_activity shows who is where. The password is kept in guarded
 * memory only so that a lost connection can be re-established. */
struct cd_db *cd_db_open(const char *conninfo, const char *user,
			 const char *password, const char *application_name,
			 struct cd_error *err);
void cd_db_close(struct cd_db **db);

/* True when the server asked for a password and none was given (CLI prompts then). */
bool cd_error_needs_password(const struct cd_error *err);

/* Runs one parameterised statement (text parameters; NULL = SQL NULL). Returns
 * the result on success (caller PQclears it), NULL with err filled otherwise.
 * A lost connection is noted; the caller decides whether to cd_db_reconnect. */
PGresult *cd_db_exec(struct cd_db *db, const char *sql, int nparams,
		     const char *const *params, struct cd_error *err);

/* The same in two halves, so that the caller can work while the server
 * does (the sync worker claims its next batch while delivering one): send
 * returns at once (0, or -1 with err); receive waits for the answer. One
 * statement in flight at a time. */
int cd_db_send(struct cd_db *db, const char *sql, int nparams,
	       const char *const *params, struct cd_error *err);
PGresult *cd_db_receive(struct cd_db *db, struct cd_error *err);

/* Runs a state-changing api call that carries operation id op_id. If the
 * connection drops before the answer arrives, reconnects and asks the server
 * whether op_id was committed (api.op_committed) instead of replaying blindly;
 * replays only when it was not. */
PGresult *cd_db_exec_op(struct cd_db *db, const char *op_id, const char *sql,
			int nparams, const char *const *params, struct cd_error *err);

/* Runs a script of several statements without parameters (a migration file
 * from sql/, never text from a user). */
bool cd_db_exec_script(struct cd_db *db, const char *script, struct cd_error *err);

/* COPY ... FROM STDIN in the text format. sql is the COPY statement (no
 * parameters, never text from a user). fn is called for the data until it
 * returns 0 (the end) or -1 (give up: the COPY fails and loads nothing); on 1
 * it has set *data and *len to the next bytes (any split; the buffer must
 * stay valid until the next call). Returns the number of rows the server
 * copied, or -1 with err (the server's reason, also when fn gave up). */
typedef int (*cd_copy_fn)(void *arg, const char **data, size_t *len);
long long cd_db_copy_in(struct cd_db *db, const char *sql, cd_copy_fn fn, void *arg,
			struct cd_error *err);

/* The SCRAM verifier of password for login, computed here in the client so
 * that the password itself never travels to the server. malloc'd. */
char *cd_db_scram_verifier(struct cd_db *db, const char *login,
			   const char *password, struct cd_error *err);

/* Splits a libpq connection string into host, port, dbname and user (each
 * malloc'd, "" when absent). Returns -1 with err when it does not parse. */
int cd_conninfo_split(const char *conninfo, char **host, char **port, char **dbname,
		      char **user, struct cd_error *err);

/* Called from cd_db_poll for each NOTIFY that arrived on a LISTENed channel
 * (channel name and payload). Screens refresh from these instead of polling. */
typedef void (*cd_notify_fn)(const char *channel, const char *payload, void *arg);
void cd_db_on_notify(struct cd_db *db, cd_notify_fn fn, void *arg);

/* Another connection as the same login (and password) to conninfo, e.g.
 * a read-only streaming replica (target_session_attrs=read-only): for
 * screens that only read. NULL with err. */
struct cd_db *cd_db_open_like(struct cd_db *db, const char *conninfo, const char *application_name,
			      struct cd_error *err);

bool cd_db_connected(struct cd_db *db);
/* Checks the socket without blocking (consumes input, notices a closed
 * connection). Returns true while connected. */
bool cd_db_poll(struct cd_db *db);
int cd_db_socket(struct cd_db *db); /* -1 when disconnected */
/* One reconnection attempt; true on success. */
bool cd_db_reconnect(struct cd_db *db, struct cd_error *err);
const char *cd_db_user(const struct cd_db *db);
/* A setting the server reported at connection (TimeZone, server_version,
 * ...); NULL when unknown or disconnected. */
const char *cd_db_parameter(const struct cd_db *db, const char *name);

#endif
