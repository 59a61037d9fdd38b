/* Unit tests for src/shared_import.c: the CSV reader (RFC 4180 quoting, BOM,
 * line endings, header in any order, column counts) and each register's
 * checks, with the line numbers the messages carry. Every file is read
 * twice, whole and one byte at a time, and both reads must agree. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared_import.h"
#include "util.h"

#define TODAY 20260301L

/* What one read produced: rows as "v1|v2|..." (NULL shown as \N) and bad
 * messages, one per line of text. */
struct result {
	char rows[8192];
	char bad[8192];
	long lines[64];
	size_t nlines;
	struct cd_import_stats st;
};

static void on_row(void *arg, long line, const char *const *v, size_t n)
{
	struct result *r = arg;
	size_t len = strlen(r->rows);

	(void)line;
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(r->rows + len, sizeof(r->rows) - len, "%s%s", i ? "|" : "",
					v[i] ? v[i] : "\\N");
	snprintf(r->rows + len, sizeof(r->rows) - len, "\n");
}

static void on_bad(void *arg, long line, const char *msg)
{
	struct result *r = arg;
	size_t len = strlen(r->bad);

	if (r->nlines < 64)
		r->lines[r->nlines++] = line;
	snprintf(r->bad + len, sizeof(r->bad) - len, "%s\n", msg);
}

static void read_with(enum cd_register reg, const char *csv, size_t len, size_t chunk,
		      struct result *r)
{
	struct cd_import *imp = cd_import_new(reg, TODAY, on_row, on_bad, r);

	memset(r, 0, sizeof(*r));
	for (size_t off = 0; off < len; off += chunk)
		cd_import_feed(imp, csv + off, len - off < chunk ? len - off : chunk);
	cd_import_finish(imp);
	cd_import_get_stats(imp, &r->st);
	cd_import_free(&imp);
	assert_null(imp);
}

/* Reads csv (of length len, or strlen when len is 0) whole and byte by
 * byte; checks that both agree and returns the whole read. */
static struct result *run_len(enum cd_register reg, const char *csv, size_t len)
{
	static struct result whole, bytewise;

	if (!len)
		len = strlen(csv);
	read_with(reg, csv, len, len ? len : 1, &whole);
	read_with(reg, csv, len, 1, &bytewise);
	assert_string_equal(whole.rows, bytewise.rows);
	assert_string_equal(whole.bad, bytewise.bad);
	assert_int_equal(whole.st.good, bytewise.st.good);
	assert_int_equal(whole.st.bad, bytewise.st.bad);
	assert_int_equal(whole.st.fatal, bytewise.st.fatal);
	return &whole;
}

static struct result *run(enum cd_register reg, const char *csv)
{
	return run_len(reg, csv, 0);
}

/* The bad message for line, or "" */
static const char *bad_line(const struct result *r, long line)
{
	static char one[1024];
	char prefix[32];
	const char *p;

	snprintf(prefix, sizeof(prefix), "line %ld: ", line);
	for (p = r->bad; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (!strncmp(p, prefix, strlen(prefix))) {
			size_t n = strcspn(p, "\n");

			snprintf(one, sizeof(one), "%.*s", (int)n, p);
			return one;
		}
	}
	return "";
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("'%s' does not contain '%s'", hay, needle);
}

/* ---- registers ---------------------------------------------------------- */

static void registers(void **state)
{
	enum cd_register reg;
	size_t n;

	(void)state;
	assert_int_equal(cd_register_lookup("population", &reg), 0);
	assert_int_equal(reg, CD_REG_POPULATION);
	assert_int_equal(cd_register_lookup("civil_affairs", &reg), 0);
	assert_int_equal(reg, CD_REG_CIVIL_AFFAIRS);
	assert_int_equal(cd_register_lookup("elicence", &reg), 0);
	assert_int_equal(cd_register_lookup("enterprise", &reg), 0);
	assert_int_equal(reg, CD_REG_ENTERPRISE);
	assert_int_equal(cd_register_lookup("Population", &reg), -1);
	assert_int_equal(cd_register_lookup("", &reg), -1);
	assert_int_equal(cd_register_lookup(NULL, &reg), -1);
	assert_string_equal(cd_register_columns(CD_REG_CIVIL_AFFAIRS, &n)[3], "since");
	assert_int_equal(n, 4);
	assert_string_equal(cd_register_header(CD_REG_ELICENCE),
			    "holder_id,licence_type,licence_no,issued_on,valid_until,status");
}

