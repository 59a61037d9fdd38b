/* counterdesk forms check [DIR|FILE] | forms show FILE: the service-item
 * files of counterdesk-forms(5), checked and shown without a database;
 * forms load [DIR] installs them in the database (item.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "exitcode.h"
#include "forms.h"
#include "i18n.h"
#include "item.h"
#include "text.h"

/* Also in cli.h once the noun is in the table there; a repeated prototype is
 * harmless, a missing one fails -Wmissing-prototypes. */

static void help(FILE *f)
{
	fputs(_("Usage: counterdesk forms check [DIR|FILE] [--json]\n"
		"       counterdesk forms show FILE [--json]\n"
		"       counterdesk forms load [DIR] [--json]\n"
		"  check  read every service-item file (*.ini) of DIR and report each mistake\n"
		"         as FILE:LINE: message; DIR defaults to [paths] forms of the\n"
		"         configuration when there is one, else ./forms\n"
		"  show   summarise one item: departments, steps, fields and materials\n"
		"  load   check DIR as above and, when every file is correct, install or\n"
		"         upgrade each item in the database (admins); nothing is loaded\n"
		"         while any file has an error\n"
		"The file format is described in counterdesk-forms(5).\n"
		"Exit 0 when every file is correct, 1 when there are errors, 2 on usage errors.\n"), f);
}

/* A configuration that exists must load; with none at all, ./forms. */
static int default_dir(struct cli *cli, const char **dir)
{
	const char *env = getenv("COUNTERDESK_CONFIG");
	int rc;

	*dir = "forms";
	if (!cli->cfg && !(cli->config_arg && *cli->config_arg) && !(env && *env) &&
	    access(cd_config_path(NULL), F_OK) != 0)
		return 0;
	if ((rc = cli_config(cli)))
		return rc;
	if (cli->cfg->forms_dir && *cli->cfg->forms_dir)
		*dir = cli->cfg->forms_dir;
	return 0;
}

static void print_errors_json(const struct cd_form_errors *errs)
{
	fputs("[", stdout);
	for (size_t i = 0; i < errs->n; i++) {
		fputs(i ? ",{\"file\":" : "{\"file\":", stdout);
		cd_json_string(stdout, errs->v[i].file);
		if (errs->v[i].line > 0)
			printf(",\"line\":%d", errs->v[i].line);
		else
			fputs(",\"line\":null", stdout);
		fputs(",\"message\":", stdout);
		cd_json_string(stdout, errs->v[i].message);
		fputs("}", stdout);
	}
	fputs("]\n", stdout);
}

static int check(struct cli *cli, const char *path)
{
	struct cd_items items = { 0 };
	struct cd_form_errors errs = { 0 };
	int rc;

	if (!path && (rc = default_dir(cli, &path)))
		return rc;
	cd_items_load_path(path, &items, &errs);
	if (cli->json) {
		print_errors_json(&errs);
	} else if (errs.n) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.v[i].text);
		fprintf(stderr, ngettext("%zu error in %s\n", "%zu errors in %s\n", errs.n), errs.n,
			path);
	} else {
		printf(ngettext("%zu item file in %s: no errors.\n",
				"%zu item files in %s: no errors.\n", items.files),
		       items.files, path);
	}
	rc = errs.n ? CD_EXIT_NO : CD_EXIT_OK;
	cd_items_free(&items);
	cd_form_errors_free(&errs);
	return rc;
}

static const char *names(const struct cd_strlist *l, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < l->n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", l->v[i]);
	return buf;
}

static void show_when(const struct cd_condition *w)
{
	char buf[1024];
	size_t used = 0;

	if (!w->field)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < w->values.n && used < sizeof(buf); i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", i ? " | " : "",
					 w->values.v[i]);
	printf(_("        only when %s is %s\n"), w->field, buf);
}

static void show_fields(const struct cd_item *it)
{
	char buf[1024];

	printf(_("\nFields (grouped as on the form)\n"));
	for (size_t g = 0; g < it->ngroups; g++) {
		printf("  %s / %s\n", it->groups[g].label_zh, it->groups[g].label_en);
		for (size_t i = 0; i < it->nfields; i++) {
			const struct cd_item_field *f = &it->fields[i];

			if (strcmp(f->group, it->groups[g].key))
				continue;
			fputs("    ", stdout);
			cd_print_padded(stdout, f->key, 24);
			if (f->max_length)
				snprintf(buf, sizeof(buf), "%s(%d)", cd_field_type_name(f->type),
					 f->max_length);
			else
				snprintf(buf, sizeof(buf), "%s", cd_field_type_name(f->type));
			cd_print_padded(stdout, buf, 14);
			cd_print_padded(stdout, f->required ? _("required") : _("optional"), 10);
			printf("%s / %s\n", f->label_zh, f->label_en);
			if (f->type == CD_FIELD_ENUM)
				printf(_("        choices: %s\n"), names(&f->choices, buf, sizeof(buf)));
			if (f->prefill != CD_PREFILL_NONE && f->prefill_by)
				printf(_("        prefill: %s:%s, looked up by %s\n"),
				       cd_prefill_source_name(f->prefill), f->prefill_column, f->prefill_by);
			else if (f->prefill != CD_PREFILL_NONE)
				printf(_("        prefill: %s:%s\n"), cd_prefill_source_name(f->prefill),
				       f->prefill_column);
			if (f->send_to.n)
				printf(_("        sent to: %s\n"), names(&f->send_to, buf, sizeof(buf)));
			show_when(&f->when);
		}
	}
}

