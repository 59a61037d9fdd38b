/* Register extracts: an RFC 4180 CSV reader fed in chunks, and the checks of
 * each register's columns (shared_import.h). No libpq here: cmd_shared.c
 * streams the good rows to the database with COPY. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "i18n.h"
#include "shared_import.h"
#include "util.h"
#include "validate.h"

/* ---- the registers ------------------------------------------------------ */

enum coltype {
	C_IDNO,     /* GB 11643 identity number, normalised */
	C_USCC,     /* GB 32100 credit code, normalised */
	C_HOLDER,   /* either of the two */
	C_TEXT,     /* required text */
	C_TEXT_OPT, /* text; empty = NULL */
	C_DATE,     /* required YYYY-MM-DD */
	C_DATE_OPT, /* YYYY-MM-DD; empty = NULL */
	C_SEX,      /* M or F */
	C_STATUS,   /* one of the register's status codes */
};

struct regspec {
	const char *name;
	const char *header;
	size_t ncols;
	const char *const *cols; /* table order, as in sql/shared/001_registers.sql */
	enum coltype types[CD_REG_MAX_COLUMNS];
	unsigned key;            /* bit i: column i is part of the primary key */
	const char *statuses[4]; /* NULL-terminated */
	const char *status_list; /* the same, for messages */
};

static const char *const population_cols[] = { "id_no", "name", "sex", "birth_date", "address",
						"status" };
static const char *const civil_cols[] = { "id_no", "benefit", "status", "since" };
static const char *const elicence_cols[] = { "holder_id", "licence_type", "licence_no",
					     "issued_on", "valid_until", "status" };
static const char *const enterprise_cols[] = { "uscc", "name", "legal_rep_id", "status",
					       "registered_on", "address" };

static const struct regspec regs[CD_REG_COUNT] = {
	[CD_REG_POPULATION] = { "population", "id_no,name,sex,birth_date,address,status", 6,
				population_cols,
				{ C_IDNO, C_TEXT, C_SEX, C_DATE, C_TEXT_OPT, C_STATUS },
				1u << 0, { "alive", "deceased", NULL }, "alive, deceased" },
	[CD_REG_CIVIL_AFFAIRS] = { "civil_affairs", "id_no,benefit,status,since", 4, civil_cols,
				   { C_IDNO, C_TEXT, C_STATUS, C_DATE },
				   1u << 0 | 1u << 1 | 1u << 3, { "active", "ended", NULL },
				   "active, ended" },
	[CD_REG_ELICENCE] = { "elicence", "holder_id,licence_type,licence_no,issued_on,valid_until,status",
			      6, elicence_cols,
			      { C_HOLDER, C_TEXT, C_TEXT, C_DATE, C_DATE_OPT, C_STATUS },
			      1u << 0 | 1u << 1 | 1u << 2, { "valid", "revoked", "expired", NULL },
			      "valid, revoked, expired" },
	[CD_REG_ENTERPRISE] = { "enterprise", "uscc,name,legal_rep_id,status,registered_on,address", 6,
				enterprise_cols,
				{ C_USCC, C_TEXT, C_IDNO, C_STATUS, C_DATE, C_TEXT_OPT },
				1u << 0, { "active", "deregistered", "revoked", NULL },
				"active, deregistered, revoked" },
};

int cd_register_lookup(const char *name, enum cd_register *out)
{
	for (int i = 0; i < CD_REG_COUNT; i++) {
		if (name && !strcmp(name, regs[i].name)) {
			*out = (enum cd_register)i;
			return 0;
		}
	}
	return -1;
}

const char *cd_register_name(enum cd_register reg)
{
	return regs[reg].name;
}

const char *const *cd_register_columns(enum cd_register reg, size_t *n)
{
	*n = regs[reg].ncols;
	return regs[reg].cols;
}

const char *cd_register_header(enum cd_register reg)
{
	return regs[reg].header;
}

/* ---- byte buffers -------------------------------------------------------- */

static void bytes_reserve(struct cd_bytes *b, size_t more)
{
	if (b->len + more <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + more)
		cap *= 2;
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
}

