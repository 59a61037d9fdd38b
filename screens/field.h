/* A one-line text field that holds wide characters and knows each one's
 * display width (the calcurse getstring model): the cursor moves by
 * character, scrolling keeps it in view, and Chinese typed through an input
 * method (two columns a character) works like ASCII. */
#ifndef CD_FIELD_H
#define CD_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>
#include <curses.h>

#include "keys.h"

enum field_flags {
	FIELD_SECRET = 1,  /* shown as '*', zeroed when cleared or freed */
	FIELD_DIGITS = 2,  /* 0-9 only; full-width digits from an IME are folded */
};

struct field {
	wchar_t *text;
	size_t len, cap, max; /* characters */
	size_t cur;           /* cursor, in characters */
	size_t scroll;        /* first character shown */
	unsigned flags;
};

void field_init(struct field *f, size_t max_chars, unsigned flags);
void field_free(struct field *f);
void field_clear(struct field *f);
bool field_empty(const struct field *f);
/* Replaces the text with s (UTF-8 or the locale's encoding). */
void field_set(struct field *f, const char *s);
/* The text in the locale's encoding into out; false when it does not fit
 * (out is then empty). */
bool field_get(const struct field *f, char *out, size_t outlen);

/* Edits or moves for action a (or inserts the character of k); returns true
 * when it did something. Keys it does not use are left to the screen. */
bool field_key(struct field *f, enum action a, const struct key *k);

/* Draws the field in cols columns at (y, x). Returns the column of the
 * cursor (relative to x) so that the screen can place the terminal cursor. */
int field_draw(struct field *f, WINDOW *w, int y, int x, int cols, bool focus);

#endif
