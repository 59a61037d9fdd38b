/* The configuration parser (config.c over ini.c and iniparser): any file
 * gives a configuration or one message, never a crash or a leak. */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cd_config *cfg = NULL;
	char err[512] = "";

	if (cd_config_load(fuzz_file(data, size, ".ini"), &cfg, err, sizeof err) == 0) {
		if (!cfg)
			abort();
		cd_config_free(&cfg);
	} else if (cfg || !err[0] || !memchr(err, '\0', sizeof err)) {
		abort();
	}
	return 0;
}
