/* Routing through the api functions of sql/050_routing.sql (task.h,
 * docs/routing.md): one statement per call, task rows parsed in one place. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "dbrow.h"
#include "i18n.h"
#include "task.h"
#include "task_row.h"
#include "util.h"

/* ==== words ================================================================ */

static const char *const light_names[] = {
	[CD_LIGHT_GREEN] = "green", [CD_LIGHT_YELLOW] = "yellow", [CD_LIGHT_RED] = "red",
	[CD_LIGHT_PAUSED] = "paused", [CD_LIGHT_DONE] = "done",
};
static const char *const light_words[] = {
	[CD_LIGHT_GREEN] = N_("green light"), [CD_LIGHT_YELLOW] = N_("yellow light"),
	[CD_LIGHT_RED] = N_("red light"), [CD_LIGHT_PAUSED] = N_("clock stopped"),
	[CD_LIGHT_DONE] = N_("finished"),
};

/* Unknown or NULL counts as green: a light the server did not give must not
 * alarm anyone, and the server computes every real one. */
enum cd_light cd_light_parse(const char *s)
{
	for (size_t i = 0; s && i < ARRAY_SIZE(light_names); i++)
		if (!strcmp(s, light_names[i]))
			return (enum cd_light)i;
	return CD_LIGHT_GREEN;
}

const char *cd_light_code(enum cd_light l)
{
	if ((unsigned)l >= ARRAY_SIZE(light_names))
		return "green";
	return light_names[l];
}

const char *cd_light_label(enum cd_light l)
{
	if ((unsigned)l >= ARRAY_SIZE(light_words))
		return "";
	return _(light_words[l]);
}

static const char *const status_words[][2] = {
	{ "waiting", N_("not started (earlier step first)") },
	{ "open", N_("to be claimed") },
	{ "unclaimed", N_("to be claimed") },
	{ "claimed", N_("in review") },
	{ "returned", N_("returned for correction") },
	{ "approved", N_("approved") },
	{ "rejected", N_("rejected") },
	{ "cancelled", N_("cancelled (the case was rejected)") },
};

static const char *const kind_words[][2] = {
	{ "accepted", N_("case accepted") },
	{ "task_started", N_("step started") },
	{ "claimed", N_("claimed") },
	{ "released", N_("released to the queue") },
	{ "claim_expired", N_("claim expired, back to the queue") },
	{ "note", N_("note") },
	{ "approved", N_("approved") },
	{ "returned", N_("returned for correction") },
	{ "correction_received", N_("correction received") },
	{ "rejected", N_("rejected") },
	{ "transferred", N_("transferred") },
	{ "reassigned", N_("reassigned") },
	{ "cancelled", N_("step cancelled") },
	{ "completed", N_("case complete") },
	{ "case_rejected", N_("case rejected") },
	{ "handed_over", N_("result handed over") },
	{ "supplemented", N_("material supplied") },
	{ "verified", N_("verified against shared data") },
	{ "checked_by_hand", N_("original checked by hand") },
};

static const char *const case_status_words[][2] = {
	{ "accepted", N_("accepted") },
	{ "accepted_on_commitment", N_("accepted on commitment (容缺)") },
	{ "in_correction", N_("waiting for the applicant's correction (补正)") },
	{ "complete", N_("complete, result ready to hand over") },
	{ "rejected", N_("rejected") },
	{ "handed_over", N_("result handed over") },
};


const char *cd_task_status_label(const char *status)
{
	return I18N_WORD(status_words, status, status ? status : "");
}

const char *cd_event_kind_label(const char *kind)
{
	return I18N_WORD(kind_words, kind, kind ? kind : "");
}

const char *cd_case_status_label(const char *status)
{
	return I18N_WORD(case_status_words, status, status ? status : "");
}

/* ==== rows ================================================================= */

