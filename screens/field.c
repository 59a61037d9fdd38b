/* The text field. */
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include <sodium.h>

#include "draw.h"
#include "field.h"
#include "util.h"

void field_init(struct field *f, size_t max_chars, unsigned flags)
{
	memset(f, 0, sizeof(*f));
	f->max = max_chars ? max_chars : 256;
	f->flags = flags;
	f->cap = 16;
	f->text = xcalloc(f->cap, sizeof(wchar_t));
}

static void wipe(struct field *f)
{
	if (f->text)
		sodium_memzero(f->text, f->cap * sizeof(wchar_t));
}

void field_free(struct field *f)
{
	wipe(f);
	free(f->text);
	memset(f, 0, sizeof(*f));
}

void field_clear(struct field *f)
{
	wipe(f);
	f->len = f->cur = f->scroll = 0;
}

bool field_empty(const struct field *f)
{
	return f->len == 0;
}

/* Grows by copying, so that a secret never stays behind in freed memory. */
static void reserve(struct field *f, size_t need)
{
	wchar_t *bigger;
	size_t cap = f->cap;

	if (need + 1 <= cap)
		return;
	while (cap < need + 1)
		cap *= 2;
	bigger = xcalloc(cap, sizeof(wchar_t));
	memcpy(bigger, f->text, f->len * sizeof(wchar_t));
	wipe(f);
	free(f->text);
	f->text = bigger;
	f->cap = cap;
}

static wchar_t accept(const struct field *f, wchar_t c)
{
	if (c < 0x20 || !iswprint((wint_t)c) || wcwidth(c) <= 0)
		return 0;
	if (f->flags & FIELD_DIGITS) {
		if (c >= 0xFF10 && c <= 0xFF19) /* full-width digits */
			c = L'0' + (c - 0xFF10);
		if (c < L'0' || c > L'9')
			return 0;
	}
	return c;
}

static bool insert(struct field *f, wchar_t c)
{
	c = accept(f, c);
	if (!c || f->len >= f->max)
		return false;
	reserve(f, f->len + 1);
	memmove(f->text + f->cur + 1, f->text + f->cur, (f->len - f->cur) * sizeof(wchar_t));
	f->text[f->cur++] = c;
	f->len++;
	f->text[f->len] = L'\0';
	return true;
}

static void erase_at(struct field *f, size_t at)
{
	memmove(f->text + at, f->text + at + 1, (f->len - at - 1) * sizeof(wchar_t));
	f->len--;
	f->text[f->len] = L'\0'; /* also wipes the copy memmove left */
}

void field_set(struct field *f, const char *s)
{
	mbstate_t st;
	size_t len = s ? strlen(s) : 0;
	wchar_t c;

	field_clear(f);
	memset(&st, 0, sizeof(st));
	while (len) {
		size_t r = mbrtowc(&c, s, len, &st);
		if (r == (size_t)-1 || r == (size_t)-2 || r == 0)
			break;
		insert(f, c);
		s += r;
		len -= r;
	}
	f->cur = f->len;
}

bool field_get(const struct field *f, char *out, size_t outlen)
{
	mbstate_t st;
	char mb[MB_LEN_MAX];
	size_t used = 0;

	if (!outlen)
		return false;
	memset(&st, 0, sizeof(st));
	for (size_t i = 0; i < f->len; i++) {
		size_t n = wcrtomb(mb, f->text[i], &st);
		if (n == (size_t)-1 || used + n + 1 > outlen) {
			sodium_memzero(out, outlen);
			out[0] = '\0';
			sodium_memzero(mb, sizeof(mb));
			return false;
		}
		memcpy(out + used, mb, n);
		used += n;
	}
	sodium_memzero(mb, sizeof(mb));
	out[used] = '\0';
	return true;
}

bool field_key(struct field *f, enum action a, const struct key *k)
{
	wchar_t c;

	switch (a) {
	case ACT_LEFT:
		if (f->cur > 0)
			f->cur--;
		return true;
	case ACT_RIGHT:
		if (f->cur < f->len)
			f->cur++;
		return true;
	case ACT_FIRST:
		f->cur = 0;
		return true;
	case ACT_LAST:
		f->cur = f->len;
		return true;
	case ACT_DEL_BACK:
		if (f->cur > 0)
			erase_at(f, --f->cur);
		return true;
	case ACT_DEL_FWD:
		if (f->cur < f->len)
			erase_at(f, f->cur);
		return true;
	case ACT_CLEAR:
		field_clear(f);
		return true;
	case ACT_NONE:
		c = keys_char(k);
		if (!c)
			return false;
		if (!insert(f, c))
			beep();
		return true;
	default:
		return false;
	}
}

static int char_cols(const struct field *f, size_t i)
{
	return (f->flags & FIELD_SECRET) ? 1 : draw_wcwidth(f->text[i]);
}

int field_draw(struct field *f, WINDOW *w, int y, int x, int cols, bool focus)
{
	int used = 0, cursor = 0;
	size_t i;

	if (cols <= 1)
		return 0;
	/* Keep the cursor in view, with one column for it at the end. */
	if (f->cur < f->scroll)
		f->scroll = f->cur;
	for (;;) {
		int before = 0;
		for (i = f->scroll; i < f->cur; i++)
			before += char_cols(f, i);
		if (before + 1 <= cols || f->scroll >= f->cur)
			break;
		f->scroll++;
	}
	/* Show as much as possible when the text got shorter. */
	while (f->scroll > 0) {
		int total = char_cols(f, f->scroll - 1);
		for (i = f->scroll; i < f->len; i++)
			total += char_cols(f, i);
		if (total + 1 > cols)
			break;
		f->scroll--;
	}

	wattron(w, draw_attr(ROLE_FIELD));
	if (focus)
		wattron(w, A_BOLD);
	wmove(w, y, x);
	for (i = f->scroll; i < f->len; i++) {
		int cw = char_cols(f, i);
		if (used + cw > cols)
			break;
		if (i == f->cur)
			cursor = used;
		if (f->flags & FIELD_SECRET)
			draw_text(w, y, x + used, cw, "*");
		else
			draw_wtext(w, y, x + used, cw, &f->text[i], 1);
		used += cw;
	}
	if (f->cur >= i)
		cursor = used;
	draw_fill(w, y, x + used, cols - used);
	wattrset(w, A_NORMAL);
	return cursor;
}
