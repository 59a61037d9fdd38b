/* counterdesk calendar load [DIR] | show YEAR | add DATE N [--count-start]:
 * the working-day calendar of config/holidays/YEAR.ini, checked in C, shown
 * and counted from the files, and loaded into the database (admins). */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <iniparser/iniparser.h>
#include <jansson.h>

#include "calendar.h"
#include "cli.h"
#include "config.h"
#include "db.h"
#include "exitcode.h"
#include "i18n.h"
#include "text.h"
#include "util.h"

static void help(FILE *f)
{
	fputs(_("Usage: counterdesk calendar load [DIR] [--json]\n"
		"       counterdesk calendar show YEAR [DIR] [--json]\n"
		"       counterdesk calendar add DATE N [--count-start] [DIR]\n"
		"  load   check every YEAR.ini of DIR and install each year in the database\n"
		"         (admins); DIR defaults to [paths] holidays of the configuration\n"
		"  show   the year's days off (public holidays) and make-up working days (调休)\n"
		"  add    the date N working days after DATE (YYYY-MM-DD); with --count-start a\n"
		"         DATE that is a working day counts as day 1\n"
		"show and add read the files only and need no database.\n"), f);
}

/* A configuration that exists must load; with none at all, ./config/holidays. */
static int default_dir(struct cli *cli, const char **dir)
{
	const char *env = getenv("COUNTERDESK_CONFIG");
	int rc;

	*dir = "config/holidays";
	if (!cli->cfg && !(cli->config_arg && *cli->config_arg) && !(env && *env) &&
	    access(cd_config_path(NULL), F_OK) != 0)
		return 0;
	if ((rc = cli_config(cli)))
		return rc;
	if (cli->cfg->holidays_dir && *cli->cfg->holidays_dir)
		*dir = cli->cfg->holidays_dir;
	return 0;
}

static int open_calendar(struct cli *cli, const char *dir_arg, const char **dir,
			 struct cd_calendar **cal)
{
	char err[1024];
	int rc;

	*dir = dir_arg;
	if (!*dir && (rc = default_dir(cli, dir)))
		return rc;
	if (cd_calendar_load_dir(*dir, cal, err, sizeof(err)) < 0) {
		fprintf(stderr, "counterdesk: %s\n", err);
		return CD_EXIT_NO;
	}
	return 0;
}

/* The years that have a file, ascending. */
static size_t years_of(const char *dir, int *years, size_t cap)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < cap) {
		const char *s = e->d_name;

		if (strlen(s) == 8 && !strcmp(s + 4, ".ini") && s[0] >= '0' && s[0] <= '9' &&
		    s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9' && s[3] >= '0' &&
		    s[3] <= '9')
			years[n++] = atoi(s);
	}
	closedir(d);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && years[j - 1] > years[j]; j--) {
			int t = years[j];

			years[j] = years[j - 1];
			years[j - 1] = t;
		}
	return n;
}

/* The names of the year's days, by day of the year, from its file (which
 * cd_calendar_load_dir has checked already). */
struct year_names {
	char *name[366];
	bool listed[366];
};

static void names_free(struct year_names *yn)
{
	for (int i = 0; i < 366; i++)
		free(yn->name[i]);
}

static void read_names(const char *dir, int year, struct year_names *yn)
{
	static const char *const sections[] = { "off", "work" };
	char *path = xasprintf("%s/%04d.ini", dir, year);
	dictionary *d = iniparser_load(path);
	long first = cd_date_to_days((struct cd_date){ year, 1, 1 });

	memset(yn, 0, sizeof(*yn));
	free(path);
	if (!d)
		return;
	for (size_t s = 0; s < ARRAY_SIZE(sections); s++) {
		int n = iniparser_getsecnkeys(d, sections[s]);
		const char **keys;

		if (n <= 0)
			continue;
		keys = xcalloc((size_t)n, sizeof(*keys));
		iniparser_getseckeys(d, sections[s], keys);
		for (int k = 0; k < n; k++) {
			const char *v = iniparser_getstring(d, keys[k], "");
			const char *name = strchr(keys[k], ':') ? strchr(keys[k], ':') + 1 : keys[k];
			struct cd_date a, b;
			char buf[CD_DATE_LEN];

			snprintf(buf, sizeof(buf), "%.10s", v);
			if (cd_date_parse(buf, &a) < 0)
				continue;
			b = a;
			if (strlen(v) == 22 && !strncmp(v + 10, "..", 2) && cd_date_parse(v + 12, &b) < 0)
				b = a;
			for (long day = cd_date_to_days(a); day <= cd_date_to_days(b); day++) {
				long i = day - first;

				if (i < 0 || i >= 366 || yn->name[i])
					continue;
				yn->name[i] = xstrdup(name);
				yn->listed[i] = true;
			}
		}
		free(keys);
	}
	iniparser_freedict(d);
}

