/* counterdesk case new | show | list | supplement | drafts | verify | resolve |
 * correction | handover: accepting an integrated application from a script,
 * a kiosk or a test, through the same core as the intake screen (intake.h),
 * and following it through the departments (task.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "applicant.h"
#include "cli.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "exitcode.h"
#include "i18n.h"
#include "jsonout.h"
#include "intake.h"
#include "item.h"
#include "mask.h"
#include "receipt.h"
#include "result_paper.h"
#include "task.h"
#include "taskout.h"
#include "text.h"
#include "reveal.h"
#include "util.h"
#include "verify.h"

static void help(FILE *f)
{
	fputs(_("Usage: counterdesk case new --item CODE --applicant ID|USCC\n"
		"                            [--proxy ID --relation R] [--field KEY=VALUE]...\n"
		"                            [--material CODE=provided|missing]...\n"
		"                            [--idempotency-key K] [--json]\n"
		"       counterdesk case show CASE_NO [--json]\n"
		"       counterdesk case list [--status S] [--json]\n"
		"       counterdesk case supplement CASE_NO MATERIAL\n"
		"       counterdesk case drafts [--json]\n"
		"       counterdesk case verify CASE_NO [--json]\n"
		"       counterdesk case resolve CASE_NO MATERIAL --reason TEXT\n"
		"       counterdesk case correction CASE_NO --note TEXT\n"
		"       counterdesk case handover CASE_NO [--json]\n"
		"       counterdesk case reveal CASE_NO FIELD --purpose TEXT [--json]\n"
		"  new         accept an application: fields known from the applicant's record or\n"
		"              the registry are filled in unless given; materials not mentioned\n"
		"              count as missing. A missing key material refuses the case and\n"
		"              writes the one-time notice (exit 1); only waivable ones missing\n"
		"              accepts it on commitment (容缺受理). The same --idempotency-key\n"
		"              (a UUID or any text) never makes a second case.\n"
		"  show        one case, personal data masked: its tasks with their lights and\n"
		"              the timeline (every event: time, department, who, what, note)\n"
		"  list        the newest cases, optionally of one status\n"
		"  supplement  the applicant brings a missing material: records a visit\n"
		"  drafts      your unfinished forms\n"
		"  verify      check every verifiable material against the shared-data registers\n"
		"              (exit 0 when all matched, 1 otherwise)\n"
		"  resolve     record that the original of a mismatched or not-found material\n"
		"              was checked by hand, with the reason\n"
		"  correction  the applicant brought what a returned task asked for (补正): the\n"
		"              returned tasks resume, their clocks extended by the pause\n"
		"  handover    the result of a complete or rejected case is handed over\n"
		"  reveal      one full personal value (a field of the form, applicant or proxy),\n"
		"              for the purpose given, which the audit log records with your name\n"
		"Exit 0 accepted, 1 refused or invalid input, 2 usage, 77 no rights.\n"), f);
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


/* ---- case new ------------------------------------------------------------ */

struct new_args {
	const char *item;
	const char *applicant;
	const char *proxy;
	const char *relation;
	const char *key;
	char **fields;
	size_t nfields;
	char **materials;
	size_t nmaterials;
};

static void field_label(const struct cd_item_field *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s (%s)", f->key, i18n_is_chinese() ? f->label_zh : f->label_en);
}

static void field_keys(const struct cd_item *it, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < it->nfields && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
					 it->fields[i].key);
}

static void material_codes(const struct cd_item *it, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < it->nmaterials && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
					 it->materials[i].code);
}

/* Applies --field and --material; every problem is reported. Returns how many. */
static int apply_args(struct cd_intake *in, const struct new_args *a)
{
	char list[2048], label[256];
	int bad = 0;

	for (size_t i = 0; i < a->nfields; i++) {
		char *eq = strchr(a->fields[i], '=');
		int idx;

		*eq = '\0';
		idx = cd_intake_field_index(in, a->fields[i]);
		if (idx < 0) {
			field_keys(in->item, list, sizeof(list));
			fprintf(stderr, _("counterdesk: unknown field '%s' for %s (fields: %s)\n"),
				a->fields[i], in->item->code, list);
			bad++;
		} else if (cd_intake_set(in, a->fields[i], eq + 1) == 0) {
			field_label(&in->item->fields[idx], label, sizeof(label));
			fprintf(stderr, _("counterdesk: field %s: %s\n"), label, in->reasons[idx]);
			bad++;
		}
		*eq = '=';
	}
	for (size_t i = 0; i < a->nmaterials; i++) {
		char *eq = strchr(a->materials[i], '=');
		const char *state = eq + 1;
		enum cd_material_state st = !strcmp(state, "provided") ? CD_MATERIAL_PROVIDED
					  : !strcmp(state, "missing") ? CD_MATERIAL_MISSING
					  : CD_MATERIAL_UNSET;

		*eq = '\0';
		if (st == CD_MATERIAL_UNSET) {
			fprintf(stderr, _("counterdesk: material %s: say provided or missing, not '%s'\n"),
				a->materials[i], state);
			bad++;
		} else if (!cd_intake_set_material(in, a->materials[i], st)) {
			material_codes(in->item, list, sizeof(list));
			fprintf(stderr, _("counterdesk: unknown material '%s' for %s (materials: %s)\n"),
				a->materials[i], in->item->code, list);
			bad++;
		}
		*eq = '=';
	}
	return bad;
}

