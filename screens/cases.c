/* Cases: the centre's recent cases, newest first, narrowed as the clerk
 * types (number, item, applicant, date); one case with its fields
 * (personal ones masked, as the database gives them), its materials and
 * the applicant's visits (跑动次数); a later visit that brings a missing
 * material is recorded here, and the receipt can be printed again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "config.h"
#include "draw.h"
#include "i18n.h"
#include "intake.h"
#include "item.h"
#include "mask.h"
#include "picker.h"
#include "receipt.h"
#include "result_paper.h"
#include "review_ui.h"
#include "screen.h"
#include "session.h"
#include "sync.h"
#include "reveal.h"
#include "util.h"
#include "verify.h"

#define LIST_LIMIT 200

enum cases_mode {
	MODE_LIST,
	MODE_ONE,   /* one case */
	MODE_PICK,  /* which missing material was brought */
	MODE_ASK,   /* record it? */
	MODE_RPICK, /* which result was checked by hand */
	MODE_REASON,/* why: the reason for checking by hand */
	MODE_CORR,  /* the correction came back? */
	MODE_HAND,  /* hand the result over? */
	MODE_XPICK, /* which personal value to reveal */
	MODE_PURPOSE,/* why it must be seen in full */
};

struct dline {
	char *text;
	enum draw_role role;
	int indent;
};

struct cases_state {
	enum cases_mode mode;
	struct picker list;
	struct cd_case *v;
	size_t n;
	int built_for;        /* the width the rows were laid out for */
	bool failed;

	struct cd_case one;
	bool have_one;
	struct cd_item *item; /* labels and order of the case's fields */
	struct dline *lines;
	size_t nlines;
	int scroll, page;
	bool stale;           /* a supplement changed the list */

	struct picker pick;
	size_t *pick_mat;     /* picker row -> material of one */
	size_t ask_mat;

	/* Verification against shared data (v), for the open case only. */
	struct cd_verify_results vr;
	bool have_vr;
	char **resolved;      /* per result: the reason once checked by hand */
	struct picker rpick;
	size_t *rpick_res;    /* picker row -> result */
	size_t rres;          /* the result being resolved */
	struct field reason;

	/* Revealing one full personal value (x), for a purpose. */
	struct picker xpick;
	char **xfield;        /* picker row -> field key, "applicant" or "proxy" */
	char **xlabel;        /* picker row -> what the value is */
	size_t nx;
	size_t xsel;
	struct field purpose;

	struct rlines route;  /* the case's steps and timeline (review_ui.h) */
	/* Where the case's data went (one line per department system). */
	struct cd_case_delivery *dl;
	size_t ndl;
};

static struct cd_db *db_of(struct tui *t)
{
	return tui_session(t)->db;
}

static bool zh(void)
{
	return i18n_is_chinese();
}

static const char *status_label(const char *status)
{
	if (!status)
		return "";
	if (!strcmp(status, "accepted"))
		return _("Accepted");
	if (!strcmp(status, "accepted_on_commitment"))
		return _("On commitment");
	return cd_case_status_label(status);
}

/* A name as lists show it: the surname and a star for each other character. */
static char *masked_name(const char *name)
{
	return cd_mask(name ? name : "", 1, 0);
}

/* ---- the list ---- */

static void build_rows(struct cases_state *s, int wd)
{
	bool wide = wd >= 98;
	int item_w = wide ? 20 : 14;

	picker_clear(&s->list);
	for (size_t i = 0; i < s->n; i++) {
		const struct cd_case *c = &s->v[i];
		char row[1024] = "", search[1024], visits[16], *name = masked_name(c->applicant_name);

		picker_col(row, sizeof(row), c->case_no, 23);
		picker_col(row, sizeof(row), c->item_name_zh ? c->item_name_zh : c->item, item_w);
		picker_col(row, sizeof(row), name, 10);
		if (wide)
			picker_col(row, sizeof(row), c->applicant_id_mask, 20);
		picker_col(row, sizeof(row), status_label(c->status), 11);
		picker_col(row, sizeof(row), c->promised_date, 12);
		snprintf(visits, sizeof(visits), "%d", c->visits);
		picker_col(row, sizeof(row), visits, 4);
		snprintf(search, sizeof(search), "%s %s %s %s %s %s", c->case_no, c->item,
			 c->item_name_zh ? c->item_name_zh : "", c->applicant_name ? c->applicant_name : "",
			 c->accepted_at ? c->accepted_at : "", status_label(c->status));
		picker_add(&s->list, row, search, false);
		free(name);
	}
	picker_refresh(&s->list);
	s->built_for = wd;
}

static void load_list(struct tui *t, struct cases_state *s)
{
	struct cd_error err;
	char text[768];
	long keep = picker_selected(&s->list);
	char *keep_no = keep >= 0 && (size_t)keep < s->n ? xstrdup(s->v[keep].case_no) : NULL;

	cd_cases_free(&s->v, s->n);
	s->n = 0;
	cd_error_clear(&err);
	s->failed = cd_case_list(db_of(t), NULL, LIST_LIMIT, false, &s->v, &s->n, &err) < 0;
	if (s->failed)
		tui_message(t, MSG_ERROR, _("The cases could not be read: %s"),
			    cd_error_text(&err, text, sizeof(text)));
	build_rows(s, s->built_for > 0 ? s->built_for : COLS);
	for (size_t i = 0; keep_no && i < s->n; i++)
		if (!strcmp(s->v[i].case_no, keep_no))
			picker_select(&s->list, i);
	free(keep_no);
	s->stale = false;
}

static void draw_list(struct tui *t, struct cases_state *s, WINDOW *w)
{
	int h = getmaxy(w), wd = getmaxx(w);
	bool wide = wd - 2 >= 98;
	char head[512] = "";

	if (s->built_for != wd - 2)
		build_rows(s, wd - 2);
	picker_draw(&s->list, t, w, 0, 1, h - 1, wd - 2, _("Find (number, item, applicant, date):"),
		    s->failed ? _("The list could not be read; Esc and open Cases again.")
			      : s->n ? _("No case matches; Backspace widens the search.")
				     : _("No cases yet."),
		    s->mode == MODE_LIST);
	picker_col(head, sizeof(head), _("Case number"), 23);
	picker_col(head, sizeof(head), _("Service item"), wide ? 20 : 14);
	picker_col(head, sizeof(head), _("Applicant"), wide ? 30 : 10);
	picker_col(head, sizeof(head), _("Status"), 11);
	picker_col(head, sizeof(head), _("Promised"), 12);
	picker_col(head, sizeof(head), _("Visits"), 6);
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_text(w, 1, 2, wd - 3, head);
	wattrset(w, A_NORMAL);
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, h - 1, 1, wd - 2, _("Type to find   Up/Down: choose   Enter: open the case   Esc: back"));
	wattrset(w, A_NORMAL);
}

