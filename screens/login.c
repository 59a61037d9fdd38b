/* The login screen: who you are, your password, where you sit. */
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include <sodium.h>

#include "config.h"
#include "draw.h"
#include "error.h"
#include "field.h"
#include "i18n.h"
#include "screen.h"
#include "session.h"

enum { F_LOGIN, F_PASSWORD, F_WINDOW, F_COUNT };

#define MAX_WINDOW_NO 999

struct login_state {
	struct field fields[F_COUNT];
	int focus;
	struct throttle th;
	bool waiting; /* the last tick saw a pause running */
	char error[768]; /* why the last try failed, shown under the box */
};

static const char *const labels[F_COUNT] = {
	N_("Login"), N_("Password"), N_("Window no."),
};

static void login_enter(struct tui *t, void *st, const void *arg)
{
	struct login_state *s = st;
	const char *initial = arg;

	(void)t;
	field_init(&s->fields[F_LOGIN], 63, 0);
	field_init(&s->fields[F_PASSWORD], 256, FIELD_SECRET);
	field_init(&s->fields[F_WINDOW], 3, FIELD_DIGITS);
	if (initial && *initial)
		field_set(&s->fields[F_LOGIN], initial);
	s->focus = field_empty(&s->fields[F_LOGIN]) ? F_LOGIN : F_PASSWORD;
}

static void login_leave(struct tui *t, void *st)
{
	struct login_state *s = st;

	(void)t;
	for (int i = 0; i < F_COUNT; i++)
		field_free(&s->fields[i]);
}

static void login_draw(struct tui *t, void *st, WINDOW *w)
{
	struct login_state *s = st;
	const struct cd_config *cfg = tui_config(t);
	int h = getmaxy(w), wd = getmaxx(w);
	int box_w = 64, box_h = 9, lab = 0, top, left, fx, fw, wait, y;
	char line[256];

	for (int i = 0; i < F_COUNT; i++) {
		int lw = draw_width(_(labels[i]));
		if (lw > lab)
			lab = lw;
	}
	wait = throttle_wait(&s->th);
	top = (h - box_h - 6) / 2;
	if (top < 0)
		top = 0;
	left = (wd - box_w) / 2;

	wattrset(w, draw_attr(ROLE_HEADING));
	draw_center(w, top, cfg && cfg->centre_name && *cfg->centre_name ? cfg->centre_name
									: _("Government service centre"));
	wattrset(w, A_NORMAL);
	draw_center(w, top + 1, _("Service counter workbench"));

	top += 3;
	draw_box(w, top, left, box_h, box_w, _("Log in"));
	fx = left + 3 + lab + 2;
	fw = box_w - (fx - left) - 3;
	for (int i = 0; i < F_COUNT; i++) {
		int row = top + 2 + i, cols = i == F_WINDOW ? 5 : fw, cur;
		wattrset(w, s->focus == i ? A_BOLD : A_NORMAL);
		draw_text(w, row, left + 3, lab, _(labels[i]));
		wattrset(w, A_NORMAL);
		cur = field_draw(&s->fields[i], w, row, fx, cols, s->focus == i);
		if (i == F_WINDOW)
			draw_text(w, row, fx + cols + 2, box_w - (fx - left) - cols - 5,
				  _("empty: your usual window"));
		if (s->focus == i && wait == 0)
			tui_cursor(t, row, fx + cur);
	}
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, top + 6, left + 3, box_w - 6,
		  _("Enter: log in   Tab: next field   F1: help   F10: quit"));
	wattrset(w, A_NORMAL);

	y = top + box_h + 1;
	if (wait > 0) {
		snprintf(line, sizeof(line),
			 ngettext("Too many failed attempts. Please wait %d second before the next try.",
				  "Too many failed attempts. Please wait %d seconds before the next try.", wait),
			 wait);
		wattrset(w, draw_attr(ROLE_ERROR));
		y += draw_wrap(w, y, left, box_w, 2, line, true);
		wattrset(w, A_NORMAL);
		draw_wrap(w, y, left, box_w, 2, _("Keys are ignored until then (F10 still quits)."), true);
		return;
	}
	if (s->error[0]) {
		wattrset(w, draw_attr(ROLE_ERROR));
		y += draw_wrap(w, y, left, box_w, 3, s->error, true);
		wattrset(w, A_NORMAL);
	}
	if (s->th.failures > 0) {
		snprintf(line, sizeof(line),
			 ngettext("%d failed attempt in a row. After %d the screen waits before the next try.",
				  "%d failed attempts in a row. After %d the screen waits before the next try.",
				  s->th.failures),
			 s->th.failures, THROTTLE_FAILURES);
		draw_wrap(w, y, left, box_w, 2, line, true);
	}
}

static bool login_tick(struct tui *t, void *st)
{
	struct login_state *s = st;
	bool waiting = throttle_wait(&s->th) > 0;
	bool redraw = waiting || s->waiting;

	(void)t;
	s->waiting = waiting;
	return redraw;
}

/* Reads the window number: 0 when empty, -1 when not a valid number. */
static int window_number(const struct field *f)
{
	char buf[16];
	long n;

	if (field_empty(f))
		return 0;
	if (!field_get(f, buf, sizeof(buf)))
		return -1;
	n = strtol(buf, NULL, 10);
	return n >= 1 && n <= MAX_WINDOW_NO ? (int)n : -1;
}