/* Fields looked up by another field (a parent's name by the parent's
 * number): one registry look-up per number that something still needs. */
static int prefill_by_lookup(struct cli *cli, struct cd_intake *in, const char *purpose)
{
	const struct cd_item *it = in->item;
	struct cd_error err;

	for (size_t i = 0; i < it->nfields; i++) {
		const struct cd_item_field *f = &it->fields[i];
		struct cd_person person;
		int by;
		bool needed = false, seen = false;

		if (f->type != CD_FIELD_IDNO)
			continue;
		by = (int)i;
		for (size_t j = 0; j < it->nfields; j++) {
			const struct cd_item_field *g = &it->fields[j];

			if (g->prefill == CD_PREFILL_POPULATION && g->prefill_by &&
			    !strcmp(g->prefill_by, f->key) && !in->values[j])
				needed = true;
		}
		/* An earlier idno field with the same number was looked up already. */
		for (int k = 0; k < by && in->values[by]; k++)
			if (it->fields[k].type == CD_FIELD_IDNO && in->values[k] &&
			    !strcmp(in->values[k], in->values[by]))
				seen = true;
		if (!needed || seen || !in->values[by] || in->reasons[by])
			continue;
		/* The applicant was looked up already: no second registry query. */
		if (in->applicant.kind == CD_APPLICANT_PERSON &&
		    in->applicant.source != CD_SOURCE_NONE &&
		    !strcmp(in->values[by], in->applicant.key)) {
			struct cd_person self = {
				.found = true, .name = in->applicant.name,
				.address = in->applicant.address,
			};

			memcpy(self.sex, in->applicant.sex, sizeof(self.sex));
			memcpy(self.birth_date, in->applicant.birth_date, sizeof(self.birth_date));
			cd_intake_prefill_person(in, f->key, &self);
			continue;
		}
		if (cd_registry_person(cli->db, in->values[by], purpose, &person, &err) < 0)
			return cli_fail(&err);
		cd_intake_prefill_person(in, f->key, &person);
		cd_person_clear(&person);
	}
	return 0;
}

static json_t *fields_json(const struct cd_intake *in)
{
	json_t *o = json_object();

	for (size_t i = 0; i < in->item->nfields; i++) {
		const struct cd_item_field *f = &in->item->fields[i];
		char *mask;

		if (!in->values[i] || !cd_intake_field_applies(in, i))
			continue;
		if (f->type == CD_FIELD_IDNO || f->type == CD_FIELD_PHONE ||
		    f->type == CD_FIELD_ADDRESS) {
			mask = cd_mask_value(f->type, in->values[i]);
			json_object_set_new(o, f->key, json_string(mask));
			free(mask);
		} else {
			json_object_set_new(o, f->key, json_string(in->values[i]));
		}
	}
	return o;
}

static json_t *missing_json(const struct cd_submit_result *res)
{
	json_t *a = json_array();

	for (size_t i = 0; i < res->nmissing; i++) {
		const struct cd_missing_material *m = &res->missing[i];
		json_t *o = json_object();

		json_object_set_new(o, "code", json_string(m->code ? m->code : ""));
		json_object_set_new(o, "name_zh", m->name_zh ? json_string(m->name_zh) : json_null());
		json_object_set_new(o, "name_en", m->name_en ? json_string(m->name_en) : json_null());
		json_object_set_new(o, "key", json_boolean(m->is_key));
		json_object_set_new(o, "note_zh", m->note_zh ? json_string(m->note_zh) : json_null());
		json_object_set_new(o, "note_en", m->note_en ? json_string(m->note_en) : json_null());
		json_array_append_new(a, o);
	}
	return a;
}


static void print_outcome(struct cli *cli, const struct cd_intake *in,
			  const struct cd_submit_result *res, const char *saved)
{
	bool refused = !strcmp(res->outcome, "refused");

	if (cli->json) {
		json_t *o = json_object(), *mats = json_object();

		json_object_set_new(o, "outcome", json_string(res->outcome));
		json_object_set_new(o, "case_no", cd_json_text(res->case_no));
		json_object_set_new(o, "notice_no", cd_json_text(res->notice_no));
		json_object_set_new(o, "item", json_string(in->item->code));
		json_object_set_new(o, "item_version", json_integer(in->item->version));
		json_object_set_new(o, "status", json_string(res->outcome));
		json_object_set_new(o, "applicant_name", cd_json_text(cd_intake_applicant_name(in)));
		json_object_set_new(o, "promised_date", cd_json_text(res->promised_date));
		json_object_set_new(o, "commitment_due", cd_json_text(res->commitment_due));
		json_object_set_new(o, "visits", json_integer(res->visits));
		for (size_t i = 0; i < in->item->nmaterials; i++)
			if (cd_intake_material_applies(in, i))
				json_object_set_new(mats, in->item->materials[i].code,
						    json_string(in->materials[i] == CD_MATERIAL_PROVIDED
								? "provided" : "missing"));
		json_object_set_new(o, "materials", mats);
		json_object_set_new(o, "fields", fields_json(in));
		json_object_set_new(o, "missing", missing_json(res));
		json_object_set_new(o, "paper", cd_json_text(saved));
		cd_json_print(o);
		return;
	}
	if (refused) {
		printf(_("Not accepted: key materials are missing. One-time notice %s lists everything missing:\n"),
		       res->notice_no);
	} else if (!strcmp(res->outcome, "accepted_on_commitment")) {
		printf(_("Accepted on commitment (容缺受理): case %s, promised by %s.\n"), res->case_no,
		       res->promised_date);
		printf(_("To bring by %s:\n"), res->commitment_due);
	} else {
		printf(_("Accepted: case %s, promised by %s.\n"), res->case_no, res->promised_date);
	}
	for (size_t i = 0; i < res->nmissing; i++) {
		const struct cd_missing_material *m = &res->missing[i];

		if (!refused && m->is_key)
			continue;
		printf("  %s  %s%s\n", m->code ? m->code : "",
		       (i18n_is_chinese() ? m->name_zh : m->name_en) ?
			       (i18n_is_chinese() ? m->name_zh : m->name_en) : "",
		       m->is_key ? _(" (key material)") : "");
	}
}