void cd_task_from_row(const PGresult *res, int r, bool chinese, struct cd_task *t)
{
	memset(t, 0, sizeof(*t));
	t->id = ll_at(res, r, 0, 0);
	text_at(t->case_no, sizeof(t->case_no), res, r, 1);
	text_at(t->item, sizeof(t->item), res, r, 2);
	text_at(t->item_name, sizeof(t->item_name), res, r, 3);
	t->step = int_at(res, r, 4, 0);
	/* The other language when the step has no name in this one. */
	text_at(t->step_name, sizeof(t->step_name), res, r, chinese ? 5 : 6);
	if (!t->step_name[0])
		text_at(t->step_name, sizeof(t->step_name), res, r, chinese ? 6 : 5);
	text_at(t->dept, sizeof(t->dept), res, r, 7);
	text_at(t->status, sizeof(t->status), res, r, 8);
	text_at(t->claimed_by, sizeof(t->claimed_by), res, r, 9);
	text_at(t->claimed_by_name, sizeof(t->claimed_by_name), res, r, 10);
	t->claim_expires_at = time_at(res, r, 11);
	text_at(t->applicant_name, sizeof(t->applicant_name), res, r, 12);
	text_at(t->applicant_id_mask, sizeof(t->applicant_id_mask), res, r, 13);
	t->created_at = time_at(res, r, 14);
	t->started_at = time_at(res, r, 15);
	t->sign_due_at = time_at(res, r, 16);
	t->signed_at = time_at(res, r, 17);
	t->due_at = time_at(res, r, 18);
	t->light = cd_light_parse(PQgetisnull(res, r, 19) ? NULL : PQgetvalue(res, r, 19));
	t->sign_light = cd_light_parse(PQgetisnull(res, r, 20) ? NULL : PQgetvalue(res, r, 20));
	text_at(t->returned_note, sizeof(t->returned_note), res, r, 21);
	t->decided_at = time_at(res, r, 22);
	text_at(t->decided_by, sizeof(t->decided_by), res, r, 23);
	text_at(t->reason, sizeof(t->reason), res, r, 24);
	text_at(t->due_key, sizeof(t->due_key), res, r, 25);
}

/* ==== calls ================================================================ */

/* "Another reviewer holds this task", "The task is already decided": the
 * server's class 55 (not in a state for this) is an answer, not a fault,
 * so it exits 1 like bad input rather than 70. */
static void as_answer(struct cd_error *err)
{
	const char *words = NULL;

	if (err->kind == CD_ERR_INTERNAL && !strncmp(err->sqlstate, "55", 2))
		err->kind = CD_ERR_INVALID;
	/* The server's DETAIL of these is a parameter name or a status code:
	 * the sentence says enough, or the status is said in words. */
	if (!strcmp(err->detail, "reason"))
		err->detail[0] = '\0';
	else if (!strcmp(err->message, "The task is already decided") ||
		 !strcmp(err->message, "The task is not open"))
		words = cd_task_status_label(err->detail);
	else if (!strcmp(err->message, "The case is not finished yet"))
		words = cd_case_status_label(err->detail);
	if (words && words != err->detail)
		snprintf(err->detail, sizeof(err->detail), "%s", words);
}

static PGresult *query(struct cd_db *db, const char *sql, int n, const char *const *params,
		       struct cd_error *err)
{
	PGresult *res = cd_db_exec(db, sql, n, params, err);

	if (!res)
		as_answer(err);
	return res;
}

static PGresult *op_query(struct cd_db *db, const char *sql, int n, const char **params,
			  struct cd_error *err)
{
	PGresult *res = op_exec(db, sql, n, params, err);

	if (!res)
		as_answer(err);
	return res;
}

static const char *ll_param(long long v, char buf[24])
{
	snprintf(buf, 24, "%lld", v);
	return buf;
}

/* Every row of res as tasks; res is cleared. */
static int take_tasks(PGresult *res, struct cd_task **out, size_t *n)
{
	int rows = PQntuples(res);
	bool zh = i18n_is_chinese();

	*out = xcalloc((size_t)rows + 1, sizeof(**out));
	for (int r = 0; r < rows; r++)
		cd_task_from_row(res, r, zh, &(*out)[r]);
	*n = (size_t)rows;
	PQclear(res);
	return 0;
}

/* Exactly one task row in res (cleared); none is notfound_msg when given. */
static int take_task(PGresult *res, const char *notfound_msg, struct cd_task *out,
		     struct cd_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!res)
		return -1;
	if (PQntuples(res) != 1) {
		if (PQntuples(res) == 0 && notfound_msg)
			cd_error_set(err, CD_ERR_NOTFOUND, notfound_msg, NULL);
		else
			cd_error_set(err, CD_ERR_INTERNAL, "Unexpected answer from the database", NULL);
		PQclear(res);
		return -1;
	}
	cd_task_from_row(res, 0, i18n_is_chinese(), out);
	PQclear(res);
	return 0;
}

int cd_task_listen(struct cd_db *db, struct cd_error *err)
{
	PGresult *res = cd_db_exec(db, "LISTEN " CD_TASK_CHANNEL, 0, NULL, err);

	if (!res)
		return -1;
	PQclear(res);
	return 0;
}

