/* counterdesk db migrate|status */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "error.h"
#include "exitcode.h"
#include "i18n.h"
#include "migrate.h"
#include "text.h"

static void say_applied(const char *name, void *arg)
{
	(void)arg;
	printf(_("applied %s\n"), name);
}

static int migrate(struct cli *cli)
{
	struct cd_error err;
	size_t n;

	if (cd_migrate_apply(cli->db, cli->cfg->sql_dir, &n, cli->json ? NULL : say_applied,
			     NULL, &err) < 0)
		return cli_fail(&err);
	if (cd_migrate_configure(cli->db, cli->cfg, &err) < 0)
		return cli_fail(&err);
	if (cli->json)
		printf("{\"applied\":%zu}\n", n);
	else if (n == 0)
		puts(_("The database is up to date."));
	return CD_EXIT_OK;
}

static int status(struct cli *cli)
{
	struct cd_migration_list l;
	struct cd_error err;
	int pending = 0, edited = 0;

	if (cd_migrate_status(cli->db, cli->cfg->sql_dir, &l, &err) < 0)
		return cli_fail(&err);
	if (cli->json)
		fputs("[", stdout);
	for (size_t i = 0; i < l.count; i++) {
		const struct cd_migration *m = &l.items[i];

		pending += m->state == CD_MIGRATION_PENDING;
		edited += m->state == CD_MIGRATION_EDITED;
		if (cli->json) {
			printf("%s{\"name\":", i ? "," : "");
			cd_json_string(stdout, m->name);
			printf(",\"state\":\"%s\",\"applied_at\":",
			       m->state == CD_MIGRATION_PENDING ? "pending" :
			       m->state == CD_MIGRATION_EDITED ? "edited" :
			       m->state == CD_MIGRATION_MISSING ? "missing" : "applied");
			if (m->applied_at[0])
				cd_json_string(stdout, m->applied_at);
			else
				fputs("null", stdout);
			fputs("}", stdout);
		} else {
			cd_print_padded(stdout, m->name, 32);
			cd_print_padded(stdout, m->applied_at[0] ? m->applied_at : "-", 21);
			printf("%s\n", _(cd_migration_state_text(m->state)));
		}
	}
	if (cli->json)
		fputs("]\n", stdout);
	else
		printf(_("%zu migrations, %d pending, %d edited after being applied\n"), l.count,
		       pending, edited);
	cd_migration_list_free(&l);
	return edited ? CD_EXIT_NO : CD_EXIT_OK;
}

int cmd_db(struct cli *cli, int argc, char **argv)
{
	int rc;

	if (argc < 2 || cli_is_help(argv[1]) || argc > 2) {
		fputs(_("Usage: counterdesk db migrate|status [--json]\n"
			"  migrate  apply the pending migrations in [paths] sql, each in one transaction\n"
			"  status   list applied and pending migrations; exit 1 if one was edited\n"
			"Run these as the database owner, e.g. counterdesk -U postgres db migrate.\n"),
		      argc == 2 ? stdout : stderr);
		return argc == 2 ? CD_EXIT_OK : CD_EXIT_USAGE;
	}
	if (strcmp(argv[1], "migrate") && strcmp(argv[1], "status"))
		return cli_usage(_("unknown db command '%s'"), argv[1]);
	rc = cli_connect(cli);
	if (rc)
		return rc;
	return !strcmp(argv[1], "migrate") ? migrate(cli) : status(cli);
}