/* The clerk's name and window for the paper. */
static void whoami(struct cli *cli, char *name, size_t nlen, int *window)
{
	struct cd_error err;
	PGresult *r = cd_db_exec(cli->db, "SELECT full_name, window_no FROM api.whoami()", 0, NULL,
				 &err);

	snprintf(name, nlen, "%s", cd_db_user(cli->db));
	*window = 0;
	if (!r)
		return;
	if (PQntuples(r) == 1) {
		snprintf(name, nlen, "%s", PQgetvalue(r, 0, 0));
		*window = PQgetisnull(r, 0, 1) ? 0 : atoi(PQgetvalue(r, 0, 1));
	}
	PQclear(r);
}

static int report_invalid(struct cd_intake *in)
{
	char label[256];
	int bad = 0;

	for (size_t i = 0; i < in->item->nfields; i++) {
		if (!in->reasons[i])
			continue;
		field_label(&in->item->fields[i], label, sizeof(label));
		fprintf(stderr, _("counterdesk: field %s: %s\n"), label, in->reasons[i]);
		bad++;
	}
	return bad;
}

static int submit_new(struct cli *cli, struct cd_keys *keys, struct cd_intake *in)
{
	struct cd_submit_result res;
	struct cd_error err;
	char clerk[128], *paper, *saved = NULL;
	int window, rc;
	bool refused;

	if (cd_intake_submit(cli->db, keys, in, 0, &res, &err) < 0)
		return cli_fail(&err);
	refused = !strcmp(res.outcome, "refused");
	whoami(cli, clerk, sizeof(clerk), &window);
	paper = cd_paper_for_submit(in, &res, cli->cfg->centre_name, clerk, window, NULL);
	rc = cd_receipt_emit(cli->cfg, paper, refused ? res.notice_no : res.case_no, &saved, &err);
	free(paper);
	print_outcome(cli, in, &res, saved);
	if (rc < 0) {
		rc = cli_fail(&err);
	} else {
		if (!cli->json && saved)
			printf(refused ? _("One-time notice saved to %s\n") : _("Receipt saved to %s\n"),
			       saved);
		else if (!cli->json)
			printf(refused ? _("One-time notice sent to the printer.\n")
				       : _("Receipt sent to the printer.\n"));
		rc = refused ? CD_EXIT_NO : CD_EXIT_OK;
	}
	free(saved);
	cd_submit_result_clear(&res);
	return rc;
}

