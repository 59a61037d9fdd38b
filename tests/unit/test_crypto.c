/* Key file handling, field sealing bound to its row, blind index and the
 * screen-lock password hash. Every file lives in a mkdtemp directory. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"

struct fixture {
	char dir[64];
	struct cd_keys *v1;       /* version 1 */
	struct cd_keys *v1_other; /* version 1, another master key */
	struct cd_keys *v2;       /* version 2 */
};

static void path_in(const struct fixture *f, const char *name, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%s/%s", f->dir, name);

	assert_true(n > 0 && (size_t)n < cap);
}

static struct cd_keys *make_keys(const struct fixture *f, const char *name, uint8_t version)
{
	char path[128];
	struct cd_keys *keys = NULL;

	path_in(f, name, path, sizeof path);
	assert_int_equal(cd_key_generate(path, version), CD_CRYPTO_OK);
	assert_int_equal(cd_keys_load(path, &keys), CD_CRYPTO_OK);
	assert_non_null(keys);
	return keys;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (f == NULL || cd_crypto_init() != 0)
		return -1;
	strcpy(f->dir, "/tmp/cd-test-crypto-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	f->v1 = make_keys(f, "v1.key", 1);
	f->v1_other = make_keys(f, "v1-other.key", 1);
	f->v2 = make_keys(f, "v2.key", 2);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	struct dirent *e;
	char path[512];
	DIR *d;

	cd_keys_free(&f->v1);
	cd_keys_free(&f->v1_other);
	cd_keys_free(&f->v2);
	d = opendir(f->dir);
	if (d != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof path, "%s/%s", f->dir, e->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

static char *read_text(const char *path)
{
	static char buf[512];
	FILE *fp = fopen(path, "r");
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/* ---- key file ---- */

static void test_generate_mode_and_no_overwrite(void **state)
{
	struct fixture *f = *state;
	char path[128], before[512];
	struct stat st;
	mode_t old;

	path_in(f, "gen.key", path, sizeof path);
	/* A permissive umask must not loosen the file mode. */
	old = umask(0);
	assert_int_equal(cd_key_generate(path, 7), CD_CRYPTO_OK);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	strcpy(before, read_text(path));
	assert_int_equal(strncmp(before, "counterdesk-key v1\nversion 7\nkey ", 33), 0);

	assert_int_equal(cd_key_generate(path, 7), CD_CRYPTO_EXISTS);
	assert_string_equal(read_text(path), before);
}

static void test_generate_refuses_symlink(void **state)
{
	struct fixture *f = *state;
	char path[128], target[128];

	path_in(f, "link.key", path, sizeof path);
	path_in(f, "link-target", target, sizeof target);
	assert_int_equal(symlink(target, path), 0);
	assert_int_not_equal(cd_key_generate(path, 1), CD_CRYPTO_OK);
	assert_int_equal(access(target, F_OK), -1);
}

static void test_generate_missing_dir(void **state)
{
	struct fixture *f = *state;
	char path[128];

	path_in(f, "no-such-dir/x.key", path, sizeof path);
	assert_int_equal(cd_key_generate(path, 1), CD_CRYPTO_IO);
}

static void test_load_refuses_loose_perms(void **state)
{
	struct fixture *f = *state;
	static const mode_t loose[] = { 0644, 0640, 0604, 0620, 0602, 0610, 0601 };
	struct cd_keys *keys = NULL;
	char path[128];
	size_t i;

	path_in(f, "perm.key", path, sizeof path);
	assert_int_equal(cd_key_generate(path, 1), CD_CRYPTO_OK);
	for (i = 0; i < sizeof loose / sizeof loose[0]; i++) {
		assert_int_equal(chmod(path, loose[i]), 0);
		assert_int_equal(cd_keys_load(path, &keys), CD_CRYPTO_PERMS);
		assert_null(keys);
	}
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(cd_keys_load(path, &keys), CD_CRYPTO_OK);
	cd_keys_free(&keys);
	assert_null(keys);
	cd_keys_free(&keys); /* freeing twice through the pointer is harmless */
	cd_keys_free(NULL);
}

static void test_load_missing(void **state)
{
	struct fixture *f = *state;
	struct cd_keys *keys = NULL;
	char path[128];

	path_in(f, "absent.key", path, sizeof path);
	assert_int_equal(cd_keys_load(path, &keys), CD_CRYPTO_IO);
	assert_int_equal(errno, ENOENT);
	assert_null(keys);
	/* A directory is not a key file. */
	assert_int_equal(cd_keys_load(f->dir, &keys), CD_CRYPTO_FORMAT);
}

#define HEX64 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

static void test_load_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"counterdesk-key v1\n",
		"counterdesk-key v2\nversion 1\nkey " HEX64 "\n",
		"Counterdesk-key v1\nversion 1\nkey " HEX64 "\n",
		"counterdesk-key v1\nversion 256\nkey " HEX64 "\n",
		"counterdesk-key v1\nversion 01\nkey " HEX64 "\n",
		"counterdesk-key v1\nversion -1\nkey " HEX64 "\n",
		"counterdesk-key v1\nversion \nkey " HEX64 "\n",
		"counterdesk-key v1\nversion 1\nkey " HEX64,                /* no newline */
		"counterdesk-key v1\nversion 1\nkey " HEX64 "\n\n",         /* extra line */
		"counterdesk-key v1\nversion 1\nkey " HEX64 "00\n",         /* too long */
		"counterdesk-key v1\nversion 1\nkey 00112233\n",            /* too short */
		"counterdesk-key v1\nversion 1\nkey zz" HEX64 "\n",
		"counterdesk-key v1\r\nversion 1\r\nkey " HEX64 "\r\n",
		"counterdesk-key v1\nkey " HEX64 "\nversion 1\n",
		"counterdesk-key v1\nversion 1\nkey  " HEX64 "\n",
	};
	struct fixture *f = *state;
	struct cd_keys *keys = NULL;
	char path[128], nonhex[256], big[4096];
	size_t i;

	path_in(f, "bad.key", path, sizeof path);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		unlink(path);
		write_file(path, bad[i], 0600);
		if (cd_keys_load(path, &keys) != CD_CRYPTO_FORMAT)
			fail_msg("accepted malformed key file #%zu", i);
		assert_null(keys);
	}
	/* A non-hex digit inside the key. */
	snprintf(nonhex, sizeof nonhex, "counterdesk-key v1\nversion 1\nkey %s\n", HEX64);
	nonhex[strlen(nonhex) - 10] = 'g';
	unlink(path);
	write_file(path, nonhex, 0600);
	assert_int_equal(cd_keys_load(path, &keys), CD_CRYPTO_FORMAT);
	/* Something large that happens to start well. */
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	memcpy(big, "counterdesk-key v1\n", 19);
	unlink(path);
	write_file(path, big, 0600);
	assert_int_equal(cd_keys_load(path, &keys), CD_CRYPTO_FORMAT);

	/* The well-formed text is accepted, upper-case hex included. */
	unlink(path);
	write_file(path, "counterdesk-key v1\nversion 0\nkey " HEX64 "\n", 0600);
	assert_int_equal(cd_keys_load(path, &keys), CD_CRYPTO_OK);
	cd_keys_free(&keys);
	unlink(path);
	write_file(path, "counterdesk-key v1\nversion 255\nkey "
		   "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF\n", 0600);
	assert_int_equal(cd_keys_load(path, &keys), CD_CRYPTO_OK);
	cd_keys_free(&keys);
}

/* The same master key text gives the same keys: data survives a restart. */
static void test_reload_same_keys(void **state)
{
	struct fixture *f = *state;
	struct cd_keys *a = NULL, *b = NULL;
	char path[128], *sealed = NULL, *plain = NULL;
	char ia[CD_BLIND_HEX], ib[CD_BLIND_HEX];

	path_in(f, "v1.key", path, sizeof path);
	assert_int_equal(cd_keys_load(path, &a), CD_CRYPTO_OK);
	assert_int_equal(cd_keys_load(path, &b), CD_CRYPTO_OK);
	assert_int_equal(cd_seal_field(a, "person", "idno", "42", "x", 1, &sealed), CD_CRYPTO_OK);
	assert_int_equal(cd_open_field(b, "person", "idno", "42", sealed, &plain, NULL), CD_CRYPTO_OK);
	assert_string_equal(plain, "x");
	cd_blind_index(a, "idno", "x", 1, ia);
	cd_blind_index(b, "idno", "x", 1, ib);
	assert_string_equal(ia, ib);
	free(sealed);
	free(plain);
	cd_keys_free(&a);
	cd_keys_free(&b);
}

/* ---- sealing ---- */

static void round_trip(const struct cd_keys *keys, const char *text, size_t len)
{
	char *sealed = NULL, *plain = NULL;
	size_t plain_len = 99;
	const char *p;

	assert_int_equal(cd_seal_field(keys, "person", "idno", "1001", text, len, &sealed),
			 CD_CRYPTO_OK);
	assert_non_null(sealed);
	assert_int_equal(strncmp(sealed, "v1:", 3), 0);
	/* Storable in a text column: printable ASCII only. */
	for (p = sealed; *p != '\0'; p++)
		assert_true(*p > ' ' && *p < 0x7F);
	assert_int_equal(cd_open_field(keys, "person", "idno", "1001", sealed, &plain, &plain_len),
			 CD_CRYPTO_OK);
	assert_int_equal(plain_len, len);
	assert_memory_equal(plain, text, len);
	assert_int_equal(plain[len], '\0');
	free(sealed);
	free(plain);
}

static void test_round_trip(void **state)
{
	struct fixture *f = *state;
	static const char chinese[] = "浙江省杭州市西湖区文三路 100 号";
	static const char binary[] = { 'a', '\0', 'b', '\xFF' };

	round_trip(f->v1, "11010519491231002X", 18);
	round_trip(f->v1, chinese, strlen(chinese));
	round_trip(f->v1, "", 0);
	round_trip(f->v1, NULL, 0);
	round_trip(f->v1, binary, sizeof binary);
}

static char *seal(const struct cd_keys *keys, const char *text)
{
	char *sealed = NULL;

	assert_int_equal(cd_seal_field(keys, "person", "phone", "7", text, strlen(text), &sealed),
			 CD_CRYPTO_OK);
	return sealed;
}

static enum cd_crypto_err open_as(const struct cd_keys *keys, const char *table,
				  const char *column, const char *row_id, const char *sealed)
{
	char *plain = (char *)"sentinel";
	size_t len = 99;
	enum cd_crypto_err err = cd_open_field(keys, table, column, row_id, sealed, &plain, &len);

	if (err != CD_CRYPTO_OK) {
		assert_null(plain);
		assert_int_equal(len, 0);
	}
	free(plain);
	return err;
}

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void test_tampered(void **state)
{
	struct fixture *f = *state;
	char *sealed = seal(f->v1, "13812345678");
	size_t i, len = strlen(sealed);

	assert_int_equal(open_as(f->v1, "person", "phone", "7", sealed), CD_CRYPTO_OK);
	/* Change every payload character to another base64 character. */
	for (i = 3; i < len; i++) {
		char saved = sealed[i];
		const char *pos = strchr(b64_alphabet, saved);

		assert_non_null(pos);
		sealed[i] = b64_alphabet[(size_t)(pos - b64_alphabet + 1) % 64];
		if (open_as(f->v1, "person", "phone", "7", sealed) != CD_CRYPTO_TAMPERED)
			fail_msg("change at %zu accepted", i);
		sealed[i] = '=';
		assert_int_equal(open_as(f->v1, "person", "phone", "7", sealed), CD_CRYPTO_TAMPERED);
		sealed[i] = saved;
	}
	assert_int_equal(open_as(f->v1, "person", "phone", "7", sealed), CD_CRYPTO_OK);
	free(sealed);
}

static void test_bound_to_row(void **state)
{
	struct fixture *f = *state;
	char *sealed = NULL;

	assert_int_equal(cd_seal_field(f->v1, "ab", "c", "12", "secret", 6, &sealed), CD_CRYPTO_OK);
	assert_int_equal(open_as(f->v1, "ab", "c", "12", sealed), CD_CRYPTO_OK);
	assert_int_equal(open_as(f->v1, "ab", "c", "13", sealed), CD_CRYPTO_TAMPERED);
	assert_int_equal(open_as(f->v1, "ab", "c", "", sealed), CD_CRYPTO_TAMPERED);
	assert_int_equal(open_as(f->v1, "ab", "d", "12", sealed), CD_CRYPTO_TAMPERED);
	assert_int_equal(open_as(f->v1, "ax", "c", "12", sealed), CD_CRYPTO_TAMPERED);
	/* Moving bytes between fields must not produce the same binding. */
	assert_int_equal(open_as(f->v1, "a", "bc", "12", sealed), CD_CRYPTO_TAMPERED);
	assert_int_equal(open_as(f->v1, "abc", "", "12", sealed), CD_CRYPTO_TAMPERED);
	assert_int_equal(open_as(f->v1, "ab", "c1", "2", sealed), CD_CRYPTO_TAMPERED);
	/* Same version number, different key. */
	assert_int_equal(open_as(f->v1_other, "ab", "c", "12", sealed), CD_CRYPTO_TAMPERED);
	free(sealed);
}

static void test_key_version(void **state)
{
	struct fixture *f = *state;
	char *s1 = seal(f->v1, "x"), *s2 = seal(f->v2, "x");
	char *relabelled = strdup(s1);

	assert_int_equal(strncmp(s2, "v2:", 3), 0);
	assert_int_equal(open_as(f->v2, "person", "phone", "7", s1), CD_CRYPTO_UNKNOWN_KEY);
	assert_int_equal(open_as(f->v1, "person", "phone", "7", s2), CD_CRYPTO_UNKNOWN_KEY);
	assert_int_equal(open_as(f->v2, "person", "phone", "7", s2), CD_CRYPTO_OK);
	/* The version is authenticated too: relabelling v1 text as v2 fails. */
	relabelled[1] = '2';
	assert_int_equal(open_as(f->v2, "person", "phone", "7", relabelled), CD_CRYPTO_TAMPERED);
	free(relabelled);
	free(s1);
	free(s2);
}

static void test_truncated(void **state)
{
	struct fixture *f = *state;
	char *sealed = seal(f->v1, "13812345678");
	size_t len = strlen(sealed), i;

	for (i = 0; i < len; i++) {
		char *cut = strndup(sealed, i);

		if (open_as(f->v1, "person", "phone", "7", cut) != CD_CRYPTO_TAMPERED)
			fail_msg("prefix of length %zu accepted", i);
		free(cut);
	}
	free(sealed);
}

static void test_garbage(void **state)
{
	static const char *const junk[] = {
		"", "v", "v1", "v1:", ":", "1:AAAA", "V1:AAAA", "x1:AAAA",
		"v01:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"v-1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"v256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"v1:!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
		"v1:张三丰张三丰张三丰张三丰张三丰张三丰张三丰张三丰张三丰张三丰张三丰",
		"v99999999999999999999:AAAA",
	};
	struct fixture *f = *state;
	char *sealed = seal(f->v1, "x"), *extra;
	size_t i, n;

	for (i = 0; i < sizeof junk / sizeof junk[0]; i++)
		if (open_as(f->v1, "person", "phone", "7", junk[i]) != CD_CRYPTO_TAMPERED)
			fail_msg("junk #%zu accepted", i);
	assert_int_equal(open_as(f->v1, "person", "phone", "7", NULL), CD_CRYPTO_TAMPERED);

	/* Valid text with something appended: padding, space, newline, junk. */
	n = strlen(sealed);
	extra = malloc(n + 2);
	assert_non_null(extra);
	for (i = 0; i < 4; i++) {
		memcpy(extra, sealed, n);
		extra[n] = "= \nA"[i];
		extra[n + 1] = '\0';
		assert_int_equal(open_as(f->v1, "person", "phone", "7", extra), CD_CRYPTO_TAMPERED);
	}
	free(extra);
	free(sealed);
}

static void test_nonce_random(void **state)
{
	struct fixture *f = *state;
	char *a = seal(f->v1, "13812345678"), *b = seal(f->v1, "13812345678");

	assert_string_not_equal(a, b);
	assert_int_equal(open_as(f->v1, "person", "phone", "7", a), CD_CRYPTO_OK);
	assert_int_equal(open_as(f->v1, "person", "phone", "7", b), CD_CRYPTO_OK);
	free(a);
	free(b);
}

/* ---- blind index ---- */

static void assert_lower_hex(const char *s)
{
	size_t i;

	assert_int_equal(strlen(s), CD_BLIND_HEX - 1);
	for (i = 0; s[i] != '\0'; i++)
		assert_non_null(strchr("0123456789abcdef", s[i]));
}

static void test_blind_index(void **state)
{
	struct fixture *f = *state;
	char a[CD_BLIND_HEX], b[CD_BLIND_HEX], c[CD_BLIND_HEX], d[CD_BLIND_HEX];
	char e[CD_BLIND_HEX], g[CD_BLIND_HEX], h[CD_BLIND_HEX];
	const char *id = "11010519491231002X";

	memset(a, 'Z', sizeof a);
	cd_blind_index(f->v1, "idno", id, 18, a);
	assert_lower_hex(a);
	cd_blind_index(f->v1, "idno", id, 18, b);
	assert_string_equal(a, b);                 /* deterministic */
	cd_blind_index(f->v1, "phone", id, 18, c);
	assert_string_not_equal(a, c);             /* domain separated */
	cd_blind_index(f->v1_other, "idno", id, 18, d);
	assert_string_not_equal(a, d);             /* keyed */
	cd_blind_index(f->v1, "idno", "11010519491231002x", 18, e);
	assert_string_not_equal(a, e);
	/* The NUL after the domain keeps ("ab","c") apart from ("a","bc"). */
	cd_blind_index(f->v1, "ab", "c", 1, g);
	cd_blind_index(f->v1, "a", "bc", 2, h);
	assert_string_not_equal(g, h);
	cd_blind_index(f->v1, "idno", NULL, 0, g);
	assert_lower_hex(g);
	/* Only len bytes count. */
	cd_blind_index(f->v1, "idno", "11010519491231002XYZ", 18, h);
	assert_string_equal(a, h);
}

/* ---- password hash ---- */

static void test_pwhash(void **state)
{
	char hash[CD_PWHASH_LEN], other[CD_PWHASH_LEN], bad[CD_PWHASH_LEN];

	(void)state;
	assert_int_equal(cd_pwhash("柜台-密码 2024", hash), CD_CRYPTO_OK);
	assert_int_equal(strncmp(hash, "$argon2id$", 10), 0);
	assert_int_equal(cd_pwhash_verify(hash, "柜台-密码 2024"), 1);
	assert_int_equal(cd_pwhash_verify(hash, "柜台-密码 2025"), 0);
	assert_int_equal(cd_pwhash_verify(hash, ""), 0);
	assert_int_equal(cd_pwhash_verify(hash, NULL), 0);
	/* Salted: the same password hashes differently. */
	assert_int_equal(cd_pwhash("柜台-密码 2024", other), CD_CRYPTO_OK);
	assert_string_not_equal(hash, other);
	/* Not a hash, or a hash without its terminating NUL. */
	memset(bad, 0, sizeof bad);
	strcpy(bad, "$argon2id$garbage");
	assert_int_equal(cd_pwhash_verify(bad, "x"), 0);
	memset(bad, 'a', sizeof bad);
	assert_int_equal(cd_pwhash_verify(bad, "x"), 0);
}

static void test_strerror(void **state)
{
	int e;

	(void)state;
	for (e = CD_CRYPTO_OK; e <= CD_CRYPTO_INIT; e++) {
		const char *s = cd_crypto_strerror((enum cd_crypto_err)e);

		assert_non_null(s);
		assert_true(strlen(s) > 0);
	}
	assert_non_null(cd_crypto_strerror((enum cd_crypto_err)1000));
	assert_string_not_equal(cd_crypto_strerror(CD_CRYPTO_PERMS),
				cd_crypto_strerror(CD_CRYPTO_FORMAT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generate_mode_and_no_overwrite),
		cmocka_unit_test(test_generate_refuses_symlink),
		cmocka_unit_test(test_generate_missing_dir),
		cmocka_unit_test(test_load_refuses_loose_perms),
		cmocka_unit_test(test_load_missing),
		cmocka_unit_test(test_load_malformed),
		cmocka_unit_test(test_reload_same_keys),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_bound_to_row),
		cmocka_unit_test(test_key_version),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_nonce_random),
		cmocka_unit_test(test_blind_index),
		cmocka_unit_test(test_pwhash),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
