/* The box of inputs (formbox.h). */
#include <stdio.h>
#include <string.h>
#include <wctype.h>

#include "draw.h"
#include "error.h"
#include "formbox.h"
#include "i18n.h"
#include "screen.h"

void formbox_close(struct formbox *b)
{
	for (int i = 0; i < b->n; i++)
		if (!b->it[i].choices)
			field_free(&b->it[i].f);
	memset(b, 0, sizeof(*b));
}

void formbox_open(struct formbox *b, const char *title)
{
	formbox_close(b);
	b->title = title;
	b->open = true;
}

static struct formbox_item *add(struct formbox *b, const char *label, const char *note)
{
	struct formbox_item *it;

	if (b->n >= FORMBOX_MAX)
		return NULL; /* a programming error: the owner knows its inputs */
	it = &b->it[b->n++];
	it->label = label;
	it->note = note;
	return it;
}

int formbox_text(struct formbox *b, const char *label, size_t max_chars, unsigned flags, const char *note)
{
	struct formbox_item *it = add(b, label, note);

	if (!it)
		return -1;
	field_init(&it->f, max_chars, flags);
	return b->n - 1;
}

int formbox_choice(struct formbox *b, const char *label, const char *const *choices, size_t n,
		   size_t chosen, const char *note)
{
	struct formbox_item *it = add(b, label, note);

	if (!it)
		return -1;
	it->choices = choices;
	it->nchoices = n;
	it->choice = chosen < n ? chosen : 0;
	return b->n - 1;
}

bool formbox_text_focus(const struct formbox *b)
{
	/* On a choice too: a letter typed there picks, it is no command. */
	return b->open;
}

/* A letter typed on a choice moves to the next one whose label starts with
 * it ("m" finds "MZ 民政"): quicker than Space through a long list. */
static bool jump_to(struct formbox_item *it, wchar_t c)
{
	for (size_t step = 1; step <= it->nchoices; step++) {
		size_t i = (it->choice + step) % it->nchoices;
		unsigned char first = (unsigned char)it->choices[i][0];

		if (first < 0x80 && towlower(first) == towlower((wint_t)c)) {
			it->choice = i;
			return true;
		}
	}
	return false;
}

static bool choice_key(struct formbox_item *it, enum action a, const struct key *k)
{
	wchar_t c = a == ACT_NONE ? keys_char(k) : 0;

	if (!it->nchoices)
		return false;
	if (a == ACT_RIGHT || c == L' ') {
		it->choice = (it->choice + 1) % it->nchoices;
		return true;
	}
	if (a == ACT_LEFT) {
		it->choice = (it->choice + it->nchoices - 1) % it->nchoices;
		return true;
	}
	if (c) {
		if (!jump_to(it, c))
			beep();
		return true;
	}
	return false;
}

bool formbox_key(struct formbox *b, enum action a, const struct key *k)
{
	struct formbox_item *it;

	if (!b->open || !b->n)
		return false;
	it = &b->it[b->focus];
	switch (a) {
	case ACT_NEXT:
	case ACT_DOWN:
		b->focus = (b->focus + 1) % b->n;
		return true;
	case ACT_PREV:
	case ACT_UP:
		b->focus = (b->focus + b->n - 1) % b->n;
		return true;
	default:
		return it->choices ? choice_key(it, a, k) : field_key(&it->f, a, k);
	}
}

bool formbox_get(const struct formbox *b, int i, char *buf, size_t len)
{
	size_t n, start = 0;

	buf[0] = '\0';
	if (i < 0 || i >= b->n || b->it[i].choices || !field_get(&b->it[i].f, buf, len))
		return false;
	if (b->it[i].f.flags & FIELD_SECRET)
		return true;
	/* Spaces around a name or a code are not part of what was meant. */
	n = strlen(buf);
	while (n && buf[n - 1] == ' ')
		buf[--n] = '\0';
	while (buf[start] == ' ')
		start++;
	memmove(buf, buf + start, n - start + 1);
	return true;
}

void formbox_problem(struct formbox *b, const char *what, const struct cd_error *err)
{
	char text[640];

	snprintf(b->problem, sizeof(b->problem), _("%s: %s"), what, cd_error_text(err, text, sizeof(text)));
}

void formbox_draw(struct formbox *b, struct tui *t, WINDOW *w, const char *answers)
{
	int h = getmaxy(w), wd = getmaxx(w), bw = wd - 4 < 72 ? wd - 4 : 72, lw = 0;
	int prob = b->problem[0] ? draw_wrap(w, 0, 0, bw - 6, 3, b->problem, false) : 0;
	int bh = b->n + 5 + (prob ? prob + 1 : 0), by = (h - bh) / 2, bx = (wd - bw) / 2, y;
	int cur_y = -1, cur_x = 0;

	if (!b->open)
		return;
	for (int i = 0; i < b->n; i++) {
		int lwi = draw_width(b->it[i].label);
		if (lwi > lw)
			lw = lwi;
	}
	draw_box(w, by, bx, bh, bw, b->title);
	y = by + 2;
	for (int i = 0; i < b->n; i++, y++) {
		struct formbox_item *it = &b->it[i];
		int fx = bx + 3 + lw + 2, fw = bx + bw - 3 - fx, used;
		bool focus = i == b->focus;

		wattrset(w, focus ? A_BOLD : A_NORMAL);
		draw_text(w, y, bx + 3, lw + 1, it->label);
		if (it->choices) {
			char item[256];

			snprintf(item, sizeof(item), "< %s >", it->nchoices ? it->choices[it->choice] : "");
			wattrset(w, focus ? draw_attr(ROLE_SELECTED) : A_NORMAL);
			used = draw_text(w, y, fx, fw, item);
		} else {
			int fieldw = it->note ? fw / 2 : fw, cur;

			wattrset(w, A_NORMAL);
			cur = field_draw(&it->f, w, y, fx, fieldw, focus);
			if (focus) {
				cur_y = y;
				cur_x = fx + cur;
			}
			used = fieldw;
		}
		wattrset(w, draw_attr(ROLE_DIM));
		if (it->note && fw - used - 2 > 0)
			draw_text(w, y, fx + used + 2, fw - used - 2, it->note);
		wattrset(w, A_NORMAL);
	}
	y++;
	if (prob) {
		wattrset(w, draw_attr(ROLE_ERROR));
		draw_wrap(w, y, bx + 3, bw - 6, prob, b->problem, true);
		wattrset(w, A_NORMAL);
		y += prob + 1;
	}
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, y, bx + 3, bw - 6, answers);
	wattrset(w, A_NORMAL);
	if (cur_y >= 0)
		tui_cursor(t, cur_y, cur_x);
}
