/* counterdesk rating add|rerate|pending|followups|callback|rectify|appeal|
 * decide-appeal|list: on-site 好差评 over the core of hall.h. Only the kiosk
 * account rates; only supervisors work the follow-ups and decide appeals. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "calendar.h"
#include "cli.h"
#include "exitcode.h"
#include "hall.h"
#include "i18n.h"
#include "jsonout.h"
#include "text.h"

static void help(FILE *f)
{
	fputs(_("Usage: counterdesk rating add --window N --level 1-5 [--reason TEXT] [--json]\n"
		"       counterdesk rating pending --window N [--json]\n"
		"       counterdesk rating rerate ID --level 1-5 [--reason TEXT]\n"
		"       counterdesk rating followups [--all] [--json]\n"
		"       counterdesk rating callback ID --note TEXT\n"
		"       counterdesk rating rectify ID --note TEXT\n"
		"       counterdesk rating appeal ID --reason TEXT\n"
		"       counterdesk rating decide-appeal ID --accept|--reject --reason TEXT\n"
		"       counterdesk rating list [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]\n"
		"Levels: 1 very satisfied, 2 satisfied, 3 basically satisfied, 4 dissatisfied,\n"
		"5 very dissatisfied; 4 and 5 need a reason and open a follow-up.\n"
		"  add            the kiosk account rates the service last finished at window N\n"
		"                 (once per service; staff cannot rate)\n"
		"  pending        what the rating pad of window N would rate now\n"
		"  rerate         the one follow-up rating after the call back (kiosk account)\n"
		"  followups      open follow-ups of bad ratings by deadline (supervisors)\n"
		"  callback       the visitor was called back (supervisors)\n"
		"  rectify        what was rectified; closes the follow-up (supervisors)\n"
		"  appeal         the centre appeals a rating as mistaken or malicious\n"
		"  decide-appeal  a supervisor other than the appellant decides\n"
		"  list           ratings of a period (supervisors; default today)\n"), f);
}




static bool parse_num(const char *arg, long long lo, long long hi, long long *out)
{
	char *end;
	long long v = strtoll(arg, &end, 10);

	if (!*arg || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

struct rating_args {
	long long window, level;
	const char *reason, *note, *from, *to;
	int accept; /* -1 unset, 0 reject, 1 accept */
	bool all;
};

static int parse(int argc, char **argv, struct rating_args *a)
{
	static const struct option opts[] = {
		{ "window", required_argument, NULL, 'w' },
		{ "level", required_argument, NULL, 'l' },
		{ "reason", required_argument, NULL, 'r' },
		{ "note", required_argument, NULL, 'n' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "accept", no_argument, NULL, 'A' },
		{ "reject", no_argument, NULL, 'R' },
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct cd_date d;
	int c;

	memset(a, 0, sizeof(*a));
	a->accept = -1;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'w':
			if (!parse_num(optarg, 1, 999, &a->window))
				return cli_usage(_("--window takes a number from 1 to 999"));
			break;
		case 'l':
			if (!parse_num(optarg, 1, 5, &a->level))
				return cli_usage(_("--level takes a number from 1 (very satisfied) to 5 (very dissatisfied)"));
			break;
		case 'r': a->reason = optarg; break;
		case 'n': a->note = optarg; break;
		case 'f':
		case 't':
			if (cd_date_parse(optarg, &d) != 0)
				return cli_usage(_("--from and --to take a date YYYY-MM-DD"));
			*(c == 'f' ? &a->from : &a->to) = optarg;
			break;
		case 'A':
		case 'R':
			if (a->accept >= 0)
				return cli_usage(_("give either --accept or --reject"));
			a->accept = c == 'A';
			break;
		case 'a': a->all = true; break;
		default:
			help(stderr);
			return cli_usage(_("bad option '%s'"), argv[optind - 1]);
		}
	}
	return 0;
}

static int add(struct cli *cli, const struct rating_args *a)
{
	struct cd_rating_result r;
	struct cd_error err;
	char cb[20], rf[20];
	int rc;

	if (!a->window || !a->level)
		return cli_usage(_("usage: counterdesk rating add --window N --level 1-5 [--reason TEXT]"));
	if (cd_rating_needs_reason((int)a->level) && (!a->reason || !*a->reason))
		return cli_usage(_("levels 4 and 5 need --reason"));
	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_rating_add(cli->db, (int)a->window, (int)a->level, a->reason, &r, &err) < 0)
		return cli_fail(&err);
	if (cli->json) {
		cd_json_print(json_pack("{s:I, s:s, s:i, s:b, s:o, s:o, s:o}", "rating", (json_int_t)r.rating_id,
			"number", r.number, "level", r.level, "followup", r.followup,
			"callback_due", cd_json_time(r.callback_due), "rectify_due", cd_json_time(r.rectify_due),
			"due_basis", cd_json_text(r.due_basis)));
		return CD_EXIT_OK;
	}
	printf(_("Thank you. Rating %lld for %s: %s.\n"), r.rating_id, r.number,
	       cd_rating_level_label(r.level));
	if (r.followup) {
		printf(_("Follow-up opened: call back by %s, rectify by %s.\n"),
		       cd_hall_time(r.callback_due, cb), cd_hall_time(r.rectify_due, rf));
		if (!strcmp(r.due_basis, "weekdays"))
			puts(_("Note: the working-day calendar is not loaded for these dates; Monday to Friday were counted."));
	}
	return CD_EXIT_OK;
}