static int case_new(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "item", required_argument, NULL, 'i' },
		{ "applicant", required_argument, NULL, 'a' },
		{ "proxy", required_argument, NULL, 'p' },
		{ "relation", required_argument, NULL, 'r' },
		{ "field", required_argument, NULL, 'f' },
		{ "material", required_argument, NULL, 'm' },
		{ "idempotency-key", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct new_args a = { 0 };
	struct cd_keys *keys = NULL;
	struct cd_item *item = NULL;
	struct cd_intake *in = NULL;
	struct cd_error err;
	char norm[CD_NORMALIZED_MAX], pnorm[CD_NORMALIZED_MAX], reason[CD_REASON_LEN], *purpose = NULL;
	int c, rc;

	a.fields = xcalloc((size_t)argc, sizeof(*a.fields));
	a.materials = xcalloc((size_t)argc, sizeof(*a.materials));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'i': a.item = optarg; break;
		case 'a': a.applicant = optarg; break;
		case 'p': a.proxy = optarg; break;
		case 'r': a.relation = optarg; break;
		case 'k': a.key = optarg; break;
		case 'f':
			if (!strchr(optarg, '=') || optarg[0] == '=') {
				rc = cli_usage(_("--field takes KEY=VALUE, not '%s'"), optarg);
				goto out;
			}
			a.fields[a.nfields++] = optarg;
			break;
		case 'm':
			if (!strchr(optarg, '=') || optarg[0] == '=') {
				rc = cli_usage(_("--material takes CODE=provided or CODE=missing, not '%s'"),
					       optarg);
				goto out;
			}
			a.materials[a.nmaterials++] = optarg;
			break;
		case 'h':
			help(stdout);
			rc = CD_EXIT_OK;
			goto out;
		default:
			rc = cli_usage(_("bad option '%s' (see counterdesk case --help)"),
				       argv[optind - 1]);
			goto out;
		}
	}
	if (optind != argc || !a.item || !a.applicant) {
		rc = cli_usage(_("usage: counterdesk case new --item CODE --applicant ID|USCC [OPTIONS]"));
		goto out;
	}
	if (!a.proxy != !a.relation) {
		rc = cli_usage(_("--proxy and --relation go together"));
		goto out;
	}
	if (a.key && !*a.key) {
		rc = cli_usage(_("--idempotency-key must not be empty"));
		goto out;
	}
	if ((rc = cli_connect(cli)) || (rc = load_keys(cli, &keys)))
		goto out;
	if (cd_item_fetch(cli->db, a.item, 0, &item, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	in = cd_intake_new(item);
	if (a.key) {
		cd_idempotency_uuid(a.key, "op", in->op_id);
		cd_idempotency_uuid(a.key, "case", in->case_id);
	}

	/* Everything that can be checked here is, before anything is asked of
	 * the database: bad input changes nothing and leaves no audit row. */
	rc = 0;
	if (!cd_applicant_check_key(item->applicant, a.applicant, norm, reason, sizeof(reason))) {
		fprintf(stderr, "counterdesk: %s: %s\n",
			item->applicant == CD_APPLICANT_ENTERPRISE
				? _("Invalid unified social credit code") : _("Invalid identity number"),
			reason);
		rc = CD_EXIT_NO;
	}
	if (a.proxy && !cd_applicant_check_key(CD_APPLICANT_PERSON, a.proxy, pnorm, reason,
					       sizeof(reason))) {
		fprintf(stderr, "counterdesk: %s: %s\n", _("Invalid identity number of the proxy"),
			reason);
		rc = CD_EXIT_NO;
	}
	if (apply_args(in, &a))
		rc = CD_EXIT_NO;
	if (rc)
		goto out;

	/* The registry's audit row says why: this intake, of this form. */
	purpose = xasprintf("受理 %s %s", item->code, in->case_id);
	if (cd_applicant_lookup(cli->db, keys, item->applicant, a.applicant, purpose, &in->applicant,
				&err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	cd_intake_prefill(in);
	if ((rc = prefill_by_lookup(cli, in, purpose)))
		goto out;
	if (a.proxy) {
		struct cd_person person;

		if (cd_registry_person(cli->db, pnorm, purpose, &person, &err) < 0) {
			rc = cli_fail(&err);
			goto out;
		}
		if (!person.found) {
			fprintf(stderr, "%s\n",
				_("counterdesk: the proxy is not in the population registry, so the name is unknown"));
			cd_person_clear(&person);
			rc = CD_EXIT_NO;
			goto out;
		}
		cd_intake_set_proxy(in, person.name, a.proxy, a.relation, NULL, reason, sizeof(reason));
		cd_person_clear(&person);
	}
	if (!cd_intake_applicant_name(in)) {
		fprintf(stderr, "%s\n", _("counterdesk: the applicant is neither in the records nor in the registry: the name is unknown"));
		rc = CD_EXIT_NO;
		goto out;
	}
	if (cd_intake_check_all(in)) {
		report_invalid(in);
		rc = CD_EXIT_NO;
		goto out;
	}
	rc = submit_new(cli, keys, in);
out:
	sodium_memzero(norm, sizeof(norm));
	sodium_memzero(pnorm, sizeof(pnorm));
	free(purpose);
	if (in)
		cd_intake_free(&in);
	else
		cd_item_free(&item);
	cd_keys_free(&keys);
	free(a.fields);
	free(a.materials);
	return rc;
}

/* ---- show, list ------------------------------------------------------------- */

static json_t *case_json(const struct cd_case *c, bool full)
{
	json_t *o = json_object();

	json_object_set_new(o, "case_no", cd_json_text(c->case_no));
	json_object_set_new(o, "item", cd_json_text(c->item));
	if (c->item_version)
		json_object_set_new(o, "item_version", json_integer(c->item_version));
	json_object_set_new(o, "item_name_zh", cd_json_text(c->item_name_zh));
	json_object_set_new(o, "status", cd_json_text(c->status));
	json_object_set_new(o, "applicant_name", cd_json_text(c->applicant_name));
	json_object_set_new(o, "applicant_id_mask", cd_json_text(c->applicant_id_mask));
	json_object_set_new(o, "accepted_at", cd_json_text(c->accepted_at));
	if (full) {
		json_object_set_new(o, "accepted_by", cd_json_text(c->accepted_by));
		json_object_set_new(o, "window_no", c->window_no ? json_integer(c->window_no)
								  : json_null());
	}
	json_object_set_new(o, "promised_date", cd_json_text(c->promised_date));
	if (full)
		json_object_set_new(o, "commitment_due", cd_json_text(c->commitment_due));
	json_object_set_new(o, "visits", json_integer(c->visits));
	if (full) {
		json_t *f = json_object(), *m = json_object(), *p = NULL;

		for (size_t i = 0; i < c->nfields; i++)
			json_object_set_new(f, c->fields[i].key, json_string(c->fields[i].value));
		for (size_t i = 0; i < c->nmaterials; i++)
			json_object_set_new(m, c->materials[i].code,
					    cd_json_text(c->materials[i].status));
		json_object_set_new(o, "materials", m);
		json_object_set_new(o, "fields", f);
		if (c->proxy_json)
			p = json_loads(c->proxy_json, JSON_DECODE_ANY, NULL);
		json_object_set_new(o, "proxy", p ? p : json_null());
	}
	return o;
}

/* Fields and materials in the order of the item's form, with its labels
 * (the database keeps them as JSON objects, whose order is its own). */
static const struct cd_item *sort_item;

static long field_pos(const char *key)
{
	for (size_t i = 0; i < sort_item->nfields; i++)
		if (!strcmp(sort_item->fields[i].key, key))
			return (long)i;
	return (long)sort_item->nfields;
}

static long material_pos(const char *code)
{
	for (size_t i = 0; i < sort_item->nmaterials; i++)
		if (!strcmp(sort_item->materials[i].code, code))
			return (long)i;
	return (long)sort_item->nmaterials;
}

static int kv_cmp(const void *a, const void *b)
{
	long x = field_pos(((const struct cd_kv *)a)->key);
	long y = field_pos(((const struct cd_kv *)b)->key);

	return (x > y) - (x < y);
}

static int material_cmp(const void *a, const void *b)
{
	long x = material_pos(((const struct cd_case_material *)a)->code);
	long y = material_pos(((const struct cd_case_material *)b)->code);

	return (x > y) - (x < y);
}

static void in_form_order(struct cd_case *c, const struct cd_item *it)
{
	sort_item = it;
	if (c->nfields)
		qsort(c->fields, c->nfields, sizeof(*c->fields), kv_cmp);
	if (c->nmaterials)
		qsort(c->materials, c->nmaterials, sizeof(*c->materials), material_cmp);
	sort_item = NULL;
}

static const char *field_title(const struct cd_item *it, const char *key)
{
	const struct cd_item_field *f = it ? cd_item_find_field(it, key) : NULL;

	return f ? (i18n_is_chinese() ? f->label_zh : f->label_en) : key;
}

static const char *material_title(const struct cd_item *it, const struct cd_case_material *m)
{
	const struct cd_item_material *im = it ? cd_item_find_material(it, m->code) : NULL;

	if (im)
		return i18n_is_chinese() ? im->name_zh : im->name_en;
	return m->name_zh ? m->name_zh : m->code;
}

/* Status codes of the database, in words for people (JSON keeps the codes). */
static const char *status_words(const char *code)
{
	static const char *const words[][2] = {
		{ "accepted", N_("accepted") },
		{ "accepted_on_commitment", N_("accepted on commitment (容缺)") },
		{ "provided", N_("provided") },
		{ "missing", N_("missing") },
		{ "supplied", N_("supplied later") },
	};

	return code ? I18N_WORD(words, code, cd_case_status_label(code)) : "";
}

static void show_text(const struct cd_case *c, const struct cd_item *it)
{
	const char *v[][2] = {
		{ _("Case"), c->case_no },
		{ _("Item"), c->item_name_zh },
		{ _("Status"), status_words(c->status) },
		{ _("Applicant"), c->applicant_name },
		{ _("Identity number"), c->applicant_id_mask },
		{ _("Accepted at"), c->accepted_at },
		{ _("Accepted by"), c->accepted_by },
		{ _("Promised by"), c->promised_date },
		{ _("Materials due"), c->commitment_due },
	};
	char buf[32];

	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		if (!v[i][1] || !*v[i][1])
			continue;
		cd_print_padded(stdout, v[i][0], 16);
		printf("%s\n", v[i][1]);
	}
	if (c->window_no) {
		cd_print_padded(stdout, _("Window"), 16);
		printf("%d\n", c->window_no);
	}
	snprintf(buf, sizeof(buf), "%d", c->visits);
	cd_print_padded(stdout, _("Visits"), 16);
	printf("%s\n", buf);
	int width = 0;

	for (size_t i = 0; i < c->nfields; i++)
		if (cd_text_width(field_title(it, c->fields[i].key)) > width)
			width = cd_text_width(field_title(it, c->fields[i].key));
	for (size_t i = 0; i < c->nmaterials; i++)
		if (cd_text_width(material_title(it, &c->materials[i])) > width)
			width = cd_text_width(material_title(it, &c->materials[i]));
	if (c->nfields)
		printf("%s\n", _("Fields:"));
	for (size_t i = 0; i < c->nfields; i++) {
		fputs("  ", stdout);
		cd_print_padded(stdout, field_title(it, c->fields[i].key), width + 2);
		printf("%s\n", c->fields[i].value);
	}
	if (c->nmaterials)
		printf("%s\n", _("Materials:"));
	for (size_t i = 0; i < c->nmaterials; i++) {
		fputs("  ", stdout);
		cd_print_padded(stdout, material_title(it, &c->materials[i]), width + 2);
		printf("%s\n", status_words(c->materials[i].status));
	}
}

/* The tasks with their lights and the whole timeline: what a clerk reads
 * to an applicant who asks where the case is. */
static void show_route(const struct cd_task *t, size_t nt, const struct cd_case_event *e,
		       size_t ne)
{
	if (nt) {
		printf("\n%s\n", _("Tasks:"));
		cd_task_table(stdout, t, nt);
	}
	/* What the window must tell the applicant, in full. */
	for (size_t i = 0; i < nt; i++) {
		if (!strcmp(t[i].status, "returned"))
			printf(_("Task %lld asks the applicant for: %s\n"), t[i].id, t[i].returned_note);
		else if (!strcmp(t[i].status, "rejected"))
			printf(_("Task %lld rejected: %s\n"), t[i].id, t[i].reason);
	}
	if (ne) {
		printf("\n%s\n", _("Timeline:"));
		cd_timeline_table(stdout, e, ne);
	}
}

/* One material's verification as JSON; hand: the hand-check reason or NULL. */
static json_t *verification_json(const struct cd_verify_result *v, const char *hand)
{
	json_t *o = json_object(), *d = json_array();

	for (size_t k = 0; k < v->ndiffering; k++)
		json_array_append_new(d, json_string(v->differing[k]));
	json_object_set_new(o, "material", json_string(v->material));
	json_object_set_new(o, "register", json_string(v->register_name));
	json_object_set_new(o, "outcome", json_string(v->outcome));
	json_object_set_new(o, "differing", d);
	json_object_set_new(o, "paper_needed", json_boolean(v->paper_needed));
	json_object_set_new(o, "detail", cd_json_text(v->detail));
	if (hand)
		json_object_set_new(o, "checked_by_hand", json_string(hand));
	return o;
}

/* What the verification of the case found, each material with its outcome,
 * and the hand checks with their reasons: what a reviewer must see. */
static void show_verifications(const struct cd_verify_results *r, char **hand)
{
	int width = 0;

	if (!r->n)
		return;
	printf("\n%s\n", _("Verified against shared data"));
	for (size_t i = 0; i < r->n; i++)
		if (cd_text_width(r->v[i].material) > width)
			width = cd_text_width(r->v[i].material);
	for (size_t i = 0; i < r->n; i++) {
		fputs("  ", stdout);
		cd_print_padded(stdout, r->v[i].material, width + 2);
		fputs(cd_verify_outcome_text(r->v[i].outcome), stdout);
		if (hand && hand[i])
			printf(_("; checked by hand: %s"), hand[i]);
		putchar('\n');
	}
}

static int case_show(struct cli *cli, const char *case_no)
{
	struct cd_item *it = NULL;
	struct cd_task *tasks = NULL;
	struct cd_case_event *events = NULL;
	struct cd_verify_results ver;
	char **hand = NULL;
	size_t nt = 0, ne = 0;
	struct cd_case c;
	struct cd_error err;
	int rc;

	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_case_get(cli->db, case_no, &c, &err) < 0)
		return cli_fail(&err);
	memset(&ver, 0, sizeof(ver));
	if (cd_case_tasks(cli->db, case_no, &tasks, &nt, &err) < 0 ||
	    cd_case_timeline(cli->db, case_no, &events, &ne, &err) < 0 ||
	    cd_case_verifications(cli->db, case_no, &ver, &hand, &err) < 0) {
		free(tasks);
		free(events);
		cd_case_clear(&c);
		return cli_fail(&err);
	}
	/* Without the item (an error reading it) the case is still shown. */
	if (c.item && cd_item_fetch(cli->db, c.item, c.item_version, &it, &err) == 0)
		in_form_order(&c, it);
	if (cli->json) {
		json_t *o = case_json(&c, true);

		json_object_set_new(o, "tasks", cd_tasks_json(tasks, nt));
		json_object_set_new(o, "timeline", cd_timeline_json(events, ne));
		json_t *va = json_array();

		for (size_t i = 0; i < ver.n; i++)
			json_array_append_new(va, verification_json(&ver.v[i], hand ? hand[i] : NULL));
		json_object_set_new(o, "verifications", va);
		cd_json_print(o);
	} else {
		show_text(&c, it);
		show_verifications(&ver, hand);
		show_route(tasks, nt, events, ne);
	}
	for (size_t i = 0; hand && i < ver.n; i++)
		free(hand[i]);
	free(hand);
	cd_verify_results_clear(&ver);
	free(tasks);
	free(events);
	cd_item_free(&it);
	cd_case_clear(&c);
	return CD_EXIT_OK;
}

/* ---- case correction / handover -------------------------------------------- */

static int case_correction(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "note", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *usage = _("usage: counterdesk case correction CASE_NO --note TEXT");
	const char *note = NULL;
	struct cd_error err;
	int c, rc, resumed = 0, visits = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'n')
			note = optarg;
		else
			return cli_usage("%s", usage);
	}
	if (optind + 1 != argc || !note)
		return cli_usage("%s", usage);
	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_case_correction_received(cli->db, argv[optind], note, &resumed, &visits, &err) < 0)
		return cli_fail(&err);
	if (cli->json) {
		json_t *o = json_object();

		json_object_set_new(o, "case_no", json_string(argv[optind]));
		json_object_set_new(o, "resumed", json_integer(resumed));
		json_object_set_new(o, "visits", json_integer(visits));
		cd_json_print(o);
	} else {
		printf(_("Case %s: correction received; tasks resumed: %d. Visits: %d.\n"),
		       argv[optind], resumed, visits);
	}
	return CD_EXIT_OK;
}

