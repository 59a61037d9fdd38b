/* The lists behind the dashboard's figures: the tickets waiting in a
 * category, a window's tickets of today, the home visits still open. Read
 * when opened and again on the hall's notifications (at most once a
 * second); Esc goes back to the dashboard. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dash_ui.h"
#include "draw.h"
#include "hall_ui.h"
#include "i18n.h"
#include "picker.h"
#include "util.h"

#define READ_EVERY 1.0

struct dl_state {
	struct dash_list_arg arg;
	struct hall_watch watch;
	struct picker list;
	size_t n;
	bool due;
	double last_read;
	char title[160];
};

static void load_tickets(struct tui *t, struct dl_state *s)
{
	struct cd_ticket *v = NULL;
	size_t n = 0;
	struct cd_error err;
	char row[512], a[20], b[16];
	time_t now = time(NULL);

	cd_error_clear(&err);
	if (cd_ticket_list(hall_db(t), s->arg.kind == DL_WAITING, &v, &n, &err) < 0) {
		hall_fail(t, _("The tickets could not be read"), &err);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct cd_ticket *k = &v[i];

		if (s->arg.category[0] && strcmp(k->category, s->arg.category) != 0)
			continue;
		if (s->arg.window && k->window_no != s->arg.window)
			continue;
		row[0] = '\0';
		picker_col(row, sizeof(row), k->number, 7);
		picker_col(row, sizeof(row), k->category_name, 12);
		picker_col(row, sizeof(row), k->status, 9);
		picker_col(row, sizeof(row), cd_hall_time(k->issued_at, a), 7);
		picker_col(row, sizeof(row),
			   cd_hall_duration(k->wait_seconds >= 0 ? k->wait_seconds : (int)(now - k->arrived_at), b), 9);
		snprintf(a, sizeof(a), "%d", k->window_no);
		picker_col(row, sizeof(row), k->window_no ? a : "", 5);
		picker_col(row, sizeof(row), k->called_by, 12);
		picker_col(row, sizeof(row), k->green ? _("green") : "", 8);
		picker_add(&s->list, row, NULL, false);
		s->n++;
	}
	free(v);
}

static void load_green(struct tui *t, struct dl_state *s)
{
	struct cd_green_followup *v = NULL;
	size_t n = 0;
	struct cd_error err;
	char row[512];

	cd_error_clear(&err);
	if (cd_green_followups(hall_db(t), true, &v, &n, &err) < 0) {
		hall_fail(t, _("The home visits could not be read"), &err);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		row[0] = '\0';
		picker_col(row, sizeof(row), v[i].visit_date, 11);
		picker_col(row, sizeof(row), v[i].overdue ? _("overdue") : "", 8);
		picker_col(row, sizeof(row), v[i].helper_name ? v[i].helper_name : v[i].helper, 10);
		picker_col(row, sizeof(row), v[i].visitor_name ? v[i].visitor_name : "", 10);
		picker_col(row, sizeof(row), v[i].age_band, 6);
		picker_col(row, sizeof(row), v[i].note ? v[i].note : "", 40);
		picker_add(&s->list, row, NULL, false);
		s->n++;
	}
	cd_green_followups_free(&v, n);
}

static void load(struct tui *t, struct dl_state *s)
{
	long keep = picker_selected(&s->list);

	s->last_read = tui_now();
	s->due = false;
	picker_clear(&s->list);
	s->n = 0;
	switch (s->arg.kind) {
	case DL_WAITING:
	case DL_TODAY:
		load_tickets(t, s);
		break;
	case DL_GREEN:
		load_green(t, s);
		break;
	default:
		break;
	}
	picker_refresh(&s->list);
	if (keep >= 0 && (size_t)keep < s->n)
		picker_select(&s->list, (size_t)keep);
}

static void dl_draw(struct tui *t, void *st, WINDOW *w)
{
	struct dl_state *s = st;
	int h = getmaxy(w), wd = getmaxx(w);
	char line[256];

	snprintf(line, sizeof(line), "%s: %zu", s->title, s->n);
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_text(w, 0, 1, wd - 2, line);
	wattrset(w, A_NORMAL);
	picker_draw(&s->list, t, w, 2, 1, h - 3, wd - 2, NULL, _("Nothing in this list now."), false);
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, h - 1, 1, wd - 2, _("Esc: back to the dashboard"));
	wattrset(w, A_NORMAL);
}

static enum screen_result dl_key(struct tui *t, void *st, enum action a, const struct key *k)
{
	struct dl_state *s = st;

	if (a == ACT_BACK) {
		tui_pop(t);
		return SCR_DONE;
	}
	return picker_key(&s->list, a, k) ? SCR_DONE : SCR_PASS;
}

static void dl_enter(struct tui *t, void *st, const void *arg)
{
	struct dl_state *s = st;

	if (arg)
		s->arg = *(const struct dash_list_arg *)arg;
	picker_init(&s->list, false);
	switch (s->arg.kind) {
	case DL_WAITING:
		if (s->arg.category[0])
			snprintf(s->title, sizeof(s->title), _("Waiting in category %s"), s->arg.category);
		else
			snprintf(s->title, sizeof(s->title), "%s", _("Waiting"));
		break;
	case DL_TODAY:
		snprintf(s->title, sizeof(s->title), _("Tickets of window %d today"), s->arg.window);
		break;
	case DL_GREEN:
		snprintf(s->title, sizeof(s->title), "%s", _("Home visits still open"));
		break;
	default:
		snprintf(s->title, sizeof(s->title), "%s", "");
		break;
	}
	hall_watch_start(t, &s->watch);
	load(t, s);
}

static bool dl_tick(struct tui *t, void *st)
{
	struct dl_state *s = st;
	struct hall_event ev;

	while (hall_watch_next(t, &s->watch, &ev))
		s->due = true;
	if (s->due && tui_now() - s->last_read >= READ_EVERY) {
		load(t, s);
		return true;
	}
	return false;
}

static void dl_leave(struct tui *t, void *st)
{
	struct dl_state *s = st;

	(void)t;
	picker_free(&s->list);
}

static const enum action dl_keys[] = { ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_BACK, ACT_NONE };

static const struct hint dl_hints[] = {
	{ ACT_BACK, NULL },
	{ ACT_NONE, NULL },
};

const struct screen_ops dash_list_screen = {
	.name = N_("Behind the figure"),
	.state_size = sizeof(struct dl_state),
	.keys = dl_keys,
	.hints = dl_hints,
	.enter = dl_enter,
	.draw = dl_draw,
	.key = dl_key,
	.tick = dl_tick,
	.leave = dl_leave,
};
