/* counterdesk task list|show|claim|decide|release|reassign|overdue|summary:
 * the reviewer's queue and decisions from a script or a test, over the same
 * core as the review screens (task.h). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "exitcode.h"
#include "i18n.h"
#include "jsonout.h"
#include "task.h"
#include "taskout.h"
#include "text.h"
#include "util.h"

#define LIST_LIMIT 100          /* a screenful of work; the server allows 500 */

static void help(FILE *f)
{
	fputs(_("Usage: counterdesk task list [--dept CODE] [--status S] [--item CODE] [--overdue]\n"
		"                             [--mine] [--limit N] [--json]\n"
		"       counterdesk task show TASK_ID [--json]\n"
		"       counterdesk task claim TASK_ID | --next [--json]\n"
		"       counterdesk task decide TASK_ID --approve [--note TEXT]\n"
		"       counterdesk task decide TASK_ID --return \"WHAT IS NEEDED\"\n"
		"       counterdesk task decide TASK_ID --reject \"REASON\"\n"
		"       counterdesk task decide TASK_ID --transfer DEPT --reason TEXT\n"
		"       counterdesk task decide TASK_ID --note TEXT\n"
		"       counterdesk task release TASK_ID\n"
		"       counterdesk task reassign TASK_ID --to LOGIN|DEPT --reason TEXT\n"
		"       counterdesk task overdue [--limit N] [--json]\n"
		"       counterdesk task summary [--json]\n"
		"  list      your department's unfinished tasks, soonest deadline first, with their\n"
		"            lights (supervisors: every department, or --dept). --status: open,\n"
		"            claimed, returned or unclaimed; --overdue: red only; --mine: yours\n"
		"  show      one task\n"
		"  claim     take a task (sign for it); --next takes the most urgent unclaimed one\n"
		"  decide    on a task you hold: approve, return for correction (补正), reject,\n"
		"            transfer to another department, or add a note\n"
		"  release   put a task you hold back in the queue\n"
		"  reassign  supervisors: give a task to a reviewer (lower-case login) or a\n"
		"            department (upper-case code), with the reason\n"
		"  overdue   supervisors: red tasks and tasks not signed for in time\n"
		"  summary   open, claimed, returned, yellow and red tasks per department\n"
		"Exit 0 done, 1 refused or nothing to take, 2 usage, 77 no rights.\n"), f);
}

static bool parse_id(const char *s, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (!*s || *end || errno || v < 1)
		return false;
	*out = v;
	return true;
}

static bool parse_limit(const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 1 || v > 500)
		return false;
	*out = (int)v;
	return true;
}

/* The single TASK_ID left after the options, or a usage complaint. */
static int one_id(int argc, char **argv, const char *usage, long long *id)
{
	if (optind + 1 != argc)
		return cli_usage("%s", usage);
	if (!parse_id(argv[optind], id))
		return cli_usage(_("'%s' is not a task number"), argv[optind]);
	return 0;
}

static int print_tasks(struct cli *cli, struct cd_task *t, size_t n, const char *none)
{
	if (cli->json)
		cd_json_print(cd_tasks_json(t, n));
	else if (n)
		cd_task_table(stdout, t, n);
	else
		printf("%s\n", none);
	free(t);
	return CD_EXIT_OK;
}

