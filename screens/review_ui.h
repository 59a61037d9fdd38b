/* What the routing screens share (review.c, the queue; review_task.c, one
 * task; cases.c, a clerk's case): the notifications of CD_TASK_CHANNEL,
 * the light of a deadline as colour plus a text mark, and the lines of a
 * case's steps and timeline. Only files in screens/ include it. */
#ifndef CD_REVIEW_UI_H
#define CD_REVIEW_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <curses.h>

#include "draw.h"
#include "screen.h"
#include "task.h"

/* The queue of one's own department; supervisors' views of every
 * department, and of the overdue tasks only. arg: NULL. */
extern const struct screen_ops review_screen;
extern const struct screen_ops review_all_screen;
extern const struct screen_ops review_overdue_screen;
/* One task. arg: a const long long *, the task id. */
extern const struct screen_ops review_task_screen;

/* A screen's place in the stream of task notifications. */
struct task_watch {
	unsigned long seen;
	unsigned listen_gen;
	unsigned long changes; /* review_changes() when last read */
};
/* Starts watching from now: LISTENs when this connection does not yet. */
void task_watch_start(struct tui *t, struct task_watch *w);
/* True once when a task changed since the last call: a NOTIFY named dept
 * (NULL: any department), a decision was taken on this terminal, or the
 * LISTEN was made again (after a reconnect: what happened meanwhile was not
 * heard). */
bool task_watch_changed(struct tui *t, struct task_watch *w, const char *dept);
/* Re-reading on changes at most this often: a burst of decisions costs one
 * read, and a supervisor on a slow link is not flooded. */
#define REVIEW_REFRESH_SECONDS 1.0
/* A screen of this terminal changed a task (so the queue below re-reads
 * even when notifications are not heard). */
void review_changed(void);

/* The light of a deadline: its role (red = ROLE_ERROR, yellow = ROLE_WARN)
 * and a mark that says the same without colour ("!!", "! "). */
enum draw_role light_role(enum cd_light l);
const char *light_mark(enum cd_light l);
/* Short words for narrow columns: "Late", "Due soon" ...; "Unclaimed",
 * "In review" ... for a task status. */
const char *light_word(enum cd_light l);
const char *status_word(const char *status);
/* The light a list shows for a task, mark and word into buf: its deadline's,
 * or the sign-for clock's while it is unsigned and that one is worse
 * ("!!Sign late"). Returns the role to draw it in. */
enum draw_role task_light(const struct cd_task *k, char *buf, size_t len);
/* "11-27 17:00" in local time, "" for 0. */
void review_time(char *buf, size_t len, time_t t);

/* Lines of text with a role and an indent, built once and scrolled. */
struct rline {
	char *text;
	enum draw_role role;
	int indent;
};
struct rlines {
	struct rline *v;
	size_t n;
};
void rlines_add(struct rlines *l, enum draw_role role, int indent, const char *text);
/* Adds text as lines that fit a window width columns wide (drawn from
 * their indent up to the last column but one): the first at indent, the
 * rest at cont. width 0: one line, cut when drawn. */
void rlines_add_wrapped(struct rlines *l, enum draw_role role, int indent, int cont, int width,
			const char *text);
void rlines_free(struct rlines *l);
/* The steps of a case with their lights (tasks in step order), then its
 * timeline (oldest first), wrapped to a window width columns wide. */
void route_lines(struct rlines *l, const struct cd_task *tasks, size_t ntasks,
		 const struct cd_case_event *ev, size_t nev, int width);

/* "what: the reason" on the message line, in the user's language. */
void review_fail(struct tui *t, const char *what, const struct cd_error *err);

#endif
