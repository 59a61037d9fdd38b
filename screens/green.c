/* The green channel (绿色通道, 帮办代办) for helpers: the assisted sessions
 * of the last days and those still open, the home visits to make, and the
 * forms that start a session (from the green ticket called or for a
 * walk-in), end it with its outcome, and close a home visit with a note.
 * The database checks everything again and records who did it
 * (api.green_start, api.green_end, api.green_close_followup).
 *
 * Opened from the clerk's window with the green ticket called, it goes
 * straight to the start of a session for that ticket, or to its end when
 * one is open, and returns to the window when done. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "draw.h"
#include "field.h"
#include "hall_ui.h"
#include "i18n.h"
#include "picker.h"
#include "screen.h"
#include "session.h"
#include "util.h"

#define NNEEDS 7
#define NBANDS 4

enum gmode { G_LIST, G_START, G_END, G_CLOSE };
enum pane { P_SESSIONS, P_VISITS };

/* The start form, in the order of the focus. */
enum {
	S_TICKET,
	S_NEED0,
	S_NEED_NOTE = S_NEED0 + NNEEDS,
	S_AGE,
	S_CONSENT,
	S_NAME,
	S_IDNO,
	S_PROXY_NAME,
	S_PROXY_RELATION,
	S_PROXY_AUTH,
	S_TYPED_BY,
	S_COUNT
};

/* The end form. */
enum { E_OUTCOME, E_DEPT, E_DATE, E_CASES, E_NOTE, E_COUNT };

static const char *const outcomes[] = { "done", "referred", "home_visit" };
static const char *const typed_by[] = { "helper", "visitor", "proxy" };

struct green_state {
	enum gmode mode;
	enum pane pane;
	bool from_window; /* opened from the clerk's window: return there when done */
	struct hall_watch watch;

	struct picker sessions, visits;
	struct cd_green_session *sv;
	size_t nsv;
	struct cd_green_followup *fv;
	size_t nfv;

	/* the forms */
	struct field f[S_COUNT]; /* text items of the start form */
	bool needs[NNEEDS];
	int age;                 /* 0: not asked, else cd_age_bands[age - 1] */
	bool consent;
	int typed;               /* index in typed_by */
	int focus;
	char problem[512];       /* why the last try failed, under the form */

	long long end_no;
	char end_ticket[16];
	time_t end_started;
	struct field e[E_COUNT];
	int outcome;             /* index in outcomes */

	long long visit_id;
	struct field close_note;
};

static const char *age_label(int i)
{
	return i == 0 ? _("not asked") : cd_age_bands[i - 1];
}

/* "vision,mobility" -> "视力障碍、行动不便" */
static void needs_text(const char *needs, char *buf, size_t len)
{
	char copy[96], *save = NULL;
	size_t used = 0;

	buf[0] = '\0';
	snprintf(copy, sizeof(copy), "%s", needs);
	for (char *tok = strtok_r(copy, ",", &save); tok && used < len; tok = strtok_r(NULL, ",", &save))
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? (i18n_is_chinese() ? "、" : ", ") : "",
					 cd_green_label(tok));
}