static int task_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dept", required_argument, NULL, 'd' },
		{ "status", required_argument, NULL, 's' },
		{ "item", required_argument, NULL, 'i' },
		{ "overdue", no_argument, NULL, 'o' },
		{ "mine", no_argument, NULL, 'm' },
		{ "limit", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const statuses[] = { "open", "claimed", "returned", "unclaimed" };
	const char *usage = _("usage: counterdesk task list [--dept CODE] [--status S] [--item CODE]"
			      " [--overdue] [--mine] [--limit N] [--json]");
	struct cd_task_filter f = { 0 };
	struct cd_task *t;
	struct cd_error err;
	int c, rc, limit = LIST_LIMIT;
	bool known = false;
	size_t n;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': f.dept = optarg; break;
		case 's': f.status = optarg; break;
		case 'i': f.item = optarg; break;
		case 'o': f.overdue = true; break;
		case 'm': f.mine = true; break;
		case 'l':
			if (!parse_limit(optarg, &limit))
				return cli_usage(_("--limit takes a number from 1 to 500"));
			break;
		default:
			return cli_usage("%s", usage);
		}
	}
	if (optind != argc)
		return cli_usage("%s", usage);
	for (size_t i = 0; f.status && i < ARRAY_SIZE(statuses); i++)
		known |= !strcmp(f.status, statuses[i]);
	if (f.status && !known)
		return cli_usage(_("--status takes open, claimed, returned or unclaimed, not '%s'"),
				 f.status);
	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_task_list(cli->db, &f, NULL, limit, &t, &n, &err) < 0)
		return cli_fail(&err);
	return print_tasks(cli, t, n, _("No tasks."));
}

static int show_task(struct cli *cli, const struct cd_task *t)
{
	if (cli->json)
		cd_json_print(cd_task_json(t));
	else
		cd_task_detail(stdout, t);
	return CD_EXIT_OK;
}

static int task_show(struct cli *cli, int argc, char **argv)
{
	struct cd_task t;
	struct cd_error err;
	long long id;
	int rc;

	optind = 1;
	if ((rc = one_id(argc, argv, _("usage: counterdesk task show TASK_ID [--json]"), &id)))
		return rc;
	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_task_get(cli->db, id, &t, &err) < 0)
		return cli_fail(&err);
	return show_task(cli, &t);
}

static int task_claim(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "next", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *usage = _("usage: counterdesk task claim TASK_ID | --next [--json]");
	struct cd_task t;
	struct cd_error err;
	bool next = false;
	long long id = 0;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'n')
			next = true;
		else
			return cli_usage("%s", usage);
	}
	if (next && optind != argc)
		return cli_usage("%s", usage);
	if (!next && (rc = one_id(argc, argv, usage, &id)))
		return rc;
	if ((rc = cli_connect(cli)))
		return rc;
	rc = next ? cd_task_take_next(cli->db, &t, &err) : cd_task_claim(cli->db, id, &t, &err);
	if (rc < 0)
		return cli_fail(&err);
	if (!cli->json)
		printf(_("You hold task %lld now.\n"), t.id);
	return show_task(cli, &t);
}

static const char *case_status_text(const char *status)
{
	return status && *status ? cd_case_status_label(status) : "-";
}

