/* One task, as its reviewer sees it: the task and its clocks on top; below,
 * scrolled, the case (the applicant's data masked, as the database gives
 * it), the materials with their verification outcomes and hand checks, the
 * case's steps with their lights, and the whole timeline. The decisions
 * (claim, approve, return for correction, reject, transfer, note, release;
 * reassign for supervisors) each ask for their reason in a small box; when
 * the server refuses, the box stays open with what was typed and says why
 * at the field. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "field.h"
#include "i18n.h"
#include "intake.h"
#include "item.h"
#include "mask.h"
#include "picker.h"
#include "review_ui.h"
#include "session.h"
#include "util.h"
#include "verify.h"

#define HEAD_ROWS 3

enum task_mode {
	MODE_VIEW,
	MODE_REASON,   /* the box asking for the reason */
	MODE_PICK,     /* which department (transfer), or whom (reassign) */
	MODE_RELEASE,  /* release it? */
};

/* What the reason box is for. */
enum ask {
	ASK_APPROVE,
	ASK_RETURN,
	ASK_REJECT,
	ASK_TRANSFER,
	ASK_NOTE,
	ASK_REASSIGN,
};

struct target {
	char dept[17];
	char login[64];
	char label[256];
};

struct task_state {
	long long id;
	struct cd_task task;
	bool have_task;

	struct cd_case c;
	bool have_case;
	struct cd_item *item;
	struct cd_verify_results vr;
	char **resolved;

	struct cd_task *steps;  /* the case's tasks, in step order */
	size_t nsteps;
	struct cd_case_event *ev; /* its timeline */
	size_t nev;
	struct rlines lines;
	int built_for;          /* the width the lines were laid out for */
	int scroll, page;

	enum task_mode mode;
	enum ask ask;
	struct field reason;
	char field_err[512];    /* why the last try was refused, shown at the field */

	struct picker pick;
	struct target *targets; /* picker row -> department or reviewer */
	size_t ntargets;
	struct target to;       /* the one chosen */

	struct task_watch watch;
	bool stale;             /* a task of its department changed: read again */
	double loaded_at;
};

static struct cd_db *db_of(struct tui *t)
{
	return tui_session(t)->db;
}

static bool zh(void)
{
	return i18n_is_chinese();
}

static bool is_supervisor(struct tui *t)
{
	const struct cd_identity *who = tui_who(t);

	return who && !strcmp(who->role, "supervisor");
}

/* ---- the lines below the head ---- */

static void add_pair(struct rlines *l, const char *label, const char *value)
{
	char row[1024] = "";

	picker_col(row, sizeof(row), label, 26);
	snprintf(row + strlen(row), sizeof(row) - strlen(row), " %s", value ? value : "");
	rlines_add(l, ROLE_NORMAL, 4, row);
}

static const char *field_label(const struct task_state *s, const char *key)
{
	for (size_t i = 0; s->item && i < s->item->nfields; i++)
		if (!strcmp(s->item->fields[i].key, key))
			return zh() || !s->item->fields[i].label_en ? s->item->fields[i].label_zh
								    : s->item->fields[i].label_en;
	return key;
}

static const char *material_label(const struct task_state *s, const struct cd_case_material *m)
{
	const struct cd_item_material *im = s->item ? cd_item_find_material(s->item, m->code) : NULL;

	if (im)
		return zh() || !im->name_en ? im->name_zh : im->name_en;
	return m->name_zh ? m->name_zh : m->code;
}

