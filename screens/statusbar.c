/* The three lines the framework draws around the screens: the title with
 * key hints (top), the message line and the status bar (bottom). Each is
 * drawn again only when what it shows changed: a supervisor on a slow SSH
 * link pays for the clock once a minute, nothing more. */
#include <langinfo.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "draw.h"
#include "i18n.h"
#include "screen.h"
#include "session.h"

static const char *separator(void)
{
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0 ? " \xe2\x94\x82 " : " | ";
}

/* Draws s from x within cols; returns the columns used. */
static int put(WINDOW *w, int x, int cols, const char *s)
{
	return cols > 0 ? draw_text(w, 0, x, cols, s) : 0;
}

bool statusbar_update(struct tui *t, WINDOW *w, bool force)
{
	static char last[1024];
	const struct cd_config *cfg = tui_config(t);
	const struct cd_identity *who = tui_who(t);
	enum conn_state conn = tui_conn(t);
	char clock[16], window[64], staff[320], sig[1024];
	const char *centre = cfg && cfg->centre_name ? cfg->centre_name : "";
	const char *state = "", *sep = separator();
	int cols = getmaxx(w), sepw = draw_width(sep);
	int centre_w, window_w, staff_w, right_w, x;
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(clock, sizeof(clock), "%H:%M", &tm);
	if (who) {
		if (who->window_no > 0)
			snprintf(window, sizeof(window), _("Window %d"), who->window_no);
		else
			snprintf(window, sizeof(window), "%s", _("No window"));
		snprintf(staff, sizeof(staff), "%s%s%s", who->full_name[0] ? who->full_name : who->login,
			 draw_dot(), cd_role_label(who->role));
	} else {
		window[0] = '\0';
		snprintf(staff, sizeof(staff), "%s", _("Not logged in"));
	}
	if (conn == CONN_OK)
		state = _("Connected");
	else if (conn == CONN_LOST)
		state = _("Database connection lost — reconnecting…");

	snprintf(sig, sizeof(sig), "%d|%d|%s|%s|%s|%s|%s", cols, (int)conn, centre, window,
		 staff, state, clock);
	if (!force && strcmp(sig, last) == 0)
		return false;
	snprintf(last, sizeof(last), "%s", sig);

	/* Left: centre, window, staff. Right: connection and clock. When it
	 * does not fit, give way in this order: the centre's name, the long
	 * form of a lost connection, the window, the end of the staff name. */
	centre_w = draw_width(centre);
	window_w = window[0] ? draw_width(window) + sepw : 0;
	staff_w = draw_width(staff);
#define RIGHT_W() (draw_width(state) + (state[0] ? 1 : 0) + draw_width(clock) + 1)
#define LEFT_W() (1 + (centre_w ? centre_w + sepw : 0) + window_w + staff_w + 1)
	right_w = RIGHT_W();
	if (LEFT_W() + right_w > cols && conn == CONN_LOST && LEFT_W() - centre_w - sepw + right_w > cols) {
		state = _("Reconnecting…");
		right_w = RIGHT_W();
	}
	if (LEFT_W() + right_w > cols && centre_w) {
		centre_w -= LEFT_W() + right_w - cols;
		if (centre_w < 8)
			centre_w = 0;
	}
	if (LEFT_W() + right_w > cols)
		window_w = 0;
#undef LEFT_W
#undef RIGHT_W

	wbkgdset(w, ' ' | draw_attr(conn == CONN_LOST ? ROLE_STATUS_BAD : ROLE_STATUS));
	wattrset(w, draw_attr(conn == CONN_LOST ? ROLE_STATUS_BAD : ROLE_STATUS));
	werase(w);
	x = 1;
	if (centre_w) {
		x += put(w, x, centre_w, centre);
		x += put(w, x, sepw, sep);
	}
	if (window_w) {
		x += put(w, x, window_w - sepw, window);
		x += put(w, x, sepw, sep);
	}
	put(w, x, cols - right_w - x - 1, staff);
	x = cols - right_w;
	if (state[0]) {
		x += put(w, x, cols - x, state);
		x += put(w, x, cols - x, " ");
	}
	put(w, x, cols - x, clock);
	wattrset(w, A_NORMAL);
	return true;
}

bool titlebar_update(struct tui *t, WINDOW *w, const struct screen_ops *top, bool force)
{
	static char last[512];
	static const struct hint everywhere[] = { { ACT_HELP, NULL }, { ACT_QUIT, NULL }, { ACT_NONE, NULL } };
	const struct hint *lists[2] = { top ? top->hints : NULL, everywhere };
	const struct screen_ops *below = tui_below(t);
	char title[256], sig[512];
	int cols = getmaxx(w), x, hints_cols = 0;
	char keyname[32];

	if (top && top == &help_screen && below)
		snprintf(title, sizeof(title), "counterdesk%s%s%s%s", draw_dot(), _(top->name), draw_dot(),
			 _(below->name));
	else
		snprintf(title, sizeof(title), "counterdesk%s%s", draw_dot(), top ? _(top->name) : "");
	snprintf(sig, sizeof(sig), "%d|%p|%s", cols, (const void *)top, title);
	if (!force && strcmp(sig, last) == 0)
		return false;
	snprintf(last, sizeof(last), "%s", sig);

	wbkgdset(w, ' ' | draw_attr(ROLE_TITLE));
	wattrset(w, draw_attr(ROLE_TITLE));
	werase(w);
	x = 1 + draw_text(w, 0, 1, cols / 2, title);

	/* Hints from the right edge leftwards while they fit: a screen's own
	 * first, then the ones that work everywhere. */
	{
		struct { char key[32]; const char *label; } shown[24];
		int n = 0;

		for (int l = 0; l < 2; l++) {
			for (const struct hint *h = lists[l]; h && h->act != ACT_NONE && n < 24; h++) {
				int need;
				/* Help on the help screen says nothing. */
				if (top == &help_screen && l == 1 && h->act == ACT_HELP)
					continue;
				keys_first(h->act, keyname, sizeof(keyname));
				need = draw_width(keyname) + 1 +
				       draw_width(h->label ? _(h->label) : action_hint(h->act)) + 2;
				if (x + 2 + hints_cols + need > cols)
					break;
				snprintf(shown[n].key, sizeof(shown[n].key), "%s", keyname);
				shown[n].label = h->label ? _(h->label) : action_hint(h->act);
				hints_cols += need;
				n++;
			}
		}
		x = cols - hints_cols;
		for (int i = 0; i < n; i++) {
			wattrset(w, draw_attr(ROLE_TITLE) | A_BOLD);
			x += draw_text(w, 0, x, cols - x, shown[i].key);
			wattrset(w, draw_attr(ROLE_TITLE));
			x += draw_text(w, 0, x, cols - x, " ");
			x += draw_text(w, 0, x, cols - x, shown[i].label);
			x += draw_text(w, 0, x, cols - x, "  ");
		}
	}
	wattrset(w, A_NORMAL);
	return true;
}

bool msgline_update(WINDOW *w, const char *text, enum msg_kind kind, bool force)
{
	if (!force)
		return false;
	werase(w);
	wattrset(w, draw_attr(kind == MSG_ERROR ? ROLE_ERROR : kind == MSG_OK ? ROLE_OK : ROLE_NORMAL));
	draw_text(w, 0, 1, getmaxx(w) - 2, text);
	wattrset(w, A_NORMAL);
	return true;
}