static int task_decide(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "approve", no_argument, NULL, 'a' },
		{ "return", required_argument, NULL, 'R' },
		{ "reject", required_argument, NULL, 'j' },
		{ "transfer", required_argument, NULL, 't' },
		{ "reason", required_argument, NULL, 'r' },
		{ "note", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const names[] = {
		[CD_DECIDE_APPROVE] = "approve", [CD_DECIDE_RETURN] = "return",
		[CD_DECIDE_REJECT] = "reject", [CD_DECIDE_TRANSFER] = "transfer",
		[CD_DECIDE_NOTE] = "note",
	};
	const char *usage = _("usage: counterdesk task decide TASK_ID --approve [--note TEXT] |"
			      " --return WHAT | --reject REASON | --transfer DEPT --reason TEXT |"
			      " --note TEXT");
	const char *text = NULL, *note = NULL, *reason = NULL, *dept = NULL;
	struct cd_decision_result r;
	struct cd_error err;
	enum cd_decision d = CD_DECIDE_NOTE;
	int c, rc, chosen = 0;
	long long id;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a': d = CD_DECIDE_APPROVE; chosen++; break;
		case 'R': d = CD_DECIDE_RETURN; text = optarg; chosen++; break;
		case 'j': d = CD_DECIDE_REJECT; text = optarg; chosen++; break;
		case 't': d = CD_DECIDE_TRANSFER; dept = optarg; chosen++; break;
		case 'r': reason = optarg; break;
		case 'n': note = optarg; break;
		default:
			return cli_usage("%s", usage);
		}
	}
	if ((rc = one_id(argc, argv, usage, &id)))
		return rc;
	/* --note alone is the note decision; with --approve it is the reason. */
	if (!chosen && note) {
		text = note;
		note = NULL;
		chosen = 1;
	}
	if (chosen != 1)
		return cli_usage("%s", _("say one decision: --approve, --return, --reject, --transfer "
					 "or --note"));
	if (d == CD_DECIDE_APPROVE)
		text = note, note = NULL;
	if (d == CD_DECIDE_TRANSFER) {
		if (!reason)
			return cli_usage("%s", _("--transfer needs --reason: why the task goes elsewhere"));
		text = reason, reason = NULL;
	}
	if (note || reason)
		return cli_usage("%s", usage);
	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_task_decide(cli->db, id, d, text, dept, &r, &err) < 0)
		return cli_fail(&err);
	if (cli->json) {
		json_t *o = json_object();

		json_object_set_new(o, "task_id", json_integer(id));
		json_object_set_new(o, "decision", json_string(names[d]));
		json_object_set_new(o, "task_status", cd_json_text(r.task_status));
		json_object_set_new(o, "case_status", cd_json_text(r.case_status));
		json_object_set_new(o, "started", json_integer(r.started));
		cd_json_print(o);
		return CD_EXIT_OK;
	}
	switch (d) {
	case CD_DECIDE_APPROVE:
		printf(_("Task %lld approved.\n"), id);
		break;
	case CD_DECIDE_RETURN:
		printf(_("Task %lld returned for correction; the applicant is asked for: %s\n"), id, text);
		break;
	case CD_DECIDE_REJECT:
		printf(_("Task %lld rejected: %s\n"), id, text);
		break;
	case CD_DECIDE_TRANSFER:
		printf(_("Task %lld transferred to %s.\n"), id, dept);
		break;
	case CD_DECIDE_NOTE:
		printf(_("Note added to task %lld.\n"), id);
		break;
	}
	printf(_("Case status: %s\n"), case_status_text(r.case_status));
	if (r.started)
		printf(_("Tasks of the next step started: %d\n"), r.started);
	return CD_EXIT_OK;
}

static int task_release(struct cli *cli, int argc, char **argv)
{
	struct cd_task t;
	struct cd_error err;
	long long id;
	int rc;

	optind = 1;
	if ((rc = one_id(argc, argv, _("usage: counterdesk task release TASK_ID"), &id)))
		return rc;
	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_task_release(cli->db, id, &t, &err) < 0)
		return cli_fail(&err);
	if (cli->json)
		return show_task(cli, &t);
	printf(_("Task %lld is back in the queue of %s.\n"), t.id, t.dept);
	return CD_EXIT_OK;
}

/* Department codes start with a capital letter, logins with a small one
 * (sql/002_core.sql), so one option can take either. */
static bool is_dept_code(const char *s)
{
	return *s >= 'A' && *s <= 'Z';
}

static int task_reassign(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *usage = _("usage: counterdesk task reassign TASK_ID --to LOGIN|DEPT --reason TEXT");
	const char *to = NULL, *reason = NULL;
	struct cd_task t;
	struct cd_error err;
	long long id;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 't')
			to = optarg;
		else if (c == 'r')
			reason = optarg;
		else
			return cli_usage("%s", usage);
	}
	if ((rc = one_id(argc, argv, usage, &id)))
		return rc;
	if (!to || !*to || !reason)
		return cli_usage("%s", usage);
	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_task_reassign(cli->db, id, is_dept_code(to) ? NULL : to, is_dept_code(to) ? to : NULL,
			     reason, &t, &err) < 0)
		return cli_fail(&err);
	if (cli->json)
		return show_task(cli, &t);
	printf(_("Task %lld reassigned to %s.\n"), t.id, to);
	cd_task_detail(stdout, &t);
	return CD_EXIT_OK;
}