static void today_plus(int days, char out[11])
{
	time_t now = time(NULL) + (time_t)days * 86400;
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* ---- the lists ---- */

static void load(struct tui *t, struct green_state *s)
{
	struct cd_green_session *open = NULL;
	size_t nopen = 0;
	struct cd_error err;
	char since[11], row[512], buf[160], tm[20], dur[16];
	long keep_s = picker_selected(&s->sessions), keep_v = picker_selected(&s->visits);
	long long keep_sno = keep_s >= 0 && (size_t)keep_s < s->nsv ? s->sv[keep_s].session_no : 0;
	long long keep_vid = keep_v >= 0 && (size_t)keep_v < s->nfv ? s->fv[keep_v].id : 0;

	picker_clear(&s->sessions);
	picker_clear(&s->visits);
	cd_green_sessions_free(&s->sv, s->nsv);
	cd_green_followups_free(&s->fv, s->nfv);
	s->nsv = s->nfv = 0;
	cd_error_clear(&err);
	/* Since yesterday (the centre's day and the terminal's may differ),
	 * and every session still open, whenever it started. */
	today_plus(-1, since);
	if (cd_green_sessions(hall_db(t), false, since, NULL, &s->sv, &s->nsv, &err) < 0 ||
	    cd_green_sessions(hall_db(t), true, NULL, NULL, &open, &nopen, &err) < 0 ||
	    cd_green_followups(hall_db(t), true, &s->fv, &s->nfv, &err) < 0) {
		hall_fail(t, _("The green channel's records could not be read"), &err);
		cd_green_sessions_free(&open, nopen);
		picker_refresh(&s->sessions);
		picker_refresh(&s->visits);
		return;
	}
	for (size_t i = 0; i < nopen; i++) {
		bool have = false;
		for (size_t j = 0; j < s->nsv; j++)
			have |= s->sv[j].session_no == open[i].session_no;
		if (have)
			continue;
		s->sv = xrealloc(s->sv, (s->nsv + 1) * sizeof(*s->sv));
		s->sv[s->nsv++] = open[i];
		memset(&open[i], 0, sizeof(open[i])); /* now owned by s->sv */
	}
	cd_green_sessions_free(&open, nopen);

	for (size_t i = 0; i < s->nsv; i++) {
		const struct cd_green_session *g = &s->sv[i];

		row[0] = '\0';
		snprintf(buf, sizeof(buf), "#%lld", g->session_no);
		picker_col(row, sizeof(row), buf, 7);
		picker_col(row, sizeof(row), g->ticket[0] ? g->ticket : _("walk-in"), 10);
		picker_col(row, sizeof(row), cd_hall_time(g->started_at, tm), 17);
		picker_col(row, sizeof(row), g->ended_at ? cd_hall_duration(g->duration_seconds, dur) : _("open"), 9);
		picker_col(row, sizeof(row), g->outcome[0] ? cd_green_label(g->outcome) : "", 16);
		needs_text(g->needs, buf, sizeof(buf));
		picker_col(row, sizeof(row), buf, 40);
		snprintf(buf, sizeof(buf), "%lld %s", g->session_no, g->ticket);
		picker_add(&s->sessions, row, buf, g->ended_at != 0);
		if (g->session_no == keep_sno)
			keep_s = (long)i;
	}
	for (size_t i = 0; i < s->nfv; i++) {
		const struct cd_green_followup *f = &s->fv[i];

		row[0] = '\0';
		picker_col(row, sizeof(row), f->visit_date, 12);
		snprintf(buf, sizeof(buf), "#%lld", f->session_no);
		picker_col(row, sizeof(row), buf, 7);
		picker_col(row, sizeof(row), f->visitor_name && *f->visitor_name ? f->visitor_name : "-", 12);
		picker_col(row, sizeof(row), f->age_band[0] ? f->age_band : "-", 7);
		picker_col(row, sizeof(row), f->overdue ? _("overdue") : "", 10);
		needs_text(f->needs, buf, sizeof(buf));
		picker_col(row, sizeof(row), buf, 40);
		picker_add(&s->visits, row, NULL, false);
		if (f->id == keep_vid)
			keep_v = (long)i;
	}
	picker_refresh(&s->sessions);
	picker_refresh(&s->visits);
	if (keep_sno && keep_s >= 0)
		picker_select(&s->sessions, (size_t)keep_s);
	if (keep_vid && keep_v >= 0)
		picker_select(&s->visits, (size_t)keep_v);
}

static void draw_list(struct tui *t, struct green_state *s, WINDOW *w)
{
	int h = getmaxy(w), wd = getmaxx(w), half = (h - 4) / 2 + 1, y;
	char line[256], head[512] = "";
	size_t overdue = 0;

	for (size_t i = 0; i < s->nfv; i++)
		overdue += s->fv[i].overdue;
	wattrset(w, s->pane == P_SESSIONS ? draw_attr(ROLE_HEADING) : A_NORMAL);
	snprintf(line, sizeof(line), "%s (%zu)", _("Assisted sessions: since yesterday, and every open one"), s->nsv);
	draw_text(w, 0, 1, wd - 2, line);
	wattrset(w, draw_attr(ROLE_DIM));
	picker_col(head, sizeof(head), _("No."), 7);
	picker_col(head, sizeof(head), _("Ticket"), 10);
	picker_col(head, sizeof(head), _("Started"), 17);
	picker_col(head, sizeof(head), _("Took"), 9);
	picker_col(head, sizeof(head), _("Outcome"), 16);
	picker_col(head, sizeof(head), _("Needs"), 40);
	draw_text(w, 1, 2, wd - 3, head);
	wattrset(w, A_NORMAL);
	picker_draw(&s->sessions, t, w, 2, 1, half - 2, wd - 2, NULL,
		    _("No assisted session yet: g starts one."), false);

	y = half + 1;
	wattrset(w, s->pane == P_VISITS ? draw_attr(ROLE_HEADING) : A_NORMAL);
	if (overdue)
		snprintf(line, sizeof(line), _("Home visits to make (%zu, %zu overdue)"), s->nfv, overdue);
	else
		snprintf(line, sizeof(line), _("Home visits to make (%zu)"), s->nfv);
	draw_text(w, y, 1, wd - 2, line);
	head[0] = '\0';
	wattrset(w, draw_attr(ROLE_DIM));
	picker_col(head, sizeof(head), _("Visit on"), 12);
	picker_col(head, sizeof(head), _("Session"), 7);
	picker_col(head, sizeof(head), _("Visitor"), 12);
	picker_col(head, sizeof(head), _("Age"), 7);
	picker_col(head, sizeof(head), "", 10);
	picker_col(head, sizeof(head), _("Needs"), 40);
	draw_text(w, y + 1, 2, wd - 3, head);
	wattrset(w, A_NORMAL);
	picker_draw(&s->visits, t, w, y + 2, 1, h - y - 3, wd - 2, NULL, _("No home visit is open."), false);
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, h - 1, 1, wd - 2,
		  s->pane == P_SESSIONS ? _("g: start a session   Enter: end the open session   Tab: home visits   Esc: back")
					: _("Enter: record the visit and close it   Tab: sessions   Esc: back"));
	wattrset(w, A_NORMAL);
}

