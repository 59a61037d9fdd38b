/* Key bindings generated from actions.h, fallback keys for poor terminals,
 * and an escape-sequence decoder for keys the terminal description lacks. */
#include <langinfo.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <wctype.h>

#include "i18n.h"
#include "keys.h"
#include "util.h"

struct action_info {
	const char *name;
	int key;
	const char *hint;
	const char *help;
};

static const struct action_info actions[ACT_COUNT] = {
#define CD_ACTION_INFO(id, k, h, text) [ACT_##id] = { #id, k, h, text },
	CD_ACTIONS(CD_ACTION_INFO)
#undef CD_ACTION_INFO
};

struct binding {
	int code;
	bool meta;
	enum action act;
};

/* Keys that also work, after the default one from actions.h. Function keys
 * are missing or differ on vt100 and some consoles, so every action reached
 * by a function key has a control key too; Esc followed at once by a digit
 * (what Alt-digit sends) counts as that function key (Esc 0 = F10). */
static const struct binding extra[] = {
	{ CD_CTRL('G'), false, ACT_HELP },
	{ '?', false, ACT_HELP },
	{ CD_CTRL('Q'), false, ACT_QUIT },
	{ CD_CTRL('C'), false, ACT_QUIT },
	{ 'l', true, ACT_LOCK },
	{ '\n', false, ACT_SUBMIT },
	{ KEY_ENTER, false, ACT_SUBMIT },
	{ CD_CTRL('A'), false, ACT_FIRST },
	{ CD_CTRL('E'), false, ACT_LAST },
	{ 127, false, ACT_DEL_BACK },
	{ 8, false, ACT_DEL_BACK },
	{ CD_CTRL('D'), false, ACT_DEL_FWD },
	{ 'Y', false, ACT_YES },
	{ 'N', false, ACT_NO },
};

static bool is_function_key(int code)
{
	return code >= KEY_MIN;
}

static bool is_printable(int code)
{
	return !is_function_key(code) && code >= 0x20 && code != 0x7f;
}

static bool binding_matches(int code, bool meta, const struct key *k, bool text_focus)
{
	if (meta != k->meta || code != (int)k->ch)
		return false;
	if (is_function_key(code) != k->is_key)
		return false;
	/* In a text field a printable key is text, never a command. */
	if (!meta && !k->is_key && is_printable(code) && text_focus)
		return false;
	return true;
}

enum action keys_action(const struct key *k, bool text_focus)
{
	for (int a = 1; a < ACT_COUNT; a++)
		if (binding_matches(actions[a].key, false, k, text_focus))
			return (enum action)a;
	for (size_t i = 0; i < ARRAY_SIZE(extra); i++)
		if (binding_matches(extra[i].code, extra[i].meta, k, text_focus))
			return extra[i].act;
	return ACT_NONE;
}

wchar_t keys_char(const struct key *k)
{
	if (k->is_key || k->meta || k->ch == WEOF)
		return 0;
	if (!iswprint((wint_t)k->ch) || k->ch < 0x20)
		return 0;
	return (wchar_t)k->ch;
}

/* ---- reading ---- */

static int next_char(WINDOW *w)
{
	wint_t c;
	int r = wget_wch(w, &c);

	if (r == OK)
		return (int)c;
	if (r == KEY_CODE_YES)
		ungetch((int)c); /* a whole key of its own: read it next time */
	return -1;
}

/* Finishes "Esc [" or "Esc O" sequences that terminfo did not describe:
 * xterm function keys under TERM=vt100, the Linux console's F1-F5, and so
 * on. Unknown sequences are swallowed, never typed as text. */
static bool decode_sequence(WINDOW *w, int intro, struct key *k)
{
	char params[16];
	size_t n = 0;
	int c, num;

	for (;;) {
		c = next_char(w);
		if (c < 0)
			return false;
		if (c >= 0x40 && c <= 0x7e && !(intro == '[' && n == 0 && c == '['))
			break;
		if (n + 1 < sizeof(params))
			params[n++] = (char)c;
	}
	params[n] = '\0';
	k->is_key = true;
	k->meta = false;
	if (intro == '[' && n == 1 && params[0] == '[' && c >= 'A' && c <= 'E') {
		k->ch = KEY_F(c - 'A' + 1); /* Linux console */
		return true;
	}
	switch (c) {
	case 'A': k->ch = KEY_UP; return true;
	case 'B': k->ch = KEY_DOWN; return true;
	case 'C': k->ch = KEY_RIGHT; return true;
	case 'D': k->ch = KEY_LEFT; return true;
	case 'H': k->ch = KEY_HOME; return true;
	case 'F': k->ch = KEY_END; return true;
	case 'Z': k->ch = KEY_BTAB; return true;
	case 'M': k->ch = KEY_ENTER; return true;
	case 'P': case 'Q': case 'R': case 'S':
		k->ch = KEY_F(c - 'P' + 1);
		return true;
	case '~':
		num = atoi(params);
		switch (num) {
		case 1: case 7: k->ch = KEY_HOME; return true;
		case 4: case 8: k->ch = KEY_END; return true;
		case 3: k->ch = KEY_DC; return true;
		case 5: k->ch = KEY_PPAGE; return true;
		case 6: k->ch = KEY_NPAGE; return true;
		case 11: case 12: case 13: case 14: case 15:
			k->ch = KEY_F(num - 10);
			return true;
		case 17: case 18: case 19: case 20: case 21:
			k->ch = KEY_F(num - 11);
			return true;
		case 23: case 24:
			k->ch = KEY_F(num - 12);
			return true;
		}
		break;
	}
	return false;
}

