/* What people see of the outbox: per-target status, failing and dead
 * events, retry, and where one case's data went. One statement each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "sync.h"
#include "util.h"

static void copy(char *dst, size_t len, PGresult *r, int row, int col)
{
	snprintf(dst, len, "%s", PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col));
}

static int num(PGresult *r, int row, int col, int absent)
{
	return PQgetisnull(r, row, col) ? absent : atoi(PQgetvalue(r, row, col));
}

static time_t epoch(PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? 0 : (time_t)strtoll(PQgetvalue(r, row, col), NULL, 10);
}

int cd_sync_status(struct cd_db *db, struct cd_sync_status **out, size_t *n, struct cd_error *err)
{
	PGresult *r = cd_db_exec(db, "SELECT target, backlog, oldest_pending_seconds, delivered_today, "
				 "failing, dead, last_error FROM api.sync_status()", 0, NULL, err);
	struct cd_sync_status *s;

	*out = NULL;
	*n = 0;
	if (!r)
		return -1;
	s = xcalloc((size_t)PQntuples(r) + 1, sizeof(*s));
	for (int i = 0; i < PQntuples(r); i++) {
		copy(s[i].target, sizeof(s[i].target), r, i, 0);
		s[i].backlog = num(r, i, 1, 0);
		s[i].oldest_pending_seconds = num(r, i, 2, -1);
		s[i].delivered_today = num(r, i, 3, 0);
		s[i].failing = num(r, i, 4, 0);
		s[i].dead = num(r, i, 5, 0);
		copy(s[i].last_error, sizeof(s[i].last_error), r, i, 6);
	}
	*n = (size_t)PQntuples(r);
	*out = s;
	PQclear(r);
	return 0;
}

int cd_sync_problems(struct cd_db *db, const char *target, int limit,
		     struct cd_sync_problem **out, size_t *n, struct cd_error *err)
{
	char lim[16];
	const char *p[2] = { target && *target ? target : NULL, lim };
	PGresult *r;
	struct cd_sync_problem *v;

	snprintf(lim, sizeof(lim), "%d", limit);
	*out = NULL;
	*n = 0;
	r = cd_db_exec(db, "SELECT id, target, type, aggregateid, status, attempts, last_error, "
		       "extract(epoch FROM created_at)::bigint FROM api.sync_problems($1, $2::int)",
		       2, p, err);
	if (!r)
		return -1;
	v = xcalloc((size_t)PQntuples(r) + 1, sizeof(*v));
	for (int i = 0; i < PQntuples(r); i++) {
		copy(v[i].id, sizeof(v[i].id), r, i, 0);
		copy(v[i].target, sizeof(v[i].target), r, i, 1);
		copy(v[i].type, sizeof(v[i].type), r, i, 2);
		copy(v[i].aggregateid, sizeof(v[i].aggregateid), r, i, 3);
		copy(v[i].status, sizeof(v[i].status), r, i, 4);
		v[i].attempts = num(r, i, 5, 0);
		copy(v[i].last_error, sizeof(v[i].last_error), r, i, 6);
		v[i].created_at = epoch(r, i, 7);
	}
	*n = (size_t)PQntuples(r);
	*out = v;
	PQclear(r);
	return 0;
}

int cd_sync_retry(struct cd_db *db, const char *id, const char *target, struct cd_error *err)
{
	char op[CD_UUID_LEN];
	const char *p[3];
	PGresult *r;
	int n;

	cd_uuid4(op);
	p[0] = op;
	p[1] = id && *id ? id : NULL;
	p[2] = target && *target ? target : NULL;
	r = cd_db_exec_op(db, op, "SELECT api.sync_retry($1::uuid, $2::uuid, $3)", 3, p, err);
	if (!r)
		return -1;
	n = num(r, 0, 0, 0);
	PQclear(r);
	return n;
}

int cd_case_deliveries(struct cd_db *db, const char *case_no, struct cd_case_delivery **out,
		       size_t *n, struct cd_error *err)
{
	const char *p[1] = { case_no };
	PGresult *r = cd_db_exec(db, "SELECT target, array_to_string(departments, ', '), events, delivered, "
				 "dead, extract(epoch FROM last_delivered_at)::bigint, last_error "
				 "FROM api.case_deliveries($1)", 1, p, err);
	struct cd_case_delivery *v;

	*out = NULL;
	*n = 0;
	if (!r)
		return -1;
	v = xcalloc((size_t)PQntuples(r) + 1, sizeof(*v));
	for (int i = 0; i < PQntuples(r); i++) {
		copy(v[i].target, sizeof(v[i].target), r, i, 0);
		copy(v[i].departments, sizeof(v[i].departments), r, i, 1);
		v[i].events = num(r, i, 2, 0);
		v[i].delivered = num(r, i, 3, 0);
		v[i].dead = num(r, i, 4, 0);
		v[i].last_delivered_at = epoch(r, i, 5);
		copy(v[i].last_error, sizeof(v[i].last_error), r, i, 6);
	}
	*n = (size_t)PQntuples(r);
	*out = v;
	PQclear(r);
	return 0;
}

int cd_sync_listen(struct cd_db *db, struct cd_error *err)
{
	return cd_db_exec_script(db, "LISTEN " CD_SYNC_CHANNEL "; LISTEN " CD_SYNC_STATUS_CHANNEL, err) ? 0 : -1;
}
