/* Paper for the applicant: the receipt of an accepted case (受理回执) and the
 * one-time notice of everything missing (一次性告知书), as UTF-8 text aligned by
 * display width, sent to the configured print command or saved as a file.
 * Only masked personal data ever appears on them. */
#ifndef CD_RECEIPT_H
#define CD_RECEIPT_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct cd_config;
struct cd_intake;
struct cd_submit_result;

struct cd_paper_material {
	const char *name;   /* name_zh */
	const char *note;   /* note_zh, may be NULL */
	bool is_key;
};

struct cd_receipt {
	const char *centre_name;
	const char *case_no;
	const char *item_name;
	const char *applicant_name;
	const char *applicant_id_mask;  /* masked: the receipt never holds the clear number */
	const char *proxy_name;         /* NULL when the applicant came in person */
	const char *proxy_relation;
	const char *accepted_at;        /* YYYY-MM-DD HH:MM */
	const char *promised_date;      /* YYYY-MM-DD */
	const char *commitment_due;     /* YYYY-MM-DD when accepted on commitment, else NULL */
	const struct cd_paper_material *waived; /* 容缺 materials to bring by commitment_due */
	size_t nwaived;
	const char *clerk;
	int window_no;                  /* 0: not shown */
};

struct cd_notice {
	const char *centre_name;
	const char *notice_no;
	const char *item_name;
	const char *applicant_name;
	const char *applicant_id_mask;
	const char *issued_at;          /* YYYY-MM-DD HH:MM */
	const struct cd_paper_material *missing; /* everything missing, key and waivable */
	size_t nmissing;
	const char *clerk;
	int window_no;
};

/* One step of a case as the result paper lists it. */
struct cd_paper_step {
	const char *dept_name;
	const char *decided_at;         /* YYYY-MM-DD HH:MM */
};

/* The paper the window hands over with the result: a notice that the case
 * is complete (办结通知书), or the decision not to grant it (不予许可决定书)
 * with the department and its reason. */
struct cd_result_paper {
	const char *centre_name;
	const char *case_no;
	const char *item_name;
	const char *applicant_name;
	const char *applicant_id_mask;
	const char *accepted_at;
	const char *promised_date;      /* YYYY-MM-DD */
	const char *completed_on;       /* YYYY-MM-DD */
	bool on_time;
	bool rejected;
	const char *reject_dept;        /* rejected: the department that decided */
	const char *reject_reason;
	const char *reject_at;
	const struct cd_paper_step *steps; /* complete: the departments' approvals */
	size_t nsteps;
	const char *clerk;
	int window_no;
	const char *handed_over_at;     /* YYYY-MM-DD HH:MM */
};

/* The texts, malloc'd. */
char *cd_receipt_text(const struct cd_receipt *r);
char *cd_notice_text(const struct cd_notice *n);
char *cd_result_text(const struct cd_result_paper *p);

/* The receipt or notice of a submit (outcome decides which), filled from the
 * form and the database's answer, the identity number masked here. */
char *cd_paper_for_submit(const struct cd_intake *in, const struct cd_submit_result *res,
			  const char *centre_name, const char *clerk, int window_no,
			  const char *now);

/* Sends text to [print] command when one is configured (the command line is
 * the admin's, never built from user text; a non-zero exit is an error), else
 * writes it atomically to [print] directory/<name>.txt (directories made as
 * needed; temporary file, fsync, rename) and returns that path in
 * *saved_path (malloc'd; NULL when printed). name must be a plain file name
 * (letters, digits, '-', '_', '.'). */
int cd_receipt_emit(const struct cd_config *cfg, const char *text, const char *name,
		    char **saved_path, struct cd_error *err);

#endif