/* ---- the start form ---- */

static bool start_is_text(int i)
{
	return i == S_TICKET || i == S_NEED_NOTE || (i >= S_NAME && i <= S_PROXY_AUTH);
}

static void forms_init(struct green_state *s)
{
	static const size_t max[S_COUNT] = {
		[S_TICKET] = 8, [S_NEED_NOTE] = 500, [S_NAME] = 64, [S_IDNO] = 18,
		[S_PROXY_NAME] = 64, [S_PROXY_RELATION] = 32, [S_PROXY_AUTH] = 200,
	};
	static const size_t emax[E_COUNT] = {
		[E_DEPT] = 16, [E_DATE] = 10, [E_CASES] = 200, [E_NOTE] = 2000,
	};

	for (int i = 0; i < S_COUNT; i++)
		if (start_is_text(i))
			field_init(&s->f[i], max[i], 0);
	for (int i = 1; i < E_COUNT; i++)
		field_init(&s->e[i], emax[i], 0);
	field_init(&s->close_note, 1000, 0);
}

static void forms_free(struct green_state *s)
{
	for (int i = 0; i < S_COUNT; i++)
		if (start_is_text(i))
			field_free(&s->f[i]);
	for (int i = 1; i < E_COUNT; i++)
		field_free(&s->e[i]);
	field_free(&s->close_note);
}

static void open_start(struct green_state *s, const char *ticket)
{
	for (int i = 0; i < S_COUNT; i++)
		if (start_is_text(i))
			field_clear(&s->f[i]);
	memset(s->needs, 0, sizeof(s->needs));
	s->age = 0;
	s->consent = false;
	s->typed = 0;
	s->problem[0] = '\0';
	if (ticket && *ticket)
		field_set(&s->f[S_TICKET], ticket);
	s->focus = ticket && *ticket ? S_NEED0 : S_TICKET;
	s->mode = G_START;
}

static const char *start_label(int i)
{
	static const char *const labels[S_COUNT] = {
		[S_TICKET] = N_("Green ticket"), [S_NEED0] = N_("Needs"),
		[S_NEED_NOTE] = N_("Other need"), [S_AGE] = N_("Age band"),
		[S_CONSENT] = N_("Consent"), [S_NAME] = N_("Visitor's name"),
		[S_IDNO] = N_("Identity no."), [S_PROXY_NAME] = N_("Proxy's name"),
		[S_PROXY_RELATION] = N_("Relationship"), [S_PROXY_AUTH] = N_("Authorisation"),
		[S_TYPED_BY] = N_("Who typed"),
	};
	return labels[i] ? _(labels[i]) : "";
}

static int label_cols(void)
{
	int lw = 0;

	for (int i = 0; i < S_COUNT; i++)
		if (draw_width(start_label(i)) > lw)
			lw = draw_width(start_label(i));
	return lw;
}

/* Draws choices on one line: the chosen one marked, the focused one reversed. */
static void draw_choices(WINDOW *w, int y, int x, int wd, const char *const *labels, int n, int chosen,
			 bool focus)
{
	int cx = x;

	for (int i = 0; i < n && cx < x + wd; i++) {
		char item[128];

		snprintf(item, sizeof(item), "%s%s", i == chosen ? "(*) " : "( ) ", labels[i]);
		wattrset(w, i == chosen && focus ? draw_attr(ROLE_SELECTED) : i == chosen ? A_BOLD : A_NORMAL);
		cx += draw_text(w, y, cx, x + wd - cx, item) + 2;
		wattrset(w, A_NORMAL);
	}
}

static void draw_check(WINDOW *w, int y, int x, int wd, const char *label, bool on, bool focus)
{
	char item[256];

	snprintf(item, sizeof(item), "[%s] %s", on ? "x" : " ", label);
	wattrset(w, focus ? draw_attr(ROLE_SELECTED) : on ? A_BOLD : A_NORMAL);
	draw_text(w, y, x, wd, item);
	wattrset(w, A_NORMAL);
}

static void draw_field_row(struct tui *t, WINDOW *w, int y, int lx, int fx, int fw, const char *label,
			   struct field *f, bool focus, const char *after)
{
	int cur;

	wattrset(w, focus ? A_BOLD : A_NORMAL);
	draw_text(w, y, lx, fx - lx - 1, label);
	wattrset(w, A_NORMAL);
	cur = field_draw(f, w, y, fx, fw, focus);
	if (focus)
		tui_cursor(t, y, fx + cur);
	if (after && *after) {
		wattrset(w, draw_attr(ROLE_DIM));
		draw_text(w, y, fx + fw + 2, getmaxx(w) - fx - fw - 3, after);
		wattrset(w, A_NORMAL);
	}
}

