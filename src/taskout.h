/* Tasks and timeline events as the CLI prints them: tables aligned by
 * display width in the UI language, and --json objects that keep the
 * database's codes (status, light, kind) for scripts. */
#ifndef CD_TASKOUT_H
#define CD_TASKOUT_H

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

#include "task.h"

/* One line per task under a header; nothing for n == 0. */
void cd_task_table(FILE *f, const struct cd_task *t, size_t n);
/* One task as "label  value" lines (the claimed task, task show). */
void cd_task_detail(FILE *f, const struct cd_task *t);
json_t *cd_task_json(const struct cd_task *t);
json_t *cd_tasks_json(const struct cd_task *t, size_t n);

/* The timeline, oldest first: time, department, who, what, note. */
void cd_timeline_table(FILE *f, const struct cd_case_event *e, size_t n);
json_t *cd_timeline_json(const struct cd_case_event *e, size_t n);

/* "2026-11-25 09:30" in local time, "-" for 0. */
const char *cd_task_time(time_t t, char buf[20]);

#endif
