/* A new integrated application (一件事一次办), page by page: choose the item
 * from a list that narrows as the clerk types; the applicant's identity
 * number or credit code, looked up so that the form is filled from what is
 * already known (一次录入), and a proxy (代办人) when someone applies for them;
 * the form (intake_form.c); the materials with the outcome they lead to;
 * the submit and what it gave, with the receipt or the one-time notice.
 *
 * Nothing typed is lost: the form is saved as a draft on the server a
 * moment after the clerk stops typing and whenever a field is left, never
 * per key. The submit carries the operation id made when the form was
 * opened, so Enter twice or a retry after a reconnect never makes two cases. */
#include <langinfo.h>
#include <stdint.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "config.h"
#include "draw.h"
#include "i18n.h"
#include "intake_ui.h"
#include "receipt.h"
#include "session.h"
#include "util.h"

#define HEADER_ROWS 3

/* ---- small helpers ---- */

struct cd_db *intake_db(struct tui *t)
{
	return tui_session(t)->db;
}

static bool zh(void)
{
	return i18n_is_chinese();
}

const char *intake_label(const struct cd_item_field *f)
{
	return zh() || !f->label_en ? f->label_zh : f->label_en;
}

static const char *material_name(const struct cd_item_material *m)
{
	return zh() || !m->name_en ? m->name_zh : m->name_en;
}

static const char *material_note(const struct cd_item_material *m)
{
	return zh() || !m->note_en ? m->note_zh : m->note_en;
}

static const char *item_name(const struct cd_item *it)
{
	return zh() || !it->name_en ? it->name_zh : it->name_en;
}

static bool utf8(void)
{
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

static char *text_of(const struct field *f)
{
	size_t n = f->len * MB_LEN_MAX + 1;
	char *buf = xmalloc(n);

	if (!field_get(f, buf, n))
		buf[0] = '\0';
	return buf;
}

static void set_reason(char **slot, const char *reason)
{
	free(*slot);
	*slot = reason && *reason ? xstrdup(reason) : NULL;
}

static const char *source_label(enum cd_applicant_source src)
{
	switch (src) {
	case CD_SOURCE_RECORD:
		return _("Earlier record");
	case CD_SOURCE_REGISTRY:
		return _("Shared data");
	default:
		return _("Not found");
	}
}

/* The time now, with seconds (the draft's state) or as a date and minute (paper). */
static void now_text(char *buf, size_t len, bool seconds)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	if (seconds)
		strftime(buf, len, "%H:%M:%S", &tm);
	else
		strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
}

/* ---- the draft ---- */

void intake_changed(struct intake_ui *s)
{
	s->dirty = true;
	s->leave_anyway = false;
	s->last_edit = tui_now();
}

static bool save_draft(struct tui *t, struct intake_ui *s)
{
	const struct cd_keys *keys;
	struct cd_error err;
	char text[768];

	if (s->page == PAGE_FORM)
		form_sync_focused(s);
	cd_error_clear(&err);
	keys = tui_keys(t, &err);
	if (!keys || cd_draft_save(intake_db(t), keys, s->in, &err) < 0) {
		/* Only the first failure in a row is said; the header keeps saying it. */
		if (!s->save_failed)
			tui_message(t, MSG_ERROR, _("The draft could not be saved (%s). Everything stays on the screen; saving is tried again."),
				    cd_error_text(&err, text, sizeof(text)));
		s->save_failed = true;
		s->next_try = tui_now() + DRAFT_RETRY;
		return false;
	}
	if (s->save_failed)
		tui_message(t, MSG_OK, "%s", _("The draft is saved again."));
	s->dirty = false;
	s->save_failed = false;
	s->saved_once = true;
	s->leave_anyway = false;
	now_text(s->saved_at, sizeof(s->saved_at), true);
	return true;
}

void intake_field_left(struct tui *t, struct intake_ui *s)
{
	if (s->dirty && s->in && s->page != PAGE_OUTCOME && tui_conn(t) == CONN_OK &&
	    tui_now() >= s->next_try)
		save_draft(t, s);
}

/* ---- the header of every page after the item is chosen ---- */

void intake_draw_header(struct tui *t, struct intake_ui *s, WINDOW *w)
{
	const struct cd_applicant *a = &s->in->applicant;
	int wd = getmaxx(w), used, sw = 0;
	char line[512], state[128];
	enum draw_role role = ROLE_DIM;

	(void)t;
	state[0] = '\0';
	if (s->page != PAGE_OUTCOME) {
		if (s->save_failed) {
			snprintf(state, sizeof(state), "%s", _("Draft NOT saved, retrying"));
			role = ROLE_ERROR;
		} else if (s->dirty) {
			snprintf(state, sizeof(state), "%s", _("Changes not saved yet"));
		} else if (s->saved_once) {
			snprintf(state, sizeof(state), _("Draft saved %s"), s->saved_at);
			role = ROLE_OK;
		}
	}
	sw = draw_width(state);
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_text(w, 0, 1, wd - sw - 4, item_name(s->in->item));
	wattrset(w, draw_attr(role));
	draw_text(w, 0, wd - sw - 1, sw, state);
	wattrset(w, A_NORMAL);

	if (a->key[0]) {
		char *mask = a->kind == CD_APPLICANT_PERSON ? cd_mask_value(CD_FIELD_IDNO, a->key)
							    : xstrdup(a->key);

		snprintf(line, sizeof(line), _("Applicant: %s %s (%s)"), a->name ? a->name : "", mask,
			 source_label(a->source));
		free(mask);
	} else {
		snprintf(line, sizeof(line), "%s", _("Applicant: not entered yet"));
	}
	used = draw_text(w, 1, 1, wd - 2, line);
	if (s->in->proxy.present) {
		snprintf(line, sizeof(line), _("%sProxy: %s (%s)"), draw_dot(),
			 s->in->proxy.name ? s->in->proxy.name : "",
			 s->in->proxy.relation ? s->in->proxy.relation : "");
		draw_text(w, 1, 1 + used, wd - 2 - used, line);
	}
	mvwhline(w, 2, 0, ACS_HLINE, wd);
}

