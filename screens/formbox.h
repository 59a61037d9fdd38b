/* A box of labelled inputs drawn over a list: text fields and choices, one
 * of them focused, Tab and the arrows moving between them. A refusal goes to
 * the problem line under them and every typed value stays, so the clerk
 * corrects one thing and sends again. The screen that owns the box decides
 * what Enter and Esc mean. */
#ifndef CD_FORMBOX_H
#define CD_FORMBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <curses.h>

#include "field.h"
#include "keys.h"

struct tui;

#define FORMBOX_MAX 8

struct formbox_item {
	const char *label;          /* translated */
	const char *note;           /* translated, shown dim after the input; may be NULL */
	struct field f;             /* a text input ... */
	const char *const *choices; /* ... or, when not NULL, one of these (translated, the owner's) */
	size_t nchoices, choice;
};

struct formbox {
	bool open;
	const char *title;          /* translated */
	int n, focus;
	struct formbox_item it[FORMBOX_MAX];
	char problem[768];
};

/* Empties the box (values of a previous opening are wiped) and opens it. */
void formbox_open(struct formbox *b, const char *title);
/* Adds an input; returns its index. */
int formbox_text(struct formbox *b, const char *label, size_t max_chars, unsigned flags, const char *note);
int formbox_choice(struct formbox *b, const char *label, const char *const *choices, size_t n,
		   size_t chosen, const char *note);
/* Closes the box and wipes what was typed (secrets are zeroed). */
void formbox_close(struct formbox *b);
/* Moves between the inputs, edits the text or turns the choice (Space,
 * Left, Right, or a letter: the next choice starting with it); true when
 * the key was used. Enter and Esc are not. */
bool formbox_key(struct formbox *b, enum action a, const struct key *k);
/* While the box is open printable keys are text (or pick a choice). */
bool formbox_text_focus(const struct formbox *b);
/* The text of input i, spaces around it removed (secrets kept as typed);
 * false when it does not fit in len. */
bool formbox_get(const struct formbox *b, int i, char *buf, size_t len);
/* Sets the problem line: "what: the error in words". */
void formbox_problem(struct formbox *b, const char *what, const struct cd_error *err);
/* Draws the box in the middle of w; answers is the line of keys under it. */
void formbox_draw(struct formbox *b, struct tui *t, WINDOW *w, const char *answers);

#endif