static int task_overdue(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	struct cd_task *t;
	struct cd_error err;
	int c, rc, limit = LIST_LIMIT;
	size_t n;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'l' || !parse_limit(optarg, &limit))
			return cli_usage(_("usage: counterdesk task overdue [--limit N] [--json]"));
	}
	if (optind != argc)
		return cli_usage(_("usage: counterdesk task overdue [--limit N] [--json]"));
	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_task_overdue(cli->db, limit, &t, &n, &err) < 0)
		return cli_fail(&err);
	return print_tasks(cli, t, n, _("No overdue tasks."));
}

static int task_summary(struct cli *cli, int argc)
{
	struct cd_dept_load *d;
	struct cd_error err;
	size_t n;
	int rc;

	if (argc != 1)
		return cli_usage(_("usage: counterdesk task summary [--json]"));
	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_task_dept_summary(cli->db, &d, &n, &err) < 0)
		return cli_fail(&err);
	if (cli->json) {
		json_t *a = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i}",
				"dept", d[i].dept, "dept_name", d[i].dept_name, "open", d[i].open,
				"claimed", d[i].claimed, "returned", d[i].returned, "yellow", d[i].yellow,
				"red", d[i].red, "unclaimed_late", d[i].unclaimed_late));
		cd_json_print(a);
	} else {
		const char *head[] = { _("Dept"), _("To claim"), _("Claimed"), _("Returned"),
				       _("Yellow"), _("Red"), _("Not signed for in time") };
		int width = 0;

		for (size_t i = 0; i < n; i++) {
			char name[160];

			snprintf(name, sizeof(name), "%s %s", d[i].dept, d[i].dept_name);
			if (cd_text_width(name) > width)
				width = cd_text_width(name);
		}
		if (cd_text_width(head[0]) > width)
			width = cd_text_width(head[0]);
		cd_print_padded(stdout, head[0], width + 2);
		for (size_t k = 1; k < ARRAY_SIZE(head); k++) {
			cd_print_padded(stdout, head[k], k + 1 < ARRAY_SIZE(head) ?
					cd_text_width(head[k]) + 2 : 0);
		}
		putchar('\n');
		for (size_t i = 0; i < n; i++) {
			const int v[] = { d[i].open, d[i].claimed, d[i].returned, d[i].yellow,
					  d[i].red, d[i].unclaimed_late };
			char name[160], num[16];

			snprintf(name, sizeof(name), "%s %s", d[i].dept, d[i].dept_name);
			cd_print_padded(stdout, name, width + 2);
			for (size_t k = 0; k < ARRAY_SIZE(v); k++) {
				snprintf(num, sizeof(num), "%d", v[k]);
				if (k + 1 < ARRAY_SIZE(v))
					cd_print_padded(stdout, num, cd_text_width(head[k + 1]) + 2);
				else
					fputs(num, stdout);
			}
			putchar('\n');
		}
		if (!n)
			printf("%s\n", _("No tasks."));
	}
	free(d);
	return CD_EXIT_OK;
}

int cmd_task(struct cli *cli, int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		help(argc < 2 ? stderr : stdout);
		return argc < 2 ? CD_EXIT_USAGE : CD_EXIT_OK;
	}
	/* The verb's own options start after it. */
	argc--, argv++;
	if (!strcmp(argv[0], "list"))
		return task_list(cli, argc, argv);
	if (!strcmp(argv[0], "show"))
		return task_show(cli, argc, argv);
	if (!strcmp(argv[0], "claim"))
		return task_claim(cli, argc, argv);
	if (!strcmp(argv[0], "decide"))
		return task_decide(cli, argc, argv);
	if (!strcmp(argv[0], "release"))
		return task_release(cli, argc, argv);
	if (!strcmp(argv[0], "reassign"))
		return task_reassign(cli, argc, argv);
	if (!strcmp(argv[0], "overdue"))
		return task_overdue(cli, argc, argv);
	if (!strcmp(argv[0], "summary"))
		return task_summary(cli, argc);
	return cli_usage(_("unknown task command '%s'"), argv[0]);
}