static void draw_footer(WINDOW *w, const char *text)
{
	int h = getmaxy(w);

	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, h - 1, 1, getmaxx(w) - 2, text);
	wattrset(w, A_NORMAL);
}

/* ---- choosing the item ---- */

static void load_items(struct tui *t, struct intake_ui *s)
{
	struct cd_error err;
	char text[768];

	cd_error_clear(&err);
	picker_clear(&s->items);
	cd_item_summaries_free(&s->summaries, s->nsummaries);
	s->nsummaries = 0;
	if (cd_item_list(intake_db(t), &s->summaries, &s->nsummaries, &err) < 0) {
		tui_message(t, MSG_ERROR, _("The service items could not be read: %s"),
			    cd_error_text(&err, text, sizeof(text)));
		picker_refresh(&s->items);
		return;
	}
	for (size_t i = 0; i < s->nsummaries; i++) {
		const struct cd_item_summary *it = &s->summaries[i];
		char row[512] = "", search[512], days[64];
		const char *name = zh() || !it->name_en ? it->name_zh : it->name_en;

		snprintf(days, sizeof(days),
			 ngettext("%d working day", "%d working days", it->promised_days),
			 it->promised_days);
		picker_col(row, sizeof(row), name, 30);
		picker_col(row, sizeof(row),
			   it->applicant == CD_APPLICANT_ENTERPRISE ? _("Enterprise") : _("Person"), 11);
		picker_col(row, sizeof(row), it->code, 18);
		picker_col(row, sizeof(row), days, 16);
		snprintf(search, sizeof(search), "%s %s %s", it->code, it->name_zh,
			 it->name_en ? it->name_en : "");
		picker_add(&s->items, row, search, false);
	}
	picker_refresh(&s->items);
}

static void fill_applicant_page(struct intake_ui *s)
{
	const struct cd_intake *in = s->in;

	field_set(&s->ap[AP_KEY], in->applicant.key);
	field_set(&s->ap[AP_NAME], in->applicant.name ? in->applicant.name : "");
	field_set(&s->ap[AP_PROXY_NAME], in->proxy.present && in->proxy.name ? in->proxy.name : "");
	field_set(&s->ap[AP_PROXY_IDNO], in->proxy.present ? in->proxy.idno : "");
	field_set(&s->ap[AP_PROXY_RELATION],
		  in->proxy.present && in->proxy.relation ? in->proxy.relation : "");
	field_set(&s->ap[AP_PROXY_AUTH],
		  in->proxy.present && in->proxy.authorisation ? in->proxy.authorisation : "");
}

/* Takes over a form (new or resumed). */
static void adopt(struct intake_ui *s, struct cd_intake *in)
{
	s->in = in;
	s->in->applicant.kind = in->item->applicant;
	form_setup(s);
	fill_applicant_page(s);
	s->looked_up = in->applicant.key[0] != '\0';
	s->ap_focus = AP_KEY;
	s->dirty = s->save_failed = false;
	s->next_try = 0;
}

static void pick_item(struct tui *t, struct intake_ui *s)
{
	long r = picker_selected(&s->items);
	struct cd_item *item = NULL;
	struct cd_error err;
	char text[768];

	if (r < 0 || (size_t)r >= s->nsummaries) {
		tui_message(t, MSG_ERROR, "%s", _("No service item matches the filter."));
		return;
	}
	cd_error_clear(&err);
	if (cd_item_fetch(intake_db(t), s->summaries[r].code, 0, &item, &err) < 0) {
		tui_message(t, MSG_ERROR, _("The service item could not be read: %s"),
			    cd_error_text(&err, text, sizeof(text)));
		return;
	}
	adopt(s, cd_intake_new(item));
	s->page = PAGE_APPLICANT;
}

static void drop_form(struct intake_ui *s)
{
	form_teardown(s);
	cd_intake_free(&s->in);
	for (int i = 0; i < AP_COUNT; i++) {
		field_clear(&s->ap[i]);
		set_reason(&s->ap_reason[i], NULL);
	}
	s->looked_up = s->form_opened = s->materials_seen = s->ap_edited = false;
	s->dirty = s->saved_once = s->save_failed = s->leave_anyway = false;
}

/* ---- the applicant page ---- */

static const char *ap_label(const struct intake_ui *s, int i)
{
	bool ent = s->in->item->applicant == CD_APPLICANT_ENTERPRISE;

	switch (i) {
	case AP_KEY:
		return ent ? _("Unified social credit code") : _("Identity number");
	case AP_NAME:
		return ent ? _("Enterprise name") : _("Name");
	case AP_PROXY_NAME:
		return _("Proxy's name");
	case AP_PROXY_IDNO:
		return _("Proxy's identity number");
	case AP_PROXY_RELATION:
		return _("Relation to the applicant");
	default:
		return _("Authorisation material");
	}
}

/* Looks the number in the key field up (once per number). True when the
 * form now belongs to that applicant. */
