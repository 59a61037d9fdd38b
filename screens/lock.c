/* The idle lock: covers the screen until the password is typed again. It is
 * checked against the argon2id hash kept at login, never against a stored
 * password. The screen underneath stays as it was. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "config.h"
#include "draw.h"
#include "field.h"
#include "i18n.h"
#include "screen.h"
#include "session.h"

struct lock_state {
	struct field password;
	struct throttle th;
	char since[16];
	bool waiting;
};

static void lock_enter(struct tui *t, void *st, const void *arg)
{
	struct lock_state *s = st;
	time_t now = time(NULL);
	struct tm tm;

	(void)arg;
	field_init(&s->password, 256, FIELD_SECRET);
	localtime_r(&now, &tm);
	strftime(s->since, sizeof(s->since), "%H:%M", &tm);
	tui_message(t, MSG_INFO, "%s", _("The screen was locked. Type your password to go on."));
}

static void lock_leave(struct tui *t, void *st)
{
	struct lock_state *s = st;

	(void)t;
	field_free(&s->password);
}

static void lock_draw(struct tui *t, void *st, WINDOW *w)
{
	struct lock_state *s = st;
	const struct cd_identity *who = tui_who(t);
	const struct cd_config *cfg = tui_config(t);
	int h = getmaxy(w), wd = getmaxx(w), bw = 64, bh = 10;
	int by = (h - bh) / 2, bx = (wd - bw) / 2, lw, cur, wait = throttle_wait(&s->th);
	char line[512];

	draw_box(w, by, bx, bh, bw, _("Locked"));
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_text(w, by + 1, bx + 3, bw - 6,
		  cfg && cfg->centre_name ? cfg->centre_name : "");
	draw_text(w, by + 2, bx + 3, bw - 6, _("This workstation is locked."));
	wattrset(w, A_NORMAL);
	if (who) {
		snprintf(line, sizeof(line), _("In use by %s (%s), %s"),
			 who->full_name[0] ? who->full_name : who->login, who->login,
			 cd_role_label(who->role));
		draw_text(w, by + 4, bx + 3, bw - 6, line);
	}
	snprintf(line, sizeof(line), _("Locked since %s."), s->since);
	draw_text(w, by + 5, bx + 3, bw - 6, line);

	lw = draw_width(_("Password"));
	draw_text(w, by + 7, bx + 3, lw, _("Password"));
	cur = field_draw(&s->password, w, by + 7, bx + 5 + lw, bw - lw - 10, true);
	if (wait > 0) {
		snprintf(line, sizeof(line),
			 ngettext("Too many failed attempts. Please wait %d second before the next try.",
				  "Too many failed attempts. Please wait %d seconds before the next try.", wait),
			 wait);
		wattrset(w, draw_attr(ROLE_ERROR));
		draw_wrap(w, by + bh + 1, bx, bw, 2, line, true);
		wattrset(w, A_NORMAL);
	} else {
		tui_cursor(t, by + 7, bx + 5 + lw + cur);
	}
}

static bool lock_tick(struct tui *t, void *st)
{
	struct lock_state *s = st;
	bool waiting = throttle_wait(&s->th) > 0, redraw = waiting || s->waiting;

	(void)t;
	s->waiting = waiting;
	return redraw;
}

static void unlock(struct tui *t, struct lock_state *s)
{
	char password[1024];
	bool ok;

	if (field_empty(&s->password)) {
		tui_message(t, MSG_ERROR, "%s", _("Enter your password."));
		return;
	}
	if (!field_get(&s->password, password, sizeof(password))) {
		field_clear(&s->password);
		tui_message(t, MSG_ERROR, "%s", _("Wrong password."));
		return;
	}
	field_clear(&s->password);
	tui_message(t, MSG_INFO, "%s", _("Checking…"));
	tui_flush(t);
	ok = tui_verify_password(t, password);
	sodium_memzero(password, sizeof(password));
	if (!ok) {
		throttle_failed(&s->th);
		tui_message(t, MSG_ERROR, "%s", _("Wrong password."));
		return;
	}
	tui_message(t, MSG_OK, "%s", _("Unlocked."));
	tui_pop(t);
}

static enum screen_result lock_key(struct tui *t, void *st, enum action a, const struct key *k)
{
	struct lock_state *s = st;
	int wait = throttle_wait(&s->th);

	if (a == ACT_QUIT || a == ACT_HELP || a == ACT_REDRAW)
		return SCR_PASS;
	if (wait > 0) {
		tui_message(t, MSG_ERROR,
			    ngettext("Please wait %d more second.", "Please wait %d more seconds.", wait), wait);
		return SCR_DONE;
	}
	switch (a) {
	case ACT_SUBMIT:
		unlock(t, s);
		return SCR_DONE;
	case ACT_BACK:
		field_clear(&s->password);
		return SCR_DONE;
	default:
		field_key(&s->password, a, k);
		return SCR_DONE; /* nothing reaches the locked screen */
	}
}

static bool lock_text_focus(const void *st)
{
	(void)st;
	return true;
}

static const enum action lock_keys[] = {
	ACT_SUBMIT, ACT_BACK, ACT_LEFT, ACT_RIGHT, ACT_DEL_BACK, ACT_CLEAR, ACT_NONE,
};

static const struct hint lock_hints[] = {
	{ ACT_SUBMIT, N_("Unlock") },
	{ ACT_NONE, NULL },
};

const struct screen_ops lock_screen = {
	.name = N_("Locked"),
	.state_size = sizeof(struct lock_state),
	.keys = lock_keys,
	.hints = lock_hints,
	.help_extra = N_("The screen locks itself after the minutes set in the configuration without a key. Only the password of the person logged in unlocks it; what was on the screen is kept."),
	.enter = lock_enter,
	.draw = lock_draw,
	.key = lock_key,
	.tick = lock_tick,
	.leave = lock_leave,
	.text_focus = lock_text_focus,
};
