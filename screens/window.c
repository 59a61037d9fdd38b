/* The clerk's window (叫号): the state of the window, the ticket called and
 * the waiting counts of the categories the window serves, with the keys of
 * the counter: call next, recall, no-show, transfer, pause, finish, call a
 * ticket by number with a reason. Every change goes through the core
 * (hall.h); the database decides who is called.
 *
 * The counts follow the hall's notifications, never a timer: the tick reads
 * the board (api.hall_windows, api.hall_queue: two statements) only when a
 * notification came, and the screen is drawn again only when what it shows
 * changed; the minutes that grow on screen are computed from the time of
 * that read.
 *
 * The case accepted for the visitor: 'a' opens a new application and notes
 * the newest cases first; back on this screen, a case that this clerk
 * accepted at this window since then is linked to the ticket
 * (cd_window_link_case), so the case knows its visits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "draw.h"
#include "hall_ui.h"
#include "i18n.h"
#include "intake.h"
#include "picker.h"
#include "screen.h"
#include "session.h"
#include "util.h"

#define MAX_CATS 26
#define BOARD_EVERY 1.0   /* seconds between two reads of the board on notifications */
#define LINK_LOOKBACK 30 /* newest cases compared before and after the application */

enum mode { M_MAIN, M_TRANSFER, M_NUMBER, M_NOSHOW };

struct cat {
	char code[2];
	char name[CD_HALL_NAME_MAX * 4 + 1];
};

struct win {
	int no;
	char cats[27];
};

struct window_state {
	int window; /* 0: the staff member sits at no window */
	struct hall_watch watch;

	/* the configuration in force */
	bool config_ok;
	int recall_limit;
	char green;
	struct cat cats[MAX_CATS];
	size_t ncats;
	struct win *wins;
	size_t nwins;

	/* the board, as last read */
	bool board_ok;
	struct cd_window_state me;
	struct cd_queue_stat *queue;
	size_t nqueue;
	time_t read_at;
	double read_mono;  /* tui_now() of that read */
	bool board_due;    /* a notification asked for a read not yet made */

	/* the ticket called here, with what the call told */
	struct cd_ticket cur;
	bool have_cur;
	char last_done[16];

	/* linking the case accepted for the visitor */
	char **before;
	size_t nbefore;
	bool link_pending;
	char linked[256];
	bool covered;

	/* dialogs */
	enum mode mode;
	struct picker pick;
	bool pick_init;
	struct field reason;
	bool on_reason;
	int *targets; /* transfer: > 0 a window, < 0 minus a category letter */
	char (*numbers)[16];
	size_t ntargets;

	char drawn[1024]; /* signature of what was drawn last */
};

static const char *cat_name(const struct window_state *s, const char *code)
{
	for (size_t i = 0; i < s->ncats; i++)
		if (!strcmp(s->cats[i].code, code))
			return s->cats[i].name;
	return "";
}

/* ---- reading ---- */

static void load_config(struct tui *t, struct window_state *s)
{
	struct cd_error err;
	char *text = NULL;
	json_t *o, *v, *e;
	size_t i;

	cd_error_clear(&err);
	s->config_ok = false;
	free(s->wins);
	s->wins = NULL;
	s->nwins = s->ncats = 0;
	if (cd_hall_config_fetch(hall_db(t), &text, &err) < 0) {
		hall_fail(t, _("The hall's configuration could not be read"), &err);
		return;
	}
	o = text ? json_loads(text, 0, NULL) : NULL;
	free(text);
	if (!o) {
		tui_message(t, MSG_ERROR, "%s", _("The hall is not configured yet: an administrator loads it (counterdesk hall load)."));
		return;
	}
	v = json_object_get(json_object_get(o, "rules"), "recall_limit");
	s->recall_limit = json_is_integer(v) ? (int)json_integer_value(v) : 0;
	v = json_object_get(json_object_get(o, "rules"), "green_category");
	s->green = json_is_string(v) ? json_string_value(v)[0] : 'G';
	json_array_foreach(json_object_get(o, "categories"), i, e) {
		const char *code = json_string_value(json_object_get(e, "code"));
		const char *name = json_string_value(json_object_get(e, "name"));

		if (!code || s->ncats >= MAX_CATS)
			continue;
		snprintf(s->cats[s->ncats].code, sizeof(s->cats[0].code), "%s", code);
		snprintf(s->cats[s->ncats].name, sizeof(s->cats[0].name), "%s", name ? name : "");
		s->ncats++;
	}
	v = json_object_get(o, "windows");
	s->wins = xcalloc(json_array_size(v) + 1, sizeof(*s->wins));
	json_array_foreach(v, i, e) {
		struct win *w = &s->wins[s->nwins];
		json_t *c;
		size_t j, k = 0;

		w->no = (int)json_integer_value(json_object_get(e, "window"));
		json_array_foreach(json_object_get(e, "categories"), j, c) {
			const char *code = json_string_value(c);
			if (code && k + 1 < sizeof(w->cats))
				w->cats[k++] = code[0];
		}
		w->cats[k] = '\0';
		s->nwins++;
	}
	json_decref(o);
	s->config_ok = true;
}

/* The details of the ticket called here when this screen did not call it
 * (another terminal, the command line, before the screen was opened). */
