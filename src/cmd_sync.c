/* counterdesk sync load | check | status | retry | run --once (docs/sync.md) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "config.h"
#include "exitcode.h"
#include "i18n.h"
#include "jsonout.h"
#include "sync.h"
#include "text.h"
#include "util.h"

static const char *const kind_names[] = { "postgres", "spool", "external" };

static int load_targets(struct cli *cli, struct cd_targets *t)
{
	char msg[1024];
	int rc = cli_config(cli);

	if (rc)
		return rc;
	if (cd_targets_load(cli->cfg->targets_dir, t, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "counterdesk: %s\n", msg);
		return CD_EXIT_CONFIG;
	}
	return 0;
}

static int check_or_load(struct cli *cli, bool send)
{
	struct cd_targets t;
	struct cd_error err;
	int rc = load_targets(cli, &t);

	if (rc)
		return rc;
	if (send) {
		if ((rc = cli_connect(cli))) {
			cd_targets_free(&t);
			return rc;
		}
		if (cd_sync_targets_send(cli->db, &t, &err) < 0) {
			cd_targets_free(&t);
			return cli_fail(&err);
		}
	}
	for (size_t i = 0; i < t.n; i++) {
		printf("%s: %s, ", t.v[i].name, kind_names[t.v[i].kind]);
		for (size_t k = 0; k < t.v[i].ndepartments; k++)
			printf("%s%s", k ? ", " : "", t.v[i].departments[k]);
		putchar('\n');
	}
	printf(send ? _("%zu targets loaded.\n") : _("%zu targets checked.\n"), t.n);
	cd_targets_free(&t);
	return CD_EXIT_OK;
}

static void age_text(char *buf, size_t len, int seconds)
{
	if (seconds < 0)
		snprintf(buf, len, "-");
	else if (seconds < 120)
		snprintf(buf, len, "%ds", seconds);
	else if (seconds < 7200)
		snprintf(buf, len, "%dm", seconds / 60);
	else
		snprintf(buf, len, "%dh", seconds / 3600);
}

static int status(struct cli *cli)
{
	struct cd_sync_status *s;
	struct cd_error err;
	size_t n;

	if (cd_sync_status(cli->db, &s, &n, &err) < 0)
		return cli_fail(&err);
	if (cli->json) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, json_pack("{s:s, s:i, s:o, s:i, s:i, s:i, s:o}",
				"target", s[i].target, "backlog", s[i].backlog,
				"oldest_pending_seconds", s[i].oldest_pending_seconds < 0 ? json_null()
					: json_integer(s[i].oldest_pending_seconds),
				"delivered_today", s[i].delivered_today, "failing", s[i].failing,
				"dead", s[i].dead, "last_error", cd_json_text(s[i].last_error)));
		cd_json_print(a);
	} else {
		printf("%-20s %8s %8s %10s %8s %6s  %s\n", _("target"), _("backlog"), _("oldest"),
		       _("today"), _("failing"), _("dead"), _("last error"));
		for (size_t i = 0; i < n; i++) {
			char age[16];
			age_text(age, sizeof(age), s[i].oldest_pending_seconds);
			printf("%-20s %8d %8s %10d %8d %6d  %s\n", s[i].target, s[i].backlog, age,
			       s[i].delivered_today, s[i].failing, s[i].dead, s[i].last_error);
		}
	}
	free(s);
	return CD_EXIT_OK;
}

static int retry(struct cli *cli, int argc, char **argv)
{
	struct cd_error err;
	const char *id = NULL, *target = NULL;
	int n, rc;

	if (argc == 3 && strcmp(argv[2], "--target"))
		id = argv[2];
	else if (argc == 4 && !strcmp(argv[2], "--target"))
		target = argv[3];
	else
		return cli_usage(_("usage: counterdesk sync retry ID | --target NAME"));
	if ((rc = cli_connect(cli)))
		return rc;
	n = cd_sync_retry(cli->db, id, target, &err);
	if (n < 0)
		return cli_fail(&err);
	printf(_("%d events due again.\n"), n);
	return CD_EXIT_OK;
}

static int run_once(struct cli *cli, int argc, char **argv)
{
	struct cd_worker_opts o = { 0 };
	char name[96], host[64] = "localhost";
	int rc;

	if (argc != 3 || strcmp(argv[2], "--once"))
		return cli_usage(_("usage: counterdesk sync run --once (the daemon is counterdesk-sync)"));
	if ((rc = cli_connect(cli)))
		return rc;
	gethostname(host, sizeof(host) - 1);
	snprintf(name, sizeof(name), "%s:%ld", host, (long)getpid());
	o.name = name;
	o.once = true;
	o.batch = cli->cfg->sync_batch;
	o.poll_seconds = cli->cfg->sync_poll_seconds;
	o.lease_seconds = cli->cfg->sync_lease_seconds;
	o.targets_dir = cli->cfg->targets_dir;
	return cd_sync_run(cli->db, &o);
}

int cmd_sync(struct cli *cli, int argc, char **argv)
{
	int rc;

	if (argc < 2 || cli_is_help(argv[1])) {
		fputs(_("Usage: counterdesk sync load            send the targets of [paths] targets to the database (admins)\n"
			"       counterdesk sync check           check the target files only\n"
			"       counterdesk sync status [--json] per target: backlog, oldest, delivered today, failing, dead\n"
			"       counterdesk sync retry ID | --target NAME   dead or failing events due again\n"
			"       counterdesk sync run --once      deliver what is due, then exit\n"
			"The worker that runs all the time is counterdesk-sync(8).\n"),
		      argc < 2 ? stderr : stdout);
		return argc < 2 ? CD_EXIT_USAGE : CD_EXIT_OK;
	}
	if (!strcmp(argv[1], "load") || !strcmp(argv[1], "check")) {
		if (argc != 2)
			return cli_usage(_("usage: counterdesk sync %s"), argv[1]);
		return check_or_load(cli, !strcmp(argv[1], "load"));
	}
	if (!strcmp(argv[1], "status")) {
		if (argc != 2)
			return cli_usage(_("usage: counterdesk sync status [--json]"));
		if ((rc = cli_connect(cli)))
			return rc;
		return status(cli);
	}
	if (!strcmp(argv[1], "retry"))
		return retry(cli, argc, argv);
	if (!strcmp(argv[1], "run"))
		return run_once(cli, argc, argv);
	return cli_usage(_("unknown sync command '%s'"), argv[1]);
}