static bool applicant_lookup(struct tui *t, struct intake_ui *s)
{
	enum cd_applicant_kind kind = s->in->item->applicant;
	char norm[CD_NORMALIZED_MAX], reason[CD_REASON_LEN], text[768], purpose[160];
	char *typed = text_of(&s->ap[AP_KEY]);
	const struct cd_keys *keys;
	struct cd_applicant a;
	struct cd_error err;
	size_t n = s->in->item->nfields;
	bool *was_empty;

	if (!*typed) {
		set_reason(&s->ap_reason[AP_KEY], kind == CD_APPLICANT_ENTERPRISE
				? _("Enter the credit code of the enterprise.")
				: _("Enter the applicant's identity number."));
		cd_secret_free(&typed);
		return false;
	}
	if (!cd_applicant_check_key(kind, typed, norm, reason, sizeof(reason))) {
		set_reason(&s->ap_reason[AP_KEY], reason);
		cd_secret_free(&typed);
		return false;
	}
	set_reason(&s->ap_reason[AP_KEY], NULL);
	if (s->looked_up && !strcmp(norm, s->in->applicant.key)) {
		cd_secret_free(&typed);
		return true;
	}
	cd_error_clear(&err);
	keys = tui_keys(t, &err);
	if (!keys) {
		tui_message(t, MSG_ERROR, "%s", cd_error_text(&err, text, sizeof(text)));
		cd_secret_free(&typed);
		return false;
	}
	tui_message(t, MSG_INFO, "%s", _("Looking the applicant up…"));
	tui_flush(t);
	snprintf(purpose, sizeof(purpose), "intake %s: applicant", s->in->item->code);
	if (cd_applicant_lookup(intake_db(t), keys, kind, typed, purpose, &a, &err) < 0) {
		cd_secret_free(&typed);
		if (err.kind == CD_ERR_INVALID) {
			set_reason(&s->ap_reason[AP_KEY], err.detail[0] ? err.detail : _(err.message));
		} else {
			tui_message(t, MSG_ERROR, _("The look-up failed: %s"),
				    cd_error_text(&err, text, sizeof(text)));
		}
		return false;
	}
	cd_secret_free(&typed);
	sodium_memzero(norm, sizeof(norm));

	/* What the previous applicant filled in goes; what the clerk typed stays. */
	was_empty = xcalloc(n ? n : 1, sizeof(*was_empty));
	for (size_t i = 0; i < n; i++) {
		if (s->prefilled[i]) {
			cd_secret_free(&s->in->values[i]);
			set_reason(&s->in->reasons[i], NULL);
			field_clear(&s->fields[i]);
			s->prefilled[i] = false;
		}
		was_empty[i] = !s->in->values[i];
	}
	cd_applicant_clear(&s->in->applicant);
	s->in->applicant = a; /* taken over: a is not cleared */
	s->looked_up = true;
	field_set(&s->ap[AP_KEY], s->in->applicant.key);
	if (s->in->applicant.name)
		field_set(&s->ap[AP_NAME], s->in->applicant.name);
	cd_intake_prefill(s->in);
	form_refresh_from(s, true, was_empty);
	free(was_empty);
	intake_changed(s);

	if (s->in->applicant.source == CD_SOURCE_NONE)
		tui_message(t, MSG_INFO, "%s",
			    _("Not found in the records or the shared data: type the name and the form."));
	else if (s->in->applicant.status && strcmp(s->in->applicant.status, "alive") &&
		 strcmp(s->in->applicant.status, "active"))
		tui_message(t, MSG_ERROR, _("%s: the registry status is %s."),
			    source_label(s->in->applicant.source), s->in->applicant.status);
	else
		tui_message(t, MSG_OK, _("%s: %s. Check the details with the applicant."),
			    source_label(s->in->applicant.source),
			    s->in->applicant.name ? s->in->applicant.name : "");
	return true;
}

static void proxy_forget(struct cd_proxy *p)
{
	cd_secret_free(&p->name);
	cd_secret_free(&p->relation);
	cd_secret_free(&p->authorisation);
	sodium_memzero(p, sizeof(*p));
}

/* Validates a field of the applicant page as it is left. */
static void ap_leave(struct tui *t, struct intake_ui *s)
{
	char norm[CD_NORMALIZED_MAX], reason[CD_REASON_LEN], *text;

	switch (s->ap_focus) {
	case AP_KEY:
		if (!field_empty(&s->ap[AP_KEY]))
			applicant_lookup(t, s);
		break;
	case AP_PROXY_IDNO:
		text = text_of(&s->ap[AP_PROXY_IDNO]);
		if (*text && !cd_applicant_check_key(CD_APPLICANT_PERSON, text, norm, reason, sizeof(reason)))
			set_reason(&s->ap_reason[AP_PROXY_IDNO], reason);
		else
			set_reason(&s->ap_reason[AP_PROXY_IDNO], NULL);
		cd_secret_free(&text);
		break;
	default:
		if (!field_empty(&s->ap[s->ap_focus]))
			set_reason(&s->ap_reason[s->ap_focus], NULL);
		break;
	}
	intake_field_left(t, s);
}

/* The proxy from its four fields; false with reasons when incomplete. */
static bool take_proxy(struct intake_ui *s)
{
	char *v[4], reason[CD_REASON_LEN];
	bool any = false, ok = true;
	struct cd_proxy *p = &s->in->proxy;

	for (int i = 0; i < 4; i++) {
		v[i] = text_of(&s->ap[AP_PROXY_NAME + i]);
		any = any || *v[i];
	}
	if (!any) {
		if (p->present) {
			proxy_forget(p);
			intake_changed(s);
		}
	} else {
		if (!*v[0]) {
			set_reason(&s->ap_reason[AP_PROXY_NAME], _("The proxy's name is required."));
			ok = false;
		}
		if (!*v[2]) {
			set_reason(&s->ap_reason[AP_PROXY_RELATION], _("Say how the proxy is related to the applicant."));
			ok = false;
		}
		/* Every reason at once, the number's too. */
		if (!ok) {
			char norm[CD_NORMALIZED_MAX];

			if (!cd_applicant_check_key(CD_APPLICANT_PERSON, v[1], norm, reason, sizeof(reason)))
				set_reason(&s->ap_reason[AP_PROXY_IDNO], reason);
			sodium_memzero(norm, sizeof(norm));
		}
		if (ok && !cd_intake_set_proxy(s->in, v[0], v[1], v[2], v[3], reason, sizeof(reason))) {
			set_reason(&s->ap_reason[AP_PROXY_IDNO], reason);
			ok = false;
		}
		if (ok)
			intake_changed(s);
	}
	for (int i = 0; i < 4; i++)
		cd_secret_free(&v[i]);
	return ok;
}