static void bytes_add(struct cd_bytes *b, const void *p, size_t n)
{
	bytes_reserve(b, n);
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

void cd_bytes_free(struct cd_bytes *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void cd_copy_text_row(struct cd_bytes *out, const char *const *values, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *v = values[i];

		if (i)
			bytes_add(out, "\t", 1);
		if (!v) {
			bytes_add(out, "\\N", 2);
			continue;
		}
		size_t len = strlen(v);
		bytes_reserve(out, 2 * len);
		for (size_t k = 0; k < len; k++) {
			char c = v[k], e = 0;

			switch (c) {
			case '\\': e = '\\'; break;
			case '\t': e = 't'; break;
			case '\n': e = 'n'; break;
			case '\r': e = 'r'; break;
			default: break;
			}
			if (e) {
				out->p[out->len++] = '\\';
				out->p[out->len++] = e;
			} else {
				out->p[out->len++] = c;
			}
		}
	}
	bytes_add(out, "\n", 1);
}

/* ---- keys seen: duplicates ------------------------------------------------ */

/* Open addressing over the keys of the good rows so far; each key is kept
 * in an arena as a length-prefixed sequence of values, so equality is exact. */
struct keyslot {
	uint64_t hash; /* 0: empty */
	size_t off;    /* into the arena */
	long line;
};

struct keyset {
	struct keyslot *slot;
	size_t cap, used;
	struct cd_bytes arena;
};

static uint64_t hash_bytes(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ull;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h ? h : 1;
}

static bool key_equal(const struct keyset *ks, size_t off, const char *key, size_t n)
{
	uint32_t len;

	memcpy(&len, ks->arena.p + off, sizeof(len));
	return len == n && !memcmp(ks->arena.p + off + sizeof(len), key, n);
}

static void keyset_grow(struct keyset *ks)
{
	size_t cap = ks->cap ? ks->cap * 2 : 1024;
	struct keyslot *slot = xcalloc(cap, sizeof(*slot));

	for (size_t i = 0; i < ks->cap; i++) {
		if (!ks->slot[i].hash)
			continue;
		size_t j = ks->slot[i].hash & (cap - 1);
		while (slot[j].hash)
			j = (j + 1) & (cap - 1);
		slot[j] = ks->slot[i];
	}
	free(ks->slot);
	ks->slot = slot;
	ks->cap = cap;
}

/* The line that already has key, else 0 after remembering key for line. */
static long keyset_add(struct keyset *ks, const char *key, size_t n, long line)
{
	uint64_t h = hash_bytes(key, n);
	uint32_t len = (uint32_t)n;
	size_t j;

	if ((ks->used + 1) * 4 > ks->cap * 3)
		keyset_grow(ks);
	for (j = h & (ks->cap - 1); ks->slot[j].hash; j = (j + 1) & (ks->cap - 1)) {
		if (ks->slot[j].hash == h && key_equal(ks, ks->slot[j].off, key, n))
			return ks->slot[j].line;
	}
	ks->slot[j].hash = h;
	ks->slot[j].off = ks->arena.len;
	ks->slot[j].line = line;
	ks->used++;
	bytes_add(&ks->arena, &len, sizeof(len));
	bytes_add(&ks->arena, key, n);
	return 0;
}

static void keyset_free(struct keyset *ks)
{
	free(ks->slot);
	cd_bytes_free(&ks->arena);
}

/* ---- the reader ------------------------------------------------------------ */

/* A record longer than this is reported instead of kept (an unclosed quote
 * would otherwise take the rest of the file into memory). */
#define MAX_RECORD (1024 * 1024)

enum pstate {
	S_FIELD_START, /* nothing of this field yet (or only blanks) */
	S_UNQUOTED,
	S_QUOTED,
	S_QUOTE_SEEN,  /* a quote inside a quoted field: doubled, or the end */
	S_AFTER_QUOTE, /* blanks after the closing quote */
};

enum rec_error {
	R_OK,
	R_QUOTE_IN_FIELD,
	R_TEXT_AFTER_QUOTE,
	R_TOO_LONG,
};

struct field {
	size_t start, len;
};

struct cd_import {
	const struct regspec *spec;
	long today;
	cd_import_row_fn row;
	cd_import_bad_fn bad;
	void *arg;

	/* the byte-order mark: the first three bytes wait here */
	unsigned char head[3];
	size_t nhead;
	bool started, finished;

	enum pstate state;
	bool pending_cr;
	long line;     /* the line being read */
	long rec_line; /* the line where the current record started */
	struct cd_bytes rec;
	size_t field_start;
	size_t blanks; /* blanks at the start of an unquoted field, kept until known */
	bool field_quoted; /* some field of this record was quoted */
	struct field *fields;
	size_t nfields, fcap;
	enum rec_error rec_err;

	bool header_done;
	int map[CD_REG_MAX_COLUMNS * 4]; /* header position -> column */
	size_t nheader;

	struct keyset keys;
	struct cd_bytes msg;
	struct cd_import_stats stats;
};

struct cd_import *cd_import_new(enum cd_register reg, long today_yyyymmdd,
				cd_import_row_fn row, cd_import_bad_fn bad, void *arg)
{
	struct cd_import *imp = xcalloc(1, sizeof(*imp));

	imp->spec = &regs[reg];
	imp->today = today_yyyymmdd;
	imp->row = row;
	imp->bad = bad;
	imp->arg = arg;
	imp->line = imp->rec_line = 1;
	return imp;
}

void cd_import_free(struct cd_import **impp)
{
	struct cd_import *imp = *impp;

	if (!imp)
		return;
	cd_bytes_free(&imp->rec);
	cd_bytes_free(&imp->msg);
	keyset_free(&imp->keys);
	free(imp->fields);
	free(imp);
	*impp = NULL;
}

void cd_import_get_stats(const struct cd_import *imp, struct cd_import_stats *out)
{
	*out = imp->stats;
}

/* Messages: "line N: " then the problems of the record joined by "; ". */
static void msg_start(struct cd_import *imp)
{
	imp->msg.len = 0;
}

static void msg_add(struct cd_import *imp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void msg_add(struct cd_import *imp, const char *fmt, ...)
{
	char buf[600];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (imp->msg.len)
		bytes_add(&imp->msg, "; ", 2);
	bytes_add(&imp->msg, buf, strlen(buf));
}

static void msg_report(struct cd_import *imp, long line)
{
	char *text;

	bytes_add(&imp->msg, "", 1);
	text = xasprintf(_("line %ld: %s"), line, imp->msg.p);
	imp->stats.bad++;
	if (imp->bad)
		imp->bad(imp->arg, line, text);
	free(text);
}

/* A problem with the file as a whole (header, empty file): reported like a
 * bad record, but not counted as a rejected row, and nothing can be loaded. */
static void fatal(struct cd_import *imp, long line)
{
	char *text;

	imp->stats.fatal = true;
	bytes_add(&imp->msg, "", 1);
	text = xasprintf(_("line %ld: %s"), line, imp->msg.p);
	if (imp->bad)
		imp->bad(imp->arg, line, text);
	free(text);
}

/* -- building a record -- */

static void rec_put(struct cd_import *imp, char c)
{
	if (imp->rec.len >= MAX_RECORD) {
		imp->rec_err = R_TOO_LONG;
		return;
	}
	bytes_add(&imp->rec, &c, 1);
}

static void field_end(struct cd_import *imp)
{
	if (imp->nfields == imp->fcap) {
		imp->fcap = imp->fcap ? imp->fcap * 2 : 16;
		imp->fields = xrealloc(imp->fields, imp->fcap * sizeof(*imp->fields));
	}
	imp->fields[imp->nfields].start = imp->field_start;
	imp->fields[imp->nfields].len = imp->rec.len - imp->field_start;
	imp->nfields++;
	/* Each field ends in NUL inside the record buffer (not counted). */
	bytes_add(&imp->rec, "", 1);
	imp->field_start = imp->rec.len;
	imp->blanks = 0;
	imp->state = S_FIELD_START;
}

static void record_done(struct cd_import *imp);

static void record_end(struct cd_import *imp)
{
	bool blank;

	field_end(imp);
	blank = imp->nfields == 1 && imp->fields[0].len == 0 && !imp->field_quoted &&
		imp->rec_err == R_OK;
	if (!blank && !imp->stats.fatal)
		record_done(imp);
	imp->rec.len = 0;
	imp->field_start = 0;
	imp->nfields = 0;
	imp->field_quoted = false;
	imp->rec_err = R_OK;
	imp->state = S_FIELD_START;
}

static void note(struct cd_import *imp, enum rec_error e)
{
	if (imp->rec_err == R_OK)
		imp->rec_err = e;
}

/* A character that is data outside quotes. */
static void unquoted_char(struct cd_import *imp, char c)
{
	switch (imp->state) {
	case S_FIELD_START:
		if (c == ' ' || c == '\t') {
			/* Kept in case the field turns out to be unquoted text. */
			imp->blanks++;
			rec_put(imp, c);
			return;
		}
		imp->state = S_UNQUOTED;
		break;
	case S_QUOTE_SEEN:
	case S_AFTER_QUOTE:
		if (c == ' ' || c == '\t') {
			imp->state = S_AFTER_QUOTE;
			return;
		}
		note(imp, R_TEXT_AFTER_QUOTE);
		imp->state = S_UNQUOTED;
		break;
	default:
		break;
	}
	rec_put(imp, c);
}

static void feed_char(struct cd_import *imp, char c)
{
	if (imp->pending_cr) {
		imp->pending_cr = false;
		if (c == '\n') {
			record_end(imp);
			imp->line++;
			imp->rec_line = imp->line;
			return;
		}
		unquoted_char(imp, '\r');
	}
	if (imp->state == S_QUOTED) {
		if (c == '"')
			imp->state = S_QUOTE_SEEN;
		else
			rec_put(imp, c);
		if (c == '\n')
			imp->line++;
		return;
	}
	switch (c) {
	case ',':
		field_end(imp);
		return;
	case '\n':
		record_end(imp);
		imp->line++;
		imp->rec_line = imp->line;
		return;
	case '\r':
		imp->pending_cr = true;
		return;
	case '"':
		if (imp->state == S_QUOTE_SEEN) {
			rec_put(imp, '"');
			imp->state = S_QUOTED;
			return;
		}
		if (imp->state == S_FIELD_START) {
			/* Blanks before the opening quote are not part of the value. */
			imp->rec.len -= imp->blanks < imp->rec.len - imp->field_start ?
						imp->blanks : imp->rec.len - imp->field_start;
			imp->blanks = 0;
			imp->field_quoted = true;
			imp->state = S_QUOTED;
			return;
		}
		note(imp, imp->state == S_AFTER_QUOTE ? R_TEXT_AFTER_QUOTE : R_QUOTE_IN_FIELD);
		imp->state = S_UNQUOTED;
		rec_put(imp, c);
		return;
	default:
		unquoted_char(imp, c);
		return;
	}
}

void cd_import_feed(struct cd_import *imp, const char *data, size_t len)
{
	size_t i = 0;

	if (imp->finished || imp->stats.fatal)
		return;
	if (!imp->started) {
		while (imp->nhead < 3 && i < len)
			imp->head[imp->nhead++] = (unsigned char)data[i++];
		if (imp->nhead < 3)
			return;
		imp->started = true;
		if (!(imp->head[0] == 0xEF && imp->head[1] == 0xBB && imp->head[2] == 0xBF))
			for (size_t k = 0; k < 3; k++)
				feed_char(imp, (char)imp->head[k]);
	}
	for (; i < len; i++)
		feed_char(imp, data[i]);
}

void cd_import_finish(struct cd_import *imp)
{
	if (imp->finished)
		return;
	if (!imp->started) {
		imp->started = true;
		if (!(imp->nhead == 3 && imp->head[0] == 0xEF && imp->head[1] == 0xBB &&
		      imp->head[2] == 0xBF))
			for (size_t k = 0; k < imp->nhead; k++)
				feed_char(imp, (char)imp->head[k]);
	}
	if (imp->state == S_QUOTED) {
		if (!imp->stats.fatal) {
			msg_start(imp);
			msg_add(imp, "%s", _("a quoted field is not closed before the end of the file"));
			if (imp->header_done)
				msg_report(imp, imp->rec_line);
			else
				fatal(imp, imp->rec_line);
		}
	} else if (imp->pending_cr || imp->rec.len > 0 || imp->nfields > 0 ||
		   imp->state != S_FIELD_START || imp->field_quoted) {
		imp->pending_cr = false;
		record_end(imp);
	}
	imp->finished = true;
	if (!imp->header_done && !imp->stats.fatal) {
		msg_start(imp);
		msg_add(imp, _("the file is empty: the first line must be the header %s"),
			imp->spec->header);
		fatal(imp, 1);
	}
}

/* -- one record -- */

static char *trimmed(struct cd_import *imp, size_t i)
{
	char *p = imp->rec.p + imp->fields[i].start;
	size_t n = imp->fields[i].len;

	while (n && (*p == ' ' || *p == '\t'))
		p++, n--;
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	p[n] = '\0';
	return p;
}

static const char *rec_error_text(enum rec_error e)
{
	switch (e) {
	case R_QUOTE_IN_FIELD:
		return N_("a quote inside an unquoted field: enclose the field in quotes and double the quote");
	case R_TEXT_AFTER_QUOTE:
		return N_("text after the closing quote of a field");
	case R_TOO_LONG:
		return N_("the record is longer than 1 MiB: is a quote not closed?");
	case R_OK:
		break;
	}
	return "";
}

static void header(struct cd_import *imp)
{
	const struct regspec *s = imp->spec;
	bool seen[CD_REG_MAX_COLUMNS] = { false };

	imp->header_done = true;
	msg_start(imp);
	if (imp->rec_err != R_OK)
		msg_add(imp, "%s", _(rec_error_text(imp->rec_err)));
	if (imp->nfields > ARRAY_SIZE(imp->map)) {
		msg_add(imp, _("the header has %zu columns, %s has %zu: %s"), imp->nfields, s->name,
			s->ncols, s->header);
		fatal(imp, imp->rec_line);
		return;
	}
	imp->nheader = imp->nfields;
	for (size_t i = 0; i < imp->nfields; i++) {
		const char *name = trimmed(imp, i);
		size_t c;

		imp->map[i] = -1;
		for (c = 0; c < s->ncols; c++)
			if (!strcmp(name, s->cols[c]))
				break;
		if (c == s->ncols) {
			msg_add(imp, _("unknown column '%.40s'"), name);
		} else if (seen[c]) {
			msg_add(imp, _("column '%s' appears twice"), s->cols[c]);
		} else {
			seen[c] = true;
			imp->map[i] = (int)c;
		}
	}
	for (size_t c = 0; c < s->ncols; c++)
		if (!seen[c])
			msg_add(imp, _("column '%s' is missing"), s->cols[c]);
	if (imp->msg.len) {
		msg_add(imp, _("the columns of %s are %s"), s->name, s->header);
		fatal(imp, imp->rec_line);
	}
}

/* Whether p[0..n) is well-formed UTF-8 without NUL. */
static bool utf8_ok(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = p[i];
		size_t k;
		unsigned cp;

		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			k = 1, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			k = 2, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			k = 3, cp = c & 0x07;
		else
			return false;
		if (i + k >= n)
			return false;
		for (size_t j = 1; j <= k; j++) {
			if ((p[i + j] & 0xC0) != 0x80)
				return false;
			cp = cp << 6 | (p[i + j] & 0x3F);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += k + 1;
	}
	return true;
}

/* The reason an identifier check failed, translated, into buf. */
static const char *check_reason(const struct cd_check *r, char *buf, size_t len)
{
	if (r->reason == CD_INVALID_CHECK && r->expected_check) {
		snprintf(buf, len, _("%s (expected %c)"), _(cd_invalid_text(r->reason)),
			 r->expected_check);
		return buf;
	}
	return _(cd_invalid_text(r->reason));
}

static void row(struct cd_import *imp)
{
	const struct regspec *s = imp->spec;
	const char *val[CD_REG_MAX_COLUMNS] = { NULL };
	char norm[CD_REG_MAX_COLUMNS][CD_NORMALIZED_MAX];
	struct cd_date dates[CD_REG_MAX_COLUMNS];
	bool date_ok[CD_REG_MAX_COLUMNS] = { false };
	char why[300];

	msg_start(imp);
	if (imp->rec_err != R_OK) {
		msg_add(imp, "%s", _(rec_error_text(imp->rec_err)));
		msg_report(imp, imp->rec_line);
		return;
	}
	if (imp->nfields != imp->nheader) {
		msg_add(imp, _("%zu fields where the header has %zu"), imp->nfields, imp->nheader);
		msg_report(imp, imp->rec_line);
		return;
	}
	for (size_t i = 0; i < imp->nfields; i++) {
		int c = imp->map[i];
		const char *name = s->cols[c];
		const char *v;
		struct cd_check r;

		if (!utf8_ok((const unsigned char *)imp->rec.p + imp->fields[i].start,
			     imp->fields[i].len)) {
			msg_add(imp, _("%s: not valid UTF-8 (or holds a NUL byte)"), name);
			continue;
		}
		v = trimmed(imp, i);
		if (!*v) {
			if (s->types[c] == C_TEXT_OPT || s->types[c] == C_DATE_OPT)
				continue; /* NULL */
			msg_add(imp, _("%s: is empty"), name);
			continue;
		}
		switch (s->types[c]) {
		case C_IDNO:
			r = cd_check_idno(v, strlen(v), imp->today);
			if (r.reason != CD_VALID) {
				msg_add(imp, _("%s: not a valid identity number: %s"), name,
					check_reason(&r, why, sizeof(why)));
				continue;
			}
			memcpy(norm[c], r.normalized, sizeof(norm[c]));
			v = norm[c];
			break;
		case C_USCC:
			r = cd_check_uscc(v, strlen(v));
			if (r.reason != CD_VALID) {
				msg_add(imp, _("%s: not a valid credit code: %s"), name,
					check_reason(&r, why, sizeof(why)));
				continue;
			}
			memcpy(norm[c], r.normalized, sizeof(norm[c]));
			v = norm[c];
			break;
		case C_HOLDER:
			r = cd_check_idno(v, strlen(v), imp->today);
			if (r.reason != CD_VALID)
				r = cd_check_uscc(v, strlen(v));
			if (r.reason != CD_VALID) {
				msg_add(imp, _("%s: neither a valid identity number nor a valid credit code"),
					name);
				continue;
			}
			memcpy(norm[c], r.normalized, sizeof(norm[c]));
			v = norm[c];
			break;
		case C_DATE:
		case C_DATE_OPT:
			if (cd_date_parse(v, &dates[c]) < 0) {
				msg_add(imp, _("%s: not a real date in the form YYYY-MM-DD"), name);
				continue;
			}
			date_ok[c] = true;
			break;
		case C_SEX:
			if (strcmp(v, "M") && strcmp(v, "F")) {
				msg_add(imp, _("%s: '%.40s' is neither M nor F"), name, v);
				continue;
			}
			break;
		case C_STATUS: {
			size_t k;

			for (k = 0; s->statuses[k]; k++)
				if (!strcmp(v, s->statuses[k]))
					break;
			if (!s->statuses[k]) {
				msg_add(imp, _("%s: '%.40s' is not one of %s"), name, v, s->status_list);
				continue;
			}
			break;
		}
		case C_TEXT:
		case C_TEXT_OPT:
			break;
		}
		val[c] = v;
	}
	/* The table's own check: a licence does not expire before it is issued. */
	if (s == &regs[CD_REG_ELICENCE] && date_ok[3] && date_ok[4] &&
	    cd_date_to_days(dates[4]) < cd_date_to_days(dates[3]))
		msg_add(imp, "%s", _("valid_until: before issued_on"));
	if (imp->msg.len) {
		msg_report(imp, imp->rec_line);
		return;
	}

	/* The primary key must not repeat an earlier row's. */
	{
		struct cd_bytes key = { 0 };
		char cols[120] = "";
		long first;

		for (size_t c = 0; c < s->ncols; c++) {
			if (!(s->key >> c & 1u))
				continue;
			uint32_t n = (uint32_t)strlen(val[c]);

			bytes_add(&key, &n, sizeof(n));
			bytes_add(&key, val[c], n);
			snprintf(cols + strlen(cols), sizeof(cols) - strlen(cols), "%s%s",
				 *cols ? ", " : "", s->cols[c]);
		}
		first = keyset_add(&imp->keys, key.p, key.len, imp->rec_line);
		cd_bytes_free(&key);
		if (first) {
			msg_add(imp, _("the same %s as line %ld"), cols, first);
			msg_report(imp, imp->rec_line);
			return;
		}
	}
	imp->stats.good++;
	if (imp->row)
		imp->row(imp->arg, imp->rec_line, val, s->ncols);
}

static void record_done(struct cd_import *imp)
{
	if (!imp->header_done)
		header(imp);
	else
		row(imp);
}
