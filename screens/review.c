/* The reviewer's queue (待办): the department's unfinished tasks, soonest
 * deadline first, red and yellow marked in colour and in text. One page at
 * a time, keyset-paged: the next page is asked for from the last row of
 * this one (never the whole queue, however long it is). It re-reads its
 * page when a task changes (NOTIFY on CD_TASK_CHANNEL), keeping the
 * selected task selected. Supervisors open it over every department, or
 * on the overdue tasks only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "i18n.h"
#include "item.h"
#include "mask.h"
#include "picker.h"
#include "review_ui.h"
#include "session.h"
#include "util.h"

/* Where each page starts: the sort key of the last row of the page before. */
struct keyset {
	time_t due_at;
	char due_key[40]; /* to the microsecond, as the server pages */
	long long id;
};
#define WIDE 110
/* The overdue list is bounded by the server (api.task_overdue's limit) and
 * scrolled here: it is what a supervisor acts on, never the whole queue. */
#define OVERDUE_MAX 500

static const char *const statuses[] = { NULL, "unclaimed", "claimed", "returned" };

struct review_state {
	bool all;                 /* every department (supervisors) */
	bool overdue_list;        /* api.task_overdue: red, or late to be signed for */
	size_t top;               /* first row drawn (the overdue list scrolls) */
	struct cd_task_filter f;
	size_t status_i;          /* index in statuses */
	char item[64];

	struct cd_task *rows;     /* this page: n rows shown (one more was read to know of a next page) */
	size_t n;
	bool more;                /* a next page exists */
	int limit;                /* rows per page, from the last draw */
	struct keyset *after;     /* after[p - 1]: the last row of page p - 1 */
	size_t page, cap;
	size_t sel;
	bool loaded, failed;
	bool reload;              /* read again at the next tick (changed, or resized) */
	double loaded_at;         /* tui_now() of the last read */

	struct cd_dept_load sum;  /* the department's counts (all of them for supervisors) */
	bool have_sum;

	struct task_watch watch;

	bool asking_item;
	struct picker items;      /* "all items", then the active items */
	char (*item_codes)[64];   /* picker row -> item code ("" = all) */
	size_t nitems;
};

static struct cd_db *db_of(struct tui *t)
{
	return tui_session(t)->db;
}

static bool is_supervisor(struct tui *t)
{
	const struct cd_identity *who = tui_who(t);

	return who && !strcmp(who->role, "supervisor");
}

/* Reads the counts for the header: one statement, from the server's index. */
static void load_summary(struct tui *t, struct review_state *s)
{
	struct cd_dept_load *v = NULL;
	struct cd_error err;
	size_t n = 0;

	cd_error_clear(&err);
	memset(&s->sum, 0, sizeof(s->sum));
	s->have_sum = cd_task_dept_summary(db_of(t), &v, &n, &err) == 0;
	for (size_t i = 0; s->have_sum && i < n; i++) {
		s->sum.open += v[i].open;
		s->sum.claimed += v[i].claimed;
		s->sum.returned += v[i].returned;
		s->sum.yellow += v[i].yellow;
		s->sum.red += v[i].red;
		s->sum.unclaimed_late += v[i].unclaimed_late;
	}
	free(v);
}

/* Reads the current page again; keeps the same task selected when it is
 * still there, else the same position. */
