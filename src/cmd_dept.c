/* counterdesk dept add CODE NAME | dept list */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "cli.h"
#include "exitcode.h"
#include "i18n.h"
#include "text.h"

static int list(struct cli *cli)
{
	struct cd_dept *d;
	struct cd_error err;
	size_t n;

	if (cd_dept_list(cli->db, &d, &n, &err) < 0)
		return cli_fail(&err);
	if (cli->json)
		fputs("[", stdout);
	for (size_t i = 0; i < n; i++) {
		if (cli->json) {
			printf("%s{\"code\":", i ? "," : "");
			cd_json_string(stdout, d[i].code);
			fputs(",\"name\":", stdout);
			cd_json_string(stdout, d[i].name);
			fputs("}", stdout);
		} else {
			cd_print_padded(stdout, d[i].code, 8);
			printf("%s\n", d[i].name);
		}
	}
	if (cli->json)
		fputs("]\n", stdout);
	free(d);
	return CD_EXIT_OK;
}

int cmd_dept(struct cli *cli, int argc, char **argv)
{
	struct cd_error err;
	int rc;

	if (argc < 2 || cli_is_help(argv[1])) {
		fputs(_("Usage: counterdesk dept add CODE NAME\n"
			"       counterdesk dept list [--json]\n"
			"CODE is upper-case letters and digits (e.g. MZ); NAME is the department's name.\n"),
		      argc < 2 ? stderr : stdout);
		return argc < 2 ? CD_EXIT_USAGE : CD_EXIT_OK;
	}
	if (!strcmp(argv[1], "add")) {
		if (argc != 4)
			return cli_usage(_("usage: counterdesk dept add CODE NAME"));
		if ((rc = cli_connect(cli)))
			return rc;
		if (cd_dept_add(cli->db, argv[2], argv[3], &err) < 0)
			return cli_fail(&err);
		printf(_("Department %s added.\n"), argv[2]);
		return CD_EXIT_OK;
	}
	if (!strcmp(argv[1], "list")) {
		if (argc != 2)
			return cli_usage(_("usage: counterdesk dept list [--json]"));
		if ((rc = cli_connect(cli)))
			return rc;
		return list(cli);
	}
	return cli_usage(_("unknown dept command '%s'"), argv[1]);
}
