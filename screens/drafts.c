/* Drafts: the applications this clerk started and did not submit, newest
 * first, as the server keeps them (sealed). Enter goes on with one where it
 * was left; Delete discards one after asking. After a crash, a closed
 * terminal or a database restart this is where the work comes back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "i18n.h"
#include "intake.h"
#include "item.h"
#include "picker.h"
#include "screen.h"
#include "session.h"
#include "util.h"

struct drafts_state {
	struct picker list;
	struct cd_draft_info *v;
	size_t n;
	bool asking;      /* "discard this draft?" is on the screen */
	size_t ask_row;
	bool failed;      /* the list could not be read */
};

static struct cd_db *db_of(struct tui *t)
{
	return tui_session(t)->db;
}

/* The item's name in the language of the screen, from the list of items. */
static const char *item_name(const struct cd_item_summary *items, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(items[i].code, code))
			return i18n_is_chinese() || !items[i].name_en ? items[i].name_zh : items[i].name_en;
	return code;
}

static void load(struct tui *t, struct drafts_state *s)
{
	struct cd_item_summary *items = NULL;
	size_t nitems = 0;
	struct cd_error err;
	char text[768];

	picker_clear(&s->list);
	cd_draft_infos_free(&s->v, s->n);
	s->n = 0;
	cd_error_clear(&err);
	s->failed = cd_draft_list(db_of(t), &s->v, &s->n, &err) < 0;
	if (s->failed) {
		tui_message(t, MSG_ERROR, _("The drafts could not be read: %s"),
			    cd_error_text(&err, text, sizeof(text)));
		picker_refresh(&s->list);
		return;
	}
	/* Names only: a draft still shows when the list of items cannot be read. */
	if (cd_item_list(db_of(t), &items, &nitems, &err) < 0)
		nitems = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct cd_draft_info *d = &s->v[i];
		const char *rest = strstr(d->summary ? d->summary : "", " \xc2\xb7 ");
		char row[1024] = "";

		picker_col(row, sizeof(row), d->updated_at, 18);
		picker_col(row, sizeof(row), item_name(items, nitems, d->item), 34);
		picker_col(row, sizeof(row), rest ? rest + 4 : "", 30);
		picker_add(&s->list, row, NULL, false);
	}
	cd_item_summaries_free(&items, nitems);
	picker_refresh(&s->list);
}

static void drafts_enter(struct tui *t, void *st, const void *arg)
{
	struct drafts_state *s = st;

	(void)arg;
	picker_init(&s->list, false);
	load(t, s);
}

static void drafts_leave(struct tui *t, void *st)
{
	struct drafts_state *s = st;

	(void)t;
	picker_free(&s->list);
	cd_draft_infos_free(&s->v, s->n);
}

static void drafts_draw(struct tui *t, void *st, WINDOW *w)
{
	struct drafts_state *s = st;
	int h = getmaxy(w), wd = getmaxx(w);
	char line[256], head[512] = "";

	snprintf(line, sizeof(line), ngettext("%zu draft not yet submitted", "%zu drafts not yet submitted", s->n), s->n);
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_text(w, 0, 1, wd - 2, line);
	picker_col(head, sizeof(head), _("Saved"), 18);
	picker_col(head, sizeof(head), _("Service item"), 34);
	picker_col(head, sizeof(head), _("Applicant"), 30);
	draw_text(w, 2, 2, wd - 3, head);
	wattrset(w, A_NORMAL);
	picker_draw(&s->list, t, w, 3, 1, h - 5, wd - 2, NULL,
		    s->failed ? _("The list could not be read; Esc and open Drafts again.")
			      : _("No drafts: every application was submitted."),
		    false);
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, h - 1, 1, wd - 2, _("Enter: go on with it   Delete: discard   Esc: back"));
	wattrset(w, A_NORMAL);
	if (s->asking && s->ask_row < s->n) {
		const struct cd_draft_info *d = &s->v[s->ask_row];

		snprintf(head, sizeof(head), _("Discard the draft \"%s\" saved %s? What was typed in it is lost."),
			 d->summary ? d->summary : d->item, d->updated_at);
		ask_draw(w, _("Discard draft"), head, _("y: discard     n or Esc: keep"));
	}
}

static void resume(struct tui *t, struct drafts_state *s)
{
	long r = picker_selected(&s->list);
	struct cd_intake *in = NULL;
	const struct cd_keys *keys;
	struct cd_error err;
	char text[768];

	if (r < 0 || (size_t)r >= s->n)
		return;
	cd_error_clear(&err);
	keys = tui_keys(t, &err);
	if (!keys || cd_draft_load(db_of(t), keys, s->v[r].id, &in, &err) < 0) {
		tui_message(t, MSG_ERROR, _("The draft could not be opened: %s"),
			    cd_error_text(&err, text, sizeof(text)));
		return;
	}
	tui_pop(t);
	tui_push(t, &intake_screen, &in); /* takes the form over */
	if (in)
		cd_intake_free(&in);
}

static void discard(struct tui *t, struct drafts_state *s)
{
	struct cd_error err;
	char text[768];

	s->asking = false;
	if (s->ask_row >= s->n)
		return;
	cd_error_clear(&err);
	if (cd_draft_discard(db_of(t), s->v[s->ask_row].id, &err) < 0) {
		tui_message(t, MSG_ERROR, _("The draft could not be discarded: %s"),
			    cd_error_text(&err, text, sizeof(text)));
		return;
	}
	tui_message(t, MSG_OK, "%s", _("Draft discarded."));
	load(t, s);
}

static enum screen_result drafts_key(struct tui *t, void *st, enum action a, const struct key *k)
{
	struct drafts_state *s = st;
	long r;

	if (s->asking) {
		switch (a) {
		case ACT_YES:
			discard(t, s);
			return SCR_DONE;
		case ACT_NO:
		case ACT_BACK:
		case ACT_SUBMIT:
			s->asking = false;
			return SCR_DONE;
		case ACT_HELP:
		case ACT_QUIT:
		case ACT_LOCK:
		case ACT_REDRAW:
			return SCR_PASS;
		default:
			return SCR_DONE;
		}
	}
	switch (a) {
	case ACT_SUBMIT:
		resume(t, s);
		return SCR_DONE;
	case ACT_DEL_FWD:
		r = picker_selected(&s->list);
		if (r >= 0) {
			s->asking = true;
			s->ask_row = (size_t)r;
		}
		return SCR_DONE;
	case ACT_BACK:
		tui_pop(t);
		return SCR_DONE;
	default:
		return picker_key(&s->list, a, k) ? SCR_DONE : SCR_PASS;
	}
}

static const enum action drafts_keys[] = {
	ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_SUBMIT, ACT_BACK, ACT_NONE,
};

static const struct hint drafts_hints[] = {
	{ ACT_SUBMIT, N_("Resume") },
	{ ACT_DEL_FWD, N_("Discard") },
	{ ACT_NONE, NULL },
};

const struct screen_ops drafts_screen = {
	.name = N_("Drafts"),
	.state_size = sizeof(struct drafts_state),
	.keys = drafts_keys,
	.hints = drafts_hints,
	.help_extra = N_("Delete (or Ctrl-D) discards the selected draft after asking; y confirms."),
	.enter = drafts_enter,
	.draw = drafts_draw,
	.key = drafts_key,
	.leave = drafts_leave,
};
