/* The supervisor's live dashboard (值班长): queues per category, windows,
 * the green channel, ratings, (with routing and sync) departments and sync
 * targets, arrivals per hour against the usual, the forecast and the
 * distribution of waiting times — one screen, 80x24 and up.
 *
 * Cheap on a slow link: the snapshot is read in one call (api.dashboard)
 * only after a notification (the hall's, escalations included; tasks;
 * sync), at most
 * every READ_EVERY seconds, and the body is marked for redrawing only
 * when a figure differs from the one on screen — the snapshot compared
 * whole, and the waits that grow by themselves compared in the minutes
 * shown. curses then sends only the cells that changed: an unchanged
 * screen sends nothing, one changed figure a few dozen bytes
 * (tests/bench/dashboard.sh measures it). Never clear().
 *
 * With [dashboard] conninfo set (a read-only streaming replica,
 * target_session_attrs), the snapshot is read there; LISTEN and the
 * actions stay on the session's connection to the primary (a standby
 * cannot LISTEN), and a read after a notification is repeated once a
 * second later in case the replica had not replayed the change yet. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chart.h"
#include "config.h"
#include "dash_ui.h"
#include "dashboard.h"
#include "draw.h"
#include "field.h"
#include "hall_ui.h"
#include "i18n.h"
#include "screen.h"
#include "notify.h"
#include "review_ui.h"
#include "session.h"
#include "sync.h"
#include "util.h"

#define READ_EVERY 0.25 /* seconds between two reads when notifications pour in */
#define REPLICA_RECHECK 1.0
#define CHART_MIN 4 /* rows: a title, two rows of bars, the hours */

enum panel { P_QUEUES, P_WINDOWS, P_GREEN, P_RATINGS, P_DEPTS, P_SYNC, P_COUNT };
enum form_kind { F_NONE, F_ESCALATE, F_OPEN_WINDOW, F_CLOSE_WINDOW };

struct dash_state {
	struct hall_watch watch;
	struct task_watch tasks;           /* routing: counterdesk_task */
	unsigned long sync_seen;
	struct cd_dashboard d;
	bool have;
	time_t read_wall;        /* when the snapshot was taken (the waits grow from it) */
	double last_read;        /* tui_now() */
	bool due;                /* a notification asked for a read */
	double recheck;          /* a second read for a lagging replica, 0 = none */
	struct cd_db *reader;    /* [dashboard] conninfo, or NULL: the session's */
	bool reader_failed;
	int shown_wait[CD_DASH_CATEGORIES]; /* minutes drawn last, for the ageing */
	int panel;
	size_t sel[P_COUNT];
	enum form_kind form;
	struct field f[3];
	int nfields, focus, form_window;
};

/* ---- reading ---- */

/* Sync's notifications (backlog and deliveries), counted by the handler
 * and compared by the tick. */
static unsigned long sync_heard;

static void on_sync(const char *channel, const char *payload, void *arg)
{
	(void)payload;
	(void)arg;
	if (!strcmp(channel, CD_SYNC_CHANNEL) || !strcmp(channel, CD_SYNC_STATUS_CHANNEL))
		sync_heard++;
}

/* LISTENs for sync on this connection once, and again after a reconnect. */
static struct notify_listen sync_listening;

static void sync_listen(struct tui *t)
{
	static const char *const channels[] = { CD_SYNC_CHANNEL, CD_SYNC_STATUS_CHANNEL, NULL };
	unsigned gen = sync_listening.gen;

	notify_ensure(t, &sync_listening, channels, on_sync, cd_sync_listen, _("Deliveries cannot be followed"));
	if (sync_listening.gen != gen)
		sync_heard++; /* what happened before the LISTEN was not heard */
}

static struct cd_db *read_db(struct tui *t, struct dash_state *s)
{
	const struct cd_config *cfg = tui_config(t);
	struct cd_error err;

	if (s->reader)
		return s->reader;
	if (s->reader_failed || !cfg || !cfg->dash_conninfo || !*cfg->dash_conninfo)
		return hall_db(t);
	cd_error_clear(&err);
	s->reader = cd_dashboard_reader_open(hall_db(t), cfg->dash_conninfo, &err);
	if (!s->reader) {
		s->reader_failed = true;
		hall_fail(t, _("The replica cannot be reached; reading the primary"), &err);
		return hall_db(t);
	}
	return s->reader;
}