static int case_handover(struct cli *cli, const char *case_no)
{
	struct cd_handover h;
	struct cd_error err;
	char clerk[128], name[96], *paper = NULL, *saved = NULL;
	int rc, window, paper_rc;

	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_case_handover(cli->db, case_no, &h, &err) < 0)
		return cli_fail(&err);
	/* The handover is recorded; the paper (办结通知书 or 不予许可决定书)
	 * follows. A paper that fails is reported, and `case paper` would
	 * not be needed: handing over again answers from the database. */
	whoami(cli, clerk, sizeof(clerk), &window);
	snprintf(name, sizeof(name), "result-%s", case_no);
	paper_rc = cd_result_paper_fetch(cli->db, case_no, &h, cli->cfg->centre_name, clerk, window,
					 &paper, &err);
	if (paper_rc == 0)
		paper_rc = cd_receipt_emit(cli->cfg, paper, name, &saved, &err);
	free(paper);
	if (cli->json) {
		json_t *o = json_object();

		json_object_set_new(o, "case_no", json_string(case_no));
		json_object_set_new(o, "status", cd_json_text(h.status));
		json_object_set_new(o, "completed_on", cd_json_text(h.completed_on));
		json_object_set_new(o, "promised_date", cd_json_text(h.promised_date));
		json_object_set_new(o, "on_time", json_boolean(h.on_time));
		json_object_set_new(o, "paper", saved ? json_string(saved) : json_null());
		cd_json_print(o);
	} else {
		printf(_("Case %s: the result was handed over to the applicant.\n"), case_no);
		printf(_("Finished on %s, promised by %s: %s\n"), h.completed_on[0] ? h.completed_on : "-",
		       h.promised_date[0] ? h.promised_date : "-", h.on_time ? _("on time") : _("late"));
		if (paper_rc == 0 && saved)
			printf(_("Result paper saved to %s\n"), saved);
		else if (paper_rc == 0)
			printf("%s\n", _("Result paper sent to the printer."));
	}
	free(saved);
	return paper_rc < 0 ? cli_fail(&err) : CD_EXIT_OK;
}

