/* The routing screens' shared parts (review_ui.h).
 *
 * Notifications: one LISTEN on CD_TASK_CHANNEL per connection, however many
 * queue screens are open; the hub (notify.h) hands each NOTIFY here, which
 * keeps the departments of the last RING of them. Each screen reads them at
 * its own tick and re-reads its page only when its department is named (or
 * when it fell too far behind to know), so a busy department elsewhere
 * costs a reviewer nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <jansson.h>

#include "i18n.h"
#include "notify.h"
#include "picker.h"
#include "review_ui.h"
#include "session.h"
#include "util.h"

#define RING 64

static struct {
	struct notify_listen listen;
	unsigned long count;   /* notifications heard */
	unsigned long changes; /* decisions taken on this terminal */
	char dept[RING][17];   /* the department each one named, "" when none */
} tw;

static void on_notify(const char *channel, const char *payload, void *arg)
{
	json_t *o = payload ? json_loads(payload, 0, NULL) : NULL;
	const char *dept = json_string_value(json_object_get(o, "dept"));

	(void)channel;
	(void)arg;
	snprintf(tw.dept[tw.count % RING], sizeof(tw.dept[0]), "%s", dept ? dept : "");
	tw.count++;
	json_decref(o);
}

void review_changed(void)
{
	tw.changes++;
}

void review_fail(struct tui *t, const char *what, const struct cd_error *err)
{
	char text[768];

	tui_message(t, MSG_ERROR, _("%s: %s"), what, cd_error_text(err, text, sizeof(text)));
}

static bool ensure_listen(struct tui *t)
{
	static const char *const channels[] = { CD_TASK_CHANNEL, NULL };

	return notify_ensure(t, &tw.listen, channels, on_notify, cd_task_listen,
			     _("Changes to the queue cannot be followed"));
}

void task_watch_start(struct tui *t, struct task_watch *w)
{
	ensure_listen(t);
	w->seen = tw.count;
	w->listen_gen = tw.listen.gen;
	w->changes = tw.changes;
}

bool task_watch_changed(struct tui *t, struct task_watch *w, const char *dept)
{
	bool changed = w->changes != tw.changes;

	w->changes = tw.changes;
	if (!ensure_listen(t))
		return changed;
	if (w->listen_gen != tw.listen.gen || tw.count - w->seen > RING) {
		/* A new LISTEN, or too far behind: what happened is unknown. */
		changed = true;
	} else {
		for (unsigned long i = w->seen; i < tw.count; i++) {
			const char *d = tw.dept[i % RING];

			if (!dept || !*d || !strcmp(d, dept))
				changed = true;
		}
	}
	w->listen_gen = tw.listen.gen;
	w->seen = tw.count;
	return changed;
}

/* ---- lights ---- */

enum draw_role light_role(enum cd_light l)
{
	switch (l) {
	case CD_LIGHT_RED:
		return ROLE_ERROR;
	case CD_LIGHT_YELLOW:
		return ROLE_WARN;
	case CD_LIGHT_GREEN:
		return ROLE_OK;
	default:
		return ROLE_DIM;
	}
}

const char *light_mark(enum cd_light l)
{
	switch (l) {
	case CD_LIGHT_RED:
		return "!!";
	case CD_LIGHT_YELLOW:
		return "! ";
	default:
		return "  ";
	}
}

/* Short words for the narrow columns of the lists; the core's labels
 * (cd_light_label, cd_task_status_label) are the full ones. */
const char *light_word(enum cd_light l)
{
	switch (l) {
	case CD_LIGHT_RED:
		return _("Late");
	case CD_LIGHT_YELLOW:
		return _("Due soon");
	case CD_LIGHT_GREEN:
		return _("In time");
	case CD_LIGHT_PAUSED:
		return _("Stopped");
	default:
		return _("Finished");
	}
}

const char *status_word(const char *status)
{
	static const char *const words[][2] = {
		{ "waiting", N_("Not started") }, { "open", N_("Unclaimed") },
		{ "unclaimed", N_("Unclaimed") }, { "claimed", N_("In review") },
		{ "returned", N_("Returned") },   { "approved", N_("Approved") },
		{ "rejected", N_("Rejected") },   { "cancelled", N_("Cancelled") },
	};

	return I18N_WORD(words, status, cd_task_status_label(status));
}

static int severity(enum cd_light l)
{
	return l == CD_LIGHT_RED ? 2 : l == CD_LIGHT_YELLOW ? 1 : 0;
}

enum draw_role task_light(const struct cd_task *k, char *buf, size_t len)
{
	/* Not signed for yet, and that clock is the more pressing one: a
	 * department late to take up new work shows it before the deadline. */
	if (!k->signed_at && severity(k->sign_light) > severity(k->light)) {
		snprintf(buf, len, "%s%s", light_mark(k->sign_light),
			 k->sign_light == CD_LIGHT_RED ? _("Sign late") : _("Sign soon"));
		return light_role(k->sign_light);
	}
	snprintf(buf, len, "%s%s", light_mark(k->light), light_word(k->light));
	return light_role(k->light);
}

void review_time(char *buf, size_t len, time_t t)
{
	struct tm tm;

	if (!t || !localtime_r(&t, &tm) || !strftime(buf, len, "%m-%d %H:%M", &tm))
		snprintf(buf, len, "%s", "");
}