static int aged_minutes(const struct dash_state *s, const struct cd_dash_category *c)
{
	if (c->waiting <= 0 || c->longest_wait < 0)
		return -1;
	return (int)((c->longest_wait + (long)(time(NULL) - s->read_wall)) / 60);
}

/* Reads the snapshot; true when a figure differs from what is on screen. */
static bool load(struct tui *t, struct dash_state *s)
{
	struct cd_dashboard *d = xcalloc(1, sizeof(*d));
	const struct cd_config *cfg = tui_config(t);
	struct cd_error err;
	bool changed;

	s->last_read = tui_now();
	s->due = false;
	cd_error_clear(&err);
	if (cd_dashboard_fetch(read_db(t, s), cfg ? cfg->dash_wait_target : 0, d, &err) < 0) {
		if (s->reader && err.kind == CD_ERR_CONN_LOST) {
			cd_dashboard_reader_close(&s->reader); /* next time: open it again */
			s->due = true;
		}
		hall_fail(t, _("The dashboard could not be read"), &err);
		free(d);
		return false;
	}
	changed = !s->have || memcmp(d, &s->d, sizeof(*d)) != 0;
	s->d = *d;
	s->have = true;
	s->read_wall = time(NULL);
	free(d);
	return changed;
}

/* ---- drawing ---- */

static const char *minutes(int seconds, char *buf, size_t len)
{
	if (seconds < 0)
		snprintf(buf, len, "-");
	else if (seconds < 3600)
		snprintf(buf, len, _("%dm"), seconds / 60);
	else
		snprintf(buf, len, _("%dh%02d"), seconds / 3600, seconds / 60 % 60);
	return buf;
}

static void heading(WINDOW *w, int y, int x, int cols, const char *text, bool focus)
{
	wattrset(w, draw_attr(ROLE_HEADING) | (focus ? A_UNDERLINE : 0));
	draw_text(w, y, x, cols, text);
	wattrset(w, A_NORMAL);
}

static void right_num(WINDOW *w, int y, int x, int cols, const char *s)
{
	int wd = draw_width(s);

	draw_text(w, y, x + (wd < cols ? cols - wd : 0), cols, s);
}

static void row_attr(WINDOW *w, const struct dash_state *s, int panel, size_t i, int y, int x, int cols)
{
	if (s->panel == panel && s->sel[panel] == i) {
		wattrset(w, draw_attr(ROLE_SELECTED));
		draw_fill(w, y, x, cols);
	} else {
		wattrset(w, A_NORMAL);
	}
}

/* Category, waiting, longest, average, served: 39 columns and up. */
static int draw_queues(WINDOW *w, struct dash_state *s, int y, int x, int cols, int rows)
{
	char buf[64], label[160];
	int r = 0, nc = cols - 27; /* the numbers take 7 + 7 + 7 + 6 columns */

	heading(w, y + r, x, nc, _("Queues"), s->panel == P_QUEUES);
	wattrset(w, draw_attr(ROLE_DIM));
	right_num(w, y + r, x + nc, 7, _("Wait"));
	right_num(w, y + r, x + nc + 7, 7, _("Max"));
	right_num(w, y + r, x + nc + 14, 7, _("Avg"));
	right_num(w, y + r, x + nc + 21, 6, _("Done"));
	r++;
	wattrset(w, A_NORMAL);
	/* Those not drawn (a short screen) too: the tick compares them all. */
	for (size_t i = 0; i < s->d.ncat; i++)
		s->shown_wait[i] = aged_minutes(s, &s->d.cat[i]);
	for (size_t i = 0; i < s->d.ncat && r < rows; i++, r++) {
		const struct cd_dash_category *c = &s->d.cat[i];
		int aged = s->shown_wait[i];

		row_attr(w, s, P_QUEUES, i, y + r, x, cols);
		snprintf(label, sizeof(label), "%s %s", c->code, c->name);
		draw_text(w, y + r, x, nc, label);
		snprintf(buf, sizeof(buf), "%d", c->waiting);
		right_num(w, y + r, x + nc, 7, buf);
		right_num(w, y + r, x + nc + 7, 7, minutes(aged < 0 ? -1 : aged * 60, buf, sizeof(buf)));
		right_num(w, y + r, x + nc + 14, 7, minutes(c->avg_wait, buf, sizeof(buf)));
		snprintf(buf, sizeof(buf), "%d", c->served);
		right_num(w, y + r, x + nc + 21, 6, buf);
		wattrset(w, A_NORMAL);
	}
	return r;
}

