/* Staff accounts, for administrators (supervisors may read the list): one
 * line per account; a adds one through a form, d disables the selected one
 * after a question, p sets its password. Each change is one api call
 * (api.staff_add, api.staff_disable, api.staff_set_password) and the
 * database decides whether this login may make it; the password becomes a
 * SCRAM verifier here and never travels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "admin.h"
#include "draw.h"
#include "formbox.h"
#include "hall_ui.h"
#include "i18n.h"
#include "picker.h"
#include "screen.h"
#include "session.h"
#include "util.h"

enum mode { M_LIST, M_ADD, M_PASSWORD, M_DISABLE };
/* The inputs of the add form, in the order formbox_open gets them. */
enum { A_LOGIN, A_NAME, A_ROLE, A_DEPT, A_WINDOW, A_PW, A_PW2 };
/* ... and of the password form. */
enum { P_PW, P_PW2 };

#define MAX_ROLES 8
#define PW_MAX 128                  /* characters */
#define PW_BYTES (PW_MAX * 4 + 1)   /* the longest in UTF-8, and its NUL */

struct staff_state {
	struct picker list;
	struct cd_staff *v;
	size_t n;
	enum mode mode;
	struct formbox form;
	char target[64];              /* the login a password or disable is for */
	char title[160];              /* the password form's: the list may be read again under it */
	const char *role_labels[MAX_ROLES];
	struct cd_dept *depts;        /* read when the add form opens */
	size_t ndepts;
	char **dept_labels;           /* "none", then "CODE name" per department */
};

static void load(struct tui *t, struct staff_state *s, const char *select)
{
	struct cd_error err;
	char row[512], win[16];
	long keep = picker_selected(&s->list);
	char keep_login[64] = "";
	long found = -1;

	snprintf(keep_login, sizeof(keep_login), "%s",
		 select ? select : keep >= 0 && (size_t)keep < s->n ? s->v[keep].login : "");
	picker_clear(&s->list);
	free(s->v);
	s->v = NULL;
	s->n = 0;
	cd_error_clear(&err);
	if (cd_staff_list(hall_db(t), &s->v, &s->n, &err) < 0) {
		hall_fail(t, _("The staff accounts could not be read"), &err);
		picker_refresh(&s->list);
		return;
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct cd_staff *x = &s->v[i];

		row[0] = '\0';
		snprintf(win, sizeof(win), x->window_no ? "%d" : "-", x->window_no);
		picker_col(row, sizeof(row), x->login, 16);
		picker_col(row, sizeof(row), x->full_name, 10);
		picker_col(row, sizeof(row), cd_role_label(x->role), 18);
		picker_col(row, sizeof(row), x->dept_code[0] ? x->dept_code : "-", 8);
		picker_col(row, sizeof(row), win, 6);
		picker_col(row, sizeof(row), x->active ? _("active") : _("disabled"), 10);
		picker_add(&s->list, row, x->login, !x->active);
		if (!strcmp(x->login, keep_login))
			found = (long)i;
	}
	picker_refresh(&s->list);
	if (found >= 0)
		picker_select(&s->list, (size_t)found);
}

static const struct cd_staff *selected(const struct staff_state *s)
{
	long r = picker_selected(&s->list);

	return r >= 0 && (size_t)r < s->n ? &s->v[r] : NULL;
}

static void free_depts(struct staff_state *s)
{
	for (size_t i = 0; s->dept_labels && i <= s->ndepts; i++)
		free(s->dept_labels[i]);
	free(s->dept_labels);
	free(s->depts);
	s->dept_labels = NULL;
	s->depts = NULL;
	s->ndepts = 0;
}

/* The departments to choose from, read once per opening of the form; the
 * administrator's own department comes preselected. */