static void case_lines(struct task_state *s)
{
	const struct cd_case *c = &s->c;
	char buf[1024], *name;

	rlines_add(&s->lines, ROLE_HEADING, 2, _("The case"));
	name = cd_mask(c->applicant_name ? c->applicant_name : "", 1, 0);
	snprintf(buf, sizeof(buf), "%s  %s", name, c->applicant_id_mask ? c->applicant_id_mask : "");
	free(name);
	add_pair(&s->lines, _("Applicant"), buf);
	snprintf(buf, sizeof(buf), "%s%s%s", c->accepted_at ? c->accepted_at : "",
		 c->accepted_by ? " " : "", c->accepted_by ? c->accepted_by : "");
	add_pair(&s->lines, _("Accepted"), buf);
	add_pair(&s->lines, _("Promised completion date"), c->promised_date);
	snprintf(buf, sizeof(buf), "%d", c->visits);
	add_pair(&s->lines, _("Visits"), buf);
	/* The values are as the database gives them: personal ones masked;
	 * in the order of the form when its definition could be read. */
	for (size_t i = 0; s->item && i < s->item->nfields; i++)
		for (size_t k = 0; k < c->nfields; k++)
			if (!strcmp(c->fields[k].key, s->item->fields[i].key))
				add_pair(&s->lines, field_label(s, c->fields[k].key), c->fields[k].value);
	for (size_t i = 0; !s->item && i < c->nfields; i++)
		add_pair(&s->lines, c->fields[i].key, c->fields[i].value);

	rlines_add(&s->lines, ROLE_NORMAL, 0, "");
	rlines_add(&s->lines, ROLE_HEADING, 2, _("Materials"));
	for (size_t i = 0; i < c->nmaterials; i++) {
		const struct cd_case_material *m = &c->materials[i];
		enum draw_role role = m->status && !strcmp(m->status, "missing") ? ROLE_ERROR : ROLE_NORMAL;
		const char *reason = NULL;
		char row[1024] = "";

		picker_col(row, sizeof(row), material_label(s, m), 30);
		picker_col(row, sizeof(row), cd_material_status_word(m->status), 10);
		picker_col(row, sizeof(row), m->is_key ? _("key") : "", 6);
		for (size_t k = 0; k < s->vr.n; k++) {
			const struct cd_verify_result *v = &s->vr.v[k];

			if (!v->material || strcmp(v->material, m->code))
				continue;
			snprintf(row + strlen(row), sizeof(row) - strlen(row), "%s", cd_verify_result_word(v));
			if (s->resolved && s->resolved[k]) {
				snprintf(row + strlen(row), sizeof(row) - strlen(row), "%s%s", draw_dot(),
					 _("Original checked by hand"));
				reason = s->resolved[k];
			} else if (v->outcome && strcmp(v->outcome, "matched")) {
				role = ROLE_ERROR;
			}
		}
		rlines_add(&s->lines, role, 4, row);
		if (reason) {
			snprintf(row, sizeof(row), _("Reason: %s"), reason);
			rlines_add(&s->lines, ROLE_DIM, 6, row);
		}
	}
	if (!s->vr.n)
		rlines_add(&s->lines, ROLE_DIM, 4, _("Not verified against shared data."));
}

/* Lays the lines out for a window width columns wide: again after a
 * resize, from what was read (no query). */
static void build_lines(struct task_state *s, int width)
{
	rlines_free(&s->lines);
	if (s->have_case)
		case_lines(s);
	route_lines(&s->lines, s->steps, s->nsteps, s->ev, s->nev, width);
	s->built_for = width;
}

static void load_route(struct tui *t, struct task_state *s)
{
	struct cd_error err;

	free(s->steps);
	free(s->ev);
	s->steps = NULL;
	s->ev = NULL;
	s->nsteps = s->nev = 0;
	cd_error_clear(&err);
	if (cd_case_tasks(db_of(t), s->task.case_no, &s->steps, &s->nsteps, &err) < 0)
		review_fail(t, _("The steps could not be read"), &err);
	else if (cd_case_timeline(db_of(t), s->task.case_no, &s->ev, &s->nev, &err) < 0)
		review_fail(t, _("The timeline could not be read"), &err);
}

