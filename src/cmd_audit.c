/* counterdesk audit verify | list --case CASE_NO */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "admin.h"
#include "cli.h"
#include "exitcode.h"
#include "i18n.h"
#include "jsonout.h"
#include "text.h"
#include "verify.h"

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

/* audit list --case CASE_NO: what was done about one case, look-ups in
 * shared data included (who, when, purpose; masked numbers only). */
static int audit_list(struct cli *cli, const char *case_no)
{
	struct cd_audit_entry *v;
	struct cd_error err;
	size_t n;
	int rc;

	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_case_audit(cli->db, case_no, &v, &n, &err) < 0)
		return cli_fail(&err);
	if (cli->json) {
		json_t *a = json_array();

		for (size_t i = 0; i < n; i++) {
			json_t *o = json_object();
			json_t *d = v[i].detail ? json_loads(v[i].detail, 0, NULL) : NULL;

			json_object_set_new(o, "id", json_integer(v[i].id));
			json_object_set_new(o, "at", cd_json_text(v[i].at));
			json_object_set_new(o, "actor", cd_json_text(v[i].actor));
			json_object_set_new(o, "action", cd_json_text(v[i].action));
			json_object_set_new(o, "object", cd_json_text(v[i].object));
			json_object_set_new(o, "detail", d ? d : json_null());
			json_array_append_new(a, o);
		}
		cd_json_print(a);
	} else {
		for (size_t i = 0; i < n; i++) {
			printf("%6lld  %s  ", v[i].id, v[i].at ? v[i].at : "");
			cd_print_padded(stdout, v[i].actor ? v[i].actor : "", 12);
			cd_print_padded(stdout, v[i].action ? v[i].action : "", 22);
			printf("%s\n", v[i].detail ? v[i].detail : "");
		}
		if (!n)
			printf("%s\n", _("No audit rows for this case."));
	}
	cd_audit_entries_free(&v, n);
	return CD_EXIT_OK;
}

int cmd_audit(struct cli *cli, int argc, char **argv)
{
	struct cd_audit_result r;
	struct cd_error err;
	int rc;

	if (argc == 4 && !strcmp(argv[1], "list") && !strcmp(argv[2], "--case"))
		return audit_list(cli, argv[3]);
	if (argc == 3 && !strcmp(argv[1], "list") && !strncmp(argv[2], "--case=", 7))
		return audit_list(cli, argv[2] + 7);
	if (argc != 2 || cli_is_help(argv[1]) || strcmp(argv[1], "verify")) {
		bool asked = argc == 2 && cli_is_help(argv[1]);

		fputs(_("Usage: counterdesk audit verify [--json]\n"
			"       counterdesk audit list --case CASE_NO [--json]\n"
			"verify walks the hash chain of the audit log and names the first broken row\n"
			"(exit 0 when intact, 1 when broken; supervisors and administrators only).\n"
			"list shows the audit rows of one case, look-ups in shared data included\n"
			"(clerks and supervisors).\n"),
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
