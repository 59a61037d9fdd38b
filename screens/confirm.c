/* "Quit and lose unsaved work?" The safe answer is the default. */
#include "draw.h"
#include "i18n.h"
#include "screen.h"

static void confirm_draw(struct tui *t, void *st, WINDOW *w)
{
	int h = getmaxy(w), wd = getmaxx(w), bw = 60, bh = 7;
	int by = (h - bh) / 2, bx = (wd - bw) / 2;

	(void)t;
	(void)st;
	draw_box(w, by, bx, bh, bw, _("Unsaved work"));
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_wrap(w, by + 1, bx + 3, bw - 6, 2,
		  _("Some work on the screen is not saved yet. Quit anyway and lose it?"), true);
	wattrset(w, A_NORMAL);
	draw_wrap(w, by + 4, bx + 3, bw - 6, 2, _("y: quit and lose it     n, Esc or Enter: stay"), true);
}

static enum screen_result confirm_key(struct tui *t, void *st, enum action a, const struct key *k)
{
	(void)st;
	(void)k;
	switch (a) {
	case ACT_YES:
		tui_quit_now(t);
		return SCR_DONE;
	case ACT_NO:
	case ACT_BACK:
	case ACT_SUBMIT:
	case ACT_QUIT:
		tui_pop(t);
		return SCR_DONE;
	case ACT_HELP:
	case ACT_REDRAW:
		return SCR_PASS;
	default:
		return SCR_DONE;
	}
}

static const enum action confirm_keys[] = { ACT_YES, ACT_NO, ACT_BACK, ACT_NONE };

static const struct hint confirm_hints[] = {
	{ ACT_YES, N_("Quit") },
	{ ACT_NO, N_("Stay") },
	{ ACT_NONE, NULL },
};

const struct screen_ops confirm_screen = {
	.name = N_("Quit?"),
	.overlay = true,
	.keys = confirm_keys,
	.hints = confirm_hints,
	.draw = confirm_draw,
	.key = confirm_key,
};
