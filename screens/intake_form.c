/* The form of an integrated application: every department's fields on one
 * page, under the item's group headings. A field is validated as it is
 * left (cd_intake_set) and the reason stays under it until it is right;
 * a field whose condition does not hold is not shown; an identity number
 * that other fields are looked up by fills them from the registry when it
 * is left. Text is edited by character and drawn by display width, so
 * Chinese from an input method behaves like ASCII. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "applicant.h"
#include "draw.h"
#include "i18n.h"
#include "intake_ui.h"
#include "session.h"
#include "util.h"

enum line_kind { LINE_BLANK, LINE_HEADING, LINE_FIELD, LINE_REASON };

struct line {
	enum line_kind kind;
	size_t idx;              /* field index (FIELD, REASON) */
	const char *text;        /* heading */
};

static size_t max_chars(const struct cd_item_field *f)
{
	switch (f->type) {
	case CD_FIELD_TEXT:
	case CD_FIELD_ADDRESS:
		/* Room past the limit, so that "too long" is said, not beeped. */
		return f->max_length > 0 ? (size_t)f->max_length + 40 : 500;
	case CD_FIELD_DATE:
		return 16;
	case CD_FIELD_INTEGER:
	case CD_FIELD_MONEY:
		return 20;
	default:
		return 24;
	}
}

/* The widget's text as UTF-8, malloc'd (free with cd_secret_free). */
static char *widget_text(const struct field *f)
{
	size_t n = f->len * MB_LEN_MAX + 1;
	char *buf = xmalloc(n);

	if (!field_get(f, buf, n))
		buf[0] = '\0';
	return buf;
}

static const struct cd_item_field *field_of(const struct intake_ui *s, size_t i)
{
	return &s->in->item->fields[i];
}

void form_setup(struct intake_ui *s)
{
	const struct cd_item *it = s->in->item;
	size_t n = it->nfields ? it->nfields : 1;
	bool *placed = xcalloc(n, sizeof(*placed));

	s->fields = xcalloc(n, sizeof(*s->fields));
	s->order = xcalloc(n, sizeof(*s->order));
	s->prefilled = xcalloc(n, sizeof(*s->prefilled));
	s->looked = xcalloc(n, sizeof(*s->looked));
	for (size_t i = 0; i < it->nfields; i++) {
		field_init(&s->fields[i], max_chars(&it->fields[i]), 0);
		if (s->in->values[i])
			field_set(&s->fields[i], s->in->values[i]);
	}
	/* Group by group, in the order of the headings; then any field
	 * without a known group. */
	s->norder = 0;
	for (size_t g = 0; g < it->ngroups; g++)
		for (size_t i = 0; i < it->nfields; i++)
			if (!placed[i] && it->fields[i].group &&
			    !strcmp(it->fields[i].group, it->groups[g].key)) {
				s->order[s->norder++] = i;
				placed[i] = true;
			}
	for (size_t i = 0; i < it->nfields; i++)
		if (!placed[i])
			s->order[s->norder++] = i;
	free(placed);
	s->focus = s->norder ? s->order[0] : 0;
	for (size_t k = 0; k < s->norder; k++)
		if (cd_intake_field_applies(s->in, s->order[k])) {
			s->focus = s->order[k];
			break;
		}
	s->top = 0;
	s->typing = false;
}

void form_teardown(struct intake_ui *s)
{
	size_t n = s->in ? s->in->item->nfields : 0;

	for (size_t i = 0; s->fields && i < n; i++) {
		field_free(&s->fields[i]);
		cd_secret_free(&s->looked[i]);
	}
	free(s->fields);
	free(s->order);
	free(s->prefilled);
	free(s->looked);
	s->fields = NULL;
	s->order = NULL;
	s->prefilled = NULL;
	s->looked = NULL;
	s->norder = 0;
}

void form_refresh_from(struct intake_ui *s, bool mark_prefilled, const bool *was_empty)
{
	for (size_t i = 0; s->fields && i < s->in->item->nfields; i++) {
		if (was_empty && !was_empty[i])
			continue;
		if (!s->in->values[i])
			continue;
		field_set(&s->fields[i], s->in->values[i]);
		if (mark_prefilled)
			s->prefilled[i] = true;
	}
}

/* Whether the text in the widget is what the form holds. */
static bool same_as_form(const struct intake_ui *s, size_t i, const char *text)
{
	const char *v = s->in->values[i];

	return v ? !strcmp(v, text) : !*text;
}

