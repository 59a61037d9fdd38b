/* counterdesk ticket issue|list, window call|recall|noshow|transfer|pause|
 * resume|finish|link-case|list, hall load|check|show|status|close-day: the
 * ticket hall (叫号) from a kiosk, a script or a test, over the same core as
 * the hall screens (hall.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "config.h"
#include "exitcode.h"
#include "hall.h"
#include "i18n.h"
#include "jsonout.h"
#include "text.h"




static const char *status_label(const char *status)
{
	if (!strcmp(status, "waiting"))
		return _("waiting");
	if (!strcmp(status, "called"))
		return _("called");
	if (!strcmp(status, "done"))
		return _("done");
	if (!strcmp(status, "no_show"))
		return _("no-show");
	if (!strcmp(status, "closed"))
		return _("closed");
	return status;
}

static const char *rule_label(const char *rule)
{
	if (!strcmp(rule, "green"))
		return _("green channel first");
	if (!strcmp(rule, "appointment"))
		return _("checked-in appointment");
	if (!strcmp(rule, "arrival"))
		return _("order of arrival");
	if (!strcmp(rule, "fairness"))
		return _("fairness: an ordinary ticket waited too long");
	if (!strcmp(rule, "transfer"))
		return _("transferred to this window");
	if (!strcmp(rule, "out_of_order"))
		return _("out of order");
	return rule;
}

/* "a,b" -> ["a","b"] */
static json_t *cases_json(const char *list)
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

static json_t *ticket_json(const struct cd_ticket *t)
{
	json_t *o = json_object();

	json_object_set_new(o, "number", json_string(t->number));
	json_object_set_new(o, "day", json_string(t->day));
	json_object_set_new(o, "category", json_string(t->category));
	json_object_set_new(o, "category_name", json_string(t->category_name));
	json_object_set_new(o, "green", json_boolean(t->green));
	json_object_set_new(o, "appointment", cd_json_text(t->appointment));
	json_object_set_new(o, "status", json_string(t->status));
	if (t->ahead >= 0)
		json_object_set_new(o, "ahead", json_integer(t->ahead));
	json_object_set_new(o, "issued_at", cd_json_time(t->issued_at));
	json_object_set_new(o, "arrived_at", cd_json_time(t->arrived_at));
	json_object_set_new(o, "called_at", cd_json_time(t->called_at));
	json_object_set_new(o, "finished_at", cd_json_time(t->finished_at));
	json_object_set_new(o, "window", t->window_no ? json_integer(t->window_no) : json_null());
	json_object_set_new(o, "called_by", cd_json_text(t->called_by));
	json_object_set_new(o, "recalls", json_integer(t->recalls));
	json_object_set_new(o, "transfers", json_integer(t->transfers));
	json_object_set_new(o, "wait_seconds", t->wait_seconds >= 0 ? json_integer(t->wait_seconds) : json_null());
	json_object_set_new(o, "service_seconds", json_integer(t->service_seconds));
	json_object_set_new(o, "carried", json_boolean(t->carried));
	json_object_set_new(o, "out_of_order_reason", cd_json_text(t->reason));
	if (t->rule[0])
		json_object_set_new(o, "rule", json_string(t->rule));
	if (t->pri >= 0)
		json_object_set_new(o, "priority", json_string(t->pri == 0 ? "green" :
							       t->pri == 1 ? "appointment" : "arrival"));
	if (t->to_window)
		json_object_set_new(o, "to_window", json_integer(t->to_window));
	json_object_set_new(o, "cases", cases_json(t->cases));
	return o;
}

static bool parse_window(const char *arg, int *out)
{
	char *end;
	long n = strtol(arg, &end, 10);

	if (!*arg || *end || n < 1 || n > 999)
		return false;
	*out = (int)n;
	return true;
}

