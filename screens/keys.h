/* Keys: reading them (with a fallback decoder for terminals whose description
 * lacks function keys), and the bindings from keys to actions. The same keys
 * mean the same thing on every screen. */
#ifndef CD_KEYS_H
#define CD_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>
#include <curses.h>

#include "actions.h"

struct key {
	wint_t ch;   /* a character, or a KEY_* code when is_key */
	bool is_key;
	bool meta;   /* arrived as Esc + ch (Alt-ch) */
};

/* Reads one pending key from w without waiting; false when there is none. */
bool keys_read(WINDOW *w, struct key *k);

/* The action bound to k. Printable keys (such as '?') are bound only when
 * the cursor is not in a text field (text_focus false), where they are text. */
enum action keys_action(const struct key *k, bool text_focus);

/* A character to insert into a text field, or 0 when k is not one. */
wchar_t keys_char(const struct key *k);

/* All keys bound to a, for the help screen: "F1, Ctrl-G, ?". With
 * text_screen, keys that are text in a field ('?') are left out. */
void keys_describe(enum action a, bool text_screen, char *buf, size_t len);
/* The first key bound to a, for the hints in the title line: "F1". */
void keys_first(enum action a, char *buf, size_t len);

const char *action_hint(enum action a); /* translated short word */
const char *action_help(enum action a); /* translated sentence */
const char *action_name(enum action a); /* "help", "quit": for key files and docs */
/* Help, quit, lock and redraw work everywhere: a dialog or box that takes
 * every other key lets these through to the framework. */
bool action_everywhere(enum action a);
/* Up, Down, PgUp, PgDn, Home and End on a text that scrolls: moves *top
 * by a line or a page (page: lines shown) and answers true; false for any
 * other action. The draw keeps *top within the text. */
bool action_scroll(enum action a, int *top, int page, int lines);

#endif
