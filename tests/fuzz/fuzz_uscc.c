/* GB 32100 unified social credit codes: as fuzz_idno. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cd_check c = cd_check_uscc((const char *)data, size);

	if (c.reason == CD_VALID) {
		struct cd_check again;

		if (strlen(c.normalized) != 18)
			abort();
		again = cd_check_uscc(c.normalized, 18);
		if (again.reason != CD_VALID || strcmp(again.normalized, c.normalized))
			abort();
	}
	if (!cd_invalid_text(c.reason))
		abort();
	return 0;
}
