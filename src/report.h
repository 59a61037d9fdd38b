/* The centre's figures for a period (counterdesk report): fetched in one
 * call (api.report, sql/080) as JSON and written as text, CSV or JSON.
 * docs/dashboard.md lists the sections. */
#ifndef CD_REPORT_H
#define CD_REPORT_H

#include <stdio.h>
#include <jansson.h>

#include "db.h"
#include "error.h"

enum cd_report_format { CD_REPORT_TEXT, CD_REPORT_CSV, CD_REPORT_JSON };

/* The report for from .. to (YYYY-MM-DD, both included; NULL = today) as
 * a JSON object the caller json_decref's; NULL with err. */
json_t *cd_report_fetch(struct cd_db *db, const char *from, const char *to, struct cd_error *err);

/* Writes the report. CSV is one figure a line: section,key,metric,value
 * (key names the row of a table: a category, an item, a department ...;
 * metric a dotted path inside the section). */
void cd_report_write(FILE *f, const json_t *r, enum cd_report_format fmt);

/* The period of "daily" (the day), "weekly" (Monday to Sunday of the ISO
 * week holding the day) and "monthly" (the first to the last day of its
 * month, 月报), for a day YYYY-MM-DD. 0, or -1 when day is not a date.
 * from and to take 11 bytes. */
int cd_report_period(const char *kind, const char *day, char *from, char *to);

#endif