/* ---- one case ---- */

static void lines_free(struct cases_state *s)
{
	for (size_t i = 0; i < s->nlines; i++)
		free(s->lines[i].text);
	free(s->lines);
	s->lines = NULL;
	s->nlines = 0;
}

static void add_line(struct cases_state *s, enum draw_role role, int indent, const char *text)
{
	s->lines = xrealloc(s->lines, (s->nlines + 1) * sizeof(*s->lines));
	s->lines[s->nlines++] = (struct dline){ xstrdup(text ? text : ""), role, indent };
}

static void add_pair(struct cases_state *s, const char *label, const char *value)
{
	char row[1024] = "";

	picker_col(row, sizeof(row), label, 26);
	snprintf(row + strlen(row), sizeof(row) - strlen(row), " %s", value ? value : "");
	add_line(s, ROLE_NORMAL, 4, row);
}

static const char *value_of(const struct cd_case *c, const char *key)
{
	for (size_t i = 0; i < c->nfields; i++)
		if (!strcmp(c->fields[i].key, key))
			return c->fields[i].value;
	return NULL;
}

static const char *json_str(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

static bool group_known(const struct cd_item *it, const char *key)
{
	for (size_t g = 0; key && g < it->ngroups; g++)
		if (!strcmp(it->groups[g].key, key))
			return true;
	return false;
}

/* ---- verification against shared data ---- */

static const char *material_name(const struct cases_state *s, const char *code)
{
	const struct cd_item_material *im = s->item && code ? cd_item_find_material(s->item, code) : NULL;

	if (im)
		return zh() || !im->name_en ? im->name_zh : im->name_en;
	for (size_t i = 0; code && i < s->one.nmaterials; i++)
		if (!strcmp(s->one.materials[i].code, code) && s->one.materials[i].name_zh)
			return s->one.materials[i].name_zh;
	return code ? code : "";
}

static bool resolvable(const struct cases_state *s, size_t i)
{
	const char *o = s->vr.v[i].outcome;

	return o && (!strcmp(o, "mismatched") || !strcmp(o, "not_found")) && !s->resolved[i];
}

/* "father_idno.name": the label of the form field and a word for what
 * differs; never a value. */
static void differing_text(const struct cases_state *s, const char *d, char *buf, size_t len)
{
	const char *dot = strrchr(d, '.'), *what = dot ? dot + 1 : d, *word = what;
	char subject[128] = "";

	if (dot && (size_t)(dot - d) < sizeof(subject)) {
		memcpy(subject, d, (size_t)(dot - d));
		subject[dot - d] = '\0';
		for (size_t i = 0; s->item && i < s->item->nfields; i++)
			if (!strcmp(s->item->fields[i].key, subject)) {
				const struct cd_item_field *f = &s->item->fields[i];

				snprintf(subject, sizeof(subject), "%s",
					 zh() || !f->label_en ? f->label_zh : f->label_en);
				break;
			}
	}
	if (!strcmp(what, "name"))
		word = _("name");
	else if (!strcmp(what, "status"))
		word = _("status");
	else if (!strcmp(what, "legal_rep_id"))
		word = _("legal representative");
	if (subject[0])
		snprintf(buf, len, "%s%s%s", subject, draw_dot(), word);
	else
		snprintf(buf, len, "%s", word);
}

static void add_verify_lines(struct cases_state *s)
{
	char row[1024], buf[512];

	if (!s->have_vr)
		return;
	add_line(s, ROLE_NORMAL, 0, "");
	add_line(s, ROLE_HEADING, 2, _("Verified against shared data"));
	if (!s->vr.n)
		add_line(s, ROLE_DIM, 4, _("Nothing on this case can be verified against shared data."));
	for (size_t i = 0; i < s->vr.n; i++) {
		const struct cd_verify_result *v = &s->vr.v[i];
		const char *o = v->outcome ? v->outcome : "";
		enum draw_role role = !strcmp(o, "matched") ? ROLE_OK : ROLE_ERROR;

		row[0] = '\0';
		picker_col(row, sizeof(row), material_name(s, v->material), 30);
		if (s->resolved[i]) {
			snprintf(row + strlen(row), sizeof(row) - strlen(row), "%s%s%s",
				 cd_verify_result_word(v), draw_dot(), _("Original checked by hand"));
			role = ROLE_NORMAL;
		} else {
			snprintf(row + strlen(row), sizeof(row) - strlen(row), "%s", cd_verify_result_word(v));
		}
		add_line(s, role, 4, row);
		if (!strcmp(o, "mismatched") && v->ndiffering) {
			snprintf(row, sizeof(row), "%s", _("Differs in:"));
			for (size_t k = 0; k < v->ndiffering; k++) {
				differing_text(s, v->differing[k], buf, sizeof(buf));
				snprintf(row + strlen(row), sizeof(row) - strlen(row), "%s%s",
					 k ? ", " : " ", buf);
			}
			snprintf(row + strlen(row), sizeof(row) - strlen(row), " %s", _("(values not shown)"));
			add_line(s, ROLE_NORMAL, 6, row);
		} else if (!strcmp(o, "unavailable")) {
			add_line(s, ROLE_NORMAL, 6, _("The case stays accepted; press v to verify it later."));
		} else if (v->detail && strcmp(o, "matched")) {
			add_line(s, ROLE_DIM, 6, cd_verify_detail_text(v->detail));
		}
		if (s->resolved[i]) {
			snprintf(row, sizeof(row), _("Reason: %s"), s->resolved[i]);
			add_line(s, ROLE_DIM, 6, row);
		}
	}
}

static void verify_clear(struct cases_state *s)
{
	for (size_t i = 0; s->resolved && i < s->vr.n; i++)
		free(s->resolved[i]);
	free(s->resolved);
	s->resolved = NULL;
	cd_verify_results_clear(&s->vr);
	s->have_vr = false;
}

static void add_delivery_lines(struct cases_state *s)
{
	char row[1024], what[512], when[32];

	if (!s->ndl)
		return;
	add_line(s, ROLE_NORMAL, 0, "");
	add_line(s, ROLE_HEADING, 2, _("Department systems"));
	for (size_t i = 0; i < s->ndl; i++) {
		const struct cd_case_delivery *d = &s->dl[i];
		enum draw_role role = ROLE_NORMAL;
		struct tm lt;

		if (d->dead) {
			snprintf(what, sizeof(what), _("not delivered, parked: %s"), d->last_error);
			role = ROLE_ERROR;
		} else if (d->delivered == d->events) {
			localtime_r(&d->last_delivered_at, &lt);
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &lt);
			snprintf(what, sizeof(what), _("delivered %s"), d->last_delivered_at ? when : "");
		} else if (d->last_error[0]) {
			snprintf(what, sizeof(what), _("waiting, failing: %s"), d->last_error);
			role = ROLE_ERROR;
		} else {
			snprintf(what, sizeof(what), "%s", _("waiting to be delivered"));
		}
		snprintf(row, sizeof(row), "%s (%s)", d->target, d->departments);
		row[sizeof(row) - 1] = '\0';
		{
			char line[1536] = "";
			picker_col(line, sizeof(line), row, 30);
			picker_col(line, sizeof(line), what, 200);
			add_line(s, role, 4, line);
		}
	}
}

