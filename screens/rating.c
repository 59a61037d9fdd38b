/* The rating pad (好差评) of one window: `counterdesk rate --window N`,
 * logged in with the kiosk account, facing the visitor. It shows the
 * service just finished at the window, in large type, and the five levels
 * on the keys 1 to 5; a bad rating (4, 5) asks why, with common reasons to
 * pick or a sentence to type; then it thanks the visitor and waits for the
 * next finished service.
 *
 * It polls nothing: a `finish` at its window (a notification of the hall
 * channel) makes it read what is to be rated (api.rating_pending). The
 * database takes one rating per finished service and only from a kiosk
 * account (api.rating_add). Nothing locks the pad; F10 asks before the pad
 * closes, so a visitor does not close it by chance. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "draw.h"
#include "field.h"
#include "hall_ui.h"
#include "i18n.h"
#include "picker.h"
#include "screen.h"
#include "session.h"
#include "util.h"

#define THANKS_SECONDS 8.0
#define REASON_IDLE 120.0 /* a reason left unfinished goes back to the levels */

enum rmode { R_WAIT, R_RATE, R_REASON, R_THANKS, R_QUIT };

struct rating_state {
	int window;
	enum rmode mode, before_quit;
	struct hall_watch watch;
	struct cd_rating_pending p;
	bool failed;            /* the pad cannot rate: why is on the screen */
	bool not_kiosk;         /* logged in with a staff account: it never will */
	char why[512];
	int level;
	struct picker reasons;
	struct field reason;
	bool typing;            /* the cursor is in the reason */
	double until;           /* end of the thanks, or of an idle reason */
	struct cd_rating_result r;
};

static const char *const common_reasons[] = {
	N_("Waited too long"),
	N_("The staff were not courteous"),
	N_("Had to come more than once"),
	N_("The materials needed were not explained at once"),
	N_("The matter was not resolved"),
};

static void load(struct tui *t, struct rating_state *s)
{
	struct cd_error err;
	char text[768];

	cd_error_clear(&err);
	if (cd_rating_pending(hall_db(t), s->window, &s->p, &err) < 0) {
		s->failed = true;
		if (err.kind == CD_ERR_NOPERM)
			snprintf(s->why, sizeof(s->why), "%s",
				 _("This account cannot rate services: the rating pad runs with the kiosk account."));
		else
			snprintf(s->why, sizeof(s->why), _("Nothing can be rated now: %s"),
				 cd_error_text(&err, text, sizeof(text)));
		return;
	}
	s->failed = false;
	/* A visitor in the middle of a rating keeps the screen; the next
	 * finished service waits until this one is rated. */
	if (s->mode == R_WAIT || s->mode == R_RATE)
		s->mode = s->p.found ? R_RATE : R_WAIT;
}

static void draw_service(struct rating_state *s, WINDOW *w, int y)
{
	char line[512], win[64], tk[64], tm[20];

	snprintf(win, sizeof(win), _("Window %d"), s->p.window_no);
	snprintf(tk, sizeof(tk), _("ticket %s"), s->p.number);
	snprintf(line, sizeof(line), "%s%s%s%s%s", win, draw_dot(), tk, draw_dot(), s->p.category_name);
	draw_center(w, y, line);
	if (s->p.served_by_name[0]) {
		snprintf(line, sizeof(line), _("Served by %s, finished at %s"), s->p.served_by_name,
			 cd_hall_time(s->p.finished_at, tm));
		draw_center(w, y + 1, line);
	}
}

static void draw_levels(struct rating_state *s, WINDOW *w, int y)
{
	int wd = getmaxx(w), colw = wd / 5;

	for (int l = 1; l <= 5; l++) {
		char digit[2] = { (char)('0' + l), '\0' };
		const char *label = cd_rating_level_label(l);
		int cx = (l - 1) * colw, lw = draw_width(label);

		wattrset(w, l <= 2 ? draw_attr(ROLE_OK) : l >= 4 ? draw_attr(ROLE_ERROR) : A_BOLD);
		big_draw(w, y, cx + (colw - big_width(digit)) / 2, digit);
		wattrset(w, A_BOLD);
		if (lw <= colw - 2)
			draw_text(w, y + BIG_ROWS + 1, cx + (colw - lw) / 2, colw, label);
		else /* "basically satisfied" in 16 columns: two lines */
			draw_wrap(w, y + BIG_ROWS + 1, cx + 1, colw - 2, 2, label, true);
		wattrset(w, A_NORMAL);
	}
	(void)s;
}

