/* The workbench: terminal set-up and teardown, the screen stack and the loop.
 *
 * One turn of the loop: draw what changed (wnoutrefresh) and doupdate once;
 * poll() stdin and the database socket, waking at least once a second for the
 * clock, the idle lock and the connection; read every pending key. Resizes
 * arrive as KEY_RESIZE from ncurses' own SIGWINCH handling, so there is no
 * signal handler here. Keys are read from stdscr, which is never drawn on:
 * wget_wch then never refreshes anything behind the loop's back. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "config.h"
#include "crypto.h"
#include "draw.h"
#include "exitcode.h"
#include "i18n.h"
#include "screen.h"
#include "session.h"
#include "tui.h"
#include "util.h"

#define TUI_MIN_COLS 80
#define TUI_MIN_LINES 24
#define TUI_MAX_DEPTH 16
#define RECONNECT_EVERY 2.0

struct frame {
	const struct screen_ops *ops;
	void *st;
};

struct tui {
	const struct cd_config *cfg;
	struct cd_session *session;
	struct cd_keys *keys; /* the key file, read at first need, kept until the end */
	char pwhash[CD_PWHASH_LEN];
	bool have_hash;
	/* The password between login and hashing it, one loop turn later:
	 * the home screen is drawn first, argon2id's ~70 ms comes after. */
	char pending_pw[1024];
	bool pw_pending;

	enum conn_state conn;
	double next_check, next_reconnect;
	double last_input;
	long idle_seconds; /* 0: never lock */
	unsigned reconnects; /* connections re-established: LISTENs are lost with each */

	struct frame stack[TUI_MAX_DEPTH];
	int depth;
	struct frame dead[TUI_MAX_DEPTH]; /* popped, freed after the key */
	int ndead;

	WINDOW *title, *body, *msg, *status, *small;
	bool too_small, body_dirty, bars_dirty, more_input;
	int cur_y, cur_x;
	bool cur_show;
	int cursor_visible; /* what curs_set was last told; -1 unknown */

	char message[512];
	enum msg_kind msg_kind;
	bool msg_dirty;

	bool quit;
	int exit_code;
};

static SCREEN *term_screen; /* for the atexit handler */
/* counterdesk rate --window N: the rating pad of that window replaces the
 * home screen, and nothing locks the pad the visitor faces. */
static int kiosk_window;

/* ---- time ---- */

double tui_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- accessors ---- */

const struct cd_config *tui_config(const struct tui *t)
{
	return t->cfg;
}

const struct cd_identity *tui_who(const struct tui *t)
{
	return t->session ? &t->session->who : NULL;
}

enum conn_state tui_conn(const struct tui *t)
{
	return t->conn;
}

struct cd_session *tui_session(const struct tui *t)
{
	return t->session;
}

unsigned tui_reconnects(const struct tui *t)
{
	return t->reconnects;
}

const struct cd_keys *tui_keys(struct tui *t, struct cd_error *err)
{
	enum cd_crypto_err ce;

	if (t->keys)
		return t->keys;
	if (!t->cfg || !t->cfg->key_file || !*t->cfg->key_file) {
		cd_error_set(err, CD_ERR_CONFIG, "No key file is configured", "[crypto] key_file");
		return NULL;
	}
	ce = cd_keys_load(t->cfg->key_file, &t->keys);
	if (ce != CD_CRYPTO_OK) {
		cd_error_set(err, ce == CD_CRYPTO_IO ? CD_ERR_IO : CD_ERR_CONFIG,
			     cd_crypto_strerror(ce), "%s", t->cfg->key_file);
		t->keys = NULL;
	}
	return t->keys;
}

void tui_message(struct tui *t, enum msg_kind kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->message, sizeof(t->message), fmt, ap);
	va_end(ap);
	/* Messages from libpq end in a newline and may hold several lines. */
	for (char *p = t->message; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	for (size_t n = strlen(t->message); n && t->message[n - 1] == ' ';)
		t->message[--n] = '\0';
	t->msg_kind = kind;
	t->msg_dirty = true;
}