static void draw_start(struct tui *t, struct green_state *s, WINDOW *w)
{
	int h = getmaxy(w), wd = getmaxx(w), lx = 2, fx = lx + label_cols() + 2, y;
	int colw = (wd - fx - 2) / 2, fw = wd - fx - 4 > 50 ? 50 : wd - fx - 4;
	const char *ages[NBANDS + 1], *typed[3];
	char ticket[16];

	for (int i = 0; i <= NBANDS; i++)
		ages[i] = age_label(i);
	for (int i = 0; i < 3; i++)
		typed[i] = cd_green_label(typed_by[i]);
	wattrset(w, draw_attr(ROLE_HEADING));
	if (field_get(&s->f[S_TICKET], ticket, sizeof(ticket)) && ticket[0]) {
		char line[128];
		snprintf(line, sizeof(line), _("Start an assisted session for ticket %s"), ticket);
		draw_text(w, 0, 1, wd - 2, line);
	} else {
		draw_text(w, 0, 1, wd - 2, _("Start an assisted session for a walk-in visitor"));
	}
	wattrset(w, A_NORMAL);
	y = 2;
	draw_field_row(t, w, y++, lx, fx, 10, start_label(S_TICKET), &s->f[S_TICKET], s->focus == S_TICKET,
		       _("empty: a walk-in without a ticket"));
	wattrset(w, s->focus >= S_NEED0 && s->focus < S_NEED0 + NNEEDS ? A_BOLD : A_NORMAL);
	draw_text(w, y, lx, fx - lx - 1, start_label(S_NEED0));
	wattrset(w, A_NORMAL);
	for (int i = 0; i < NNEEDS; i++)
		draw_check(w, y + i / 2, fx + (i % 2) * colw, colw - 1, cd_green_label(cd_green_needs[i]),
			   s->needs[i], s->focus == S_NEED0 + i);
	y += (NNEEDS + 1) / 2;
	draw_field_row(t, w, y++, lx, fx, fw, start_label(S_NEED_NOTE), &s->f[S_NEED_NOTE],
		       s->focus == S_NEED_NOTE, NULL);
	wattrset(w, s->focus == S_AGE ? A_BOLD : A_NORMAL);
	draw_text(w, y, lx, fx - lx - 1, start_label(S_AGE));
	draw_choices(w, y++, fx, wd - fx - 1, ages, NBANDS + 1, s->age, s->focus == S_AGE);
	wattrset(w, s->focus == S_CONSENT ? A_BOLD : A_NORMAL);
	draw_text(w, y, lx, fx - lx - 1, start_label(S_CONSENT));
	draw_check(w, y++, fx, wd - fx - 1, _("The visitor agrees to the record of names and ID number"),
		   s->consent, s->focus == S_CONSENT);
	for (int i = S_NAME; i <= S_PROXY_AUTH; i++)
		draw_field_row(t, w, y++, lx, fx, i == S_IDNO ? 20 : i == S_PROXY_AUTH ? fw - 16 : fw, start_label(i), &s->f[i], s->focus == i,
			       i == S_PROXY_AUTH ? _("e.g. power of attorney") : NULL);
	wattrset(w, s->focus == S_TYPED_BY ? A_BOLD : A_NORMAL);
	draw_text(w, y, lx, fx - lx - 1, start_label(S_TYPED_BY));
	draw_choices(w, y++, fx, wd - fx - 1, typed, 3, s->typed, s->focus == S_TYPED_BY);
	if (s->problem[0] && y + 1 < h - 1) {
		wattrset(w, draw_attr(ROLE_ERROR));
		draw_wrap(w, y + 1, lx, wd - 4, h - y - 2, s->problem, true);
		wattrset(w, A_NORMAL);
	}
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, h - 1, 1, wd - 2, _("Enter: start   Tab/arrows: move   Space: tick or choose   Esc: back"));
	wattrset(w, A_NORMAL);
}

static bool field_text(struct field *f, char *buf, size_t len)
{
	if (!field_get(f, buf, len)) {
		buf[0] = '\0';
		return false;
	}
	/* Spaces around are not part of what was meant. */
	size_t n = strlen(buf), b = 0;
	while (n && buf[n - 1] == ' ')
		buf[--n] = '\0';
	while (buf[b] == ' ')
		b++;
	memmove(buf, buf + b, n - b + 1);
	return true;
}

static void set_problem(struct tui *t, struct green_state *s, const char *what, const struct cd_error *err)
{
	char text[768];

	snprintf(s->problem, sizeof(s->problem), _("%s: %s"), what, cd_error_text(err, text, sizeof(text)));
	tui_message(t, MSG_ERROR, "%s", s->problem);
}

static void leave_form(struct tui *t, struct green_state *s)
{
	s->mode = G_LIST;
	if (s->from_window)
		tui_pop(t);
}