static void load_current(struct tui *t, struct window_state *s)
{
	struct cd_ticket *v = NULL;
	size_t n = 0;
	struct cd_error err;

	memset(&s->cur, 0, sizeof(s->cur));
	snprintf(s->cur.number, sizeof(s->cur.number), "%s", s->me.number);
	snprintf(s->cur.category, sizeof(s->cur.category), "%s", s->me.category);
	snprintf(s->cur.category_name, sizeof(s->cur.category_name), "%s", cat_name(s, s->me.category));
	s->cur.green = s->me.green;
	s->cur.called_at = s->me.called_at;
	s->cur.recalls = s->me.recalls;
	s->cur.wait_seconds = -1;
	s->have_cur = true;
	cd_error_clear(&err);
	if (cd_ticket_list(hall_db(t), false, &v, &n, &err) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(v[i].number, s->me.number) && !strcmp(v[i].status, "called") &&
		    v[i].window_no == s->window) {
			s->cur = v[i];
			s->cur.rule[0] = '\0';
			break;
		}
	}
	free(v);
}

static void load_board(struct tui *t, struct window_state *s)
{
	struct cd_window_state *ws = NULL;
	size_t n = 0;
	struct cd_error err;
	bool found = false;

	s->read_mono = tui_now();
	s->board_due = false;
	cd_error_clear(&err);
	if (cd_hall_windows(hall_db(t), &ws, &n, &err) < 0) {
		s->board_ok = false;
		hall_fail(t, _("The windows could not be read"), &err);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (ws[i].window_no == s->window) {
			s->me = ws[i];
			found = true;
		}
	}
	free(ws);
	free(s->queue);
	s->queue = NULL;
	s->nqueue = 0;
	if (cd_hall_queue(hall_db(t), &s->queue, &s->nqueue, &err) < 0) {
		s->board_ok = false;
		hall_fail(t, _("The queue could not be read"), &err);
		return;
	}
	s->read_at = time(NULL);
	s->board_ok = found;
	if (!found) {
		memset(&s->me, 0, sizeof(s->me));
		s->have_cur = false;
		return;
	}
	if (!s->me.number[0])
		s->have_cur = false;
	else if (!s->have_cur || strcmp(s->cur.number, s->me.number) != 0)
		load_current(t, s);
	else
		s->cur.recalls = s->me.recalls;
}

/* ---- what is shown ---- */

static int minutes_since(time_t then, time_t now)
{
	return then > 0 && now > then ? (int)((now - then) / 60) : 0;
}

/* The queue rows of the categories this window serves. For the green
 * category the count is every green ticket, whatever its own category:
 * the green window calls them all. */
struct shown_row {
	char label[CD_HALL_NAME_MAX * 4 + 8];
	int waiting, green, appointments, longest; /* longest in minutes, -1 none */
};

static size_t shown_rows(const struct window_state *s, struct shown_row *rows, size_t max, time_t now)
{
	size_t n = 0;
	int grown = s->read_at > 0 && now > s->read_at ? (int)(now - s->read_at) : 0;

	for (const char *c = s->me.categories; *c && n < max; c++) {
		struct shown_row *r = &rows[n];
		char code[2] = { *c, '\0' };

		memset(r, 0, sizeof(*r));
		hall_category_label(r->label, sizeof(r->label), code, cat_name(s, code));
		r->longest = -1;
		for (size_t i = 0; i < s->nqueue; i++) {
			const struct cd_queue_stat *q = &s->queue[i];
			if (*c == s->green) {
				r->waiting += q->green;
				r->green += q->green;
				if (q->category[0] == *c && q->longest_wait_seconds >= 0)
					r->longest = (q->longest_wait_seconds + grown) / 60;
			} else if (q->category[0] == *c) {
				r->waiting = q->waiting;
				r->green = q->green;
				r->appointments = q->appointments;
				if (q->longest_wait_seconds >= 0)
					r->longest = (q->longest_wait_seconds + grown) / 60;
			}
		}
		n++;
	}
	return n;
}

/* Everything the main view shows, as one string: the tick redraws only
 * when it differs from what was drawn. */
static void signature(const struct window_state *s, char *buf, size_t len)
{
	struct shown_row rows[MAX_CATS];
	time_t now = time(NULL);
	size_t n = shown_rows(s, rows, MAX_CATS, now);
	size_t used;

	used = (size_t)snprintf(buf, len, "%d|%d|%d|%s|%d|%d|%d|%s|%d|%s|%s|", s->board_ok, s->config_ok,
				s->me.paused, s->me.number, s->me.recalls, s->me.served_today,
				s->me.waiting, s->have_cur ? s->cur.number : "",
				s->have_cur ? minutes_since(s->cur.called_at, now) : -1, s->linked,
				s->last_done);
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%d,%d,%d,%d;", rows[i].waiting,
					 rows[i].green, rows[i].appointments, rows[i].longest);
}