static void verify_clear(struct task_state *s)
{
	for (size_t i = 0; s->resolved && i < s->vr.n; i++)
		free(s->resolved[i]);
	free(s->resolved);
	s->resolved = NULL;
	cd_verify_results_clear(&s->vr);
}

/* Reads the task, its case and its timeline: a handful of statements, once
 * on opening and once after each decision, never per key. */
static bool load(struct tui *t, struct task_state *s)
{
	struct cd_error err;
	struct cd_case c;

	/* Tried once per change, even when it fails: no retry storm. */
	s->stale = false;
	s->loaded_at = tui_now();
	cd_error_clear(&err);
	if (cd_task_get(db_of(t), s->id, &s->task, &err) < 0) {
		review_fail(t, _("The task could not be read"), &err);
		return false;
	}
	s->have_task = true;
	if (cd_case_get(db_of(t), s->task.case_no, &c, &err) == 0) {
		if (s->have_case)
			cd_case_clear(&s->c);
		s->c = c;
		s->have_case = true;
		if (!s->item || strcmp(s->item->code, c.item) || s->item->version != c.item_version) {
			cd_item_free(&s->item);
			if (cd_item_fetch(db_of(t), c.item, c.item_version, &s->item, &err) < 0)
				s->item = NULL; /* the fields show by key: still readable */
		}
		verify_clear(s);
		if (cd_case_verifications(db_of(t), c.case_no, &s->vr, &s->resolved, &err) < 0)
			verify_clear(s);
	} else {
		review_fail(t, _("The case could not be read"), &err);
	}
	load_route(t, s);
	build_lines(s, COLS);
	return true;
}

/* ---- drawing ---- */

static void draw_head(struct task_state *s, WINDOW *w, int wd)
{
	const struct cd_task *k = &s->task;
	char row[2048], due[32], sign[32], clock[128];

	wattrset(w, draw_attr(task_light(k, row, sizeof(row))));
	draw_text(w, 0, 1, 11, row);
	snprintf(row, sizeof(row), _("%s%sstep %d: %s"), k->case_no, draw_dot(), k->step, k->step_name);
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_text(w, 0, 13, wd - 14, row);
	wattrset(w, A_NORMAL);

	review_time(due, sizeof(due), k->due_at);
	if (k->signed_at) {
		review_time(sign, sizeof(sign), k->signed_at);
		snprintf(clock, sizeof(clock), _("signed for %s"), sign);
	} else {
		review_time(sign, sizeof(sign), k->sign_due_at);
		snprintf(clock, sizeof(clock), _("sign for by %s (%s%s)"), sign,
			 light_mark(k->sign_light) + strspn(light_mark(k->sign_light), " "), light_word(k->sign_light));
	}
	snprintf(row, sizeof(row), _("%s%s%s%sdeadline %s%s%s"), status_word(k->status),
		 k->claimed_by[0] ? " " : "", k->claimed_by_name[0] ? k->claimed_by_name : k->claimed_by,
		 draw_dot(), due, draw_dot(), clock);
	draw_text(w, 1, 3, wd - 4, row);
	if (k->returned_note[0] && !strcmp(k->status, "returned")) {
		snprintf(row, sizeof(row), _("Needed: %s"), k->returned_note);
		draw_text(w, 2, 3, wd - 4, row);
	} else {
		snprintf(row, sizeof(row), "%s%s%s", k->item_name[0] ? k->item_name : k->item, draw_dot(), k->dept);
		wattrset(w, draw_attr(ROLE_DIM));
		draw_text(w, 2, 3, wd - 4, row);
		wattrset(w, A_NORMAL);
	}
}