void form_sync_focused(struct intake_ui *s)
{
	size_t i = s->focus;
	char *text;

	if (!s->fields || i >= s->in->item->nfields || field_of(s, i)->type == CD_FIELD_ENUM)
		return;
	text = widget_text(&s->fields[i]);
	if (!same_as_form(s, i, text))
		cd_intake_set(s->in, field_of(s, i)->key, text);
	cd_secret_free(&text);
}

static bool has_dependents(const struct cd_item *it, const char *key)
{
	for (size_t i = 0; i < it->nfields; i++)
		if (it->fields[i].prefill_by && !strcmp(it->fields[i].prefill_by, key))
			return true;
	return false;
}

/* The fields looked up by identity-number field i, from the registry. */
static void registry_fill(struct tui *t, struct intake_ui *s, size_t i)
{
	const struct cd_item_field *f = field_of(s, i);
	size_t n = s->in->item->nfields;
	bool *was_empty = xcalloc(n ? n : 1, sizeof(*was_empty));
	struct cd_person p;
	struct cd_error err;
	char purpose[160], text[768];
	size_t filled;

	for (size_t k = 0; k < n; k++)
		was_empty[k] = !s->in->values[k];
	snprintf(purpose, sizeof(purpose), "intake %s: %s", s->in->item->code, f->key);
	tui_message(t, MSG_INFO, "%s", _("Looking the number up in the population registry…"));
	tui_flush(t);
	cd_error_clear(&err);
	if (cd_registry_person(intake_db(t), s->in->values[i], purpose, &p, &err) < 0) {
		tui_message(t, MSG_ERROR, _("The registry could not be asked: %s"),
			    cd_error_text(&err, text, sizeof(text)));
		free(was_empty);
		return;
	}
	cd_secret_set(&s->looked[i], s->in->values[i]);
	if (!p.found) {
		tui_message(t, MSG_INFO, _("%s: not in the population registry; type the details."),
			    intake_label(f));
	} else {
		filled = cd_intake_prefill_person(s->in, f->key, &p);
		form_refresh_from(s, true, was_empty);
		if (filled)
			intake_changed(s);
		if (p.status && strcmp(p.status, "alive"))
			tui_message(t, MSG_ERROR, _("The registry lists this person as: %s"), p.status);
		else
			tui_message(t, MSG_OK,
				    ngettext("Found in the population registry: %zu field filled in.",
					     "Found in the population registry: %zu fields filled in.", filled),
				    filled);
	}
	cd_person_clear(&p);
	free(was_empty);
}

void form_leave_field(struct tui *t, struct intake_ui *s)
{
	size_t i = s->focus;
	const struct cd_item_field *f;

	if (!s->fields || i >= s->in->item->nfields)
		return;
	f = field_of(s, i);
	s->typing = false;
	if (f->type != CD_FIELD_ENUM) {
		char *text = widget_text(&s->fields[i]);

		/* An empty field the clerk only passed through is not an error
		 * yet: the submit says what is still required. */
		if (!same_as_form(s, i, text)) {
			cd_intake_set(s->in, f->key, text);
			s->prefilled[i] = false;
			intake_changed(s);
		}
		/* Show the value as kept (X upper-cased, spaces trimmed...). */
		if (s->in->values[i] && !s->in->reasons[i] && strcmp(text, s->in->values[i]))
			field_set(&s->fields[i], s->in->values[i]);
		cd_secret_free(&text);
	}
	if (f->type == CD_FIELD_IDNO && s->in->values[i] && !s->in->reasons[i] &&
	    has_dependents(s->in->item, f->key) &&
	    (!s->looked[i] || strcmp(s->looked[i], s->in->values[i])))
		registry_fill(t, s, i);
}

static long order_pos(const struct intake_ui *s, size_t i)
{
	for (size_t k = 0; k < s->norder; k++)
		if (s->order[k] == i)
			return (long)k;
	return -1;
}

/* The applicable field dir steps from the focus, or -1 at the end. */
static long step(const struct intake_ui *s, int dir)
{
	long k = order_pos(s, s->focus);

	for (k += dir; k >= 0 && k < (long)s->norder; k += dir)
		if (cd_intake_field_applies(s->in, s->order[k]))
			return (long)s->order[k];
	return -1;
}