static void load(struct tui *t, struct review_state *s)
{
	struct cd_error err;
	long long keep = s->sel < s->n ? s->rows[s->sel].id : 0;
	struct cd_task *rows = NULL, *from = NULL;
	size_t n = 0;
	int limit = s->limit > 0 ? s->limit : 10;
	int rc;

	s->f.status = statuses[s->status_i];
	s->f.item = s->item[0] ? s->item : NULL;
	/* Tried once per change, even when it fails: no retry storm. */
	s->reload = false;
	s->loaded_at = tui_now();
	cd_error_clear(&err);
	if (s->page) {
		from = xcalloc(1, sizeof(*from));
		from->due_at = s->after[s->page - 1].due_at;
		memcpy(from->due_key, s->after[s->page - 1].due_key, sizeof(from->due_key));
		from->id = s->after[s->page - 1].id;
	}
	if (s->overdue_list)
		rc = cd_task_overdue(db_of(t), OVERDUE_MAX, &rows, &n, &err);
	else
		rc = cd_task_list(db_of(t), &s->f, from, limit + 1, &rows, &n, &err);
	free(from);
	if (rc < 0) {
		s->failed = true;
		review_fail(t, _("The queue could not be read"), &err);
		return;
	}
	free(s->rows);
	s->rows = rows;
	s->more = !s->overdue_list && n > (size_t)limit;
	s->n = s->more ? (size_t)limit : n;
	s->loaded = true;
	s->failed = false;
	for (size_t i = 0; keep && i < s->n; i++)
		if (s->rows[i].id == keep)
			s->sel = i;
	if (s->sel >= s->n)
		s->sel = s->n ? s->n - 1 : 0;
	load_summary(t, s);
}

static void first_page(struct tui *t, struct review_state *s)
{
	s->page = 0;
	s->sel = 0;
	load(t, s);
}

static bool next_page(struct tui *t, struct review_state *s)
{
	if (!s->more || !s->n)
		return false;
	if (s->page == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->after = xrealloc(s->after, s->cap * sizeof(*s->after));
	}
	s->after[s->page].due_at = s->rows[s->n - 1].due_at;
	memcpy(s->after[s->page].due_key, s->rows[s->n - 1].due_key, sizeof(s->after[0].due_key));
	s->after[s->page++].id = s->rows[s->n - 1].id;
	s->sel = 0;
	load(t, s);
	if (!s->n && s->page) { /* the rest was taken meanwhile */
		s->page--;
		load(t, s);
		return false;
	}
	return true;
}

static bool prev_page(struct tui *t, struct review_state *s)
{
	if (!s->page)
		return false;
	s->page--;
	s->sel = 0;
	load(t, s);
	return true;
}

/* ---- drawing ---- */

static void filter_text(struct tui *t, const struct review_state *s, char *buf, size_t len)
{
	const struct cd_identity *who = tui_who(t);
	size_t used;

	if (s->overdue_list)
		snprintf(buf, len, "%s", _("Overdue, all departments"));
	else if (s->all)
		snprintf(buf, len, "%s", _("All departments"));
	else
		snprintf(buf, len, "%s", who && who->dept_name[0] ? who->dept_name : who ? who->dept_code : "");
	used = strlen(buf);
	if (statuses[s->status_i])
		used += (size_t)snprintf(buf + used, len > used ? len - used : 0, "%s%s", draw_dot(),
					 cd_task_status_label(statuses[s->status_i]));
	if (s->item[0] && used < len)
		used += (size_t)snprintf(buf + used, len - used, "%s%s %s", draw_dot(), _("item"), s->item);
	if (s->f.overdue && used < len)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", draw_dot(), _("overdue only"));
	if (s->f.mine && used < len)
		snprintf(buf + used, len - used, "%s%s", draw_dot(), _("mine only"));
}

static void draw_header(struct tui *t, struct review_state *s, WINDOW *w, int wd)
{
	char left[512], right[256];
	int rw;

	filter_text(t, s, left, sizeof(left));
	right[0] = '\0';
	if (s->have_sum)
		snprintf(right, sizeof(right), _("Red %d  Yellow %d  Unclaimed %d  Held %d  Returned %d"),
			 s->sum.red, s->sum.yellow, s->sum.open, s->sum.claimed, s->sum.returned);
	if (s->have_sum && s->sum.unclaimed_late)
		snprintf(right + strlen(right), sizeof(right) - strlen(right), _("  Sign late %d"),
			 s->sum.unclaimed_late);
	rw = draw_width(right);
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_text(w, 0, 1, wd - rw - 3, left);
	wattrset(w, s->have_sum && (s->sum.red || s->sum.unclaimed_late) ? draw_attr(ROLE_ERROR) : A_NORMAL);
	if (rw < wd - 10)
		draw_text(w, 0, wd - rw - 1, rw, right);
	wattrset(w, A_NORMAL);
}