static void clear_message(struct tui *t)
{
	if (t->message[0]) {
		t->message[0] = '\0';
		t->msg_dirty = true;
	}
}

void tui_cursor(struct tui *t, int y, int x)
{
	t->cur_show = true;
	t->cur_y = y;
	t->cur_x = x;
}

/* ---- the stack ---- */

static struct frame *top(struct tui *t)
{
	return t->depth ? &t->stack[t->depth - 1] : NULL;
}

void tui_push(struct tui *t, const struct screen_ops *ops, const void *arg)
{
	struct frame *f;

	if (t->depth >= TUI_MAX_DEPTH)
		return;
	f = &t->stack[t->depth++];
	f->ops = ops;
	f->st = ops->state_size ? xcalloc(1, ops->state_size) : NULL;
	if (ops->enter)
		ops->enter(t, f->st, arg);
	t->body_dirty = t->bars_dirty = true;
}

void tui_pop(struct tui *t)
{
	if (!t->depth || t->ndead >= TUI_MAX_DEPTH)
		return;
	t->dead[t->ndead++] = t->stack[--t->depth];
	t->body_dirty = t->bars_dirty = true;
}

const struct screen_ops *tui_below(const struct tui *t)
{
	return t->depth >= 2 ? t->stack[t->depth - 2].ops : NULL;
}

static void free_frame(struct tui *t, struct frame *f)
{
	if (f->ops->leave)
		f->ops->leave(t, f->st);
	if (f->st) {
		sodium_memzero(f->st, f->ops->state_size);
		free(f->st);
	}
	f->st = NULL;
	f->ops = NULL;
}

static void reap(struct tui *t)
{
	while (t->ndead > 0)
		free_frame(t, &t->dead[--t->ndead]);
}

static bool on_stack(const struct tui *t, const struct screen_ops *ops)
{
	for (int i = 0; i < t->depth; i++)
		if (t->stack[i].ops == ops)
			return true;
	return false;
}

/* ---- session ---- */

void tui_logged_in(struct tui *t, struct cd_session *s, const char *password)
{
	t->session = s;
	t->conn = CONN_OK;
	t->next_check = tui_now() + 1;
	t->have_hash = false;
	t->pw_pending = true; /* an empty pending_pw fails to hash: the lock says it is off */
	if (strlen(password) < sizeof(t->pending_pw))
		memcpy(t->pending_pw, password, strlen(password) + 1);
	while (t->depth)
		tui_pop(t);
	if (kiosk_window > 0)
		tui_push(t, &rating_screen, &kiosk_window);
	else
		tui_push(t, &home_screen, NULL);
	clear_message(t);
}

/* Keeps only the argon2id hash of the password, for the idle lock. */
static void hash_password(struct tui *t)
{
	if (!t->pw_pending)
		return;
	t->have_hash = t->pending_pw[0] && cd_pwhash(t->pending_pw, t->pwhash) == CD_CRYPTO_OK;
	sodium_memzero(t->pending_pw, sizeof(t->pending_pw));
	t->pw_pending = false;
	if (!t->have_hash)
		tui_message(t, MSG_ERROR, "%s",
			    _("The idle lock is off: the password could not be kept for unlocking."));
}

bool tui_verify_password(const struct tui *t, const char *password)
{
	return t->have_hash && cd_pwhash_verify(t->pwhash, password) == 1;
}

static void lock_now(struct tui *t)
{
	if (!t->session || !t->have_hash || on_stack(t, &lock_screen))
		return;
	tui_push(t, &lock_screen, NULL);
}

/* ---- quitting ---- */

void tui_quit_now(struct tui *t)
{
	t->quit = true;
}

void tui_request_quit(struct tui *t)
{
	for (int i = 0; i < t->depth; i++) {
		const struct frame *f = &t->stack[i];
		if (f->ops->has_unsaved && f->ops->has_unsaved(t, f->st)) {
			if (!on_stack(t, &confirm_screen))
				tui_push(t, &confirm_screen, NULL);
			return;
		}
	}
	t->quit = true;
}