static void draw_lines(struct task_state *s, WINDOW *w, int y, int rows, int wd)
{
	s->page = rows;
	if (s->scroll > (int)s->lines.n - rows)
		s->scroll = (int)s->lines.n - rows;
	if (s->scroll < 0)
		s->scroll = 0;
	for (int r = 0; r < rows && s->scroll + r < (int)s->lines.n; r++) {
		const struct rline *l = &s->lines.v[s->scroll + r];

		wattrset(w, draw_attr(l->role));
		draw_text(w, y + r, l->indent, wd - l->indent - 1, l->text);
	}
	wattrset(w, draw_attr(ROLE_DIM));
	if (s->scroll > 0)
		draw_text(w, y, wd - 2, 1, "^");
	if (s->scroll + rows < (int)s->lines.n)
		draw_text(w, y + rows - 1, wd - 2, 1, "v");
	wattrset(w, A_NORMAL);
}

static const char *ask_title(enum ask a)
{
	switch (a) {
	case ASK_APPROVE:
		return _("Approve");
	case ASK_RETURN:
		return _("Return for correction");
	case ASK_REJECT:
		return _("Reject");
	case ASK_TRANSFER:
		return _("Transfer to another department");
	case ASK_NOTE:
		return _("Note");
	case ASK_REASSIGN:
		return _("Reassign");
	}
	return "";
}

static const char *ask_label(enum ask a)
{
	switch (a) {
	case ASK_APPROVE:
		return _("Reason (may be empty):");
	case ASK_RETURN:
		return _("What the applicant must bring:");
	case ASK_NOTE:
		return _("Note:");
	default:
		return _("Reason:");
	}
}

static void draw_reason(struct tui *t, struct task_state *s, WINDOW *w)
{
	int h = getmaxy(w), wd = getmaxx(w), bw = wd - 6 < 72 ? wd - 6 : 72, bh = 9;
	int by = (h - bh) / 2, bx = (wd - bw) / 2, lw, cur;
	char q[512];

	draw_box(w, by, bx, bh, bw, ask_title(s->ask));
	if (s->ask == ASK_TRANSFER || s->ask == ASK_REASSIGN)
		snprintf(q, sizeof(q), _("%s, step %d: to %s"), s->task.case_no, s->task.step, s->to.label);
	else
		snprintf(q, sizeof(q), _("%s, step %d: %s"), s->task.case_no, s->task.step, s->task.step_name);
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_text(w, by + 1, bx + 3, bw - 6, q);
	wattrset(w, A_NORMAL);
	lw = draw_text(w, by + 3, bx + 3, bw - 6, ask_label(s->ask));
	cur = field_draw(&s->reason, w, by + 4, bx + 3, bw - 6, true);
	tui_cursor(t, by + 4, bx + 3 + cur);
	(void)lw;
	if (s->field_err[0]) {
		wattrset(w, draw_attr(ROLE_ERROR));
		draw_text(w, by + 5, bx + 3, bw - 6, s->field_err);
	}
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, by + 7, bx + 3, bw - 6, _("Enter: record it   Esc: cancel (nothing is sent)"));
	wattrset(w, A_NORMAL);
}

static void draw_pick(struct tui *t, struct task_state *s, WINDOW *w)
{
	int h = getmaxy(w), wd = getmaxx(w), bw = wd - 8 < 64 ? wd - 8 : 64;
	int bh = (int)s->pick.nshown + 6, by, bx = (wd - bw) / 2;

	if (bh > h - 2)
		bh = h - 2;
	by = (h - bh) / 2;
	draw_box(w, by, bx, bh, bw, s->ask == ASK_REASSIGN ? _("Reassign to") : _("Transfer to"));
	picker_draw(&s->pick, t, w, by + 1, bx + 2, bh - 3, bw - 4, _("Find:"), NULL, true);
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, by + bh - 2, bx + 3, bw - 6, _("Enter: this one   Esc: cancel"));
	wattrset(w, A_NORMAL);
}