static void submit_start(struct tui *t, struct green_state *s)
{
	char ticket[32], note[2048], name[512], idno[128], pname[512], prel[256], pauth[1024], needs[128] = "";
	const struct cd_identity *who = tui_who(t);
	struct cd_green_visitor v = { 0 };
	struct cd_green_started out;
	const struct cd_keys *keys = NULL;
	struct cd_error err;

	field_text(&s->f[S_TICKET], ticket, sizeof(ticket));
	for (char *c = ticket; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
	field_text(&s->f[S_NEED_NOTE], note, sizeof(note));
	field_text(&s->f[S_NAME], name, sizeof(name));
	field_text(&s->f[S_IDNO], idno, sizeof(idno));
	field_text(&s->f[S_PROXY_NAME], pname, sizeof(pname));
	field_text(&s->f[S_PROXY_RELATION], prel, sizeof(prel));
	field_text(&s->f[S_PROXY_AUTH], pauth, sizeof(pauth));
	for (int i = 0; i < NNEEDS; i++)
		if (s->needs[i])
			snprintf(needs + strlen(needs), sizeof(needs) - strlen(needs), "%s%s",
				 needs[0] ? "," : "", cd_green_needs[i]);
	s->problem[0] = '\0';
	/* Said here, at the field, before the database says it. */
	if (s->needs[NNEEDS - 1] && !note[0]) {
		snprintf(s->problem, sizeof(s->problem), "%s", _("Describe the other need."));
		s->focus = S_NEED_NOTE;
		return;
	}
	if (!s->consent && (name[0] || idno[0] || pname[0])) {
		snprintf(s->problem, sizeof(s->problem), "%s",
			 _("Without the visitor's consent no name or identity number is recorded: tick the consent or leave them empty."));
		s->focus = S_CONSENT;
		return;
	}
	if ((pname[0] || prel[0] || pauth[0]) && (!prel[0] || !pauth[0])) {
		snprintf(s->problem, sizeof(s->problem), "%s",
			 _("A proxy needs the relationship and the authorisation material."));
		s->focus = prel[0] ? S_PROXY_AUTH : S_PROXY_RELATION;
		return;
	}
	cd_error_clear(&err);
	if (idno[0]) {
		keys = tui_keys(t, &err);
		if (!keys) {
			set_problem(t, s, _("The identity number cannot be protected"), &err);
			return;
		}
	}
	v.ticket = ticket[0] ? ticket : NULL;
	v.window = ticket[0] || !who ? 0 : who->window_no;
	v.age_band = s->age ? cd_age_bands[s->age - 1] : NULL;
	v.needs = needs;
	v.need_note = note[0] ? note : NULL;
	v.name = name[0] ? name : NULL;
	v.idno = idno[0] ? idno : NULL;
	v.proxy_name = pname[0] ? pname : NULL;
	v.proxy_relation = prel[0] ? prel : NULL;
	v.proxy_authorisation = pauth[0] ? pauth : NULL;
	v.typed_by = typed_by[s->typed];
	v.consent = s->consent;
	if (cd_green_start(hall_db(t), keys, &v, &out, &err) < 0) {
		set_problem(t, s, _("The session was not started"), &err);
		return;
	}
	if (out.ticket[0])
		tui_message(t, MSG_OK, _("Assisted session #%lld started for ticket %s. g again ends it."),
			    out.session_no, out.ticket);
	else
		tui_message(t, MSG_OK, _("Assisted session #%lld started for a walk-in visitor."), out.session_no);
	for (int i = 0; i < S_COUNT; i++)
		if (start_is_text(i))
			field_clear(&s->f[i]);
	load(t, s);
	leave_form(t, s);
}

static void start_move(struct green_state *s, int by)
{
	s->focus = (s->focus + by + S_COUNT) % S_COUNT;
}

static enum screen_result start_key(struct tui *t, struct green_state *s, enum action a, const struct key *k)
{
	int f = s->focus;

	switch (a) {
	case ACT_BACK:
		leave_form(t, s);
		return SCR_DONE;
	case ACT_SUBMIT:
		submit_start(t, s);
		return SCR_DONE;
	case ACT_NEXT:
	case ACT_DOWN:
		start_move(s, 1);
		return SCR_DONE;
	case ACT_PREV:
	case ACT_UP:
		start_move(s, -1);
		return SCR_DONE;
	default:
		break;
	}
	if (start_is_text(f))
		return field_key(&s->f[f], a, k) ? SCR_DONE : SCR_PASS;
	if (f >= S_NEED0 && f < S_NEED0 + NNEEDS) {
		if (a == ACT_TOGGLE) {
			s->needs[f - S_NEED0] = !s->needs[f - S_NEED0];
			return SCR_DONE;
		}
		if (a == ACT_RIGHT || a == ACT_LEFT) {
			start_move(s, a == ACT_RIGHT ? 1 : -1);
			return SCR_DONE;
		}
	} else if (f == S_CONSENT) {
		if (a == ACT_TOGGLE || a == ACT_YES || a == ACT_NO) {
			s->consent = a == ACT_TOGGLE ? !s->consent : a == ACT_YES;
			return SCR_DONE;
		}
	} else if (f == S_AGE || f == S_TYPED_BY) {
		int *v = f == S_AGE ? &s->age : &s->typed, n = f == S_AGE ? NBANDS + 1 : 3;
		if (a == ACT_TOGGLE || a == ACT_RIGHT) {
			*v = (*v + 1) % n;
			return SCR_DONE;
		}
		if (a == ACT_LEFT) {
			*v = (*v + n - 1) % n;
			return SCR_DONE;
		}
	}
	if (a == ACT_HELP || a == ACT_QUIT || a == ACT_LOCK || a == ACT_REDRAW)
		return SCR_PASS;
	return SCR_DONE;
}

/* ---- the end form ---- */

static void open_end(struct tui *t, struct green_state *s, const struct cd_green_session *g)
{
	struct cd_ticket *v = NULL;
	size_t n = 0;
	struct cd_error err;

	s->end_no = g->session_no;
	snprintf(s->end_ticket, sizeof(s->end_ticket), "%s", g->ticket);
	s->end_started = g->started_at;
	for (int i = 1; i < E_COUNT; i++)
		field_clear(&s->e[i]);
	s->outcome = 0;
	s->focus = E_OUTCOME;
	s->problem[0] = '\0';
	/* The cases linked to the ticket at the window are what was done. */
	cd_error_clear(&err);
	if (g->ticket[0] && cd_ticket_list(hall_db(t), false, &v, &n, &err) == 0) {
		for (size_t i = 0; i < n; i++)
			if (!strcmp(v[i].number, g->ticket) && v[i].cases[0])
				field_set(&s->e[E_CASES], v[i].cases);
		free(v);
	}
	s->mode = G_END;
}

static const char *end_label(int i)
{
	static const char *const labels[E_COUNT] = {
		N_("Outcome"), N_("Referred to"), N_("Visit on"), N_("Cases"), N_("What was done"),
	};
	return _(labels[i]);
}

static void draw_end(struct tui *t, struct green_state *s, WINDOW *w)
{
	int h = getmaxy(w), wd = getmaxx(w), lx = 2, lw = 0, fx, fw, y = 2;
	const char *labels[3];
	char line[256], tm[20];
	time_t now = time(NULL);

	for (int i = 0; i < E_COUNT; i++)
		if (draw_width(end_label(i)) > lw)
			lw = draw_width(end_label(i));
	fx = lx + lw + 2;
	fw = wd - fx - 4 > 56 ? 56 : wd - fx - 4;
	for (int i = 0; i < 3; i++)
		labels[i] = cd_green_label(outcomes[i]);
	snprintf(line, sizeof(line), _("End assisted session #%lld (%s), started %s, %d min ago"), s->end_no,
		 s->end_ticket[0] ? s->end_ticket : _("walk-in"), cd_hall_time(s->end_started, tm),
		 s->end_started && now > s->end_started ? (int)((now - s->end_started) / 60) : 0);
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_text(w, 0, 1, wd - 2, line);
	wattrset(w, s->focus == E_OUTCOME ? A_BOLD : A_NORMAL);
	draw_text(w, y, lx, lw, end_label(E_OUTCOME));
	draw_choices(w, y, fx, wd - fx - 1, labels, 3, s->outcome, s->focus == E_OUTCOME);
	y += 2;
	draw_field_row(t, w, y++, lx, fx, 16, end_label(E_DEPT), &s->e[E_DEPT], s->focus == E_DEPT,
		       _("department code, when referred"));
	draw_field_row(t, w, y++, lx, fx, 12, end_label(E_DATE), &s->e[E_DATE], s->focus == E_DATE,
		       _("YYYY-MM-DD, when a home visit is needed"));
	draw_field_row(t, w, y++, lx, fx, fw, end_label(E_CASES), &s->e[E_CASES], s->focus == E_CASES, NULL);
	draw_field_row(t, w, y++, lx, fx, fw, end_label(E_NOTE), &s->e[E_NOTE], s->focus == E_NOTE, NULL);
	wattrset(w, draw_attr(ROLE_DIM));
	draw_wrap(w, y + 1, lx, wd - 4, 2,
		  _("Cases: the case numbers accepted in the session, separated by commas. A case or a note is needed."), true);
	wattrset(w, A_NORMAL);
	if (s->problem[0]) {
		wattrset(w, draw_attr(ROLE_ERROR));
		draw_wrap(w, y + 4, lx, wd - 4, 3, s->problem, true);
		wattrset(w, A_NORMAL);
	}
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, h - 1, 1, wd - 2, _("Enter: end the session   Tab/arrows: move   Space: choose   Esc: back"));
	wattrset(w, A_NORMAL);
}