/* ---- the reader ----------------------------------------------------------- */

static void good_population(void **state)
{
	struct result *r;

	(void)state;
	r = run(CD_REG_POPULATION,
		"id_no,name,sex,birth_date,address,status\n"
		"11010519491231002X,王秀英,F,1949-12-31,北京市朝阳区光华路18号,alive\n"
		"44011320141005001x,陈子轩,M,2014-10-05,,alive\n"
		"150102880730303,老号码,M,1988-07-30,  内蒙古  ,deceased\n");
	assert_string_equal(r->bad, "");
	assert_int_equal(r->st.good, 3);
	assert_int_equal(r->st.bad, 0);
	assert_false(r->st.fatal);
	assert_string_equal(r->rows,
			    "11010519491231002X|王秀英|F|1949-12-31|北京市朝阳区光华路18号|alive\n"
			    /* lower-case x normalised, empty address NULL */
			    "44011320141005001X|陈子轩|M|2014-10-05|\\N|alive\n"
			    /* old 15-digit number converted, blanks around a value dropped */
			    "150102198807303035|老号码|M|1988-07-30|内蒙古|deceased\n");
}

static void header_in_another_order(void **state)
{
	struct result *r;

	(void)state;
	r = run(CD_REG_POPULATION,
		"status, address ,birth_date,sex,name,id_no\n"
		"alive,北京,1949-12-31,F,王秀英,11010519491231002X\n");
	assert_string_equal(r->bad, "");
	assert_string_equal(r->rows, "11010519491231002X|王秀英|F|1949-12-31|北京|alive\n");

	r = run(CD_REG_ENTERPRISE,
		"address,registered_on,status,legal_rep_id,name,uscc\n"
		"福州,2015-01-01,active,360426199101010071,\"某某公司\",91350100m000100y43\n");
	assert_string_equal(r->bad, "");
	assert_string_equal(r->rows,
			    "91350100M000100Y43|某某公司|360426199101010071|active|2015-01-01|福州\n");
}

static void quoting(void **state)
{
	struct result *r;

	(void)state;
	r = run(CD_REG_POPULATION,
		"id_no,name,sex,birth_date,address,status\r\n"
		"11010519491231002X,\"王, 秀英\",F,1949-12-31,\"他说 \"\"你好\"\"\",alive\r\n"
		"360426199101010071,李明,M,1991-01-01,\"第一行\r\n第二行\n第三行\",alive\r\n"
		"\"440524188001010014\" , \"\" ,M,1880-01-01,,alive\r\n"
		"330702198803151237,张伟,M,1988-03-15,\"\",alive");
	/* The record starting on line 3 spans lines 3-5; the next is line 6. */
	assert_string_equal(r->bad, "line 6: name: is empty\n");
	assert_int_equal(r->lines[0], 6);
	assert_string_equal(r->rows,
			    "11010519491231002X|王, 秀英|F|1949-12-31|他说 \"你好\"|alive\n"
			    "360426199101010071|李明|M|1991-01-01|第一行\r\n第二行\n第三行|alive\n"
			    "330702198803151237|张伟|M|1988-03-15|\\N|alive\n");
	assert_int_equal(r->st.good, 3);
	assert_int_equal(r->st.bad, 1);
}

static void quote_mistakes(void **state)
{
	struct result *r;

	(void)state;
	r = run(CD_REG_CIVIL_AFFAIRS,
		"id_no,benefit,status,since\n"
		"360426199101010071,低\"保,active,2020-01-01\n"
		"360426199101010071,\"低保\"x,active,2020-01-01\n"
		"360426199101010071,低保,active,2020-01-01\n"
		"360426199101010071,\"特困,active,2020-01-01\n"
		"360426199101010071,高龄津贴,active,2020-01-01\n");
	assert_contains(bad_line(r, 2), "a quote inside an unquoted field");
	assert_contains(bad_line(r, 3), "text after the closing quote");
	/* The quote opened on line 5 takes the rest of the file. */
	assert_contains(bad_line(r, 5), "a quoted field is not closed before the end of the file");
	assert_int_equal(r->st.good, 1);
	assert_int_equal(r->st.bad, 3);
	assert_string_equal(r->rows, "360426199101010071|低保|active|2020-01-01\n");
}

