/* counterdesk green start|end|list|followups|close-followup|report: the
 * green channel (绿色通道, 帮办代办) over the core of hall.h. Only helpers log
 * sessions; the database refuses anyone else. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "calendar.h"
#include "cli.h"
#include "config.h"
#include "crypto.h"
#include "exitcode.h"
#include "hall.h"
#include "i18n.h"
#include "jsonout.h"
#include "text.h"
#include "util.h"

static void help(FILE *f)
{
	fputs(_("Usage: counterdesk green start [--ticket G001] [--window N] [--age-band B] [--need LIST]\n"
		"                         [--need-note TEXT] [--name NAME] [--idno ID]\n"
		"                         [--proxy-name NAME --proxy-relation R --proxy-auth MATERIAL]\n"
		"                         [--typed-by visitor|helper|proxy] [--consent yes|no] [--json]\n"
		"       counterdesk green end SESSION --outcome done|referred|home_visit [--case CASE_NO]...\n"
		"                         [--note TEXT] [--dept CODE] [--visit-date YYYY-MM-DD] [--json]\n"
		"       counterdesk green list [--open] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]\n"
		"       counterdesk green followups [--all] [--json]\n"
		"       counterdesk green close-followup ID --note TEXT\n"
		"       counterdesk green report [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]\n"
		"  start           a helper starts an assisted session, from a green ticket or for a\n"
		"                  walk-in. Needs: vision, hearing, mobility, cognitive, language,\n"
		"                  digital, other (comma-separated or repeated). Age bands: 0-59,\n"
		"                  60-69, 70-79, 80+. A name, identity number or proxy name is\n"
		"                  recorded only with --consent yes; the identity number is encrypted.\n"
		"  end             what was done (cases accepted and/or a note) and the outcome;\n"
		"                  home_visit needs --visit-date and opens a follow-up\n"
		"  list            sessions (a helper's own; all for a supervisor)\n"
		"  followups       home visits still open (--all: closed ones too)\n"
		"  close-followup  record the home visit done\n"
		"  report          sessions per day, duration median and 90th percentile, needs,\n"
		"                  outcomes, follow-ups open and overdue (default: today)\n"), f);
}




/* "a,b" -> ["a","b"] */
static json_t *list_json(const char *list)
{
	json_t *a = json_array();
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ",");
		json_array_append_new(a, json_stringn(p, n));
		p += n;
		if (*p == ',')
			p++;
	}
	return a;
}

/* "vision,mobility" -> "视力, 行动" for people. */
static void print_needs(const char *list)
{
	const char *p = list;
	bool first = true;

	while (*p) {
		char one[32];
		size_t n = strcspn(p, ",");

		snprintf(one, sizeof(one), "%.*s", (int)n, p);
		printf("%s%s", first ? "" : ", ", cd_green_label(one));
		first = false;
		p += n;
		if (*p == ',')
			p++;
	}
	if (first)
		putchar('-');
}

static bool parse_id(const char *arg, long long *out)
{
	char *end;
	long long v = strtoll(arg, &end, 10);

	if (!*arg || *end || v < 1)
		return false;
	*out = v;
	return true;
}

static bool valid_date(const char *s)
{
	struct cd_date d;

	return cd_date_parse(s, &d) == 0;
}

static int load_keys(struct cli *cli, struct cd_keys **keys)
{
	enum cd_crypto_err ce;

	if (cd_crypto_init() != 0) {
		fputs("counterdesk: libsodium could not start\n", stderr);
		return CD_EXIT_SOFTWARE;
	}
	ce = cd_keys_load(cli->cfg->key_file, keys);
	if (ce != CD_CRYPTO_OK) {
		fprintf(stderr, "counterdesk: %s: %s\n", cli->cfg->key_file, _(cd_crypto_strerror(ce)));
		return CD_EXIT_CONFIG;
	}
	return 0;
}