/* ---- layout and drawing ---- */

static void delete_windows(struct tui *t)
{
	WINDOW **ws[] = { &t->title, &t->body, &t->msg, &t->status, &t->small };

	for (size_t i = 0; i < ARRAY_SIZE(ws); i++) {
		if (*ws[i])
			delwin(*ws[i]);
		*ws[i] = NULL;
	}
}

/* Title line, body, message line, status bar; or, below 80x24, one window
 * that says so. The screens keep their state either way. */
static void layout(struct tui *t)
{
	delete_windows(t);
	t->too_small = COLS < TUI_MIN_COLS || LINES < TUI_MIN_LINES;
	if (t->too_small) {
		t->small = newwin(LINES, COLS, 0, 0);
	} else {
		t->title = newwin(1, COLS, 0, 0);
		t->body = newwin(LINES - 3, COLS, 1, 0);
		t->msg = newwin(1, COLS, LINES - 2, 0);
		t->status = newwin(1, COLS, LINES - 1, 0);
		wbkgdset(t->title, ' ' | draw_attr(ROLE_TITLE));
		wbkgdset(t->status, ' ' | draw_attr(ROLE_STATUS));
	}
	t->body_dirty = t->bars_dirty = t->msg_dirty = true;
}

static void draw_too_small(struct tui *t)
{
	char need[160], have[160];
	WINDOW *w = t->small;
	int rows;

	if (!w)
		return;
	werase(w);
	snprintf(need, sizeof(need), _("Terminal too small: need %dx%d, have %dx%d"),
		 TUI_MIN_COLS, TUI_MIN_LINES, COLS, LINES);
	snprintf(have, sizeof(have), "%s", _("Enlarge the window; nothing is lost."));
	rows = draw_wrap(w, 0, 0, COLS, LINES, need, false);
	wattrset(w, A_BOLD);
	if (draw_width(need) <= COLS) {
		draw_center(w, (LINES - 2) / 2, need);
		wattrset(w, A_NORMAL);
		if (LINES > 2)
			draw_center(w, (LINES - 2) / 2 + 1, have);
	} else {
		draw_wrap(w, LINES > rows ? (LINES - rows) / 2 : 0, 0, COLS, LINES, need, true);
	}
	wattrset(w, A_NORMAL);
	wnoutrefresh(w);
}

static void set_cursor_visible(struct tui *t, bool on)
{
	if (t->cursor_visible == (int)on)
		return;
	curs_set(on ? 1 : 0); /* ERR on terminals that cannot: harmless */
	t->cursor_visible = on;
}

static void draw_body(struct tui *t)
{
	int base = t->depth - 1;

	werase(t->body);
	t->cur_show = false;
	/* Overlays are drawn over the screen beneath them. */
	while (base > 0 && t->stack[base].ops->overlay)
		base--;
	for (int i = base >= 0 ? base : 0; i < t->depth; i++) {
		t->cur_show = false; /* the top layer decides */
		if (t->stack[i].ops->draw)
			t->stack[i].ops->draw(t, t->stack[i].st, t->body);
	}
}

static void render(struct tui *t)
{
	struct frame *f = top(t);

	wnoutrefresh(stdscr); /* untouches it, so wget_wch never repaints it */
	if (t->too_small) {
		if (t->body_dirty)
			draw_too_small(t);
		t->body_dirty = false;
		set_cursor_visible(t, false);
		doupdate();
		return;
	}
	if (titlebar_update(t, t->title, f ? f->ops : NULL, t->bars_dirty))
		wnoutrefresh(t->title);
	if (statusbar_update(t, t->status, t->bars_dirty))
		wnoutrefresh(t->status);
	if (msgline_update(t->msg, t->message, t->msg_kind, t->msg_dirty || t->bars_dirty))
		wnoutrefresh(t->msg);
	t->bars_dirty = t->msg_dirty = false;
	if (t->body_dirty) {
		draw_body(t);
		t->body_dirty = false;
	}
	/* The body goes last: the terminal cursor stays where it was put. */
	if (t->cur_show)
		wmove(t->body, t->cur_y, t->cur_x);
	wnoutrefresh(t->body);
	set_cursor_visible(t, t->cur_show);
	doupdate();
}