static void build_lines(struct cases_state *s)
{
	const struct cd_case *c = &s->one;
	char buf[1024];

	lines_free(s);
	snprintf(buf, sizeof(buf), "%s%s%s", c->case_no, draw_dot(),
		 s->item ? (zh() || !s->item->name_en ? s->item->name_zh : s->item->name_en)
			 : c->item_name_zh ? c->item_name_zh : c->item);
	add_line(s, ROLE_HEADING, 2, buf);
	add_pair(s, _("Status"), status_label(c->status));
	snprintf(buf, sizeof(buf), "%s  %s", c->applicant_name ? c->applicant_name : "",
		 c->applicant_id_mask ? c->applicant_id_mask : "");
	add_pair(s, _("Applicant"), buf);
	if (c->proxy_json) {
		json_t *p = json_loads(c->proxy_json, 0, NULL);

		if (json_is_object(p)) {
			snprintf(buf, sizeof(buf), "%s (%s)  %s  %s", json_str(p, "name"),
				 json_str(p, "relation"), json_str(p, "id_mask"),
				 json_str(p, "authorisation"));
			add_pair(s, _("Proxy"), buf);
		}
		json_decref(p);
	}
	if (c->window_no > 0)
		snprintf(buf, sizeof(buf), _("%s by %s at window %d"), c->accepted_at ? c->accepted_at : "",
			 c->accepted_by ? c->accepted_by : "", c->window_no);
	else
		snprintf(buf, sizeof(buf), _("%s by %s"), c->accepted_at ? c->accepted_at : "",
			 c->accepted_by ? c->accepted_by : "");
	add_pair(s, _("Accepted"), buf);
	add_pair(s, _("Promised completion date"), c->promised_date);
	if (c->commitment_due)
		add_pair(s, _("Materials due by"), c->commitment_due);
	snprintf(buf, sizeof(buf), "%d", c->visits);
	add_pair(s, _("Visits"), buf);
	/* Where the case is comes first: it is what the applicant asks. */
	for (size_t i = 0; i < s->route.n; i++)
		add_line(s, s->route.v[i].role, s->route.v[i].indent, s->route.v[i].text);

	add_line(s, ROLE_NORMAL, 0, "");
	add_line(s, ROLE_HEADING, 2, _("The form"));
	if (s->item) {
		for (size_t g = 0; g <= s->item->ngroups; g++) {
			bool heading = false;

			for (size_t i = 0; i < s->item->nfields; i++) {
				const struct cd_item_field *f = &s->item->fields[i];
				const char *v = value_of(c, f->key);
				bool in_group = g < s->item->ngroups
					? f->group && !strcmp(f->group, s->item->groups[g].key)
					: !group_known(s->item, f->group);

				if (!in_group || !v)
					continue;
				if (!heading && g < s->item->ngroups) {
					add_line(s, ROLE_DIM, 3, zh() || !s->item->groups[g].label_en
						 ? s->item->groups[g].label_zh : s->item->groups[g].label_en);
					heading = true;
				}
				add_pair(s, zh() || !f->label_en ? f->label_zh : f->label_en, v);
			}
		}
	} else {
		for (size_t i = 0; i < c->nfields; i++)
			add_pair(s, c->fields[i].key, c->fields[i].value);
	}

	add_line(s, ROLE_NORMAL, 0, "");
	add_line(s, ROLE_HEADING, 2, _("Materials"));
	for (size_t i = 0; i < c->nmaterials; i++) {
		const struct cd_case_material *m = &c->materials[i];
		const struct cd_item_material *im = s->item ? cd_item_find_material(s->item, m->code) : NULL;
		const char *name = im ? (zh() || !im->name_en ? im->name_zh : im->name_en)
				      : m->name_zh ? m->name_zh : m->code;
		char row[1024] = "";

		picker_col(row, sizeof(row), cd_material_status_word(m->status), 14);
		picker_col(row, sizeof(row), name, 34);
		picker_col(row, sizeof(row), m->is_key ? _("key") : "", 8);
		add_line(s, m->status && !strcmp(m->status, "missing") ? ROLE_ERROR : ROLE_NORMAL, 4, row);
	}
	add_delivery_lines(s);
	add_verify_lines(s);
}

/* The steps with their lights and the timeline: two statements when the
 * case is opened. Before routing exists for a case both are empty. */
static void load_route(struct tui *t, struct cases_state *s)
{
	struct cd_task *tasks = NULL;
	struct cd_case_event *ev = NULL;
	size_t nt = 0, ne = 0;
	struct cd_error err;
	char text[768];

	rlines_free(&s->route);
	cd_error_clear(&err);
	if (cd_case_tasks(db_of(t), s->one.case_no, &tasks, &nt, &err) < 0 ||
	    cd_case_timeline(db_of(t), s->one.case_no, &ev, &ne, &err) < 0)
		tui_message(t, MSG_ERROR, _("The steps and timeline could not be read: %s"),
			    cd_error_text(&err, text, sizeof(text)));
	route_lines(&s->route, tasks, nt, ev, ne, COLS);
	free(tasks);
	free(ev);
}