static void applicant_continue(struct tui *t, struct intake_ui *s)
{
	char *name;

	ap_leave(t, s);
	if (!applicant_lookup(t, s)) {
		s->ap_focus = AP_KEY;
		return;
	}
	name = text_of(&s->ap[AP_NAME]);
	if (!*name) {
		set_reason(&s->ap_reason[AP_NAME], s->in->item->applicant == CD_APPLICANT_ENTERPRISE
				? _("Type the enterprise's name.") : _("Type the applicant's name."));
		s->ap_focus = AP_NAME;
		cd_secret_free(&name);
		return;
	}
	set_reason(&s->ap_reason[AP_NAME], NULL);
	if (!s->in->applicant.name || strcmp(s->in->applicant.name, name)) {
		cd_secret_set(&s->in->applicant.name, name);
		intake_changed(s);
	}
	cd_secret_free(&name);
	if (!take_proxy(s)) {
		for (int i = AP_PROXY_NAME; i < AP_COUNT; i++)
			if (s->ap_reason[i]) {
				s->ap_focus = i;
				break;
			}
		return;
	}
	s->ap_edited = false;
	s->page = PAGE_FORM;
	if (!s->form_opened) {
		/* The first field that still needs the clerk. */
		for (size_t k = 0; k < s->norder; k++) {
			size_t i = s->order[k];
			if (cd_intake_field_applies(s->in, i) && !s->in->values[i]) {
				s->focus = i;
				break;
			}
		}
	}
	s->form_opened = true;
	intake_field_left(t, s);
}

static void draw_applicant(struct tui *t, struct intake_ui *s, WINDOW *w)
{
	int wd = getmaxx(w), lw = 0, fx, fwid, y = HEADER_ROWS + 1;
	const struct cd_applicant *a = &s->in->applicant;
	char line[512];

	for (int i = 0; i < AP_COUNT; i++) {
		int l = draw_width(ap_label(s, i)) + 2;
		if (l > lw)
			lw = l;
	}
	fx = 4 + lw + 2;
	fwid = wd - fx - 4 > 40 ? 40 : wd - fx - 4;
	for (int i = 0; i < AP_COUNT; i++) {
		bool focus = s->ap_focus == i;
		int cur, used;

		if (i == AP_KEY || i == AP_PROXY_NAME) {
			wattrset(w, draw_attr(ROLE_HEADING));
			draw_text(w, y, 2, wd - 4, i == AP_KEY ? _("Applicant") : _("Proxy (optional)"));
			wattrset(w, A_NORMAL);
			y++;
		}
		if (focus) {
			wattrset(w, A_BOLD);
			draw_text(w, y, 2, 2, ">");
		}
		wattrset(w, focus ? A_BOLD : A_NORMAL);
		used = draw_text(w, y, 4, lw, ap_label(s, i));
		if (i <= AP_NAME)
			draw_text(w, y, 4 + used + 1, 1, "*");
		wattrset(w, A_NORMAL);
		cur = field_draw(&s->ap[i], w, y, fx, i == AP_KEY || i == AP_PROXY_IDNO ? 22 : fwid, focus);
		if (focus)
			tui_cursor(t, y, fx + cur);
		if ((i == AP_PROXY_RELATION || i == AP_PROXY_AUTH) && field_empty(&s->ap[i])) {
			/* An example in the empty field, after the cursor. */
			wattrset(w, draw_attr(ROLE_FIELD) | draw_attr(ROLE_DIM));
			draw_text(w, y, fx + 1, fwid - 1,
				  i == AP_PROXY_RELATION ? _("e.g. father, spouse, agent")
							 : _("e.g. letter of authorisation"));
			wattrset(w, A_NORMAL);
		}
		y++;
		if (s->ap_reason[i]) {
			wattrset(w, draw_attr(ROLE_ERROR));
			draw_text(w, y++, fx, wd - fx - 1, s->ap_reason[i]);
			wattrset(w, A_NORMAL);
		} else if (i == AP_KEY && s->looked_up) {
			/* Where the details came from. */
			wattrset(w, draw_attr(a->source == CD_SOURCE_NONE ? ROLE_DIM : ROLE_OK));
			if (a->kind == CD_APPLICANT_PERSON)
				snprintf(line, sizeof(line), "%s%s%s%s%s%s%s", source_label(a->source),
					 a->name ? draw_dot() : "", a->name ? a->name : "", draw_dot(),
					 a->sex[0] == 'M' ? _("male") : a->sex[0] == 'F' ? _("female") : "",
					 draw_dot(), a->birth_date);
			else
				snprintf(line, sizeof(line), "%s%s%s", source_label(a->source),
					 a->name ? draw_dot() : "", a->name ? a->name : "");
			draw_text(w, y++, fx, wd - fx - 1, line);
			wattrset(w, A_NORMAL);
		}
		if (i == AP_NAME)
			y++;
	}
	draw_footer(w, s->form_opened
		? _("Enter or Esc: back to the form   Tab: next field")
		: _("Enter: look up and go on to the form   Tab: next field   Esc: back"));
}

static enum screen_result applicant_key(struct tui *t, struct intake_ui *s, enum action a,
					const struct key *k)
{
	switch (a) {
	case ACT_SUBMIT:
		applicant_continue(t, s);
		return SCR_DONE;
	case ACT_NEXT:
	case ACT_DOWN:
		ap_leave(t, s);
		if (s->ap_focus + 1 < AP_COUNT)
			s->ap_focus++;
		return SCR_DONE;
	case ACT_PREV:
	case ACT_UP:
		ap_leave(t, s);
		if (s->ap_focus > 0)
			s->ap_focus--;
		return SCR_DONE;
	case ACT_SEND:
	case ACT_MATERIALS:
		tui_message(t, MSG_INFO, "%s", _("Enter goes on to the form first."));
		return SCR_DONE;
	default:
		if (field_key(&s->ap[s->ap_focus], a, k)) {
			if (a == ACT_NONE || a == ACT_DEL_BACK || a == ACT_DEL_FWD || a == ACT_CLEAR)
				s->ap_edited = true;
			return SCR_DONE;
		}
		return SCR_PASS;
	}
}

void intake_open_applicant(struct tui *t, struct intake_ui *s)
{
	(void)t;
	fill_applicant_page(s);
	s->page = PAGE_APPLICANT;
	s->ap_focus = s->in->proxy.present ? AP_PROXY_NAME : AP_KEY;
}

