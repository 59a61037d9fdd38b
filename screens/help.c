/* F1: the keys of the screen underneath, generated from the same action
 * list as the bindings, then the keys that work everywhere. */
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "i18n.h"
#include "screen.h"

struct help_state {
	const struct screen_ops *of; /* the screen whose keys are shown */
	int scroll;                  /* first item shown */
	int items, shown;            /* from the last draw, for paging */
};

struct item {
	char keys[96];
	const char *text;
	bool heading;
};

#define MAX_ITEMS 48

static const enum action everywhere[] = { ACT_HELP, ACT_BACK, ACT_QUIT, ACT_LOCK, ACT_REDRAW, ACT_NONE };

static int add(struct item *items, int n, const char *keys, const char *text, bool heading)
{
	if (n >= MAX_ITEMS)
		return n;
	snprintf(items[n].keys, sizeof(items[n].keys), "%s", keys ? keys : "");
	items[n].text = text;
	items[n].heading = heading;
	return n + 1;
}

static int collect(const struct tui *t, const struct screen_ops *of, struct item *items)
{
	bool text = of && of->text_focus;
	char keys[96];
	int n = 0;

	if (of && of->keys && of->keys[0] != ACT_NONE) {
		n = add(items, n, NULL, _("Keys of this screen"), true);
		for (const enum action *a = of->keys; *a != ACT_NONE; a++) {
			keys_describe(*a, text, keys, sizeof(keys));
			n = add(items, n, keys, action_help(*a), false);
		}
	}
	if (of && of->help_extra)
		n = add(items, n, "", _(of->help_extra), false);
	n = add(items, n, NULL, _("Keys that work everywhere"), true);
	for (const enum action *a = everywhere; *a != ACT_NONE; a++) {
		if (*a == ACT_LOCK && !tui_who(t))
			continue;
		keys_describe(*a, text, keys, sizeof(keys));
		n = add(items, n, keys, action_help(*a), false);
	}
	n = add(items, n, "", _("Where F1 or F10 do nothing (vt100, some consoles): Esc then a digit quickly, or Alt-1 ... Alt-0, stands for F1 ... F10; Ctrl-G shows this help and Ctrl-Q quits."), false);
	return n;
}

static void help_enter(struct tui *t, void *st, const void *arg)
{
	struct help_state *s = st;

	(void)t;
	s->of = arg;
}

static void help_draw(struct tui *t, void *st, WINDOW *w)
{
	struct help_state *s = st;
	struct item items[MAX_ITEMS];
	int h = getmaxy(w), wd = getmaxx(w);
	int bw = wd - 4 > 96 ? 96 : wd - 4, bh = h - 2, bx = (wd - bw) / 2, by = 1;
	int n = collect(t, s->of, items), kw = 0, tx, tw, y, i;
	char title[160];

	for (i = 0; i < n; i++) {
		int cw = items[i].heading ? 0 : draw_width(items[i].keys);
		if (cw > kw)
			kw = cw;
	}
	if (kw > bw / 3)
		kw = bw / 3;
	tx = bx + 2 + kw + 2;
	tw = bx + bw - 2 - tx;

	snprintf(title, sizeof(title), _("Help: %s"), s->of ? _(s->of->name) : "");
	draw_box(w, by, bx, bh, bw, title);
	if (s->scroll >= n)
		s->scroll = n - 1;
	if (s->scroll < 0)
		s->scroll = 0;
	y = by + 1;
	for (i = s->scroll; i < n; i++) {
		int rows = items[i].heading ? 1 : draw_wrap(w, 0, 0, tw, 8, items[i].text, false);
		if (items[i].heading && i > s->scroll)
			y++; /* a blank line before each section */
		if (y + rows > by + bh - 1)
			break;
		if (items[i].heading) {
			wattrset(w, draw_attr(ROLE_HEADING));
			draw_text(w, y, bx + 2, bw - 4, items[i].text);
		} else {
			wattrset(w, draw_attr(ROLE_KEY));
			draw_text(w, y, bx + 2, kw, items[i].keys);
			wattrset(w, A_NORMAL);
			draw_wrap(w, y, tx, tw, rows, items[i].text, true);
		}
		wattrset(w, A_NORMAL);
		y += rows;
	}
	s->items = n;
	s->shown = i - s->scroll;
	if (s->scroll > 0 || i < n) {
		snprintf(title, sizeof(title), " %s ", _("↑↓ PgUp PgDn: more"));
		draw_text(w, by + bh - 1, bx + bw - 2 - draw_width(title), draw_width(title), title);
	}
}

static enum screen_result help_key(struct tui *t, void *st, enum action a, const struct key *k)
{
	struct help_state *s = st;

	(void)k;
	switch (a) {
	case ACT_HELP:
	case ACT_BACK:
	case ACT_SUBMIT:
		tui_pop(t);
		return SCR_DONE;
	case ACT_UP:
		s->scroll--;
		return SCR_DONE;
	case ACT_DOWN:
		if (s->scroll + s->shown < s->items)
			s->scroll++;
		return SCR_DONE;
	case ACT_PAGE_UP:
		s->scroll -= s->shown > 1 ? s->shown - 1 : 1;
		return SCR_DONE;
	case ACT_PAGE_DOWN:
		if (s->scroll + s->shown < s->items)
			s->scroll += s->shown > 1 ? s->shown - 1 : 1;
		return SCR_DONE;
	case ACT_FIRST:
		s->scroll = 0;
		return SCR_DONE;
	case ACT_LAST:
		s->scroll = s->items - 1;
		return SCR_DONE;
	case ACT_QUIT:
	case ACT_LOCK:
	case ACT_REDRAW:
		return SCR_PASS;
	default:
		return SCR_DONE; /* nothing reaches the screen underneath */
	}
}

static const enum action help_keys[] = { ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_BACK, ACT_NONE };

static const struct hint help_hints[] = {
	{ ACT_BACK, N_("Close") },
	{ ACT_NONE, NULL },
};

const struct screen_ops help_screen = {
	.name = N_("Help"),
	.state_size = sizeof(struct help_state),
	.overlay = true,
	.keys = help_keys,
	.hints = help_hints,
	.enter = help_enter,
	.draw = help_draw,
	.key = help_key,
};