static void print_ticket_line(const struct cd_ticket *t)
{
	char buf[20], wait[16], svc[16], win[16] = "-";

	if (t->window_no)
		snprintf(win, sizeof(win), "%d", t->window_no);
	else if (t->to_window)
		snprintf(win, sizeof(win), "→%d", t->to_window);
	cd_print_padded(stdout, t->number, 7);
	cd_print_padded(stdout, t->category, 6);
	cd_print_padded(stdout, t->green ? _("green") : t->appointment[0] ? _("appt") : "", 8);
	cd_print_padded(stdout, status_label(t->status), 10);
	cd_print_padded(stdout, win, 7);
	cd_print_padded(stdout, cd_hall_time(t->issued_at, buf), 18);
	cd_print_padded(stdout, cd_hall_duration(t->wait_seconds, wait), 9);
	cd_print_padded(stdout, t->status[0] == 'd' || t->transfers ?
			cd_hall_duration(t->service_seconds, svc) : "-", 9);
	if (t->reason[0])
		printf(_("out of order: %s"), t->reason);
	else if (t->carried)
		fputs(_("carried over"), stdout);
	if (t->cases[0])
		printf(" %s", t->cases);
	putchar('\n');
}

/* ---- ticket -------------------------------------------------------------- */

static void ticket_help(FILE *f)
{
	fputs(_("Usage: counterdesk ticket issue --category C [--green] [--appointment REF] [--json]\n"
		"       counterdesk ticket list [--waiting] [--json]\n"
		"  issue  the kiosk (or a clerk) takes a ticket: number (restarting each day per\n"
		"         letter), category, people ahead, time. --green: the green channel for\n"
		"         elderly and disabled visitors (numbered G001 ..., called first);\n"
		"         --appointment: a checked-in appointment (called after green tickets).\n"
		"  list   today's tickets, waiting ones first in calling order (clerks, supervisors)\n"), f);
}

static int ticket_issue(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "category", required_argument, NULL, 'c' },
		{ "green", no_argument, NULL, 'g' },
		{ "appointment", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *category = NULL, *appointment = NULL;
	bool green = false;
	struct cd_ticket t;
	struct cd_error err;
	char buf[32];
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c': category = optarg; break;
		case 'g': green = true; break;
		case 'a': appointment = optarg; break;
		default:
			ticket_help(stderr);
			return cli_usage(_("bad option '%s'"), argv[optind - 1]);
		}
	}
	if (optind != argc || !category)
		return cli_usage(_("usage: counterdesk ticket issue --category C [--green] [--appointment REF]"));
	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_ticket_issue(cli->db, category, green, appointment, &t, &err) < 0)
		return cli_fail(&err);
	if (cli->json) {
		cd_json_print(ticket_json(&t));
		return CD_EXIT_OK;
	}
	printf(_("Ticket %s  %s %s\n"), t.number, t.category, t.category_name);
	if (t.green)
		puts(_("Green channel: you will be called first."));
	if (t.appointment[0])
		printf(_("Appointment %s checked in.\n"), t.appointment);
	printf(_("People ahead: %d\n"), t.ahead);
	printf(_("Time: %s\n"), cd_hall_time(t.issued_at, buf));
	return CD_EXIT_OK;
}

static int ticket_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "waiting", no_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	bool waiting = false;
	struct cd_ticket *v;
	struct cd_error err;
	size_t n;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'w') {
			ticket_help(stderr);
			return cli_usage(_("bad option '%s'"), argv[optind - 1]);
		}
		waiting = true;
	}
	if (optind != argc)
		return cli_usage(_("usage: counterdesk ticket list [--waiting] [--json]"));
	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_ticket_list(cli->db, waiting, &v, &n, &err) < 0)
		return cli_fail(&err);
	if (cli->json) {
		json_t *a = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, ticket_json(&v[i]));
		cd_json_print(a);
	} else {
		cd_print_padded(stdout, _("NUMBER"), 7);
		cd_print_padded(stdout, _("CAT"), 6);
		cd_print_padded(stdout, "", 8);
		cd_print_padded(stdout, _("STATUS"), 10);
		cd_print_padded(stdout, _("WINDOW"), 7);
		cd_print_padded(stdout, _("ISSUED"), 18);
		cd_print_padded(stdout, _("WAITED"), 9);
		cd_print_padded(stdout, _("SERVICE"), 9);
		putchar('\n');
		for (size_t i = 0; i < n; i++)
			print_ticket_line(&v[i]);
	}
	free(v);
	return CD_EXIT_OK;
}

int cmd_ticket(struct cli *cli, int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		ticket_help(argc < 2 ? stderr : stdout);
		return argc < 2 ? CD_EXIT_USAGE : CD_EXIT_OK;
	}
	if (!strcmp(argv[1], "issue"))
		return ticket_issue(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return ticket_list(cli, argc - 1, argv + 1);
	return cli_usage(_("unknown ticket command '%s'"), argv[1]);
}