/* Leaves the focused field and goes dir fields on; false at the end. */
static bool move_focus(struct tui *t, struct intake_ui *s, int dir, int times)
{
	long to = -1;

	form_leave_field(t, s);
	for (int n = 0; n < times; n++) {
		long next = step(s, dir);
		if (next < 0)
			break;
		to = next;
		s->focus = (size_t)next;
	}
	intake_field_left(t, s);
	return to >= 0;
}

/* After a choice changed the conditions, the focus may sit on a field
 * that is no longer shown: take the nearest shown one before it. */
static void keep_focus_shown(struct intake_ui *s)
{
	long k;

	if (cd_intake_field_applies(s->in, s->focus))
		return;
	k = step(s, -1);
	if (k < 0)
		k = step(s, +1);
	if (k >= 0)
		s->focus = (size_t)k;
}

bool form_focus_first_problem(struct intake_ui *s, bool empty_too)
{
	for (size_t k = 0; k < s->norder; k++) {
		size_t i = s->order[k];

		if (!cd_intake_field_applies(s->in, i))
			continue;
		if (s->in->reasons[i] || (empty_too && field_of(s, i)->required && !s->in->values[i])) {
			s->focus = i;
			s->typing = false;
			return true;
		}
	}
	return false;
}

bool form_text_focus(const struct intake_ui *s)
{
	return s->fields && s->focus < s->in->item->nfields &&
	       field_of(s, s->focus)->type != CD_FIELD_ENUM;
}

/* ---- choices ---- */

static long choice_index(const struct cd_item_field *f, const char *v)
{
	for (size_t c = 0; v && c < f->choices.n; c++)
		if (!strcmp(f->choices.v[c], v))
			return (long)c;
	return -1;
}

static void choose(struct intake_ui *s, size_t i, long c)
{
	const struct cd_item_field *f = field_of(s, i);

	if (c < 0 || (size_t)c >= f->choices.n)
		return;
	cd_intake_set(s->in, f->key, f->choices.v[c]);
	field_set(&s->fields[i], f->choices.v[c]);
	s->prefilled[i] = false;
	intake_changed(s);
	keep_focus_shown(s);
}

static enum screen_result choice_key(struct intake_ui *s, enum action a, const struct key *k)
{
	size_t i = s->focus;
	const struct cd_item_field *f = field_of(s, i);
	long n = (long)f->choices.n, c = choice_index(f, s->in->values[i]);
	wchar_t ch;

	if (!n)
		return SCR_PASS;
	switch (a) {
	case ACT_RIGHT:
	case ACT_TOGGLE:
		choose(s, i, c < 0 ? 0 : (c + 1) % n);
		return SCR_DONE;
	case ACT_LEFT:
		choose(s, i, c < 0 ? n - 1 : (c + n - 1) % n);
		return SCR_DONE;
	case ACT_CLEAR:
	case ACT_DEL_BACK:
	case ACT_DEL_FWD:
		cd_intake_set(s->in, f->key, "");
		field_clear(&s->fields[i]);
		intake_changed(s);
		keep_focus_shown(s);
		return SCR_DONE;
	case ACT_NONE:
		ch = keys_char(k);
		if (ch >= L'1' && ch <= L'9' && ch - L'1' < n) {
			choose(s, i, ch - L'1');
			return SCR_DONE;
		}
		return ch ? SCR_DONE : SCR_PASS;
	default:
		return SCR_PASS;
	}
}

/* ---- keys ---- */

static bool is_edit(enum action a)
{
	return a == ACT_NONE || a == ACT_DEL_BACK || a == ACT_DEL_FWD || a == ACT_CLEAR;
}

enum screen_result form_key(struct tui *t, struct intake_ui *s, enum action a, const struct key *k)
{
	int page = s->page_rows > 4 ? s->page_rows / 2 : 2;

	if (!s->fields || !s->norder)
		return SCR_PASS;
	switch (a) {
	case ACT_NEXT:
	case ACT_SUBMIT:
		/* On the last field, Tab and Enter go on to the materials. */
		if (!move_focus(t, s, +1, 1))
			intake_open_materials(t, s);
		return SCR_DONE;
	case ACT_DOWN:
		move_focus(t, s, +1, 1);
		return SCR_DONE;
	case ACT_PREV:
	case ACT_UP:
		move_focus(t, s, -1, 1);
		return SCR_DONE;
	case ACT_PAGE_DOWN:
		move_focus(t, s, +1, page);
		return SCR_DONE;
	case ACT_PAGE_UP:
		move_focus(t, s, -1, page);
		return SCR_DONE;
	default:
		break;
	}
	if (field_of(s, s->focus)->type == CD_FIELD_ENUM)
		return choice_key(s, a, k);
	if (field_key(&s->fields[s->focus], a, k)) {
		if (is_edit(a)) {
			s->typing = true;
			s->prefilled[s->focus] = false;
			intake_changed(s);
		}
		return SCR_DONE;
	}
	return SCR_PASS;
}