static void task_draw(struct tui *t, void *st, WINDOW *w)
{
	struct task_state *s = st;
	int h = getmaxy(w), wd = getmaxx(w);
	char q[512];

	if (!s->have_task) {
		wattrset(w, draw_attr(ROLE_DIM));
		draw_wrap(w, 1, 3, wd - 6, 3, _("The task could not be read. Esc goes back to the queue."), true);
		wattrset(w, A_NORMAL);
		return;
	}
	if (s->built_for != wd)
		build_lines(s, wd);
	draw_head(s, w, wd);
	draw_lines(s, w, HEAD_ROWS, h - HEAD_ROWS - 1, wd);
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, h - 1, 1, wd - 2, is_supervisor(t)
		  ? _("u reassign to a reviewer or a department   Up/Down: scroll   Esc: back")
		  : _("k claim  o approve  b correction  r reject  d transfer  m note  l release"));
	wattrset(w, A_NORMAL);
	switch (s->mode) {
	case MODE_VIEW:
		break;
	case MODE_REASON:
		draw_reason(t, s, w);
		break;
	case MODE_PICK:
		draw_pick(t, s, w);
		break;
	case MODE_RELEASE:
		snprintf(q, sizeof(q), _("Release %s, step %d, back to the department's queue?"), s->task.case_no,
			 s->task.step);
		ask_draw(w, _("Release"), q, _("y: release it     n or Esc: keep it"));
		break;
	}
}

/* ---- decisions ---- */

/* A box closing over Chinese text: repaint the terminal, since a wide
 * character cut by the border is not always restored otherwise. */
static void box_closed(struct task_state *s)
{
	s->mode = MODE_VIEW;
	s->field_err[0] = '\0';
	clearok(curscr, TRUE);
}

static void ask_reason(struct task_state *s, enum ask a)
{
	s->ask = a;
	s->field_err[0] = '\0';
	field_clear(&s->reason);
	s->mode = MODE_REASON;
	clearok(curscr, TRUE);
}

static void claim(struct tui *t, struct task_state *s)
{
	struct cd_error err;
	char when[32];

	cd_error_clear(&err);
	if (cd_task_claim(db_of(t), s->id, &s->task, &err) < 0) {
		review_fail(t, _("Not claimed"), &err);
		return;
	}
	review_changed();
	load(t, s);
	review_time(when, sizeof(when), s->task.claim_expires_at);
	tui_message(t, MSG_OK, _("Claimed: you hold this task (until %s if left idle)."), when);
}

static void release(struct tui *t, struct task_state *s)
{
	struct cd_error err;

	box_closed(s);
	cd_error_clear(&err);
	if (cd_task_release(db_of(t), s->id, &s->task, &err) < 0) {
		review_fail(t, _("Not released"), &err);
		return;
	}
	review_changed();
	load(t, s);
	tui_message(t, MSG_OK, "%s", _("Released: the task is back in the department's queue."));
}

static const char *refused_what(enum ask a)
{
	switch (a) {
	case ASK_APPROVE:
		return _("Not approved");
	case ASK_RETURN:
		return _("Not returned");
	case ASK_REJECT:
		return _("Not rejected");
	case ASK_TRANSFER:
		return _("Not transferred");
	case ASK_NOTE:
		return _("The note was not added");
	case ASK_REASSIGN:
		return _("Not reassigned");
	}
	return "";
}

static void decided_message(struct tui *t, const struct task_state *s, const struct cd_decision_result *r)
{
	switch (s->ask) {
	case ASK_APPROVE:
		if (!strcmp(r->case_status, "complete"))
			tui_message(t, MSG_OK, _("Approved: %s. Every step is done; the window can hand the result over."),
				    s->task.case_no);
		else if (r->started > 0)
			tui_message(t, MSG_OK, ngettext("Approved: %s. %d next step has started.",
							"Approved: %s. %d next steps have started.", r->started),
				    s->task.case_no, r->started);
		else
			tui_message(t, MSG_OK, _("Approved: %s."), s->task.case_no);
		break;
	case ASK_RETURN:
		tui_message(t, MSG_OK, _("Returned for correction: %s. The window tells the applicant; the clock is stopped."),
			    s->task.case_no);
		break;
	case ASK_REJECT:
		tui_message(t, MSG_OK, _("Rejected: %s. The case is rejected; the window hands over the decision notice."),
			    s->task.case_no);
		break;
	case ASK_TRANSFER:
		tui_message(t, MSG_OK, _("Transferred to %s: it must be signed for there within its time."), s->to.label);
		break;
	case ASK_NOTE:
		tui_message(t, MSG_OK, "%s", _("Note added to the timeline."));
		break;
	case ASK_REASSIGN:
		tui_message(t, MSG_OK, _("Reassigned to %s."), s->to.label);
		break;
	}
}

