/* Text for people: display width of UTF-8 (CJK characters take two columns),
 * padded columns for the CLI's tables, JSON strings, and password input. */
#ifndef CD_TEXT_H
#define CD_TEXT_H

#include <stdbool.h>
#include <stdio.h>

/* Columns that s takes on a terminal; invalid bytes and control characters
 * count as one column each (they are shown as a replacement). */
int cd_text_width(const char *s);
/* Prints s padded with spaces to width columns (never cut). */
void cd_print_padded(FILE *f, const char *s, int width);
/* Prints s as a JSON string with quotes, escaping as RFC 8259 requires. */
void cd_json_string(FILE *f, const char *s);

/* Text from the database or from a file is shown, never obeyed: a terminal
 * acts on the escape sequences in what it is sent (ESC [ 2 J clears it,
 * OSC 52 writes the clipboard, ...). cd_text_safe copies len bytes of s
 * with every control character except newline and tab, every C1 control
 * (U+0080-U+009F) and every byte that is not well-formed UTF-8 replaced by
 * U+FFFD (or '?' when the locale is not UTF-8). malloc'd, NUL-terminated. */
char *cd_text_safe(const char *s, size_t len);
/* Puts the same replacement between stderr (and, when guard_stdout,
 * stdout) and the terminal: every byte written there from now on passes
 * through it, so no path can forget it (and JSON, whose strings escape
 * controls, is left valid). stdout only for the command line: the TUI draws
 * escape sequences on purpose (on stdout) and replaces control characters
 * itself (screens/draw.c); its messages before and after the screen go to
 * stderr. A second call may add stdout. 0, or -1 when a stream cannot be
 * replaced (it is then left as it was). */
int cd_text_guard_stdio(bool guard_stdout);

/* Reads a password from the terminal without echo (malloc'd; the caller
 * zeroes and frees it). NULL when there is no terminal or on end of input. */
char *cd_read_password(const char *prompt);
/* The first line of a file, without its newline (malloc'd), NULL on error. */
char *cd_read_first_line(const char *path);

#endif
