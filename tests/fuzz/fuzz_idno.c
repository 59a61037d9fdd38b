/* GB 11643 identity numbers: any bytes give a reason, never a crash; a valid
 * number normalises to 18 characters that are valid again, to themselves. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cd_check c = cd_check_idno((const char *)data, size, 20261126);

	if (c.reason == CD_VALID) {
		struct cd_check again;

		if (strlen(c.normalized) != 18)
			abort();
		again = cd_check_idno(c.normalized, 18, 20261126);
		if (again.reason != CD_VALID || strcmp(again.normalized, c.normalized))
			abort();
		if (cd_idno_sex(c.normalized) != 'M' && cd_idno_sex(c.normalized) != 'F')
			abort();
	}
	if (!cd_invalid_text(c.reason))
		abort();
	return 0;
}