static void bom(void **state)
{
	struct result *r;

	(void)state;
	r = run(CD_REG_CIVIL_AFFAIRS,
		"\xEF\xBB\xBFid_no,benefit,status,since\n"
		"360426199101010071,低保,active,2020-01-01\n");
	assert_string_equal(r->bad, "");
	assert_string_equal(r->rows, "360426199101010071|低保|active|2020-01-01\n");
	/* Only a BOM, and only part of one. */
	r = run(CD_REG_CIVIL_AFFAIRS, "\xEF\xBB\xBF");
	assert_true(r->st.fatal);
	assert_contains(bad_line(r, 1), "the file is empty");
	r = run(CD_REG_CIVIL_AFFAIRS, "\xEF\xBB");
	assert_true(r->st.fatal);
	assert_contains(bad_line(r, 1), "unknown column");
}

static void column_count(void **state)
{
	struct result *r;

	(void)state;
	r = run(CD_REG_CIVIL_AFFAIRS,
		"id_no,benefit,status,since\n"
		"360426199101010071,低保,active\n"
		"360426199101010071,低保,active,2020-01-01,extra\n"
		"\n"
		"360426199101010071,低保,active,2020-01-01\n"
		",,,,\n"
		"\"\"\n");
	assert_string_equal(bad_line(r, 2), "line 2: 3 fields where the header has 4");
	assert_string_equal(bad_line(r, 3), "line 3: 5 fields where the header has 4");
	/* A blank line is skipped but counted. */
	assert_string_equal(bad_line(r, 6), "line 6: 5 fields where the header has 4");
	assert_string_equal(bad_line(r, 7), "line 7: 1 fields where the header has 4");
	assert_int_equal(r->st.good, 1);
	assert_int_equal(r->st.bad, 4);
}

static void empty_and_header_only(void **state)
{
	struct result *r;

	(void)state;
	r = run_len(CD_REG_POPULATION, "", 0);
	assert_true(r->st.fatal);
	assert_string_equal(r->bad, "line 1: the file is empty: the first line must be the header "
				    "id_no,name,sex,birth_date,address,status\n");
	r = run(CD_REG_POPULATION, "\n\n");
	assert_true(r->st.fatal);

	r = run(CD_REG_POPULATION, "id_no,name,sex,birth_date,address,status\n");
	assert_false(r->st.fatal);
	assert_int_equal(r->st.good, 0);
	assert_int_equal(r->st.bad, 0);
	assert_string_equal(r->bad, "");
	r = run(CD_REG_POPULATION, "id_no,name,sex,birth_date,address,status");
	assert_false(r->st.fatal);
	assert_int_equal(r->st.good, 0);
}

static void bad_header(void **state)
{
	struct result *r;

	(void)state;
	r = run(CD_REG_POPULATION,
		"id_no,name,sex,birthdate,status,name\n"
		"11010519491231002X,王秀英,F,1949-12-31,alive,x\n");
	assert_true(r->st.fatal);
	assert_int_equal(r->st.good, 0);
	assert_int_equal(r->st.bad, 0);
	assert_string_equal(r->rows, "");
	assert_contains(bad_line(r, 1), "unknown column 'birthdate'");
	assert_contains(bad_line(r, 1), "column 'name' appears twice");
	assert_contains(bad_line(r, 1), "column 'birth_date' is missing");
	assert_contains(bad_line(r, 1), "column 'address' is missing");
	assert_string_equal(bad_line(r, 1),
			    "line 1: unknown column 'birthdate'; column 'name' appears twice; column "
			    "'birth_date' is missing; column 'address' is missing; the columns of "
			    "population are id_no,name,sex,birth_date,address,status");
	assert_int_equal(r->nlines, 1); /* one message, nothing after it */

	r = run(CD_REG_ENTERPRISE, "\"uscc,name\n");
	assert_true(r->st.fatal);
	assert_contains(bad_line(r, 1), "not closed");
}

/* ---- each register's checks ------------------------------------------------ */

