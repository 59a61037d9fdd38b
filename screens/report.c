/* Reports for supervisors: the same figures as `counterdesk report`, for a
 * day, a week or a month (月报), read when opened or when the period
 * changes (one call of api.report each time, never per key) and shown as
 * the command's text. ←/→ move to the period before or after, Space goes
 * day → week → month → day, ↑↓ PgUp PgDn Home End scroll. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "draw.h"
#include "i18n.h"
#include "report.h"
#include "screen.h"
#include "session.h"
#include "util.h"

enum period { P_DAY, P_WEEK, P_MONTH };
/* cd_report_period's names of the periods, in that order. */
static const char *const period_kind[] = { "daily", "weekly", "monthly" };

struct report_state {
	enum period period;
	char day[11];           /* the day the period holds; "" until the server said today */
	char from[11], to[11];  /* the period, as cd_report_period gives it */
	char **lines;
	size_t nlines;
	int top;                /* first line shown */
	int body;               /* lines of text the last draw had room for */
	char error[600];        /* why the report could not be read, "" */
};

static void free_lines(struct report_state *s)
{
	for (size_t i = 0; i < s->nlines; i++)
		free(s->lines[i]);
	free(s->lines);
	s->lines = NULL;
	s->nlines = 0;
	s->top = 0;
}

static void split_lines(struct report_state *s, char *text)
{
	size_t cap = 0;

	for (char *line = text, *end; line && *line; line = end ? end + 1 : NULL) {
		end = strchr(line, '\n');
		if (end)
			*end = '\0';
		if (s->nlines == cap) {
			cap = cap ? cap * 2 : 64;
			s->lines = xrealloc(s->lines, cap * sizeof(*s->lines));
		}
		s->lines[s->nlines++] = xstrdup(line);
	}
}

static void load(struct tui *t, struct report_state *s)
{
	struct cd_error err;
	json_t *r;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	free_lines(s);
	s->error[0] = '\0';
	cd_error_clear(&err);
	if (!s->day[0]) {
		/* First the centre's today (the server's calendar date, which
		 * the terminal's clock and time zone need not agree with). */
		r = cd_report_fetch(tui_session(t)->db, NULL, NULL, &err);
		if (r)
			snprintf(s->day, sizeof(s->day), "%s", json_string_value(json_object_get(r, "from"))
							       ? json_string_value(json_object_get(r, "from")) : "");
		snprintf(s->from, sizeof(s->from), "%s", s->day);
		snprintf(s->to, sizeof(s->to), "%s", s->day);
	} else if (cd_report_period(period_kind[s->period], s->day, s->from, s->to) < 0) {
		snprintf(s->error, sizeof(s->error), "%s", _("Not a date"));
		return;
	} else {
		r = cd_report_fetch(tui_session(t)->db, s->from, s->to, &err);
	}
	if (!r) {
		cd_error_text(&err, s->error, sizeof(s->error));
		return;
	}
	f = open_memstream(&text, &len);
	if (f) {
		cd_report_write(f, r, CD_REPORT_TEXT);
		fclose(f);
		split_lines(s, text);
	}
	free(text);
	json_decref(r);
}

/* s->day moved to the period before (dir -1) or after (+1): a day, seven
 * days, or the first of the month before or after. At noon, so that no
 * clock change moves it to another date. */
static void move_period(struct report_state *s, int dir)
{
	struct tm tm = { 0 };

	if (sscanf(s->day, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		return;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if (s->period == P_MONTH) {
		tm.tm_mday = 1;
		tm.tm_mon += dir;
	} else {
		tm.tm_mday += dir * (s->period == P_WEEK ? 7 : 1);
	}
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	if (mktime(&tm) != (time_t)-1)
		strftime(s->day, sizeof(s->day), "%Y-%m-%d", &tm);
}

static void report_enter(struct tui *t, void *st, const void *arg)
{
	struct report_state *s = st;

	(void)arg;
	s->day[0] = '\0';
	load(t, s);
}

static void report_draw(struct tui *t, void *st, WINDOW *w)
{
	struct report_state *s = st;
	int h = getmaxy(w), wd = getmaxx(w);

	(void)t;
	/* The report's own first line names the period. */
	s->body = h - 2 > 1 ? h - 2 : 1;
	if (s->top > (int)s->nlines - s->body)
		s->top = (int)s->nlines - s->body;
	if (s->top < 0)
		s->top = 0;
	for (int y = 0; y < s->body; y++) {
		size_t i = (size_t)s->top + (size_t)y;

		if (y == 0 && s->error[0]) {
			wattrset(w, draw_attr(ROLE_ERROR));
			draw_text_pad(w, 0, 1, wd - 2, s->error);
			wattrset(w, A_NORMAL);
			continue;
		}
		draw_text_pad(w, y, 1, wd - 2, !s->error[0] && i < s->nlines ? s->lines[i] : "");
	}
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text_pad(w, h - 1, 1, wd - 2,
		      _("<- ->: period before / after   Space: day, week or month   Up Down PgUp PgDn: scroll   Esc: back"));
	wattrset(w, A_NORMAL);
}

static enum screen_result report_key(struct tui *t, void *st, enum action a, const struct key *k)
{
	struct report_state *s = st;

	(void)k;
	switch (a) {
	case ACT_BACK:
		tui_pop(t);
		return SCR_DONE;
	case ACT_LEFT:
	case ACT_RIGHT:
		move_period(s, a == ACT_LEFT ? -1 : 1);
		load(t, s);
		return SCR_DONE;
	case ACT_TOGGLE:
		s->period = (s->period + 1) % 3;
		load(t, s);
		return SCR_DONE;
	default:
		return action_scroll(a, &s->top, s->body, (int)s->nlines) ? SCR_DONE : SCR_PASS;
	}
}

static void report_leave(struct tui *t, void *st)
{
	(void)t;
	free_lines(st);
}

static const enum action report_keys[] = { ACT_LEFT, ACT_RIGHT, ACT_TOGGLE, ACT_UP, ACT_DOWN,
					   ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_FIRST, ACT_LAST, ACT_BACK,
					   ACT_NONE };

static const struct hint report_hints[] = {
	{ ACT_TOGGLE, N_("Day/week/month") },
	{ ACT_BACK, NULL },
	{ ACT_NONE, NULL },
};

const struct screen_ops report_screen = {
	.name = N_("Reports"),
	.state_size = sizeof(struct report_state),
	.keys = report_keys,
	.hints = report_hints,
	.enter = report_enter,
	.draw = report_draw,
	.key = report_key,
	.leave = report_leave,
};
