/* Cells of a libpq result as C values (dbrow.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "dbrow.h"
#include "util.h"

PGresult *op_exec(struct cd_db *db, const char *sql, int n, const char **params,
		  struct cd_error *err)
{
	char op[CD_UUID_LEN];

	cd_uuid4(op);
	params[0] = op;
	return cd_db_exec_op(db, op, sql, n, params, err);
}

void text_at(char *dst, size_t n, const PGresult *res, int row, int col)
{
	snprintf(dst, n, "%s", PQgetisnull(res, row, col) ? "" : PQgetvalue(res, row, col));
}

char *dup_at(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : xstrdup(PQgetvalue(res, row, col));
}

long long ll_at(const PGresult *res, int row, int col, long long none)
{
	return PQgetisnull(res, row, col) ? none : atoll(PQgetvalue(res, row, col));
}

int int_at(const PGresult *res, int row, int col, int none)
{
	return PQgetisnull(res, row, col) ? none : atoi(PQgetvalue(res, row, col));
}

bool bool_at(const PGresult *res, int row, int col)
{
	return !PQgetisnull(res, row, col) && !strcmp(PQgetvalue(res, row, col), "t");
}

time_t time_at(const PGresult *res, int row, int col)
{
	return (time_t)ll_at(res, row, col, 0);
}
