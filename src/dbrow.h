/* Small helpers of the core modules over libpq: a state-changing api call
 * with a fresh operation id, and one cell of a result as a C value: NULL
 * becomes "" (text), NULL (dup), the given default (numbers), false, or 0
 * (times). Times come from the server as whole epoch seconds (SELECT
 * extract(epoch FROM ts)::bigint), so the client never parses timestamp
 * text or time zones. Core code only: screens never see libpq. */
#ifndef CD_DBROW_H
#define CD_DBROW_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <libpq-fe.h>

struct cd_db;
struct cd_error;

/* Runs sql, a state-changing api call whose $1 is the operation id: makes
 * a fresh one into params[0] and goes through cd_db_exec_op (db.h). */
PGresult *op_exec(struct cd_db *db, const char *sql, int n, const char **params,
		  struct cd_error *err);

void text_at(char *dst, size_t n, const PGresult *res, int row, int col);
char *dup_at(const PGresult *res, int row, int col);            /* malloc'd or NULL */
long long ll_at(const PGresult *res, int row, int col, long long none);
int int_at(const PGresult *res, int row, int col, int none);
bool bool_at(const PGresult *res, int row, int col);
time_t time_at(const PGresult *res, int row, int col);          /* 0 for NULL */

#endif