static void population_values(void **state)
{
	struct result *r;

	(void)state;
	r = run(CD_REG_POPULATION,
		"id_no,name,sex,birth_date,address,status\n"
		"110105194912310021,甲,F,1949-12-31,,alive\n"   /* 2: check should be X */
		"360426199113010079,乙,M,1991-01-01,,alive\n"   /* 3: month 13 in the number */
		"11010519491231002X,丙,女,1949-12-31,,alive\n"  /* 4: sex */
		"11010519491231002X,丁,F,1949-02-30,,alive\n"   /* 5: not a date */
		"11010519491231002X,戊,F,1949/12/31,,alive\n"   /* 6: wrong form */
		"11010519491231002X,己,F,1949-12-31,,living\n"  /* 7: status */
		"11010519491231002X,,F,1949-12-31,,alive\n"     /* 8: empty name */
		",庚,F,,,\n"                                    /* 9: three empties */
		"36042619910101007,辛,M,1991-01-01,,alive\n"    /* 10: length */
		"440524188001010014,壬,M,1880-01-01,,alive\n"   /* 11: good */
		"440524188001010014,癸,M,1880-01-01,,alive\n"   /* 12: duplicate of 11 */
		"44011320141005001x,子,M,2014-10-05,,alive\n"); /* 13: good */
	assert_string_equal(bad_line(r, 2),
			    "line 2: id_no: not a valid identity number: the check character (the last "
			    "one) does not match: a character was probably mistyped (expected X)");
	assert_contains(bad_line(r, 3), "id_no: not a valid identity number: the birth date");
	assert_string_equal(bad_line(r, 4), "line 4: sex: '女' is neither M nor F");
	assert_string_equal(bad_line(r, 5), "line 5: birth_date: not a real date in the form YYYY-MM-DD");
	assert_string_equal(bad_line(r, 6), "line 6: birth_date: not a real date in the form YYYY-MM-DD");
	assert_string_equal(bad_line(r, 7), "line 7: status: 'living' is not one of alive, deceased");
	assert_string_equal(bad_line(r, 8), "line 8: name: is empty");
	assert_string_equal(bad_line(r, 9),
			    "line 9: id_no: is empty; birth_date: is empty; status: is empty");
	assert_contains(bad_line(r, 10), "id_no: not a valid identity number: wrong number of characters");
	assert_string_equal(bad_line(r, 11), "");
	assert_string_equal(bad_line(r, 12), "line 12: the same id_no as line 11");
	assert_string_equal(bad_line(r, 13), "");
	assert_int_equal(r->st.good, 2);
	assert_int_equal(r->st.bad, 10);
	assert_string_equal(r->rows, "440524188001010014|壬|M|1880-01-01|\\N|alive\n"
				     "44011320141005001X|子|M|2014-10-05|\\N|alive\n");
}

static void civil_affairs_values(void **state)
{
	struct result *r;

	(void)state;
	r = run(CD_REG_CIVIL_AFFAIRS,
		"since,status,benefit,id_no\n"
		"2020-01-01,active,低保,330702198803151237\n"   /* 2 good */
		"2021-01-01,ended,低保,330702198803151237\n"    /* 3 good: another since */
		"2020-01-01,active,特困,330702198803151237\n"   /* 4 good: another benefit */
		"2020-01-01,ended,低保,330702198803151237\n"    /* 5 same key as 2 */
		"2020-01-01,stopped,低保,330702199007222465\n"  /* 6 status */
		"2020-01-01,active,,330702199007222465\n"       /* 7 benefit */
		"2020-13-01,active,低保,330702199007222465\n"   /* 8 since */
		"2020-01-01,active,低保,91110000600037341L\n"); /* 9 a credit code is not a person */
	assert_string_equal(bad_line(r, 2), "");
	assert_string_equal(bad_line(r, 3), "");
	assert_string_equal(bad_line(r, 4), "");
	assert_string_equal(bad_line(r, 5), "line 5: the same id_no, benefit, since as line 2");
	assert_string_equal(bad_line(r, 6), "line 6: status: 'stopped' is not one of active, ended");
	assert_string_equal(bad_line(r, 7), "line 7: benefit: is empty");
	assert_string_equal(bad_line(r, 8), "line 8: since: not a real date in the form YYYY-MM-DD");
	assert_contains(bad_line(r, 9), "line 9: id_no: not a valid identity number");
	assert_int_equal(r->st.good, 3);
	assert_int_equal(r->st.bad, 5);
	assert_contains(r->rows, "330702198803151237|特困|active|2020-01-01\n");
}