static size_t load_depts(struct tui *t, struct staff_state *s)
{
	const struct cd_identity *who = tui_who(t);
	struct cd_error err;
	size_t mine = 0;
	char label[160];

	free_depts(s);
	cd_error_clear(&err);
	if (cd_dept_list(hall_db(t), &s->depts, &s->ndepts, &err) < 0)
		hall_fail(t, _("The departments could not be read"), &err);
	s->dept_labels = xcalloc(s->ndepts + 1, sizeof(*s->dept_labels));
	s->dept_labels[0] = xstrdup(_("none"));
	for (size_t i = 0; i < s->ndepts; i++) {
		snprintf(label, sizeof(label), "%s %s", s->depts[i].code, s->depts[i].name);
		s->dept_labels[i + 1] = xstrdup(label);
		if (who && !strcmp(who->dept_code, s->depts[i].code))
			mine = i + 1;
	}
	return mine;
}

static void open_add(struct tui *t, struct staff_state *s)
{
	size_t nroles, dept = load_depts(t, s);
	const char *const *roles = cd_roles(&nroles);

	for (size_t i = 0; i < nroles && i < MAX_ROLES; i++)
		s->role_labels[i] = cd_role_label(roles[i]);
	formbox_open(&s->form, _("Add a staff account"));
	formbox_text(&s->form, _("Login"), 63, 0, _("a-z, 0-9 . _ -"));
	formbox_text(&s->form, _("Full name"), 60, 0, NULL);
	formbox_choice(&s->form, _("Role"), s->role_labels, nroles < MAX_ROLES ? nroles : MAX_ROLES, 0,
		       _("Space: next"));
	formbox_choice(&s->form, _("Department"), (const char *const *)s->dept_labels, s->ndepts + 1, dept,
		       _("reviewers need one"));
	formbox_text(&s->form, _("Window"), 3, FIELD_DIGITS, _("empty: none"));
	formbox_text(&s->form, _("Password"), PW_MAX, FIELD_SECRET, _("8 characters or more"));
	formbox_text(&s->form, _("Repeat it"), PW_MAX, FIELD_SECRET, NULL);
	s->mode = M_ADD;
}

/* The two password inputs at a and a + 1, checked here before anything is
 * sent; NULL (with the problem line set) when they cannot be used. The
 * caller zeroes and frees the copy. */
static char *typed_password(struct staff_state *s, int a)
{
	char *pw = xcalloc(1, PW_BYTES), *again = xcalloc(1, PW_BYTES);
	const char *problem;

	formbox_get(&s->form, a, pw, PW_BYTES);
	formbox_get(&s->form, a + 1, again, PW_BYTES);
	problem = cd_password_problem(pw, again);
	sodium_memzero(again, PW_BYTES);
	free(again);
	if (problem) {
		snprintf(s->form.problem, sizeof(s->form.problem), "%s", _(problem));
		sodium_memzero(pw, PW_BYTES);
		free(pw);
		return NULL;
	}
	return pw;
}

static void drop_password(char *pw)
{
	sodium_memzero(pw, strlen(pw));
	free(pw);
}

/* The field a refusal of api.staff_add is about (its English source
 * messages, sql/004_staff_api.sql), so the cursor waits where the fix goes. */
static int refused_field(const struct cd_error *err)
{
	if (strstr(err->message, "department"))
		return A_DEPT;
	if (strstr(err->message, "role"))
		return A_ROLE;
	if (strstr(err->message, "Full name"))
		return A_NAME;
	if (strstr(err->message, "Window"))
		return A_WINDOW;
	return A_LOGIN;
}