static const char *const weekday_zh[] = { "", "一", "二", "三", "四", "五", "六", "日" };

/* Every day of year that the files list or that differs from Monday to Friday. */
static json_t *year_days(const struct cd_calendar *cal, const struct year_names *yn, int year,
			 bool listed_too)
{
	long first = cd_date_to_days((struct cd_date){ year, 1, 1 });
	long last = cd_date_to_days((struct cd_date){ year, 12, 31 });
	json_t *a = json_array();
	char buf[CD_DATE_LEN];

	for (long day = first; day <= last; day++) {
		struct cd_date d = cd_date_from_days(day);
		int wd = cd_date_weekday(d);
		bool working = cd_is_working_day(cal, d.y, d.m, d.d);
		bool differs = working != (wd <= 5);
		json_t *o;

		if (!differs && !(listed_too && yn->listed[day - first]))
			continue;
		o = json_object();
		json_object_set_new(o, "date", json_string(cd_date_format(d, buf)));
		json_object_set_new(o, "working", json_boolean(working));
		if (yn->name[day - first])
			json_object_set_new(o, "name", json_string(yn->name[day - first]));
		json_array_append_new(a, o);
	}
	return a;
}

static int load(struct cli *cli, const char *dir_arg)
{
	struct cd_calendar *cal = NULL;
	const char *dir;
	int years[200], rc;
	size_t n;

	if ((rc = open_calendar(cli, dir_arg, &dir, &cal)))
		return rc;
	n = years_of(dir, years, ARRAY_SIZE(years));
	if ((rc = cli_connect(cli))) {
		cd_calendar_free(&cal);
		return rc;
	}
	if (cli->json)
		fputs("[", stdout);
	for (size_t i = 0; i < n; i++) {
		struct year_names yn;
		struct cd_error err;
		char op[CD_UUID_LEN], year[16];
		const char *p[3];
		json_t *days;
		char *text;
		PGresult *res;

		read_names(dir, years[i], &yn);
		days = year_days(cal, &yn, years[i], false);
		text = json_dumps(days, JSON_COMPACT);
		cd_uuid4(op);
		snprintf(year, sizeof(year), "%d", years[i]);
		p[0] = op;
		p[1] = year;
		p[2] = text;
		res = cd_db_exec_op(cli->db, op, "SELECT api.calendar_load($1::uuid, $2::int, $3::jsonb)",
				    3, p, &err);
		free(text);
		names_free(&yn);
		if (!res) {
			if (cli->json)
				fputs("]\n", stdout);
			cd_calendar_free(&cal);
			json_decref(days);
			return cli_fail(&err);
		}
		if (cli->json)
			printf("%s{\"year\":%d,\"days\":%zu}", i ? "," : "", years[i],
			       json_array_size(days));
		else
			printf(_("%d: %zu days that differ from Monday to Friday loaded\n"), years[i],
			       json_array_size(days));
		json_decref(days);
		PQclear(res);
	}
	if (cli->json)
		fputs("]\n", stdout);
	cd_calendar_free(&cal);
	return CD_EXIT_OK;
}

static int parse_year(const char *s, int *year)
{
	char *end;
	long y = strtol(s, &end, 10);

	if (*end || end == s || y < 1 || y > 9999)
		return -1;
	*year = (int)y;
	return 0;
}