static void submit(struct tui *t, struct login_state *s)
{
	char login[64], password[1024], text[768];
	struct cd_session *session;
	struct cd_error err;
	int window;

	if (!field_get(&s->fields[F_LOGIN], login, sizeof(login)) || !login[0]) {
		tui_message(t, MSG_ERROR, "%s", _("Enter your login."));
		s->focus = F_LOGIN;
		return;
	}
	if (field_empty(&s->fields[F_PASSWORD])) {
		tui_message(t, MSG_ERROR, "%s", _("Enter your password."));
		s->focus = F_PASSWORD;
		return;
	}
	window = window_number(&s->fields[F_WINDOW]);
	if (window < 0) {
		tui_message(t, MSG_ERROR, _("The window number is a number from 1 to %d, or empty."),
			    MAX_WINDOW_NO);
		s->focus = F_WINDOW;
		return;
	}
	if (!field_get(&s->fields[F_PASSWORD], password, sizeof(password))) {
		tui_message(t, MSG_ERROR, "%s", _("The password is too long."));
		field_clear(&s->fields[F_PASSWORD]);
		s->focus = F_PASSWORD;
		return;
	}

	s->error[0] = '\0';
	tui_message(t, MSG_INFO, "%s", _("Connecting to the database…"));
	tui_flush(t);
	cd_error_clear(&err);
	session = cd_session_login(tui_config(t), login, password, window, &err);
	field_clear(&s->fields[F_PASSWORD]);
	if (session) {
		throttle_passed(&s->th);
		tui_logged_in(t, session, password); /* pops this screen */
		sodium_memzero(password, sizeof(password));
		return;
	}
	sodium_memzero(password, sizeof(password));
	cd_error_text(&err, text, sizeof(text));
	/* Under the box, where there is room for libpq's whole sentence. */
	{
		size_t n = 0;
		for (const char *p = text; *p && n + 1 < sizeof(s->error); p++) {
			char c = (*p == '\n' || *p == '\t') ? ' ' : *p;
			if (c == ' ' && (n == 0 || s->error[n - 1] == ' '))
				continue; /* libpq's lines, joined with one space */
			s->error[n++] = c;
		}
		while (n && s->error[n - 1] == ' ')
			n--;
		s->error[n] = '\0';
	}
	tui_message(t, MSG_INFO, "%s", "");
	if (err.kind == CD_ERR_AUTH || err.kind == CD_ERR_NOPERM)
		throttle_failed(&s->th);
	s->focus = F_PASSWORD;
}

static enum screen_result login_key(struct tui *t, void *st, enum action a, const struct key *k)
{
	struct login_state *s = st;
	int wait = throttle_wait(&s->th);

	if (wait > 0) {
		if (a == ACT_QUIT || a == ACT_HELP || a == ACT_REDRAW)
			return SCR_PASS;
		tui_message(t, MSG_ERROR,
			    ngettext("Please wait %d more second.", "Please wait %d more seconds.", wait), wait);
		return SCR_DONE;
	}
	switch (a) {
	case ACT_NEXT:
	case ACT_DOWN:
		s->focus = (s->focus + 1) % F_COUNT;
		return SCR_DONE;
	case ACT_PREV:
	case ACT_UP:
		s->focus = (s->focus + F_COUNT - 1) % F_COUNT;
		return SCR_DONE;
	case ACT_SUBMIT:
		if (s->focus == F_LOGIN && field_empty(&s->fields[F_PASSWORD]) &&
		    !field_empty(&s->fields[F_LOGIN]))
			s->focus = F_PASSWORD; /* Enter after the login goes on to the password */
		else
			submit(t, s);
		return SCR_DONE;
	default:
		if (s->focus == F_WINDOW && a == ACT_NONE && keys_char(k) &&
		    !iswdigit((wint_t)keys_char(k)) && !(keys_char(k) >= 0xFF10 && keys_char(k) <= 0xFF19)) {
			tui_message(t, MSG_ERROR, "%s", _("The window number is digits only."));
			return SCR_DONE;
		}
		return field_key(&s->fields[s->focus], a, k) ? SCR_DONE : SCR_PASS;
	}
}

static bool login_text_focus(const void *st)
{
	(void)st;
	return true;
}

static const enum action login_keys[] = {
	ACT_SUBMIT, ACT_NEXT, ACT_PREV, ACT_DOWN, ACT_UP, ACT_LEFT, ACT_RIGHT, ACT_FIRST,
	ACT_LAST, ACT_DEL_BACK, ACT_DEL_FWD, ACT_CLEAR, ACT_NONE,
};

static const struct hint login_hints[] = {
	{ ACT_SUBMIT, N_("Log in") },
	{ ACT_NEXT, N_("Next field") },
	{ ACT_NONE, NULL },
};

const struct screen_ops login_screen = {
	.name = N_("Log in"),
	.state_size = sizeof(struct login_state),
	.keys = login_keys,
	.hints = login_hints,
	.help_extra = N_("The password is never shown. After five wrong passwords in a row the screen waits before the next try."),
	.enter = login_enter,
	.draw = login_draw,
	.key = login_key,
	.tick = login_tick,
	.leave = login_leave,
	.text_focus = login_text_focus,
};