static void submit_end(struct tui *t, struct green_state *s)
{
	char dept[64], date[32], cases[1024], note[8192], *save = NULL;
	const char *list[32];
	size_t ncases = 0;
	struct cd_green_ended out;
	struct cd_error err;

	field_text(&s->e[E_DEPT], dept, sizeof(dept));
	field_text(&s->e[E_DATE], date, sizeof(date));
	field_text(&s->e[E_CASES], cases, sizeof(cases));
	field_text(&s->e[E_NOTE], note, sizeof(note));
	s->problem[0] = '\0';
	if (s->outcome == 2 && !date[0]) {
		snprintf(s->problem, sizeof(s->problem), "%s", _("A home visit needs its date (YYYY-MM-DD)."));
		s->focus = E_DATE;
		return;
	}
	for (char *tok = strtok_r(cases, ", ，、", &save); tok && ncases < ARRAY_SIZE(list);
	     tok = strtok_r(NULL, ", ，、", &save))
		list[ncases++] = tok;
	if (!ncases && !note[0]) {
		snprintf(s->problem, sizeof(s->problem), "%s", _("Record what was done: a case number or a note."));
		s->focus = E_NOTE;
		return;
	}
	cd_error_clear(&err);
	if (cd_green_end(hall_db(t), s->end_no, outcomes[s->outcome], list, ncases, note[0] ? note : NULL,
			 s->outcome == 1 && dept[0] ? dept : NULL, s->outcome == 2 ? date : NULL, &out,
			 &err) < 0) {
		set_problem(t, s, _("The session was not ended"), &err);
		return;
	}
	if (out.followup_id)
		tui_message(t, MSG_OK, _("Session #%lld ended; home visit #%lld on %s is on the list until it is closed."),
			    out.session_no, out.followup_id, date);
	else
		tui_message(t, MSG_OK, _("Session #%lld ended."), out.session_no);
	load(t, s);
	leave_form(t, s);
}

