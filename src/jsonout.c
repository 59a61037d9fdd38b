/* --json output helpers. */
#include <stdio.h>
#include <stdlib.h>

#include "hall.h"
#include "jsonout.h"

void cd_json_print(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);

	printf("%s\n", s ? s : "null");
	free(s);
	json_decref(o);
}

json_t *cd_json_text(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

json_t *cd_json_time(time_t t)
{
	char buf[32];

	return t ? json_string(cd_hall_iso_time(t, buf)) : json_null();
}