/* ---- window -------------------------------------------------------------- */

static void window_help(FILE *f)
{
	fputs(_("Usage: counterdesk window call [--window N] [--json]\n"
		"       counterdesk window call --ticket NUMBER --reason TEXT [--window N] [--json]\n"
		"       counterdesk window recall|noshow|pause|resume [--window N] [--json]\n"
		"       counterdesk window transfer --category C | --window N [--from N] [--json]\n"
		"       counterdesk window finish [--case CASE_NO] [--window N] [--json]\n"
		"       counterdesk window link-case CASE_NO [--window N]\n"
		"       counterdesk window list [--json]\n"
		"--window N is the window you work at (default: your own window), except for\n"
		"transfer, where it is the window the visitor is sent to (--from names yours).\n"
		"  call       call the next ticket: green channel first, then checked-in\n"
		"             appointments, then arrival order; after several priority calls in a\n"
		"             row an ordinary visitor who has waited too long goes first.\n"
		"             --ticket calls one ticket out of order; the reason is recorded.\n"
		"  recall     call the same ticket again (a limited number of times)\n"
		"  noshow     the visitor did not come\n"
		"  transfer   send the visitor to another category or window; they keep their place\n"
		"  pause      the window calls nothing until resume\n"
		"  finish     the service is done (and rated on the window's rating pad)\n"
		"  link-case  the case accepted for this visitor knows this visit\n"
		"  list       every window: what it serves, whom it serves now, who waits for it\n"), f);
}

static void say_called(const struct cd_ticket *t)
{
	char wait[16];

	printf(_("Window %d calls %s (%s %s), waited %s: %s.\n"), t->window_no, t->number, t->category,
	       t->category_name, cd_hall_duration(t->wait_seconds, wait), rule_label(t->rule));
}

/* Parses the options the window verbs share. to_window: transfer's
 * --window; own: --from for transfer, --window otherwise. */
struct window_args {
	int window, to_window;
	const char *ticket, *reason, *category, *case_no;
};

static int window_opts(int argc, char **argv, bool transfer, struct window_args *a)
{
	static const struct option opts[] = {
		{ "window", required_argument, NULL, 'w' },
		{ "from", required_argument, NULL, 'f' },
		{ "ticket", required_argument, NULL, 't' },
		{ "reason", required_argument, NULL, 'r' },
		{ "category", required_argument, NULL, 'c' },
		{ "case", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'w':
			if (!parse_window(optarg, transfer ? &a->to_window : &a->window))
				return cli_usage(_("--window takes a number from 1 to 999"));
			break;
		case 'f':
			if (!transfer || !parse_window(optarg, &a->window))
				return cli_usage(_("--from takes a number from 1 to 999 (transfer only)"));
			break;
		case 't': a->ticket = optarg; break;
		case 'r': a->reason = optarg; break;
		case 'c': a->category = optarg; break;
		case 'k': a->case_no = optarg; break;
		default:
			window_help(stderr);
			return cli_usage(_("bad option '%s'"), argv[optind - 1]);
		}
	}
	return 0;
}