static void elicence_values(void **state)
{
	struct result *r;

	(void)state;
	r = run(CD_REG_ELICENCE,
		"holder_id,licence_type,licence_no,issued_on,valid_until,status\n"
		"330702198803151237,结婚证,J330702-2015-900001,2015-05-20,,valid\n"     /* 2 no expiry */
		"330702199007222465,结婚证,J330702-2015-900001,2015-05-20,,valid\n"     /* 3 the spouse */
		"91330702ma2d3m0a0f,营业执照,91330702MA2D3M0A0F,2019-08-08,,valid\n"    /* 4 a company */
		"330702198803151237,结婚证,J330702-2015-900001,2016-01-01,,revoked\n"   /* 5 duplicate of 2 */
		"123456,残疾人证,X1,2015-01-01,2025-01-01,valid\n"                     /* 6 holder */
		"330702198803151237,残疾人证,,2015-01-01,2025-01-01,valid\n"           /* 7 licence_no */
		"330702198803151237,,X2,2015-01-01,2025-01-01,valid\n"                 /* 8 licence_type */
		"330702198803151237,残疾人证,X3,2015-01-01,2014-12-31,valid\n"         /* 9 expires first */
		"330702198803151237,残疾人证,X4,2015-01-01,2025-02-29,active\n"        /* 10 date, status */
		"330702198803151237,残疾人证,X5,2015-01-01,2015-01-01,expired\n");     /* 11 good */
	assert_string_equal(bad_line(r, 2), "");
	assert_string_equal(bad_line(r, 3), "");
	assert_string_equal(bad_line(r, 4), "");
	assert_string_equal(bad_line(r, 5),
			    "line 5: the same holder_id, licence_type, licence_no as line 2");
	assert_string_equal(bad_line(r, 6),
			    "line 6: holder_id: neither a valid identity number nor a valid credit code");
	assert_string_equal(bad_line(r, 7), "line 7: licence_no: is empty");
	assert_string_equal(bad_line(r, 8), "line 8: licence_type: is empty");
	assert_string_equal(bad_line(r, 9), "line 9: valid_until: before issued_on");
	assert_string_equal(bad_line(r, 10),
			    "line 10: valid_until: not a real date in the form YYYY-MM-DD; status: "
			    "'active' is not one of valid, revoked, expired");
	assert_string_equal(bad_line(r, 11), "");
	assert_int_equal(r->st.good, 4);
	assert_int_equal(r->st.bad, 6);
	assert_contains(r->rows, "330702198803151237|结婚证|J330702-2015-900001|2015-05-20|\\N|valid\n");
	assert_contains(r->rows, "91330702MA2D3M0A0F|营业执照|91330702MA2D3M0A0F|2019-08-08|\\N|valid\n");
}

static void enterprise_values(void **state)
{
	struct result *r;

	(void)state;
	r = run(CD_REG_ENTERPRISE,
		"uscc,name,legal_rep_id,status,registered_on,address\n"
		"91110000600037341L,某公司,360426199101010071,active,2001-01-01,北京\n"      /* 2 good */
		"91110000600037341N,某公司,360426199101010071,active,2001-01-01,北京\n"      /* 3 check */
		"9111000060003IOZSV,某公司,360426199101010071,active,2001-01-01,北京\n"      /* 4 letters */
		"121200004013590816,某单位,36042619910101007X,deregistered,2001-01-01,\n"   /* 5 rep */
		"91310115MA1K3BTP2B,某公司,360426199101010071,closed,2001-01-01,上海\n"      /* 6 status */
		"91350100M000100Y43,某公司,,revoked,,福州\n"                                  /* 7 empties */
		"91110000600037341l,重复,360426199101010071,revoked,2001-01-01,北京\n");    /* 8 dup of 2 */
	assert_string_equal(bad_line(r, 2), "");
	assert_string_equal(bad_line(r, 3),
			    "line 3: uscc: not a valid credit code: the check character (the last one) "
			    "does not match: a character was probably mistyped (expected L)");
	assert_contains(bad_line(r, 4), "line 4: uscc: not a valid credit code: contains a character");
	assert_contains(bad_line(r, 5), "line 5: legal_rep_id: not a valid identity number");
	assert_string_equal(bad_line(r, 6),
			    "line 6: status: 'closed' is not one of active, deregistered, revoked");
	assert_string_equal(bad_line(r, 7), "line 7: legal_rep_id: is empty; registered_on: is empty");
	assert_string_equal(bad_line(r, 8), "line 8: the same uscc as line 2");
	assert_int_equal(r->st.good, 1);
	assert_int_equal(r->st.bad, 6);
}