static const char *state_label(const char *state)
{
	if (!strcmp(state, "serving"))
		return _("serving");
	if (!strcmp(state, "paused"))
		return _("paused");
	return _("idle");
}

/* Window, staff, state, ticket, served today. */
static int draw_windows(WINDOW *w, struct dash_state *s, int y, int x, int cols, int rows)
{
	char buf[64], line[256];
	size_t first = 0, n = s->d.nwin;
	int r = 0, fit = rows - 1;

	snprintf(line, sizeof(line), _("Windows (%zu open)"), n);
	heading(w, y + r++, x, cols, line, s->panel == P_WINDOWS);
	if (fit <= 0)
		return r;
	if (n > (size_t)fit && s->sel[P_WINDOWS] >= (size_t)fit)
		first = s->sel[P_WINDOWS] - (size_t)fit + 1;
	for (size_t i = first; i < n && r < rows; i++, r++) {
		const struct cd_dash_window *v = &s->d.win[i];

		row_attr(w, s, P_WINDOWS, i, y + r, x, cols);
		snprintf(buf, sizeof(buf), "%3d%s", v->window_no, v->temporary ? "*" : " ");
		draw_text(w, y + r, x, 5, buf);
		draw_text(w, y + r, x + 5, cols - 28, v->staff_name[0] ? v->staff_name : v->staff[0] ? v->staff : "-");
		if (s->panel != P_WINDOWS || s->sel[P_WINDOWS] != i) {
			if (!strcmp(v->state, "paused"))
				wattrset(w, draw_attr(ROLE_ERROR));
			else if (!strcmp(v->state, "idle"))
				wattrset(w, draw_attr(ROLE_DIM));
		}
		draw_text(w, y + r, x + cols - 23, 9, state_label(v->state));
		row_attr(w, s, P_WINDOWS, i, y + r, x + cols, 0);
		draw_text(w, y + r, x + cols - 13, 6, v->number);
		snprintf(buf, sizeof(buf), "%d", v->served);
		right_num(w, y + r, x + cols - 6, 6, buf);
		wattrset(w, A_NORMAL);
	}
	return r;
}

static int draw_lines(WINDOW *w, struct dash_state *s, int y, int x, int cols, int rows)
{
	char line[320];
	int r = 0;
	const struct cd_dashboard *d = &s->d;

	if (r < rows) {
		row_attr(w, s, P_GREEN, 0, y + r, x, cols);
		snprintf(line, sizeof(line), _("Green channel: %d today, %d open"), d->green_today, d->green_open);
		draw_text(w, y + r++, x, cols, line);
	}
	if (r < rows) {
		row_attr(w, s, P_GREEN, 0, y + r, x, cols);
		if (s->panel != P_GREEN && d->green_overdue)
			wattrset(w, draw_attr(ROLE_ERROR));
		snprintf(line, sizeof(line), _("Home visits %d (%d late), escalated %d"), d->green_followups,
			 d->green_overdue, d->escalations_today);
		draw_text(w, y + r++, x, cols, line);
	}
	if (r < rows) {
		row_attr(w, s, P_RATINGS, 0, y + r, x, cols);
		snprintf(line, sizeof(line), _("Ratings today 1:%d 2:%d 3:%d 4:%d 5:%d"), d->ratings[0], d->ratings[1],
			 d->ratings[2], d->ratings[3], d->ratings[4]);
		draw_text(w, y + r++, x, cols, line);
	}
	if (r < rows) {
		row_attr(w, s, P_RATINGS, 0, y + r, x, cols);
		if (s->panel != P_RATINGS && d->bad_overdue)
			wattrset(w, draw_attr(ROLE_ERROR));
		snprintf(line, sizeof(line), _("Bad ratings to follow up %d (%d late)"), d->bad_open, d->bad_overdue);
		draw_text(w, y + r++, x, cols, line);
	}
	wattrset(w, A_NORMAL);
	return r;
}

