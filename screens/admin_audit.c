/* The audit log, for supervisors and administrators: the chain's
 * verification (api.audit_verify walks every row's hash) when the screen
 * opens and again on r, then the newest rows (time, who, action, object).
 * The verdict is the server's; `counterdesk audit verify --public-key`
 * recomputes the chain on the client against the signed seals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "audit_label.h"
#include "draw.h"
#include "hall_ui.h"
#include "i18n.h"
#include "picker.h"
#include "screen.h"
#include "verify.h"

#define RECENT_ROWS 500

struct audit_state {
	struct picker list;
	struct cd_audit_result r;
	bool verified;
	struct cd_audit_entry *v;
	size_t n;
};

static void load(struct tui *t, struct audit_state *s)
{
	struct cd_error err;
	char row[768];

	s->verified = false;
	picker_clear(&s->list);
	cd_audit_entries_free(&s->v, s->n);
	s->n = 0;
	cd_error_clear(&err);
	if (cd_audit_verify(hall_db(t), &s->r, &err) < 0) {
		hall_fail(t, _("The audit chain could not be verified"), &err);
		picker_refresh(&s->list);
		return;
	}
	s->verified = true;
	if (cd_audit_recent(hall_db(t), RECENT_ROWS, &s->v, &s->n, &err) < 0)
		hall_fail(t, _("The audit log could not be read"), &err);
	for (size_t i = 0; i < s->n; i++) {
		const struct cd_audit_entry *e = &s->v[i];
		char id[24];

		row[0] = '\0';
		snprintf(id, sizeof(id), "%lld", e->id);
		picker_col(row, sizeof(row), id, 7);
		/* MM-DD HH:MM:SS: the year would take columns the object needs. */
		picker_col(row, sizeof(row), e->at && strlen(e->at) > 5 ? e->at + 5 : "", 15);
		picker_col(row, sizeof(row), e->actor ? e->actor : "", 14);
		picker_col(row, sizeof(row), cd_audit_action_label(e->action), 19);
		picker_col(row, sizeof(row), e->object ? e->object : "", 200);
		picker_add(&s->list, row, NULL, false);
	}
	picker_refresh(&s->list);
}

static void audit_draw(struct tui *t, void *st, WINDOW *w)
{
	struct audit_state *s = st;
	int h = getmaxy(w), wd = getmaxx(w), y = 0;
	char line[768] = "";

	wattrset(w, draw_attr(ROLE_HEADING));
	draw_text(w, y++, 1, wd - 2, _("Audit log"));
	if (s->verified && !s->r.first_broken) {
		snprintf(line, sizeof(line), _("The audit chain is intact: %lld rows checked."), s->r.checked);
		wattrset(w, draw_attr(ROLE_OK));
	} else if (s->verified) {
		snprintf(line, sizeof(line), _("The audit chain is BROKEN at row %lld: %s (%lld rows checked)"),
			 s->r.first_broken, _(s->r.reason), s->r.checked);
		wattrset(w, draw_attr(ROLE_ERROR));
	} else {
		snprintf(line, sizeof(line), "%s", _("The audit chain was not verified."));
		wattrset(w, draw_attr(ROLE_ERROR));
	}
	y += draw_wrap(w, y, 2, wd - 4, 2, line, true);
	wattrset(w, A_NORMAL);
	y++;
	snprintf(line, sizeof(line), _("Newest rows (up to %d):"), RECENT_ROWS);
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_text(w, y++, 1, wd - 2, line);
	wattrset(w, draw_attr(ROLE_DIM));
	line[0] = '\0';
	picker_col(line, sizeof(line), _("Row"), 7);
	picker_col(line, sizeof(line), _("Time"), 15);
	picker_col(line, sizeof(line), _("Who"), 14);
	picker_col(line, sizeof(line), _("Action"), 19);
	picker_col(line, sizeof(line), _("Object"), 200);
	draw_text(w, y++, 2, wd - 3, line);
	wattrset(w, A_NORMAL);
	picker_draw(&s->list, t, w, y, 1, h - y - 1, wd - 2, NULL, _("The audit log is empty."), false);
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, h - 1, 1, wd - 2, _("r: verify again   arrows, PgUp, PgDn: scroll   Esc: back"));
	wattrset(w, A_NORMAL);
}

static enum screen_result audit_key(struct tui *t, void *st, enum action a, const struct key *k)
{
	struct audit_state *s = st;

	switch (a) {
	case ACT_BACK:
		tui_pop(t);
		return SCR_DONE;
	case ACT_REJECT: /* r: verify again */
		load(t, s);
		if (s->verified)
			tui_message(t, MSG_INFO, "%s", _("Verified again."));
		return SCR_DONE;
	default:
		return picker_key(&s->list, a, k) ? SCR_DONE : SCR_PASS;
	}
}

static void audit_enter(struct tui *t, void *st, const void *arg)
{
	struct audit_state *s = st;

	(void)arg;
	picker_init(&s->list, false);
	load(t, s);
}

static void audit_leave(struct tui *t, void *st)
{
	struct audit_state *s = st;

	(void)t;
	picker_free(&s->list);
	cd_audit_entries_free(&s->v, s->n);
}

static const enum action audit_keys[] = { ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_BACK, ACT_NONE };

static const struct hint audit_hints[] = {
	{ ACT_REJECT, N_("Verify again") },
	{ ACT_NONE, NULL },
};

const struct screen_ops audit_screen = {
	.name = N_("Audit"),
	.state_size = sizeof(struct audit_state),
	.keys = audit_keys,
	.hints = audit_hints,
	.help_extra = N_("r verifies the audit chain again: every row holds the hash of the row before it, so a changed or deleted row breaks the chain from there on."),
	.enter = audit_enter,
	.draw = audit_draw,
	.key = audit_key,
	.leave = audit_leave,
};
