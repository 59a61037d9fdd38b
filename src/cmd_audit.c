/* counterdesk audit verify [--public-key FILE [--seal FILE]] | list --case CASE_NO
 *                   | keygen FILE | seal --secret-key FILE [--output FILE] */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "admin.h"
#include "audit_seal.h"
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

/* audit keygen FILE: the seal key pair, FILE (0600) and FILE.pub. */
static int audit_keygen(const char *path)
{
	struct cd_error err;

	if (cd_audit_keygen(path, &err) < 0)
		return cli_fail(&err);
	printf(_("Secret key written to %s (mode 0600), public key to %s.pub.\n"
		 "Keep the secret key away from the database server; give the public key to auditors.\n"),
	       path, path);
	return CD_EXIT_OK;
}

/* audit seal --secret-key FILE [--output SEAL_FILE] */
static int audit_seal(struct cli *cli, const char *secret, const char *output)
{
	struct cd_error err;
	long long no, upto;
	int rc;

	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_audit_seal(cli->db, secret, output, &no, &upto, &err) < 0)
		return cli_fail(&err);
	if (cli->json)
		printf("{\"seal\":%lld,\"upto\":%lld}\n", no, upto);
	else
		printf(_("Seal %lld signs the audit chain up to row %lld.\n"), no, upto);
	return CD_EXIT_OK;
}

/* The chain as the server sees it, then (with a public key) as recomputed
 * here against the signed seals. */
static int audit_verify(struct cli *cli, const char *public_key, const char *seal_file)
{
	struct cd_audit_result r;
	struct cd_seal_report s;
	struct cd_error err;
	bool intact;
	int rc;

	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_audit_verify(cli->db, &r, &err) < 0)
		return cli_fail(&err);
	if (public_key && cd_audit_verify_sealed(cli->db, public_key, seal_file, &s, &err) < 0)
		return cli_fail(&err);
	intact = !r.first_broken && (!public_key || cd_seal_report_intact(&s));
	if (cli->json) {
		printf("{\"intact\":%s,\"checked\":%lld,\"first_broken\":",
		       intact ? "true" : "false", r.checked);
		if (r.first_broken) {
			printf("%lld,\"reason\":", r.first_broken);
			cd_json_string(stdout, r.reason);
		} else {
			fputs("null,\"reason\":null", stdout);
		}
		if (public_key) {
			printf(",\"sealed\":{\"intact\":%s,\"rows\":%lld,\"seals\":%lld,\"sealed_upto\":%lld,"
			       "\"first_broken\":%lld,\"from\":%lld,\"seal\":%lld,\"bad_seal\":%lld,\"reason\":",
			       cd_seal_report_intact(&s) ? "true" : "false", s.rows, s.seals,
			       s.sealed_upto, s.first_broken, s.range_from, s.seal_no, s.bad_seal);
			if (s.reason)
				cd_json_string(stdout, s.reason);
			else
				fputs("null", stdout);
			fputs("}", stdout);
		}
		fputs("}\n", stdout);
		return intact ? CD_EXIT_OK : CD_EXIT_NO;
	}
	if (r.first_broken)
		printf(_("The audit chain is BROKEN at row %lld: %s (%lld rows checked)\n"),
		       r.first_broken, _(r.reason), r.checked);
	else
		printf(_("The audit chain is intact: %lld rows checked.\n"), r.checked);
	if (!public_key)
		return intact ? CD_EXIT_OK : CD_EXIT_NO;
	if (s.first_broken) {
		printf(_("The sealed audit chain is BROKEN at row %lld: %s\n"),
		       s.first_broken, _(s.reason));
		if (s.range_from && s.range_from < s.first_broken)
			printf(_("The change lies in rows %lld to %lld.\n"), s.range_from, s.first_broken);
	}
	if (s.bad_seal > 0)
		printf(_("Seal %lld is not signed by this key: it was forged or altered.\n"), s.bad_seal);
	else if (s.bad_seal < 0)
		printf("%s\n", _("The seal file is not signed by this key: it was forged or altered."));
	if (s.no_seal)
		printf("%s\n", _("No seal signed with this key was found: nothing is proven against a rewrite by a superuser."));
	if (cd_seal_report_intact(&s))
		printf(_("The sealed audit chain is intact: %lld rows recomputed here, %lld seals verified, signed up to row %lld.\n"),
		       s.rows, s.seals, s.sealed_upto);
	return intact ? CD_EXIT_OK : CD_EXIT_NO;
}

static int audit_usage(bool asked)
{
	fputs(_("Usage: counterdesk audit verify [--public-key FILE [--seal FILE]] [--json]\n"
		"       counterdesk audit list --case CASE_NO [--json]\n"
		"       counterdesk audit keygen FILE\n"
		"       counterdesk audit seal --secret-key FILE [--output SEAL_FILE] [--json]\n"
		"verify walks the hash chain of the audit log and names the first broken row\n"
		"(exit 0 when intact, 1 when broken; supervisors and administrators only);\n"
		"with --public-key it also recomputes the chain here and checks it against\n"
		"every seal signed with that key (and the seal file given with --seal).\n"
		"list shows the audit rows of one case, look-ups in shared data included\n"
		"(clerks and supervisors).\n"
		"keygen writes an Ed25519 key pair: FILE (secret, mode 0600) and FILE.pub.\n"
		"seal signs the newest row of the chain with the secret key and stores the seal.\n"),
	      asked ? stdout : stderr);
	return asked ? CD_EXIT_OK : CD_EXIT_USAGE;
}

/* Options of the form --name VALUE or --name=VALUE from argv[first..]; a
 * name not in names, or a missing value, is a usage error (-1). */
static int audit_opts(int argc, char **argv, int first, const char *const names[],
		      const char *values[], int n)
{
	for (int i = first; i < argc; i++) {
		int k;
		size_t len = 0;

		for (k = 0; k < n; k++) {
			len = strlen(names[k]);
			if (!strncmp(argv[i], names[k], len) && (argv[i][len] == '\0' || argv[i][len] == '='))
				break;
		}
		if (k == n)
			return -1;
		if (argv[i][len] == '=')
			values[k] = argv[i] + len + 1;
		else if (i + 1 < argc)
			values[k] = argv[++i];
		else
			return -1;
	}
	return 0;
}

int cmd_audit(struct cli *cli, int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "list") && !strcmp(argv[2], "--case"))
		return audit_list(cli, argv[3]);
	if (argc == 3 && !strcmp(argv[1], "list") && !strncmp(argv[2], "--case=", 7))
		return audit_list(cli, argv[2] + 7);
	if (argc == 3 && !strcmp(argv[1], "keygen") && !cli_is_help(argv[2]))
		return audit_keygen(argv[2]);
	if (argc >= 2 && !strcmp(argv[1], "seal")) {
		static const char *const names[] = { "--secret-key", "--output" };
		const char *v[2] = { NULL, NULL };

		if (audit_opts(argc, argv, 2, names, v, 2) < 0 || !v[0])
			return audit_usage(false);
		return audit_seal(cli, v[0], v[1]);
	}
	if (argc >= 2 && !strcmp(argv[1], "verify")) {
		static const char *const names[] = { "--public-key", "--seal" };
		const char *v[2] = { NULL, NULL };

		if (audit_opts(argc, argv, 2, names, v, 2) < 0 || (v[1] && !v[0]))
			return audit_usage(false);
		return audit_verify(cli, v[0], v[1]);
	}
	return audit_usage(argc == 2 && cli_is_help(argv[1]));
}
