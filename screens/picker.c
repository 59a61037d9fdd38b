/* The filterable list and the yes/no box (picker.h). */
#include <ctype.h>
#include <langinfo.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "draw.h"
#include "i18n.h"
#include "picker.h"
#include "screen.h"
#include "util.h"

#define FILTER_MAX 64

void picker_init(struct picker *p, bool with_filter)
{
	memset(p, 0, sizeof(*p));
	field_init(&p->filter, FILTER_MAX, 0);
	p->with_filter = with_filter;
}

void picker_clear(struct picker *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->rows[i].label);
		free(p->rows[i].search);
	}
	p->n = 0;
	p->nshown = 0;
}

void picker_free(struct picker *p)
{
	picker_clear(p);
	free(p->rows);
	free(p->shown);
	field_free(&p->filter);
	memset(p, 0, sizeof(*p));
}

static char *lowered(const char *s)
{
	char *out = xstrdup(s ? s : "");

	for (char *c = out; *c; c++)
		if ((unsigned char)*c < 0x80)
			*c = (char)tolower((unsigned char)*c);
	return out;
}

void picker_add(struct picker *p, const char *label, const char *search, bool dim)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->rows = xrealloc(p->rows, p->cap * sizeof(*p->rows));
		p->shown = xrealloc(p->shown, p->cap * sizeof(*p->shown));
	}
	p->rows[p->n].label = xstrdup(label);
	p->rows[p->n].search = lowered(search ? search : label);
	p->rows[p->n].dim = dim;
	p->n++;
}

/* Every word of the filter occurs in the row (in any order). */
static bool matches(const char *hay, char *filter)
{
	char *save = NULL;

	for (char *word = strtok_r(filter, " ", &save); word; word = strtok_r(NULL, " ", &save))
		if (!strstr(hay, word))
			return false;
	return true;
}

void picker_refresh(struct picker *p)
{
	char text[FILTER_MAX * MB_LEN_MAX + 1], *f;
	long before = picker_selected(p);

	if (!p->with_filter || !field_get(&p->filter, text, sizeof(text)))
		text[0] = '\0';
	p->nshown = 0;
	for (size_t i = 0; i < p->n; i++) {
		f = lowered(text);
		if (matches(p->rows[i].search, f))
			p->shown[p->nshown++] = i;
		free(f);
	}
	/* Keep the same row selected when it still matches. */
	p->sel = 0;
	for (size_t i = 0; before >= 0 && i < p->nshown; i++)
		if (p->shown[i] == (size_t)before)
			p->sel = i;
	if (p->top > p->sel)
		p->top = p->sel;
}

long picker_selected(const struct picker *p)
{
	return p->sel < p->nshown ? (long)p->shown[p->sel] : -1;
}

void picker_select(struct picker *p, size_t row)
{
	for (size_t i = 0; i < p->nshown; i++)
		if (p->shown[i] == row)
			p->sel = i;
}

bool picker_key(struct picker *p, enum action a, const struct key *k)
{
	size_t page = p->page > 1 ? (size_t)p->page - 1 : 1;

	switch (a) {
	case ACT_UP:
	case ACT_PREV:
		if (p->sel > 0)
			p->sel--;
		return true;
	case ACT_DOWN:
	case ACT_NEXT:
		if (p->sel + 1 < p->nshown)
			p->sel++;
		return true;
	case ACT_PAGE_UP:
		p->sel = p->sel > page ? p->sel - page : 0;
		return true;
	case ACT_PAGE_DOWN:
		p->sel = p->sel + page < p->nshown ? p->sel + page : (p->nshown ? p->nshown - 1 : 0);
		return true;
	case ACT_FIRST:
	case ACT_LAST:
		if (p->with_filter && !field_empty(&p->filter))
			return field_key(&p->filter, a, k);
		p->sel = a == ACT_FIRST || !p->nshown ? 0 : p->nshown - 1;
		return true;
	case ACT_NONE:
	case ACT_LEFT:
	case ACT_RIGHT:
	case ACT_DEL_BACK:
	case ACT_DEL_FWD:
	case ACT_CLEAR:
		if (!p->with_filter || !field_key(&p->filter, a, k))
			return false;
		picker_refresh(p);
		return true;
	default:
		return false;
	}
}