/* Departments: open, yellow, red, unclaimed past the sign-for clock. */
static int draw_depts(WINDOW *w, struct dash_state *s, int y, int x, int cols, int rows)
{
	char buf[32], label[160];
	int r = 0;

	heading(w, y + r, x, cols - 30, _("Tasks"), s->panel == P_DEPTS);
	wattrset(w, draw_attr(ROLE_DIM));
	right_num(w, y + r, x + cols - 30, 8, _("Pending"));
	right_num(w, y + r, x + cols - 22, 7, _("Yellow"));
	right_num(w, y + r, x + cols - 15, 6, _("Red"));
	right_num(w, y + r, x + cols - 9, 9, _("Unsigned"));
	r++;
	wattrset(w, A_NORMAL);
	for (size_t i = 0; i < s->d.ndept && r < rows; i++, r++) {
		const struct cd_dash_dept *d = &s->d.dept[i];

		row_attr(w, s, P_DEPTS, i, y + r, x, cols);
		snprintf(label, sizeof(label), "%s %s", d->code, d->name);
		draw_text(w, y + r, x, cols - 30, label);
		snprintf(buf, sizeof(buf), "%d", d->open + d->claimed + d->returned);
		right_num(w, y + r, x + cols - 30, 8, buf);
		snprintf(buf, sizeof(buf), "%d", d->yellow);
		right_num(w, y + r, x + cols - 22, 7, buf);
		if (d->red && !(s->panel == P_DEPTS && s->sel[P_DEPTS] == i))
			wattrset(w, draw_attr(ROLE_ERROR));
		snprintf(buf, sizeof(buf), "%d", d->red);
		right_num(w, y + r, x + cols - 15, 6, buf);
		snprintf(buf, sizeof(buf), "%d", d->unclaimed_late);
		right_num(w, y + r, x + cols - 9, 9, buf);
		wattrset(w, A_NORMAL);
	}
	return r;
}

/* Sync targets: pending (and the oldest's age), sent today, failing, parked. */
static int draw_sync(WINDOW *w, struct dash_state *s, int y, int x, int cols, int rows)
{
	char buf[64];
	int r = 0, nc = cols - 26; /* the numbers take 7 + 6 + 6 + 7 columns */

	heading(w, y + r, x, nc, _("Sync"), s->panel == P_SYNC);
	wattrset(w, draw_attr(ROLE_DIM));
	right_num(w, y + r, x + nc, 7, _("Queue"));
	right_num(w, y + r, x + nc + 7, 6, _("Sent"));
	right_num(w, y + r, x + nc + 13, 6, _("Fail"));
	right_num(w, y + r, x + nc + 19, 7, _("Parked"));
	r++;
	wattrset(w, A_NORMAL);
	for (size_t i = 0; i < s->d.nsync && r < rows; i++, r++) {
		const struct cd_dash_target *g = &s->d.sync[i];
		char age[32];

		row_attr(w, s, P_SYNC, i, y + r, x, cols);
		if ((g->failing || g->dead) && !(s->panel == P_SYNC && s->sel[P_SYNC] == i))
			wattrset(w, draw_attr(ROLE_ERROR));
		draw_text(w, y + r, x, nc, g->target);
		if (g->backlog)
			snprintf(buf, sizeof(buf), "%d/%s", g->backlog, minutes(g->oldest_pending, age, sizeof(age)));
		else
			snprintf(buf, sizeof(buf), "0");
		right_num(w, y + r, x + nc, 7, buf);
		snprintf(buf, sizeof(buf), "%d", g->delivered_today);
		right_num(w, y + r, x + nc + 7, 6, buf);
		snprintf(buf, sizeof(buf), "%d", g->failing);
		right_num(w, y + r, x + nc + 13, 6, buf);
		snprintf(buf, sizeof(buf), "%d", g->dead);
		right_num(w, y + r, x + nc + 19, 7, buf);
		wattrset(w, A_NORMAL);
	}
	if (!s->d.nsync && r < rows)
		draw_text(w, y + r++, x, cols, _("No sync target is configured."));
	return r;
}

