/* Departments, staff and audit through the api functions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "admin.h"
#include "db.h"
#include "dbrow.h"
#include "i18n.h"
#include "util.h"

static const char *const roles[] = { "clerk", "helper", "reviewer", "supervisor", "admin", "kiosk" };

bool cd_role_valid(const char *role)
{
	for (size_t i = 0; i < ARRAY_SIZE(roles); i++)
		if (!strcmp(role, roles[i]))
			return true;
	return false;
}

const char *const *cd_roles(size_t *n)
{
	*n = ARRAY_SIZE(roles);
	return roles;
}

const char *cd_password_problem(const char *password, const char *repeated)
{
	if (!password || !*password)
		return N_("Type the new password.");
	if (!repeated || strcmp(password, repeated))
		return N_("The two passwords differ: type the same password twice.");
	if (strlen(password) < CD_PASSWORD_MIN)
		return N_("The password must have at least 8 characters.");
	return NULL;
}

/* Sends one state-changing call with a fresh operation id. */
static int call_op(struct cd_db *db, const char *sql, int n, const char **params,
		   struct cd_error *err)
{
	char op[CD_UUID_LEN];
	PGresult *res;

	cd_uuid4(op);
	params[0] = op;
	res = cd_db_exec_op(db, op, sql, n, params, err);
	if (!res)
		return -1;
	PQclear(res);
	return 0;
}

int cd_dept_add(struct cd_db *db, const char *code, const char *name, struct cd_error *err)
{
	const char *p[3] = { NULL, code, name };

	return call_op(db, "SELECT api.dept_add($1::uuid, $2, $3)", 3, p, err);
}

int cd_dept_list(struct cd_db *db, struct cd_dept **out, size_t *n, struct cd_error *err)
{
	PGresult *res = cd_db_exec(db, "SELECT code, name FROM api.departments ORDER BY code",
				   0, NULL, err);
	int rows;

	*out = NULL;
	*n = 0;
	if (!res)
		return -1;
	rows = PQntuples(res);
	*out = xcalloc((size_t)rows, sizeof(**out));
	for (int r = 0; r < rows; r++) {
		text_at((*out)[r].code, sizeof((*out)[r].code), res, r, 0);
		text_at((*out)[r].name, sizeof((*out)[r].name), res, r, 1);
	}
	*n = (size_t)rows;
	PQclear(res);
	return 0;
}

/* A verifier is as good as a password to an offline guesser: zero it. */
static void verifier_free(char *verifier)
{
	sodium_memzero(verifier, strlen(verifier));
	free(verifier);
}

int cd_staff_add(struct cd_db *db, const char *login, const char *full_name,
		 const char *role, const char *dept, int window_no,
		 const char *password, struct cd_error *err)
{
	char win[16];
	char *verifier;
	const char *p[7];
	int rc;

	verifier = cd_db_scram_verifier(db, login, password, err);
	if (!verifier)
		return -1;
	snprintf(win, sizeof(win), "%d", window_no);
	p[1] = login;
	p[2] = full_name;
	p[3] = role;
	p[4] = dept;
	p[5] = window_no > 0 ? win : NULL;
	p[6] = verifier;
	rc = call_op(db, "SELECT api.staff_add($1::uuid, $2, $3, $4, $5, $6::int, $7)", 7, p, err);
	verifier_free(verifier);
	return rc;
}

int cd_staff_set_password(struct cd_db *db, const char *login, const char *password,
			  struct cd_error *err)
{
	char *verifier = cd_db_scram_verifier(db, login, password, err);
	const char *p[3];
	int rc;

	if (!verifier)
		return -1;
	p[1] = login;
	p[2] = verifier;
	rc = call_op(db, "SELECT api.staff_set_password($1::uuid, $2, $3)", 3, p, err);
	verifier_free(verifier);
	return rc;
}

int cd_staff_disable(struct cd_db *db, const char *login, struct cd_error *err)
{
	const char *p[2] = { NULL, login };

	return call_op(db, "SELECT api.staff_disable($1::uuid, $2)", 2, p, err);
}

int cd_staff_list(struct cd_db *db, struct cd_staff **out, size_t *n, struct cd_error *err)
{
	PGresult *res = cd_db_exec(db,
		"SELECT login, full_name, role, dept_code, window_no, active,"
		" to_char(created_at, 'YYYY-MM-DD HH24:MI') FROM api.staff_list() ORDER BY login",
		0, NULL, err);
	int rows;

	*out = NULL;
	*n = 0;
	if (!res)
		return -1;
	rows = PQntuples(res);
	*out = xcalloc((size_t)rows, sizeof(**out));
	for (int r = 0; r < rows; r++) {
		struct cd_staff *s = &(*out)[r];

		text_at(s->login, sizeof(s->login), res, r, 0);
		text_at(s->full_name, sizeof(s->full_name), res, r, 1);
		text_at(s->role, sizeof(s->role), res, r, 2);
		text_at(s->dept_code, sizeof(s->dept_code), res, r, 3);
		s->window_no = int_at(res, r, 4, 0);
		s->active = bool_at(res, r, 5);
		text_at(s->created_at, sizeof(s->created_at), res, r, 6);
	}
	*n = (size_t)rows;
	PQclear(res);
	return 0;
}

int cd_audit_verify(struct cd_db *db, struct cd_audit_result *out, struct cd_error *err)
{
	PGresult *res = cd_db_exec(db, "SELECT checked, first_broken, reason FROM api.audit_verify()",
				   0, NULL, err);

	memset(out, 0, sizeof(*out));
	if (!res)
		return -1;
	if (PQntuples(res) != 1) {
		PQclear(res);
		cd_error_set(err, CD_ERR_INTERNAL, "Unexpected answer from the database", NULL);
		return -1;
	}
	out->checked = atoll(PQgetvalue(res, 0, 0));
	out->first_broken = ll_at(res, 0, 1, 0);
	text_at(out->reason, sizeof(out->reason), res, 0, 2);
	PQclear(res);
	return 0;
}