static const char *rule_label(const char *rule)
{
	static const struct {
		const char *rule, *label;
	} rules[] = {
		{ "green", N_("green channel first") },
		{ "appointment", N_("checked-in appointment") },
		{ "arrival", N_("order of arrival") },
		{ "fairness", N_("fairness: an ordinary visitor waited too long") },
		{ "transfer", N_("transferred to this window") },
		{ "out_of_order", N_("out of order") },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
		if (!strcmp(rules[i].rule, rule))
			return _(rules[i].label);
	return rule;
}

static void draw_ticket_box(struct window_state *s, WINDOW *w, int y, int x, int wd)
{
	char line[512], a[24], b[24];
	time_t now = time(NULL);
	int tx, tw, row = y + 1;
	const struct cd_ticket *c = &s->cur;

	draw_box(w, y, x, BIG_ROWS + 2, wd, _("Ticket at the window"));
	if (!s->have_cur) {
		wattrset(w, draw_attr(ROLE_DIM));
		if (s->me.paused)
			draw_center(w, y + 3, _("The window is paused: F9 opens it again."));
		else
			draw_center(w, y + 3, _("No ticket called. F2 calls the next visitor."));
		wattrset(w, A_NORMAL);
		return;
	}
	if (c->green)
		wattrset(w, draw_attr(ROLE_OK));
	big_draw(w, y + 1, x + 3, c->number);
	wattrset(w, A_NORMAL);
	tx = x + 3 + big_width(c->number) + 4;
	if (tx < x + 30)
		tx = x + 30;
	tw = x + wd - 2 - tx;

	wattrset(w, draw_attr(ROLE_HEADING));
	snprintf(line, sizeof(line), "%s%s%s", c->number, c->green ? draw_dot() : "",
		 c->green ? _("green channel") : "");
	draw_text(w, row++, tx, tw, line);
	wattrset(w, A_NORMAL);
	hall_category_label(a, sizeof(a), c->category, "");
	snprintf(line, sizeof(line), _("Category: %s"), c->category_name[0] ? c->category_name : a);
	if (c->carried) {
		size_t u = strlen(line);
		snprintf(line + u, sizeof(line) - u, "%s%s", draw_dot(), _("carried from an earlier day"));
	}
	draw_text(w, row++, tx, tw, line);
	if (c->wait_seconds >= 0)
		snprintf(line, sizeof(line), ngettext("Waited %d minute", "Waited %d minutes", c->wait_seconds / 60),
			 c->wait_seconds / 60);
	else
		snprintf(line, sizeof(line), "%s", _("Waited: not known"));
	draw_text(w, row++, tx, tw, line);
	snprintf(line, sizeof(line), _("Called at %s, serving for %d min"), cd_hall_time(c->called_at, b),
		 minutes_since(c->called_at, now));
	draw_text(w, row++, tx, tw, line);
	if (s->recall_limit > 0) {
		int left = s->recall_limit - c->recalls;
		snprintf(line, sizeof(line), _("Recalled %d of %d times"), c->recalls, s->recall_limit);
		if (left <= 0) {
			wattrset(w, draw_attr(ROLE_ERROR));
			size_t u = strlen(line);
			snprintf(line + u, sizeof(line) - u, "%s%s", draw_dot(), _("no recall left"));
		}
		draw_text(w, row++, tx, tw, line);
		wattrset(w, A_NORMAL);
	}
}

static void key_line(struct window_state *s, WINDOW *w, int y, int x, int wd, int rows)
{
	struct piece {
		enum action act;
		char label[96];
		bool on;
	} p[9];
	int n = 0, cx = x, row = 0;
	bool cur = s->have_cur;
	char key[32];

#define PIECE(a, on_, ...) do { p[n].act = a; p[n].on = (on_); snprintf(p[n].label, sizeof(p[n].label), __VA_ARGS__); n++; } while (0)
	PIECE(ACT_CALL_NEXT, !cur && !s->me.paused, "%s", action_hint(ACT_CALL_NEXT));
	if (cur && s->recall_limit > 0)
		PIECE(ACT_RECALL, s->cur.recalls < s->recall_limit, _("Recall (%d left)"),
		      s->recall_limit - s->cur.recalls > 0 ? s->recall_limit - s->cur.recalls : 0);
	else
		PIECE(ACT_RECALL, false, "%s", action_hint(ACT_RECALL));
	PIECE(ACT_NO_SHOW, cur, "%s", action_hint(ACT_NO_SHOW));
	PIECE(ACT_FINISH, cur, "%s", action_hint(ACT_FINISH));
	PIECE(ACT_PAUSE, !cur, "%s", s->me.paused ? _("Resume") : action_hint(ACT_PAUSE));
	PIECE(ACT_TRANSFER, cur, "%s", action_hint(ACT_TRANSFER));
	PIECE(ACT_CALL_NUMBER, !cur && !s->me.paused, "%s", action_hint(ACT_CALL_NUMBER));
	PIECE(ACT_APPLY, true, "%s", action_hint(ACT_APPLY));
	PIECE(ACT_GREEN, true, "%s", action_hint(ACT_GREEN));
#undef PIECE
	for (int i = 0; i < n; i++) {
		int need;

		keys_first(p[i].act, key, sizeof(key));
		need = draw_width(key) + 1 + draw_width(p[i].label) + 2;
		if (cx + need > x + wd && cx > x) {
			if (++row >= rows)
				return;
			cx = x;
		}
		wattrset(w, p[i].on ? draw_attr(ROLE_KEY) : draw_attr(ROLE_DIM));
		cx += draw_text(w, y + row, cx, x + wd - cx, key);
		cx += draw_text(w, y + row, cx, x + wd - cx, " ");
		wattrset(w, p[i].on ? A_NORMAL : draw_attr(ROLE_DIM));
		cx += draw_text(w, y + row, cx, x + wd - cx, p[i].label);
		cx += 2;
		wattrset(w, A_NORMAL);
	}
}

static void draw_queue(struct window_state *s, WINDOW *w, int y, int x, int wd, int rows)
{
	struct shown_row v[MAX_CATS];
	size_t n = shown_rows(s, v, MAX_CATS, time(NULL));
	char line[512] = "", num[32];

	if (rows < 2)
		return;
	wattrset(w, draw_attr(ROLE_HEADING));
	picker_col(line, sizeof(line), _("Waiting, by category served"), 30);
	picker_col(line, sizeof(line), _("Waiting"), 9);
	picker_col(line, sizeof(line), _("Green"), 9);
	picker_col(line, sizeof(line), _("Appt."), 9);
	picker_col(line, sizeof(line), _("Longest wait"), 16);
	draw_text(w, y, x, wd, line);
	wattrset(w, A_NORMAL);
	for (size_t i = 0; i < n && (int)i + 1 < rows; i++) {
		line[0] = '\0';
		picker_col(line, sizeof(line), v[i].label, 30);
		snprintf(num, sizeof(num), "%d", v[i].waiting);
		picker_col(line, sizeof(line), num, 9);
		snprintf(num, sizeof(num), "%d", v[i].green);
		picker_col(line, sizeof(line), num, 9);
		snprintf(num, sizeof(num), "%d", v[i].appointments);
		picker_col(line, sizeof(line), num, 9);
		if (v[i].longest >= 0)
			snprintf(num, sizeof(num), ngettext("%d minute", "%d minutes", v[i].longest), v[i].longest);
		else
			snprintf(num, sizeof(num), "-");
		picker_col(line, sizeof(line), num, 16);
		draw_text(w, y + 1 + (int)i, x, wd, line);
	}
}

static void draw_transfer(struct tui *t, struct window_state *s, WINDOW *w)
{
	int h = getmaxy(w), wd = getmaxx(w), bw = 56, bh = h - 4 < 16 ? h - 4 : 16;
	int by = (h - bh) / 2, bx = (wd - bw) / 2;
	char title[96];

	snprintf(title, sizeof(title), _("Transfer %s to"), s->cur.number);
	draw_box(w, by, bx, bh, bw, title);
	picker_draw(&s->pick, t, w, by + 1, bx + 2, bh - 4, bw - 4, NULL, _("Nowhere to transfer to."), false);
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, by + bh - 2, bx + 3, bw - 6, _("Enter: transfer   Esc: cancel"));
	wattrset(w, A_NORMAL);
}