/* Arrivals per hour: today (solid) beside the usual of the weekday (dim). */
static void draw_arrivals(WINDOW *w, struct dash_state *s, int y, int x, int cols, int rows)
{
	double today[CD_DASH_HOURS], usual[CD_DASH_HOURS];
	size_t n = s->d.nhours;
	int gw = 3, bars = rows - 2;
	char buf[16];

	heading(w, y, x, cols, _("Arrivals per hour: today, usual (dim)"), false);
	if (bars < 1 || !n)
		return;
	while (n && (int)n * gw > cols)
		n--; /* the earliest hours first */
	for (size_t i = 0; i < n; i++) {
		today[i] = s->d.hours[i].today;
		usual[i] = s->d.hours[i].usual;
	}
	chart_vbars(w, y + 1, x, bars, gw, today, usual, n, 0, draw_attr(ROLE_OK), draw_attr(ROLE_DIM));
	wattrset(w, draw_attr(ROLE_DIM));
	for (size_t i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "%-2d", s->d.hours[i].hour);
		draw_text(w, y + 1 + bars, x + (int)i * gw, gw, buf);
	}
	wattrset(w, A_NORMAL);
}

/* Waiting times today: called after waiting so long, and waiting now. */
static void draw_waits(WINDOW *w, struct dash_state *s, int y, int x, int cols, int rows)
{
	char label[32], num[32];
	double max = 0;
	size_t n = s->d.nwaits;
	int r = 1, lw = 6, nw = 9;

	heading(w, y, x, cols, _("Waits today: called / waiting now"), false);
	for (size_t i = 0; i < n; i++)
		if (s->d.waits[i].called + s->d.waits[i].waiting > max)
			max = s->d.waits[i].called + s->d.waits[i].waiting;
	/* Fewer rows than bars: the last ones are folded into the longest. */
	for (size_t i = 0; i < n && r < rows; i++, r++) {
		const struct cd_dash_wait *b = &s->d.waits[i];
		int called = b->called, waiting = b->waiting, bw = cols - lw - nw, cw;
		bool last = r == rows - 1 && i + 1 < n;

		if (last)
			for (size_t k = i + 1; k < n; k++) {
				called += s->d.waits[k].called;
				waiting += s->d.waits[k].waiting;
			}
		if (b->upto && !last)
			snprintf(label, sizeof(label), "<%d", b->upto);
		else
			snprintf(label, sizeof(label), ">=%d", i ? s->d.waits[i - 1].upto : 0);
		wattrset(w, draw_attr(ROLE_DIM));
		draw_text(w, y + r, x, lw, label);
		cw = max > 0 ? (int)((double)called / max * bw + 0.5) : 0;
		wattrset(w, A_NORMAL);
		chart_hbar(w, y + r, x + lw, cw, called, called);
		wattrset(w, draw_attr(waiting ? ROLE_ERROR : ROLE_DIM));
		chart_hbar(w, y + r, x + lw + cw, bw - cw, waiting, max - called > 0 ? max - called : 1);
		wattrset(w, A_NORMAL);
		snprintf(num, sizeof(num), "%d/%d", called, waiting);
		right_num(w, y + r, x + cols - nw, nw, num);
		if (last)
			break;
	}
}

static void draw_forecast(WINDOW *w, struct dash_state *s, int y, int x, int cols)
{
	char line[512];
	size_t len;

	len = (size_t)snprintf(line, sizeof(line), _("Forecast arrivals->windows (waits <= %d min):"), s->d.target_minutes);
	for (size_t i = 0; i < s->d.nforecast && len < sizeof(line); i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, chart_utf8() ? " %dh %.0f\xe2\x86\x92%d" : " %dh %.0f->%d",
					s->d.forecast[i].hour, s->d.forecast[i].arrivals, s->d.forecast[i].windows);
	if (!s->d.history_days && len < sizeof(line))
		snprintf(line + len, sizeof(line) - len, "%s", _(" (no history yet)"));
	draw_text(w, y, x, cols, line);
}