void tui_flush(struct tui *t)
{
	render(t);
}

/* ---- keys ---- */

static void global_action(struct tui *t, enum action a)
{
	struct frame *f = top(t);

	switch (a) {
	case ACT_HELP:
		tui_push(t, &help_screen, f ? f->ops : NULL);
		break;
	case ACT_QUIT:
		tui_request_quit(t);
		break;
	case ACT_LOCK:
		if (t->session)
			lock_now(t);
		break;
	case ACT_BACK:
		if (f && f->ops->overlay && t->depth > 1)
			tui_pop(t);
		break;
	default:
		break;
	}
}

static void handle_key(struct tui *t, const struct key *k)
{
	struct frame *f = top(t);
	bool text = f && f->ops->text_focus && f->ops->text_focus(f->st);
	enum action a = keys_action(k, text);

	t->last_input = tui_now();
	if (a == ACT_REDRAW) {
		clearok(curscr, TRUE);
		t->body_dirty = t->bars_dirty = true;
		return;
	}
	/* Keys still count while the terminal is too small to show anything:
	 * what is typed just after a resize must not be lost. */
	clear_message(t);
	if (f && f->ops->key && f->ops->key(t, f->st, a, k) == SCR_DONE) {
		t->body_dirty = true;
		return;
	}
	global_action(t, a);
}

/* Reads every pending key. Stops after a resize so that the new layout
 * exists before the next key is drawn. */
static void read_keys(struct tui *t)
{
	struct key k;

	t->more_input = false;
	while (!t->quit && keys_read(stdscr, &k)) {
		if (k.is_key && k.ch == KEY_RESIZE) {
			clearok(curscr, TRUE);
			layout(t);
			t->more_input = true;
			return;
		}
		handle_key(t, &k);
		reap(t);
	}
}

/* ---- the clock, the idle lock, the connection ---- */

static void watch_connection(struct tui *t, bool readable, double now)
{
	struct cd_error err;

	if (!t->session)
		return;
	if (t->conn == CONN_OK && (readable || now >= t->next_check)) {
		t->next_check = now + 1;
		if (!cd_session_alive(t->session)) {
			t->conn = CONN_LOST;
			t->next_reconnect = now;
			t->bars_dirty = true;
			tui_message(t, MSG_ERROR, "%s",
				    _("Database unreachable. This screen is kept; retrying every 2 seconds."));
		}
	}
	if (t->conn == CONN_LOST && now >= t->next_reconnect) {
		render(t);
		cd_error_clear(&err);
		if (cd_session_reconnect(t->session, &err)) {
			t->conn = CONN_OK;
			t->reconnects++;
			t->next_check = tui_now() + 1;
			tui_message(t, MSG_OK, "%s", _("Connected to the database again."));
		} else {
			t->next_reconnect = tui_now() + RECONNECT_EVERY;
		}
		t->bars_dirty = true;
	}
}

/* Each turn of the loop, so at least once a second. */
static void periodic(struct tui *t, bool db_readable)
{
	double now = tui_now();

	watch_connection(t, db_readable, now);
	if (t->session && t->idle_seconds > 0 && now - t->last_input >= (double)t->idle_seconds)
		lock_now(t);
	for (int i = 0; i < t->depth; i++) {
		struct frame *f = &t->stack[i];
		if (f->ops->tick && f->ops->tick(t, f->st))
			t->body_dirty = true;
	}
	reap(t);
}

static int poll_timeout(const struct tui *t)
{
	struct timespec ts;

	if (t->more_input)
		return 0;
	/* Wake at the next full second, so the clock turns on time. */
	clock_gettime(CLOCK_REALTIME, &ts);
	return 1000 - (int)(ts.tv_nsec / 1000000);
}