static void submit_add(struct tui *t, struct staff_state *s)
{
	char login[256], name[256], win[16], *pw;
	size_t nroles;
	const char *const *roles = cd_roles(&nroles);
	const struct formbox_item *dept = &s->form.it[A_DEPT];
	struct cd_error err;
	int rc;

	formbox_get(&s->form, A_LOGIN, login, sizeof(login));
	formbox_get(&s->form, A_NAME, name, sizeof(name));
	formbox_get(&s->form, A_WINDOW, win, sizeof(win));
	s->form.problem[0] = '\0';
	if (!login[0] || !name[0]) {
		snprintf(s->form.problem, sizeof(s->form.problem), "%s", _("Type the login and the full name."));
		s->form.focus = login[0] ? A_NAME : A_LOGIN;
		return;
	}
	pw = typed_password(s, A_PW);
	if (!pw) {
		s->form.focus = A_PW;
		return;
	}
	cd_error_clear(&err);
	rc = cd_staff_add(hall_db(t), login, name, roles[s->form.it[A_ROLE].choice],
			  dept->choice ? s->depts[dept->choice - 1].code : NULL, atoi(win), pw, &err);
	drop_password(pw);
	if (rc < 0) {
		formbox_problem(&s->form, _("Not added"), &err);
		s->form.focus = refused_field(&err);
		return;
	}
	tui_message(t, MSG_OK, _("Staff account %s added as %s."), login,
		    cd_role_label(roles[s->form.it[A_ROLE].choice]));
	formbox_close(&s->form);
	free_depts(s);
	s->mode = M_LIST;
	load(t, s, login);
}

static void submit_password(struct tui *t, struct staff_state *s)
{
	struct cd_error err;
	char *pw;
	int rc;

	s->form.problem[0] = '\0';
	pw = typed_password(s, P_PW);
	if (!pw)
		return;
	cd_error_clear(&err);
	rc = cd_staff_set_password(hall_db(t), s->target, pw, &err);
	drop_password(pw);
	if (rc < 0) {
		formbox_problem(&s->form, _("Password not set"), &err);
		return;
	}
	tui_message(t, MSG_OK, _("New password set for %s."), s->target);
	formbox_close(&s->form);
	s->mode = M_LIST;
}

static void disable(struct tui *t, struct staff_state *s)
{
	struct cd_error err;

	s->mode = M_LIST;
	cd_error_clear(&err);
	if (cd_staff_disable(hall_db(t), s->target, &err) < 0) {
		hall_fail(t, _("Not disabled"), &err);
		return;
	}
	tui_message(t, MSG_OK, _("Staff account %s disabled; it can no longer log in."), s->target);
	load(t, s, s->target);
}

static void staff_draw(struct tui *t, void *st, WINDOW *w)
{
	struct staff_state *s = st;
	int h = getmaxy(w), wd = getmaxx(w);
	char line[512] = "";
	size_t active = 0;

	for (size_t i = 0; i < s->n; i++)
		active += s->v[i].active;
	snprintf(line, sizeof(line), _("Staff accounts: %zu, %zu active"), s->n, active);
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_text(w, 0, 1, wd - 2, line);
	wattrset(w, draw_attr(ROLE_DIM));
	line[0] = '\0';
	picker_col(line, sizeof(line), _("Login"), 16);
	picker_col(line, sizeof(line), _("Name"), 10);
	picker_col(line, sizeof(line), _("Role"), 18);
	picker_col(line, sizeof(line), _("Dept"), 8);
	picker_col(line, sizeof(line), _("Window"), 6);
	picker_col(line, sizeof(line), _("State"), 10);
	draw_text(w, 2, 2, wd - 3, line);
	wattrset(w, A_NORMAL);
	picker_draw(&s->list, t, w, 3, 1, h - 5, wd - 2, NULL, _("No staff account."), false);
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, h - 1, 1, wd - 2, _("a: add   d: disable   p: set the password   Esc: back"));
	wattrset(w, A_NORMAL);
	if (s->mode == M_ADD)
		formbox_draw(&s->form, t, w, _("Enter: add   Tab/arrows: move   Space or a letter: choose   Esc: cancel"));
	else if (s->mode == M_PASSWORD)
		formbox_draw(&s->form, t, w, _("Enter: set it   Tab: move   Esc: cancel"));
	else if (s->mode == M_DISABLE) {
		snprintf(line, sizeof(line), _("Disable the account %s? It can no longer log in; its history stays."),
			 s->target);
		ask_draw(w, _("Disable"), line, _("y: disable     n or Esc: keep it"));
	}
}

