/* Global options, dispatch to the nouns, and the TUI when no command is given. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "error.h"
#include "exitcode.h"
#include "i18n.h"
#include "text.h"
#include "timezone.h"
#include "tui.h"
#include "util.h"

#ifndef CD_VERSION
#define CD_VERSION "0.1.0"
#endif

static int cmd_rate(struct cli *cli, int argc, char **argv);

struct noun {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *summary;
};

static const struct noun nouns[] = {
	{ "check", cmd_check, N_("validate an identity number, credit code or phone number") },
	{ "key", cmd_key, N_("make the key file that protects personal data") },
	{ "db", cmd_db, N_("apply database migrations and show their status") },
	{ "dept", cmd_dept, N_("add and list departments (admins)") },
	{ "staff", cmd_staff, N_("add, disable and list staff accounts (admins)") },
	{ "audit", cmd_audit, N_("verify and seal the hash chain of the audit log") },
	{ "case", cmd_case, N_("accept an application, show and list cases, record a visit") },
	{ "calendar", cmd_calendar, N_("load, show and count the working-day calendar") },
	{ "forms", cmd_forms, N_("check, show and load service-item files") },
	{ "ticket", cmd_ticket, N_("issue and list hall tickets (kiosk, clerks)") },
	{ "window", cmd_window, N_("call, recall, transfer and finish tickets at a window") },
	{ "hall", cmd_hall, N_("load the hall file, show the hall, close the day") },
	{ "green", cmd_green, N_("log green-channel assisted sessions and home visits (helpers)") },
	{ "rating", cmd_rating, N_("rate a service (kiosk) and follow up bad ratings") },
	{ "rate", cmd_rate, N_("the rating pad facing the visitor, full screen (kiosk account)") },
	{ "report", cmd_report, N_("daily, weekly and any-period figures of the centre (supervisors)") },
	{ "shared", cmd_shared, N_("import register extracts into the shared-data database") },
	{ "task", cmd_task, N_("the reviewer's queue: list, claim, decide, release, reassign tasks") },
	{ "sync", cmd_sync, N_("load targets, show and retry deliveries to department systems") },
};

static void usage(FILE *f)
{
	fprintf(f, _("Usage: counterdesk [--config FILE] [-U LOGIN] [--json] [NOUN VERB [OPTIONS]]\n"
		     "With no command, opens the workbench.\n\nCommands:\n"));
	for (size_t i = 0; i < ARRAY_SIZE(nouns); i++) {
		fputs("  ", f);
		cd_print_padded(f, nouns[i].name, 10);
		fprintf(f, "%s\n", _(nouns[i].summary));
	}
	fprintf(f, _("\nGlobal options:\n"
		     "  --config FILE  configuration (else $COUNTERDESK_CONFIG, else /etc/counterdesk/counterdesk.ini)\n"
		     "  -U LOGIN       log in as LOGIN (else $PGUSER, else the OS user)\n"
		     "  --json         print data as JSON\n"
		     "  -h, --help     this help; 'counterdesk NOUN --help' for a command\n"
		     "  --version      print the version\n"
		     "\nExit status: 0 success, 1 the answer is no, 2 usage error,\n"
		     "69 database unreachable, 77 refused for lack of rights, 78 configuration error.\n"));
}

bool cli_is_help(const char *arg)
{
	return arg && (!strcmp(arg, "-h") || !strcmp(arg, "--help") || !strcmp(arg, "help"));
}

int cli_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("counterdesk: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CD_EXIT_USAGE;
}

int cli_fail(const struct cd_error *err)
{
	char buf[1200];

	fprintf(stderr, "counterdesk: %s\n", cd_error_text(err, buf, sizeof(buf)));
	return cd_error_exit(err);
}

int cli_config(struct cli *cli)
{
	char err[1024];

	if (cli->cfg)
		return 0;
	if (cd_config_load(cd_config_path(cli->config_arg), &cli->cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "counterdesk: %s\n", err);
		return CD_EXIT_CONFIG;
	}
	i18n_init(cli->cfg->language);
	/* The centre's clock from the start (the login screen); the database's
	 * zone, when it reports one, takes over once connected. */
	cd_time_zone_use(cli->cfg->time_zone);
	return 0;
}

