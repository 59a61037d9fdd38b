/* The service-item file parser (forms.c over iniparser): any file gives an
 * item or a list of errors, never both and never a crash or a leak. */
#include <stdlib.h>

#include "forms.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cd_form_errors errs = { 0 };
	struct cd_item *item = cd_item_load(fuzz_file(data, size, ".ini"), &errs);

	if (item) {
		char *json;

		if (errs.n)
			abort();
		json = cd_item_json(item);
		free(json);
		(void)cd_item_critical_days(item);
		cd_item_free(&item);
	} else if (!errs.n) {
		abort();
	}
	cd_form_errors_free(&errs);
	return 0;
}
