/* counterdesk check id|uscc|phone VALUE: the validators from the command line. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "exitcode.h"
#include "i18n.h"
#include "text.h"
#include "validate.h"

static void help(FILE *f)
{
	fputs(_("Usage: counterdesk check id|uscc|phone VALUE [--json]\n"
		"  id     GB 11643 identity number (18 characters, or 15 for old numbers)\n"
		"  uscc   GB 32100 unified social credit code\n"
		"  phone  mainland mobile number\n"
		"Exit 0 when valid, 1 when invalid (the reason on stderr), 2 on usage errors.\n"), f);
}

static void print_json(const struct cd_check *r, const char *reason)
{
	printf("{\"valid\":%s,\"reason\":", r->reason == CD_VALID ? "true" : "false");
	if (reason)
		cd_json_string(stdout, reason);
	else
		fputs("null", stdout);
	fputs(",\"normalized\":", stdout);
	if (r->reason == CD_VALID)
		cd_json_string(stdout, r->normalized);
	else
		fputs("null", stdout);
	fputs("}\n", stdout);
}

int cmd_check(struct cli *cli, int argc, char **argv)
{
	struct cd_check r;
	const char *kind, *value;
	const char *reason = NULL;
	char because[256];

	if (argc < 2 || cli_is_help(argv[1])) {
		help(argc < 2 ? stderr : stdout);
		return argc < 2 ? CD_EXIT_USAGE : CD_EXIT_OK;
	}
	if (argc != 3) {
		help(stderr);
		return cli_usage(_("check takes a kind and one value"));
	}
	kind = argv[1];
	value = argv[2];
	if (!strcmp(kind, "id"))
		r = cd_check_idno(value, strlen(value), 0);
	else if (!strcmp(kind, "uscc"))
		r = cd_check_uscc(value, strlen(value));
	else if (!strcmp(kind, "phone"))
		r = cd_check_phone(value, strlen(value));
	else
		return cli_usage(_("unknown kind '%s' (expected id, uscc or phone)"), kind);

	if (r.reason != CD_VALID) {
		if (r.reason == CD_INVALID_CHECK && r.expected_check) {
			snprintf(because, sizeof(because), _("%s (expected %c)"),
				 _(cd_invalid_text(r.reason)), r.expected_check);
			reason = because;
		} else {
			reason = _(cd_invalid_text(r.reason));
		}
	}
	if (cli->json)
		print_json(&r, reason);
	else if (reason)
		fprintf(stderr, "%s\n", reason);
	else
		printf("%s\n", r.normalized);
	return r.reason == CD_VALID ? CD_EXIT_OK : CD_EXIT_NO;
}