int cli_connect(struct cli *cli)
{
	struct cd_error err;
	int rc = cli_config(cli);

	if (rc || cli->db)
		return rc;
	cli->db = cd_db_open(cli->cfg->db_conninfo, cli->user, NULL, "counterdesk-cli", &err);
	if (!cli->db && cd_error_needs_password(&err)) {
		char prompt[160];
		char *pw;

		snprintf(prompt, sizeof(prompt), _("Password for %s: "),
			 cli->user ? cli->user : (getenv("PGUSER") ? getenv("PGUSER") : _("you")));
		pw = cd_read_password(prompt);
		if (pw) {
			cli->db = cd_db_open(cli->cfg->db_conninfo, cli->user, pw, "counterdesk-cli", &err);
			sodium_memzero(pw, strlen(pw));
			free(pw);
		}
	}
	if (!cli->db)
		return cli_fail(&err);
	cd_time_zone_follow(cli->db); /* else the terminal's zone stays */
	return 0;
}

/* --json may stand anywhere; take it out so the nouns need not parse it. */
static int strip_json(int argc, char **argv, bool *json)
{
	int out = 0;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			while (i < argc)
				argv[out++] = argv[i++];
			break;
		}
		if (!strcmp(argv[i], "--json"))
			*json = true;
		else
			argv[out++] = argv[i];
	}
	argv[out] = NULL;
	return out;
}

static int run_tui(struct cli *cli)
{
	int rc = cli_config(cli);

	if (rc)
		return rc;
	if (cd_crypto_init() != 0) {
		fputs("counterdesk: libsodium could not start\n", stderr);
		return CD_EXIT_SOFTWARE;
	}
	return tui_run(cli->cfg, cli->user);
}

/* counterdesk rate --window N: the workbench, logged in as the kiosk,
 * showing only the rating pad of window N. */
static int cmd_rate(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "window", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long window = 0;
	char *end;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "w:h", opts, NULL)) != -1) {
		switch (c) {
		case 'w':
			window = strtol(optarg, &end, 10);
			if (*end || window < 1 || window > 999)
				return cli_usage(_("--window takes a window number from 1 to 999"));
			break;
		case 'h':
			printf(_("Usage: counterdesk [-U LOGIN] rate --window N\n"
				 "The rating pad (好差评) of window N, full screen, for the visitor: it shows\n"
				 "the service just finished there and takes a rating from 1 to 5 with the keys.\n"
				 "Log in with the kiosk account.\n"));
			return CD_EXIT_OK;
		default:
			return cli_usage(_("unknown option '%s'"), argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage(_("unexpected argument '%s'"), argv[optind]);
	if (!window)
		return cli_usage("%s", _("rate needs --window N: the window whose services the pad rates"));
	rc = cli_config(cli);
	if (rc)
		return rc;
	if (cd_crypto_init() != 0) {
		fputs("counterdesk: libsodium could not start\n", stderr);
		return CD_EXIT_SOFTWARE;
	}
	return tui_rate(cli->cfg, cli->user, (int)window);
}

int cli_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli = { 0 };
	int c, rc = CD_EXIT_USAGE;

	i18n_init(NULL);
	cd_text_guard_stdio(false);
	argc = strip_json(argc, argv, &cli.json);
	opterr = 0;
	/* '+': stop at the noun, whose options are its own. */
	while ((c = getopt_long(argc, argv, "+c:U:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cli.config_arg = optarg;
			break;
		case 'U':
			cli.user = optarg;
			break;
		case 'h':
			usage(stdout);
			return CD_EXIT_OK;
		case 'V':
			printf("counterdesk %s\n", CD_VERSION);
			return CD_EXIT_OK;
		default:
			usage(stderr);
			return cli_usage(_("unknown option '%s'"), argv[optind - 1]);
		}
	}
	/* Everything the command line prints may hold text from the database
	 * or from its arguments: shown, never obeyed by the terminal. The
	 * workbench and the rating pad are screens that draw escape sequences
	 * on stdout on purpose: for them only stderr is guarded (from the
	 * start of main). */
	if (optind < argc && strcmp(argv[optind], "rate"))
		cd_text_guard_stdio(true);
	if (optind >= argc) {
		rc = run_tui(&cli);
		goto out;
	}
	for (size_t i = 0; i < ARRAY_SIZE(nouns); i++) {
		if (!strcmp(argv[optind], nouns[i].name)) {
			rc = nouns[i].run(&cli, argc - optind, argv + optind);
			goto out;
		}
	}
	if (cli_is_help(argv[optind])) {
		usage(stdout);
		return CD_EXIT_OK;
	}
	usage(stderr);
	rc = cli_usage(_("unknown command '%s'"), argv[optind]);
out:
	cd_db_close(&cli.db);
	cd_config_free(&cli.cfg);
	return rc;
}
