/* counterdesk audit verify */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "cli.h"
#include "exitcode.h"
#include "i18n.h"
#include "text.h"

/* The reasons api.audit_verify gives, listed for the translators: the
 * database answers in English and the message is translated here. */
static const char *const verify_reasons[] __attribute__((unused)) = {
	N_("rows are missing before this row"),
	N_("prev_hash does not match the hash of the previous row"),
	N_("hash does not match the content of the row"),
	N_("rows are missing at the end of the log"),
	N_("row is not recorded in the chain head"),
	N_("hash does not match the chain head"),
};

int cmd_audit(struct cli *cli, int argc, char **argv)
{
	struct cd_audit_result r;
	struct cd_error err;
	int rc;

	if (argc != 2 || cli_is_help(argv[1]) || strcmp(argv[1], "verify")) {
		bool asked = argc == 2 && cli_is_help(argv[1]);

		fputs(_("Usage: counterdesk audit verify [--json]\n"
			"Walks the hash chain of the audit log and names the first broken row.\n"
			"Exit 0 when intact, 1 when broken. Supervisors and administrators only.\n"),
		      asked ? stdout : stderr);
		return asked ? CD_EXIT_OK : CD_EXIT_USAGE;
	}
	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_audit_verify(cli->db, &r, &err) < 0)
		return cli_fail(&err);
	if (cli->json) {
		printf("{\"intact\":%s,\"checked\":%lld,\"first_broken\":",
		       r.first_broken ? "false" : "true", r.checked);
		if (r.first_broken) {
			printf("%lld,\"reason\":", r.first_broken);
			cd_json_string(stdout, r.reason);
		} else {
			fputs("null,\"reason\":null", stdout);
		}
		fputs("}\n", stdout);
	} else if (r.first_broken) {
		printf(_("The audit chain is BROKEN at row %lld: %s (%lld rows checked)\n"),
		       r.first_broken, _(r.reason), r.checked);
	} else {
		printf(_("The audit chain is intact: %lld rows checked.\n"), r.checked);
	}
	return r.first_broken ? CD_EXIT_NO : CD_EXIT_OK;
}
