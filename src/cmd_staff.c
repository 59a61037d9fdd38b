/* counterdesk staff add|password|disable|list */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "admin.h"
#include "cli.h"
#include "exitcode.h"
#include "i18n.h"
#include "session.h"
#include "text.h"

static void help(FILE *f)
{
	fputs(_("Usage: counterdesk staff add LOGIN --name NAME --role ROLE --dept CODE [--window N]\n"
		"                               [--password-file FILE]\n"
		"       counterdesk staff password LOGIN [--password-file FILE]\n"
		"       counterdesk staff disable LOGIN\n"
		"       counterdesk staff list [--json]\n"
		"ROLE is clerk, helper, reviewer, supervisor, admin or kiosk. The password is read\n"
		"from the terminal (twice) unless --password-file names a file whose first line\n"
		"is the password. Only administrators may add or disable staff, or set another\n"
		"member's password; everyone may set their own.\n"), f);
}

/* Asks twice on the terminal, so a typo does not lock someone out. */
static char *ask_password(const char *login)
{
	char prompt[160];
	char *a, *b;

	snprintf(prompt, sizeof(prompt), _("New password for %s: "), login);
	a = cd_read_password(prompt);
	if (!a)
		return NULL;
	b = cd_read_password(_("Repeat the password: "));
	if (!b || strcmp(a, b)) {
		fputs(_("counterdesk: the passwords differ\n"), stderr);
		sodium_memzero(a, strlen(a));
		free(a);
		a = NULL;
	}
	if (b) {
		sodium_memzero(b, strlen(b));
		free(b);
	}
	return a;
}

/* The new password of login, from pwfile's first line or typed twice;
 * 0, or the exit code after saying what is wrong. */
static int new_password(const char *login, const char *pwfile, char **out)
{
	char *password = pwfile ? cd_read_first_line(pwfile) : ask_password(login);

	*out = NULL;
	if (!password) {
		fprintf(stderr, _("counterdesk: no password given\n"));
		return CD_EXIT_USAGE;
	}
	if (strlen(password) < CD_PASSWORD_MIN) {
		sodium_memzero(password, strlen(password));
		free(password);
		fprintf(stderr, _("counterdesk: the password must have at least 8 characters\n"));
		return CD_EXIT_NO;
	}
	*out = password;
	return 0;
}

static int add(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "role", required_argument, NULL, 'r' },
		{ "dept", required_argument, NULL, 'd' },
		{ "window", required_argument, NULL, 'w' },
		{ "password-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL, *role = NULL, *dept = NULL, *pwfile = NULL;
	struct cd_error err;
	char *password, *end;
	long window = 0;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n': name = optarg; break;
		case 'r': role = optarg; break;
		case 'd': dept = optarg; break;
		case 'p': pwfile = optarg; break;
		case 'w':
			window = strtol(optarg, &end, 10);
			if (*end || window < 1 || window > 999)
				return cli_usage(_("--window takes a number from 1 to 999"));
			break;
		default:
			help(stderr);
			return cli_usage(_("bad option '%s'"), argv[optind - 1]);
		}
	}
	if (optind != argc - 1 || !name || !role || !dept) {
		help(stderr);
		return cli_usage(_("staff add needs LOGIN, --name, --role and --dept"));
	}
	if (!cd_role_valid(role))
		return cli_usage(_("unknown role '%s'"), role);
	if ((rc = cli_connect(cli)))
		return rc;
	if ((rc = new_password(argv[optind], pwfile, &password)))
		return rc;
	rc = cd_staff_add(cli->db, argv[optind], name, role, dept, (int)window, password, &err);
	sodium_memzero(password, strlen(password));
	free(password);
	if (rc < 0)
		return cli_fail(&err);
	printf(_("Staff member %s added as %s.\n"), argv[optind], cd_role_label(role));
	return CD_EXIT_OK;
}

