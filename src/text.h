/* Text for people: display width of UTF-8 (CJK characters take two columns),
 * padded columns for the CLI's tables, JSON strings, and password input. */
#ifndef CD_TEXT_H
#define CD_TEXT_H

#include <stdio.h>

/* Columns that s takes on a terminal; invalid bytes and control characters
 * count as one column each (they are shown as a replacement). */
int cd_text_width(const char *s);
/* Prints s padded with spaces to width columns (never cut). */
void cd_print_padded(FILE *f, const char *s, int width);
/* Prints s as a JSON string with quotes, escaping as RFC 8259 requires. */
void cd_json_string(FILE *f, const char *s);

/* Reads a password from the terminal without echo (malloc'd; the caller
 * zeroes and frees it). NULL when there is no terminal or on end of input. */
char *cd_read_password(const char *prompt);
/* The first line of a file, without its newline (malloc'd), NULL on error. */
char *cd_read_first_line(const char *path);

#endif