static void draw_number(struct tui *t, struct window_state *s, WINDOW *w)
{
	int h = getmaxy(w), wd = getmaxx(w), bw = 66, bh = h - 2 < 19 ? h - 2 : 19;
	int by = (h - bh) / 2, bx = (wd - bw) / 2, lw, cur;
	char head[256] = "";

	draw_box(w, by, bx, bh, bw, _("Call a ticket out of order"));
	picker_col(head, sizeof(head), _("Number"), 8);
	picker_col(head, sizeof(head), _("Category"), 20);
	picker_col(head, sizeof(head), _("Waiting since"), 16);
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_text(w, by + 2, bx + 3, bw - 6, head);
	wattrset(w, A_NORMAL);
	/* The filter line is the number; the list under it is what waits. */
	picker_draw(&s->pick, t, w, by + 1, bx + 2, bh - 6, bw - 4, _("Number"),
		    _("No ticket this window may call is waiting."), !s->on_reason);
	lw = draw_text(w, by + bh - 3, bx + 3, bw / 2, _("Reason")) + 1;
	cur = field_draw(&s->reason, w, by + bh - 3, bx + 3 + lw, bw - 6 - lw, s->on_reason);
	if (s->on_reason)
		tui_cursor(t, by + bh - 3, bx + 3 + lw + cur);
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, by + bh - 2, bx + 3, bw - 6, _("Tab: number or reason   Enter: call   Esc: cancel"));
	wattrset(w, A_NORMAL);
}

static void window_draw(struct tui *t, void *st, WINDOW *w)
{
	struct window_state *s = st;
	int h = getmaxy(w), wd = getmaxx(w), y = 0;
	char line[512], served[64], cats[160] = "";

	signature(s, s->drawn, sizeof(s->drawn));
	if (!s->window) {
		wattrset(w, draw_attr(ROLE_HEADING));
		draw_wrap(w, 2, 2, wd - 4, 3,
			  _("You are not at a window. Log in again with the number of your window to call tickets."), true);
		wattrset(w, A_NORMAL);
		return;
	}
	for (const char *c = s->me.categories; *c; c++) {
		char code[2] = { *c, '\0' };
		size_t u = strlen(cats);
		snprintf(cats + u, sizeof(cats) - u, "%s%s %s", c == s->me.categories ? "" : (i18n_is_chinese() ? "、" : ", "),
			 code, cat_name(s, code));
	}
	snprintf(line, sizeof(line), _("Window %d"), s->window);
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_text(w, y, 1, 12, line);
	wattrset(w, A_NORMAL);
	snprintf(line, sizeof(line), _("serves %s"), cats);
	draw_text(w, y, 13, wd - 30, line);
	{
		const char *state = !s->board_ok ? _("unknown") : s->me.paused ? _("Paused")
			: s->have_cur ? _("Serving") : _("Free");
		int sw = draw_width(state);
		wattrset(w, s->me.paused ? draw_attr(ROLE_ERROR) : draw_attr(ROLE_HEADING));
		draw_text(w, y, wd - sw - 2, sw, state);
		wattrset(w, A_NORMAL);
	}
	y++;
	snprintf(served, sizeof(served), ngettext("%d served today", "%d served today", s->me.served_today),
		 s->me.served_today);
	snprintf(line, sizeof(line), ngettext("%d waiting for this window", "%d waiting for this window",
					      s->me.waiting), s->me.waiting);
	if (s->me.waiting > 0)
		wattrset(w, draw_attr(ROLE_HEADING));
	draw_text(w, y, 1, wd / 2, line);
	wattrset(w, A_NORMAL);
	draw_text(w, y, wd / 2, wd / 2 - 1, served);
	y += 1;
	draw_ticket_box(s, w, y, 1, wd - 2);
	y += BIG_ROWS + 2;
	/* Why this ticket, and what the visit led to. */
	line[0] = '\0';
	if (s->have_cur && s->cur.reason[0])
		snprintf(line, sizeof(line), _("Called out of order: %s"), s->cur.reason);
	else if (s->have_cur && s->cur.rule[0])
		snprintf(line, sizeof(line), _("Called by the rule: %s"), rule_label(s->cur.rule));
	if (s->have_cur && s->linked[0]) {
		size_t u = strlen(line);
		snprintf(line + u, sizeof(line) - u, "%s", u ? draw_dot() : "");
		u = strlen(line);
		snprintf(line + u, sizeof(line) - u, _("Cases: %s"), s->linked);
	}
	if (!s->have_cur && s->last_done[0])
		snprintf(line, sizeof(line), _("Last finished here: %s (the rating pad asks the visitor)"), s->last_done);
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, y, 2, wd - 4, line);
	wattrset(w, A_NORMAL);
	y += 2;
	draw_queue(s, w, y, 2, wd - 4, h - 3 - y);
	key_line(s, w, h - 2, 1, wd - 2, 2);

	if (s->mode == M_TRANSFER)
		draw_transfer(t, s, w);
	else if (s->mode == M_NUMBER)
		draw_number(t, s, w);
	else if (s->mode == M_NOSHOW) {
		snprintf(line, sizeof(line), _("Mark %s as a no-show? The visitor loses the place in the queue."),
			 s->cur.number);
		ask_draw(w, _("No-show"), line, _("y: no-show     n or Esc: keep the ticket"));
	}
}