static int show(struct cli *cli, const char *year_arg, const char *dir_arg)
{
	struct cd_calendar *cal = NULL;
	struct year_names yn;
	const char *dir;
	json_t *days, *o;
	int year, rc;
	size_t i;

	if (parse_year(year_arg, &year) < 0)
		return cli_usage(_("'%s' is not a year"), year_arg);
	if ((rc = open_calendar(cli, dir_arg, &dir, &cal)))
		return rc;
	if (!cd_calendar_covers(cal, year)) {
		fprintf(stderr, _("counterdesk: no calendar for %d: %s/%d.ini is missing\n"), year,
			dir, year);
		cd_calendar_free(&cal);
		return CD_EXIT_NO;
	}
	read_names(dir, year, &yn);
	days = year_days(cal, &yn, year, true);
	if (cli->json) {
		char *text = json_dumps(days, JSON_COMPACT);

		printf("%s\n", text);
		free(text);
	} else {
		printf(_("Days off (public holidays) in %d:\n"), year);
		json_array_foreach(days, i, o) {
			struct cd_date d;

			if (json_is_true(json_object_get(o, "working")))
				continue;
			cd_date_parse(json_string_value(json_object_get(o, "date")), &d);
			printf("  %s %s  %s\n", json_string_value(json_object_get(o, "date")),
			       weekday_zh[cd_date_weekday(d)],
			       json_string_value(json_object_get(o, "name")) ?
				       json_string_value(json_object_get(o, "name")) : "");
		}
		printf(_("Make-up working days (调休) in %d:\n"), year);
		json_array_foreach(days, i, o) {
			struct cd_date d;

			if (!json_is_true(json_object_get(o, "working")))
				continue;
			cd_date_parse(json_string_value(json_object_get(o, "date")), &d);
			printf("  %s %s  %s\n", json_string_value(json_object_get(o, "date")),
			       weekday_zh[cd_date_weekday(d)],
			       json_string_value(json_object_get(o, "name")) ?
				       json_string_value(json_object_get(o, "name")) : "");
		}
	}
	json_decref(days);
	names_free(&yn);
	cd_calendar_free(&cal);
	return CD_EXIT_OK;
}

static int add(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count-start", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cd_calendar *cal = NULL;
	struct cd_date start, out;
	struct cd_error err;
	bool count_start = false;
	const char *dir;
	char buf[CD_DATE_LEN], *end;
	long n;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 's')
			count_start = true;
		else if (c == 'h')
			return help(stdout), CD_EXIT_OK;
		else
			return cli_usage(_("unknown option '%s'"), argv[optind - 1]);
	}
	if (argc - optind < 2 || argc - optind > 3)
		return cli_usage(_("usage: counterdesk calendar add DATE N [--count-start] [DIR]"));
	if (cd_date_parse(argv[optind], &start) < 0) {
		fprintf(stderr, _("counterdesk: '%s' is not a date: write YYYY-MM-DD\n"), argv[optind]);
		return CD_EXIT_NO;
	}
	n = strtol(argv[optind + 1], &end, 10);
	if (*end || end == argv[optind + 1] || n < 0 || n > 3650) {
		fprintf(stderr, _("counterdesk: '%s' is not a number of working days (0 to 3650)\n"),
			argv[optind + 1]);
		return CD_EXIT_NO;
	}
	if ((rc = open_calendar(cli, argc - optind == 3 ? argv[optind + 2] : NULL, &dir, &cal)))
		return rc;
	rc = cd_add_working_days(cal, start, (int)n, count_start, &out, &err);
	cd_calendar_free(&cal);
	if (rc < 0)
		return cli_fail(&err);
	if (cli->json)
		printf("{\"date\":\"%s\"}\n", cd_date_format(out, buf));
	else
		printf("%s\n", cd_date_format(out, buf));
	return CD_EXIT_OK;
}

int cmd_calendar(struct cli *cli, int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		help(argc < 2 ? stderr : stdout);
		return argc < 2 ? CD_EXIT_USAGE : CD_EXIT_OK;
	}
	if (!strcmp(argv[1], "load")) {
		if (argc > 3)
			return cli_usage(_("usage: counterdesk calendar load [DIR] [--json]"));
		return load(cli, argc == 3 ? argv[2] : NULL);
	}
	if (!strcmp(argv[1], "show")) {
		if (argc < 3 || argc > 4)
			return cli_usage(_("usage: counterdesk calendar show YEAR [DIR] [--json]"));
		return show(cli, argv[2], argc == 4 ? argv[3] : NULL);
	}
	if (!strcmp(argv[1], "add"))
		return add(cli, argc - 1, argv + 1);
	return cli_usage(_("unknown calendar command '%s'"), argv[1]);
}
