/* The home screen: the menu of what this role does. */
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "i18n.h"
#include "review_ui.h"
#include "screen.h"
#include "session.h"
#include "util.h"

struct entry {
	const char *label; /* N_() */
	const char *about; /* N_() */
	const struct screen_ops *screen;
};

#define ENTRY_CALL { N_("Call next ticket"), N_("Call the next visitor in the queue to this window; green-channel tickets come first."), &window_screen }
#define ENTRY_APPLY { N_("New integrated application"), N_("One form, one window, all departments: accept an integrated application."), &intake_screen }
#define ENTRY_DRAFTS { N_("Drafts"), N_("Applications saved on the way and not yet submitted."), &drafts_screen }
#define ENTRY_CASES { N_("Cases"), N_("Find cases by number, applicant or date and print receipts again."), &cases_screen }
#define ENTRY_GREEN { N_("Green channel log"), N_("Log an assisted session for an elderly or disabled visitor: needs, help given, follow-up."), &green_screen }
#define ENTRY_TASKS { N_("Task queue"), N_("Claim and review the tasks routed to your department."), &review_screen }
#define ENTRY_ALL_TASKS { N_("All departments' tasks"), N_("Every department's unfinished tasks, soonest deadline first; open one to reassign it."), &review_all_screen }
#define ENTRY_OVERDUE { N_("Overdue tasks"), N_("The tasks past their deadline in every department; open one to reassign it."), &review_overdue_screen }
#define ENTRY_LOOKUP { N_("Case lookup"), N_("Look up any case of the centre and its history."), &cases_screen }
#define ENTRY_DASH { N_("Live dashboard"), N_("Queues, windows, overdue tasks, sync failures and ratings as they happen."), &dashboard_screen }
#define ENTRY_REPORTS { N_("Reports"), N_("A day's or a week's figures for the centre (counterdesk report for any period)."), &report_screen }
#define ENTRY_STAFF { N_("Staff"), N_("Staff accounts, roles and windows."), &staff_screen }
#define ENTRY_DEPTS { N_("Departments"), N_("The departments of the centre, by code; add one."), &depts_screen }
#define ENTRY_RATINGS { N_("Rating follow-ups"), N_("Bad ratings to call back and rectify, by deadline."), &followups_screen }
#define ENTRY_AUDIT { N_("Audit"), N_("Browse the audit log and verify its chain."), &audit_screen }
#define ENTRY_SYNC { N_("Deliveries"), N_("Where each case's data went: backlog, failures and dead events per department system; retry."), &sync_screen }

static const struct entry clerk_menu[] = { ENTRY_CALL, ENTRY_APPLY, ENTRY_DRAFTS, ENTRY_CASES };
static const struct entry helper_menu[] = { ENTRY_CALL, ENTRY_APPLY, ENTRY_DRAFTS, ENTRY_CASES, ENTRY_GREEN };
/* A reviewer reads a case through its task: the database lets them see only
 * the cases their department works on. */
static const struct entry reviewer_menu[] = { ENTRY_TASKS };
static const struct entry supervisor_menu[] = { ENTRY_DASH, ENTRY_REPORTS, ENTRY_LOOKUP, ENTRY_RATINGS,
						ENTRY_OVERDUE, ENTRY_ALL_TASKS, ENTRY_SYNC };
static const struct entry admin_menu[] = { ENTRY_STAFF, ENTRY_DEPTS, ENTRY_AUDIT, ENTRY_SYNC };

static const struct {
	const char *role;
	const struct entry *entries;
	size_t n;
} menus[] = {
	{ "clerk", clerk_menu, ARRAY_SIZE(clerk_menu) },
	{ "helper", helper_menu, ARRAY_SIZE(helper_menu) },
	{ "reviewer", reviewer_menu, ARRAY_SIZE(reviewer_menu) },
	{ "supervisor", supervisor_menu, ARRAY_SIZE(supervisor_menu) },
	{ "admin", admin_menu, ARRAY_SIZE(admin_menu) },
};

struct home_state {
	const struct entry *entries;
	size_t n, sel;
};

static void home_enter(struct tui *t, void *st, const void *arg)
{
	struct home_state *s = st;
	const struct cd_identity *who = tui_who(t);

	(void)arg;
	for (size_t i = 0; who && i < ARRAY_SIZE(menus); i++) {
		if (!strcmp(menus[i].role, who->role)) {
			s->entries = menus[i].entries;
			s->n = menus[i].n;
		}
	}
}

/* At the foot of the home screen, for everyone: the holidays of a year
 * that deadlines will soon reach are not loaded (session.h), so cases whose
 * promise runs into it will be refused until an administrator loads it. */
static int draw_calendar_gap(struct tui *t, WINDOW *w, int box_w)
{
	const struct cd_session *session = tui_session(t);
	char text[512];
	int rows, h = getmaxy(w);

	if (!session || !session->calendar_gap_year)
		return 0;
	snprintf(text, sizeof(text),
		 _("The holidays of %d are not loaded: cases whose promised date falls in %d cannot be accepted. "
		   "An administrator loads the year with counterdesk calendar load once the State Council "
		   "has announced it."),
		 session->calendar_gap_year, session->calendar_gap_year);
	rows = draw_wrap(w, 0, 2, box_w, 4, text, false);
	wattrset(w, draw_attr(ROLE_WARN));
	draw_wrap(w, h - rows, 2, box_w, rows, text, true);
	wattrset(w, A_NORMAL);
	return rows;
}

