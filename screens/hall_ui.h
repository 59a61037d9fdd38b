/* What the hall's screens share (window.c, green.c, rating.c,
 * followups.c): the notifications of the hall channel, handed to each
 * screen's tick, and large characters for the rating pad and the ticket
 * called. Only these files include it. */
#ifndef CD_HALL_UI_H
#define CD_HALL_UI_H

#include <stdbool.h>
#include <curses.h>

#include "hall.h"
#include "screen.h"

/* One notification of CD_HALL_CHANNEL, as a hint of what changed. */
struct hall_event {
	char event[24];  /* issue, call, finish ... (docs/hall.md); "" means
			    events may have been missed: read everything again */
	int window;      /* the window it names, 0 when none */
	char number[16]; /* the ticket it names, "" when none */
};

/* A screen's place in the stream of notifications. */
struct hall_watch {
	unsigned long seen;  /* events read so far */
	unsigned listen_gen; /* the LISTEN this screen has seen */
};

/* Starts watching from now: LISTENs when this connection does not yet.
 * False (with the reason on the message line) when LISTEN failed; the
 * next hall_watch_next tries again. */
bool hall_watch_start(struct tui *t, struct hall_watch *w);
/* The next event since the last call, false when there is none. LISTENs
 * again after a reconnect (cd_session_reconnect drops the LISTEN) and
 * then reports an event "" once: what happened meanwhile was not heard. */
bool hall_watch_next(struct tui *t, struct hall_watch *w, struct hall_event *ev);

/* The session's connection, for the core's calls. */
struct cd_db *hall_db(struct tui *t);
/* "what: the reason" on the message line, in the user's language. */
void hall_fail(struct tui *t, const char *what, const struct cd_error *err);

/* Large characters: digits and capital letters, BIG_ROWS lines high, drawn
 * as blocks in reverse video (no font or glyph width to depend on). */
#define BIG_ROWS 5
int big_width(const char *s);
/* Draws s with its top left at (y, x); characters without a large form
 * are skipped. */
void big_draw(WINDOW *w, int y, int x, const char *s);

/* "A 综合受理": a category and its name, for lists. */
void hall_category_label(char *buf, size_t len, const char *code, const char *name);

#endif
