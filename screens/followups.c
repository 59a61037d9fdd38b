/* Bad ratings to follow up (差评整改), for supervisors: the open ones by
 * their next deadline, overdue ones marked; Enter records the step due now
 * with a note: the call back to the visitor, then the rectification, which
 * closes it (api.rating_callback, api.rating_rectify). A new bad rating or
 * an appeal (notifications of the hall channel) refreshes the list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "field.h"
#include "hall_ui.h"
#include "i18n.h"
#include "picker.h"
#include "screen.h"
#include "util.h"

struct followups_state {
	struct hall_watch watch;
	struct picker list;
	struct cd_rating_followup *v;
	size_t n;
	bool noting;       /* the note of the step is being written */
	long long id;      /* the rating whose step it is */
	struct field note;
};

static const char *step_label(const char *state)
{
	if (!strcmp(state, "callback"))
		return _("call back");
	if (!strcmp(state, "rectify"))
		return _("rectify");
	if (!strcmp(state, "closed"))
		return _("closed");
	if (!strcmp(state, "cancelled"))
		return _("cancelled");
	return state;
}

static void load(struct tui *t, struct followups_state *s)
{
	struct cd_error err;
	char row[768], buf[64], tm[20];
	long keep = picker_selected(&s->list);
	long long keep_id = keep >= 0 && (size_t)keep < s->n ? s->v[keep].rating_id : 0;

	picker_clear(&s->list);
	cd_rating_followups_free(&s->v, s->n);
	s->n = 0;
	cd_error_clear(&err);
	if (cd_rating_followups(hall_db(t), true, &s->v, &s->n, &err) < 0) {
		hall_fail(t, _("The follow-ups could not be read"), &err);
		picker_refresh(&s->list);
		return;
	}
	keep = -1;
	for (size_t i = 0; i < s->n; i++) {
		const struct cd_rating_followup *f = &s->v[i];
		time_t due = !strcmp(f->state, "callback") ? f->callback_due : f->rectify_due;

		row[0] = '\0';
		picker_col(row, sizeof(row), cd_hall_time(due, tm), 17);
		picker_col(row, sizeof(row), step_label(f->state), 9);
		picker_col(row, sizeof(row), f->overdue ? _("overdue") : "", 8);
		picker_col(row, sizeof(row), cd_rating_level_label(f->level), 11);
		snprintf(buf, sizeof(buf), "%d/%s", f->window_no, f->number);
		picker_col(row, sizeof(row), buf, 9);
		picker_col(row, sizeof(row), f->served_by_name ? f->served_by_name : f->served_by, 9);
		picker_col(row, sizeof(row), f->reason ? f->reason : "", 60);
		picker_add(&s->list, row, NULL, f->appeal[0] && strcmp(f->appeal, "rejected") != 0);
		if (f->rating_id == keep_id)
			keep = (long)i;
	}
	picker_refresh(&s->list);
	if (keep >= 0)
		picker_select(&s->list, (size_t)keep);
}

static const struct cd_rating_followup *selected(const struct followups_state *s)
{
	long r = picker_selected(&s->list);

	return r >= 0 && (size_t)r < s->n ? &s->v[r] : NULL;
}

static void followups_draw(struct tui *t, void *st, WINDOW *w)
{
	struct followups_state *s = st;
	const struct cd_rating_followup *f = selected(s);
	int h = getmaxy(w), wd = getmaxx(w), rows = h - 10;
	char head[512] = "", line[768], a[20], b[20], c[20];
	size_t overdue = 0;

	for (size_t i = 0; i < s->n; i++)
		overdue += s->v[i].overdue;
	snprintf(line, sizeof(line), _("Bad ratings to follow up: %zu open, %zu overdue"), s->n, overdue);
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_text(w, 0, 1, wd - 2, line);
	wattrset(w, draw_attr(ROLE_DIM));
	picker_col(head, sizeof(head), _("Due"), 17);
	picker_col(head, sizeof(head), _("Step"), 9);
	picker_col(head, sizeof(head), "", 8);
	picker_col(head, sizeof(head), _("Rating"), 11);
	picker_col(head, sizeof(head), _("Ticket"), 9);
	picker_col(head, sizeof(head), _("Served by"), 9);
	picker_col(head, sizeof(head), _("Reason"), 60);
	draw_text(w, 2, 2, wd - 3, head);
	wattrset(w, A_NORMAL);
	picker_draw(&s->list, t, w, 3, 1, rows, wd - 2, NULL, _("No bad rating is waiting for a follow-up."), false);
	if (f) {
		int y = 3 + rows + 1;
		snprintf(line, sizeof(line), _("Rated %s; call back by %s, rectify by %s%s"), cd_hall_time(f->rated_at, a),
			 cd_hall_time(f->callback_due, b), cd_hall_time(f->rectify_due, c),
			 !strcmp(f->due_basis, "weekdays") ? _(" (Monday to Friday: no calendar for the year)") : "");
		draw_text(w, y++, 2, wd - 4, line);
		if (f->reason) {
			snprintf(line, sizeof(line), _("Reason: %s"), f->reason);
			draw_text(w, y++, 2, wd - 4, line);
		}
		if (f->callback_note) {
			snprintf(line, sizeof(line), _("Called back: %s"), f->callback_note);
			draw_text(w, y++, 2, wd - 4, line);
		}
		if (f->cases[0]) {
			snprintf(line, sizeof(line), _("Cases of the visit: %s"), f->cases);
			draw_text(w, y++, 2, wd - 4, line);
		}
		if (f->appeal[0]) {
			snprintf(line, sizeof(line), _("Appeal: %s"), f->appeal);
			draw_text(w, y++, 2, wd - 4, line);
		}
	}
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, h - 1, 1, wd - 2, _("Enter: record the step due (call back, then rectification)   Esc: back"));
	wattrset(w, A_NORMAL);
	if (s->noting) {
		int bw = 66, bh = 8, by = (h - bh) / 2, bx = (wd - bw) / 2, cur;
		const struct cd_rating_followup *g = NULL;

		for (size_t i = 0; i < s->n; i++)
			if (s->v[i].rating_id == s->id)
				g = &s->v[i];
		draw_box(w, by, bx, bh, bw, g && !strcmp(g->state, "callback") ? _("Record the call back")
									       : _("Record the rectification"));
		draw_text(w, by + 2, bx + 3, bw - 6, _("What was done:"));
		cur = field_draw(&s->note, w, by + 3, bx + 3, bw - 6, true);
		tui_cursor(t, by + 3, bx + 3 + cur);
		wattrset(w, draw_attr(ROLE_DIM));
		draw_text(w, by + 5, bx + 3, bw - 6, _("Enter: record   Esc: cancel"));
		wattrset(w, A_NORMAL);
	}
}