static void encoding(void **state)
{
	static const char csv[] = "id_no,benefit,status,since\n"
				  "360426199101010071,\xE4\xBD,active,2020-01-01\n"  /* cut character */
				  "360426199101010071,a\0b,active,2020-01-02\n"      /* NUL */
				  "360426199101010071,\xC0\xAF,active,2020-01-03\n"  /* overlong */
				  "360426199101010071,\xED\xA0\x80,active,2020-01-04\n" /* surrogate */
				  "360426199101010071,\xF0\x9F\x98\x80,active,2020-01-05\n"; /* good */
	struct result *r;

	(void)state;
	r = run_len(CD_REG_CIVIL_AFFAIRS, csv, sizeof(csv) - 1);
	for (long line = 2; line <= 5; line++)
		assert_contains(bad_line(r, line), "benefit: not valid UTF-8");
	assert_int_equal(r->st.good, 1);
	assert_string_equal(r->rows, "360426199101010071|\xF0\x9F\x98\x80|active|2020-01-05\n");
}

static void line_endings(void **state)
{
	struct result *r;

	(void)state;
	r = run(CD_REG_CIVIL_AFFAIRS,
		"id_no,benefit,status,since\r\n"
		"\r\n"
		"360426199101010071,低保,active,2020-01-01\r\n"
		"360426199101010071,低保,active,2020-01-01\r\n"
		"360426199101010071,特困,active,2020-01-01\r");
	assert_string_equal(r->bad, "line 4: the same id_no, benefit, since as line 3\n");
	assert_int_equal(r->st.good, 2);
	/* A CR inside a value is data. */
	r = run(CD_REG_CIVIL_AFFAIRS,
		"id_no,benefit,status,since\n"
		"360426199101010071,a\rb,active,2020-01-01\n");
	assert_string_equal(r->rows, "360426199101010071|a\rb|active|2020-01-01\n");
}

static void too_long(void **state)
{
	size_t n = 1100 * 1024;
	char *csv = xmalloc(n + 200);
	struct result *r;
	size_t len;

	(void)state;
	len = (size_t)sprintf(csv, "id_no,benefit,status,since\n360426199101010071,");
	memset(csv + len, 'a', n);
	len += n;
	len += (size_t)sprintf(csv + len, ",active,2020-01-01\n360426199101010071,b,active,2020-01-01\n");
	r = run_len(CD_REG_CIVIL_AFFAIRS, csv, len);
	assert_contains(bad_line(r, 2), "longer than 1 MiB");
	assert_int_equal(r->st.good, 1);
	free(csv);
}

static void copy_text(void **state)
{
	struct cd_bytes b = { 0 };
	const char *row[] = { "a\tb", NULL, "c\\d", "e\nf\rg", "", "中文" };

	(void)state;
	cd_copy_text_row(&b, row, 6);
	assert_int_equal(b.len, strlen("a\\tb\t\\N\tc\\\\d\te\\nf\\rg\t\t中文\n"));
	assert_memory_equal(b.p, "a\\tb\t\\N\tc\\\\d\te\\nf\\rg\t\t中文\n", b.len);
	cd_bytes_free(&b);
	assert_null(b.p);
}

static void many_rows(void **state)
{
	/* Enough distinct keys to grow the duplicate table several times. */
	struct cd_import *imp;
	struct cd_import_stats st;
	char line[128];
	long n = 20000;

	(void)state;
	imp = cd_import_new(CD_REG_CIVIL_AFFAIRS, TODAY, NULL, NULL, NULL);
	cd_import_feed(imp, "id_no,benefit,status,since\n", 27);
	for (long i = 0; i < n; i++) {
		int len = snprintf(line, sizeof(line), "360426199101010071,b%ld,active,2020-01-01\n", i);

		cd_import_feed(imp, line, (size_t)len);
	}
	cd_import_feed(imp, "360426199101010071,b777,active,2020-01-01\n", 42);
	cd_import_finish(imp);
	cd_import_feed(imp, "ignored\n", 8);
	cd_import_get_stats(imp, &st);
	assert_int_equal(st.good, n);
	assert_int_equal(st.bad, 1);
	cd_import_free(&imp);
	cd_import_free(&imp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(registers),
		cmocka_unit_test(good_population),
		cmocka_unit_test(header_in_another_order),
		cmocka_unit_test(quoting),
		cmocka_unit_test(quote_mistakes),
		cmocka_unit_test(bom),
		cmocka_unit_test(column_count),
		cmocka_unit_test(empty_and_header_only),
		cmocka_unit_test(bad_header),
		cmocka_unit_test(population_values),
		cmocka_unit_test(civil_affairs_values),
		cmocka_unit_test(elicence_values),
		cmocka_unit_test(enterprise_values),
		cmocka_unit_test(encoding),
		cmocka_unit_test(line_endings),
		cmocka_unit_test(too_long),
		cmocka_unit_test(copy_text),
		cmocka_unit_test(many_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