/* ---- lines ---- */

void rlines_add(struct rlines *l, enum draw_role role, int indent, const char *text)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = (struct rline){ xstrdup(text ? text : ""), role, indent };
}

void rlines_free(struct rlines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Bytes of s that fit in cols columns, broken after a space when one is
 * in the last quarter (English), else between characters (Chinese). */
static size_t fit(const char *s, int cols)
{
	size_t len = strlen(s), used = 0, space = 0;
	int width = 0;
	mbstate_t st;

	memset(&st, 0, sizeof(st));
	while (used < len) {
		wchar_t c;
		size_t r = mbrtowc(&c, s + used, len - used, &st);
		int cw;

		if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
			r = 1; /* drawn as one replacement character */
			cw = 1;
			memset(&st, 0, sizeof(st));
		} else {
			cw = draw_wcwidth(c);
		}
		if (width + cw > cols)
			break;
		width += cw;
		used += r;
		if (c == L' ' && width > cols * 3 / 4)
			space = used;
	}
	if (used < len && space)
		return space;
	return used ? used : (len ? 1 : 0);
}

void rlines_add_wrapped(struct rlines *l, enum draw_role role, int indent, int cont, int width,
			const char *text)
{
	const char *p = text ? text : "";
	int ind = indent;

	if (width <= 0) {
		rlines_add(l, role, indent, p);
		return;
	}
	do {
		int cols = width - ind - 1 > 8 ? width - ind - 1 : 8;
		size_t n = fit(p, cols);
		char *piece = xmalloc(n + 1);

		memcpy(piece, p, n);
		piece[n] = '\0';
		rlines_add(l, role, ind, piece);
		free(piece);
		p += n;
		p += strspn(p, " ");
		ind = cont;
	} while (*p);
}

static bool finished(const char *status)
{
	return !strcmp(status, "approved") || !strcmp(status, "rejected") || !strcmp(status, "cancelled");
}

void route_lines(struct rlines *l, const struct cd_task *tasks, size_t ntasks,
		 const struct cd_case_event *ev, size_t nev, int width)
{
	char row[2048], when[32], light[64];

	rlines_add(l, ROLE_NORMAL, 0, "");
	rlines_add(l, ROLE_HEADING, 2, _("Steps"));
	if (!ntasks)
		rlines_add(l, ROLE_DIM, 4, _("No step of this case has started yet."));
	for (size_t i = 0; i < ntasks; i++) {
		const struct cd_task *k = &tasks[i];
		bool done = finished(k->status);
		enum draw_role role = ROLE_DIM;

		row[0] = '\0';
		/* A step not started has no clock yet, so no light. */
		if (strcmp(k->status, "waiting"))
			role = task_light(k, light, sizeof(light));
		else
			snprintf(light, sizeof(light), "%s", "  -");
		picker_col(row, sizeof(row), light, 12);
		snprintf(when, sizeof(when), "%d", k->step);
		picker_col(row, sizeof(row), when, 3);
		picker_col(row, sizeof(row), k->dept, 6);
		picker_col(row, sizeof(row), status_word(k->status), 12);
		review_time(when, sizeof(when), done ? k->decided_at : k->due_at);
		picker_col(row, sizeof(row), when, 12);
		snprintf(row + strlen(row), sizeof(row) - strlen(row), "%s", k->step_name);
		rlines_add(l, role, 4, row);
		if (k->claimed_by[0] && !done) {
			snprintf(row, sizeof(row), _("Held by %s"), k->claimed_by_name[0] ? k->claimed_by_name : k->claimed_by);
			rlines_add(l, ROLE_DIM, 25, row);
		}
		if (!strcmp(k->status, "returned") && k->returned_note[0]) {
			snprintf(row, sizeof(row), _("Needed: %s"), k->returned_note);
			rlines_add_wrapped(l, ROLE_NORMAL, 25, 25, width, row);
		} else if (done && k->reason[0]) {
			snprintf(row, sizeof(row), _("Reason: %s"), k->reason);
			rlines_add_wrapped(l, ROLE_DIM, 25, 25, width, row);
		}
	}

	rlines_add(l, ROLE_NORMAL, 0, "");
	rlines_add(l, ROLE_HEADING, 2, _("Timeline"));
	if (!nev)
		rlines_add(l, ROLE_DIM, 4, _("Nothing recorded yet."));
	for (size_t i = 0; i < nev; i++) {
		const struct cd_case_event *e = &ev[i];

		row[0] = '\0';
		review_time(when, sizeof(when), e->at);
		picker_col(row, sizeof(row), when, 12);
		picker_col(row, sizeof(row), e->dept_name[0] ? e->dept_name : e->dept, 11);
		picker_col(row, sizeof(row), e->actor_name[0] ? e->actor_name : e->actor, 9);
		snprintf(row + strlen(row), sizeof(row) - strlen(row), "%s", cd_event_kind_label(e->kind));
		if (e->note[0])
			snprintf(row + strlen(row), sizeof(row) - strlen(row), "%s%s", draw_dot(), e->note);
		/* Notes are the reasons people read out: wrapped, never cut. */
		rlines_add_wrapped(l, ROLE_NORMAL, 4, 4 + 12 + 11 + 9, width, row);
	}
}