/* ---- drawing ---- */

static const char *group_label(const struct cd_item *it, const char *key)
{
	for (size_t g = 0; key && g < it->ngroups; g++)
		if (!strcmp(it->groups[g].key, key))
			return i18n_is_chinese() || !it->groups[g].label_en ? it->groups[g].label_zh
									 : it->groups[g].label_en;
	return NULL;
}

static bool reason_shown(const struct intake_ui *s, size_t i)
{
	return s->in->reasons[i] && !(i == s->focus && s->typing);
}

/* The form as lines; returns how many (lines has room for 3 per field + 2 per group). */
static size_t build_lines(const struct intake_ui *s, struct line *lines)
{
	const struct cd_item *it = s->in->item;
	const char *group = NULL;
	bool first = true;
	size_t n = 0;

	for (size_t k = 0; k < s->norder; k++) {
		size_t i = s->order[k];
		const struct cd_item_field *f = &it->fields[i];

		if (!cd_intake_field_applies(s->in, i))
			continue;
		if (first || (f->group ? !group || strcmp(group, f->group) : group != NULL)) {
			const char *label = group_label(it, f->group);

			if (!first)
				lines[n++] = (struct line){ .kind = LINE_BLANK };
			if (label)
				lines[n++] = (struct line){ .kind = LINE_HEADING, .text = label };
			group = f->group;
			first = false;
		}
		lines[n++] = (struct line){ .kind = LINE_FIELD, .idx = i };
		if (reason_shown(s, i))
			lines[n++] = (struct line){ .kind = LINE_REASON, .idx = i };
	}
	return n;
}

static void draw_choices(WINDOW *w, int y, int x, int cols, const struct cd_item_field *f,
			 const char *value, bool focus)
{
	long c = choice_index(f, value);
	int total = 0, used = 0;
	char buf[256];

	for (size_t k = 0; k < f->choices.n; k++)
		total += draw_width(f->choices.v[k]) + 6;
	if (total <= cols + 2) {
		/* (*) 男  ( ) 女 */
		for (size_t k = 0; k < f->choices.n && used < cols; k++) {
			bool on = (long)k == c;

			wattrset(w, on ? A_BOLD : A_NORMAL);
			used += draw_text(w, y, x + used, cols - used, on ? "(*) " : "( ) ");
			if (on && focus)
				wattrset(w, draw_attr(ROLE_SELECTED));
			used += draw_text(w, y, x + used, cols - used, f->choices.v[k]);
			wattrset(w, A_NORMAL);
			used += draw_text(w, y, x + used, cols - used, "  ");
		}
		return;
	}
	/* Too many to show at once: < 中国银行 >  3/5 */
	wattrset(w, focus ? draw_attr(ROLE_SELECTED) : A_BOLD);
	snprintf(buf, sizeof(buf), "< %s >", c >= 0 ? f->choices.v[c] : "    ");
	used = draw_text(w, y, x, cols, buf);
	wattrset(w, draw_attr(ROLE_DIM));
	if (c >= 0)
		snprintf(buf, sizeof(buf), "  %ld/%zu", c + 1, f->choices.n);
	else
		snprintf(buf, sizeof(buf), "  %zu", f->choices.n);
	draw_text(w, y, x + used, cols - used, buf);
	wattrset(w, A_NORMAL);
}