/* ---- linking the case accepted during the service ---- */

static void free_before(struct window_state *s)
{
	for (size_t i = 0; i < s->nbefore; i++)
		free(s->before[i]);
	free(s->before);
	s->before = NULL;
	s->nbefore = 0;
}

static bool seen_before(const struct window_state *s, const char *case_no)
{
	for (size_t i = 0; i < s->nbefore; i++)
		if (!strcmp(s->before[i], case_no))
			return true;
	return false;
}

/* Notes the newest cases before the application opens. */
static void snapshot_cases(struct tui *t, struct window_state *s)
{
	struct cd_case *v = NULL;
	size_t n = 0;
	struct cd_error err;

	free_before(s);
	s->link_pending = false;
	cd_error_clear(&err);
	if (cd_case_list(hall_db(t), NULL, LINK_LOOKBACK, false, &v, &n, &err) < 0) {
		hall_fail(t, _("The case will not be linked to the ticket"), &err);
		return;
	}
	s->before = xcalloc(n + 1, sizeof(*s->before));
	for (size_t i = 0; i < n; i++)
		s->before[s->nbefore++] = xstrdup(v[i].case_no ? v[i].case_no : "");
	cd_cases_free(&v, n);
	s->link_pending = true;
}

/* Links to the ticket called the cases this clerk accepted at this window
 * since the snapshot. */
static void link_cases(struct tui *t, struct window_state *s)
{
	const struct cd_identity *who = tui_who(t);
	struct cd_case *v = NULL;
	size_t n = 0;
	struct cd_error err;
	char number[16], done[256] = "";

	if (!s->link_pending || !who)
		return;
	s->link_pending = false;
	cd_error_clear(&err);
	if (cd_case_list(hall_db(t), NULL, LINK_LOOKBACK, false, &v, &n, &err) < 0) {
		hall_fail(t, _("The case could not be linked to the ticket"), &err);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct cd_case c;
		bool mine;

		if (!v[i].case_no || seen_before(s, v[i].case_no))
			continue;
		memset(&c, 0, sizeof(c));
		if (cd_case_get(hall_db(t), v[i].case_no, &c, &err) < 0)
			continue;
		mine = c.accepted_by && !strcmp(c.accepted_by, who->login) && c.window_no == s->window;
		cd_case_clear(&c);
		if (!mine)
			continue;
		if (cd_window_link_case(hall_db(t), s->window, v[i].case_no, number, &err) < 0) {
			hall_fail(t, _("The case could not be linked to the ticket"), &err);
			continue;
		}
		s->before = xrealloc(s->before, (s->nbefore + 1) * sizeof(*s->before));
		s->before[s->nbefore++] = xstrdup(v[i].case_no);
		snprintf(done + strlen(done), sizeof(done) - strlen(done), "%s%s", done[0] ? ", " : "",
			 v[i].case_no);
	}
	cd_cases_free(&v, n);
	if (done[0]) {
		size_t u = strlen(s->linked);
		snprintf(s->linked + u, sizeof(s->linked) - u, "%s%s", u ? ", " : "", done);
		tui_message(t, MSG_OK, _("Linked to ticket %s: case %s."), s->have_cur ? s->cur.number : "", done);
	}
}

/* ---- operations ---- */

static bool need_window(struct tui *t, struct window_state *s)
{
	if (s->window)
		return true;
	tui_message(t, MSG_ERROR, "%s", _("You are not at a window: log in with the number of your window."));
	return false;
}

static bool need_ticket(struct tui *t, struct window_state *s)
{
	if (s->have_cur)
		return true;
	tui_message(t, MSG_INFO, "%s", _("No ticket is called at this window: F2 calls the next one."));
	return false;
}