static void loop(struct tui *t)
{
	while (!t->quit) {
		struct pollfd fds[2] = { { .fd = STDIN_FILENO, .events = POLLIN } };
		nfds_t n = 1;
		int dbfd = t->session && t->conn == CONN_OK ? cd_session_socket(t->session) : -1;
		bool db_readable = false;
		int r;

		render(t);
		hash_password(t);
		if (dbfd >= 0) {
			fds[1].fd = dbfd;
			fds[1].events = POLLIN;
			n = 2;
		}
		r = poll(fds, n, poll_timeout(t));
		if (r < 0 && errno != EINTR) {
			t->exit_code = CD_EXIT_SOFTWARE;
			break;
		}
		/* EINTR is usually SIGWINCH: ncurses has a KEY_RESIZE waiting. */
		read_keys(t);
		if (r > 0 && (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL))) {
			t->exit_code = CD_EXIT_OK; /* the terminal went away */
			break;
		}
		if (n == 2 && r > 0 && fds[1].revents)
			db_readable = true;
		periodic(t, db_readable);
	}
}

/* ---- set-up and teardown ---- */

static void restore_terminal(void)
{
	if (term_screen && !isendwin())
		endwin();
}

static void teardown(struct tui *t)
{
	while (t->depth)
		tui_pop(t);
	reap(t);
	delete_windows(t);
	/* Terminals without an alternate screen (vt100, the console) would
	 * otherwise keep the last screen, names included, after we are gone. */
	if (term_screen && !isendwin()) {
		werase(stdscr);
		wnoutrefresh(stdscr);
		doupdate();
	}
	restore_terminal();
	if (term_screen) {
		delscreen(term_screen);
		term_screen = NULL;
	}
	cd_session_free(&t->session);
	cd_keys_free(&t->keys);
	sodium_memzero(t->pwhash, sizeof(t->pwhash));
	sodium_memzero(t->pending_pw, sizeof(t->pending_pw));
}

static long idle_seconds(const struct cd_config *cfg)
{
	const char *env = getenv("COUNTERDESK_IDLE_SECONDS");
	char *end;
	long v;

	if (env && *env) {
		v = strtol(env, &end, 10);
		if (*end == '\0' && v >= 0)
			return v;
	}
	return cfg && cfg->idle_lock_minutes > 0 ? (long)cfg->idle_lock_minutes * 60 : 0;
}

int tui_run(const struct cd_config *cfg, const char *initial_login)
{
	static bool atexit_done;
	struct tui t = { .cfg = cfg, .cursor_visible = -1 };

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "%s\n",
			_("counterdesk: the workbench needs a terminal; for scripts use the commands (counterdesk --help)."));
		return CD_EXIT_USAGE;
	}
	if (cd_crypto_init() != 0) {
		fprintf(stderr, "counterdesk: %s\n", _(cd_crypto_strerror(CD_CRYPTO_INIT)));
		return CD_EXIT_SOFTWARE;
	}
	term_screen = newterm(NULL, stdout, stdin);
	if (!term_screen) {
		const char *term = getenv("TERM");
		fprintf(stderr, _("counterdesk: cannot use the terminal type \"%s\"; try TERM=xterm-256color or TERM=vt100.\n"),
			term ? term : "");
		return CD_EXIT_UNAVAIL;
	}
	if (!atexit_done) {
		/* exit() from anywhere (out of memory, say) still restores the terminal. */
		atexit(restore_terminal);
		atexit_done = true;
	}
	set_term(term_screen);
	raw();             /* Ctrl-C, Ctrl-Q, Ctrl-S reach us as keys */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	meta(stdscr, TRUE);
	intrflush(stdscr, FALSE);
	wtimeout(stdscr, 0);
	set_escdelay(25);
	draw_init();

	t.idle_seconds = kiosk_window > 0 ? 0 : idle_seconds(cfg);
	t.last_input = tui_now();
	layout(&t);
	tui_push(&t, &login_screen, initial_login);
	loop(&t);
	teardown(&t);
	return t.exit_code;
}

int tui_rate(const struct cd_config *cfg, const char *login, int window)
{
	int rc;

	kiosk_window = window;
	rc = tui_run(cfg, login);
	kiosk_window = 0;
	return rc;
}