static int start(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ticket", required_argument, NULL, 't' },
		{ "window", required_argument, NULL, 'w' },
		{ "age-band", required_argument, NULL, 'a' },
		{ "need", required_argument, NULL, 'n' },
		{ "need-note", required_argument, NULL, 'N' },
		{ "name", required_argument, NULL, 'm' },
		{ "idno", required_argument, NULL, 'i' },
		{ "proxy-name", required_argument, NULL, 'p' },
		{ "proxy-relation", required_argument, NULL, 'r' },
		{ "proxy-auth", required_argument, NULL, 'A' },
		{ "typed-by", required_argument, NULL, 'y' },
		{ "consent", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct cd_green_visitor v = { 0 };
	struct cd_green_started out;
	struct cd_keys *keys = NULL;
	struct cd_error err;
	char needs[256] = "", buf[20];
	const char *consent = NULL;
	char *end;
	long w;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't': v.ticket = optarg; break;
		case 'w':
			w = strtol(optarg, &end, 10);
			if (*end || w < 1 || w > 999)
				return cli_usage(_("--window takes a number from 1 to 999"));
			v.window = (int)w;
			break;
		case 'a': v.age_band = optarg; break;
		case 'n':
			if (strlen(needs) + strlen(optarg) + 2 > sizeof(needs))
				return cli_usage(_("too many --need values"));
			if (needs[0])
				strcat(needs, ",");
			strcat(needs, optarg);
			break;
		case 'N': v.need_note = optarg; break;
		case 'm': v.name = optarg; break;
		case 'i': v.idno = optarg; break;
		case 'p': v.proxy_name = optarg; break;
		case 'r': v.proxy_relation = optarg; break;
		case 'A': v.proxy_authorisation = optarg; break;
		case 'y': v.typed_by = optarg; break;
		case 'c': consent = optarg; break;
		default:
			help(stderr);
			return cli_usage(_("bad option '%s'"), argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage(_("unexpected argument '%s'"), argv[optind]);
	if (consent && strcmp(consent, "yes") && strcmp(consent, "no"))
		return cli_usage(_("--consent takes yes or no"));
	v.consent = consent && !strcmp(consent, "yes");
	if (!consent && (v.name || v.idno || v.proxy_name))
		return cli_usage(_("a name or identity number is recorded only with --consent yes"));
	v.needs = needs;
	if ((rc = cli_connect(cli)))
		return rc;
	if (v.idno && *v.idno && (rc = load_keys(cli, &keys)))
		return rc;
	rc = cd_green_start(cli->db, keys, &v, &out, &err);
	cd_keys_free(&keys);
	if (rc < 0)
		return cli_fail(&err);
	if (cli->json) {
		cd_json_print(json_pack("{s:I, s:o, s:o}", "session", (json_int_t)out.session_no,
				     "started_at", cd_json_time(out.started_at), "ticket", cd_json_text(out.ticket)));
	} else if (out.ticket[0]) {
		printf(_("Assisted session %lld started at %s for ticket %s.\n"), out.session_no,
		       cd_hall_time(out.started_at, buf), out.ticket);
	} else {
		printf(_("Assisted session %lld started at %s for a walk-in visitor.\n"), out.session_no,
		       cd_hall_time(out.started_at, buf));
	}
	return CD_EXIT_OK;
}

static int end(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "outcome", required_argument, NULL, 'o' },
		{ "case", required_argument, NULL, 'k' },
		{ "note", required_argument, NULL, 'n' },
		{ "dept", required_argument, NULL, 'd' },
		{ "visit-date", required_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const char *outcome = NULL, *note = NULL, *dept = NULL, *visit = NULL;
	const char **cases = xcalloc((size_t)argc + 1, sizeof(*cases));
	size_t ncases = 0;
	struct cd_green_ended out;
	struct cd_error err;
	long long session = 0;
	char dur[16];
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o': outcome = optarg; break;
		case 'k': cases[ncases++] = optarg; break;
		case 'n': note = optarg; break;
		case 'd': dept = optarg; break;
		case 'v': visit = optarg; break;
		default:
			free(cases);
			help(stderr);
			return cli_usage(_("bad option '%s'"), argv[optind - 1]);
		}
	}
	rc = 0;
	if (optind != argc - 1 || !parse_id(argv[optind], &session))
		rc = cli_usage(_("usage: counterdesk green end SESSION --outcome done|referred|home_visit ..."));
	else if (!outcome)
		rc = cli_usage(_("--outcome is required: done, referred or home_visit"));
	else if (visit && !valid_date(visit))
		rc = cli_usage(_("--visit-date takes a date YYYY-MM-DD"));
	if (!rc)
		rc = cli_connect(cli);
	if (rc) {
		free(cases);
		return rc;
	}
	rc = cd_green_end(cli->db, session, outcome, cases, ncases, note, dept, visit, &out, &err);
	free(cases);
	if (rc < 0)
		return cli_fail(&err);
	if (cli->json) {
		cd_json_print(json_pack("{s:I, s:i, s:o}", "session", (json_int_t)out.session_no,
				     "duration_seconds", out.duration_seconds,
				     "followup", out.followup_id ? json_integer(out.followup_id) : json_null()));
		return CD_EXIT_OK;
	}
	printf(_("Assisted session %lld ended after %s: %s.\n"), out.session_no,
	       cd_hall_duration(out.duration_seconds, dur), cd_green_label(outcome));
	if (out.followup_id)
		printf(_("Home visit follow-up %lld is open for %s.\n"), out.followup_id, visit);
	return CD_EXIT_OK;
}