static int step_cols(int wd, bool all)
{
	/* light 12, deadline 12, case 21, applicant 10, status 10 (+ dept 6) */
	int fixed = 12 + 12 + 21 + 10 + 10 + (all ? 6 : 0) + (wd >= WIDE ? 22 + 10 : 0);
	int rest = wd - 2 - fixed;

	return rest < 8 ? 8 : rest;
}

static void row_text(const struct review_state *s, const struct cd_task *k, int wd, char *row, size_t len)
{
	char when[32], *name = cd_mask(k->applicant_name, 1, 0);
	bool wide = wd >= WIDE;

	row[0] = '\0';
	review_time(when, sizeof(when), k->due_at);
	picker_col(row, len, when, 12);
	picker_col(row, len, k->case_no, 21);
	if (s->all)
		picker_col(row, len, k->dept, 6);
	if (wide)
		picker_col(row, len, k->item_name[0] ? k->item_name : k->item, 22);
	picker_col(row, len, k->step_name, step_cols(wd, s->all));
	picker_col(row, len, name, 10);
	picker_col(row, len, status_word(k->status), 10);
	if (wide)
		picker_col(row, len, k->claimed_by_name[0] ? k->claimed_by_name : k->claimed_by, 10);
	free(name);
}

static void draw_rows(struct review_state *s, WINDOW *w, int y, int rows, int wd)
{
	char head[1024] = "", row[2048], light[64];

	picker_col(head, sizeof(head), _("Light"), 12);
	picker_col(head, sizeof(head), _("Deadline"), 12);
	picker_col(head, sizeof(head), _("Case number"), 21);
	if (s->all)
		picker_col(head, sizeof(head), _("Dept"), 6);
	if (wd >= WIDE)
		picker_col(head, sizeof(head), _("Service item"), 22);
	picker_col(head, sizeof(head), _("Step"), step_cols(wd, s->all));
	picker_col(head, sizeof(head), _("Applicant"), 10);
	picker_col(head, sizeof(head), _("Status"), 10);
	if (wd >= WIDE)
		picker_col(head, sizeof(head), _("Held by"), 10);
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_text(w, y - 1, 1, wd - 2, head);
	wattrset(w, A_NORMAL);

	if (!s->loaded || !s->n) {
		wattrset(w, draw_attr(ROLE_DIM));
		draw_wrap(w, y + 1, 3, wd - 6, 3,
			  s->failed ? _("The queue could not be read; it is read again when a task changes.")
			  : !s->loaded ? _("Reading the queue...")
			  : s->overdue_list ? _("Nothing is overdue and nothing is late to be signed for.")
			  : s->f.overdue || s->f.mine || s->item[0] || statuses[s->status_i]
				  ? _("No task matches the filters.")
				  : _("No task waits: the queue is empty."),
			  true);
		wattrset(w, A_NORMAL);
		return;
	}
	if (s->sel < s->top)
		s->top = s->sel;
	if (s->sel >= s->top + (size_t)rows)
		s->top = s->sel - (size_t)rows + 1;
	if (s->top >= s->n)
		s->top = 0;
	for (size_t i = s->top; i < s->n && (int)(i - s->top) < rows; i++) {
		const struct cd_task *k = &s->rows[i];
		bool sel = i == s->sel;
		int yy = y + (int)(i - s->top);
		enum draw_role role;
		attr_t base = sel ? draw_attr(ROLE_SELECTED) : A_NORMAL;

		wattrset(w, base);
		draw_fill(w, yy, 0, wd);
		/* The mark says it without colour; colour says it at a glance. */
		role = task_light(k, light, sizeof(light));
		row[0] = '\0';
		picker_col(row, sizeof(row), light, 12);
		wattrset(w, sel ? base : draw_attr(role));
		draw_text(w, yy, 1, 12, row);
		wattrset(w, base);
		row_text(s, k, wd, row, sizeof(row));
		draw_text(w, yy, 13, wd - 14, row);
	}
	wattrset(w, A_NORMAL);
}