static int pending(struct cli *cli, const struct rating_args *a)
{
	struct cd_rating_pending p;
	struct cd_error err;
	char buf[20];
	int rc;

	if (!a->window)
		return cli_usage(_("usage: counterdesk rating pending --window N"));
	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_rating_pending(cli->db, (int)a->window, &p, &err) < 0)
		return cli_fail(&err);
	if (cli->json) {
		cd_json_print(p.found ? json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:o}", "window", p.window_no,
					       "number", p.number, "category", p.category,
					       "category_name", p.category_name, "served_by", p.served_by,
					       "served_by_name", p.served_by_name,
					       "finished_at", cd_json_time(p.finished_at))
				   : json_null());
		return p.found ? CD_EXIT_OK : CD_EXIT_NO;
	}
	if (!p.found) {
		printf(_("Window %lld has no finished service waiting for a rating.\n"), a->window);
		return CD_EXIT_NO;
	}
	printf(_("Window %d: %s (%s %s), served by %s, finished at %s.\n"), p.window_no, p.number,
	       p.category, p.category_name, p.served_by_name[0] ? p.served_by_name : p.served_by,
	       cd_hall_time(p.finished_at, buf));
	return CD_EXIT_OK;
}

static const char *state_label(const char *state)
{
	if (!strcmp(state, "callback"))
		return _("to call back");
	if (!strcmp(state, "rectify"))
		return _("to rectify");
	if (!strcmp(state, "closed"))
		return _("closed");
	if (!strcmp(state, "cancelled"))
		return _("cancelled by appeal");
	return state;
}

static int followups(struct cli *cli, const struct rating_args *a)
{
	struct cd_rating_followup *f;
	struct cd_error err;
	size_t n;
	int rc;

	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_rating_followups(cli->db, !a->all, &f, &n, &err) < 0)
		return cli_fail(&err);
	if (cli->json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++) {
			json_t *o = json_object();

			json_object_set_new(o, "rating", json_integer(f[i].rating_id));
			json_object_set_new(o, "rated_at", cd_json_time(f[i].rated_at));
			json_object_set_new(o, "window", json_integer(f[i].window_no));
			json_object_set_new(o, "number", json_string(f[i].number));
			json_object_set_new(o, "served_by", json_string(f[i].served_by));
			json_object_set_new(o, "level", json_integer(f[i].level));
			json_object_set_new(o, "reason", cd_json_text(f[i].reason));
			json_object_set_new(o, "state", json_string(f[i].state));
			json_object_set_new(o, "callback_due", cd_json_time(f[i].callback_due));
			json_object_set_new(o, "called_back_at", cd_json_time(f[i].called_back_at));
			json_object_set_new(o, "callback_note", cd_json_text(f[i].callback_note));
			json_object_set_new(o, "rectify_due", cd_json_time(f[i].rectify_due));
			json_object_set_new(o, "rectified_at", cd_json_time(f[i].rectified_at));
			json_object_set_new(o, "rectify_note", cd_json_text(f[i].rectify_note));
			json_object_set_new(o, "followup_level", f[i].followup_level ?
					    json_integer(f[i].followup_level) : json_null());
			json_object_set_new(o, "due_basis", json_string(f[i].due_basis));
			json_object_set_new(o, "appeal", cd_json_text(f[i].appeal));
			json_object_set_new(o, "overdue", json_boolean(f[i].overdue));
			json_array_append_new(arr, o);
		}
		cd_json_print(arr);
	} else {
		if (n == 0)
			puts(_("No bad rating is waiting for a follow-up."));
		for (size_t i = 0; i < n; i++) {
			char due[20];
			time_t next = !strcmp(f[i].state, "callback") ? f[i].callback_due : f[i].rectify_due;

			printf("%-5lld %s %-6s %s  ", f[i].rating_id, f[i].overdue ? _("OVERDUE") : "       ",
			       f[i].number, cd_rating_level_label(f[i].level));
			if (!strcmp(f[i].state, "callback") || !strcmp(f[i].state, "rectify"))
				printf(_("%s by %s"), state_label(f[i].state), cd_hall_time(next, due));
			else
				fputs(state_label(f[i].state), stdout);
			printf(_("  window %d, %s: %s"), f[i].window_no,
			       f[i].served_by_name ? f[i].served_by_name : f[i].served_by,
			       f[i].reason ? f[i].reason : "");
			if (f[i].appeal[0])
				printf(_("  (appeal %s)"), f[i].appeal);
			putchar('\n');
		}
	}
	cd_rating_followups_free(&f, n);
	return CD_EXIT_OK;
}

