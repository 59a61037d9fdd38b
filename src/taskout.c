/* Text tables and JSON of tasks and timeline events for the CLI (taskout.h). */
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "jsonout.h"
#include "taskout.h"
#include "text.h"
#include "util.h"

const char *cd_task_time(time_t t, char buf[20])
{
	struct tm tm;

	if (!t) {
		snprintf(buf, 20, "-");
		return buf;
	}
	localtime_r(&t, &tm);
	strftime(buf, 20, "%Y-%m-%d %H:%M", &tm);
	return buf;
}

/* ---- a table of cells, each column as wide as its widest cell ------------ */

#define MAX_COLS 10

struct table {
	size_t ncols, nrows;
	const char **cells;             /* nrows * ncols, the header first */
};

static void table_print(FILE *f, const struct table *tb)
{
	int width[MAX_COLS] = { 0 };

	for (size_t r = 0; r < tb->nrows; r++)
		for (size_t c = 0; c < tb->ncols; c++) {
			int w = cd_text_width(tb->cells[r * tb->ncols + c]);

			if (w > width[c])
				width[c] = w;
		}
	for (size_t r = 0; r < tb->nrows; r++) {
		const char *const *row = tb->cells + r * tb->ncols;
		size_t last = tb->ncols;

		/* No trailing blanks: the last non-empty cell is not padded. */
		while (last > 1 && !*row[last - 1])
			last--;
		for (size_t c = 0; c < last; c++) {
			if (c + 1 == last)
				fputs(row[c], f);
			else
				cd_print_padded(f, row[c], width[c] + 2);
		}
		fputc('\n', f);
	}
}

/* ---- tasks --------------------------------------------------------------- */

/* A claim left idle past its time counts as unclaimed (docs/routing.md). */
static bool claim_lapsed(const struct cd_task *t)
{
	return !strcmp(t->status, "claimed") && t->claim_expires_at &&
	       t->claim_expires_at <= time(NULL);
}

static const char *status_text(const struct cd_task *t)
{
	return cd_task_status_label(claim_lapsed(t) ? "unclaimed" : t->status);
}

static bool signed_for(const struct cd_task *t)
{
	return t->signed_at || t->sign_light == CD_LIGHT_DONE;
}

struct task_cells {
	char id[24], due[20], sign[64], holder[200];
};

void cd_task_table(FILE *f, const struct cd_task *t, size_t n)
{
	enum { NCOLS = 9 };
	const char *head[NCOLS] = {
		_("Task"), _("Light"), _("Due"), _("Sign for"), _("Dept"), _("Status"),
		_("Case"), _("Applicant"), _("Step"),
	};
	struct task_cells *buf;
	struct table tb = { .ncols = NCOLS, .nrows = n + 1 };

	if (!n)
		return;
	buf = xcalloc(n, sizeof(*buf));
	tb.cells = xcalloc((n + 1) * NCOLS, sizeof(*tb.cells));
	memcpy(tb.cells, head, sizeof(head));
	for (size_t i = 0; i < n; i++) {
		const struct cd_task *k = &t[i];
		struct task_cells *b = &buf[i];
		const char **row = tb.cells + (i + 1) * NCOLS;
		char when[20];

		snprintf(b->id, sizeof(b->id), "%lld", k->id);
		cd_task_time(k->due_at, b->due);
		/* The sign-for clock matters only until someone signs. */
		if (signed_for(k))
			snprintf(b->sign, sizeof(b->sign), "-");
		else if (k->sign_light == CD_LIGHT_GREEN)
			cd_task_time(k->sign_due_at, b->sign);
		else
			snprintf(b->sign, sizeof(b->sign), "%s %s", cd_task_time(k->sign_due_at, when),
				 cd_light_label(k->sign_light));
		if (k->claimed_by[0] && !claim_lapsed(k))
			snprintf(b->holder, sizeof(b->holder), "%s (%s)", status_text(k),
				 k->claimed_by_name[0] ? k->claimed_by_name : k->claimed_by);
		else
			snprintf(b->holder, sizeof(b->holder), "%s", status_text(k));
		row[0] = b->id;
		/* A step that has not started has no clock yet. */
		row[1] = strcmp(k->status, "waiting") ? cd_light_label(k->light) : "-";
		row[2] = b->due;
		row[3] = b->sign;
		row[4] = k->dept;
		row[5] = b->holder;
		row[6] = k->case_no;
		row[7] = k->applicant_name;
		row[8] = k->step_name;
	}
	table_print(f, &tb);
	free(tb.cells);
	free(buf);
}

void cd_task_detail(FILE *f, const struct cd_task *t)
{
	char id[24], step[600], due[20], sign[20], claim[20], decided[20], holder[200];
	const char *v[][2] = {
		{ _("Task"), id },
		{ _("Case"), t->case_no },
		{ _("Item"), t->item_name },
		{ _("Step"), step },
		{ _("Dept"), t->dept },
		{ _("Status"), status_text(t) },
		{ _("Held by"), holder },
		{ _("Claim lapses at"), claim },
		{ _("Applicant"), t->applicant_name },
		{ _("Identity number"), t->applicant_id_mask },
		{ _("Due"), due },
		{ _("Light"), strcmp(t->status, "waiting") ? cd_light_label(t->light) : "" },
		{ _("Sign for by"), signed_for(t) ? "" : sign },
		{ _("What is needed"), t->returned_note },
		{ _("Decided at"), t->decided_at ? decided : "" },
		{ _("Decided by"), t->decided_by },
		{ _("Reason"), t->reason },
	};
	int width = 0;

	snprintf(id, sizeof(id), "%lld", t->id);
	snprintf(step, sizeof(step), "%d %s", t->step, t->step_name);
	cd_task_time(t->due_at, due);
	sign[0] = '\0';
	if (!signed_for(t))
		cd_task_time(t->sign_due_at, sign);
	claim[0] = '\0';
	holder[0] = '\0';
	if (t->claimed_by[0] && !claim_lapsed(t)) {
		snprintf(holder, sizeof(holder), "%s (%s)", t->claimed_by_name[0] ?
			 t->claimed_by_name : t->claimed_by, t->claimed_by);
		if (t->claim_expires_at)
			cd_task_time(t->claim_expires_at, claim);
	}
	cd_task_time(t->decided_at, decided);
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		if (cd_text_width(v[i][0]) > width)
			width = cd_text_width(v[i][0]);
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		if (!v[i][1] || !*v[i][1])
			continue;
		cd_print_padded(f, v[i][0], width + 2);
		fprintf(f, "%s", v[i][1]);
		if (v[i][1] == sign && t->sign_light != CD_LIGHT_GREEN)
			fprintf(f, " %s", cd_light_label(t->sign_light));
		fputc('\n', f);
	}
}