static void draw_item_box(struct tui *t, struct review_state *s, WINDOW *w)
{
	int h = getmaxy(w), wd = getmaxx(w), bw = wd - 8 < 64 ? wd - 8 : 64;
	int bh = (int)s->items.nshown + 6, by, bx = (wd - bw) / 2;

	if (bh > h - 2)
		bh = h - 2;
	by = (h - bh) / 2;
	draw_box(w, by, bx, bh, bw, _("Service item"));
	picker_draw(&s->items, t, w, by + 1, bx + 2, bh - 3, bw - 4, _("Find:"), NULL, true);
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, by + bh - 2, bx + 3, bw - 6, _("Enter: show   Esc: cancel"));
	wattrset(w, A_NORMAL);
}

static void review_draw(struct tui *t, void *st, WINDOW *w)
{
	struct review_state *s = st;
	int h = getmaxy(w), wd = getmaxx(w), rows = h - 4;
	char foot[256];

	if (rows < 1)
		rows = 1;
	if (rows != s->limit) {
		/* A new size: the page holds another number of rows. */
		s->reload = s->limit > 0;
		s->limit = rows;
	}
	draw_header(t, s, w, wd);
	draw_rows(s, w, 2, rows, wd);
	if (s->overdue_list)
		snprintf(foot, sizeof(foot), ngettext("%zu task   Enter: open it, then u: reassign",
						      "%zu tasks   Enter: open one, then u: reassign", s->n),
			 s->n);
	else
		snprintf(foot, sizeof(foot), _("Page %zu%s   w: take next  Enter: open  S I O M: filters  PgDn: next page"),
			 s->page + 1, s->more ? "+" : "");
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, h - 1, 1, wd - 2, foot);
	wattrset(w, A_NORMAL);
	if (s->asking_item)
		draw_item_box(t, s, w);
}

/* ---- keys ---- */

static void open_task(struct tui *t, long long id)
{
	tui_push(t, &review_task_screen, &id);
}

static void take_next(struct tui *t, struct review_state *s)
{
	struct cd_task k;
	struct cd_error err;
	char when[32];

	if (s->all) {
		tui_message(t, MSG_INFO, "%s", _("Take next works in a department's own queue; open a task and reassign it instead."));
		return;
	}
	cd_error_clear(&err);
	if (cd_task_take_next(db_of(t), &k, &err) < 0) {
		if (err.kind == CD_ERR_NOTFOUND)
			tui_message(t, MSG_INFO, "%s", _("Nothing to take: no unclaimed task waits in the department."));
		else
			review_fail(t, _("No task taken"), &err);
		return;
	}
	review_changed();
	review_time(when, sizeof(when), k.due_at);
	tui_message(t, MSG_OK, _("Taken: %s, %s (deadline %s)."), k.case_no, k.step_name, when);
	open_task(t, k.id);
}

static void set_filter(struct tui *t, struct review_state *s)
{
	first_page(t, s);
}