int cd_task_list(struct cd_db *db, const struct cd_task_filter *f, const struct cd_task *after,
		 int limit, struct cd_task **out, size_t *n, struct cd_error *err)
{
	static const struct cd_task_filter none;
	char idb[24], limb[24];
	const char *p[8];
	PGresult *res;

	*out = NULL;
	*n = 0;
	if (!f)
		f = &none;
	p[0] = f->dept && *f->dept ? f->dept : NULL;
	p[1] = f->status && *f->status ? f->status : NULL;
	p[2] = f->item && *f->item ? f->item : NULL;
	p[3] = f->overdue ? "true" : "false";
	p[4] = f->mine ? "true" : "false";
	p[5] = after && after->due_key[0] ? after->due_key : NULL;
	p[6] = after ? ll_param(after->id, idb) : NULL;
	p[7] = limit > 0 ? ll_param(limit, limb) : NULL;
	res = query(db, "SELECT " CD_TASK_COLS " FROM api.task_list($1, $2, $3, $4::boolean,"
		    " $5::boolean, $6::timestamptz, $7::bigint, $8::int)", 8, p, err);
	if (!res)
		return -1;
	return take_tasks(res, out, n);
}

int cd_task_get(struct cd_db *db, long long id, struct cd_task *out, struct cd_error *err)
{
	char idb[24];
	const char *p[1] = { ll_param(id, idb) };

	return take_task(query(db, "SELECT " CD_TASK_COLS " FROM api.task_get($1::bigint)",
			       1, p, err), N_("Unknown task"), out, err);
}

int cd_task_claim(struct cd_db *db, long long id, struct cd_task *out, struct cd_error *err)
{
	char idb[24];
	const char *p[2] = { NULL, ll_param(id, idb) };

	return take_task(op_query(db, "SELECT " CD_TASK_COLS
				  " FROM api.task_claim($1::uuid, $2::bigint)", 2, p, err),
			 NULL, out, err);
}

int cd_task_take_next(struct cd_db *db, struct cd_task *out, struct cd_error *err)
{
	const char *p[1] = { NULL };

	/* A function returning a composite answers one all-NULL row when it
	 * has nothing; a set-returning one answers no row. Both mean nothing. */
	PGresult *res = op_query(db, "SELECT " CD_TASK_COLS " FROM api.task_take_next($1::uuid)"
				 " WHERE id IS NOT NULL", 1, p, err);

	return take_task(res, N_("No task of your department is waiting to be claimed"), out, err);
}

int cd_task_release(struct cd_db *db, long long id, struct cd_task *out, struct cd_error *err)
{
	char idb[24];
	const char *p[2] = { NULL, ll_param(id, idb) };

	return take_task(op_query(db, "SELECT " CD_TASK_COLS
				  " FROM api.task_release($1::uuid, $2::bigint)", 2, p, err),
			 NULL, out, err);
}

static const char *const decision_names[] = {
	[CD_DECIDE_APPROVE] = "approve", [CD_DECIDE_RETURN] = "return",
	[CD_DECIDE_REJECT] = "reject", [CD_DECIDE_TRANSFER] = "transfer",
	[CD_DECIDE_NOTE] = "note",
};

int cd_task_decide(struct cd_db *db, long long id, enum cd_decision d, const char *reason,
		   const char *to_dept, struct cd_decision_result *out, struct cd_error *err)
{
	char idb[24];
	const char *p[5];
	PGresult *res;

	memset(out, 0, sizeof(*out));
	if ((unsigned)d >= ARRAY_SIZE(decision_names)) {
		cd_error_set(err, CD_ERR_INVALID, "Unknown decision", NULL);
		return -1;
	}
	p[0] = NULL;
	p[1] = ll_param(id, idb);
	p[2] = decision_names[d];
	p[3] = reason;
	p[4] = d == CD_DECIDE_TRANSFER ? to_dept : NULL;
	res = op_query(db, "SELECT task_status, case_status, started"
		       " FROM api.task_decide($1::uuid, $2::bigint, $3, $4, $5)", 5, p, err);
	if (!res)
		return -1;
	if (PQntuples(res) != 1) {
		PQclear(res);
		cd_error_set(err, CD_ERR_INTERNAL, "Unexpected answer from the database", NULL);
		return -1;
	}
	text_at(out->task_status, sizeof(out->task_status), res, 0, 0);
	text_at(out->case_status, sizeof(out->case_status), res, 0, 1);
	out->started = int_at(res, 0, 2, 0);
	PQclear(res);
	return 0;
}

int cd_task_reassign(struct cd_db *db, long long id, const char *login, const char *dept,
		     const char *reason, struct cd_task *out, struct cd_error *err)
{
	char idb[24];
	const char *p[5] = { NULL, ll_param(id, idb), login, dept, reason };

	return take_task(op_query(db, "SELECT " CD_TASK_COLS " FROM api.task_reassign($1::uuid,"
				  " $2::bigint, $3, $4, $5)", 5, p, err), NULL, out, err);
}

int cd_task_overdue(struct cd_db *db, int limit, struct cd_task **out, size_t *n,
		    struct cd_error *err)
{
	char limb[24];
	const char *p[1] = { limit > 0 ? ll_param(limit, limb) : NULL };
	PGresult *res = query(db, "SELECT " CD_TASK_COLS " FROM api.task_overdue($1::int)",
			      1, p, err);