static int window_list(struct cli *cli)
{
	struct cd_window_state *w;
	struct cd_error err;
	size_t n;

	if (cd_hall_windows(cli->db, &w, &n, &err) < 0)
		return cli_fail(&err);
	if (cli->json) {
		json_t *a = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, json_pack("{s:i, s:s, s:b, s:b, s:o, s:o, s:o, s:o, s:i, s:i}",
				"window", w[i].window_no, "categories", w[i].categories,
				"serves_green", w[i].serves_green, "paused", w[i].paused,
				"staff", cd_json_text(w[i].staff), "number", cd_json_text(w[i].number),
				"green", w[i].number[0] ? json_boolean(w[i].green) : json_null(),
				"called_at", cd_json_time(w[i].called_at), "served_today", w[i].served_today,
				"waiting", w[i].waiting));
		cd_json_print(a);
		free(w);
		return CD_EXIT_OK;
	}
	cd_print_padded(stdout, _("WINDOW"), 8);
	cd_print_padded(stdout, _("SERVES"), 10);
	cd_print_padded(stdout, _("STATE"), 10);
	cd_print_padded(stdout, _("NOW"), 8);
	cd_print_padded(stdout, _("SINCE"), 10);
	cd_print_padded(stdout, _("STAFF"), 12);
	cd_print_padded(stdout, _("SERVED"), 8);
	printf("%s\n", _("WAITING"));
	for (size_t i = 0; i < n; i++) {
		char no[16], served[16], waiting[16], since[20];

		snprintf(no, sizeof(no), "%d", w[i].window_no);
		snprintf(served, sizeof(served), "%d", w[i].served_today);
		snprintf(waiting, sizeof(waiting), "%d", w[i].waiting);
		cd_print_padded(stdout, no, 8);
		cd_print_padded(stdout, w[i].categories, 10);
		cd_print_padded(stdout, w[i].paused ? _("paused") : w[i].number[0] ? _("serving") : _("free"), 10);
		cd_print_padded(stdout, w[i].number[0] ? w[i].number : "-", 8);
		cd_print_padded(stdout, w[i].number[0] ? cd_hall_time(w[i].called_at, since) : "-", 10);
		cd_print_padded(stdout, w[i].staff_name[0] ? w[i].staff_name : "-", 12);
		cd_print_padded(stdout, served, 8);
		printf("%s\n", waiting);
	}
	free(w);
	return CD_EXIT_OK;
}

int cmd_window(struct cli *cli, int argc, char **argv)
{
	struct window_args a;
	struct cd_ticket t;
	struct cd_error err;
	const char *verb;
	int rc;

	if (argc < 2 || cli_is_help(argv[1])) {
		window_help(argc < 2 ? stderr : stdout);
		return argc < 2 ? CD_EXIT_USAGE : CD_EXIT_OK;
	}
	verb = argv[1];
	if (strcmp(verb, "call") && strcmp(verb, "recall") && strcmp(verb, "noshow") &&
	    strcmp(verb, "transfer") && strcmp(verb, "pause") && strcmp(verb, "resume") &&
	    strcmp(verb, "finish") && strcmp(verb, "link-case") && strcmp(verb, "list"))
		return cli_usage(_("unknown window command '%s'"), verb);
	if ((rc = window_opts(argc - 1, argv + 1, !strcmp(verb, "transfer"), &a)))
		return rc;
	argc -= 1;
	argv += 1;
	if (!strcmp(verb, "link-case") ? optind != argc - 1 : optind != argc)
		return cli_usage(_("unexpected argument '%s'"), optind < argc ? argv[optind] : verb);
	if (strcmp(verb, "call") && (a.ticket || a.reason))
		return cli_usage(_("--ticket and --reason go with window call"));
	if (!strcmp(verb, "call") && (!a.ticket != !a.reason))
		return cli_usage(_("calling out of order needs both --ticket and --reason"));
	if (strcmp(verb, "transfer") && a.category)
		return cli_usage(_("--category goes with window transfer"));
	if (!strcmp(verb, "transfer") && !a.category == !a.to_window)
		return cli_usage(_("transfer to a category (--category C) or a window (--window N)"));
	if (strcmp(verb, "finish") && a.case_no)
		return cli_usage(_("--case goes with window finish"));
	if ((rc = cli_connect(cli)))
		return rc;

	if (!strcmp(verb, "list"))
		return window_list(cli);
	if (!strcmp(verb, "call")) {
		rc = a.ticket ? cd_window_call_ticket(cli->db, a.window, a.ticket, a.reason, &t, &err)
			      : cd_window_call(cli->db, a.window, &t, &err);
		if (rc < 0)
			return cli_fail(&err);
		if (cli->json)
			cd_json_print(ticket_json(&t));
		else
			say_called(&t);
		return CD_EXIT_OK;
	}
	if (!strcmp(verb, "recall")) {
		char number[16];
		int recalls, limit;

		if (cd_window_recall(cli->db, a.window, number, &recalls, &limit, &err) < 0)
			return cli_fail(&err);
		if (cli->json)
			cd_json_print(json_pack("{s:s, s:i, s:i}", "number", number, "recalls", recalls,
					     "recall_limit", limit));
		else
			printf(_("Calling %s again (%d of %d).\n"), number, recalls, limit);
		return CD_EXIT_OK;
	}
	if (!strcmp(verb, "pause") || !strcmp(verb, "resume")) {
		bool paused = !strcmp(verb, "pause");

		if (cd_window_pause(cli->db, a.window, paused, &err) < 0)
			return cli_fail(&err);
		if (cli->json)
			cd_json_print(json_pack("{s:b}", "paused", paused));
		else
			puts(paused ? _("The window is paused: it calls nobody until resumed.")
				    : _("The window calls again."));
		return CD_EXIT_OK;
	}
	if (!strcmp(verb, "link-case")) {
		char number[16];

		if (cd_window_link_case(cli->db, a.window, argv[optind], number, &err) < 0)
			return cli_fail(&err);
		if (cli->json)
			cd_json_print(json_pack("{s:s, s:s}", "number", number, "case", argv[optind]));
		else
			printf(_("Ticket %s is linked to case %s.\n"), number, argv[optind]);
		return CD_EXIT_OK;
	}
	if (!strcmp(verb, "noshow"))
		rc = cd_window_noshow(cli->db, a.window, &t, &err);
	else if (!strcmp(verb, "transfer"))
		rc = cd_window_transfer(cli->db, a.window, a.category, a.to_window, &t, &err);
	else
		rc = cd_window_finish(cli->db, a.window, a.case_no, &t, &err);
	if (rc < 0)
		return cli_fail(&err);
	if (cli->json) {
		cd_json_print(ticket_json(&t));
	} else if (!strcmp(verb, "noshow")) {
		printf(_("%s did not come: marked as a no-show.\n"), t.number);
	} else if (!strcmp(verb, "transfer")) {
		if (a.to_window)
			printf(_("%s waits for window %d, keeping its place.\n"), t.number, a.to_window);
		else
			printf(_("%s waits for category %s %s, keeping its place.\n"), t.number, t.category,
			       t.category_name);
	} else {
		char wait[16], svc[16];

		printf(_("%s finished: waited %s, served in %s.\n"), t.number,
		       cd_hall_duration(t.wait_seconds, wait), cd_hall_duration(t.service_seconds, svc));
	}
	return CD_EXIT_OK;
}