static void draw_rate(struct rating_state *s, WINDOW *w)
{
	int h = getmaxy(w), wd = getmaxx(w), nw = big_width(s->p.number);

	wattrset(w, draw_attr(ROLE_HEADING));
	draw_center(w, 0, _("Please rate the service you just received"));
	wattrset(w, A_NORMAL);
	draw_service(s, w, 1);
	big_draw(w, 4, (wd - nw) / 2, s->p.number);
	draw_levels(s, w, 10);
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_center(w, h - 3, _("Press a key from 1 to 5"));
	wattrset(w, draw_attr(ROLE_DIM));
	draw_center(w, h - 2, _("The rating is anonymous and helps the centre to serve better."));
	wattrset(w, A_NORMAL);
}

static void draw_wait(struct rating_state *s, WINDOW *w)
{
	int h = getmaxy(w), wd = getmaxx(w);
	char num[16], line[128];

	snprintf(num, sizeof(num), "%d", s->window);
	snprintf(line, sizeof(line), _("Window %d"), s->window);
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_center(w, 2, line);
	wattrset(w, A_NORMAL);
	big_draw(w, 4, (wd - big_width(num)) / 2, num);
	wattrset(w, draw_attr(ROLE_HEADING));
	if (s->failed) {
		wattrset(w, draw_attr(ROLE_ERROR));
		draw_wrap(w, 11, 4, wd - 8, 4, s->why, true);
	} else {
		draw_center(w, 11, _("Welcome. When your service is finished, please rate it here."));
		wattrset(w, A_NORMAL);
		draw_center(w, 13, _("Five levels, from very satisfied to very dissatisfied, on the keys 1 to 5."));
	}
	wattrset(w, draw_attr(ROLE_DIM));
	draw_center(w, h - 2, _("Waiting for the next finished service..."));
	wattrset(w, A_NORMAL);
}

static void draw_reason(struct tui *t, struct rating_state *s, WINDOW *w)
{
	int h = getmaxy(w), wd = getmaxx(w), bx = 6, bw = wd - 12, lw, cur;
	char line[256];

	snprintf(line, sizeof(line), _("You chose %d: %s"), s->level, cd_rating_level_label(s->level));
	wattrset(w, draw_attr(ROLE_ERROR));
	draw_center(w, 0, line);
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_center(w, 2, _("Please tell us why, so that the centre can put it right."));
	wattrset(w, A_NORMAL);
	draw_service(s, w, 3);
	wattrset(w, !s->typing ? A_BOLD : A_NORMAL);
	draw_text(w, 6, bx, bw, _("Choose a reason:"));
	wattrset(w, A_NORMAL);
	picker_draw(&s->reasons, t, w, 7, bx, (int)ARRAY_SIZE(common_reasons), bw, NULL, NULL, false);
	wattrset(w, s->typing ? A_BOLD : A_NORMAL);
	lw = draw_text(w, 14, bx, bw / 2, _("Or write it:")) + 1;
	wattrset(w, A_NORMAL);
	cur = field_draw(&s->reason, w, 14, bx + lw, bw - lw, s->typing);
	if (s->typing)
		tui_cursor(t, 14, bx + lw + cur);
	wattrset(w, draw_attr(ROLE_DIM));
	draw_center(w, h - 3, _("Up and down choose, Enter sends; typing writes your own reason."));
	draw_center(w, h - 2, _("Esc: choose the level again"));
	wattrset(w, A_NORMAL);
}

static void draw_thanks(struct rating_state *s, WINDOW *w)
{
	int wd = getmaxx(w);
	char line[256], due[20];

	wattrset(w, draw_attr(ROLE_OK));
	big_draw(w, 2, (wd - big_width("OK")) / 2, "OK");
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_center(w, 9, _("Thank you for your rating!"));
	wattrset(w, A_NORMAL);
	snprintf(line, sizeof(line), _("Ticket %s: %s"), s->r.number, cd_rating_level_label(s->r.level));
	draw_center(w, 11, line);
	if (s->r.followup) {
		snprintf(line, sizeof(line), _("The centre will look into it and follow it up by %s."),
			 cd_hall_time(s->r.callback_due, due));
		draw_wrap(w, 13, 6, wd - 12, 2, line, true);
	}
}

