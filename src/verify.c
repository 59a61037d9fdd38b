/* Verifying a case against the shared-data registers (verify.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "crypto.h"
#include "db.h"
#include "dbrow.h"
#include "i18n.h"
#include "util.h"
#include "verify.h"

/* The outcomes and the details the server gives (English constants of
 * sql/040_verification.sql), listed for the translators. */
static const char *const outcome_words[][2] = {
	{ "matched", N_("matched (no paper copy needed, 免提交)") },
	{ "mismatched", N_("mismatched") },
	{ "not_found", N_("not found") },
	{ "unavailable", N_("register unavailable") },
};
static const char *const server_details[] = {
	N_("No record in the register"),
	N_("Nobody on the case to check"),
	N_("The shared-data register could not be reached"),
};

const char *cd_verify_outcome_text(const char *outcome)
{
	return I18N_WORD(outcome_words, outcome, outcome ? outcome : "");
}

const char *cd_verify_detail_text(const char *detail)
{
	for (size_t i = 0; detail && i < ARRAY_SIZE(server_details); i++)
		if (!strcmp(detail, server_details[i]))
			return _(server_details[i]);
	return detail ? detail : "";
}

/* A growing buffer for p_subjects; it holds clear numbers, so every copy
 * is zeroed before it is freed. */
struct sbuf {
	char *s;
	size_t len, cap;
};

static void sb_add(struct sbuf *b, const char *t)
{
	size_t n = strlen(t);

	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->cap ? b->cap : 256);
		char *s;

		while (b->len + n + 1 > cap)
			cap *= 2;
		s = xcalloc(cap, 1);
		if (b->s) {
			memcpy(s, b->s, b->len);
			sodium_memzero(b->s, b->cap);
			free(b->s);
		}
		b->s = s;
		b->cap = cap;
	}
	memcpy(b->s + b->len, t, n + 1);
	b->len += n;
}

static void sb_free(struct sbuf *b)
{
	if (b->s) {
		sodium_memzero(b->s, b->cap);
		free(b->s);
	}
	memset(b, 0, sizeof(*b));
}

/* Codes from the server: lower-case letters, digits and _ only, so they go
 * into the JSON text as they are. */