/* The items to choose from: one statement when the box opens. */
static void start_item(struct tui *t, struct review_state *s)
{
	struct cd_item_summary *v = NULL;
	struct cd_error err;
	size_t n = 0;
	char row[512];

	cd_error_clear(&err);
	if (cd_item_list(db_of(t), &v, &n, &err) < 0) {
		review_fail(t, _("The service items could not be read"), &err);
		return;
	}
	picker_clear(&s->items);
	field_clear(&s->items.filter); /* what was typed to find the last one */
	free(s->item_codes);
	s->item_codes = xcalloc(n + 1, sizeof(*s->item_codes));
	picker_add(&s->items, _("All items"), NULL, false);
	s->nitems = 1;
	for (size_t i = 0; i < n; i++) {
		snprintf(row, sizeof(row), "%s %s", v[i].code,
			 i18n_is_chinese() || !v[i].name_en ? v[i].name_zh : v[i].name_en);
		picker_add(&s->items, row, NULL, false);
		snprintf(s->item_codes[s->nitems++], sizeof(s->item_codes[0]), "%s", v[i].code);
		if (!strcmp(v[i].code, s->item))
			picker_select(&s->items, i + 1);
	}
	cd_item_summaries_free(&v, n);
	picker_refresh(&s->items);
	s->asking_item = true;
	clearok(curscr, TRUE);
}

static enum screen_result item_key(struct tui *t, struct review_state *s, enum action a,
				   const struct key *k)
{
	long r;

	switch (a) {
	case ACT_BACK:
		s->asking_item = false;
		clearok(curscr, TRUE);
		return SCR_DONE;
	case ACT_SUBMIT:
		r = picker_selected(&s->items);
		if (r < 0 || (size_t)r >= s->nitems)
			return SCR_DONE;
		snprintf(s->item, sizeof(s->item), "%s", s->item_codes[r]);
		s->asking_item = false;
		clearok(curscr, TRUE);
		set_filter(t, s);
		return SCR_DONE;
	default:
		if (action_everywhere(a))
			return SCR_PASS;
		picker_key(&s->items, a, k);
		return SCR_DONE;
	}
}

static enum screen_result review_key(struct tui *t, void *st, enum action a, const struct key *k)
{
	struct review_state *s = st;

	if (s->asking_item)
		return item_key(t, s, a, k);
	if (s->overdue_list)
		switch (a) {
		case ACT_PAGE_DOWN:
			s->sel = s->sel + (size_t)s->limit < s->n ? s->sel + (size_t)s->limit : s->n ? s->n - 1 : 0;
			return SCR_DONE;
		case ACT_PAGE_UP:
			s->sel = s->sel > (size_t)s->limit ? s->sel - (size_t)s->limit : 0;
			return SCR_DONE;
		case ACT_FIRST:
			s->sel = 0;
			return SCR_DONE;
		case ACT_TAKE_NEXT:
		case ACT_FILTER_STATUS:
		case ACT_FILTER_ITEM:
		case ACT_FILTER_OVERDUE:
		case ACT_FILTER_MINE:
			tui_message(t, MSG_INFO, "%s", _("The overdue list has no filters; All departments' tasks has them."));
			return SCR_DONE;
		default:
			break;
		}
	switch (a) {
	case ACT_UP:
		if (s->sel > 0)
			s->sel--;
		else if (prev_page(t, s))
			s->sel = s->n ? s->n - 1 : 0;
		return SCR_DONE;
	case ACT_DOWN:
		if (s->sel + 1 < s->n)
			s->sel++;
		else if (!next_page(t, s) && s->n)
			tui_message(t, MSG_INFO, "%s", _("This is the last task."));
		return SCR_DONE;
	case ACT_PAGE_DOWN:
		if (!next_page(t, s))
			s->sel = s->n ? s->n - 1 : 0;
		return SCR_DONE;
	case ACT_PAGE_UP:
		if (!prev_page(t, s))
			s->sel = 0;
		return SCR_DONE;
	case ACT_FIRST:
		first_page(t, s);
		return SCR_DONE;
	case ACT_SUBMIT:
		if (s->sel < s->n)
			open_task(t, s->rows[s->sel].id);
		return SCR_DONE;
	case ACT_TAKE_NEXT:
		take_next(t, s);
		return SCR_DONE;
	case ACT_FILTER_STATUS:
		s->status_i = (s->status_i + 1) % ARRAY_SIZE(statuses);
		set_filter(t, s);
		return SCR_DONE;
	case ACT_FILTER_ITEM:
		start_item(t, s);
		return SCR_DONE;
	case ACT_FILTER_OVERDUE:
		s->f.overdue = !s->f.overdue;
		set_filter(t, s);
		return SCR_DONE;
	case ACT_FILTER_MINE:
		s->f.mine = !s->f.mine;
		set_filter(t, s);
		return SCR_DONE;
	case ACT_BACK:
		tui_pop(t);
		return SCR_DONE;
	default:
		return SCR_PASS;
	}
}