static int case_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "status", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *status = NULL;
	struct cd_case *cases;
	struct cd_error err;
	size_t n;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			status = optarg;
		else
			return cli_usage(_("usage: counterdesk case list [--status S] [--json]"));
	}
	if (optind != argc)
		return cli_usage(_("usage: counterdesk case list [--status S] [--json]"));
	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_case_list(cli->db, status, 0, cli->json, &cases, &n, &err) < 0)
		return cli_fail(&err);
	if (cli->json) {
		json_t *a = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, case_json(&cases[i], true));
		cd_json_print(a);
	} else {
		for (size_t i = 0; i < n; i++) {
			const struct cd_case *k = &cases[i];

			cd_print_padded(stdout, k->case_no ? k->case_no : "", 22);
			cd_print_padded(stdout, status_words(k->status), 30);
			cd_print_padded(stdout, k->promised_date ? k->promised_date : "", 12);
			printf("%d  ", k->visits);
			cd_print_padded(stdout, k->applicant_name ? k->applicant_name : "", 10);
			printf("%s\n", k->item_name_zh ? k->item_name_zh : "");
		}
		if (!n)
			printf("%s\n", _("No cases."));
	}
	cd_cases_free(&cases, n);
	return CD_EXIT_OK;
}

static int case_supplement(struct cli *cli, const char *case_no, const char *material)
{
	struct cd_supplement_result r;
	struct cd_error err;
	int rc;

	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_case_supplement(cli->db, case_no, material, &r, &err) < 0)
		return cli_fail(&err);
	if (cli->json) {
		json_t *o = json_object();

		json_object_set_new(o, "case_no", json_string(case_no));
		json_object_set_new(o, "material", json_string(material));
		json_object_set_new(o, "visits", json_integer(r.visits));
		json_object_set_new(o, "outstanding", json_integer(r.outstanding));
		cd_json_print(o);
	} else {
		printf(_("Case %s: %s received. Visits: %d; materials still missing: %d.\n"), case_no,
		       material, r.visits, r.outstanding);
	}
	return CD_EXIT_OK;
}