static bool reason_needed(enum ask a)
{
	return a != ASK_APPROVE;
}

static void record(struct tui *t, struct task_state *s)
{
	static const enum cd_decision decision[] = {
		[ASK_APPROVE] = CD_DECIDE_APPROVE, [ASK_RETURN] = CD_DECIDE_RETURN,
		[ASK_REJECT] = CD_DECIDE_REJECT,   [ASK_TRANSFER] = CD_DECIDE_TRANSFER,
		[ASK_NOTE] = CD_DECIDE_NOTE,       [ASK_REASSIGN] = CD_DECIDE_NOTE,
	};
	struct cd_decision_result r;
	struct cd_task moved;
	struct cd_error err;
	char reason[2048], text[768];
	int rc;

	if (!field_get(&s->reason, reason, sizeof(reason))) {
		snprintf(s->field_err, sizeof(s->field_err), "%s", _("Too long: shorten it."));
		return;
	}
	if (reason_needed(s->ask) && !reason[strspn(reason, " \t")]) {
		snprintf(s->field_err, sizeof(s->field_err), "%s",
			 s->ask == ASK_RETURN ? _("Say what the applicant must bring: it cannot be empty.")
			 : s->ask == ASK_NOTE ? _("The note is empty.")
					      : _("A reason is required: it cannot be empty."));
		tui_message(t, MSG_ERROR, "%s", s->field_err);
		return;
	}
	cd_error_clear(&err);
	memset(&r, 0, sizeof(r));
	if (s->ask == ASK_REASSIGN)
		/* A reviewer of another department takes the task there. */
		rc = cd_task_reassign(db_of(t), s->id, s->to.login[0] ? s->to.login : NULL,
				      strcmp(s->to.dept, s->task.dept) ? s->to.dept : NULL, reason, &moved, &err);
	else
		rc = cd_task_decide(db_of(t), s->id, decision[s->ask], reason,
				    s->ask == ASK_TRANSFER ? s->to.dept : NULL, &r, &err);
	if (rc < 0) {
		/* The box stays, with what was typed; the reason is at the field. */
		snprintf(s->field_err, sizeof(s->field_err), "%s", cd_error_text(&err, text, sizeof(text)));
		review_fail(t, refused_what(s->ask), &err);
		return;
	}
	review_changed();
	box_closed(s);
	decided_message(t, s, &r);
	if (s->ask == ASK_NOTE) {
		load(t, s);
		s->scroll = (int)s->lines.n; /* the note is the last event */
		return;
	}
	/* Decided, or gone to other hands: back to the queue for the next one. */
	tui_pop(t);
}

/* ---- choosing a department or a reviewer ---- */

static void add_target(struct task_state *s, const char *dept, const char *login, const char *label)
{
	s->targets = xrealloc(s->targets, (s->ntargets + 1) * sizeof(*s->targets));
	memset(&s->targets[s->ntargets], 0, sizeof(*s->targets));
	snprintf(s->targets[s->ntargets].dept, sizeof(s->targets[0].dept), "%s", dept ? dept : "");
	snprintf(s->targets[s->ntargets].login, sizeof(s->targets[0].login), "%s", login ? login : "");
	snprintf(s->targets[s->ntargets].label, sizeof(s->targets[0].label), "%s", label);
	s->ntargets++;
	picker_add(&s->pick, label, NULL, false);
}