/* ---- the materials page ---- */

/* The materials that apply now, as item indexes; returns how many. */
static size_t applicable(const struct intake_ui *s, size_t *v)
{
	size_t n = 0;

	for (size_t i = 0; i < s->in->item->nmaterials; i++)
		if (cd_intake_material_applies(s->in, i))
			v[n++] = i;
	return n;
}

void intake_open_materials(struct tui *t, struct intake_ui *s)
{
	(void)t;
	s->page = PAGE_MATERIALS;
	s->materials_seen = true;
}

static void outcome_preview(struct intake_ui *s, char *buf, size_t len, enum draw_role *role)
{
	const struct cd_item_material **miss = NULL;
	size_t nkey = 0, n = cd_intake_missing_materials(s->in, &miss, &nkey), used;
	enum cd_intake_outcome o = cd_intake_expected_outcome(s->in);
	const char *sep = zh() ? "、" : ", ";

	switch (o) {
	case CD_OUTCOME_ACCEPT:
		used = (size_t)snprintf(buf, len, "%s", _("Expected outcome: accepted."));
		*role = ROLE_OK;
		break;
	case CD_OUTCOME_COMMITMENT:
		used = (size_t)snprintf(buf, len, "%s",
			_("Expected outcome: accepted on commitment; the applicant promises to bring within the commitment period: "));
		*role = ROLE_HEADING;
		break;
	default:
		used = (size_t)snprintf(buf, len, "%s",
			_("Expected outcome: not accepted; a one-time notice lists everything missing: "));
		*role = ROLE_ERROR;
		break;
	}
	for (size_t i = 0; o != CD_OUTCOME_ACCEPT && i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s%s", i ? sep : "",
					 material_name(miss[i]), miss[i]->is_key ? _(" (key)") : "");
	free(miss);
}

static void draw_materials(struct tui *t, struct intake_ui *s, WINDOW *w)
{
	size_t *v = xcalloc(s->in->item->nmaterials + 1, sizeof(*v));
	size_t n = applicable(s, v);
	int wd = getmaxx(w), h = getmaxy(w), y = HEADER_ROWS + 1, rows, namew;
	char buf[2048];
	enum draw_role role = ROLE_NORMAL;
	bool u = utf8();

	(void)t;
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_text(w, HEADER_ROWS, 2, wd - 4, _("Materials: Space marks provided or missing"));
	wattrset(w, A_NORMAL);
	if (s->mat_sel >= n)
		s->mat_sel = n ? n - 1 : 0;
	outcome_preview(s, buf, sizeof(buf), &role);
	rows = draw_wrap(w, 0, 0, wd - 4, 5, buf, false);
	namew = wd - 2 - 4 - 12 - 10 - 24;
	if (namew > 32)
		namew = 32;
	if (namew < 16)
		namew = 16;
	for (size_t k = 0; k < n && y < h - rows - 3; k++, y++) {
		const struct cd_item_material *m = &s->in->item->materials[v[k]];
		enum cd_material_state st = s->in->materials[v[k]];
		bool focus = k == s->mat_sel;
		char row[1024] = "";
		const char *box = st == CD_MATERIAL_PROVIDED ? (u ? "[\xe2\x9c\x93]" : "[x]")
			: st == CD_MATERIAL_MISSING ? (u ? "[\xe2\x9c\x97]" : "[-]") : "[ ]";
		const char *word = st == CD_MATERIAL_PROVIDED ? _("provided")
			: st == CD_MATERIAL_MISSING ? _("missing") : _("not checked");

		picker_col(row, sizeof(row), box, 4);
		picker_col(row, sizeof(row), word, 12);
		picker_col(row, sizeof(row), material_name(m), namew);
		wattrset(w, focus ? draw_attr(ROLE_SELECTED) : A_NORMAL);
		draw_fill(w, y, 2, wd - 4);
		draw_text(w, y, 3, wd - 5, row);
		{
			int x = 3 + 4 + 12 + namew + 1;
			const char *tag = m->is_key ? _("key") : _("may follow");

			if (!focus)
				wattrset(w, m->is_key ? draw_attr(ROLE_ERROR) : draw_attr(ROLE_DIM));
			draw_text(w, y, x, 10, tag);
			x += 11;
			if (!focus)
				wattrset(w, draw_attr(ROLE_DIM));
			if (material_note(m) && x < wd - 4)
				draw_text(w, y, x, wd - x - 2, material_note(m));
		}
		wattrset(w, A_NORMAL);
	}
	wattrset(w, draw_attr(role));
	draw_wrap(w, h - rows - 2, 2, wd - 4, rows, buf, true);
	wattrset(w, A_NORMAL);
	draw_footer(w, _("Space: provided / missing   Up/Down: move   F5: submit   F6 or Esc: back to the form"));
	free(v);
}

static enum screen_result materials_key(struct tui *t, struct intake_ui *s, enum action a,
					const struct key *k)
{
	size_t *v = xcalloc(s->in->item->nmaterials + 1, sizeof(*v));
	size_t n = applicable(s, v);
	enum screen_result r = SCR_DONE;

	(void)k;
	switch (a) {
	case ACT_UP:
	case ACT_PREV:
		if (s->mat_sel > 0)
			s->mat_sel--;
		break;
	case ACT_DOWN:
	case ACT_NEXT:
		if (s->mat_sel + 1 < n)
			s->mat_sel++;
		break;
	case ACT_SUBMIT:
		if (s->mat_sel + 1 < n)
			s->mat_sel++;
		else
			tui_message(t, MSG_INFO, "%s", _("That was the last material: F5 submits."));
		break;
	case ACT_FIRST:
	case ACT_PAGE_UP:
		s->mat_sel = 0;
		break;
	case ACT_LAST:
	case ACT_PAGE_DOWN:
		s->mat_sel = n ? n - 1 : 0;
		break;
	case ACT_TOGGLE:
	case ACT_LEFT:
	case ACT_RIGHT:
		if (s->mat_sel < n) {
			size_t i = v[s->mat_sel];
			enum cd_material_state st = s->in->materials[i] == CD_MATERIAL_PROVIDED
							    ? CD_MATERIAL_MISSING : CD_MATERIAL_PROVIDED;

			cd_intake_set_material(s->in, s->in->item->materials[i].code, st);
			intake_changed(s);
		}
		break;
	default:
		r = SCR_PASS;
		break;
	}
	free(v);
	return r;
}

