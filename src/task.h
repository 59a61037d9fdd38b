/* Routing (派单、流转、限时办结): the reviewer's queue, claims and decisions,
 * and the case timeline. Each call is one api function (docs/routing.md);
 * state changes carry a fresh operation id through cd_db_exec_op, so a call
 * retried after a dropped connection answers what the first one did. The
 * CLI (cmd_task.c, `case show`) and the review screens work through this
 * header; neither sees libpq.
 *
 * Conventions: times are time_t (0 = none); functions return 0, or -1 with
 * err filled (err->kind decides the exit code). */
#ifndef CD_TASK_H
#define CD_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "error.h"

struct cd_db;

/* The channel every queue change is notified on (payload {"dept":"MZ"}). */
#define CD_TASK_CHANNEL "counterdesk_task"
int cd_task_listen(struct cd_db *db, struct cd_error *err);

enum cd_light { CD_LIGHT_GREEN, CD_LIGHT_YELLOW, CD_LIGHT_RED, CD_LIGHT_PAUSED, CD_LIGHT_DONE };
enum cd_light cd_light_parse(const char *s);
/* The database's word for a light ("green" ... "done"), for JSON. */
const char *cd_light_code(enum cd_light l);
/* Translated word for a light (绿灯, 黄灯, 红灯, 暂停, 已办结). */
const char *cd_light_label(enum cd_light l);
/* Translated label of a task status or a timeline event kind (the value
 * itself when unknown). */
const char *cd_task_status_label(const char *status);
const char *cd_event_kind_label(const char *kind);
/* Translated label of a case status of routing (in_correction, complete,
 * rejected, handed_over; the value itself when unknown). */
const char *cd_case_status_label(const char *status);

struct cd_task {
	long long id;
	char case_no[40];
	char item[64];
	char item_name[256];
	int step;
	char step_name[512];            /* in the UI language */
	char dept[17];
	char status[12];
	char claimed_by[64];
	char claimed_by_name[128];
	time_t claim_expires_at;
	char applicant_name[256];
	char applicant_id_mask[40];
	time_t created_at, started_at, sign_due_at, signed_at, due_at, decided_at;
	enum cd_light light, sign_light;
	char returned_note[1024];
	char decided_by[64];
	char reason[1024];
	/* due_at exactly as the server holds it (microseconds, with its
	 * offset): the paging key of cd_task_list, where whole seconds would
	 * repeat or skip tasks due within the same second. */
	char due_key[40];
};

/* Filters of the queue; zeroed = every unfinished task of one's department. */
struct cd_task_filter {
	const char *dept;               /* supervisors; NULL = all */
	const char *status;             /* NULL, open, claimed, returned, unclaimed */
	const char *item;               /* NULL or an item code */
	bool overdue;                   /* red only */
	bool mine;                      /* claimed by me */
};

/* One page of the queue, soonest deadline first. after: the last task of
 * the previous page (NULL for the first page). *out malloc'd (free()). */
int cd_task_list(struct cd_db *db, const struct cd_task_filter *f, const struct cd_task *after,
		 int limit, struct cd_task **out, size_t *n, struct cd_error *err);
int cd_task_get(struct cd_db *db, long long id, struct cd_task *out, struct cd_error *err);
int cd_task_claim(struct cd_db *db, long long id, struct cd_task *out, struct cd_error *err);
/* The most urgent unclaimed task of one's department. Nothing to take:
 * CD_ERR_NOTFOUND. */
int cd_task_take_next(struct cd_db *db, struct cd_task *out, struct cd_error *err);
int cd_task_release(struct cd_db *db, long long id, struct cd_task *out, struct cd_error *err);

enum cd_decision { CD_DECIDE_APPROVE, CD_DECIDE_RETURN, CD_DECIDE_REJECT, CD_DECIDE_TRANSFER,
		   CD_DECIDE_NOTE };
struct cd_decision_result {
	char task_status[12];
	char case_status[24];
	int started;                    /* tasks of the next group started */
};
/* reason: required except for approve; to_dept: transfer only. */
int cd_task_decide(struct cd_db *db, long long id, enum cd_decision d, const char *reason,
		   const char *to_dept, struct cd_decision_result *out, struct cd_error *err);
/* Supervisors: to a reviewer (login) or a department (dept); reason required. */
int cd_task_reassign(struct cd_db *db, long long id, const char *login, const char *dept,
		     const char *reason, struct cd_task *out, struct cd_error *err);
int cd_task_overdue(struct cd_db *db, int limit, struct cd_task **out, size_t *n,
		    struct cd_error *err);

struct cd_dept_load {
	char dept[17];
	char dept_name[128];
	int open, claimed, returned, yellow, red, unclaimed_late;
};
int cd_task_dept_summary(struct cd_db *db, struct cd_dept_load **out, size_t *n,
			 struct cd_error *err);

/* ---- the case as a whole ------------------------------------------------- */

struct cd_case_event {
	time_t at;
	char dept[17];
	char dept_name[128];
	char actor[64];
	char actor_name[128];
	char kind[24];
	long long task_id;              /* 0 when none */
	char note[1024];
};
int cd_case_timeline(struct cd_db *db, const char *case_no, struct cd_case_event **out,
		     size_t *n, struct cd_error *err);
int cd_case_tasks(struct cd_db *db, const char *case_no, struct cd_task **out, size_t *n,
		  struct cd_error *err);
/* The applicant brought what a returned task asked for: resumes it. */
int cd_case_correction_received(struct cd_db *db, const char *case_no, const char *note,
				int *resumed, int *visits, struct cd_error *err);
struct cd_handover {
	char status[24];
	char completed_on[11];
	char promised_date[11];
	bool on_time;
};
int cd_case_handover(struct cd_db *db, const char *case_no, struct cd_handover *out,
		     struct cd_error *err);

#endif
