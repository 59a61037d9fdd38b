/* The intake screen's state, shared by its two files: intake.c (the pages
 * around the form: choosing the item, the applicant and proxy, materials,
 * submit, outcome, and the draft that is saved as the clerk types) and
 * intake_form.c (the form of the item's fields). Only these two include it. */
#ifndef CD_INTAKE_UI_H
#define CD_INTAKE_UI_H

#include <stdbool.h>
#include <stddef.h>

#include "field.h"
#include "intake.h"
#include "item.h"
#include "picker.h"
#include "screen.h"

enum intake_page {
	PAGE_ITEM,      /* choose the service item */
	PAGE_APPLICANT, /* identity number or credit code, name, proxy */
	PAGE_FORM,      /* the item's fields, grouped */
	PAGE_MATERIALS, /* checklist and the expected outcome */
	PAGE_OUTCOME,   /* what the submit gave */
};

enum {
	AP_KEY,        /* identity number / credit code */
	AP_NAME,       /* the applicant's (or enterprise's) name */
	AP_PROXY_NAME,
	AP_PROXY_IDNO,
	AP_PROXY_RELATION,
	AP_PROXY_AUTH,
	AP_COUNT
};

/* Seconds without a key before changes are saved as a draft. */
#define DRAFT_PAUSE 2.0
/* After a failed save, wait this long before the next try. */
#define DRAFT_RETRY 5.0

struct intake_ui {
	enum intake_page page;

	/* choosing the item */
	struct picker items;
	struct cd_item_summary *summaries;
	size_t nsummaries;

	struct cd_intake *in; /* the form, from the moment the item is chosen */

	/* the applicant page */
	struct field ap[AP_COUNT];
	char *ap_reason[AP_COUNT];
	int ap_focus;
	bool looked_up;       /* in->applicant is the look-up of the number in ap[AP_KEY] */
	bool form_opened;     /* the form was reached once: Esc on this page returns to it */
	bool ap_edited;       /* typed on this page and not yet taken into the form */

	/* the form page (intake_form.c) */
	struct field *fields; /* one per item field */
	size_t *order;        /* item fields in the order shown (by group) */
	size_t norder;
	bool *prefilled;      /* filled by a look-up and not edited since */
	char **looked;        /* idno fields: the number last looked up in the registry */
	size_t focus;         /* item field index */
	bool typing;          /* the focused field was edited since it got the focus */
	int top;              /* first line of the form shown */
	int page_rows;        /* form lines shown last time */

	/* the materials page */
	size_t mat_sel;       /* position among the materials that apply */
	bool materials_seen;

	/* the draft */
	bool dirty;           /* changed since the last save */
	bool saved_once;      /* a draft of this form exists on the server */
	bool save_failed;
	bool leave_anyway;    /* Esc pressed again after a failed save */
	double last_edit, next_try;
	char saved_at[16];

	/* the outcome */
	struct cd_submit_result res;
	char paper_where[512]; /* where the receipt or notice went, or why it did not */
	bool paper_ok;
};

/* ---- intake.c, for the form ---- */
/* Something on the form changed: the draft is saved after a pause. */
void intake_changed(struct intake_ui *s);
/* A field was left: save now when something changed. */
void intake_field_left(struct tui *t, struct intake_ui *s);
void intake_draw_header(struct tui *t, struct intake_ui *s, WINDOW *w);
void intake_open_materials(struct tui *t, struct intake_ui *s);
void intake_open_applicant(struct tui *t, struct intake_ui *s);
/* The label of a field in the language of the screen. */
const char *intake_label(const struct cd_item_field *f);
struct cd_db *intake_db(struct tui *t);

/* ---- intake_form.c ---- */
void form_setup(struct intake_ui *s);
void form_teardown(struct intake_ui *s);
/* Shows what the form holds now (after a look-up filled fields). */
void form_refresh_from(struct intake_ui *s, bool mark_prefilled, const bool *was_empty);
/* The focused field's text into the form, without showing its reason
 * while the clerk is still in it (for the draft). */
void form_sync_focused(struct intake_ui *s);
/* Leaves the focused field: validates it, looks a number up. */
void form_leave_field(struct tui *t, struct intake_ui *s);
/* Puts the focus on the first field that is invalid (true) or empty and
 * required; false when there is none. */
bool form_focus_first_problem(struct intake_ui *s, bool empty_too);
bool form_text_focus(const struct intake_ui *s);
void form_draw(struct tui *t, struct intake_ui *s, WINDOW *w, int y, int h);
enum screen_result form_key(struct tui *t, struct intake_ui *s, enum action a, const struct key *k);

#endif