/* ---- submit and outcome ---- */

static void emit_paper(struct tui *t, struct intake_ui *s)
{
	const struct cd_config *cfg = tui_config(t);
	const struct cd_identity *who = tui_who(t);
	struct cd_error err;
	char now[32], name[96], text[768], *paper, *saved = NULL;

	now_text(now, sizeof(now), false);
	paper = cd_paper_for_submit(s->in, &s->res, cfg && cfg->centre_name ? cfg->centre_name : "",
				    who->full_name[0] ? who->full_name : who->login, who->window_no, now);
	if (s->res.case_no[0])
		snprintf(name, sizeof(name), "receipt-%s", s->res.case_no);
	else
		snprintf(name, sizeof(name), "notice-%s", s->res.notice_no);
	cd_error_clear(&err);
	if (!paper) {
		s->paper_ok = false;
		snprintf(s->paper_where, sizeof(s->paper_where), "%s", _("The paper could not be made."));
		return;
	}
	if (cd_receipt_emit(cfg, paper, name, &saved, &err) < 0) {
		s->paper_ok = false;
		snprintf(s->paper_where, sizeof(s->paper_where), _("Not printed: %s (p tries again)"),
			 cd_error_text(&err, text, sizeof(text)));
	} else if (saved) {
		s->paper_ok = true;
		snprintf(s->paper_where, sizeof(s->paper_where), _("Saved as %s"), saved);
	} else {
		s->paper_ok = true;
		snprintf(s->paper_where, sizeof(s->paper_where), _("Sent to the printer (%s)"),
			 cfg->print_command);
	}
	free(saved);
	free(paper);
}

static void show_first_problem(struct tui *t, struct intake_ui *s, size_t bad)
{
	s->page = PAGE_FORM;
	if (form_focus_first_problem(s, false)) {
		const struct cd_item_field *f = &s->in->item->fields[s->focus];

		tui_message(t, MSG_ERROR,
			    ngettext("%zu field needs attention before the submit. %s: %s",
				     "%zu fields need attention before the submit. %s: %s", bad),
			    bad, intake_label(f), s->in->reasons[s->focus]);
	}
}

static void submit(struct tui *t, struct intake_ui *s)
{
	const struct cd_identity *who = tui_who(t);
	const struct cd_keys *keys;
	struct cd_error err;
	char text[768];
	size_t bad;
	int rc;

	if (s->page == PAGE_FORM)
		form_leave_field(t, s);
	bad = cd_intake_check_all(s->in);
	if (bad) {
		show_first_problem(t, s, bad);
		return;
	}
	if (!s->looked_up) {
		intake_open_applicant(t, s);
		tui_message(t, MSG_ERROR, "%s", _("Enter the applicant first."));
		return;
	}
	if (!s->materials_seen) {
		intake_open_materials(t, s);
		tui_message(t, MSG_INFO, "%s", _("Check the materials with the applicant; then F5 submits."));
		return;
	}
	cd_error_clear(&err);
	keys = tui_keys(t, &err);
	if (!keys) {
		tui_message(t, MSG_ERROR, "%s", cd_error_text(&err, text, sizeof(text)));
		return;
	}
	tui_message(t, MSG_INFO, "%s", _("Submitting…"));
	tui_flush(t);
	cd_submit_result_clear(&s->res);
	/* The form's operation id goes with it, the same on every try: the
	 * database answers a repeated one with what the first one did. */
	rc = cd_intake_submit(intake_db(t), keys, s->in, who ? who->window_no : 0, &s->res, &err);
	if (rc < 0) {
		if (err.kind == CD_ERR_INVALID && !err.sqlstate[0]) {
			show_first_problem(t, s, cd_intake_check_all(s->in));
		} else if (err.kind == CD_ERR_CONN_LOST || err.kind == CD_ERR_CONNECT) {
			tui_message(t, MSG_ERROR, "%s",
				    _("The connection dropped before the answer came. Press F5 again once connected: the same application is sent again and can never make a second case."));
		} else {
			tui_message(t, MSG_ERROR, _("Not submitted: %s"), cd_error_text(&err, text, sizeof(text)));
		}
		return;
	}
	s->dirty = false;
	s->save_failed = false;
	s->page = PAGE_OUTCOME;
	emit_paper(t, s);
	if (!strcmp(s->res.outcome, "refused")) {
		/* That operation is over: it gave the notice. The form stays as a
		 * draft for when the applicant comes back with what is missing,
		 * and a submit of it then is a new operation. */
		cd_intake_renew_op(s->in);
		save_draft(t, s);
		tui_message(t, MSG_INFO, "%s",
			    _("Not accepted: hand over the one-time notice. The form stays in Drafts."));
	} else {
		s->saved_once = false; /* the database removed the draft with the acceptance */
		tui_message(t, MSG_OK, _("Accepted: case %s."), s->res.case_no);
	}
}