static int case_drafts(struct cli *cli)
{
	struct cd_draft_info *d;
	struct cd_error err;
	size_t n;
	int rc;

	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_draft_list(cli->db, &d, &n, &err) < 0)
		return cli_fail(&err);
	if (cli->json) {
		json_t *a = json_array();

		for (size_t i = 0; i < n; i++) {
			json_t *o = json_object();

			json_object_set_new(o, "id", json_string(d[i].id));
			json_object_set_new(o, "item", json_string(d[i].item));
			json_object_set_new(o, "summary", json_string(d[i].summary));
			json_object_set_new(o, "updated_at", json_string(d[i].updated_at));
			json_array_append_new(a, o);
		}
		cd_json_print(a);
	} else {
		for (size_t i = 0; i < n; i++) {
			printf("%s  %s  ", d[i].id, d[i].updated_at);
			cd_print_padded(stdout, d[i].item, 18);
			printf("%s\n", d[i].summary);
		}
		if (!n)
			printf("%s\n", _("No drafts."));
	}
	cd_draft_infos_free(&d, n);
	return CD_EXIT_OK;
}

/* ---- case verify / resolve ----------------------------------------------- */

static int case_verify(struct cli *cli, const char *case_no)
{
	struct cd_verify_results res;
	struct cd_keys *keys = NULL;
	struct cd_error err;
	bool unavailable = false;
	int rc, width = 0;

	if ((rc = cli_config(cli)) || (rc = load_keys(cli, &keys)))
		return rc;
	if ((rc = cli_connect(cli))) {
		cd_keys_free(&keys);
		return rc;
	}
	rc = cd_case_verify(cli->db, keys, case_no, &res, &err);
	cd_keys_free(&keys);
	if (rc < 0)
		return cli_fail(&err);
	if (cli->json) {
		json_t *a = json_array();

		for (size_t i = 0; i < res.n; i++) {
			json_array_append_new(a, verification_json(&res.v[i], NULL));
		}
		json_t *top = json_object();

		json_object_set_new(top, "case_no", json_string(case_no));
		json_object_set_new(top, "all_matched", json_boolean(cd_verify_all_matched(&res)));
		json_object_set_new(top, "materials", a);
		cd_json_print(top);
	} else {
		for (size_t i = 0; i < res.n; i++)
			if (cd_text_width(res.v[i].material) > width)
				width = cd_text_width(res.v[i].material);
		for (size_t i = 0; i < res.n; i++) {
			const struct cd_verify_result *v = &res.v[i];

			cd_print_padded(stdout, v->material, width + 2);
			cd_print_padded(stdout, v->register_name, 15);
			fputs(cd_verify_outcome_text(v->outcome), stdout);
			if (v->ndiffering) {
				printf("%s", _(": differs in "));
				for (size_t k = 0; k < v->ndiffering; k++)
					printf("%s%s", k ? ", " : "", v->differing[k]);
			} else if (v->detail && strcmp(v->outcome, "unavailable")) {
				printf(" (%s)", cd_verify_detail_text(v->detail));
			}
			putchar('\n');
			if (!strcmp(v->outcome, "unavailable"))
				unavailable = true;
		}
		if (!res.n)
			printf("%s\n", _("Nothing on this case can be verified against shared data."));
		if (unavailable)
			printf("%s\n", _("The shared-data registers could not be reached: those materials "
					 "are still to be verified. The case stands; verify again later."));
	}
	rc = cd_verify_all_matched(&res) ? CD_EXIT_OK : CD_EXIT_NO;
	cd_verify_results_clear(&res);
	return rc;
}

