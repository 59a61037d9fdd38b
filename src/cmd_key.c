/* counterdesk key generate FILE */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "crypto.h"
#include "exitcode.h"
#include "i18n.h"

int cmd_key(struct cli *cli, int argc, char **argv)
{
	enum cd_crypto_err e;

	(void)cli;
	if (argc >= 2 && cli_is_help(argv[1])) {
		puts(_("Usage: counterdesk key generate FILE\n"
		       "Writes a new key file readable only by its owner (mode 0600).\n"
		       "It never overwrites a file: losing a key loses the data sealed with it."));
		return CD_EXIT_OK;
	}
	if (argc != 3 || strcmp(argv[1], "generate"))
		return cli_usage(_("usage: counterdesk key generate FILE"));
	e = cd_key_generate(argv[2], 1);
	if (e != CD_CRYPTO_OK) {
		if (e == CD_CRYPTO_IO)
			fprintf(stderr, "counterdesk: %s: %s: %s\n", argv[2],
				_(cd_crypto_strerror(e)), strerror(errno));
		else
			fprintf(stderr, "counterdesk: %s: %s\n", argv[2], _(cd_crypto_strerror(e)));
		return CD_EXIT_NO;
	}
	printf(_("Key written to %s (mode 0600). Keep a copy in a safe place.\n"), argv[2]);
	return CD_EXIT_OK;
}