static void draw_outcome(struct tui *t, struct intake_ui *s, WINDOW *w)
{
	const struct cd_submit_result *r = &s->res;
	bool refused = !strcmp(r->outcome, "refused");
	bool commitment = !strcmp(r->outcome, "accepted_on_commitment");
	int wd = getmaxx(w), h = getmaxy(w), y = HEADER_ROWS + 1, lw = 0, x;
	const char *labels[5] = { _("Case number"), _("Promised completion date"),
				  _("Materials due by"), _("Visits"), _("Notice number") };
	char line[512];

	(void)t;
	for (int i = 0; i < 5; i++)
		if (draw_width(labels[i]) > lw)
			lw = draw_width(labels[i]);
	x = 4 + lw + 2;
	wattrset(w, draw_attr(refused ? ROLE_ERROR : ROLE_OK));
	draw_text(w, y, 2, wd - 4, refused ? _("Not accepted: one-time notice")
				   : commitment ? _("Accepted on commitment")
						: _("Accepted"));
	wattrset(w, A_NORMAL);
	y += 2;
#define ROW(label, value)                                        \
	do {                                                     \
		draw_text(w, y, 4, lw, label);                   \
		wattrset(w, A_BOLD);                             \
		draw_text(w, y, x, wd - x - 1, value);           \
		wattrset(w, A_NORMAL);                           \
		y++;                                             \
	} while (0)
	if (refused) {
		ROW(labels[4], r->notice_no);
	} else {
		ROW(labels[0], r->case_no);
		ROW(labels[1], r->promised_date);
		if (commitment)
			ROW(labels[2], r->commitment_due);
		snprintf(line, sizeof(line), "%d", r->visits);
		ROW(labels[3], line);
	}
#undef ROW
	if (r->nmissing) {
		y++;
		snprintf(line, sizeof(line),
			 refused ? _("Everything missing, all at once (%zu):") : _("To bring by the due date (%zu):"),
			 r->nmissing);
		wattrset(w, draw_attr(ROLE_HEADING));
		draw_text(w, y++, 2, wd - 4, line);
		wattrset(w, A_NORMAL);
		for (size_t i = 0; i < r->nmissing; i++, y++) {
			const struct cd_missing_material *m = &r->missing[i];
			const char *name = zh() || !m->name_en ? m->name_zh : m->name_en;
			const char *note = zh() || !m->note_en ? m->note_zh : m->note_en;
			char row[1024] = "";
			int used;

			if (y >= h - 4 && i + 1 < r->nmissing) {
				snprintf(line, sizeof(line), _("... and %zu more: every one is on the paper."),
					 r->nmissing - i);
				draw_text(w, y++, 4, wd - 6, line);
				break;
			}
			snprintf(line, sizeof(line), "%zu.", i + 1);
			picker_col(row, sizeof(row), line, 4);
			picker_col(row, sizeof(row), name ? name : m->code, 30);
			used = draw_text(w, y, 4, wd - 6, row);
			if (m->is_key) {
				wattrset(w, draw_attr(ROLE_ERROR));
				used += draw_text(w, y, 4 + used, wd - 6 - used, _("key"));
				wattrset(w, A_NORMAL);
			}
			if (note) {
				wattrset(w, draw_attr(ROLE_DIM));
				draw_text(w, y, 4 + used + 2, wd - 8 - used, note);
				wattrset(w, A_NORMAL);
			}
		}
	}
	y++;
	if (y < h - 1) {
		snprintf(line, sizeof(line), "%s%s", refused ? _("One-time notice: ") : _("Receipt: "),
			 s->paper_where);
		wattrset(w, draw_attr(s->paper_ok ? ROLE_NORMAL : ROLE_ERROR));
		draw_wrap(w, y, 2, wd - 4, h - 1 - y, line, true);
		wattrset(w, A_NORMAL);
	}
	draw_footer(w, refused ? _("Enter: done   p: print again   Esc: back to the materials")
			       : _("Enter: done   p: print again"));
}

static enum screen_result outcome_key(struct tui *t, struct intake_ui *s, enum action a,
				      const struct key *k)
{
	bool refused = !strcmp(s->res.outcome, "refused");

	switch (a) {
	case ACT_SUBMIT:
		tui_pop(t);
		return SCR_DONE;
	case ACT_BACK:
		if (refused)
			intake_open_materials(t, s);
		else
			tui_pop(t);
		return SCR_DONE;
	case ACT_SEND:
		tui_message(t, MSG_INFO, "%s", _("This application has been submitted already."));
		return SCR_DONE;
	case ACT_PRINT:
		emit_paper(t, s);
		return SCR_DONE;
	default:
		(void)k;
		return SCR_PASS;
	}
}

/* ---- leaving ---- */

static void leave_form(struct tui *t, struct intake_ui *s)
{
	if (s->page == PAGE_FORM)
		form_leave_field(t, s);
	if (s->dirty)
		save_draft(t, s);
	if ((s->dirty || s->save_failed) && !s->leave_anyway) {
		s->leave_anyway = true;
		tui_message(t, MSG_ERROR, "%s",
			    _("The latest changes are not saved. Esc again leaves and loses them; wait for the connection to keep them."));
		return;
	}
	if (s->saved_once)
		tui_message(t, MSG_OK, "%s", _("Kept as a draft: open Drafts to go on with it."));
	tui_pop(t);
}

/* ---- the screen ---- */

static void intake_enter(struct tui *t, void *st, const void *arg)
{
	struct intake_ui *s = st;
	/* A form to resume is taken over: the caller's pointer is cleared. */
	struct cd_intake **resume = (struct cd_intake **)(uintptr_t)arg;

	picker_init(&s->items, true);
	field_init(&s->ap[AP_KEY], 24, 0);
	field_init(&s->ap[AP_NAME], 60, 0);
	field_init(&s->ap[AP_PROXY_NAME], 60, 0);
	field_init(&s->ap[AP_PROXY_IDNO], 24, 0);
	field_init(&s->ap[AP_PROXY_RELATION], 30, 0);
	field_init(&s->ap[AP_PROXY_AUTH], 100, 0);
	if (resume && *resume) {
		/* A draft: back where the clerk was. */
		adopt(s, *resume);
		*resume = NULL;
		s->saved_once = true;
		snprintf(s->saved_at, sizeof(s->saved_at), "%s", "");
		for (size_t i = 0; i < s->in->item->nmaterials; i++)
			if (s->in->materials[i] != CD_MATERIAL_UNSET)
				s->materials_seen = true;
		if (s->looked_up) {
			s->page = PAGE_FORM;
			s->form_opened = true;
			if (!form_focus_first_problem(s, true))
				s->focus = s->norder ? s->order[0] : 0;
		} else {
			s->page = PAGE_APPLICANT;
		}
		return;
	}
	s->page = PAGE_ITEM;
	load_items(t, s);
}