static int case_resolve(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *usage = _("usage: counterdesk case resolve CASE_NO MATERIAL --reason TEXT");
	const char *reason = NULL;
	struct cd_error err;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'r')
			reason = optarg;
		else
			return cli_usage("%s", usage);
	}
	if (optind + 2 != argc || !reason)
		return cli_usage("%s", usage);
	if ((rc = cli_connect(cli)))
		return rc;
	if (cd_verification_resolve(cli->db, argv[optind], argv[optind + 1], reason, &err) < 0)
		return cli_fail(&err);
	if (cli->json) {
		json_t *o = json_object();

		json_object_set_new(o, "case_no", json_string(argv[optind]));
		json_object_set_new(o, "material", json_string(argv[optind + 1]));
		json_object_set_new(o, "resolution", json_string("checked_by_hand"));
		cd_json_print(o);
	} else {
		printf(_("Case %s: %s marked as checked by hand from the original document.\n"),
		       argv[optind], argv[optind + 1]);
	}
	return CD_EXIT_OK;
}

/* case reveal CASE_NO FIELD --purpose TEXT */
static int case_reveal(struct cli *cli, int argc, char **argv)
{
	const char *purpose = NULL;
	struct cd_keys *keys = NULL;
	struct cd_error err;
	char *clear = NULL;
	int rc;

	if (argc == 5 && !strcmp(argv[3], "--purpose"))
		purpose = argv[4];
	else if (argc == 4 && !strncmp(argv[3], "--purpose=", 10))
		purpose = argv[3] + 10;
	if (!purpose)
		return cli_usage(_("usage: counterdesk case reveal CASE_NO FIELD --purpose TEXT [--json]"));
	if ((rc = cli_connect(cli)) || (rc = load_keys(cli, &keys)))
		return rc;
	if (cd_case_reveal(cli->db, keys, argv[1], argv[2], purpose, &clear, &err) < 0) {
		cd_keys_free(&keys);
		return cli_fail(&err);
	}
	cd_keys_free(&keys);
	if (cli->json) {
		json_t *o = json_object();

		json_object_set_new(o, "case", json_string(argv[1]));
		json_object_set_new(o, "field", json_string(argv[2]));
		json_object_set_new(o, "value", json_string(clear));
		cd_json_print(o);
	} else {
		printf("%s\n", clear);
	}
	sodium_memzero(clear, strlen(clear));
	free(clear);
	return CD_EXIT_OK;
}

int cmd_case(struct cli *cli, int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		help(argc < 2 ? stderr : stdout);
		return argc < 2 ? CD_EXIT_USAGE : CD_EXIT_OK;
	}
	if (!strcmp(argv[1], "new"))
		return case_new(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "show")) {
		if (argc != 3)
			return cli_usage(_("usage: counterdesk case show CASE_NO [--json]"));
		return case_show(cli, argv[2]);
	}
	if (!strcmp(argv[1], "list"))
		return case_list(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "supplement")) {
		if (argc != 4)
			return cli_usage(_("usage: counterdesk case supplement CASE_NO MATERIAL"));
		return case_supplement(cli, argv[2], argv[3]);
	}
	if (!strcmp(argv[1], "drafts")) {
		if (argc != 2)
			return cli_usage(_("usage: counterdesk case drafts [--json]"));
		return case_drafts(cli);
	}
	if (!strcmp(argv[1], "verify")) {
		if (argc != 3)
			return cli_usage(_("usage: counterdesk case verify CASE_NO [--json]"));
		return case_verify(cli, argv[2]);
	}
	if (!strcmp(argv[1], "resolve"))
		return case_resolve(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "correction"))
		return case_correction(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "handover")) {
		if (argc != 3)
			return cli_usage(_("usage: counterdesk case handover CASE_NO [--json]"));
		return case_handover(cli, argv[2]);
	}
	if (!strcmp(argv[1], "reveal"))
		return case_reveal(cli, argc - 1, argv + 1);
	return cli_usage(_("unknown case command '%s'"), argv[1]);
}