static void new_ticket(struct window_state *s, const struct cd_ticket *tk)
{
	s->cur = *tk;
	s->have_cur = true;
	s->linked[0] = '\0';
	s->last_done[0] = '\0';
	s->link_pending = false;
	free_before(s);
}

static void do_call(struct tui *t, struct window_state *s)
{
	struct cd_ticket tk;
	struct cd_error err;
	char text[768];

	cd_error_clear(&err);
	if (cd_window_call(hall_db(t), s->window, &tk, &err) < 0) {
		if (err.kind == CD_ERR_NOTFOUND)
			tui_message(t, MSG_INFO, "%s", _("Nobody is waiting for this window."));
		else
			tui_message(t, MSG_ERROR, "%s", cd_error_text(&err, text, sizeof(text)));
		load_board(t, s);
		return;
	}
	new_ticket(s, &tk);
	tui_message(t, MSG_OK, _("Called %s (%s)."), tk.number, rule_label(tk.rule));
	load_board(t, s);
}

static void do_recall(struct tui *t, struct window_state *s)
{
	char number[16];
	int recalls = 0, limit = 0;
	struct cd_error err;

	cd_error_clear(&err);
	if (cd_window_recall(hall_db(t), s->window, number, &recalls, &limit, &err) < 0) {
		hall_fail(t, _("Not called again"), &err);
		return;
	}
	s->cur.recalls = recalls;
	s->recall_limit = limit;
	tui_message(t, MSG_OK, ngettext("%s called again: %d recall left.", "%s called again: %d recalls left.",
					limit - recalls), number, limit - recalls);
	load_board(t, s);
}

static void do_noshow(struct tui *t, struct window_state *s)
{
	struct cd_ticket tk;
	struct cd_error err;

	cd_error_clear(&err);
	if (cd_window_noshow(hall_db(t), s->window, &tk, &err) < 0) {
		hall_fail(t, _("Not marked as a no-show"), &err);
		return;
	}
	tui_message(t, MSG_OK, _("%s marked as a no-show."), tk.number);
	s->have_cur = false;
	load_board(t, s);
}

static void do_finish(struct tui *t, struct window_state *s)
{
	struct cd_ticket tk;
	struct cd_error err;
	char dur[16];

	link_cases(t, s);
	cd_error_clear(&err);
	if (cd_window_finish(hall_db(t), s->window, NULL, &tk, &err) < 0) {
		hall_fail(t, _("Not finished"), &err);
		return;
	}
	tui_message(t, MSG_OK, _("%s finished after %s. The rating pad asks the visitor now."), tk.number,
		    cd_hall_duration(tk.service_seconds, dur));
	snprintf(s->last_done, sizeof(s->last_done), "%s", tk.number);
	s->have_cur = false;
	s->linked[0] = '\0';
	load_board(t, s);
}

static void do_pause(struct tui *t, struct window_state *s)
{
	bool pause = !s->me.paused;
	struct cd_error err;

	cd_error_clear(&err);
	if (cd_window_pause(hall_db(t), s->window, pause, &err) < 0) {
		hall_fail(t, pause ? _("Not paused") : _("Not opened again"), &err);
		return;
	}
	tui_message(t, MSG_OK, "%s", pause ? _("The window is paused: nobody is called here until F9.")
				       : _("The window is open again."));
	load_board(t, s);
}

static void close_dialog(struct window_state *s)
{
	s->mode = M_MAIN;
	if (s->pick_init)
		picker_free(&s->pick);
	s->pick_init = false;
	field_free(&s->reason);
	free(s->targets);
	free(s->numbers);
	s->targets = NULL;
	s->numbers = NULL;
	s->ntargets = 0;
	s->on_reason = false;
}

static void open_transfer(struct tui *t, struct window_state *s)
{
	char row[256], label[160];

	(void)t;
	close_dialog(s);
	picker_init(&s->pick, false);
	s->pick_init = true;
	s->targets = xcalloc(s->ncats + s->nwins + 1, sizeof(*s->targets));
	for (size_t i = 0; i < s->ncats; i++) {
		if (s->cats[i].code[0] == s->cur.category[0] && !s->cur.green)
			continue; /* where it already is */
		hall_category_label(label, sizeof(label), s->cats[i].code, s->cats[i].name);
		snprintf(row, sizeof(row), _("Category %s"), label);
		picker_add(&s->pick, row, NULL, false);
		s->targets[s->ntargets++] = -s->cats[i].code[0];
	}
	for (size_t i = 0; i < s->nwins; i++) {
		char serves[64] = "";

		if (s->wins[i].no == s->window)
			continue;
		for (const char *c = s->wins[i].cats; *c; c++) {
			size_t u = strlen(serves);
			snprintf(serves + u, sizeof(serves) - u, "%s%c", c == s->wins[i].cats ? "" : ", ", *c);
		}
		snprintf(row, sizeof(row), _("Window %d (serves %s)"), s->wins[i].no, serves);
		picker_add(&s->pick, row, NULL, false);
		s->targets[s->ntargets++] = s->wins[i].no;
	}
	picker_refresh(&s->pick);
	s->mode = M_TRANSFER;
}