bool keys_read(WINDOW *w, struct key *k)
{
	wint_t c;
	int r, next;

	for (;;) {
		r = wget_wch(w, &c);
		if (r == ERR)
			return false;
		k->ch = c;
		k->is_key = r == KEY_CODE_YES;
		k->meta = false;
		if (k->is_key || c != CD_KEY_ESC)
			return true;

		/* Esc: alone it is Back. ncurses already waited ESCDELAY, so
		 * whatever follows at once is part of the same key press. */
		next = next_char(w);
		if (next < 0)
			return true;
		if (next >= '0' && next <= '9') {
			k->ch = KEY_F(next == '0' ? 10 : next - '0');
			k->is_key = true;
			return true;
		}
		if (next == '[' || next == 'O') {
			if (decode_sequence(w, next, k))
				return true;
			continue; /* unknown sequence: dropped */
		}
		if (next == CD_KEY_ESC || next < 0x20) {
			unget_wch((wchar_t)next);
			return true;
		}
		k->ch = (wint_t)next;
		k->meta = true;
		return true;
	}
}

/* ---- describing ---- */

static bool utf8_terminal(void)
{
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

static void describe_key(int code, bool meta, char *buf, size_t len)
{
	bool u = utf8_terminal();

	if (meta) {
		snprintf(buf, len, "Alt-%c", code >= 'a' && code <= 'z' ? code - 32 : code);
		return;
	}
	if (code >= KEY_F(0) && code <= KEY_F(63)) {
		snprintf(buf, len, "F%d", code - KEY_F(0));
		return;
	}
	switch (code) {
	case CD_KEY_ESC: snprintf(buf, len, "Esc"); return;
	case '\r': case '\n': case KEY_ENTER: snprintf(buf, len, "Enter"); return;
	case '\t': snprintf(buf, len, "Tab"); return;
	case KEY_BTAB: snprintf(buf, len, "Shift-Tab"); return;
	case KEY_UP: snprintf(buf, len, "%s", u ? "\xe2\x86\x91" : "Up"); return;
	case KEY_DOWN: snprintf(buf, len, "%s", u ? "\xe2\x86\x93" : "Down"); return;
	case KEY_LEFT: snprintf(buf, len, "%s", u ? "\xe2\x86\x90" : "Left"); return;
	case KEY_RIGHT: snprintf(buf, len, "%s", u ? "\xe2\x86\x92" : "Right"); return;
	case KEY_PPAGE: snprintf(buf, len, "PgUp"); return;
	case KEY_NPAGE: snprintf(buf, len, "PgDn"); return;
	case KEY_HOME: snprintf(buf, len, "Home"); return;
	case KEY_END: snprintf(buf, len, "End"); return;
	case KEY_BACKSPACE: case 127: case 8: snprintf(buf, len, "Backspace"); return;
	case KEY_DC: snprintf(buf, len, "Delete"); return;
	case ' ': snprintf(buf, len, "Space"); return;
	}
	if (code < 0x20)
		snprintf(buf, len, "Ctrl-%c", code + '@');
	else
		snprintf(buf, len, "%lc", (wint_t)code);
}

static void append_name(char *buf, size_t len, const char *name)
{
	size_t used = strlen(buf);
	const char *p = buf;

	/* Several codes share one name (Enter is \r, \n and KEY_ENTER). */
	while ((p = strstr(p, name)) != NULL) {
		size_t n = strlen(name);
		if ((p == buf || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
			return;
		p += n;
	}
	snprintf(buf + used, len - used, "%s%s", used ? ", " : "", name);
}

void keys_describe(enum action a, bool text_screen, char *buf, size_t len)
{
	char name[32];

	if (!len)
		return;
	buf[0] = '\0';
	if (a <= ACT_NONE || a >= ACT_COUNT)
		return;
	describe_key(actions[a].key, false, name, sizeof(name));
	append_name(buf, len, name);
	for (size_t i = 0; i < ARRAY_SIZE(extra); i++) {
		if (extra[i].act != a)
			continue;
		if (text_screen && !extra[i].meta && is_printable(extra[i].code))
			continue;
		describe_key(extra[i].code, extra[i].meta, name, sizeof(name));
		append_name(buf, len, name);
	}
	/* Esc + digit stands for the function key with that number. */
	if (actions[a].key >= KEY_F(1) && actions[a].key <= KEY_F(10)) {
		int n = actions[a].key - KEY_F(0);
		snprintf(name, sizeof(name), "Alt-%d", n % 10);
		append_name(buf, len, name);
	}
}

void keys_first(enum action a, char *buf, size_t len)
{
	if (!len)
		return;
	buf[0] = '\0';
	if (a > ACT_NONE && a < ACT_COUNT)
		describe_key(actions[a].key, false, buf, len);
}

const char *action_hint(enum action a)
{
	return a > ACT_NONE && a < ACT_COUNT ? _(actions[a].hint) : "";
}

const char *action_help(enum action a)
{
	return a > ACT_NONE && a < ACT_COUNT ? _(actions[a].help) : "";
}

const char *action_name(enum action a)
{
	return a > ACT_NONE && a < ACT_COUNT ? actions[a].name : "";
}

bool action_everywhere(enum action a)
{
	return a == ACT_HELP || a == ACT_QUIT || a == ACT_LOCK || a == ACT_REDRAW;
}

bool action_scroll(enum action a, int *top, int page, int lines)
{
	int step = page > 2 ? page - 1 : 1; /* a page keeps one line in view */

	switch (a) {
	case ACT_UP:
		--*top;
		return true;
	case ACT_DOWN:
		++*top;
		return true;
	case ACT_PAGE_UP:
		*top -= step;
		return true;
	case ACT_PAGE_DOWN:
		*top += step;
		return true;
	case ACT_FIRST:
		*top = 0;
		return true;
	case ACT_LAST:
		*top = lines;
		return true;
	default:
		return false;
	}
}
