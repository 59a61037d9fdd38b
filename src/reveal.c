/* api.case_reveal and opening what it returns: see reveal.h. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto.h"
#include "db.h"
#include "reveal.h"
#include "util.h"

int cd_case_reveal(struct cd_db *db, const struct cd_keys *keys, const char *case_no,
		   const char *field, const char *purpose, char **clear, struct cd_error *err)
{
	char op[CD_UUID_LEN];
	const char *p[4];
	enum cd_crypto_err ce;
	PGresult *res;
	size_t len;

	*clear = NULL;
	cd_uuid4(op);
	p[0] = op;
	p[1] = case_no;
	p[2] = field;
	p[3] = purpose;
	res = cd_db_exec_op(db, op, "SELECT cipher, row_table, row_column, row_id"
			    " FROM api.case_reveal($1::uuid, $2, $3, $4)", 4, p, err);
	if (!res)
		return -1;
	if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0)) {
		PQclear(res);
		cd_error_set(err, CD_ERR_INTERNAL, "Unexpected answer from the database", NULL);
		return -1;
	}
	/* The associated data comes from the server but cannot be abused: a
	 * cipher opens only under the table, column and row it was sealed for. */
	ce = cd_open_field(keys, PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2), PQgetvalue(res, 0, 3),
			   PQgetvalue(res, 0, 0), clear, &len);
	PQclear(res);
	if (ce != CD_CRYPTO_OK) {
		cd_error_set(err, CD_ERR_INTERNAL, cd_crypto_strerror(ce), "%s", field);
		*clear = NULL;
		return -1;
	}
	return 0;
}