/* Departments to transfer to; for reassigning, the reviewers too. One or
 * two statements when the box opens. */
static void start_pick(struct tui *t, struct task_state *s, enum ask a)
{
	struct cd_dept *d = NULL;
	struct cd_staff *st = NULL;
	size_t nd = 0, ns = 0;
	struct cd_error err;
	char label[256];

	cd_error_clear(&err);
	if (cd_dept_list(db_of(t), &d, &nd, &err) < 0) {
		review_fail(t, _("The departments could not be read"), &err);
		return;
	}
	picker_clear(&s->pick);
	free(s->targets);
	s->targets = NULL;
	s->ntargets = 0;
	for (size_t i = 0; i < nd; i++) {
		if (!strcmp(d[i].code, s->task.dept))
			continue;
		snprintf(label, sizeof(label), "%s %s", d[i].code, d[i].name);
		add_target(s, d[i].code, NULL, label);
	}
	if (a == ASK_REASSIGN && cd_staff_list(db_of(t), &st, &ns, &err) == 0) {
		for (size_t i = 0; i < ns; i++) {
			if (!st[i].active || strcmp(st[i].role, "reviewer"))
				continue;
			snprintf(label, sizeof(label), _("%s %s, reviewer of %s"), st[i].login, st[i].full_name,
				 st[i].dept_code);
			add_target(s, st[i].dept_code, st[i].login, label);
		}
	}
	free(d);
	free(st);
	picker_refresh(&s->pick);
	s->ask = a;
	s->mode = MODE_PICK;
	clearok(curscr, TRUE);
}

static void picked(struct task_state *s)
{
	long r = picker_selected(&s->pick);
	enum ask a = s->ask;

	if (r < 0 || (size_t)r >= s->ntargets)
		return;
	s->to = s->targets[r];
	ask_reason(s, a);
}

/* ---- keys ---- */

static enum screen_result view_key(struct tui *t, struct task_state *s, enum action a)
{
	if (!s->have_task && a != ACT_BACK)
		return SCR_PASS;
	if (action_scroll(a, &s->scroll, s->page, (int)s->lines.n))
		return SCR_DONE;
	switch (a) {
	case ACT_BACK:
		tui_pop(t);
		return SCR_DONE;
	case ACT_CLAIM:
		claim(t, s);
		return SCR_DONE;
	case ACT_APPROVE:
		ask_reason(s, ASK_APPROVE);
		return SCR_DONE;
	case ACT_RETURN_CORR:
		ask_reason(s, ASK_RETURN);
		return SCR_DONE;
	case ACT_REJECT:
		ask_reason(s, ASK_REJECT);
		return SCR_DONE;
	case ACT_NOTE:
		ask_reason(s, ASK_NOTE);
		return SCR_DONE;
	case ACT_MOVE_DEPT:
		start_pick(t, s, ASK_TRANSFER);
		return SCR_DONE;
	case ACT_REASSIGN:
		if (!is_supervisor(t))
			tui_message(t, MSG_INFO, "%s", _("Only a supervisor reassigns tasks; transfer (d) sends it to another department."));
		else
			start_pick(t, s, ASK_REASSIGN);
		return SCR_DONE;
	case ACT_RELEASE:
		s->mode = MODE_RELEASE;
		return SCR_DONE;
	default:
		return SCR_PASS;
	}
}

static enum screen_result task_key(struct tui *t, void *st, enum action a, const struct key *k)
{
	struct task_state *s = st;