void form_draw(struct tui *t, struct intake_ui *s, WINDOW *w, int y0, int h)
{
	const struct cd_item *it = s->in->item;
	int wd = getmaxx(w), lw = 0, ix, iw, focus_line = -1;
	size_t nlines;
	struct line *lines;
	const char *mark = strcmp(draw_dot(), " - ") ? "\xe2\x9c\x97 " : "! "; /* ✗ */

	if (h <= 0 || !s->fields)
		return;
	lines = xcalloc(it->nfields * 3 + it->ngroups * 2 + 4, sizeof(*lines));
	nlines = build_lines(s, lines);
	for (size_t k = 0; k < s->norder; k++) {
		const struct cd_item_field *f = &it->fields[s->order[k]];
		int lwk = draw_width(intake_label(f)) + (f->required ? 2 : 0);

		if (cd_intake_field_applies(s->in, s->order[k]) && lwk > lw)
			lw = lwk;
	}
	if (lw > (wd - 6) * 2 / 5)
		lw = (wd - 6) * 2 / 5;
	ix = 4 + lw + 2;
	/* Room after the field for its tag (looked up, or the error mark). */
	iw = wd - ix - 12;
	if (iw > 50)
		iw = 50;
	if (iw < 16)
		iw = 16;

	/* Keep the focused field, its heading and its reason in view. */
	for (size_t l = 0; l < nlines; l++)
		if (lines[l].kind == LINE_FIELD && lines[l].idx == s->focus)
			focus_line = (int)l;
	if (focus_line >= 0) {
		int want_top = focus_line, want_bottom = focus_line;

		if (focus_line > 0 && lines[focus_line - 1].kind == LINE_HEADING)
			want_top = focus_line - 1;
		if ((size_t)focus_line + 1 < nlines && lines[focus_line + 1].kind == LINE_REASON)
			want_bottom = focus_line + 1;
		if (want_top < s->top)
			s->top = want_top;
		if (want_bottom >= s->top + h)
			s->top = want_bottom - h + 1;
	}
	if (s->top > (int)nlines - h)
		s->top = (int)nlines - h;
	if (s->top < 0)
		s->top = 0;
	s->page_rows = h;

	for (int r = 0; r < h && s->top + r < (int)nlines; r++) {
		const struct line *ln = &lines[s->top + r];
		int y = y0 + r;

		switch (ln->kind) {
		case LINE_BLANK:
			break;
		case LINE_HEADING:
			wattrset(w, draw_attr(ROLE_HEADING));
			draw_text(w, y, 2, wd - 4, ln->text);
			wattrset(w, A_NORMAL);
			break;
		case LINE_FIELD: {
			const struct cd_item_field *f = &it->fields[ln->idx];
			bool focus = ln->idx == s->focus;
			int used, tag_x = ix + iw + 2;

			if (focus) {
				wattrset(w, A_BOLD);
				draw_text(w, y, 2, 2, ">");
			}
			wattrset(w, focus ? A_BOLD : A_NORMAL);
			used = draw_text(w, y, 4, lw - (f->required ? 2 : 0), intake_label(f));
			if (f->required)
				draw_text(w, y, 4 + used + 1, 1, "*");
			wattrset(w, A_NORMAL);
			if (f->type == CD_FIELD_ENUM) {
				draw_choices(w, y, ix, iw, f, s->in->values[ln->idx], focus);
				if (focus)
					tui_cursor(t, y, ix);
			} else {
				int cur = field_draw(&s->fields[ln->idx], w, y, ix, iw, focus);

				if (field_empty(&s->fields[ln->idx]) && f->type == CD_FIELD_DATE) {
					wattrset(w, draw_attr(ROLE_FIELD) | draw_attr(ROLE_DIM));
					draw_text(w, y, ix + (focus ? 1 : 0), iw - 1, _("YYYY-MM-DD"));
					wattrset(w, A_NORMAL);
				}
				if (focus)
					tui_cursor(t, y, ix + cur);
			}
			if (s->prefilled[ln->idx] && tag_x + 4 <= wd) {
				wattrset(w, draw_attr(ROLE_DIM));
				draw_text(w, y, tag_x, wd - tag_x - 1, _("looked up"));
				wattrset(w, A_NORMAL);
			} else if (s->in->reasons[ln->idx] && reason_shown(s, ln->idx) && tag_x + 2 <= wd) {
				wattrset(w, draw_attr(ROLE_ERROR));
				draw_text(w, y, tag_x, 2, mark);
				wattrset(w, A_NORMAL);
			}
			break;
		}
		case LINE_REASON:
			wattrset(w, draw_attr(ROLE_ERROR));
			draw_text(w, y, ix, wd - ix - 1, s->in->reasons[ln->idx]);
			wattrset(w, A_NORMAL);
			break;
		}
	}
	/* More above or below. */
	wattrset(w, draw_attr(ROLE_DIM));
	if (s->top > 0)
		draw_text(w, y0, wd - 2, 1, "^");
	if (s->top + h < (int)nlines)
		draw_text(w, y0 + h - 1, wd - 2, 1, "v");
	wattrset(w, A_NORMAL);
	free(lines);
}
