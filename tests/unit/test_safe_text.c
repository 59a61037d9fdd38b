/* Text made safe for a terminal (cd_text_safe) and the guarded stdout of
 * the command line (cd_text_guard_stdio), whose pieces may end inside a
 * character. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "text.h"

#define R "\xEF\xBF\xBD" /* U+FFFD */

struct vector {
	const char *in;
	size_t len;
	const char *want;
};

static void test_safe(void **state)
{
	static const struct vector v[] = {
		{ "plain 中文 text", 0, "plain 中文 text" },
		{ "line\nnext\ttab", 0, "line\nnext\ttab" },
		{ "a\033[2Jb", 0, "a" R "[2Jb" },                  /* CSI: clear the screen */
		{ "x\033]52;c;ZXZpbA==\007y", 0, "x" R "]52;c;ZXZpbA==" R "y" }, /* OSC 52 */
		{ "c\xC2\x9B" "2J", 0, "c" R "2J" },               /* the one-character C1 CSI */
		{ "del\x7F", 0, "del" R },
		{ "cr\r", 0, "cr" R },
		{ "\xC2\xA0nbsp", 0, "\xC2\xA0nbsp" },             /* U+00A0 is no control */
		{ "\xFF\xFE", 0, R R },                            /* not UTF-8 at all */
		{ "\xC0\xAF", 0, R R },                            /* overlong '/' */
		{ "\xE0\x80\xAF", 0, R R R },                      /* overlong, 3 bytes */
		{ "\xED\xA0\x80", 0, R R R },                      /* a surrogate */
		{ "\xF4\x90\x80\x80", 0, R R R R },                /* past U+10FFFF */
		{ "\xF0\x9F\x98\x80", 0, "\xF0\x9F\x98\x80" },     /* U+1F600, 4 bytes */
		{ "cut\xE4\xB8", 0, "cut" R R },                   /* ends inside a character */
		{ "nul\0after", 9, "nul" R "after" },
		{ "", 0, "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		size_t len = v[i].len ? v[i].len : strlen(v[i].in);
		char *got = cd_text_safe(v[i].in, len);

		if (strcmp(got, v[i].want) != 0)
			fail_msg("vector %zu: got \"%s\", want \"%s\"", i, got, v[i].want);
		free(got);
	}
}

/* A child writes through the guarded stdout in pieces of every size that
 * split characters and escapes across buffer flushes; the parent reads
 * what reached the descriptor. */
static void test_guard(void **state)
{
	static const char unit[] = "办件\033[2J" "\xC2\x9B" "名\n";
	static const char shown[] = "办件" R "[2J" R "名\n";
	enum { N = 3000 };
	int fd[2];
	pid_t pid;
	char *got, *want;
	size_t len = 0, cap = N * sizeof shown + 1;
	ssize_t r;
	int status;

	(void)state;
	assert_int_equal(pipe(fd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fd[0]);
		if (dup2(fd[1], STDOUT_FILENO) < 0 || cd_text_guard_stdio(true) != 0)
			_exit(2);
		for (int i = 0; i < N; i++) {
			/* fwrite in pieces of 1 to 7 bytes, so that pieces end inside characters */
			size_t at = 0, step = (size_t)(i % 7) + 1;

			while (at < sizeof unit - 1) {
				size_t n = sizeof unit - 1 - at < step ? sizeof unit - 1 - at : step;

				fwrite(unit + at, 1, n, stdout);
				at += n;
			}
		}
		exit(0); /* flushes the guarded stream */
	}
	close(fd[1]);
	got = malloc(cap);
	assert_non_null(got);
	while ((r = read(fd[0], got + len, cap - 1 - len)) > 0)
		len += (size_t)r;
	close(fd[0]);
	got[len] = '\0';
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	want = malloc(cap);
	assert_non_null(want);
	for (int i = 0; i < N; i++)
		memcpy(want + (size_t)i * (sizeof shown - 1), shown, sizeof shown);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(got, want, len);
	free(got);
	free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_safe),
		cmocka_unit_test(test_guard),
	};

	/* The replacement is U+FFFD only in a UTF-8 locale. */
	if (!setlocale(LC_ALL, "C.UTF-8"))
		setlocale(LC_ALL, "C.utf8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