static void home_draw(struct tui *t, void *st, WINDOW *w)
{
	struct home_state *s = st;
	const struct cd_identity *who = tui_who(t);
	int wd = getmaxx(w), h = getmaxy(w);
	int box_w = wd - 4 < 76 ? wd - 4 : 76, box_x = 2, box_y = 4, box_h, label_w = 0, gap_rows;
	char line[512], window[64];

	if (!who)
		return;
	snprintf(line, sizeof(line), _("Welcome, %s"), who->full_name[0] ? who->full_name : who->login);
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_text(w, 1, 2, wd - 4, line);
	wattrset(w, A_NORMAL);
	if (who->window_no > 0)
		snprintf(window, sizeof(window), _("Window %d"), who->window_no);
	else
		snprintf(window, sizeof(window), "%s", _("No window"));
	snprintf(line, sizeof(line), "%s%s%s%s%s%s%s", cd_role_label(who->role), draw_dot(),
		 who->dept_name, who->dept_name[0] ? draw_dot() : "", who->login, draw_dot(), window);
	draw_text(w, 2, 2, wd - 4, line);

	if (!s->n) {
		draw_wrap(w, box_y, 2, wd - 4, 3,
			  _("This account has no screens in the workbench. Use the commands (counterdesk --help)."), true);
		return;
	}
	box_h = (int)s->n + 2;
	if (box_y + box_h > h)
		box_h = h - box_y;
	draw_box(w, box_y, box_x, box_h, box_w, _("Menu"));
	for (size_t i = 0; i < s->n; i++) {
		int lw = draw_width(_(s->entries[i].label));
		if (lw > label_w)
			label_w = lw;
	}
	for (size_t i = 0; i < s->n && (int)i < box_h - 2; i++) {
		const struct entry *e = &s->entries[i];
		int y = box_y + 1 + (int)i, x = box_x + 2, inner = box_w - 4;
		attr_t a = i == s->sel ? draw_attr(ROLE_SELECTED) : A_NORMAL;

		wattrset(w, a);
		draw_fill(w, y, x - 1, inner + 2);
		snprintf(line, sizeof(line), "%zu", i + 1);
		draw_text(w, y, x, 3, line);
		draw_text(w, y, x + 3, inner - 3, _(e->label));
		wattrset(w, A_NORMAL);
	}
	gap_rows = draw_calendar_gap(t, w, box_w);
	if (s->sel < s->n) {
		wattrset(w, A_NORMAL);
		draw_wrap(w, box_y + box_h + 1, 4, box_w - 4, h - gap_rows - 1 - (box_y + box_h + 1),
			  _(s->entries[s->sel].about), true);
	}
}

static void open_entry(struct tui *t, struct home_state *s, size_t i)
{
	const struct entry *e;

	if (i >= s->n)
		return;
	s->sel = i;
	e = &s->entries[i];
	tui_push(t, e->screen, NULL);
}

static enum screen_result home_key(struct tui *t, void *st, enum action a, const struct key *k)
{
	struct home_state *s = st;

	switch (a) {
	case ACT_UP:
	case ACT_PREV:
		if (s->sel > 0)
			s->sel--;
		return SCR_DONE;
	case ACT_DOWN:
	case ACT_NEXT:
		if (s->sel + 1 < s->n)
			s->sel++;
		return SCR_DONE;
	case ACT_FIRST:
	case ACT_PAGE_UP:
		s->sel = 0;
		return SCR_DONE;
	case ACT_LAST:
	case ACT_PAGE_DOWN:
		s->sel = s->n ? s->n - 1 : 0;
		return SCR_DONE;
	case ACT_SUBMIT:
		open_entry(t, s, s->sel);
		return SCR_DONE;
	case ACT_BACK:
		tui_message(t, MSG_INFO, "%s", _("This is the home screen. F10 quits."));
		return SCR_DONE;
	case ACT_NONE:
		if (!k->is_key && !k->meta && k->ch >= '1' && k->ch <= '9') {
			open_entry(t, s, (size_t)(k->ch - '1'));
			return SCR_DONE;
		}
		return SCR_PASS;
	default:
		return SCR_PASS;
	}
}

static const enum action home_keys[] = {
	ACT_UP, ACT_DOWN, ACT_FIRST, ACT_LAST, ACT_SUBMIT, ACT_NONE,
};

static const struct hint home_hints[] = {
	{ ACT_SUBMIT, N_("Open") },
	{ ACT_LOCK, NULL },
	{ ACT_NONE, NULL },
};

const struct screen_ops home_screen = {
	.name = N_("Home"),
	.state_size = sizeof(struct home_state),
	.keys = home_keys,
	.hints = home_hints,
	.help_extra = N_("1 to 9 open the entry with that number."),
	.enter = home_enter,
	.draw = home_draw,
	.key = home_key,
};
