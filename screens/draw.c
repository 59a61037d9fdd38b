/* Width-aware drawing and colour roles. */
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "draw.h"
#include "util.h"

static attr_t roles[ROLE_COUNT];
static bool colour;
static int utf8 = -1;

static bool utf8_locale(void)
{
	if (utf8 < 0)
		utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	return utf8;
}

void draw_init(void)
{
	const char *no_colour = getenv("NO_COLOR");
	short bg = COLOR_BLACK;

	utf8 = -1;
	utf8_locale();
	/* Monochrome first: it is also what NO_COLOR users get. */
	roles[ROLE_NORMAL] = A_NORMAL;
	roles[ROLE_TITLE] = A_REVERSE;
	roles[ROLE_STATUS] = A_REVERSE;
	roles[ROLE_STATUS_BAD] = A_REVERSE | A_BOLD;
	roles[ROLE_SELECTED] = A_REVERSE;
	roles[ROLE_DIM] = (termattrs() & A_DIM) ? A_DIM : A_NORMAL;
	roles[ROLE_ERROR] = A_BOLD;
	roles[ROLE_OK] = A_BOLD;
	roles[ROLE_FIELD] = A_UNDERLINE;
	roles[ROLE_HEADING] = A_BOLD;
	roles[ROLE_KEY] = A_BOLD;
	roles[ROLE_WARN] = A_UNDERLINE;

	colour = has_colors() && !(no_colour && *no_colour) && start_color() == OK;
	if (!colour)
		return;
	if (use_default_colors() == OK)
		bg = -1;
	init_pair(1, COLOR_WHITE, COLOR_BLUE);
	init_pair(2, COLOR_BLACK, COLOR_CYAN);
	init_pair(3, COLOR_WHITE, COLOR_RED);
	init_pair(4, COLOR_RED, bg);
	init_pair(5, COLOR_GREEN, bg);
	init_pair(6, COLOR_BLACK, COLOR_WHITE);
	init_pair(7, COLOR_YELLOW, bg);
	roles[ROLE_TITLE] = COLOR_PAIR(1) | A_BOLD;
	roles[ROLE_STATUS] = COLOR_PAIR(2);
	roles[ROLE_STATUS_BAD] = COLOR_PAIR(3) | A_BOLD;
	roles[ROLE_ERROR] = COLOR_PAIR(4) | A_BOLD;
	roles[ROLE_OK] = COLOR_PAIR(5) | A_BOLD;
	roles[ROLE_FIELD] = COLOR_PAIR(6);
	roles[ROLE_WARN] = COLOR_PAIR(7) | A_BOLD;
}

bool draw_has_colour(void)
{
	return colour;
}

attr_t draw_attr(enum draw_role role)
{
	return role < ROLE_COUNT ? roles[role] : A_NORMAL;
}

void draw_role(WINDOW *w, enum draw_role role)
{
	wattrset(w, draw_attr(role));
}

static wchar_t replacement(void)
{
	return utf8_locale() ? (wchar_t)0xFFFD : L'?';
}

/* What is drawn for c: itself, or the replacement when it is a control
 * character or something the terminal cannot show. */
static wchar_t shown(wchar_t c)
{
	if (iswcntrl((wint_t)c) || wcwidth(c) < 0)
		return replacement();
	return c;
}

int draw_wcwidth(wchar_t c)
{
	int w = wcwidth(shown(c));
	return w < 0 ? 1 : w;
}

/* Decodes one character of s (len bytes left, len > 0); returns the bytes
 * used, at least one, so that an invalid byte becomes one replacement. */
static size_t decode(const char *s, size_t len, wchar_t *out)
{
	mbstate_t st;
	wchar_t c;
	size_t r;

	memset(&st, 0, sizeof(st));
	r = mbrtowc(&c, s, len, &st);
	if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
		*out = replacement();
		return 1;
	}
	*out = shown(c);
	return r;
}

int draw_width(const char *s)
{
	size_t len = s ? strlen(s) : 0;
	int cols = 0;
	wchar_t c;

	while (len) {
		size_t used = decode(s, len, &c);
		cols += draw_wcwidth(c);
		s += used;
		len -= used;
	}
	return cols;
}

int draw_wwidth(const wchar_t *s, size_t n)
{
	int cols = 0;

	for (size_t i = 0; i < n && s[i]; i++)
		cols += draw_wcwidth(s[i]);
	return cols;
}

/* Collects characters and writes them in runs, so that a combining mark is
 * never written apart from the character it belongs to. */
struct run {
	WINDOW *w;
	wchar_t buf[128];
	size_t n;
	int cols, max;
	bool started;
};

static void run_flush(struct run *r)
{
	if (r->n)
		waddnwstr(r->w, r->buf, (int)r->n);
	r->n = 0;
}

/* Adds c; false when it no longer fits. */
static bool run_add(struct run *r, wchar_t c)
{
	int w = draw_wcwidth(c);

	c = shown(c);
	if (w == 0) {
		if (!r->started)
			return true; /* a mark with nothing to sit on: dropped */
	} else {
		if (r->cols + w > r->max)
			return false;
		if (r->n + 4 >= ARRAY_SIZE(r->buf))
			run_flush(r);
	}
	if (r->n + 1 < ARRAY_SIZE(r->buf))
		r->buf[r->n++] = c;
	r->cols += w;
	r->started = true;
	return true;
}