/* ---- hall ---------------------------------------------------------------- */

static void hall_help(FILE *f)
{
	fputs(_("Usage: counterdesk hall load [--file FILE]\n"
		"       counterdesk hall check [--file FILE]\n"
		"       counterdesk hall show [--json]\n"
		"       counterdesk hall status [--json]\n"
		"       counterdesk hall close-day [--reason TEXT] [--early] [--json]\n"
		"  load       check the hall file ([paths] hall, or FILE) and make it the\n"
		"             configuration in force: categories, windows, calling rules (admins)\n"
		"  check      only check the file; exit 78 with file, section and key when wrong\n"
		"  show       the configuration in force\n"
		"  status     windows and queues now, per category\n"
		"  close-day  close every ticket still waiting (or carry them to tomorrow, as the\n"
		"             hall file says); refused before closing time unless --early with a\n"
		"             reason (supervisors)\n"), f);
}

static int hall_file_opt(int argc, char **argv, const char **file)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'f') {
			hall_help(stderr);
			return cli_usage(_("bad option '%s'"), argv[optind - 1]);
		}
		*file = optarg;
	}
	if (optind != argc)
		return cli_usage(_("unexpected argument '%s'"), argv[optind]);
	return 0;
}

static int hall_read(struct cli *cli, const char *file, struct cd_hall_config **hc)
{
	char msg[1024];
	int rc;

	if (!file) {
		if ((rc = cli_config(cli)))
			return rc;
		file = cli->cfg->hall_file;
	}
	if (cd_hall_config_load(file, hc, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "counterdesk: %s\n", msg);
		return CD_EXIT_CONFIG;
	}
	return 0;
}

