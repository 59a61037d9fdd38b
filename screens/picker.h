/* Choosing: a list that narrows as the clerk types (service items, cases,
 * drafts, materials), and the box that asks a yes/no question. Rows are
 * text laid out by display columns; the screen that owns a picker decides
 * what a chosen row means. */
#ifndef CD_PICKER_H
#define CD_PICKER_H

#include <stdbool.h>
#include <stddef.h>
#include <curses.h>

#include "field.h"
#include "keys.h"

struct tui;

struct picker_row {
	char *label;   /* shown */
	char *search;  /* matched against the filter (lower-cased ASCII) */
	bool dim;      /* shown dimmed (still selectable) */
};

struct picker {
	struct field filter;
	bool with_filter;     /* false: a plain list, typing does nothing */
	struct picker_row *rows;
	size_t n, cap;
	size_t *shown;        /* indexes of the rows that match the filter */
	size_t nshown;
	size_t sel;           /* position in shown */
	size_t top;           /* first shown row drawn */
	int page;             /* rows drawn last time, for paging */
};

void picker_init(struct picker *p, bool with_filter);
void picker_free(struct picker *p);
/* Removes every row (the filter stays). */
void picker_clear(struct picker *p);
/* Adds a row; search NULL searches the label. */
void picker_add(struct picker *p, const char *label, const char *search, bool dim);
/* Call after adding rows: applies the filter, keeps the selection in range. */
void picker_refresh(struct picker *p);
/* The row chosen (index in the order added), or -1 when nothing matches. */
long picker_selected(const struct picker *p);
void picker_select(struct picker *p, size_t row);
/* Typing edits the filter; ↑↓ PgUp PgDn move. True when the key was used. */
bool picker_key(struct picker *p, enum action a, const struct key *k);
/* Draws the filter line (when there is one) at row y and the list under it,
 * h rows in all, wd columns from x. Places the terminal cursor in the filter
 * when focus. */
void picker_draw(struct picker *p, struct tui *t, WINDOW *w, int y, int x, int h, int wd,
		 const char *filter_label, const char *empty_text, bool focus);

/* Appends s to buf (size bytes) cut to cols - 1 display columns (with "…"
 * when cut) and padded to exactly cols: table rows that line up with Chinese
 * text in them, one column between columns. */
void picker_col(char *buf, size_t size, const char *s, int cols);

/* A box in the middle of w asking question; answers is the line of keys
 * ("y: discard   n or Esc: keep"). */
void ask_draw(WINDOW *w, const char *title, const char *question, const char *answers);

#endif
