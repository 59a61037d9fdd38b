/* Where the data went (一次录入、多端共享), for supervisors and admins: one
 * line per department system (backlog, oldest pending, delivered today,
 * failing, dead, last error), then the failing and dead events; R retries
 * the selected event, T every one of its target. New events and the
 * worker's reports (notifications) refresh it, at most once a second. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "i18n.h"
#include "notify.h"
#include "picker.h"
#include "screen.h"
#include "session.h"
#include "sync.h"
#include "util.h"

#define RELOAD_GAP 1.0

struct sync_state {
	struct picker list;
	struct cd_sync_status *st;
	size_t nst;
	struct cd_sync_problem *pr;
	size_t npr;
	double last_load;
};

/* Set by the notification handler, read by the tick: something changed. */
static unsigned long heard;

static void on_notify(const char *channel, const char *payload, void *arg)
{
	(void)payload;
	(void)arg;
	if (!strcmp(channel, CD_SYNC_CHANNEL) || !strcmp(channel, CD_SYNC_STATUS_CHANNEL))
		heard++;
}

static struct cd_db *db_of(struct tui *t)
{
	struct cd_session *s = tui_session(t);

	return s ? s->db : NULL;
}

static void fail(struct tui *t, const char *what, const struct cd_error *err)
{
	char text[768];

	tui_message(t, MSG_ERROR, _("%s: %s"), what, cd_error_text(err, text, sizeof(text)));
}

static void age_text(char *buf, size_t len, int seconds)
{
	if (seconds < 0)
		snprintf(buf, len, "-");
	else if (seconds < 120)
		snprintf(buf, len, _("%d s"), seconds);
	else if (seconds < 7200)
		snprintf(buf, len, _("%d min"), seconds / 60);
	else
		snprintf(buf, len, _("%d h"), seconds / 3600);
}

static void load(struct tui *t, struct sync_state *s)
{
	struct cd_error err;
	char row[768], n[16], tm[32];
	long keep = picker_selected(&s->list);
	char keep_id[40] = "";

	if (keep >= 0 && (size_t)keep < s->npr)
		snprintf(keep_id, sizeof(keep_id), "%s", s->pr[keep].id);
	free(s->st);
	free(s->pr);
	s->st = NULL;
	s->pr = NULL;
	s->nst = s->npr = 0;
	picker_clear(&s->list);
	s->last_load = tui_now();
	cd_error_clear(&err);
	if (cd_sync_status(db_of(t), &s->st, &s->nst, &err) < 0 ||
	    cd_sync_problems(db_of(t), NULL, 200, &s->pr, &s->npr, &err) < 0) {
		fail(t, _("The delivery status could not be read"), &err);
		picker_refresh(&s->list);
		return;
	}
	keep = -1;
	for (size_t i = 0; i < s->npr; i++) {
		const struct cd_sync_problem *p = &s->pr[i];
		struct tm lt;

		row[0] = '\0';
		picker_col(row, sizeof(row), !strcmp(p->status, "dead") ? _("dead") : _("failing"), 8);
		picker_col(row, sizeof(row), p->target, 18);
		picker_col(row, sizeof(row), p->aggregateid, 22);
		snprintf(n, sizeof(n), "%d", p->attempts);
		picker_col(row, sizeof(row), n, 5);
		localtime_r(&p->created_at, &lt);
		strftime(tm, sizeof(tm), "%m-%d %H:%M", &lt);
		picker_col(row, sizeof(row), tm, 12);
		picker_col(row, sizeof(row), p->last_error, 200);
		picker_add(&s->list, row, NULL, false);
		if (keep_id[0] && !strcmp(p->id, keep_id))
			keep = (long)i;
	}
	picker_refresh(&s->list);
	if (keep >= 0)
		picker_select(&s->list, (size_t)keep);
}

static struct notify_listen listening;

static void listen_if_needed(struct tui *t)
{
	static const char *const channels[] = { CD_SYNC_CHANNEL, CD_SYNC_STATUS_CHANNEL, NULL };
	unsigned gen = listening.gen;

	notify_ensure(t, &listening, channels, on_notify, cd_sync_listen, _("Deliveries cannot be followed"));
	if (listening.gen != gen)
		heard++; /* what happened before the LISTEN was not heard */
}