static int list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "open", no_argument, NULL, 'o' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *from = NULL, *to = NULL;
	bool open_only = false;
	struct cd_green_session *g;
	struct cd_error err;
	size_t n;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o': open_only = true; break;
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		default:
			help(stderr);
			return cli_usage(_("bad option '%s'"), argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage(_("unexpected argument '%s'"), argv[optind]);
	if ((from && !valid_date(from)) || (to && !valid_date(to)))
		return cli_usage(_("--from and --to take a date YYYY-MM-DD"));
	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_green_sessions(cli->db, open_only, from, to, &g, &n, &err) < 0)
		return cli_fail(&err);
	if (cli->json) {
		json_t *a = json_array();

		for (size_t i = 0; i < n; i++) {
			json_t *o = json_object();

			json_object_set_new(o, "session", json_integer(g[i].session_no));
			json_object_set_new(o, "helper", json_string(g[i].helper));
			json_object_set_new(o, "ticket", cd_json_text(g[i].ticket));
			json_object_set_new(o, "window", g[i].window_no ? json_integer(g[i].window_no) : json_null());
			json_object_set_new(o, "started_at", cd_json_time(g[i].started_at));
			json_object_set_new(o, "ended_at", cd_json_time(g[i].ended_at));
			json_object_set_new(o, "duration_seconds", g[i].duration_seconds >= 0 ?
					    json_integer(g[i].duration_seconds) : json_null());
			json_object_set_new(o, "age_band", cd_json_text(g[i].age_band));
			json_object_set_new(o, "needs", list_json(g[i].needs));
			json_object_set_new(o, "need_note", cd_json_text(g[i].need_note));
			json_object_set_new(o, "visitor_name", cd_json_text(g[i].visitor_name));
			json_object_set_new(o, "visitor_id_mask", cd_json_text(g[i].visitor_id_mask));
			json_object_set_new(o, "proxy_name", cd_json_text(g[i].proxy_name));
			json_object_set_new(o, "proxy_relation", cd_json_text(g[i].proxy_relation));
			json_object_set_new(o, "proxy_authorisation", cd_json_text(g[i].proxy_authorisation));
			json_object_set_new(o, "typed_by", json_string(g[i].typed_by));
			json_object_set_new(o, "consent", json_boolean(g[i].consent));
			json_object_set_new(o, "outcome", cd_json_text(g[i].outcome));
			json_object_set_new(o, "referred_to", cd_json_text(g[i].referred_to));
			json_object_set_new(o, "cases", list_json(g[i].cases));
			json_object_set_new(o, "note", cd_json_text(g[i].note));
			json_object_set_new(o, "followup", g[i].followup_id ? json_integer(g[i].followup_id) : json_null());
			json_array_append_new(a, o);
		}
		cd_json_print(a);
	} else {
		for (size_t i = 0; i < n; i++) {
			char s[20], d[16];

			printf("%-5lld %s %-6s %-8s ", g[i].session_no, cd_hall_time(g[i].started_at, s),
			       g[i].ticket[0] ? g[i].ticket : "-",
			       g[i].outcome[0] ? cd_green_label(g[i].outcome) : _("open"));
			printf("%s ", cd_hall_duration(g[i].duration_seconds, d));
			print_needs(g[i].needs);
			if (g[i].proxy_relation)
				printf(_("  proxy: %s (%s)"), g[i].proxy_name ? g[i].proxy_name : "-",
				       g[i].proxy_relation);
			putchar('\n');
		}
	}
	cd_green_sessions_free(&g, n);
	return CD_EXIT_OK;
}