static void show_materials(const struct cd_item *it)
{
	char buf[1024];

	printf(_("\nMaterials (key materials are never waived; the others may be supplied later on commitment)\n"));
	for (size_t i = 0; i < it->nmaterials; i++) {
		const struct cd_item_material *m = &it->materials[i];

		fputs("  ", stdout);
		cd_print_padded(stdout, m->code, 26);
		cd_print_padded(stdout, m->is_key ? _("key") : _("waivable"), 10);
		if (m->check_type)
			snprintf(buf, sizeof(buf), "%s:%s", cd_check_kind_name(m->check), m->check_type);
		else
			snprintf(buf, sizeof(buf), "%s", cd_check_kind_name(m->check));
		cd_print_padded(stdout, buf, 24);
		printf("%s / %s\n", m->name_zh, m->name_en);
		if (m->note_zh || m->note_en)
			printf("        %s%s%s\n", m->note_zh ? m->note_zh : "",
			       m->note_zh && m->note_en ? " / " : "", m->note_en ? m->note_en : "");
		if (m->send_to.n)
			printf(_("        sent to: %s\n"), names(&m->send_to, buf, sizeof(buf)));
		show_when(&m->when);
	}
}

static void show_item(const struct cd_item *it)
{
	char buf[1024];

	printf("%s / %s\n", it->name_zh, it->name_en);
	printf(_("  code %s, version %d (%s)\n"), it->code, it->version, it->path);
	printf(_("  applicant: %s\n"), it->applicant == CD_APPLICANT_ENTERPRISE
		   ? _("an enterprise (unified social credit code)")
		   : _("a person (identity number)"));
	printf(ngettext("  promised: %d working day", "  promised: %d working days", it->promised_days),
	       it->promised_days);
	fputs(it->count_acceptance_day ? _(", counting the day of acceptance") :
	      _(", from the day after acceptance"), stdout);
	printf(_("; the steps take at least %d\n"), cd_item_critical_days(it));
	printf(_("  departments: %s\n"), names(&it->departments, buf, sizeof(buf)));

	printf(_("\nSteps (groups run one after another, the steps of one group in parallel)\n"));
	for (size_t i = 0; i < it->nsteps; i++) {
		const struct cd_item_step *s = &it->steps[i];

		printf("  %2d  ", s->number);
		snprintf(buf, sizeof(buf), _("group %d"), s->group);
		cd_print_padded(stdout, buf, 10);
		cd_print_padded(stdout, s->dept, 6);
		snprintf(buf, sizeof(buf), ngettext("%d day", "%d days", s->days), s->days);
		cd_print_padded(stdout, buf, 9);
		printf("%s / %s\n", s->name_zh, s->name_en);
	}
	show_fields(it);
	show_materials(it);
}

static int show(struct cli *cli, const char *path)
{
	struct cd_form_errors errs = { 0 };
	struct cd_item *it = cd_item_load(path, &errs);

	if (!it) {
		if (cli->json)
			print_errors_json(&errs);
		else
			for (size_t i = 0; i < errs.n; i++)
				fprintf(stderr, "%s\n", errs.v[i].text);
		cd_form_errors_free(&errs);
		return CD_EXIT_NO;
	}
	if (cli->json) {
		char *json = cd_item_json(it);

		printf("%s\n", json);
		free(json);
	} else {
		show_item(it);
	}
	cd_item_free(&it);
	return CD_EXIT_OK;
}

struct load_report {
	bool json;
	size_t n;
};

static void loaded(void *arg, const char *code, int version, bool changed)
{
	struct load_report *r = arg;

	if (r->json) {
		fputs(r->n++ ? ",{\"code\":" : "{\"code\":", stdout);
		cd_json_string(stdout, code);
		printf(",\"version\":%d,\"changed\":%s}", version, changed ? "true" : "false");
	} else if (changed) {
		printf(_("%s: version %d installed\n"), code, version);
	} else {
		printf(_("%s: version %d unchanged\n"), code, version);
	}
}

static int load(struct cli *cli, const char *dir)
{
	struct cd_form_errors errs = { 0 };
	struct load_report report = { .json = cli->json };
	struct cd_error err;
	int rc;

	if (!dir && (rc = default_dir(cli, &dir)))
		return rc;
	if ((rc = cli_connect(cli)))
		return rc;
	if (cli->json)
		fputs("[", stdout);
	rc = cd_forms_load_dir(cli->db, dir, &errs, loaded, &report, &err);
	if (cli->json)
		fputs("]\n", stdout);
	if (rc < 0 && errs.n) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.v[i].text);
		fprintf(stderr, ngettext("%zu error in %s: nothing was loaded\n",
					 "%zu errors in %s: nothing was loaded\n", errs.n), errs.n, dir);
		rc = CD_EXIT_NO;
	} else if (rc < 0) {
		rc = cli_fail(&err);
	}
	cd_form_errors_free(&errs);
	return rc;
}

int cmd_forms(struct cli *cli, int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		help(argc < 2 ? stderr : stdout);
		return argc < 2 ? CD_EXIT_USAGE : CD_EXIT_OK;
	}
	if (!strcmp(argv[1], "check")) {
		if (argc > 3)
			return cli_usage(_("usage: counterdesk forms check [DIR|FILE] [--json]"));
		return check(cli, argc == 3 ? argv[2] : NULL);
	}
	if (!strcmp(argv[1], "show")) {
		if (argc != 3)
			return cli_usage(_("usage: counterdesk forms show FILE [--json]"));
		return show(cli, argv[2]);
	}
	if (!strcmp(argv[1], "load")) {
		if (argc > 3)
			return cli_usage(_("usage: counterdesk forms load [DIR] [--json]"));
		return load(cli, argc == 3 ? argv[2] : NULL);
	}
	return cli_usage(_("unknown forms command '%s'"), argv[1]);
}