static bool load_one(struct tui *t, struct cases_state *s, const char *case_no)
{
	struct cd_error err;
	char text[768], *no = xstrdup(case_no);
	struct cd_case c;

	cd_error_clear(&err);
	if (cd_case_get(db_of(t), no, &c, &err) < 0) {
		tui_message(t, MSG_ERROR, _("The case could not be read: %s"),
			    cd_error_text(&err, text, sizeof(text)));
		free(no);
		return false;
	}
	free(no);
	if (s->have_one)
		cd_case_clear(&s->one);
	s->one = c;
	s->have_one = true;
	/* Opening a case shows what was verified and checked by hand before. */
	if (!s->have_vr && cd_case_verifications(db_of(t), c.case_no, &s->vr, &s->resolved, &err) == 0)
		s->have_vr = s->vr.n > 0;
	if (!s->have_vr)
		verify_clear(s);
	load_route(t, s);
	free(s->dl);
	s->dl = NULL;
	s->ndl = 0;
	if (cd_case_deliveries(db_of(t), c.case_no, &s->dl, &s->ndl, &err) < 0)
		s->ndl = 0; /* an older database without the outbox: nothing to show */
	if (!s->item || strcmp(s->item->code, c.item) || s->item->version != c.item_version) {
		cd_item_free(&s->item);
		/* Without the definition the fields show by key: still readable. */
		if (cd_item_fetch(db_of(t), c.item, c.item_version, &s->item, &err) < 0)
			s->item = NULL;
	}
	build_lines(s);
	return true;
}

static void draw_one(struct tui *t, struct cases_state *s, WINDOW *w)
{
	int h = getmaxy(w), wd = getmaxx(w), rows = h - 1;

	(void)t;
	s->page = rows;
	if (s->scroll > (int)s->nlines - rows)
		s->scroll = (int)s->nlines - rows;
	if (s->scroll < 0)
		s->scroll = 0;
	for (int r = 0; r < rows && s->scroll + r < (int)s->nlines; r++) {
		const struct dline *l = &s->lines[s->scroll + r];

		wattrset(w, draw_attr(l->role));
		draw_text(w, r, l->indent, wd - l->indent - 1, l->text);
		wattrset(w, A_NORMAL);
	}
	wattrset(w, draw_attr(ROLE_DIM));
	if (s->scroll > 0)
		draw_text(w, 0, wd - 2, 1, "^");
	if (s->scroll + rows < (int)s->nlines)
		draw_text(w, rows - 1, wd - 2, 1, "v");
	draw_text(w, h - 1, 1, wd - 2, _("s: brought  p: print  v: verify  h: by hand  Up/Down: scroll  Esc: back"));
	wattrset(w, A_NORMAL);
}

/* ---- a later visit ---- */

static void start_supplement(struct tui *t, struct cases_state *s)
{
	const struct cd_case *c = &s->one;
	size_t n = 0;

	picker_clear(&s->pick);
	free(s->pick_mat);
	s->pick_mat = xcalloc(c->nmaterials + 1, sizeof(*s->pick_mat));
	for (size_t i = 0; i < c->nmaterials; i++) {
		const struct cd_case_material *m = &c->materials[i];
		const struct cd_item_material *im = s->item ? cd_item_find_material(s->item, m->code) : NULL;
		char row[512] = "";

		if (!m->status || strcmp(m->status, "missing"))
			continue;
		picker_col(row, sizeof(row), im ? (zh() || !im->name_en ? im->name_zh : im->name_en)
						: m->name_zh ? m->name_zh : m->code, 40);
		picker_col(row, sizeof(row), m->is_key ? _("key") : "", 6);
		picker_add(&s->pick, row, NULL, false);
		s->pick_mat[n++] = i;
	}
	picker_refresh(&s->pick);
	if (!n) {
		tui_message(t, MSG_INFO, "%s", _("Nothing is outstanding for this case."));
		return;
	}
	s->mode = MODE_PICK;
}

static void record_supplement(struct tui *t, struct cases_state *s)
{
	const struct cd_case_material *m = &s->one.materials[s->ask_mat];
	struct cd_supplement_result res;
	struct cd_error err;
	char text[768], *no = xstrdup(s->one.case_no);

	s->mode = MODE_ONE;
	cd_error_clear(&err);
	if (cd_case_supplement(db_of(t), no, m->code, &res, &err) < 0) {
		tui_message(t, MSG_ERROR, _("Not recorded: %s"), cd_error_text(&err, text, sizeof(text)));
		free(no);
		return;
	}
	s->stale = true;
	load_one(t, s, no);
	free(no);
	tui_message(t, MSG_OK,
		    ngettext("Recorded: visit %d; %d material still missing.",
			     "Recorded: visit %d; %d materials still missing.", res.outstanding),
		    res.visits, res.outstanding);
}

/* ---- routing: the correction came back, the result handed over ---- */

static bool case_is(const struct cases_state *s, const char *status)
{
	return s->one.status && !strcmp(s->one.status, status);
}

static void start_corrected(struct tui *t, struct cases_state *s)
{
	if (!case_is(s, "in_correction"))
		tui_message(t, MSG_INFO, "%s", _("No step of this case waits for a correction."));
	else
		s->mode = MODE_CORR;
}

static void record_corrected(struct tui *t, struct cases_state *s)
{
	struct cd_error err;
	char text[768], *no = xstrdup(s->one.case_no);
	int resumed = 0, visits = 0;

	s->mode = MODE_ONE;
	cd_error_clear(&err);
	if (cd_case_correction_received(db_of(t), no, NULL, &resumed, &visits, &err) < 0) {
		tui_message(t, MSG_ERROR, _("Not recorded: %s"), cd_error_text(&err, text, sizeof(text)));
		free(no);
		return;
	}
	s->stale = true;
	load_one(t, s, no);
	free(no);
	tui_message(t, MSG_OK, ngettext("Recorded: visit %d; %d step runs again.",
					"Recorded: visit %d; %d steps run again.", resumed),
		    visits, resumed);
}