static int followups(struct cli *cli, int argc, char **argv)
{
	struct cd_green_followup *f;
	struct cd_error err;
	bool all = argc == 2 && !strcmp(argv[1], "--all");
	size_t n;
	int rc;

	if (argc > 2 || (argc == 2 && !all))
		return cli_usage(_("usage: counterdesk green followups [--all] [--json]"));
	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_green_followups(cli->db, !all, &f, &n, &err) < 0)
		return cli_fail(&err);
	if (cli->json) {
		json_t *a = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, json_pack("{s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:b}",
				"id", (json_int_t)f[i].id, "session", (json_int_t)f[i].session_no,
				"visit_date", f[i].visit_date, "helper", f[i].helper,
				"visitor_name", cd_json_text(f[i].visitor_name), "needs", list_json(f[i].needs),
				"note", cd_json_text(f[i].note), "closed_at", cd_json_time(f[i].closed_at),
				"close_note", cd_json_text(f[i].close_note), "overdue", f[i].overdue));
		cd_json_print(a);
	} else {
		if (n == 0)
			puts(_("No home visit is open."));
		for (size_t i = 0; i < n; i++) {
			printf("%-5lld %s  %s  ", f[i].id, f[i].visit_date,
			       f[i].closed_at ? _("closed") : f[i].overdue ? _("OVERDUE") : _("open"));
			printf(_("session %lld, %s"), f[i].session_no,
			       f[i].helper_name ? f[i].helper_name : f[i].helper);
			if (f[i].visitor_name)
				printf(", %s", f[i].visitor_name);
			if (f[i].note)
				printf(": %s", f[i].note);
			putchar('\n');
		}
	}
	cd_green_followups_free(&f, n);
	return CD_EXIT_OK;
}

static int close_followup(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "note", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *note = NULL;
	struct cd_error err;
	long long id;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'n') {
			help(stderr);
			return cli_usage(_("bad option '%s'"), argv[optind - 1]);
		}
		note = optarg;
	}
	if (optind != argc - 1 || !parse_id(argv[optind], &id) || !note)
		return cli_usage(_("usage: counterdesk green close-followup ID --note TEXT"));
	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_green_close_followup(cli->db, id, note, &err) < 0)
		return cli_fail(&err);
	printf(_("Follow-up %lld closed.\n"), id);
	return CD_EXIT_OK;
}

static void print_counts(json_t *o, const char *const *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%s%s %lld", i ? ", " : "", cd_green_label(keys[i]),
		       (long long)json_integer_value(json_object_get(o, keys[i])));
	putchar('\n');
}