static int list(struct cli *cli, const struct rating_args *a)
{
	struct cd_rating *r;
	struct cd_error err;
	size_t n;
	int rc;

	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_rating_list(cli->db, a->from, a->to, &r, &n, &err) < 0)
		return cli_fail(&err);
	if (cli->json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_pack("{s:I, s:o, s:i, s:s, s:s, s:i, s:o, s:b, s:b, s:o}",
				"rating", (json_int_t)r[i].rating_id, "rated_at", cd_json_time(r[i].rated_at),
				"window", r[i].window_no, "number", r[i].number, "served_by", r[i].served_by,
				"level", r[i].level, "reason", cd_json_text(r[i].reason), "void", r[i].void_,
				"followup", r[i].followup, "appeal", cd_json_text(r[i].appeal)));
		cd_json_print(arr);
	} else {
		for (size_t i = 0; i < n; i++) {
			char t[20];

			printf("%-5lld %s %3d %-6s %-10s ", r[i].rating_id, cd_hall_time(r[i].rated_at, t),
			       r[i].window_no, r[i].number, r[i].served_by);
			fputs(cd_rating_level_label(r[i].level), stdout);
			if (r[i].reason)
				printf(": %s", r[i].reason);
			puts(r[i].void_ ? _(" (void: appeal accepted)") : "");
		}
	}
	cd_ratings_free(&r, n);
	return CD_EXIT_OK;
}

int cmd_rating(struct cli *cli, int argc, char **argv)
{
	struct rating_args a;
	struct cd_error err;
	const char *verb;
	long long id = 0;
	bool needs_id;
	int rc;

	if (argc < 2 || cli_is_help(argv[1])) {
		help(argc < 2 ? stderr : stdout);
		return argc < 2 ? CD_EXIT_USAGE : CD_EXIT_OK;
	}
	verb = argv[1];
	needs_id = !strcmp(verb, "rerate") || !strcmp(verb, "callback") || !strcmp(verb, "rectify") ||
		   !strcmp(verb, "appeal") || !strcmp(verb, "decide-appeal");
	if (!needs_id && strcmp(verb, "add") && strcmp(verb, "pending") && strcmp(verb, "followups") &&
	    strcmp(verb, "list"))
		return cli_usage(_("unknown rating command '%s'"), verb);
	if ((rc = parse(argc - 1, argv + 1, &a)))
		return rc;
	argc -= 1;
	argv += 1;
	if (needs_id ? optind != argc - 1 || !parse_num(argv[optind], 1, 1LL << 62, &id) : optind != argc)
		return cli_usage(_("usage: counterdesk rating %s%s ..."), verb, needs_id ? " ID" : "");

	if (!strcmp(verb, "add"))
		return add(cli, &a);
	if (!strcmp(verb, "pending"))
		return pending(cli, &a);
	if (!strcmp(verb, "followups"))
		return followups(cli, &a);
	if (!strcmp(verb, "list"))
		return list(cli, &a);

	if (!strcmp(verb, "rerate") && !a.level)
		return cli_usage(_("usage: counterdesk rating rerate ID --level 1-5 [--reason TEXT]"));
	if ((!strcmp(verb, "callback") || !strcmp(verb, "rectify")) && !a.note)
		return cli_usage(_("--note is required: what was done"));
	if ((!strcmp(verb, "appeal") || !strcmp(verb, "decide-appeal")) && !a.reason)
		return cli_usage(_("--reason is required"));
	if (!strcmp(verb, "decide-appeal") && a.accept < 0)
		return cli_usage(_("give either --accept or --reject"));
	if ((rc = cli_connect(cli)))
		return rc;
	if (!strcmp(verb, "rerate"))
		rc = cd_rating_rerate(cli->db, id, (int)a.level, a.reason, &err);
	else if (!strcmp(verb, "callback"))
		rc = cd_rating_callback(cli->db, id, a.note, &err);
	else if (!strcmp(verb, "rectify"))
		rc = cd_rating_rectify(cli->db, id, a.note, &err);
	else if (!strcmp(verb, "appeal"))
		rc = cd_rating_appeal(cli->db, id, a.reason, &err);
	else
		rc = cd_rating_decide_appeal(cli->db, id, a.accept == 1, a.reason, &err);
	if (rc < 0)
		return cli_fail(&err);
	if (!strcmp(verb, "rerate"))
		printf(_("Follow-up rating for %lld recorded: %s.\n"), id, cd_rating_level_label((int)a.level));
	else if (!strcmp(verb, "callback"))
		printf(_("Call back recorded for rating %lld.\n"), id);
	else if (!strcmp(verb, "rectify"))
		printf(_("Rectification recorded: the follow-up of rating %lld is closed.\n"), id);
	else if (!strcmp(verb, "appeal"))
		printf(_("Rating %lld is appealed; a supervisor decides.\n"), id);
	else
		printf(a.accept == 1 ? _("Appeal accepted: rating %lld no longer counts.\n")
				     : _("Appeal rejected: rating %lld stands.\n"), id);
	return CD_EXIT_OK;
}