static void draw_form(struct tui *t, struct dash_state *s, WINDOW *w)
{
	static const char *const titles[] = { "", N_("Escalate a case"), N_("Open a temporary window"),
					      N_("Close the temporary window") };
	const char *labels[3];
	int h = getmaxy(w), wd = getmaxx(w), bw = 66, bh = 4 + 2 * s->nfields + 1, by, bx, cur;

	if (s->form == F_ESCALATE) {
		labels[0] = _("Case number:");
		labels[1] = _("Reason:");
	} else if (s->form == F_OPEN_WINDOW) {
		labels[0] = _("Window:");
		labels[1] = _("Categories it serves (e.g. A,C):");
		labels[2] = _("Reason:");
	} else {
		labels[0] = _("Reason:");
	}
	by = (h - bh) / 2;
	bx = (wd - bw) / 2;
	draw_box(w, by, bx, bh, bw, _(titles[s->form]));
	for (int i = 0; i < s->nfields; i++) {
		draw_text(w, by + 1 + 2 * i, bx + 3, bw - 6, labels[i]);
		cur = field_draw(&s->f[i], w, by + 2 + 2 * i, bx + 3, bw - 6, i == s->focus);
		if (i == s->focus)
			tui_cursor(t, by + 2 + 2 * i, bx + 3 + cur);
	}
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, by + bh - 2, bx + 3, bw - 6, _("Tab: next field   Enter: do it   Esc: cancel"));
	wattrset(w, A_NORMAL);
}

static void dash_draw(struct tui *t, void *st, WINDOW *w)
{
	struct dash_state *s = st;
	int H = getmaxy(w), W = getmaxx(w), lw = W / 2 - 1, rx = W / 2 + 1, rw = W - rx;
	int left_rows, top, mid = 0, charts, y;
	const struct cd_dashboard *d = &s->d;

	if (!s->have) {
		draw_text(w, 1, 2, W - 4, _("Reading the centre's figures…"));
		return;
	}
	left_rows = 1 + (int)d->ncat + 4;
	top = 1 + (int)d->nwin > left_rows ? 1 + (int)d->nwin : left_rows;
	if (d->has_depts || d->has_sync) {
		int dr = d->has_depts ? 1 + (int)d->ndept : 0, sr = d->has_sync ? 1 + (int)(d->nsync ? d->nsync : 1) : 0;
		mid = dr > sr ? dr : sr;
	}
	/* Rows: top panels, departments and sync, forecast line, charts (at
	 * least CHART_MIN), the hint line. Give way in that order: the windows
	 * (they scroll), the departments. */
	if (top + mid + 1 + CHART_MIN + 1 > H)
		top = H - mid - 2 - CHART_MIN > left_rows ? H - mid - 2 - CHART_MIN : left_rows;
	if (top + mid + 1 + CHART_MIN + 1 > H)
		mid = H - top - 2 - CHART_MIN > 2 ? H - top - 2 - CHART_MIN : 2;
	charts = H - top - mid - 2;

	y = draw_queues(w, s, 0, 1, lw, top - 4);
	draw_lines(w, s, y, 1, lw, top - y);
	draw_windows(w, s, 0, rx, rw - 1, top);
	y = top;
	if (mid) {
		if (d->has_depts)
			draw_depts(w, s, y, 1, d->has_sync ? lw : W - 2, mid);
		if (d->has_sync)
			draw_sync(w, s, y, d->has_depts ? rx : 1, d->has_depts ? rw - 1 : W - 2, mid);
		y += mid;
	}
	draw_forecast(w, s, y++, 1, W - 2);
	if (charts > 0) {
		draw_arrivals(w, s, y, 1, lw, charts);
		draw_waits(w, s, y, rx, rw - 1, charts);
	}
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, H - 1, 1, W - 2,
		  _("Tab: panel  Up/Down: row  Enter: the list behind  W: temporary window  E: escalate"));
	wattrset(w, A_NORMAL);
	if (s->form != F_NONE)
		draw_form(t, s, w);
}

/* ---- keys ---- */

static size_t panel_rows(const struct dash_state *s, int panel)
{
	switch (panel) {
	case P_QUEUES: return s->d.ncat;
	case P_WINDOWS: return s->d.nwin;
	case P_GREEN: return 1;
	case P_RATINGS: return 1;
	case P_DEPTS: return s->d.has_depts ? s->d.ndept : 0;
	case P_SYNC: return s->d.has_sync ? s->d.nsync : 0;
	default: return 0;
	}
}

static void open_form(struct dash_state *s, enum form_kind kind)
{
	s->form = kind;
	s->focus = 0;
	s->nfields = kind == F_ESCALATE ? 2 : kind == F_OPEN_WINDOW ? 3 : 1;
	for (int i = 0; i < 3; i++)
		field_clear(&s->f[i]);
}

