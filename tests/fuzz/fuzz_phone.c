/* Mainland mobile numbers: as fuzz_idno; a valid number is 11 digits. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cd_check c = cd_check_phone((const char *)data, size);

	if (c.reason == CD_VALID) {
		struct cd_check again;

		if (strlen(c.normalized) != 11 || strspn(c.normalized, "0123456789") != 11)
			abort();
		again = cd_check_phone(c.normalized, 11);
		if (again.reason != CD_VALID || strcmp(again.normalized, c.normalized))
			abort();
	}
	if (!cd_invalid_text(c.reason))
		abort();
	return 0;
}