	*out = NULL;
	*n = 0;
	if (!res)
		return -1;
	return take_tasks(res, out, n);
}

int cd_task_dept_summary(struct cd_db *db, struct cd_dept_load **out, size_t *n,
			 struct cd_error *err)
{
	PGresult *res = query(db, "SELECT dept_code, dept_name, open, claimed, returned, yellow,"
			      " red, unclaimed_late FROM api.task_dept_summary()", 0, NULL, err);
	int rows;

	*out = NULL;
	*n = 0;
	if (!res)
		return -1;
	rows = PQntuples(res);
	*out = xcalloc((size_t)rows + 1, sizeof(**out));
	for (int r = 0; r < rows; r++) {
		struct cd_dept_load *d = &(*out)[r];

		text_at(d->dept, sizeof(d->dept), res, r, 0);
		text_at(d->dept_name, sizeof(d->dept_name), res, r, 1);
		d->open = int_at(res, r, 2, 0);
		d->claimed = int_at(res, r, 3, 0);
		d->returned = int_at(res, r, 4, 0);
		d->yellow = int_at(res, r, 5, 0);
		d->red = int_at(res, r, 6, 0);
		d->unclaimed_late = int_at(res, r, 7, 0);
	}
	*n = (size_t)rows;
	PQclear(res);
	return 0;
}

/* ==== the case as a whole ==================================================== */

int cd_case_timeline(struct cd_db *db, const char *case_no, struct cd_case_event **out,
		     size_t *n, struct cd_error *err)
{
	const char *p[1] = { case_no };
	PGresult *res = query(db, "SELECT extract(epoch FROM at)::bigint, dept_code, dept_name,"
			      " actor, actor_name, kind, task_id, note"
			      " FROM api.case_timeline($1)", 1, p, err);
	int rows;

	*out = NULL;
	*n = 0;
	if (!res)
		return -1;
	rows = PQntuples(res);
	*out = xcalloc((size_t)rows + 1, sizeof(**out));
	for (int r = 0; r < rows; r++) {
		struct cd_case_event *e = &(*out)[r];

		e->at = time_at(res, r, 0);
		text_at(e->dept, sizeof(e->dept), res, r, 1);
		text_at(e->dept_name, sizeof(e->dept_name), res, r, 2);
		text_at(e->actor, sizeof(e->actor), res, r, 3);
		text_at(e->actor_name, sizeof(e->actor_name), res, r, 4);
		text_at(e->kind, sizeof(e->kind), res, r, 5);
		e->task_id = ll_at(res, r, 6, 0);
		text_at(e->note, sizeof(e->note), res, r, 7);
	}
	*n = (size_t)rows;
	PQclear(res);
	return 0;
}

int cd_case_tasks(struct cd_db *db, const char *case_no, struct cd_task **out, size_t *n,
		  struct cd_error *err)
{
	const char *p[1] = { case_no };
	PGresult *res = query(db, "SELECT " CD_TASK_COLS " FROM api.case_tasks($1)", 1, p, err);

	*out = NULL;
	*n = 0;
	if (!res)
		return -1;
	return take_tasks(res, out, n);
}

int cd_case_correction_received(struct cd_db *db, const char *case_no, const char *note,
				int *resumed, int *visits, struct cd_error *err)
{
	const char *p[3] = { NULL, case_no, note };
	PGresult *res = op_query(db, "SELECT resumed, visits FROM"
				 " api.case_correction_received($1::uuid, $2, $3)", 3, p, err);

	if (!res)
		return -1;
	if (PQntuples(res) != 1) {
		PQclear(res);
		cd_error_set(err, CD_ERR_INTERNAL, "Unexpected answer from the database", NULL);
		return -1;
	}
	if (resumed)
		*resumed = int_at(res, 0, 0, 0);
	if (visits)
		*visits = int_at(res, 0, 1, 0);
	PQclear(res);
	return 0;
}

int cd_case_handover(struct cd_db *db, const char *case_no, struct cd_handover *out,
		     struct cd_error *err)
{
	const char *p[2] = { NULL, case_no };
	PGresult *res = op_query(db, "SELECT status, completed_on::text, promised_date::text,"
				 " on_time FROM api.case_handover($1::uuid, $2)", 2, p, err);

	memset(out, 0, sizeof(*out));
	if (!res)
		return -1;
	if (PQntuples(res) != 1) {
		PQclear(res);
		cd_error_set(err, CD_ERR_INTERNAL, "Unexpected answer from the database", NULL);
		return -1;
	}
	text_at(out->status, sizeof(out->status), res, 0, 0);
	text_at(out->completed_on, sizeof(out->completed_on), res, 0, 1);
	text_at(out->promised_date, sizeof(out->promised_date), res, 0, 2);
	out->on_time = bool_at(res, 0, 3);
	PQclear(res);
	return 0;
}