	switch (s->mode) {
	case MODE_VIEW:
		return view_key(t, s, a);
	case MODE_REASON:
		if (a == ACT_BACK) {
			box_closed(s);
			tui_message(t, MSG_INFO, "%s", _("Cancelled: nothing was sent."));
			return SCR_DONE;
		}
		if (a == ACT_SUBMIT) {
			record(t, s);
			return SCR_DONE;
		}
		if (field_key(&s->reason, a, k))
			return SCR_DONE;
		return action_everywhere(a) ? SCR_PASS : SCR_DONE;
	case MODE_PICK:
		if (a == ACT_BACK) {
			box_closed(s);
			return SCR_DONE;
		}
		if (a == ACT_SUBMIT) {
			picked(s);
			return SCR_DONE;
		}
		if (picker_key(&s->pick, a, k))
			return SCR_DONE;
		return action_everywhere(a) ? SCR_PASS : SCR_DONE;
	case MODE_RELEASE:
		if (a == ACT_YES) {
			release(t, s);
			return SCR_DONE;
		}
		if (a == ACT_NO || a == ACT_BACK || a == ACT_SUBMIT) {
			box_closed(s);
			return SCR_DONE;
		}
		return action_everywhere(a) ? SCR_PASS : SCR_DONE;
	}
	return SCR_PASS;
}

/* ---- the screen ---- */

static void task_enter(struct tui *t, void *st, const void *arg)
{
	struct task_state *s = st;

	s->id = arg ? *(const long long *)arg : 0;
	field_init(&s->reason, 500, 0);
	picker_init(&s->pick, true);
	s->mode = MODE_VIEW;
	task_watch_start(t, &s->watch);
	load(t, s);
}

static void task_leave(struct tui *t, void *st)
{
	struct task_state *s = st;

	(void)t;
	field_free(&s->reason);
	picker_free(&s->pick);
	free(s->targets);
	rlines_free(&s->lines);
	free(s->steps);
	free(s->ev);
	verify_clear(s);
	if (s->have_case)
		cd_case_clear(&s->c);
	cd_item_free(&s->item);
}

/* Someone else changed a task: read this one again, unless a box is open
 * (what is being typed must not move under the fingers). */
static bool task_tick(struct tui *t, void *st)
{
	struct task_state *s = st;
	int keep = s->scroll;

	if (task_watch_changed(t, &s->watch, s->have_task ? s->task.dept : NULL))
		s->stale = true;
	if (!s->stale || s->mode != MODE_VIEW || tui_now() < s->loaded_at + REVIEW_REFRESH_SECONDS)
		return false;
	load(t, s);
	s->scroll = keep;
	return true;
}

static bool task_text_focus(const void *st)
{
	const struct task_state *s = st;

	return s->mode == MODE_REASON || s->mode == MODE_PICK;
}

static bool task_has_unsaved(const struct tui *t, const void *st)
{
	const struct task_state *s = st;

	(void)t;
	return s->mode == MODE_REASON && !field_empty(&s->reason);
}

static const enum action task_keys[] = {
	ACT_CLAIM, ACT_APPROVE, ACT_RETURN_CORR, ACT_REJECT, ACT_MOVE_DEPT, ACT_NOTE, ACT_RELEASE,
	ACT_REASSIGN, ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_BACK, ACT_NONE,
};

static const struct hint task_hints[] = {
	{ ACT_CLAIM, NULL },
	{ ACT_APPROVE, NULL },
	{ ACT_RETURN_CORR, NULL },
	{ ACT_REJECT, NULL },
	{ ACT_MOVE_DEPT, NULL },
	{ ACT_NONE, NULL },
};

const struct screen_ops review_task_screen = {
	.name = N_("Task detail"),
	.state_size = sizeof(struct task_state),
	.keys = task_keys,
	.hints = task_hints,
	.help_extra = N_("Each decision asks for its reason in a box; Enter records it, Esc cancels and sends nothing. When the server refuses, the box stays with what was typed."),
	.enter = task_enter,
	.draw = task_draw,
	.key = task_key,
	.tick = task_tick,
	.leave = task_leave,
	.has_unsaved = task_has_unsaved,
	.text_focus = task_text_focus,
};