static void start_handover(struct tui *t, struct cases_state *s)
{
	if (case_is(s, "handed_over"))
		tui_message(t, MSG_INFO, "%s", _("The result of this case was handed over already."));
	else if (!case_is(s, "complete") && !case_is(s, "rejected"))
		tui_message(t, MSG_INFO, "%s", _("The case is not finished yet: its result cannot be handed over."));
	else
		s->mode = MODE_HAND;
}

/* The result paper (办结通知书 / 不予许可决定书) printed or saved; what
 * became of it, or why not, in msg. */
static int emit_result_paper(struct tui *t, const char *case_no, const struct cd_handover *h,
			     char *msg, size_t msglen)
{
	const struct cd_config *cfg = tui_config(t);
	const struct cd_identity *who = tui_who(t);
	struct cd_error err;
	char name[96], *paper = NULL, *saved = NULL;
	int rc;

	cd_error_clear(&err);
	snprintf(name, sizeof(name), "result-%s", case_no);
	rc = cd_result_paper_fetch(db_of(t), case_no, h, cfg && cfg->centre_name ? cfg->centre_name : "",
				   who->full_name[0] ? who->full_name : who->login, who->window_no,
				   &paper, &err);
	if (rc == 0)
		rc = cd_receipt_emit(cfg, paper, name, &saved, &err);
	if (rc < 0)
		cd_error_text(&err, msg, (unsigned)msglen);
	else if (saved)
		snprintf(msg, msglen, _("Result paper saved as %s"), saved);
	else
		snprintf(msg, msglen, "%s", _("Result paper sent to the printer."));
	free(paper);
	free(saved);
	return rc;
}

static void record_handover(struct tui *t, struct cases_state *s)
{
	struct cd_handover h;
	struct cd_error err;
	char text[768], *no = xstrdup(s->one.case_no);

	s->mode = MODE_ONE;
	cd_error_clear(&err);
	if (cd_case_handover(db_of(t), no, &h, &err) < 0) {
		tui_message(t, MSG_ERROR, _("Not handed over: %s"), cd_error_text(&err, text, sizeof(text)));
		free(no);
		return;
	}
	s->stale = true;
	load_one(t, s, no);
	/* The handover is recorded; now the paper that goes with the result. */
	if (emit_result_paper(t, no, &h, text, sizeof(text)) < 0) {
		tui_message(t, MSG_ERROR, _("Handed over, but the result paper was not printed: %s"), text);
		free(no);
		return;
	}
	free(no);
	if (h.on_time)
		tui_message(t, MSG_OK, _("Handed over: completed %s, promised %s, on time. %s"), h.completed_on,
			    h.promised_date, text);
	else
		tui_message(t, MSG_ERROR, _("Handed over: completed %s, promised %s, late. %s"), h.completed_on,
			    h.promised_date, text);
}

/* A list of materials to choose one from, in a box in the middle. */
static void draw_material_box(struct tui *t, struct picker *p, WINDOW *w, const char *title)
{
	int h = getmaxy(w), wd = getmaxx(w), bw = wd - 8 < 64 ? wd - 8 : 64;
	int bh = (int)p->nshown + 4, by, bx = (wd - bw) / 2;

	if (bh > h - 2)
		bh = h - 2;
	by = (h - bh) / 2;
	draw_box(w, by, bx, bh, bw, title);
	picker_draw(p, t, w, by + 1, bx + 2, bh - 3, bw - 4, NULL, NULL, false);
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, by + bh - 2, bx + 3, bw - 6, _("Enter: this one   Esc: cancel"));
	wattrset(w, A_NORMAL);
}

static void draw_pick(struct tui *t, struct cases_state *s, WINDOW *w)
{
	draw_material_box(t, &s->pick, w, _("Which missing material was brought?"));
}

/* ---- printing again ---- */

static void print_again(struct tui *t, struct cases_state *s)
{
	const struct cd_case *c = &s->one;
	const struct cd_config *cfg = tui_config(t);
	struct cd_paper_material *waived = xcalloc(c->nmaterials + 1, sizeof(*waived));
	struct cd_receipt r = { 0 };
	struct cd_error err;
	json_t *proxy = c->proxy_json ? json_loads(c->proxy_json, 0, NULL) : NULL;
	char name[96], text[768], *paper, *saved = NULL;

	for (size_t i = 0; i < c->nmaterials; i++)
		if (c->materials[i].status && !strcmp(c->materials[i].status, "missing"))
			waived[r.nwaived++] = (struct cd_paper_material){
				.name = c->materials[i].name_zh ? c->materials[i].name_zh : c->materials[i].code,
				.is_key = c->materials[i].is_key,
			};
	r.centre_name = cfg && cfg->centre_name ? cfg->centre_name : "";
	r.case_no = c->case_no;
	r.item_name = c->item_name_zh ? c->item_name_zh : c->item;
	r.applicant_name = c->applicant_name ? c->applicant_name : "";
	r.applicant_id_mask = c->applicant_id_mask ? c->applicant_id_mask : "";
	if (json_is_object(proxy)) {
		r.proxy_name = json_str(proxy, "name");
		r.proxy_relation = json_str(proxy, "relation");
	}
	r.accepted_at = c->accepted_at ? c->accepted_at : "";
	r.promised_date = c->promised_date ? c->promised_date : "";
	r.commitment_due = r.nwaived ? c->commitment_due : NULL;
	r.waived = waived;
	r.clerk = c->accepted_by ? c->accepted_by : "";
	r.window_no = c->window_no;
	paper = cd_receipt_text(&r);
	json_decref(proxy);
	free(waived);
	snprintf(name, sizeof(name), "receipt-%s", c->case_no);
	cd_error_clear(&err);
	if (!paper)
		tui_message(t, MSG_ERROR, "%s", _("The paper could not be made."));
	else if (cd_receipt_emit(cfg, paper, name, &saved, &err) < 0)
		tui_message(t, MSG_ERROR, _("Not printed: %s (p tries again)"),
			    cd_error_text(&err, text, sizeof(text)));
	else if (saved)
		tui_message(t, MSG_OK, _("Receipt saved as %s"), saved);
	else
		tui_message(t, MSG_OK, _("Receipt sent to the printer (%s)"), cfg->print_command);
	free(saved);
	free(paper);
}

/* ---- verifying, and checking by hand ---- */

