/* Drawing text by display columns: CJK characters take two columns, nothing
 * is ever split, and control characters or invalid bytes (they can come from
 * the database) are shown as U+FFFD, or '?' where the terminal is not UTF-8.
 * Colours are roles, not colours: NO_COLOR and monochrome terminals get
 * reverse, bold and underline instead. */
#ifndef CD_DRAW_H
#define CD_DRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>
#include <curses.h>

enum draw_role {
	ROLE_NORMAL = 0,
	ROLE_TITLE,     /* the title and key-hint line */
	ROLE_STATUS,    /* the status bar */
	ROLE_STATUS_BAD,/* the status bar while the database is unreachable */
	ROLE_SELECTED,  /* the current entry of a list */
	ROLE_DIM,       /* entries that are not available yet */
	ROLE_ERROR,
	ROLE_OK,
	ROLE_FIELD,     /* an input field */
	ROLE_HEADING,
	ROLE_KEY,       /* a key name in hints and help */
	ROLE_WARN,      /* close to a deadline (yellow light) */
	ROLE_COUNT
};

/* Starts colours unless NO_COLOR is set (any non-empty value) or the
 * terminal has none. Call once after initscr. */
void draw_init(void);
bool draw_has_colour(void);
attr_t draw_attr(enum draw_role role);
void draw_role(WINDOW *w, enum draw_role role); /* wattrset to the role */

/* Columns s takes once drawn (after replacing what cannot be drawn). */
int draw_width(const char *s);
int draw_wwidth(const wchar_t *s, size_t n);
/* Width of one character as drawn (replacements count as one). */
int draw_wcwidth(wchar_t c);

/* Draws s at (y, x) in at most cols columns with the window's current
 * attributes; returns the columns used. Never splits a character. */
int draw_text(WINDOW *w, int y, int x, int cols, const char *s);
int draw_wtext(WINDOW *w, int y, int x, int cols, const wchar_t *s, size_t n);
/* Same, then pads with spaces to exactly cols columns. */
void draw_text_pad(WINDOW *w, int y, int x, int cols, const char *s);
/* Draws s centred on row y of w (cut to the window's width). */
void draw_center(WINDOW *w, int y, const char *s);
/* Fills cols columns with spaces. */
void draw_fill(WINDOW *w, int y, int x, int cols);
/* Breaks s into lines of at most cols columns (at spaces where there are
 * any, else between characters, as CJK text needs) and draws them from row
 * y, at most max_rows rows; returns the rows used. With draw false only
 * counts. */
int draw_wrap(WINDOW *w, int y, int x, int cols, int max_rows, const char *s, bool draw);
/* " · " between parts of a line (" - " where the terminal is not UTF-8). */
const char *draw_dot(void);
/* A box with a title in the top border. */
void draw_box(WINDOW *w, int y, int x, int h, int wd, const char *title);

#endif