/* counterdesk staff password LOGIN [--password-file FILE] */
static int set_password(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "password-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *pwfile = NULL;
	struct cd_error err;
	char *password;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'p') {
			help(stderr);
			return cli_usage(_("bad option '%s'"), argv[optind - 1]);
		}
		pwfile = optarg;
	}
	if (optind != argc - 1)
		return cli_usage(_("usage: counterdesk staff password LOGIN [--password-file FILE]"));
	if ((rc = cli_connect(cli)))
		return rc;
	if ((rc = new_password(argv[optind], pwfile, &password)))
		return rc;
	rc = cd_staff_set_password(cli->db, argv[optind], password, &err);
	sodium_memzero(password, strlen(password));
	free(password);
	if (rc < 0)
		return cli_fail(&err);
	printf(_("New password set for %s.\n"), argv[optind]);
	return CD_EXIT_OK;
}

static void print_json(const struct cd_staff *s, size_t n)
{
	fputs("[", stdout);
	for (size_t i = 0; i < n; i++) {
		printf("%s{\"login\":", i ? "," : "");
		cd_json_string(stdout, s[i].login);
		fputs(",\"name\":", stdout);
		cd_json_string(stdout, s[i].full_name);
		fputs(",\"role\":", stdout);
		cd_json_string(stdout, s[i].role);
		fputs(",\"dept\":", stdout);
		cd_json_string(stdout, s[i].dept_code);
		if (s[i].window_no)
			printf(",\"window\":%d", s[i].window_no);
		else
			fputs(",\"window\":null", stdout);
		printf(",\"active\":%s}", s[i].active ? "true" : "false");
	}
	fputs("]\n", stdout);
}

static int list(struct cli *cli)
{
	struct cd_staff *s;
	struct cd_error err;
	size_t n;

	if (cd_staff_list(cli->db, &s, &n, &err) < 0)
		return cli_fail(&err);
	if (cli->json) {
		print_json(s, n);
	} else {
		cd_print_padded(stdout, _("LOGIN"), 16);
		cd_print_padded(stdout, _("NAME"), 12);
		cd_print_padded(stdout, _("ROLE"), 22);
		cd_print_padded(stdout, _("DEPT"), 8);
		cd_print_padded(stdout, _("WINDOW"), 8);
		printf("%s\n", _("STATE"));
		for (size_t i = 0; i < n; i++) {
			char win[16] = "-";

			if (s[i].window_no)
				snprintf(win, sizeof(win), "%d", s[i].window_no);
			cd_print_padded(stdout, s[i].login, 16);
			cd_print_padded(stdout, s[i].full_name, 12);
			cd_print_padded(stdout, cd_role_label(s[i].role), 22);
			cd_print_padded(stdout, s[i].dept_code, 8);
			cd_print_padded(stdout, win, 8);
			printf("%s\n", s[i].active ? _("active") : _("disabled"));
		}
	}
	free(s);
	return CD_EXIT_OK;
}

int cmd_staff(struct cli *cli, int argc, char **argv)
{
	struct cd_error err;
	int rc;

	if (argc < 2 || cli_is_help(argv[1])) {
		help(argc < 2 ? stderr : stdout);
		return argc < 2 ? CD_EXIT_USAGE : CD_EXIT_OK;
	}
	if (!strcmp(argv[1], "add"))
		return add(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "password"))
		return set_password(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "disable")) {
		if (argc != 3)
			return cli_usage(_("usage: counterdesk staff disable LOGIN"));
		if ((rc = cli_connect(cli)))
			return rc;
		if (cd_staff_disable(cli->db, argv[2], &err) < 0)
			return cli_fail(&err);
		printf(_("Staff member %s disabled; they can no longer log in.\n"), argv[2]);
		return CD_EXIT_OK;
	}
	if (!strcmp(argv[1], "list")) {
		if ((rc = cli_connect(cli)))
			return rc;
		return list(cli);
	}
	return cli_usage(_("unknown staff command '%s'"), argv[1]);
}
