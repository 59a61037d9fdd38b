/* Bar charts in the terminal for the dashboard: block elements in eighths
 * where the terminal is UTF-8 (▁▂▃ … █, ▏▎▍ … █), '#' and '|' elsewhere.
 * Nothing here knows what the numbers mean. */
#ifndef CD_CHART_H
#define CD_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <curses.h>

/* Whether the terminal's characters are UTF-8 (block elements, arrows). */
bool chart_utf8(void);

/* A horizontal bar for value on a scale of max over cols columns at
 * (y, x); the rest of the columns are blanks. */
void chart_hbar(WINDOW *w, int y, int x, int cols, double value, double max);

/* Vertical bars in h rows from row y (the bottom row is y + h - 1), one
 * group of columns per value: a[i] drawn in attr_a, and when b is not
 * NULL, b[i] next to it in attr_b; groups of gw columns (bar widths 1,
 * gap gw - 1 or gw - 2). The scale is max (the larger of the values when
 * max <= 0). */
void chart_vbars(WINDOW *w, int y, int x, int h, int gw, const double *a, const double *b, size_t n,
		 double max, attr_t attr_a, attr_t attr_b);

#endif