static enum screen_result end_key(struct tui *t, struct green_state *s, enum action a, const struct key *k)
{
	switch (a) {
	case ACT_BACK:
		leave_form(t, s);
		return SCR_DONE;
	case ACT_SUBMIT:
		submit_end(t, s);
		return SCR_DONE;
	case ACT_NEXT:
	case ACT_DOWN:
		s->focus = (s->focus + 1) % E_COUNT;
		return SCR_DONE;
	case ACT_PREV:
	case ACT_UP:
		s->focus = (s->focus + E_COUNT - 1) % E_COUNT;
		return SCR_DONE;
	default:
		break;
	}
	if (s->focus == E_OUTCOME) {
		if (a == ACT_TOGGLE || a == ACT_RIGHT || a == ACT_LEFT) {
			s->outcome = (s->outcome + (a == ACT_LEFT ? 2 : 1)) % 3;
			if (s->outcome == 2 && field_empty(&s->e[E_DATE])) {
				char d[11];
				today_plus(1, d);
				field_set(&s->e[E_DATE], d);
			}
			return SCR_DONE;
		}
		if (a == ACT_HELP || a == ACT_QUIT || a == ACT_LOCK || a == ACT_REDRAW)
			return SCR_PASS;
		return SCR_DONE;
	}
	return field_key(&s->e[s->focus], a, k) ? SCR_DONE : SCR_PASS;
}

/* ---- closing a home visit ---- */

static void draw_close(struct tui *t, struct green_state *s, WINDOW *w)
{
	int h = getmaxy(w), wd = getmaxx(w), bw = 66, bh = 9, by = (h - bh) / 2, bx = (wd - bw) / 2, cur;
	char title[96];
	const struct cd_green_followup *f = NULL;

	for (size_t i = 0; i < s->nfv; i++)
		if (s->fv[i].id == s->visit_id)
			f = &s->fv[i];
	snprintf(title, sizeof(title), _("Home visit of session #%lld"), f ? f->session_no : 0LL);
	draw_box(w, by, bx, bh, bw, title);
	if (f) {
		char line[256], needs[160];
		needs_text(f->needs, needs, sizeof(needs));
		snprintf(line, sizeof(line), _("Planned for %s%s%s"), f->visit_date, needs[0] ? draw_dot() : "", needs);
		draw_text(w, by + 1, bx + 3, bw - 6, line);
	}
	draw_text(w, by + 3, bx + 3, bw - 6, _("What was done on the visit:"));
	cur = field_draw(&s->close_note, w, by + 4, bx + 3, bw - 6, true);
	tui_cursor(t, by + 4, bx + 3 + cur);
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, by + 6, bx + 3, bw - 6, _("Enter: close the home visit   Esc: cancel"));
	wattrset(w, A_NORMAL);
}

static void submit_close(struct tui *t, struct green_state *s)
{
	char note[4096];
	struct cd_error err;

	field_text(&s->close_note, note, sizeof(note));
	if (!note[0]) {
		tui_message(t, MSG_ERROR, "%s", _("Write what was done on the visit."));
		return;
	}
	cd_error_clear(&err);
	if (cd_green_close_followup(hall_db(t), s->visit_id, note, &err) < 0) {
		hall_fail(t, _("The home visit was not closed"), &err);
		return;
	}
	tui_message(t, MSG_OK, "%s", _("Home visit closed."));
	s->mode = G_LIST;
	load(t, s);
}

/* ---- the screen ---- */

static void green_draw(struct tui *t, void *st, WINDOW *w)
{
	struct green_state *s = st;

	switch (s->mode) {
	case G_START:
		draw_start(t, s, w);
		break;
	case G_END:
		draw_end(t, s, w);
		break;
	case G_CLOSE:
		draw_list(t, s, w);
		draw_close(t, s, w);
		break;
	default:
		draw_list(t, s, w);
		break;
	}
}