static void submit_form(struct tui *t, struct dash_state *s)
{
	char a[256], b[1024], c[1024];
	struct cd_error err;
	int rc = -1, n = 0;

	if (!field_get(&s->f[0], a, sizeof(a)) || !field_get(&s->f[1], b, sizeof(b)) ||
	    !field_get(&s->f[2], c, sizeof(c)))
		return;
	cd_error_clear(&err);
	switch (s->form) {
	case F_ESCALATE:
		if (!a[0] || !b[0]) {
			tui_message(t, MSG_ERROR, "%s", _("Give the case number and the reason."));
			return;
		}
		rc = cd_case_escalate(hall_db(t), a, b, &n, &err);
		if (rc == 0)
			tui_message(t, MSG_OK, _("Case %s escalated (%d so far)."), a, n);
		break;
	case F_OPEN_WINDOW:
		n = atoi(a);
		if (n <= 0 || !b[0] || !c[0]) {
			tui_message(t, MSG_ERROR, "%s", _("Give the window, its categories and the reason."));
			return;
		}
		rc = cd_window_open_temp(hall_db(t), n, b, c, &err);
		if (rc == 0)
			tui_message(t, MSG_OK, _("Window %d now serves %s."), n, b);
		break;
	case F_CLOSE_WINDOW:
		if (!a[0]) {
			tui_message(t, MSG_ERROR, "%s", _("Give the reason."));
			return;
		}
		rc = cd_window_close_temp(hall_db(t), s->form_window, a, &err);
		if (rc == 0)
			tui_message(t, MSG_OK, _("Window %d is back to what it served before."), s->form_window);
		break;
	default:
		return;
	}
	if (rc < 0) {
		hall_fail(t, _("Not done"), &err);
		return;
	}
	s->form = F_NONE;
	load(t, s);
}

static void drill(struct tui *t, struct dash_state *s)
{
	struct dash_list_arg arg;

	memset(&arg, 0, sizeof(arg));
	switch (s->panel) {
	case P_QUEUES:
		arg.kind = DL_WAITING;
		if (s->sel[P_QUEUES] < s->d.ncat)
			snprintf(arg.category, sizeof(arg.category), "%s", s->d.cat[s->sel[P_QUEUES]].code);
		break;
	case P_WINDOWS:
		arg.kind = DL_TODAY;
		if (s->sel[P_WINDOWS] < s->d.nwin)
			arg.window = s->d.win[s->sel[P_WINDOWS]].window_no;
		break;
	case P_GREEN:
		arg.kind = DL_GREEN;
		break;
	case P_RATINGS:
		tui_push(t, &followups_screen, NULL);
		return;
	case P_DEPTS:
		/* routing's list of late tasks, where u reassigns one */
		tui_push(t, &review_overdue_screen, NULL);
		return;
	case P_SYNC:
		tui_push(t, &sync_screen, NULL);
		return;
	default:
		return;
	}
	tui_push(t, &dash_list_screen, &arg);
}

static void next_panel(struct dash_state *s, int step)
{
	for (int i = 0; i < P_COUNT; i++) {
		s->panel = (s->panel + step + P_COUNT) % P_COUNT;
		if (panel_rows(s, s->panel))
			return;
	}
}

static enum screen_result dash_key(struct tui *t, void *st, enum action a, const struct key *k)
{
	struct dash_state *s = st;
	size_t n;