static void rating_draw(struct tui *t, void *st, WINDOW *w)
{
	struct rating_state *s = st;
	int h = getmaxy(w);

	switch (s->mode == R_QUIT ? s->before_quit : s->mode) {
	case R_RATE:
		draw_rate(s, w);
		break;
	case R_REASON:
		draw_reason(t, s, w);
		break;
	case R_THANKS:
		draw_thanks(s, w);
		break;
	default:
		draw_wait(s, w);
		break;
	}
	if (s->mode == R_QUIT)
		ask_draw(w, _("Close the rating pad"), _("Close the rating pad? Staff start it again with counterdesk rate."),
			 _("y: close     n or Esc: keep it open"));
	(void)h;
}

static void send(struct tui *t, struct rating_state *s, const char *reason)
{
	struct cd_error err;
	char text[768];

	cd_error_clear(&err);
	if (cd_rating_add(hall_db(t), s->window, s->level, reason, &s->r, &err) < 0) {
		if (err.kind == CD_ERR_NOTFOUND) {
			/* Rated meanwhile, or nothing finished: back to waiting. */
			s->mode = R_WAIT;
			load(t, s);
		}
		tui_message(t, MSG_ERROR, _("The rating was not recorded: %s"), cd_error_text(&err, text, sizeof(text)));
		return;
	}
	field_clear(&s->reason);
	s->mode = R_THANKS;
	s->until = tui_now() + THANKS_SECONDS;
}

static void choose(struct tui *t, struct rating_state *s, int level)
{
	s->level = level;
	if (!cd_rating_needs_reason(level)) {
		send(t, s, NULL);
		return;
	}
	field_clear(&s->reason);
	picker_select(&s->reasons, 0);
	s->typing = false;
	s->mode = R_REASON;
	s->until = tui_now() + REASON_IDLE;
}

static void send_reason(struct tui *t, struct rating_state *s)
{
	char text[1024];
	long r;

	if (s->typing || !field_empty(&s->reason)) {
		if (!field_get(&s->reason, text, sizeof(text)) || !text[0]) {
			tui_message(t, MSG_ERROR, "%s", _("Please write a few words, or choose a reason above."));
			return;
		}
		send(t, s, text);
		return;
	}
	r = picker_selected(&s->reasons);
	if (r < 0)
		return;
	send(t, s, _(common_reasons[r]));
}

static enum screen_result reason_key(struct tui *t, struct rating_state *s, enum action a, const struct key *k)
{
	s->until = tui_now() + REASON_IDLE;
	switch (a) {
	case ACT_BACK:
		s->mode = s->p.found ? R_RATE : R_WAIT;
		return SCR_DONE;
	case ACT_SUBMIT:
		send_reason(t, s);
		return SCR_DONE;
	case ACT_UP:
	case ACT_DOWN:
	case ACT_NEXT:
	case ACT_PREV:
		if (s->typing && field_empty(&s->reason)) {
			s->typing = false;
			return SCR_DONE;
		}
		if (!s->typing)
			picker_key(&s->reasons, a == ACT_NEXT ? ACT_DOWN : a == ACT_PREV ? ACT_UP : a, k);
		return SCR_DONE;
	case ACT_HELP:
	case ACT_REDRAW:
		return SCR_PASS;
	default:
		break;
	}
	/* Any character, whatever it is bound to elsewhere, starts the reason. */
	if (!s->typing && !k->is_key && !k->meta && keys_char(k)) {
		s->typing = true;
		field_key(&s->reason, ACT_NONE, k);
		return SCR_DONE;
	}
	if (s->typing)
		field_key(&s->reason, a, k);
	return SCR_DONE;
}

static enum screen_result rating_key(struct tui *t, void *st, enum action a, const struct key *k)
{
	struct rating_state *s = st;