static void do_transfer(struct tui *t, struct window_state *s)
{
	long r = picker_selected(&s->pick);
	struct cd_ticket tk;
	struct cd_error err;
	char code[2] = "";
	int to = 0;

	if (r < 0 || (size_t)r >= s->ntargets)
		return;
	if (s->targets[r] < 0) {
		code[0] = (char)-s->targets[r];
		code[1] = '\0';
	} else {
		to = s->targets[r];
	}
	cd_error_clear(&err);
	if (cd_window_transfer(hall_db(t), s->window, to ? NULL : code, to, &tk, &err) < 0) {
		hall_fail(t, _("Not transferred"), &err);
		return;
	}
	close_dialog(s);
	if (to)
		tui_message(t, MSG_OK, _("%s transferred to window %d; the visitor keeps their place."), tk.number, to);
	else
		tui_message(t, MSG_OK, _("%s transferred to category %s; the visitor keeps their place."), tk.number, code);
	s->have_cur = false;
	load_board(t, s);
}

/* Whether this window may call ticket v (what the database will check). */
static bool may_call(const struct window_state *s, const struct cd_ticket *v)
{
	if (v->to_window)
		return v->to_window == s->window;
	if (v->green && s->me.serves_green)
		return true;
	return strchr(s->me.categories, v->category[0]) != NULL && v->category[0];
}

static void open_number(struct tui *t, struct window_state *s)
{
	struct cd_ticket *v = NULL;
	size_t n = 0;
	struct cd_error err;
	char row[256], since[20], lab[160];

	close_dialog(s);
	cd_error_clear(&err);
	if (cd_ticket_list(hall_db(t), true, &v, &n, &err) < 0) {
		hall_fail(t, _("The waiting tickets could not be read"), &err);
		return;
	}
	picker_init(&s->pick, true);
	s->pick_init = true;
	field_init(&s->reason, 200, 0);
	s->numbers = xcalloc(n + 1, sizeof(*s->numbers));
	for (size_t i = 0; i < n; i++) {
		if (!may_call(s, &v[i]))
			continue;
		row[0] = '\0';
		picker_col(row, sizeof(row), v[i].number, 8);
		hall_category_label(lab, sizeof(lab), v[i].category, v[i].category_name);
		picker_col(row, sizeof(row), lab, 20);
		picker_col(row, sizeof(row), cd_hall_time(v[i].arrived_at, since), 16);
		if (v[i].green)
			picker_col(row, sizeof(row), _("green channel"), 16);
		picker_add(&s->pick, row, v[i].number, false);
		snprintf(s->numbers[s->ntargets++], sizeof(s->numbers[0]), "%s", v[i].number);
	}
	free(v);
	picker_refresh(&s->pick);
	s->mode = M_NUMBER;
}