static void run_verify(struct tui *t, struct cases_state *s)
{
	struct cd_error err;
	const struct cd_keys *keys;
	char text[768], *no = xstrdup(s->one.case_no);
	size_t matched = 0, open = 0, unavailable = 0;

	cd_error_clear(&err);
	keys = tui_keys(t, &err);
	if (!keys) {
		tui_message(t, MSG_ERROR, _("Not verified: %s"), cd_error_text(&err, text, sizeof(text)));
		free(no);
		return;
	}
	verify_clear(s);
	tui_message(t, MSG_INFO, "%s", _("Verifying against shared data..."));
	tui_flush(t);
	if (cd_case_verify(db_of(t), keys, no, &s->vr, &err) < 0) {
		tui_message(t, MSG_ERROR, _("Not verified: %s"), cd_error_text(&err, text, sizeof(text)));
		free(no);
		build_lines(s);
		return;
	}
	free(no);
	s->have_vr = true;
	s->resolved = xcalloc(s->vr.n + 1, sizeof(*s->resolved));
	for (size_t i = 0; i < s->vr.n; i++) {
		const char *o = s->vr.v[i].outcome ? s->vr.v[i].outcome : "";

		matched += !strcmp(o, "matched");
		unavailable += !strcmp(o, "unavailable");
		open += !strcmp(o, "mismatched") || !strcmp(o, "not_found");
	}
	build_lines(s);
	s->scroll = (int)s->nlines; /* the results are at the end */
	if (!s->vr.n)
		tui_message(t, MSG_INFO, "%s", _("Nothing on this case can be verified against shared data."));
	else if (unavailable)
		tui_message(t, MSG_ERROR, "%s",
			    _("The shared database cannot be reached now. The case stays accepted; press v to verify it later."));
	else if (open)
		tui_message(t, MSG_ERROR, _("%zu of %zu matched; h: record that the original was checked by hand."),
			    matched, s->vr.n);
	else
		tui_message(t, MSG_OK, _("All %zu matched: no paper copies needed."), s->vr.n);
}

/* Closing a box over Chinese text: repaint the whole terminal, since a
 * wide character cut by the box border is not always restored by the
 * update that follows. */
static void box_closed(struct cases_state *s)
{
	s->mode = MODE_ONE;
	clearok(curscr, TRUE);
}

static void ask_reason(struct cases_state *s, size_t i)
{
	clearok(curscr, TRUE);
	s->rres = i;
	field_clear(&s->reason);
	s->mode = MODE_REASON;
}

static void start_resolve(struct tui *t, struct cases_state *s)
{
	size_t n = 0;

	if (!s->have_vr) {
		tui_message(t, MSG_INFO, "%s", _("Verify first (v); then a mismatch or a not-found can be checked by hand."));
		return;
	}
	picker_clear(&s->rpick);
	free(s->rpick_res);
	s->rpick_res = xcalloc(s->vr.n + 1, sizeof(*s->rpick_res));
	for (size_t i = 0; i < s->vr.n; i++) {
		char row[512] = "";

		if (!resolvable(s, i))
			continue;
		picker_col(row, sizeof(row), material_name(s, s->vr.v[i].material), 34);
		picker_col(row, sizeof(row), cd_verify_result_word(&s->vr.v[i]), 16);
		picker_add(&s->rpick, row, NULL, false);
		s->rpick_res[n++] = i;
	}
	picker_refresh(&s->rpick);
	if (!n)
		tui_message(t, MSG_INFO, "%s", _("Nothing to check by hand: only a mismatch or a not-found can be."));
	else if (n == 1)
		ask_reason(s, s->rpick_res[0]);
	else
		s->mode = MODE_RPICK;
}

static void record_resolve(struct tui *t, struct cases_state *s)
{
	struct cd_error err;
	char reason[2048], text[768], *no;
	const char *material = s->vr.v[s->rres].material;

	if (!field_get(&s->reason, reason, sizeof(reason)) || !reason[strspn(reason, " \t")]) {
		tui_message(t, MSG_ERROR, "%s", _("A reason is required: what was checked, and how."));
		return;
	}
	no = xstrdup(s->one.case_no);
	cd_error_clear(&err);
	if (cd_verification_resolve(db_of(t), no, material, reason, &err) < 0) {
		tui_message(t, MSG_ERROR, _("Not recorded: %s"), cd_error_text(&err, text, sizeof(text)));
		free(no);
		return;
	}
	free(no);
	s->resolved[s->rres] = xstrdup(reason);
	box_closed(s);
	build_lines(s);
	s->scroll = (int)s->nlines;
	tui_message(t, MSG_OK, _("Recorded: \"%s\" original checked by hand."), material_name(s, material));
}

static void draw_rpick(struct tui *t, struct cases_state *s, WINDOW *w)
{
	draw_material_box(t, &s->rpick, w, _("Which original was checked by hand?"));
}

static void draw_reason(struct tui *t, struct cases_state *s, WINDOW *w)
{
	int h = getmaxy(w), wd = getmaxx(w), bw = wd - 8 < 70 ? wd - 8 : 70, bh = 8;
	int by = (h - bh) / 2, bx = (wd - bw) / 2, lw, cur;
	const char *label = _("Reason:");
	char q[512];

	draw_box(w, by, bx, bh, bw, _("Original checked by hand"));
	snprintf(q, sizeof(q), _("%s: the original document was checked by hand."),
		 material_name(s, s->vr.v[s->rres].material));
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_wrap(w, by + 1, bx + 3, bw - 6, 2, q, true);
	wattrset(w, A_NORMAL);
	lw = draw_text(w, by + 4, bx + 3, bw - 6, label) + 1;
	cur = field_draw(&s->reason, w, by + 4, bx + 3 + lw, bw - 6 - lw, true);
	tui_cursor(t, by + 4, bx + 3 + lw + cur);
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, by + 6, bx + 3, bw - 6, _("Enter: record it   Esc: cancel"));
	wattrset(w, A_NORMAL);
}

/* ---- revealing a full personal value ---- */

static void xfields_free(struct cases_state *s)
{
	for (size_t i = 0; i < s->nx; i++) {
		free(s->xfield[i]);
		free(s->xlabel[i]);
	}
	free(s->xfield);
	free(s->xlabel);
	s->xfield = s->xlabel = NULL;
	s->nx = 0;
}