static bool helper_only(struct tui *t)
{
	const struct cd_identity *who = tui_who(t);

	if (who && !strcmp(who->role, "helper"))
		return true;
	tui_message(t, MSG_ERROR, "%s", _("Assisted sessions are logged by green-channel helpers."));
	return false;
}

static enum screen_result list_key(struct tui *t, struct green_state *s, enum action a, const struct key *k)
{
	long r;

	switch (a) {
	case ACT_BACK:
		tui_pop(t);
		return SCR_DONE;
	case ACT_NEXT:
	case ACT_PREV:
		s->pane = s->pane == P_SESSIONS ? P_VISITS : P_SESSIONS;
		return SCR_DONE;
	case ACT_GREEN:
		if (helper_only(t))
			open_start(s, NULL);
		return SCR_DONE;
	case ACT_SUBMIT:
		if (s->pane == P_SESSIONS) {
			r = picker_selected(&s->sessions);
			if (r < 0 || (size_t)r >= s->nsv)
				return SCR_DONE;
			if (s->sv[r].ended_at)
				tui_message(t, MSG_INFO, _("Session #%lld has ended (%s)."), s->sv[r].session_no,
					    cd_green_label(s->sv[r].outcome));
			else if (helper_only(t))
				open_end(t, s, &s->sv[r]);
		} else {
			r = picker_selected(&s->visits);
			if (r < 0 || (size_t)r >= s->nfv)
				return SCR_DONE;
			s->visit_id = s->fv[r].id;
			field_clear(&s->close_note);
			s->mode = G_CLOSE;
		}
		return SCR_DONE;
	default:
		return picker_key(s->pane == P_SESSIONS ? &s->sessions : &s->visits, a, k) ? SCR_DONE : SCR_PASS;
	}
}

static enum screen_result green_key(struct tui *t, void *st, enum action a, const struct key *k)
{
	struct green_state *s = st;

	switch (s->mode) {
	case G_START:
		return start_key(t, s, a, k);
	case G_END:
		return end_key(t, s, a, k);
	case G_CLOSE:
		if (a == ACT_BACK) {
			s->mode = G_LIST;
			return SCR_DONE;
		}
		if (a == ACT_SUBMIT) {
			submit_close(t, s);
			return SCR_DONE;
		}
		return field_key(&s->close_note, a, k) ? SCR_DONE : SCR_PASS;
	default:
		return list_key(t, s, a, k);
	}
}

static void green_enter(struct tui *t, void *st, const void *arg)
{
	struct green_state *s = st;
	const struct green_open *open = arg;

	picker_init(&s->sessions, false);
	picker_init(&s->visits, false);
	forms_init(s);
	hall_watch_start(t, &s->watch);
	load(t, s);
	if (!open)
		return;
	s->from_window = true;
	/* From the window: end the session open for this ticket, else start one. */
	for (size_t i = 0; open->ticket && i < s->nsv; i++) {
		if (!s->sv[i].ended_at && !strcmp(s->sv[i].ticket, open->ticket)) {
			open_end(t, s, &s->sv[i]);
			return;
		}
	}
	open_start(s, open->ticket);
}

static bool green_tick(struct tui *t, void *st)
{
	struct green_state *s = st;
	struct hall_event ev;
	bool reload = false;

	while (hall_watch_next(t, &s->watch, &ev))
		if (!ev.event[0] || !strncmp(ev.event, "green_", 6))
			reload = true;
	if (!reload)
		return false;
	load(t, s);
	return s->mode == G_LIST || s->mode == G_CLOSE;
}

static void green_leave(struct tui *t, void *st)
{
	struct green_state *s = st;

	(void)t;
	picker_free(&s->sessions);
	picker_free(&s->visits);
	forms_free(s);
	cd_green_sessions_free(&s->sv, s->nsv);
	cd_green_followups_free(&s->fv, s->nfv);
}

static bool green_text_focus(const void *st)
{
	const struct green_state *s = st;

	switch (s->mode) {
	case G_START:
		return start_is_text(s->focus);
	case G_END:
		return s->focus != E_OUTCOME;
	case G_CLOSE:
		return true;
	default:
		return false;
	}
}

static const enum action green_keys[] = {
	ACT_GREEN, ACT_SUBMIT, ACT_NEXT, ACT_UP, ACT_DOWN, ACT_TOGGLE, ACT_LEFT, ACT_RIGHT, ACT_BACK, ACT_NONE,
};

static const struct hint green_hints[] = {
	{ ACT_GREEN, N_("New session") },
	{ ACT_SUBMIT, N_("End or close") },
	{ ACT_NONE, NULL },
};

const struct screen_ops green_screen = {
	.name = N_("Green channel"),
	.state_size = sizeof(struct green_state),
	.keys = green_keys,
	.hints = green_hints,
	.help_extra = N_("Tab switches between the sessions and the home visits. In the forms, Space ticks a need or takes the next choice, and Enter saves. Names and the identity number are kept only with the visitor's consent; the identity number is encrypted."),
	.enter = green_enter,
	.draw = green_draw,
	.key = green_key,
	.tick = green_tick,
	.leave = green_leave,
	.text_focus = green_text_focus,
};
