/* The columns of a task row (docs/routing.md, task_row) as the core selects
 * them, and the one parser of such a row. Inside the core only (task.c and
 * its unit test); screens see struct cd_task. */
#ifndef CD_TASK_ROW_H
#define CD_TASK_ROW_H

#include <libpq-fe.h>

#include "task.h"

/* Times as epoch seconds (dbrow.h); due_at once more as exact text for paging. */
#define CD_TASK_COLS \
	"id, case_no, item, item_name_zh, step, step_name_zh, step_name_en, dept_code, status," \
	" claimed_by, claimed_by_name, extract(epoch FROM claim_expires_at)::bigint," \
	" applicant_name, applicant_id_mask, extract(epoch FROM created_at)::bigint," \
	" extract(epoch FROM started_at)::bigint, extract(epoch FROM sign_due_at)::bigint," \
	" extract(epoch FROM signed_at)::bigint, extract(epoch FROM due_at)::bigint," \
	" light, sign_light, returned_note, extract(epoch FROM decided_at)::bigint," \
	" decided_by, reason, due_at::text"
#define CD_TASK_NCOLS 26

/* Fills t from row r (CD_TASK_COLS order); chinese picks the step's name. */
void cd_task_from_row(const PGresult *res, int r, bool chinese, struct cd_task *t);

#endif
