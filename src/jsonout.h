/* The CLI's --json output over jansson: one compact object or array per
 * line, null for what is absent. */
#ifndef CD_JSONOUT_H
#define CD_JSONOUT_H

#include <time.h>
#include <jansson.h>

/* Prints o compactly on one line of standard output and releases it. */
void cd_json_print(json_t *o);
/* A JSON string, or null when s is NULL or empty. */
json_t *cd_json_text(const char *s);
/* An ISO 8601 local time with offset (2026-11-25T09:30:00+08:00), or null for 0. */
json_t *cd_json_time(time_t t);

#endif