static void xadd(struct cases_state *s, const char *key, const char *label, const char *mask)
{
	char row[512] = "";

	picker_col(row, sizeof(row), label, 30);
	picker_col(row, sizeof(row), mask ? mask : "", 30);
	picker_add(&s->xpick, row, NULL, false);
	s->xlabel[s->nx] = xstrdup(label);
	s->xfield[s->nx++] = xstrdup(key);
}

/* The personal values of the case, masked, to choose one from: the
 * applicant's number, the proxy's, and every identity number, phone and
 * address field of the form. */
static void start_reveal(struct tui *t, struct cases_state *s)
{
	picker_clear(&s->xpick);
	xfields_free(s);
	s->xfield = xcalloc(s->one.nfields + 3, sizeof(*s->xfield));
	s->xlabel = xcalloc(s->one.nfields + 3, sizeof(*s->xlabel));
	if (s->one.applicant_id_mask && *s->one.applicant_id_mask)
		xadd(s, "applicant", _("Applicant's identity number"), s->one.applicant_id_mask);
	if (s->one.proxy_json)
		xadd(s, "proxy", _("Proxy's identity number"), NULL);
	for (size_t i = 0; i < s->one.nfields; i++) {
		const struct cd_item_field *f = s->item ? cd_item_find_field(s->item, s->one.fields[i].key) : NULL;

		if (!f || (f->type != CD_FIELD_IDNO && f->type != CD_FIELD_PHONE && f->type != CD_FIELD_ADDRESS))
			continue;
		xadd(s, f->key, zh() || !f->label_en ? f->label_zh : f->label_en, s->one.fields[i].value);
	}
	picker_refresh(&s->xpick);
	if (!s->nx) {
		tui_message(t, MSG_INFO, "%s", _("This case holds no personal value to reveal."));
		return;
	}
	s->mode = MODE_XPICK;
}

static void ask_purpose(struct cases_state *s, size_t row)
{
	clearok(curscr, TRUE);
	s->xsel = row;
	field_clear(&s->purpose);
	s->mode = MODE_PURPOSE;
}

static void record_reveal(struct tui *t, struct cases_state *s)
{
	const struct cd_keys *keys;
	struct cd_error err;
	char purpose[1024], text[768], *clear = NULL;

	if (!field_get(&s->purpose, purpose, sizeof(purpose)) || !purpose[strspn(purpose, " \t")]) {
		tui_message(t, MSG_ERROR, "%s", _("A purpose is required: why the full value must be seen."));
		return;
	}
	cd_error_clear(&err);
	keys = tui_keys(t, &err);
	if (!keys || cd_case_reveal(db_of(t), keys, s->one.case_no, s->xfield[s->xsel], purpose,
				    &clear, &err) < 0) {
		tui_message(t, MSG_ERROR, _("Not revealed: %s"), cd_error_text(&err, text, sizeof(text)));
		return;
	}
	box_closed(s);
	/* Shown in the status line only, never kept on the screen's lines. */
	tui_message(t, MSG_OK, _("%s: %s (recorded in the audit log with your purpose)"),
		    s->xlabel[s->xsel], clear);
	sodium_memzero(clear, strlen(clear));
	free(clear);
}

static void draw_purpose(struct tui *t, struct cases_state *s, WINDOW *w)
{
	int h = getmaxy(w), wd = getmaxx(w), bw = wd - 8 < 70 ? wd - 8 : 70, bh = 8;
	int by = (h - bh) / 2, bx = (wd - bw) / 2, lw, cur;
	const char *label = _("Purpose:");

	draw_box(w, by, bx, bh, bw, _("Reveal a personal value"));
	wattrset(w, draw_attr(ROLE_HEADING));
	draw_wrap(w, by + 1, bx + 3, bw - 6, 2, _("Why must it be seen in full? The audit log records it with your name."), true);
	wattrset(w, A_NORMAL);
	lw = draw_text(w, by + 4, bx + 3, bw - 6, label) + 1;
	cur = field_draw(&s->purpose, w, by + 4, bx + 3 + lw, bw - 6 - lw, true);
	tui_cursor(t, by + 4, bx + 3 + lw + cur);
	wattrset(w, draw_attr(ROLE_DIM));
	draw_text(w, by + 6, bx + 3, bw - 6, _("Enter: reveal   Esc: cancel"));
	wattrset(w, A_NORMAL);
}

/* ---- the screen ---- */

static void cases_enter(struct tui *t, void *st, const void *arg)
{
	struct cases_state *s = st;

	(void)arg;
	picker_init(&s->list, true);
	picker_init(&s->pick, false);
	picker_init(&s->rpick, false);
	field_init(&s->reason, 500, 0);
	picker_init(&s->xpick, false);
	field_init(&s->purpose, 200, 0);
	s->mode = MODE_LIST;
	load_list(t, s);
}

static void cases_leave(struct tui *t, void *st)
{
	struct cases_state *s = st;

	(void)t;
	picker_free(&s->list);
	picker_free(&s->pick);
	free(s->pick_mat);
	picker_free(&s->rpick);
	free(s->rpick_res);
	field_free(&s->reason);
	picker_free(&s->xpick);
	xfields_free(s);
	field_free(&s->purpose);
	verify_clear(s);
	rlines_free(&s->route);
	cd_cases_free(&s->v, s->n);
	if (s->have_one)
		cd_case_clear(&s->one);
	cd_item_free(&s->item);
	lines_free(s);
	free(s->dl);
}

static void cases_draw(struct tui *t, void *st, WINDOW *w)
{
	struct cases_state *s = st;
	char q[512];

	switch (s->mode) {
	case MODE_LIST:
		draw_list(t, s, w);
		break;
	case MODE_ONE:
		draw_one(t, s, w);
		break;
	case MODE_PICK:
		draw_one(t, s, w);
		draw_pick(t, s, w);
		break;
	case MODE_ASK:
		draw_one(t, s, w);
		snprintf(q, sizeof(q), _("Record that the applicant brought \"%s\"? This is visit %d for case %s."),
			 s->one.materials[s->ask_mat].name_zh ? s->one.materials[s->ask_mat].name_zh
							      : s->one.materials[s->ask_mat].code,
			 s->one.visits + 1, s->one.case_no);
		ask_draw(w, _("A later visit"), q, _("y: record it     n or Esc: cancel"));
		break;
	case MODE_RPICK:
		draw_one(t, s, w);
		draw_rpick(t, s, w);
		break;
	case MODE_REASON:
		draw_one(t, s, w);
		draw_reason(t, s, w);
		break;
	case MODE_XPICK:
		draw_one(t, s, w);
		draw_material_box(t, &s->xpick, w, _("Which value must be seen in full?"));
		break;
	case MODE_PURPOSE:
		draw_one(t, s, w);
		draw_purpose(t, s, w);
		break;
	case MODE_CORR:
		draw_one(t, s, w);
		snprintf(q, sizeof(q), _("Record that the applicant brought what was asked for case %s? The returned steps run again; this is visit %d."),
			 s->one.case_no, s->one.visits + 1);
		ask_draw(w, _("Correction received"), q, _("y: record it     n or Esc: cancel"));
		break;
	case MODE_HAND:
		draw_one(t, s, w);
		snprintf(q, sizeof(q), _("Hand the result of case %s (%s) over to the applicant now?"),
			 s->one.case_no, status_label(s->one.status));
		ask_draw(w, _("Hand over"), q, _("y: record it     n or Esc: cancel"));
		break;
	}
}

