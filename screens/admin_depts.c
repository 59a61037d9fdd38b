/* Departments, for administrators: code and name of each; a adds one
 * through a form (api.dept_add). A refusal (a code in use, a malformed
 * code, no right) is shown in the form, which keeps what was typed. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "draw.h"
#include "formbox.h"
#include "hall_ui.h"
#include "i18n.h"
#include "picker.h"
#include "screen.h"

enum { D_CODE, D_NAME };

struct depts_state {
	struct picker list;
	struct cd_dept *v;
	size_t n;
	struct formbox form;
};

static void load(struct tui *t, struct depts_state *s, const char *select)
{
	struct cd_error err;
	char row[256];

	picker_clear(&s->list);
	free(s->v);
	s->v = NULL;
	s->n = 0;
	cd_error_clear(&err);
	if (cd_dept_list(hall_db(t), &s->v, &s->n, &err) < 0) {
		hall_fail(t, _("The departments could not be read"), &err);
		picker_refresh(&s->list);
		return;
	}
	for (size_t i = 0; i < s->n; i++) {
		row[0] = '\0';
		picker_col(row, sizeof(row), s->v[i].code, 18);
		picker_col(row, sizeof(row), s->v[i].name, 60);
		picker_add(&s->list, row, NULL, false);
	}
	picker_refresh(&s->list);
	for (size_t i = 0; select && i < s->n; i++)
		if (!strcmp(s->v[i].code, select))
			picker_select(&s->list, i);
}

static void submit(struct tui *t, struct depts_state *s)
{
	char code[64], name[256];
	struct cd_error err;

	formbox_get(&s->form, D_CODE, code, sizeof(code));
	formbox_get(&s->form, D_NAME, name, sizeof(name));
	s->form.problem[0] = '\0';
	cd_error_clear(&err);
	if (cd_dept_add(hall_db(t), code, name, &err) < 0) {
		formbox_problem(&s->form, _("Not added"), &err);
		/* the cursor where the fix goes (sql/004_staff_api.sql) */
		s->form.focus = strstr(err.message, "name is required") ? D_NAME : D_CODE;
		return;
	}
	/* The database upper-cases the code. */
	for (char *c = code; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	tui_message(t, MSG_OK, _("Department %s added."), code);
	formbox_close(&s->form);
	load(t, s, code);
}

static void depts_draw(struct tui *t, void *st, WINDOW *w)
{
	struct depts_state *s = st;
	int h = getmaxy(w), wd = getmaxx(w);
	char line[256] = "";

	snprintf(line, sizeof(line), _("Departments: %zu"), s->n);
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_text(w, 0, 1, wd - 2, line);
	wattrset(w, draw_attr(ROLE_DIM));
	line[0] = '\0';
	picker_col(line, sizeof(line), _("Code"), 18);
	picker_col(line, sizeof(line), _("Department name"), 60);
	draw_text(w, 2, 2, wd - 3, line);
	wattrset(w, A_NORMAL);
	picker_draw(&s->list, t, w, 3, 1, h - 5, wd - 2, NULL, _("No department yet."), false);
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, h - 1, 1, wd - 2, _("a: add a department   Esc: back"));
	wattrset(w, A_NORMAL);
	if (s->form.open)
		formbox_draw(&s->form, t, w, _("Enter: add   Tab: move   Esc: cancel"));
}

static enum screen_result depts_key(struct tui *t, void *st, enum action a, const struct key *k)
{
	struct depts_state *s = st;

	if (s->form.open) {
		if (a == ACT_BACK)
			formbox_close(&s->form);
		else if (a == ACT_SUBMIT)
			submit(t, s);
		else if (!formbox_key(&s->form, a, k))
			return action_everywhere(a) ? SCR_PASS : SCR_DONE;
		return SCR_DONE;
	}
	switch (a) {
	case ACT_BACK:
		tui_pop(t);
		return SCR_DONE;
	case ACT_APPLY: /* a: add */
		formbox_open(&s->form, _("Add a department"));
		formbox_text(&s->form, _("Code"), 16, 0, _("letters and digits, e.g. MZ"));
		formbox_text(&s->form, _("Department name"), 60, 0, NULL);
		return SCR_DONE;
	default:
		return picker_key(&s->list, a, k) ? SCR_DONE : SCR_PASS;
	}
}

static void depts_enter(struct tui *t, void *st, const void *arg)
{
	struct depts_state *s = st;

	(void)arg;
	picker_init(&s->list, false);
	load(t, s, NULL);
}

static void depts_leave(struct tui *t, void *st)
{
	struct depts_state *s = st;

	(void)t;
	picker_free(&s->list);
	formbox_close(&s->form);
	free(s->v);
}

static bool depts_text_focus(const void *st)
{
	const struct depts_state *s = st;

	return formbox_text_focus(&s->form);
}

static bool depts_has_unsaved(const struct tui *t, const void *st)
{
	const struct depts_state *s = st;

	(void)t;
	return s->form.open;
}

static const enum action depts_keys[] = { ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_BACK, ACT_NONE };

static const struct hint depts_hints[] = {
	{ ACT_APPLY, N_("Add") },
	{ ACT_NONE, NULL },
};

const struct screen_ops depts_screen = {
	.name = N_("Departments"),
	.state_size = sizeof(struct depts_state),
	.keys = depts_keys,
	.hints = depts_hints,
	.help_extra = N_("a adds a department (administrators only): its code, upper-case letters and digits, and its name."),
	.enter = depts_enter,
	.draw = depts_draw,
	.key = depts_key,
	.leave = depts_leave,
	.has_unsaved = depts_has_unsaved,
	.text_focus = depts_text_focus,
};
