/* The frame every screen plugs into: a screen is one const table of
 * operations (tig's view_ops), the framework owns the loop, the stack of
 * screens, the title line, the message line and the status bar. Only files
 * in screens/ include this; it uses curses. */
#ifndef CD_SCREEN_H
#define CD_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <curses.h>

#include "crypto.h"
#include "keys.h"

struct tui;
struct cd_config;
struct cd_session;
struct cd_identity;
struct cd_error;

/* What a screen's key handler answers. */
enum screen_result {
	SCR_PASS = 0, /* not mine: the keys that work everywhere get it */
	SCR_DONE = 1, /* handled; the screen is redrawn */
};

/* One hint in the title line: the action's first key and a word. label NULL
 * means the action's own hint from actions.h. */
struct hint {
	enum action act;
	const char *label; /* N_() */
};

struct screen_ops {
	const char *name;          /* title, N_() */
	size_t state_size;         /* the framework allocates it zeroed */
	bool overlay;              /* drawn over the screen below (help, dialogs) */
	const enum action *keys;   /* what this screen answers to, for F1; ends with ACT_NONE */
	const struct hint *hints;  /* for the title line; ends with { ACT_NONE } */
	const char *help_extra;    /* one more line for F1 (keys that are not actions), N_() */
	void (*enter)(struct tui *t, void *st, const void *arg);
	void (*draw)(struct tui *t, void *st, WINDOW *w);
	enum screen_result (*key)(struct tui *t, void *st, enum action a, const struct key *k);
	bool (*tick)(struct tui *t, void *st);   /* at least once a second; true = redraw */
	void (*leave)(struct tui *t, void *st);
	bool (*has_unsaved)(const struct tui *t, const void *st);
	bool (*text_focus)(const void *st);      /* the cursor is in a text field */
};

enum msg_kind { MSG_INFO, MSG_ERROR, MSG_OK };
enum conn_state { CONN_NONE, CONN_OK, CONN_LOST };

/* ---- the stack ---- */
void tui_push(struct tui *t, const struct screen_ops *ops, const void *arg);
/* Removes the top screen; its leave() and freeing happen after the current
 * key is handled, so a screen may pop itself and return normally. */
void tui_pop(struct tui *t);
const struct screen_ops *tui_below(const struct tui *t); /* the screen under the top one */

/* ---- what screens may ask ---- */
const struct cd_config *tui_config(const struct tui *t);
const struct cd_identity *tui_who(const struct tui *t); /* NULL before login */
enum conn_state tui_conn(const struct tui *t);
/* The logged-in session (its db for the core's calls); NULL before login. */
struct cd_session *tui_session(const struct tui *t);
/* How many times the connection was re-established: the server forgets a
 * LISTEN with the connection, so a screen that listens does it again. */
unsigned tui_reconnects(const struct tui *t);
/* The key file of the configuration ([crypto] key_file), read once at the
 * first need and kept (zeroed at exit); NULL with err when it cannot be read. */
const struct cd_keys *tui_keys(struct tui *t, struct cd_error *err);
double tui_now(void);                  /* monotonic seconds */
/* The message line above the status bar; cleared by the next key. */
void tui_message(struct tui *t, enum msg_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Where the terminal cursor goes (body coordinates) after this draw. */
void tui_cursor(struct tui *t, int y, int x);
/* Draws everything now: before a call that blocks (log-in, reconnect). */
void tui_flush(struct tui *t);
/* Asks to quit; asks the user first when a screen holds unsaved work. */
void tui_request_quit(struct tui *t);
void tui_quit_now(struct tui *t);

/* Takes over a logged-in session, keeps only an argon2id hash of the
 * password for the idle lock and opens the home screen. */
void tui_logged_in(struct tui *t, struct cd_session *s, const char *password);
/* Checks a password against the hash kept at login (1 when it matches). */
bool tui_verify_password(const struct tui *t, const char *password);

/* ---- bars (statusbar.c) ---- */
/* Each draws its line only when what it shows changed since the last call
 * (or when force), and returns true when it drew. */
bool statusbar_update(struct tui *t, WINDOW *w, bool force);
bool titlebar_update(struct tui *t, WINDOW *w, const struct screen_ops *top, bool force);
bool msgline_update(WINDOW *w, const char *text, enum msg_kind kind, bool force);

/* ---- failure throttle: five failures in a row make the user wait ---- */
struct throttle {
	int failures;  /* in a row */
	int pauses;    /* pauses so far: each one doubles the wait */
	double until;  /* monotonic time the wait ends */
};
#define THROTTLE_FAILURES 5
void throttle_failed(struct throttle *th);
void throttle_passed(struct throttle *th);
int throttle_wait(const struct throttle *th); /* seconds left, 0 when free */

/* ---- the screens ---- */
extern const struct screen_ops login_screen;
extern const struct screen_ops home_screen;
extern const struct screen_ops help_screen;
extern const struct screen_ops lock_screen;
extern const struct screen_ops confirm_screen;
extern const struct screen_ops intake_screen;  /* arg: NULL, or a struct cd_intake ** to resume (taken over) */
extern const struct screen_ops drafts_screen;
extern const struct screen_ops cases_screen;
extern const struct screen_ops window_screen;    /* the clerk's window (叫号) */
extern const struct screen_ops green_screen;     /* arg: NULL, or a const struct green_open * */
extern const struct screen_ops rating_screen;    /* arg: const int *, the window rated */
extern const struct screen_ops followups_screen; /* supervisors: bad ratings to follow up */
extern const struct screen_ops sync_screen;      /* supervisors, admins: deliveries to department systems */
extern const struct screen_ops dashboard_screen; /* supervisors: the live dashboard */
extern const struct screen_ops report_screen;    /* supervisors: a day's or a week's figures */
extern const struct screen_ops staff_screen;     /* administrators: staff accounts */
extern const struct screen_ops depts_screen;     /* administrators: departments */
extern const struct screen_ops audit_screen;     /* supervisors, administrators: the audit chain */

/* Opening the green channel's screen on the start of a session. */
struct green_open {
	const char *ticket; /* the green ticket called at the window, or NULL: a walk-in */
};

#endif