json_t *cd_task_json(const struct cd_task *t)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(t->id));
	json_object_set_new(o, "case_no", cd_json_text(t->case_no));
	json_object_set_new(o, "item", cd_json_text(t->item));
	json_object_set_new(o, "item_name", cd_json_text(t->item_name));
	json_object_set_new(o, "step", json_integer(t->step));
	json_object_set_new(o, "step_name", cd_json_text(t->step_name));
	json_object_set_new(o, "dept", cd_json_text(t->dept));
	json_object_set_new(o, "status", cd_json_text(t->status));
	json_object_set_new(o, "claimed_by", cd_json_text(t->claimed_by));
	json_object_set_new(o, "claimed_by_name", cd_json_text(t->claimed_by_name));
	json_object_set_new(o, "claim_expires_at", cd_json_time(t->claim_expires_at));
	json_object_set_new(o, "applicant_name", cd_json_text(t->applicant_name));
	json_object_set_new(o, "applicant_id_mask", cd_json_text(t->applicant_id_mask));
	json_object_set_new(o, "created_at", cd_json_time(t->created_at));
	json_object_set_new(o, "started_at", cd_json_time(t->started_at));
	json_object_set_new(o, "sign_due_at", cd_json_time(t->sign_due_at));
	json_object_set_new(o, "signed_at", cd_json_time(t->signed_at));
	json_object_set_new(o, "due_at", cd_json_time(t->due_at));
	json_object_set_new(o, "light", json_string(cd_light_code(t->light)));
	json_object_set_new(o, "sign_light", json_string(cd_light_code(t->sign_light)));
	json_object_set_new(o, "returned_note", cd_json_text(t->returned_note));
	json_object_set_new(o, "decided_at", cd_json_time(t->decided_at));
	json_object_set_new(o, "decided_by", cd_json_text(t->decided_by));
	json_object_set_new(o, "reason", cd_json_text(t->reason));
	return o;
}

json_t *cd_tasks_json(const struct cd_task *t, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, cd_task_json(&t[i]));
	return a;
}

/* ---- the timeline ---------------------------------------------------------- */

struct event_cells {
	char at[20], dept[160], who[200], what[160];
};

void cd_timeline_table(FILE *f, const struct cd_case_event *e, size_t n)
{
	enum { NCOLS = 5 };
	const char *head[NCOLS] = { _("Time"), _("Department"), _("Who"), _("What"), _("Note") };
	struct event_cells *buf;
	struct table tb = { .ncols = NCOLS, .nrows = n + 1 };

	if (!n)
		return;
	buf = xcalloc(n, sizeof(*buf));
	tb.cells = xcalloc((n + 1) * NCOLS, sizeof(*tb.cells));
	memcpy(tb.cells, head, sizeof(head));
	for (size_t i = 0; i < n; i++) {
		const struct cd_case_event *k = &e[i];
		struct event_cells *b = &buf[i];
		const char **row = tb.cells + (i + 1) * NCOLS;

		cd_task_time(k->at, b->at);
		if (k->dept_name[0])
			snprintf(b->dept, sizeof(b->dept), "%s %s", k->dept, k->dept_name);
		else
			snprintf(b->dept, sizeof(b->dept), "%s", k->dept[0] ? k->dept : "-");
		snprintf(b->who, sizeof(b->who), "%s", k->actor_name[0] ? k->actor_name :
			 k->actor[0] ? k->actor : _("(the system)"));
		if (k->task_id)
			snprintf(b->what, sizeof(b->what), _("%s (task %lld)"),
				 cd_event_kind_label(k->kind), k->task_id);
		else
			snprintf(b->what, sizeof(b->what), "%s", cd_event_kind_label(k->kind));
		row[0] = b->at;
		row[1] = b->dept;
		row[2] = b->who;
		row[3] = b->what;
		row[4] = k->note;
	}
	table_print(f, &tb);
	free(tb.cells);
	free(buf);
}

json_t *cd_timeline_json(const struct cd_case_event *e, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();

		json_object_set_new(o, "at", cd_json_time(e[i].at));
		json_object_set_new(o, "dept", cd_json_text(e[i].dept));
		json_object_set_new(o, "dept_name", cd_json_text(e[i].dept_name));
		json_object_set_new(o, "actor", cd_json_text(e[i].actor));
		json_object_set_new(o, "actor_name", cd_json_text(e[i].actor_name));
		json_object_set_new(o, "kind", cd_json_text(e[i].kind));
		json_object_set_new(o, "task_id", e[i].task_id ? json_integer(e[i].task_id)
							       : json_null());
		json_object_set_new(o, "note", cd_json_text(e[i].note));
		json_array_append_new(a, o);
	}
	return a;
}