static void intake_leave(struct tui *t, void *st)
{
	struct intake_ui *s = st;

	(void)t;
	drop_form(s);
	for (int i = 0; i < AP_COUNT; i++)
		field_free(&s->ap[i]);
	picker_free(&s->items);
	cd_item_summaries_free(&s->summaries, s->nsummaries);
	cd_submit_result_clear(&s->res);
}

static void intake_draw(struct tui *t, void *st, WINDOW *w)
{
	struct intake_ui *s = st;
	int h = getmaxy(w), wd = getmaxx(w);

	if (s->page == PAGE_ITEM) {
		wattrset(w, draw_attr(ROLE_HEADING));
		draw_text(w, 0, 1, wd - 2, _("Which integrated item?"));
		wattrset(w, A_NORMAL);
		picker_draw(&s->items, t, w, 2, 1, h - 3, wd - 2, _("Filter (name or code):"),
			    s->nsummaries ? _("No item matches; Backspace widens the filter.")
					  : _("No service items are installed (counterdesk forms load)."),
			    true);
		draw_footer(w, _("Type to filter   Up/Down: choose   Enter: open   Esc: back"));
		return;
	}
	intake_draw_header(t, s, w);
	switch (s->page) {
	case PAGE_APPLICANT:
		draw_applicant(t, s, w);
		break;
	case PAGE_FORM:
		form_draw(t, s, w, HEADER_ROWS, h - HEADER_ROWS - 1);
		draw_footer(w, _("Tab: next  Up: back  Left/Right: choose  F6: materials  F5: submit  Esc: leave"));
		break;
	case PAGE_MATERIALS:
		draw_materials(t, s, w);
		break;
	case PAGE_OUTCOME:
		draw_outcome(t, s, w);
		break;
	default:
		break;
	}
}

static enum screen_result intake_key(struct tui *t, void *st, enum action a, const struct key *k)
{
	struct intake_ui *s = st;

	switch (s->page) {
	case PAGE_ITEM:
		if (a == ACT_SUBMIT) {
			pick_item(t, s);
			return SCR_DONE;
		}
		if (a == ACT_BACK) {
			tui_pop(t);
			return SCR_DONE;
		}
		return picker_key(&s->items, a, k) ? SCR_DONE : SCR_PASS;
	case PAGE_APPLICANT:
		if (a == ACT_BACK) {
			if (s->form_opened) {
				applicant_continue(t, s); /* kept, as with Enter */
			} else if (s->saved_once || s->dirty) {
				leave_form(t, s);
			} else {
				drop_form(s);
				s->page = PAGE_ITEM;
			}
			return SCR_DONE;
		}
		return applicant_key(t, s, a, k);
	case PAGE_FORM:
		switch (a) {
		case ACT_SEND:
			submit(t, s);
			return SCR_DONE;
		case ACT_MATERIALS:
			form_leave_field(t, s);
			intake_field_left(t, s);
			intake_open_materials(t, s);
			return SCR_DONE;
		case ACT_APPLICANT:
			form_leave_field(t, s);
			intake_field_left(t, s);
			intake_open_applicant(t, s);
			return SCR_DONE;
		case ACT_BACK:
			leave_form(t, s);
			return SCR_DONE;
		default:
			return form_key(t, s, a, k);
		}
	case PAGE_MATERIALS:
		switch (a) {
		case ACT_SEND:
			submit(t, s);
			return SCR_DONE;
		case ACT_MATERIALS:
		case ACT_BACK:
			intake_field_left(t, s);
			s->page = PAGE_FORM;
			return SCR_DONE;
		case ACT_APPLICANT:
			intake_open_applicant(t, s);
			return SCR_DONE;
		default:
			return materials_key(t, s, a, k);
		}
	case PAGE_OUTCOME:
		return outcome_key(t, s, a, k);
	}
	return SCR_PASS;
}

static bool intake_tick(struct tui *t, void *st)
{
	struct intake_ui *s = st;
	double now = tui_now();

	if (!s->in || s->page == PAGE_OUTCOME || !s->dirty || tui_conn(t) != CONN_OK)
		return false;
	if (now - s->last_edit < DRAFT_PAUSE || now < s->next_try)
		return false;
	save_draft(t, s);
	return true;
}

static bool intake_has_unsaved(const struct tui *t, const void *st)
{
	const struct intake_ui *s = st;

	(void)t;
	if (!s->in || s->page == PAGE_OUTCOME)
		return false;
	if (s->dirty || s->save_failed)
		return true;
	/* What was typed on the applicant page reaches the draft with Enter. */
	return s->ap_edited;
}

static bool intake_text_focus(const void *st)
{
	const struct intake_ui *s = st;

	switch (s->page) {
	case PAGE_ITEM:
	case PAGE_APPLICANT:
		return true;
	case PAGE_FORM:
		return form_text_focus(s);
	default:
		return false;
	}
}

static const enum action intake_keys[] = {
	ACT_SUBMIT, ACT_NEXT, ACT_PREV, ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_LEFT,
	ACT_RIGHT, ACT_TOGGLE, ACT_SEND, ACT_MATERIALS, ACT_APPLICANT, ACT_DEL_BACK, ACT_CLEAR,
	ACT_PRINT, ACT_BACK, ACT_NONE,
};

static const struct hint intake_hints[] = {
	{ ACT_SEND, NULL },
	{ ACT_MATERIALS, NULL },
	{ ACT_APPLICANT, NULL },
	{ ACT_NONE, NULL },
};

const struct screen_ops intake_screen = {
	.name = N_("New integrated application"),
	.state_size = sizeof(struct intake_ui),
	.keys = intake_keys,
	.hints = intake_hints,
	.help_extra = N_("On a field with choices, digits 1 to 9 pick one. The form is kept as a draft a moment after you stop typing and whenever a field is left; Esc leaves it, Drafts resumes it."),
	.enter = intake_enter,
	.draw = intake_draw,
	.key = intake_key,
	.tick = intake_tick,
	.leave = intake_leave,
	.has_unsaved = intake_has_unsaved,
	.text_focus = intake_text_focus,
};