static void record(struct tui *t, struct followups_state *s)
{
	const struct cd_rating_followup *f = NULL;
	char note[4096];
	struct cd_error err;
	bool callback;

	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].rating_id == s->id)
			f = &s->v[i];
	if (!f) {
		s->noting = false;
		return;
	}
	if (!field_get(&s->note, note, sizeof(note)) || !note[0]) {
		tui_message(t, MSG_ERROR, "%s", _("Write what was done."));
		return;
	}
	callback = !strcmp(f->state, "callback");
	cd_error_clear(&err);
	if ((callback ? cd_rating_callback : cd_rating_rectify)(hall_db(t), s->id, note, &err) < 0) {
		hall_fail(t, _("Not recorded"), &err);
		return;
	}
	tui_message(t, MSG_OK, "%s", callback ? _("Call back recorded; the rectification is next.")
					      : _("Rectification recorded; the follow-up is closed."));
	s->noting = false;
	load(t, s);
}

static enum screen_result followups_key(struct tui *t, void *st, enum action a, const struct key *k)
{
	struct followups_state *s = st;
	const struct cd_rating_followup *f;

	if (s->noting) {
		if (a == ACT_BACK)
			s->noting = false;
		else if (a == ACT_SUBMIT)
			record(t, s);
		else if (!field_key(&s->note, a, k))
			return SCR_PASS;
		return SCR_DONE;
	}
	switch (a) {
	case ACT_BACK:
		tui_pop(t);
		return SCR_DONE;
	case ACT_SUBMIT:
		f = selected(s);
		if (f) {
			s->id = f->rating_id;
			field_clear(&s->note);
			s->noting = true;
		}
		return SCR_DONE;
	default:
		return picker_key(&s->list, a, k) ? SCR_DONE : SCR_PASS;
	}
}

static void followups_enter(struct tui *t, void *st, const void *arg)
{
	struct followups_state *s = st;

	(void)arg;
	picker_init(&s->list, false);
	field_init(&s->note, 1000, 0);
	hall_watch_start(t, &s->watch);
	load(t, s);
}

static bool followups_tick(struct tui *t, void *st)
{
	struct followups_state *s = st;
	struct hall_event ev;
	bool reload = false;

	while (hall_watch_next(t, &s->watch, &ev))
		if (!ev.event[0] || !strcmp(ev.event, "bad_rating") || !strcmp(ev.event, "appeal"))
			reload = true;
	if (reload)
		load(t, s);
	return reload;
}

static void followups_leave(struct tui *t, void *st)
{
	struct followups_state *s = st;

	(void)t;
	picker_free(&s->list);
	field_free(&s->note);
	cd_rating_followups_free(&s->v, s->n);
}

static bool followups_text_focus(const void *st)
{
	const struct followups_state *s = st;

	return s->noting;
}

static const enum action followups_keys[] = { ACT_UP, ACT_DOWN, ACT_SUBMIT, ACT_BACK, ACT_NONE };

static const struct hint followups_hints[] = {
	{ ACT_SUBMIT, N_("Record") },
	{ ACT_NONE, NULL },
};

const struct screen_ops followups_screen = {
	.name = N_("Rating follow-ups"),
	.state_size = sizeof(struct followups_state),
	.keys = followups_keys,
	.hints = followups_hints,
	.help_extra = N_("A bad rating is called back within the working days of hall.ini, then rectified; dimmed rows are under appeal. New bad ratings appear without a key."),
	.enter = followups_enter,
	.draw = followups_draw,
	.key = followups_key,
	.tick = followups_tick,
	.leave = followups_leave,
	.text_focus = followups_text_focus,
};