	if (s->mode == R_QUIT) {
		if (a == ACT_YES)
			tui_quit_now(t);
		else if (a == ACT_NO || a == ACT_BACK || a == ACT_SUBMIT || a == ACT_QUIT)
			s->mode = s->before_quit;
		return SCR_DONE;
	}
	if (a == ACT_QUIT) {
		s->before_quit = s->mode;
		s->mode = R_QUIT;
		return SCR_DONE;
	}
	if (a == ACT_LOCK)
		return SCR_DONE; /* a visitor must not lock the pad */
	if (s->mode == R_REASON)
		return reason_key(t, s, a, k);
	if (s->mode == R_RATE && !k->is_key && !k->meta && k->ch >= '1' && k->ch <= '5') {
		choose(t, s, (int)(k->ch - '0'));
		return SCR_DONE;
	}
	if (s->mode == R_RATE && !k->is_key && !k->meta && k->ch >= 0xFF11 && k->ch <= 0xFF15) {
		choose(t, s, (int)(k->ch - 0xFF10)); /* full-width digits from an input method */
		return SCR_DONE;
	}
	if (s->mode == R_THANKS) {
		s->until = 0; /* any key: done thanking */
		return SCR_DONE;
	}
	if (a == ACT_HELP || a == ACT_REDRAW)
		return SCR_PASS;
	return SCR_DONE;
}

static void rating_enter(struct tui *t, void *st, const void *arg)
{
	struct rating_state *s = st;
	const struct cd_identity *who = tui_who(t);

	s->window = arg ? *(const int *)arg : 0;
	picker_init(&s->reasons, false);
	for (size_t i = 0; i < ARRAY_SIZE(common_reasons); i++)
		picker_add(&s->reasons, _(common_reasons[i]), NULL, false);
	picker_refresh(&s->reasons);
	field_init(&s->reason, 200, 0);
	s->mode = R_WAIT;
	if (who && strcmp(who->role, "kiosk") != 0) {
		s->failed = s->not_kiosk = true;
		snprintf(s->why, sizeof(s->why), "%s",
			 _("This account cannot rate services: the rating pad runs with the kiosk account."));
		return;
	}
	hall_watch_start(t, &s->watch);
	load(t, s);
}

static bool rating_tick(struct tui *t, void *st)
{
	struct rating_state *s = st;
	struct hall_event ev;
	bool reload = false, redraw = false;
	double now = tui_now();

	if (s->not_kiosk)
		return false;
	while (hall_watch_next(t, &s->watch, &ev)) {
		if (!ev.event[0] || !strcmp(ev.event, "config") || !strcmp(ev.event, "close_day") ||
		    (ev.window == s->window && (!strcmp(ev.event, "finish") || !strcmp(ev.event, "call"))))
			reload = true;
	}
	if (s->mode == R_THANKS && now >= s->until) {
		s->mode = R_WAIT;
		reload = redraw = true;
	}
	if (s->mode == R_REASON && now >= s->until) {
		field_clear(&s->reason);
		s->mode = R_RATE;
		reload = redraw = true;
	}
	if (reload) {
		struct cd_rating_pending before = s->p;
		enum rmode mode = s->mode;
		bool failed = s->failed;

		load(t, s);
		redraw |= memcmp(&before, &s->p, sizeof(before)) != 0 || mode != s->mode || failed != s->failed;
	}
	return redraw;
}

static void rating_leave(struct tui *t, void *st)
{
	struct rating_state *s = st;

	(void)t;
	picker_free(&s->reasons);
	field_free(&s->reason);
}

static bool rating_text_focus(const void *st)
{
	const struct rating_state *s = st;

	return s->mode == R_REASON && s->typing;
}

static const enum action rating_keys[] = { ACT_SUBMIT, ACT_UP, ACT_DOWN, ACT_BACK, ACT_NONE };

static const struct hint rating_hints[] = { { ACT_NONE, NULL } };

const struct screen_ops rating_screen = {
	.name = N_("Rate our service"),
	.state_size = sizeof(struct rating_state),
	.keys = rating_keys,
	.hints = rating_hints,
	.help_extra = N_("1 to 5 rate the service just finished: 1 very satisfied, 2 satisfied, 3 basically satisfied, 4 dissatisfied, 5 very dissatisfied. For 4 and 5, choose or write the reason and press Enter."),
	.enter = rating_enter,
	.draw = rating_draw,
	.key = rating_key,
	.tick = rating_tick,
	.leave = rating_leave,
	.text_focus = rating_text_focus,
};