static enum screen_result form_key(struct tui *t, struct staff_state *s, enum action a, const struct key *k)
{
	if (a == ACT_BACK) {
		formbox_close(&s->form);
		free_depts(s);
		s->mode = M_LIST;
	} else if (a == ACT_SUBMIT) {
		if (s->mode == M_ADD)
			submit_add(t, s);
		else
			submit_password(t, s);
	} else if (!formbox_key(&s->form, a, k)) {
		return action_everywhere(a) ? SCR_PASS : SCR_DONE;
	}
	return SCR_DONE;
}

static enum screen_result staff_key(struct tui *t, void *st, enum action a, const struct key *k)
{
	struct staff_state *s = st;
	const struct cd_staff *x = selected(s);

	if (s->mode == M_ADD || s->mode == M_PASSWORD)
		return form_key(t, s, a, k);
	if (s->mode == M_DISABLE) {
		if (a == ACT_YES)
			disable(t, s);
		else if (a == ACT_NO || a == ACT_BACK)
			s->mode = M_LIST;
		else if (action_everywhere(a))
			return SCR_PASS;
		return SCR_DONE;
	}
	switch (a) {
	case ACT_BACK:
		tui_pop(t);
		return SCR_DONE;
	case ACT_APPLY: /* a: add */
		open_add(t, s);
		return SCR_DONE;
	case ACT_MOVE_DEPT: /* d: disable */
		if (!x)
			return SCR_DONE;
		if (!x->active) {
			tui_message(t, MSG_INFO, _("%s is already disabled."), x->login);
			return SCR_DONE;
		}
		snprintf(s->target, sizeof(s->target), "%s", x->login);
		s->mode = M_DISABLE;
		return SCR_DONE;
	case ACT_PRINT: /* p: password */
		if (!x)
			return SCR_DONE;
		snprintf(s->target, sizeof(s->target), "%s", x->login);
		snprintf(s->title, sizeof(s->title), _("New password for %s"), s->target);
		formbox_open(&s->form, s->title);
		formbox_text(&s->form, _("New password"), PW_MAX, FIELD_SECRET, _("8 characters or more"));
		formbox_text(&s->form, _("Repeat it"), PW_MAX, FIELD_SECRET, NULL);
		s->mode = M_PASSWORD;
		return SCR_DONE;
	default:
		return picker_key(&s->list, a, k) ? SCR_DONE : SCR_PASS;
	}
}

static void staff_enter(struct tui *t, void *st, const void *arg)
{
	struct staff_state *s = st;

	(void)arg;
	picker_init(&s->list, false);
	load(t, s, NULL);
}

static void staff_leave(struct tui *t, void *st)
{
	struct staff_state *s = st;

	(void)t;
	picker_free(&s->list);
	formbox_close(&s->form);
	free_depts(s);
	free(s->v);
}

static bool staff_text_focus(const void *st)
{
	const struct staff_state *s = st;

	return formbox_text_focus(&s->form);
}

static bool staff_has_unsaved(const struct tui *t, const void *st)
{
	const struct staff_state *s = st;

	(void)t;
	return s->form.open;
}

static const enum action staff_keys[] = { ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_BACK, ACT_NONE };

static const struct hint staff_hints[] = {
	{ ACT_APPLY, N_("Add") },
	{ ACT_MOVE_DEPT, N_("Disable") },
	{ ACT_PRINT, N_("Password") },
	{ ACT_NONE, NULL },
};

const struct screen_ops staff_screen = {
	.name = N_("Staff"),
	.state_size = sizeof(struct staff_state),
	.keys = staff_keys,
	.hints = staff_hints,
	.help_extra = N_("a adds a staff account, d disables the selected one (it can no longer log in), p sets its password. Only administrators may change accounts; the database refuses anyone else."),
	.enter = staff_enter,
	.draw = staff_draw,
	.key = staff_key,
	.leave = staff_leave,
	.has_unsaved = staff_has_unsaved,
	.text_focus = staff_text_focus,
};
