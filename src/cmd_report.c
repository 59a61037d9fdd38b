/* counterdesk report daily|weekly|monthly|range: the figures a centre is judged
 * by, for supervisors (the database refuses anyone else). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "exitcode.h"
#include "i18n.h"
#include "report.h"

static void help(FILE *f)
{
	fputs(_("Usage: counterdesk report daily [--date YYYY-MM-DD] [--format text|csv|json]\n"
		"       counterdesk report weekly [--date YYYY-MM-DD] [--format text|csv|json]\n"
		"       counterdesk report monthly [--date YYYY-MM-DD] [--format text|csv|json]\n"
		"       counterdesk report range --from YYYY-MM-DD --to YYYY-MM-DD [--format text|csv|json]\n"
		"  daily    one day (default today)\n"
		"  weekly   Monday to Sunday of the week holding --date (default this week)\n"
		"  monthly  the calendar month holding --date (default this month)\n"
		"  range    any period of 1 to 366 days\n"
		"Tickets and waiting time (median, 90th percentile) per category; cases per item;\n"
		"the share done with at most one visit; 容缺 acceptances made good in time; ratings\n"
		"per level and the bad ratings' follow-up; assisted sessions. CSV is one figure a\n"
		"line: section,key,metric,value. --json is --format json.\n"), f);
}

/* A real date written YYYY-MM-DD (2025-02-30 is not one). */
static bool is_date(const char *s)
{
	char a[11], b[11];

	return s && strlen(s) == 10 && cd_report_period("daily", s, a, b) == 0;
}

int cmd_report(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "date", required_argument, NULL, 'd' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	const char *kind, *day = NULL, *from = NULL, *to = NULL;
	enum cd_report_format fmt = cli->json ? CD_REPORT_JSON : CD_REPORT_TEXT;
	char a[11], b[11], today[11];
	struct cd_error err;
	json_t *r;
	time_t now = time(NULL);
	struct tm tm;
	int c, rc;

	if (argc < 2 || cli_is_help(argv[1])) {
		help(argc < 2 ? stderr : stdout);
		return argc < 2 ? CD_EXIT_USAGE : CD_EXIT_OK;
	}
	kind = argv[1];
	if (strcmp(kind, "daily") && strcmp(kind, "weekly") && strcmp(kind, "monthly") && strcmp(kind, "range"))
		return cli_usage(_("unknown report '%s' (daily, weekly, monthly or range)"), kind);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': day = optarg; break;
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'F':
			if (!strcmp(optarg, "text"))
				fmt = CD_REPORT_TEXT;
			else if (!strcmp(optarg, "csv"))
				fmt = CD_REPORT_CSV;
			else if (!strcmp(optarg, "json"))
				fmt = CD_REPORT_JSON;
			else
				return cli_usage(_("--format is text, csv or json"));
			break;
		default:
			help(stderr);
			return cli_usage(_("bad option '%s'"), argv[optind]);
		}
	}
	if (optind != argc - 1)
		return cli_usage(_("unexpected argument '%s'"), argv[optind + 1]);
	if (!strcmp(kind, "range")) {
		if (!from || !to || day)
			return cli_usage(_("report range needs --from and --to"));
		if (!is_date(from) || !is_date(to))
			return cli_usage(_("--from and --to take a date YYYY-MM-DD"));
	} else {
		if (from || to)
			return cli_usage(_("--from and --to are for report range; use --date"));
		localtime_r(&now, &tm);
		strftime(today, sizeof(today), "%Y-%m-%d", &tm);
		if (!day)
			day = today;
		if (!is_date(day) || cd_report_period(kind, day, a, b) < 0)
			return cli_usage(_("--date takes a date YYYY-MM-DD"));
		from = a;
		to = b;
		if (!strcmp(kind, "daily") && day == today)
			from = to = NULL; /* the centre's today, as the server counts it */
	}
	if ((rc = cli_connect(cli)))
		return rc;
	cd_error_clear(&err);
	r = cd_report_fetch(cli->db, from, to, &err);
	if (!r)
		return cli_fail(&err);
	cd_report_write(stdout, r, fmt);
	json_decref(r);
	return CD_EXIT_OK;
}