static void print_status(struct cli *cli, const struct cd_queue_stat *q, size_t n)
{
	if (cli->json)
		return;
	putchar('\n');
	cd_print_padded(stdout, _("CATEGORY"), 16);
	cd_print_padded(stdout, _("WAITING"), 9);
	cd_print_padded(stdout, _("GREEN"), 7);
	cd_print_padded(stdout, _("APPT"), 6);
	cd_print_padded(stdout, _("LONGEST"), 9);
	cd_print_padded(stdout, _("SERVED"), 8);
	cd_print_padded(stdout, _("NO-SHOW"), 9);
	cd_print_padded(stdout, _("AVG WAIT"), 10);
	printf("%s\n", _("AVG SERVICE"));
	for (size_t i = 0; i < n; i++) {
		char name[160], a[16], b[16], c[16], d[16], e[16], f[16], g[16], h[16];

		snprintf(name, sizeof(name), "%s %s", q[i].category, q[i].name);
		snprintf(a, sizeof(a), "%d", q[i].waiting);
		snprintf(b, sizeof(b), "%d", q[i].green);
		snprintf(c, sizeof(c), "%d", q[i].appointments);
		snprintf(d, sizeof(d), "%d", q[i].served);
		snprintf(e, sizeof(e), "%d", q[i].no_shows);
		cd_print_padded(stdout, name, 16);
		cd_print_padded(stdout, a, 9);
		cd_print_padded(stdout, b, 7);
		cd_print_padded(stdout, c, 6);
		cd_print_padded(stdout, cd_hall_duration(q[i].longest_wait_seconds, f), 9);
		cd_print_padded(stdout, d, 8);
		cd_print_padded(stdout, e, 9);
		cd_print_padded(stdout, cd_hall_duration(q[i].avg_wait_seconds, g), 10);
		printf("%s\n", cd_hall_duration(q[i].avg_service_seconds, h));
	}
}

static int hall_status(struct cli *cli)
{
	struct cd_queue_stat *q;
	struct cd_error err;
	size_t n;
	int rc;

	if (cli->json) {
		struct cd_window_state *w;
		size_t nw;
		json_t *o, *wa = json_array(), *qa = json_array();

		if (cd_hall_windows(cli->db, &w, &nw, &err) < 0 || cd_hall_queue(cli->db, &q, &n, &err) < 0) {
			free(w);
			json_decref(wa);
			json_decref(qa);
			return cli_fail(&err);
		}
		for (size_t i = 0; i < nw; i++)
			json_array_append_new(wa, json_pack("{s:i, s:s, s:b, s:o, s:i, s:i}",
				"window", w[i].window_no, "categories", w[i].categories, "paused", w[i].paused,
				"number", cd_json_text(w[i].number), "served_today", w[i].served_today,
				"waiting", w[i].waiting));
		for (size_t i = 0; i < n; i++)
			json_array_append_new(qa, json_pack("{s:s, s:s, s:i, s:i, s:i, s:o, s:i, s:i, s:i, s:o, s:o}",
				"category", q[i].category, "name", q[i].name, "waiting", q[i].waiting,
				"green", q[i].green, "appointments", q[i].appointments,
				"longest_wait_seconds", q[i].longest_wait_seconds >= 0 ?
					json_integer(q[i].longest_wait_seconds) : json_null(),
				"served", q[i].served, "no_shows", q[i].no_shows, "closed", q[i].closed,
				"avg_wait_seconds", q[i].avg_wait_seconds >= 0 ?
					json_integer(q[i].avg_wait_seconds) : json_null(),
				"avg_service_seconds", q[i].avg_service_seconds >= 0 ?
					json_integer(q[i].avg_service_seconds) : json_null()));
		o = json_pack("{s:o, s:o}", "windows", wa, "categories", qa);
		cd_json_print(o);
		free(w);
		free(q);
		return CD_EXIT_OK;
	}
	if ((rc = window_list(cli)) != CD_EXIT_OK)
		return rc;
	if (cd_hall_queue(cli->db, &q, &n, &err) < 0)
		return cli_fail(&err);
	print_status(cli, q, n);
	free(q);
	return CD_EXIT_OK;
}

