/* Terminal bar charts (chart.h). */
#include <langinfo.h>
#include <string.h>
#include <wchar.h>

#include "chart.h"

bool chart_utf8(void)
{
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

static bool utf8(void)
{
	return chart_utf8();
}

static void put(WINDOW *w, int y, int x, wchar_t c, char fallback)
{
	if (utf8()) {
		cchar_t cc;
		wchar_t s[2] = { c, 0 };
		attr_t a;
		short pair;

		wattr_get(w, &a, &pair, NULL);
		setcchar(&cc, s, a, pair, NULL);
		mvwadd_wch(w, y, x, &cc);
	} else {
		mvwaddch(w, y, x, (chtype)(unsigned char)fallback);
	}
}

void chart_hbar(WINDOW *w, int y, int x, int cols, double value, double max)
{
	static const wchar_t part[] = { L' ', 0x258F, 0x258E, 0x258D, 0x258C, 0x258B, 0x258A, 0x2589 };
	int eighths, full, i;

	if (cols <= 0)
		return;
	eighths = max > 0 && value > 0 ? (int)(value / max * cols * 8 + 0.5) : 0;
	if (value > 0 && eighths == 0)
		eighths = 1; /* something, however little, shows */
	if (eighths > cols * 8)
		eighths = cols * 8;
	full = eighths / 8;
	for (i = 0; i < full; i++)
		put(w, y, x + i, 0x2588, '#');
	if (i < cols && eighths % 8) {
		put(w, y, x + i, part[eighths % 8], '#');
		i++;
	}
	for (; i < cols; i++)
		mvwaddch(w, y, x + i, ' ');
}

/* One column of a vertical bar: v eighths of h rows. */
static void vcol(WINDOW *w, int y, int x, int h, int eighths)
{
	static const wchar_t part[] = { L' ', 0x2581, 0x2582, 0x2583, 0x2584, 0x2585, 0x2586, 0x2587 };

	for (int r = 0; r < h; r++) {
		int row = y + h - 1 - r, left = eighths - r * 8;

		if (left >= 8)
			put(w, row, x, 0x2588, '#');
		else if (left > 0)
			put(w, row, x, part[left], utf8() ? ' ' : (left >= 4 ? '#' : '.'));
		else
			mvwaddch(w, row, x, ' ');
	}
}

static int scale(double v, double max, int h)
{
	int e = max > 0 && v > 0 ? (int)(v / max * h * 8 + 0.5) : 0;

	if (v > 0 && e == 0)
		e = 1;
	return e > h * 8 ? h * 8 : e;
}

void chart_vbars(WINDOW *w, int y, int x, int h, int gw, const double *a, const double *b, size_t n,
		 double max, attr_t attr_a, attr_t attr_b)
{
	attr_t before;
	short pair;

	if (max <= 0)
		for (size_t i = 0; i < n; i++) {
			if (a[i] > max)
				max = a[i];
			if (b && b[i] > max)
				max = b[i];
		}
	wattr_get(w, &before, &pair, NULL);
	for (size_t i = 0; i < n; i++) {
		int cx = x + (int)i * gw;

		wattrset(w, attr_a);
		vcol(w, y, cx, h, scale(a[i], max, h));
		if (b && gw >= 3) {
			wattrset(w, attr_b);
			vcol(w, y, cx + 1, h, scale(b[i], max, h));
		}
	}
	wattr_set(w, before, pair, NULL);
}