static void sync_draw(struct tui *t, void *st, WINDOW *w)
{
	struct sync_state *s = st;
	int h = getmaxy(w), wd = getmaxx(w), y = 0;
	char line[1024], a[16], b[16], c[16], d[16], e[16];

	(void)t;
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_text(w, y++, 1, wd - 2, _("Delivery to department systems"));
	wattrset(w, draw_attr(ROLE_DIM));
	line[0] = '\0';
	picker_col(line, sizeof(line), _("Target"), 18);
	picker_col(line, sizeof(line), _("Backlog"), 8);
	picker_col(line, sizeof(line), _("Oldest"), 8);
	picker_col(line, sizeof(line), _("Today"), 7);
	picker_col(line, sizeof(line), _("Failing"), 8);
	picker_col(line, sizeof(line), _("Dead"), 6);
	picker_col(line, sizeof(line), _("Last error"), 200);
	draw_text(w, y++, 2, wd - 3, line);
	wattrset(w, A_NORMAL);
	if (!s->nst)
		draw_text(w, y++, 2, wd - 3, _("No target is configured (counterdesk sync load)."));
	for (size_t i = 0; i < s->nst && y < h / 2; i++) {
		const struct cd_sync_status *x = &s->st[i];

		line[0] = '\0';
		snprintf(a, sizeof(a), "%d", x->backlog);
		age_text(b, sizeof(b), x->oldest_pending_seconds);
		snprintf(c, sizeof(c), "%d", x->delivered_today);
		snprintf(d, sizeof(d), "%d", x->failing);
		snprintf(e, sizeof(e), "%d", x->dead);
		picker_col(line, sizeof(line), x->target, 18);
		picker_col(line, sizeof(line), a, 8);
		picker_col(line, sizeof(line), b, 8);
		picker_col(line, sizeof(line), c, 7);
		picker_col(line, sizeof(line), d, 8);
		picker_col(line, sizeof(line), e, 6);
		picker_col(line, sizeof(line), x->last_error, 200);
		wattrset(w, x->dead || x->failing ? draw_attr(ROLE_ERROR) : A_NORMAL);
		draw_text(w, y++, 2, wd - 3, line);
	}
	wattrset(w, A_NORMAL);
	y++;
	snprintf(line, sizeof(line), _("Failing and dead events: %zu"), s->npr);
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_text(w, y++, 1, wd - 2, line);
	wattrset(w, draw_attr(ROLE_DIM));
	line[0] = '\0';
	picker_col(line, sizeof(line), _("State"), 8);
	picker_col(line, sizeof(line), _("Target"), 18);
	picker_col(line, sizeof(line), _("Case"), 22);
	picker_col(line, sizeof(line), _("Try"), 5);
	picker_col(line, sizeof(line), _("Written"), 12);
	picker_col(line, sizeof(line), _("Error"), 200);
	draw_text(w, y++, 2, wd - 3, line);
	wattrset(w, A_NORMAL);
	picker_draw(&s->list, t, w, y, 1, h - y - 1, wd - 2, NULL, _("Nothing is failing."), false);
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, h - 1, 1, wd - 2, _("R: retry the event   T: retry every dead and failing event of its target   Esc: back"));
	wattrset(w, A_NORMAL);
}

static void retry(struct tui *t, struct sync_state *s, bool all)
{
	long r = picker_selected(&s->list);
	const struct cd_sync_problem *p = r >= 0 && (size_t)r < s->npr ? &s->pr[r] : NULL;
	struct cd_error err;
	int n;

	if (!p) {
		tui_message(t, MSG_INFO, "%s", _("Nothing to retry."));
		return;
	}
	cd_error_clear(&err);
	n = cd_sync_retry(db_of(t), all ? NULL : p->id, all ? p->target : NULL, &err);
	if (n < 0) {
		fail(t, _("Not retried"), &err);
		return;
	}
	tui_message(t, MSG_OK, _("%d events due again."), n);
	load(t, s);
}

static enum screen_result sync_key(struct tui *t, void *st, enum action a, const struct key *k)
{
	struct sync_state *s = st;

	switch (a) {
	case ACT_BACK:
		tui_pop(t);
		return SCR_DONE;
	case ACT_RETRY:
		retry(t, s, false);
		return SCR_DONE;
	case ACT_RETRY_ALL:
		retry(t, s, true);
		return SCR_DONE;
	default:
		return picker_key(&s->list, a, k) ? SCR_DONE : SCR_PASS;
	}
}

static void sync_enter(struct tui *t, void *st, const void *arg)
{
	struct sync_state *s = st;

	(void)arg;
	picker_init(&s->list, false);
	listen_if_needed(t);
	load(t, s);
	s->last_load = tui_now();
	heard = 0;
}

static bool sync_tick(struct tui *t, void *st)
{
	struct sync_state *s = st;

	listen_if_needed(t);
	if (!heard || tui_now() - s->last_load < RELOAD_GAP)
		return false;
	heard = 0;
	load(t, s);
	return true;
}

static void sync_leave(struct tui *t, void *st)
{
	struct sync_state *s = st;

	(void)t;
	picker_free(&s->list);
	free(s->st);
	free(s->pr);
}

static const enum action sync_keys[] = { ACT_UP, ACT_DOWN, ACT_RETRY, ACT_RETRY_ALL, ACT_BACK, ACT_NONE };

static const struct hint sync_hints[] = {
	{ ACT_RETRY, NULL },
	{ ACT_RETRY_ALL, NULL },
	{ ACT_NONE, NULL },
};

const struct screen_ops sync_screen = {
	.name = N_("Deliveries"),
	.state_size = sizeof(struct sync_state),
	.keys = sync_keys,
	.hints = sync_hints,
	.help_extra = N_("counterdesk-sync delivers each accepted case to the department systems; an event that keeps failing is parked as dead until retried."),
	.enter = sync_enter,
	.draw = sync_draw,
	.key = sync_key,
	.tick = sync_tick,
	.leave = sync_leave,
};