static int hall_show(struct cli *cli)
{
	struct cd_error err;
	char *json;
	json_t *o, *v;
	size_t i;

	if (cd_hall_config_fetch(cli->db, &json, &err) < 0)
		return cli_fail(&err);
	if (!json) {
		fputs(_("counterdesk: the hall is not configured: run counterdesk hall load\n"), stderr);
		return CD_EXIT_NO;
	}
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
	v = json_object_get(o, "rules");
	printf(_("Rules: after %d priority calls in a row, an ordinary ticket waiting over %d minutes goes first;\n"
		 "       %d recalls; closing time %s, then waiting tickets are %s.\n"),
	       (int)json_integer_value(json_object_get(v, "priority_cap")),
	       (int)json_integer_value(json_object_get(v, "ordinary_wait_minutes")),
	       (int)json_integer_value(json_object_get(v, "recall_limit")),
	       json_string_value(json_object_get(v, "closing_time")),
	       !strcmp(json_string_value(json_object_get(v, "at_closing")), "carry") ?
			_("carried to the next day") : _("closed"));
	printf(_("Green channel: category %s.\n"), json_string_value(json_object_get(v, "green_category")));
	v = json_object_get(o, "ratings");
	printf(_("Bad ratings: call back within %d working days, rectify within %d.\n"),
	       (int)json_integer_value(json_object_get(v, "callback_working_days")),
	       (int)json_integer_value(json_object_get(v, "rectify_working_days")));
	puts(_("Categories:"));
	json_array_foreach(json_object_get(o, "categories"), i, v)
		printf("  %s  %s\n", json_string_value(json_object_get(v, "code")),
		       json_string_value(json_object_get(v, "name")));
	puts(_("Windows:"));
	json_array_foreach(json_object_get(o, "windows"), i, v) {
		json_t *c;
		size_t j;

		printf("  %3d ", (int)json_integer_value(json_object_get(v, "window")));
		json_array_foreach(json_object_get(v, "categories"), j, c)
			printf(" %s", json_string_value(c));
		putchar('\n');
	}
	json_decref(o);
	return CD_EXIT_OK;
}

static int hall_close(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "early", no_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	const char *reason = NULL;
	bool early = false;
	struct cd_close_day out;
	struct cd_error err;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r': reason = optarg; break;
		case 'e': early = true; break;
		default:
			hall_help(stderr);
			return cli_usage(_("bad option '%s'"), argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage(_("unexpected argument '%s'"), argv[optind]);
	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_hall_close_day(cli->db, reason, early, &out, &err) < 0)
		return cli_fail(&err);
	if (cli->json)
		cd_json_print(json_pack("{s:s, s:i, s:i, s:s}", "day", out.day, "closed", out.closed,
				     "carried", out.carried, "reason", out.reason));
	else
		printf(_("The hall is closed for %s: %d tickets closed, %d carried to the next day (%s).\n"),
		       out.day, out.closed, out.carried, out.reason);
	return CD_EXIT_OK;
}

int cmd_hall(struct cli *cli, int argc, char **argv)
{
	struct cd_hall_config *hc = NULL;
	struct cd_error err;
	const char *file = NULL;
	int rc, ncat, nwin;

	if (argc < 2 || cli_is_help(argv[1])) {
		hall_help(argc < 2 ? stderr : stdout);
		return argc < 2 ? CD_EXIT_USAGE : CD_EXIT_OK;
	}
	if (!strcmp(argv[1], "check") || !strcmp(argv[1], "load")) {
		bool load = !strcmp(argv[1], "load");

		if ((rc = hall_file_opt(argc - 1, argv + 1, &file)) || (rc = hall_read(cli, file, &hc)))
			return rc;
		if (!load) {
			printf(_("%s: %zu categories, %zu windows: correct.\n"), hc->path, hc->ncategories,
			       hc->nwindows);
			cd_hall_config_free(&hc);
			return CD_EXIT_OK;
		}
		if ((rc = cli_connect(cli))) {
			cd_hall_config_free(&hc);
			return rc;
		}
		rc = cd_hall_load(cli->db, hc, &ncat, &nwin, &err);
		cd_hall_config_free(&hc);
		if (rc < 0)
			return cli_fail(&err);
		if (cli->json)
			cd_json_print(json_pack("{s:i, s:i}", "categories", ncat, "windows", nwin));
		else
			printf(_("Hall loaded: %d categories, %d windows.\n"), ncat, nwin);
		return CD_EXIT_OK;
	}
	if (!strcmp(argv[1], "close-day"))
		return hall_close(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "show") || !strcmp(argv[1], "status")) {
		if (argc != 2)
			return cli_usage(_("unexpected argument '%s'"), argv[2]);
		if ((rc = cli_connect(cli)))
			return rc;
		return !strcmp(argv[1], "show") ? hall_show(cli) : hall_status(cli);
	}
	return cli_usage(_("unknown hall command '%s'"), argv[1]);
}