static enum screen_result cases_key(struct tui *t, void *st, enum action a, const struct key *k)
{
	struct cases_state *s = st;
	long r;

	/* A box (a question, a picker, a reason) takes every key but those
	 * that work everywhere. */
	if (s->mode != MODE_LIST && s->mode != MODE_ONE && action_everywhere(a))
		return SCR_PASS;
	switch (s->mode) {
	case MODE_LIST:
		if (a == ACT_SUBMIT) {
			r = picker_selected(&s->list);
			if (r >= 0 && (size_t)r < s->n && (!s->have_one || strcmp(s->one.case_no, s->v[r].case_no)))
				verify_clear(s);
			if (r >= 0 && (size_t)r < s->n && load_one(t, s, s->v[r].case_no)) {
				s->mode = MODE_ONE;
				s->scroll = 0;
			}
			return SCR_DONE;
		}
		if (a == ACT_BACK) {
			tui_pop(t);
			return SCR_DONE;
		}
		return picker_key(&s->list, a, k) ? SCR_DONE : SCR_PASS;
	case MODE_ONE:
		if (action_scroll(a, &s->scroll, s->page, (int)s->nlines))
			return SCR_DONE;
		switch (a) {
		case ACT_BACK:
			s->mode = MODE_LIST;
			if (s->stale)
				load_list(t, s);
			return SCR_DONE;
		case ACT_SUPPLEMENT:
			start_supplement(t, s);
			return SCR_DONE;
		case ACT_PRINT:
			print_again(t, s);
			return SCR_DONE;
		case ACT_VERIFY:
			run_verify(t, s);
			return SCR_DONE;
		case ACT_RESOLVE:
			start_resolve(t, s);
			return SCR_DONE;
		case ACT_CORRECTED:
			start_corrected(t, s);
			return SCR_DONE;
		case ACT_HANDOVER:
			start_handover(t, s);
			return SCR_DONE;
		case ACT_REVEAL:
			start_reveal(t, s);
			return SCR_DONE;
		default:
			return SCR_PASS;
		}
	case MODE_CORR:
	case MODE_HAND:
	case MODE_ASK:
		/* Yes or no: y does it, anything that closes the box does not. */
		if (a == ACT_YES) {
			if (s->mode == MODE_CORR)
				record_corrected(t, s);
			else if (s->mode == MODE_HAND)
				record_handover(t, s);
			else
				record_supplement(t, s);
		} else if (a == ACT_NO || a == ACT_BACK || a == ACT_SUBMIT) {
			s->mode = MODE_ONE;
		}
		return SCR_DONE;
	case MODE_PICK:
		if (a == ACT_BACK) {
			s->mode = MODE_ONE;
		} else if (a == ACT_SUBMIT) {
			r = picker_selected(&s->pick);
			if (r >= 0) {
				s->ask_mat = s->pick_mat[r];
				s->mode = MODE_ASK;
			}
		} else {
			picker_key(&s->pick, a, k);
		}
		return SCR_DONE;
	case MODE_RPICK:
	case MODE_XPICK:
		if (a == ACT_BACK) {
			box_closed(s);
		} else if (a == ACT_SUBMIT) {
			r = picker_selected(s->mode == MODE_RPICK ? &s->rpick : &s->xpick);
			if (r >= 0 && s->mode == MODE_RPICK)
				ask_reason(s, s->rpick_res[r]);
			else if (r >= 0)
				ask_purpose(s, (size_t)r);
		} else {
			picker_key(s->mode == MODE_RPICK ? &s->rpick : &s->xpick, a, k);
		}
		return SCR_DONE;
	case MODE_REASON:
	case MODE_PURPOSE:
		if (a == ACT_BACK)
			box_closed(s);
		else if (a == ACT_SUBMIT && s->mode == MODE_REASON)
			record_resolve(t, s);
		else if (a == ACT_SUBMIT)
			record_reveal(t, s);
		else
			field_key(s->mode == MODE_REASON ? &s->reason : &s->purpose, a, k);
		return SCR_DONE;
	}
	return SCR_PASS;
}

static bool cases_text_focus(const void *st)
{
	const struct cases_state *s = st;

	return s->mode == MODE_LIST || s->mode == MODE_REASON || s->mode == MODE_PURPOSE;
}

static const enum action cases_keys[] = {
	ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_SUBMIT, ACT_SUPPLEMENT, ACT_PRINT,
	ACT_VERIFY, ACT_RESOLVE, ACT_CORRECTED, ACT_HANDOVER, ACT_REVEAL, ACT_BACK, ACT_NONE,
};

static const struct hint cases_hints[] = {
	{ ACT_SUBMIT, N_("Open") },
	{ ACT_SUPPLEMENT, NULL },
	{ ACT_PRINT, NULL },
	{ ACT_VERIFY, NULL },
	{ ACT_RESOLVE, NULL },
	{ ACT_NONE, NULL },
};

const struct screen_ops cases_screen = {
	.name = N_("Cases"),
	.state_size = sizeof(struct cases_state),
	.keys = cases_keys,
	.hints = cases_hints,
	.help_extra = N_("In the list, typing narrows it (case number, item, applicant, date). s, p, v and h work on an open case."),
	.enter = cases_enter,
	.draw = cases_draw,
	.key = cases_key,
	.leave = cases_leave,
	.text_focus = cases_text_focus,
};