void picker_draw(struct picker *p, struct tui *t, WINDOW *w, int y, int x, int h, int wd,
		 const char *filter_label, const char *empty_text, bool focus)
{
	int rows, lw;

	if (p->with_filter) {
		int cur;

		lw = draw_text(w, y, x, wd / 2, filter_label ? filter_label : _("Filter")) + 1;
		cur = field_draw(&p->filter, w, y, x + lw, wd - lw > 40 ? 40 : wd - lw, focus);
		if (focus)
			tui_cursor(t, y, x + lw + cur);
		y += 2;
		h -= 2;
	}
	rows = h;
	p->page = rows;
	if (rows <= 0)
		return;
	if (!p->nshown) {
		wattrset(w, draw_attr(ROLE_DIM));
		draw_wrap(w, y, x + 2, wd - 2, rows, empty_text ? empty_text : _("Nothing matches."), true);
		wattrset(w, A_NORMAL);
		return;
	}
	if (p->sel >= p->nshown)
		p->sel = p->nshown - 1;
	if (p->sel < p->top)
		p->top = p->sel;
	if (p->sel >= p->top + (size_t)rows)
		p->top = p->sel - (size_t)rows + 1;
	if (p->top + (size_t)rows > p->nshown)
		p->top = p->nshown > (size_t)rows ? p->nshown - (size_t)rows : 0;
	for (int r = 0; r < rows && p->top + (size_t)r < p->nshown; r++) {
		size_t pos = p->top + (size_t)r;
		const struct picker_row *row = &p->rows[p->shown[pos]];
		attr_t a = pos == p->sel ? draw_attr(ROLE_SELECTED) : A_NORMAL;

		if (row->dim && pos != p->sel)
			a |= draw_attr(ROLE_DIM);
		wattrset(w, a);
		draw_fill(w, y + r, x, wd);
		draw_text(w, y + r, x + 1, wd - 2, row->label);
		wattrset(w, A_NORMAL);
	}
	/* More above or below: say so at the right edge. */
	wattrset(w, draw_attr(ROLE_DIM));
	if (p->top > 0)
		draw_text(w, y, x + wd - 1, 1, "^");
	if (p->top + (size_t)rows < p->nshown)
		draw_text(w, y + rows - 1, x + wd - 1, 1, "v");
	wattrset(w, A_NORMAL);
}

void picker_col(char *buf, size_t size, const char *s, int cols)
{
	const char *ell = strcmp(nl_langinfo(CODESET), "UTF-8") == 0 ? "\xe2\x80\xa6" : "~";
	size_t used = strlen(buf), len = s ? strlen(s) : 0;
	/* One column stays free as the gap before the next column. */
	int width = 0, room = draw_width(s ? s : "") <= cols - 1 ? cols - 1 : cols - 2;
	mbstate_t st;

	memset(&st, 0, sizeof(st));
	while (len) {
		wchar_t c;
		size_t r = mbrtowc(&c, s, len, &st);
		int cw;

		if (r == (size_t)-1 || r == (size_t)-2 || r == 0)
			break;
		cw = draw_wcwidth(c);
		if (width + cw > room || used + r + 1 >= size)
			break;
		memcpy(buf + used, s, r);
		used += r;
		width += cw;
		s += r;
		len -= r;
	}
	if (len && width < cols - 1 && used + strlen(ell) + 1 < size) {
		memcpy(buf + used, ell, strlen(ell));
		used += strlen(ell);
		width++;
	}
	while (width < cols && used + 1 < size) {
		buf[used++] = ' ';
		width++;
	}
	buf[used] = '\0';
}

void ask_draw(WINDOW *w, const char *title, const char *question, const char *answers)
{
	int h = getmaxy(w), wd = getmaxx(w), bw = wd - 8 < 64 ? wd - 8 : 64;
	int rows = draw_wrap(w, 0, 0, bw - 6, 6, question, false);
	int bh = rows + 4, by = (h - bh) / 2, bx = (wd - bw) / 2;

	draw_box(w, by, bx, bh, bw, title);
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_wrap(w, by + 1, bx + 3, bw - 6, rows, question, true);
	wattrset(w, A_NORMAL);
	draw_wrap(w, by + rows + 2, bx + 3, bw - 6, 2, answers, true);
}