	if (s->form != F_NONE) {
		if (a == ACT_BACK)
			s->form = F_NONE;
		else if (a == ACT_SUBMIT)
			submit_form(t, s);
		else if (a == ACT_NEXT || a == ACT_DOWN)
			s->focus = (s->focus + 1) % s->nfields;
		else if (a == ACT_PREV || a == ACT_UP)
			s->focus = (s->focus + s->nfields - 1) % s->nfields;
		else if (!field_key(&s->f[s->focus], a, k))
			return SCR_PASS;
		return SCR_DONE;
	}
	n = panel_rows(s, s->panel);
	switch (a) {
	case ACT_BACK:
		tui_pop(t);
		return SCR_DONE;
	case ACT_NEXT:
	case ACT_RIGHT:
		next_panel(s, 1);
		return SCR_DONE;
	case ACT_PREV:
	case ACT_LEFT:
		next_panel(s, -1);
		return SCR_DONE;
	case ACT_UP:
		if (s->sel[s->panel] > 0)
			s->sel[s->panel]--;
		return SCR_DONE;
	case ACT_DOWN:
		if (s->sel[s->panel] + 1 < n)
			s->sel[s->panel]++;
		return SCR_DONE;
	case ACT_SUBMIT:
		drill(t, s);
		return SCR_DONE;
	case ACT_ESCALATE:
		open_form(s, F_ESCALATE);
		return SCR_DONE;
	case ACT_REASSIGN:
		/* The late tasks of every department; u on one reassigns it. */
		tui_push(t, &review_overdue_screen, NULL);
		return SCR_DONE;
	case ACT_TEMP_WINDOW:
		if (s->panel == P_WINDOWS && s->sel[P_WINDOWS] < s->d.nwin && s->d.win[s->sel[P_WINDOWS]].temporary) {
			s->form_window = s->d.win[s->sel[P_WINDOWS]].window_no;
			open_form(s, F_CLOSE_WINDOW);
		} else {
			char buf[16];

			open_form(s, F_OPEN_WINDOW);
			if (s->panel == P_WINDOWS && s->sel[P_WINDOWS] < s->d.nwin) {
				snprintf(buf, sizeof(buf), "%d", s->d.win[s->sel[P_WINDOWS]].window_no);
				field_set(&s->f[0], buf);
				s->focus = 1;
			}
		}
		return SCR_DONE;
	default:
		return SCR_PASS;
	}
}

/* ---- the life of the screen ---- */

static void dash_enter(struct tui *t, void *st, const void *arg)
{
	struct dash_state *s = st;

	(void)arg;
	for (int i = 0; i < 3; i++)
		field_init(&s->f[i], 200, 0);
	hall_watch_start(t, &s->watch);
	task_watch_start(t, &s->tasks);
	sync_listen(t);
	s->sync_seen = sync_heard;
	load(t, s);
}

static bool dash_tick(struct tui *t, void *st)
{
	struct dash_state *s = st;
	struct hall_event ev;
	bool redraw = false;

	while (hall_watch_next(t, &s->watch, &ev))
		s->due = true;
	if (task_watch_changed(t, &s->tasks, NULL))
		s->due = true;
	sync_listen(t);
	if (s->sync_seen != sync_heard) {
		s->sync_seen = sync_heard;
		s->due = true;
	}
	if (s->due && tui_now() - s->last_read >= READ_EVERY) {
		redraw = load(t, s);
		if (s->reader)
			s->recheck = tui_now() + REPLICA_RECHECK;
	} else if (s->recheck && tui_now() >= s->recheck) {
		s->recheck = 0;
		redraw = load(t, s);
	}
	/* The waits grow by themselves: redraw when a minute shown turns. */
	for (size_t i = 0; i < s->d.ncat && !redraw; i++)
		if (aged_minutes(s, &s->d.cat[i]) != s->shown_wait[i])
			redraw = true;
	return redraw;
}

static void dash_leave(struct tui *t, void *st)
{
	struct dash_state *s = st;

	(void)t;
	for (int i = 0; i < 3; i++)
		field_free(&s->f[i]);
	cd_dashboard_reader_close(&s->reader);
}

static bool dash_text_focus(const void *st)
{
	const struct dash_state *s = st;

	return s->form != F_NONE;
}

static const enum action dash_keys[] = {
	ACT_NEXT, ACT_UP, ACT_DOWN, ACT_SUBMIT, ACT_TEMP_WINDOW, ACT_ESCALATE, ACT_REASSIGN, ACT_BACK, ACT_NONE,
};

static const struct hint dash_hints[] = {
	{ ACT_SUBMIT, N_("List") },
	{ ACT_TEMP_WINDOW, NULL },
	{ ACT_ESCALATE, NULL },
	{ ACT_NONE, NULL },
};

const struct screen_ops dashboard_screen = {
	.name = N_("Live dashboard"),
	.state_size = sizeof(struct dash_state),
	.keys = dash_keys,
	.hints = dash_hints,
	.help_extra = N_("Figures change by themselves within a second of a change anywhere in the centre. A * after a window number marks a temporary window; W on it closes it again. u opens the late tasks of every department, to reassign one."),
	.enter = dash_enter,
	.draw = dash_draw,
	.key = dash_key,
	.tick = dash_tick,
	.leave = dash_leave,
	.text_focus = dash_text_focus,
};