static void do_call_number(struct tui *t, struct window_state *s)
{
	char number[64] = "", reason[1024];
	long r = picker_selected(&s->pick);
	struct cd_ticket tk;
	struct cd_error err;

	if (r >= 0 && (size_t)r < s->ntargets)
		snprintf(number, sizeof(number), "%s", s->numbers[r]);
	else if (!field_get(&s->pick.filter, number, sizeof(number)))
		number[0] = '\0';
	for (char *c = number; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
	if (!number[0]) {
		tui_message(t, MSG_ERROR, "%s", _("Type the number of the ticket to call."));
		s->on_reason = false;
		return;
	}
	if (!field_get(&s->reason, reason, sizeof(reason)) || !reason[0]) {
		tui_message(t, MSG_ERROR, "%s", _("Calling out of order needs a reason; it is recorded."));
		s->on_reason = true;
		return;
	}
	cd_error_clear(&err);
	if (cd_window_call_ticket(hall_db(t), s->window, number, reason, &tk, &err) < 0) {
		hall_fail(t, _("Not called"), &err);
		return;
	}
	close_dialog(s);
	new_ticket(s, &tk);
	tui_message(t, MSG_OK, _("Called %s out of order; the reason is recorded."), tk.number);
	load_board(t, s);
}

static void open_apply(struct tui *t, struct window_state *s)
{
	if (s->have_cur)
		snapshot_cases(t, s);
	tui_push(t, &intake_screen, NULL);
}

static void open_green(struct tui *t, struct window_state *s)
{
	const struct cd_identity *who = tui_who(t);
	struct green_open g = { .ticket = s->have_cur && s->cur.green ? s->cur.number : NULL };

	if (!who || strcmp(who->role, "helper") != 0) {
		tui_message(t, MSG_ERROR, "%s", _("Assisted sessions are logged by green-channel helpers."));
		return;
	}
	tui_push(t, &green_screen, &g);
}

/* ---- keys ---- */

static enum screen_result dialog_pass(enum action a)
{
	return action_everywhere(a) ? SCR_PASS : SCR_DONE;
}

static enum screen_result transfer_key(struct tui *t, struct window_state *s, enum action a,
				       const struct key *k)
{
	switch (a) {
	case ACT_BACK:
		close_dialog(s);
		return SCR_DONE;
	case ACT_SUBMIT:
		do_transfer(t, s);
		return SCR_DONE;
	default:
		if (picker_key(&s->pick, a, k))
			return SCR_DONE;
		return dialog_pass(a);
	}
}

static enum screen_result number_key(struct tui *t, struct window_state *s, enum action a,
				     const struct key *k)
{
	switch (a) {
	case ACT_BACK:
		close_dialog(s);
		return SCR_DONE;
	case ACT_NEXT:
	case ACT_PREV:
		s->on_reason = !s->on_reason;
		return SCR_DONE;
	case ACT_SUBMIT:
		if (!s->on_reason)
			s->on_reason = true;
		else
			do_call_number(t, s);
		return SCR_DONE;
	case ACT_UP:
	case ACT_DOWN:
	case ACT_PAGE_UP:
	case ACT_PAGE_DOWN:
		picker_key(&s->pick, a, k);
		return SCR_DONE;
	default:
		if (s->on_reason ? field_key(&s->reason, a, k) : picker_key(&s->pick, a, k))
			return SCR_DONE;
		return dialog_pass(a);
	}
}

static enum screen_result window_key(struct tui *t, void *st, enum action a, const struct key *k)
{
	struct window_state *s = st;

	if (s->mode == M_TRANSFER)
		return transfer_key(t, s, a, k);
	if (s->mode == M_NUMBER)
		return number_key(t, s, a, k);
	if (s->mode == M_NOSHOW) {
		if (a == ACT_YES) {
			s->mode = M_MAIN;
			do_noshow(t, s);
		} else if (a == ACT_NO || a == ACT_BACK || a == ACT_SUBMIT) {
			s->mode = M_MAIN;
		} else {
			return dialog_pass(a);
		}
		return SCR_DONE;
	}
	/* Back from the application (or anything above): link what it accepted. */
	link_cases(t, s);
	switch (a) {
	case ACT_BACK:
		tui_pop(t);
		return SCR_DONE;
	case ACT_CALL_NEXT:
		if (!need_window(t, s))
			return SCR_DONE;
		if (s->me.paused)
			tui_message(t, MSG_ERROR, "%s", _("The window is paused: F9 opens it again."));
		else
			do_call(t, s);
		return SCR_DONE;
	case ACT_RECALL:
		if (need_window(t, s) && need_ticket(t, s))
			do_recall(t, s);
		return SCR_DONE;
	case ACT_NO_SHOW:
		if (need_window(t, s) && need_ticket(t, s))
			s->mode = M_NOSHOW;
		return SCR_DONE;
	case ACT_FINISH:
		if (need_window(t, s) && need_ticket(t, s))
			do_finish(t, s);
		return SCR_DONE;
	case ACT_PAUSE:
		if (need_window(t, s))
			do_pause(t, s);
		return SCR_DONE;
	case ACT_TRANSFER:
		if (need_window(t, s) && need_ticket(t, s))
			open_transfer(t, s);
		return SCR_DONE;
	case ACT_CALL_NUMBER:
		if (need_window(t, s))
			open_number(t, s);
		return SCR_DONE;
	case ACT_APPLY:
		open_apply(t, s);
		return SCR_DONE;
	case ACT_GREEN:
		open_green(t, s);
		return SCR_DONE;
	default:
		return SCR_PASS;
	}
}

/* ---- life ---- */

static void window_enter(struct tui *t, void *st, const void *arg)
{
	struct window_state *s = st;
	const struct cd_identity *who = tui_who(t);

	(void)arg;
	s->window = who ? who->window_no : 0;
	if (!s->window)
		return;
	hall_watch_start(t, &s->watch);
	load_config(t, s);
	load_board(t, s);
}

static bool board_event(const char *e)
{
	static const char *const events[] = {
		"issue", "call", "recall", "no_show", "finish", "pause", "resume", "transfer", "close_day",
	};

	for (size_t i = 0; i < ARRAY_SIZE(events); i++)
		if (!strcmp(e, events[i]))
			return true;
	return false;
}

static bool window_tick(struct tui *t, void *st)
{
	struct window_state *s = st;
	struct hall_event ev;
	bool config = false, covered;
	char now[sizeof(s->drawn)];

	if (!s->window)
		return false;
	/* However many notifications came, one read of the board, and at most
	 * one a second: a busy hall notifies more often than a person reads. */
	while (hall_watch_next(t, &s->watch, &ev)) {
		if (!ev.event[0] || !strcmp(ev.event, "config"))
			config = s->board_due = true;
		else if (board_event(ev.event))
			s->board_due = true;
	}
	if (config)
		load_config(t, s);
	if (s->board_due && tui_now() - s->read_mono >= BOARD_EVERY)
		load_board(t, s);
	covered = tui_below(t) == &window_screen;
	if (s->covered && !covered)
		link_cases(t, s);
	s->covered = covered;
	/* Under another screen nothing of this one shows: the pop redraws it. */
	if (covered || s->mode != M_MAIN)
		return false;
	signature(s, now, sizeof(now));
	return strcmp(now, s->drawn) != 0;
}

static void window_leave(struct tui *t, void *st)
{
	struct window_state *s = st;

	(void)t;
	close_dialog(s);
	free_before(s);
	free(s->queue);
	free(s->wins);
}

static bool window_text_focus(const void *st)
{
	const struct window_state *s = st;

	return s->mode == M_NUMBER;
}

static const enum action window_keys[] = {
	ACT_CALL_NEXT, ACT_RECALL, ACT_NO_SHOW, ACT_FINISH, ACT_PAUSE, ACT_TRANSFER, ACT_CALL_NUMBER,
	ACT_APPLY, ACT_GREEN, ACT_BACK, ACT_NONE,
};

static const struct hint window_hints[] = {
	{ ACT_CALL_NEXT, NULL },
	{ ACT_FINISH, NULL },
	{ ACT_NONE, NULL },
};

const struct screen_ops window_screen = {
	.name = N_("Window"),
	.state_size = sizeof(struct window_state),
	.keys = window_keys,
	.hints = window_hints,
	.help_extra = N_("The counts follow the hall as it changes, without a key. A no-show asks first (y). Calling by number lists the tickets this window may call; type to narrow, Tab to the reason."),
	.enter = window_enter,
	.draw = window_draw,
	.key = window_key,
	.tick = window_tick,
	.leave = window_leave,
	.text_focus = window_text_focus,
};