int draw_text(WINDOW *w, int y, int x, int cols, const char *s)
{
	struct run r = { .w = w, .max = cols };
	size_t len;
	wchar_t c;

	if (!s || cols <= 0 || wmove(w, y, x) == ERR)
		return 0;
	for (len = strlen(s); len;) {
		size_t used = decode(s, len, &c);
		if (!run_add(&r, c))
			break;
		s += used;
		len -= used;
	}
	run_flush(&r);
	return r.cols;
}

int draw_wtext(WINDOW *w, int y, int x, int cols, const wchar_t *s, size_t n)
{
	struct run r = { .w = w, .max = cols };

	if (!s || cols <= 0 || wmove(w, y, x) == ERR)
		return 0;
	for (size_t i = 0; i < n && s[i]; i++)
		if (!run_add(&r, s[i]))
			break;
	run_flush(&r);
	return r.cols;
}

void draw_fill(WINDOW *w, int y, int x, int cols)
{
	if (cols <= 0 || wmove(w, y, x) == ERR)
		return;
	while (cols-- > 0)
		waddch(w, ' ');
}

void draw_text_pad(WINDOW *w, int y, int x, int cols, const char *s)
{
	int used = draw_text(w, y, x, cols, s);
	draw_fill(w, y, x + used, cols - used);
}

void draw_center(WINDOW *w, int y, const char *s)
{
	int width = getmaxx(w), tw = draw_width(s);
	int x = tw >= width ? 0 : (width - tw) / 2;

	draw_text(w, y, x, width - x, s);
}

/* s as wide characters (replacements made), malloc'd; *n gets the length. */
static wchar_t *widen(const char *s, size_t *n)
{
	size_t len = strlen(s), i = 0;
	wchar_t *out = xmalloc((len + 1) * sizeof(*out));

	while (len) {
		size_t used;
		if (*s == '\n') {
			out[i++] = L'\n'; /* kept: a hard line break */
			used = 1;
		} else {
			used = decode(s, len, &out[i++]);
		}
		s += used;
		len -= used;
	}
	out[i] = L'\0';
	*n = i;
	return out;
}

int draw_wrap(WINDOW *w, int y, int x, int cols, int max_rows, const char *s, bool draw)
{
	size_t n, start = 0, i, brk;
	int rows = 0, width;
	wchar_t *ws;

	if (!s || cols <= 0 || max_rows <= 0)
		return 0;
	ws = widen(s, &n);
	while (start < n && rows < max_rows) {
		/* Find how far this line goes. */
		width = 0;
		brk = 0;
		for (i = start; i < n && ws[i] != L'\n'; i++) {
			int cw = draw_wcwidth(ws[i]);
			if (width + cw > cols)
				break;
			width += cw;
			if (ws[i] == L' ')
				brk = i;
		}
		if (i < n && ws[i] != L'\n' && brk > start)
			i = brk; /* break at the last space */
		if (i == start && i < n && ws[i] != L'\n')
			i++; /* a character wider than the line: show what fits */
		if (draw)
			draw_wtext(w, y + rows, x, cols, ws + start, i - start);
		rows++;
		start = i;
		while (start < n && ws[start] == L' ')
			start++;
		if (start < n && ws[start] == L'\n')
			start++;
	}
	free(ws);
	return rows;
}

const char *draw_dot(void)
{
	return utf8_locale() ? " \xc2\xb7 " : " - ";
}

/* The column where the character drawn over column x of row y starts. */
static int char_start(WINDOW *w, int y, int x)
{
	int c = 0;

	while (c < x) {
		cchar_t cc;
		wchar_t wc[CCHARW_MAX + 1] = { 0 };
		attr_t a;
		short pair;
		int cw;

		if (mvwin_wch(w, y, c, &cc) == ERR || getcchar(&cc, wc, &a, &pair, NULL) == ERR)
			return x;
		cw = wcwidth(wc[0]);
		if (cw < 1)
			cw = 1;
		if (c + cw > x)
			return c;
		c += cw;
	}
	return x;
}

void draw_box(WINDOW *w, int y, int x, int h, int wd, const char *title)
{
	int clear = x + wd < getmaxx(w) ? wd + 1 : wd;

	if (h < 2 || wd < 2)
		return;
	/* Blank the whole area first, one column more on the right, and from
	 * the start of a wide character the left border would cut: a wide
	 * character underneath goes away whole, and the line-drawing calls
	 * never meet half a character (whline over one blanks the cell before
	 * it: our corner). Writing into the right half of a wide character
	 * would leave curses and the terminal disagreeing about its left half. */
	for (int r = 0; r < h; r++) {
		int left = char_start(w, y + r, x);
		draw_fill(w, y + r, left, clear + x - left);
	}
	mvwaddch(w, y, x, ACS_ULCORNER);
	mvwhline(w, y, x + 1, ACS_HLINE, wd - 2);
	mvwaddch(w, y, x + wd - 1, ACS_URCORNER);
	mvwvline(w, y + 1, x, ACS_VLINE, h - 2);
	mvwvline(w, y + 1, x + wd - 1, ACS_VLINE, h - 2);
	mvwaddch(w, y + h - 1, x, ACS_LLCORNER);
	mvwhline(w, y + h - 1, x + 1, ACS_HLINE, wd - 2);
	mvwaddch(w, y + h - 1, x + wd - 1, ACS_LRCORNER);
	if (title && *title && wd > 6) {
		int used;
		mvwaddch(w, y, x + 2, ' ');
		used = draw_text(w, y, x + 3, wd - 6, title);
		waddch(w, ' ');
		(void)used;
	}
}
