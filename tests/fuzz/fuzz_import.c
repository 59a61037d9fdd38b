/* The CSV parser of shared import (shared_import.c), fed in pieces split at
 * a place the input chooses, and the COPY text encoder over every good row.
 * The first byte picks the register and the split. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "shared_import.h"

struct seen {
	struct cd_bytes copy;
	long rows, bad;
};

static void on_row(void *arg, long line, const char *const *values, size_t n)
{
	struct seen *s = arg;

	(void)line;
	s->rows++;
	s->copy.len = 0;
	cd_copy_text_row(&s->copy, values, n);
	/* One row in COPY text is one line: no raw newline may survive escaping. */
	if (!s->copy.len || s->copy.p[s->copy.len - 1] != '\n'
	    || memchr(s->copy.p, '\n', s->copy.len - 1))
		abort();
}

static void on_bad(void *arg, long line, const char *message)
{
	struct seen *s = arg;

	(void)line;
	if (!message || !*message)
		abort();
	s->bad++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen s = { { NULL, 0, 0 }, 0, 0 };
	struct cd_import_stats st;
	struct cd_import *imp;
	size_t split;

	if (size < 1)
		return 0;
	imp = cd_import_new((enum cd_register)(data[0] % CD_REG_COUNT), 20261126, on_row, on_bad, &s);
	if (!imp)
		abort();
	data++;
	size--;
	split = size ? (size_t)(data[0] * 7u) % (size + 1) : 0;
	cd_import_feed(imp, (const char *)data, split);
	cd_import_feed(imp, (const char *)data + split, size - split);
	cd_import_finish(imp);
	cd_import_get_stats(imp, &st);
	/* A fatal header problem is reported but not counted as a bad row. */
	if (st.good != s.rows || s.bad - st.bad != (st.fatal ? 1 : 0))
		abort();
	cd_import_free(&imp);
	cd_bytes_free(&s.copy);
	return 0;
}