static bool is_code(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static bool is_idno(const char *s, size_t len)
{
	if (len != 18)
		return false;
	for (size_t i = 0; i < 17; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return (s[17] >= '0' && s[17] <= '9') || s[17] == 'X';
}

/* Opens the sealed numbers of api.case_verify_subjects into p_subjects:
 * {"material": [{"subject": "...", "id_no": "..."}, ...], ...}. */
static int build_subjects(const struct cd_keys *keys, PGresult *r, struct sbuf *b, struct cd_error *err)
{
	const char *open_material = NULL;
	int rows = PQntuples(r);

	sb_add(b, "{");
	for (int i = 0; i < rows; i++) {
		const char *mat = PQgetvalue(r, i, 0);
		const char *subject = PQgetvalue(r, i, 3);
		char *clear = NULL;
		size_t len = 0;
		enum cd_crypto_err ce;

		if (PQgetisnull(r, i, 3) || PQgetisnull(r, i, 5))
			continue; /* nobody to check: the server says so */
		if (!is_code(mat) || !is_code(subject)) {
			cd_error_set(err, CD_ERR_INTERNAL, "Unexpected answer from the database", "%s", mat);
			return -1;
		}
		ce = cd_open_field(keys, PQgetvalue(r, i, 6), PQgetvalue(r, i, 7), PQgetvalue(r, i, 8),
				   PQgetvalue(r, i, 5), &clear, &len);
		if (ce != CD_CRYPTO_OK) {
			cd_error_set(err, CD_ERR_INTERNAL, cd_crypto_strerror(ce), "%s:%s", mat, subject);
			return -1;
		}
		if (!is_idno(clear, len)) {
			sodium_memzero(clear, len);
			free(clear);
			cd_error_set(err, CD_ERR_INVALID, "Invalid identity number", "%s:%s", mat, subject);
			return -1;
		}
		if (!open_material || strcmp(open_material, mat)) {
			sb_add(b, open_material ? "],\"" : "\"");
			sb_add(b, mat);
			sb_add(b, "\":[");
		} else {
			sb_add(b, ",");
		}
		open_material = mat;
		sb_add(b, "{\"subject\":\"");
		sb_add(b, subject);
		sb_add(b, "\",\"id_no\":\"");
		sb_add(b, clear);
		sb_add(b, "\"}");
		sodium_memzero(clear, len);
		free(clear);
	}
	sb_add(b, open_material ? "]}" : "}");
	return 0;
}

static void read_results(PGresult *r, struct cd_verify_results *out)
{
	int rows = PQntuples(r);

	out->v = xcalloc(rows ? (size_t)rows : 1, sizeof(*out->v));
	for (int i = 0; i < rows; i++) {
		struct cd_verify_result *v = &out->v[i];
		json_t *a;

		v->material = dup_at(r, i, 0);
		v->register_name = dup_at(r, i, 1);
		v->outcome = dup_at(r, i, 2);
		v->paper_needed = !PQgetisnull(r, i, 4) && PQgetvalue(r, i, 4)[0] == 't';
		v->detail = dup_at(r, i, 5);
		a = PQgetisnull(r, i, 3) ? NULL : json_loads(PQgetvalue(r, i, 3), 0, NULL);
		if (json_is_array(a) && json_array_size(a)) {
			v->differing = xcalloc(json_array_size(a), sizeof(char *));
			for (size_t k = 0; k < json_array_size(a); k++)
				if (json_is_string(json_array_get(a, k)))
					v->differing[v->ndiffering++] = xstrdup(json_string_value(json_array_get(a, k)));
		}
		json_decref(a);
	}
	out->n = (size_t)rows;
}

int cd_case_verify(struct cd_db *db, const struct cd_keys *keys, const char *case_no,
		   struct cd_verify_results *out, struct cd_error *err)
{
	const char *p[3];
	struct sbuf b = { 0 };
	char op[CD_UUID_LEN];
	PGresult *r;

	memset(out, 0, sizeof(*out));
	p[0] = case_no;
	r = cd_db_exec(db,
		       "SELECT material, check_kind, check_type, subject, id_mask, cipher,"
		       " row_table, row_column, row_id FROM api.case_verify_subjects($1)",
		       1, p, err);
	out->statements = 1;
	if (!r)
		return -1;
	if (build_subjects(keys, r, &b, err) < 0) {
		PQclear(r);
		sb_free(&b);
		return -1;
	}
	PQclear(r);
	cd_uuid4(op);
	p[0] = op;
	p[1] = case_no;
	p[2] = b.s;
	r = cd_db_exec_op(db, op,
			  "SELECT material, register, outcome, differing, paper_needed, detail"
			  " FROM api.case_verify($1::uuid, $2, $3::jsonb)", 3, p, err);
	out->statements = 2;
	sb_free(&b);
	if (!r)
		return -1;
	read_results(r, out);
	PQclear(r);
	return 0;
}

int cd_case_verifications(struct cd_db *db, const char *case_no, struct cd_verify_results *out,
			  char ***resolved, struct cd_error *err)
{
	const char *p[1] = { case_no };
	PGresult *r;

	memset(out, 0, sizeof(*out));
	*resolved = NULL;
	/* Same columns as api.case_verify's answer, so read_results reads both. */
	r = cd_db_exec(db,
		       "SELECT material, register, outcome, differing, NOT coalesce(paper_exempt, false),"
		       " detail, resolution_reason FROM api.case_verifications($1)",
		       1, p, err);
	out->statements = 1;
	if (!r)
		return -1;
	read_results(r, out);
	*resolved = xcalloc(out->n + 1, sizeof(**resolved));
	for (size_t i = 0; i < out->n; i++)
		(*resolved)[i] = dup_at(r, (int)i, 6);
	PQclear(r);
	return 0;
}


void cd_verify_results_clear(struct cd_verify_results *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct cd_verify_result *v = &r->v[i];

		free(v->material);
		free(v->register_name);
		free(v->outcome);
		free(v->detail);
		for (size_t k = 0; k < v->ndiffering; k++)
			free(v->differing[k]);
		free(v->differing);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

bool cd_verify_all_matched(const struct cd_verify_results *r)
{
	if (!r->n)
		return false;
	for (size_t i = 0; i < r->n; i++)
		if (!r->v[i].outcome || strcmp(r->v[i].outcome, "matched"))
			return false;
	return true;
}

int cd_verification_resolve(struct cd_db *db, const char *case_no, const char *material,
			    const char *reason, struct cd_error *err)
{
	char op[CD_UUID_LEN];
	const char *p[4];
	PGresult *r;

	cd_uuid4(op);
	p[0] = op;
	p[1] = case_no;
	p[2] = material;
	p[3] = reason;
	r = cd_db_exec_op(db, op, "SELECT outcome FROM api.verification_resolve($1::uuid, $2, $3, $4)",
			  4, p, err);
	if (!r)
		return -1;
	PQclear(r);
	return 0;
}

/* Reads audit rows as (id, at, actor, action, object, detail). */
static int audit_entries(struct cd_db *db, const char *sql, int nparams, const char *const *params,
			 struct cd_audit_entry **out, size_t *n, struct cd_error *err)
{
	PGresult *r;
	int rows;

	*out = NULL;
	*n = 0;
	r = cd_db_exec(db, sql, nparams, params, err);
	if (!r)
		return -1;
	rows = PQntuples(r);
	*out = xcalloc(rows ? (size_t)rows : 1, sizeof(**out));
	for (int i = 0; i < rows; i++) {
		struct cd_audit_entry *e = &(*out)[i];

		e->id = atoll(PQgetvalue(r, i, 0));
		e->at = dup_at(r, i, 1);
		e->actor = dup_at(r, i, 2);
		e->action = dup_at(r, i, 3);
		e->object = dup_at(r, i, 4);
		e->detail = dup_at(r, i, 5);
	}
	*n = (size_t)rows;
	PQclear(r);
	return 0;
}

int cd_case_audit(struct cd_db *db, const char *case_no, struct cd_audit_entry **out,
		  size_t *n, struct cd_error *err)
{
	const char *p[1] = { case_no };

	return audit_entries(db,
			     "SELECT id, to_char(at, 'YYYY-MM-DD HH24:MI:SS'), actor, action, object, detail"
			     " FROM api.case_audit($1)", 1, p, out, n, err);
}

int cd_audit_recent(struct cd_db *db, int limit, struct cd_audit_entry **out, size_t *n,
		    struct cd_error *err)
{
	char lim[16];
	const char *p[1] = { lim };

	snprintf(lim, sizeof(lim), "%d", limit);
	/* Newest first through the primary key: the view is the whole log. */
	return audit_entries(db,
			     "SELECT id, to_char(at, 'YYYY-MM-DD HH24:MI:SS'), actor, action, object, detail::text"
			     " FROM api.audit_log ORDER BY id DESC LIMIT $1::int", 1, p, out, n, err);
}

void cd_audit_entries_free(struct cd_audit_entry **v, size_t n)
{
	if (!*v)
		return;
	for (size_t i = 0; i < n; i++) {
		free((*v)[i].at);
		free((*v)[i].actor);
		free((*v)[i].action);
		free((*v)[i].object);
		free((*v)[i].detail);
	}
	free(*v);
	*v = NULL;
}

const char *cd_verify_result_word(const struct cd_verify_result *v)
{
	const char *o = v->outcome ? v->outcome : "";

	if (!strcmp(o, "matched"))
		return v->paper_needed ? _("Verified") : _("Verified, no paper copy needed");
	if (!strcmp(o, "mismatched"))
		return _("Does not match");
	if (!strcmp(o, "not_found"))
		return _("Not found in the register");
	if (!strcmp(o, "unavailable"))
		return _("Shared data unavailable");
	return cd_verify_outcome_text(o);
}

const char *cd_material_status_word(const char *status)
{
	static const char *const words[][2] = {
		{ "provided", N_("provided") },
		{ "missing", N_("missing") },
		{ "supplied", N_("brought later") },
	};

	return I18N_WORD(words, status, status ? status : "");
}