static const char *minutes(json_t *v, char buf[16])
{
	if (json_is_number(v))
		snprintf(buf, 16, "%.1f", json_number_value(v));
	else
		snprintf(buf, 16, "-");
	return buf;
}

static int report(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const outcomes[] = { "done", "referred", "home_visit" };
	static const char *const typed[] = { "visitor", "helper", "proxy" };
	const char *from = NULL, *to = NULL;
	struct cd_error err;
	char *json, a[16], b[16];
	json_t *o, *v, *d;
	size_t i;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		default:
			help(stderr);
			return cli_usage(_("bad option '%s'"), argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage(_("unexpected argument '%s'"), argv[optind]);
	if ((from && !valid_date(from)) || (to && !valid_date(to)))
		return cli_usage(_("--from and --to take a date YYYY-MM-DD"));
	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_green_report(cli->db, from, to, &json, &err) < 0)
		return cli_fail(&err);
	o = json_loads(json, 0, NULL);
	free(json);
	if (!o) {
		fputs("counterdesk: unexpected answer from the database\n", stderr);
		return CD_EXIT_SOFTWARE;
	}
	if (cli->json) {
		cd_json_print(o);
		return CD_EXIT_OK;
	}
	printf(_("Green channel, %s to %s\n"), json_string_value(json_object_get(o, "from")),
	       json_string_value(json_object_get(o, "to")));
	printf(_("Sessions: %lld (%lld ended)\n"),
	       (long long)json_integer_value(json_object_get(o, "sessions")),
	       (long long)json_integer_value(json_object_get(o, "ended")));
	v = json_object_get(o, "duration_minutes");
	printf(_("Duration: median %s min, 90th percentile %s min\n"),
	       minutes(json_object_get(v, "median"), a), minutes(json_object_get(v, "p90"), b));
	puts(_("Per day:"));
	json_array_foreach(json_object_get(o, "per_day"), i, d)
		printf(_("  %s  %lld sessions, median %s min, 90th percentile %s min\n"),
		       json_string_value(json_object_get(d, "day")),
		       (long long)json_integer_value(json_object_get(d, "sessions")),
		       minutes(json_object_get(d, "median_minutes"), a),
		       minutes(json_object_get(d, "p90_minutes"), b));
	fputs(_("Needs: "), stdout);
	print_counts(json_object_get(o, "needs"), cd_green_needs, ARRAY_SIZE(cd_green_needs));
	fputs(_("Outcomes: "), stdout);
	printf("%s %lld, ", _("open"),
	       (long long)json_integer_value(json_object_get(json_object_get(o, "outcomes"), "open")));
	print_counts(json_object_get(o, "outcomes"), outcomes, ARRAY_SIZE(outcomes));
	fputs(_("Typed by: "), stdout);
	print_counts(json_object_get(o, "typed_by"), typed, ARRAY_SIZE(typed));
	printf(_("With a relative or proxy: %lld\n"),
	       (long long)json_integer_value(json_object_get(o, "with_proxy")));
	v = json_object_get(o, "followups");
	printf(_("Home visits: %lld open, %lld overdue\n"),
	       (long long)json_integer_value(json_object_get(v, "open")),
	       (long long)json_integer_value(json_object_get(v, "overdue")));
	json_decref(o);
	return CD_EXIT_OK;
}

int cmd_green(struct cli *cli, int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		help(argc < 2 ? stderr : stdout);
		return argc < 2 ? CD_EXIT_USAGE : CD_EXIT_OK;
	}
	if (!strcmp(argv[1], "start"))
		return start(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "end"))
		return end(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return list(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "followups"))
		return followups(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "close-followup"))
		return close_followup(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "report"))
		return report(cli, argc - 1, argv + 1);
	return cli_usage(_("unknown green command '%s'"), argv[1]);
}
