/* Register extracts for the shared-data database (counterdesk shared import):
 * an RFC 4180 CSV reader and the per-register validation, in pure C (no
 * libpq), fed in chunks of any size so that a file of millions of rows is
 * never held in memory whole.
 *
 * The file: UTF-8 (a leading byte-order mark is skipped), records ending in
 * LF or CRLF, fields separated by commas, a field that holds a comma, a quote
 * or a line break enclosed in double quotes with each quote inside doubled.
 * The first record is the header: the register's column names, each exactly
 * once, in any order. Every later record has exactly as many fields as the
 * header. Blank lines are ignored. Blanks and tabs around a value are not
 * part of it.
 *
 *   population     id_no,name,sex,birth_date,address,status
 *   civil_affairs  id_no,benefit,status,since
 *   elicence       holder_id,licence_type,licence_no,issued_on,valid_until,status
 *   enterprise     uscc,name,legal_rep_id,status,registered_on,address
 *
 * Identity numbers must be valid GB 11643 numbers and are stored normalised
 * (x -> X, old 15-digit numbers converted to 18); credit codes valid GB 32100
 * codes (upper case); dates YYYY-MM-DD and real; sex M or F; status one of the
 * register's codes (sql/shared/001_registers.sql). An empty address or
 * valid_until is stored as NULL; every other value is required. Two rows with
 * the same key (the table's primary key) are an error on the later one.
 *
 * A bad record is reported as "line N: what is wrong" (translated), N being
 * the line of the file where the record starts; all problems of one record
 * make one message. */
#ifndef CD_SHARED_IMPORT_H
#define CD_SHARED_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

enum cd_register {
	CD_REG_POPULATION,
	CD_REG_CIVIL_AFFAIRS,
	CD_REG_ELICENCE,
	CD_REG_ENTERPRISE,
};
#define CD_REG_COUNT 4
#define CD_REG_MAX_COLUMNS 6

/* The register named name ("population", ...): 0, else -1. */
int cd_register_lookup(const char *name, enum cd_register *out);
const char *cd_register_name(enum cd_register reg);
/* The columns in the order of the table (and of the values given to the row
 * callback); *n receives their number. */
const char *const *cd_register_columns(enum cd_register reg, size_t *n);
/* The columns joined with commas: the header of a complete extract. */
const char *cd_register_header(enum cd_register reg);

/* A good row: its values in table column order, NUL-terminated, NULL for an
 * SQL NULL; valid until the callback returns. */
typedef void (*cd_import_row_fn)(void *arg, long line, const char *const *values, size_t n);
/* A bad record (or a bad header, line 1): the whole message, translated,
 * starting "line N: ". */
typedef void (*cd_import_bad_fn)(void *arg, long line, const char *message);

struct cd_import_stats {
	long good;     /* rows handed to the row callback */
	long bad;      /* records reported to the bad callback */
	bool fatal;    /* the header is missing or wrong: nothing can be loaded */
};

struct cd_import;

/* today_yyyymmdd: the date before which every birth date in an identity
 * number must lie (0: the real clock; tests pass a fixed date). */
struct cd_import *cd_import_new(enum cd_register reg, long today_yyyymmdd,
				cd_import_row_fn row, cd_import_bad_fn bad, void *arg);
/* Reads len more bytes of the file (any split, even inside a character). */
void cd_import_feed(struct cd_import *imp, const char *data, size_t len);
/* The end of the file: finishes the last record (and reports an empty file
 * or an unclosed quote). Feeding after this is an error ignored. */
void cd_import_finish(struct cd_import *imp);
void cd_import_get_stats(const struct cd_import *imp, struct cd_import_stats *out);
void cd_import_free(struct cd_import **imp);

/* A growable byte buffer. */
struct cd_bytes {
	char *p;
	size_t len, cap;
};
void cd_bytes_free(struct cd_bytes *b);

/* Appends one row in the text format of COPY ... FROM STDIN (tab-separated,
 * \N for NULL, backslash, tab, CR and LF escaped, ending in a newline). */
void cd_copy_text_row(struct cd_bytes *out, const char *const *values, size_t n);

#endif