/* ---- the screen ---- */

static void start(struct tui *t, struct review_state *s, bool all, bool overdue)
{
	s->all = all && is_supervisor(t);
	s->overdue_list = overdue && s->all;
	s->f.dept = NULL; /* reviewers: the server keeps them to their own */
	picker_init(&s->items, true);
	s->limit = LINES - 3 - 4; /* the body's rows less the header and footer */
	task_watch_start(t, &s->watch);
	first_page(t, s);
}

static void review_enter(struct tui *t, void *st, const void *arg)
{
	(void)arg;
	start(t, st, false, false);
}

static void review_all_enter(struct tui *t, void *st, const void *arg)
{
	(void)arg;
	start(t, st, true, false);
}

static void review_overdue_enter(struct tui *t, void *st, const void *arg)
{
	(void)arg;
	start(t, st, true, true);
}

static void review_leave(struct tui *t, void *st)
{
	struct review_state *s = st;

	(void)t;
	free(s->rows);
	free(s->after);
	picker_free(&s->items);
	free(s->item_codes);
}

static bool review_tick(struct tui *t, void *st)
{
	struct review_state *s = st;
	const struct cd_identity *who = tui_who(t);

	if (task_watch_changed(t, &s->watch, s->all || !who ? NULL : who->dept_code))
		s->reload = true;
	if (!s->reload || tui_now() < s->loaded_at + REVIEW_REFRESH_SECONDS)
		return false;
	load(t, s);
	return true;
}

static bool review_text_focus(const void *st)
{
	const struct review_state *s = st;

	return s->asking_item;
}

static const enum action review_keys[] = {
	ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_FIRST, ACT_SUBMIT, ACT_TAKE_NEXT,
	ACT_FILTER_STATUS, ACT_FILTER_ITEM, ACT_FILTER_OVERDUE, ACT_FILTER_MINE, ACT_BACK, ACT_NONE,
};

static const struct hint review_hints[] = {
	{ ACT_TAKE_NEXT, NULL },
	{ ACT_SUBMIT, N_("Open") },
	{ ACT_FILTER_OVERDUE, NULL },
	{ ACT_FILTER_MINE, NULL },
	{ ACT_NONE, NULL },
};

#define REVIEW_OPS(title, enter_fn)                                                            \
	{                                                                                      \
		.name = title,                                                                 \
		.state_size = sizeof(struct review_state),                                     \
		.keys = review_keys,                                                           \
		.hints = review_hints,                                                         \
		.help_extra = N_("!! marks a red light (past the deadline), ! a yellow one (80% of the time used). The queue follows changes as they happen."), \
		.enter = enter_fn,                                                             \
		.draw = review_draw,                                                           \
		.key = review_key,                                                             \
		.tick = review_tick,                                                           \
		.leave = review_leave,                                                         \
		.text_focus = review_text_focus,                                               \
	}

const struct screen_ops review_screen = REVIEW_OPS(N_("Task queue"), review_enter);
const struct screen_ops review_all_screen = REVIEW_OPS(N_("All departments' tasks"), review_all_enter);
const struct screen_ops review_overdue_screen = REVIEW_OPS(N_("Overdue tasks"), review_overdue_enter);
