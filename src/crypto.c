/* Personal-data protection with libsodium: see crypto.h and the "Personal
 * data" section of DESIGN.md. */
#include "crypto.h"
#include "i18n.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

/* Key file, text so an operator can see what it is and which version it holds:
 *
 *	counterdesk-key v1
 *	version <0-255>
 *	key <64 hex digits>
 *
 * The first line names the file format (not the key version) so the layout
 * can change later without guessing. Parsing is exact: no comments, no
 * blank lines, one trailing newline. */
#define KEYFILE_MAGIC "counterdesk-key v1\n"
#define KEYFILE_VERSION "version "
#define KEYFILE_KEY "key "
#define MASTER_KEY_BYTES crypto_kdf_KEYBYTES
#define MASTER_KEY_HEX (MASTER_KEY_BYTES * 2)
/* A little more than the largest well-formed file (100 bytes): reading
 * stops here, and a file that fills the buffer is malformed. */
#define KEYFILE_MAX (sizeof KEYFILE_MAGIC + sizeof KEYFILE_VERSION + 4 \
		     + sizeof KEYFILE_KEY + MASTER_KEY_HEX + 2)

/* crypto_kdf contexts are exactly 8 bytes; separate contexts keep the field
 * key and the blind-index key independent even though one file holds both. */
#define KDF_CTX_FIELD "cdfield_"
#define KDF_CTX_BLIND "cdblind_"
#define KDF_SUBKEY_ID 1

#define FIELD_KEY_BYTES crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define BLIND_KEY_BYTES crypto_generichash_KEYBYTES
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define B64_VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING

_Static_assert(sizeof KDF_CTX_FIELD - 1 == crypto_kdf_CONTEXTBYTES, "kdf context");
_Static_assert(sizeof KDF_CTX_BLIND - 1 == crypto_kdf_CONTEXTBYTES, "kdf context");
_Static_assert(CD_PWHASH_LEN == crypto_pwhash_STRBYTES, "CD_PWHASH_LEN");
_Static_assert(CD_BLIND_BITS % 4 == 0 && CD_BLIND_BITS >= 8
	       && CD_BLIND_BITS <= crypto_generichash_BYTES * 8, "CD_BLIND_BITS");

/* Lives in sodium_malloc'd memory (guard pages, mlock, no core dump where the
 * system allows) and is read-only once derived. The master key itself is not
 * kept: only the two subkeys are ever needed after loading. */
struct cd_keys {
	unsigned char field_key[FIELD_KEY_BYTES];
	unsigned char blind_key[BLIND_KEY_BYTES];
	uint8_t version;
};

const char *cd_crypto_strerror(enum cd_crypto_err err)
{
	switch (err) {
	case CD_CRYPTO_OK:
		return N_("success");
	case CD_CRYPTO_IO:
		return N_("cannot read or write the key file");
	case CD_CRYPTO_PERMS:
		return N_("key file is accessible by group or others (chmod 600 it)");
	case CD_CRYPTO_FORMAT:
		return N_("key file is malformed");
	case CD_CRYPTO_EXISTS:
		return N_("key file already exists; refusing to overwrite it");
	case CD_CRYPTO_TAMPERED:
		return N_("encrypted field was altered or belongs to another record");
	case CD_CRYPTO_UNKNOWN_KEY:
		return N_("encrypted field uses a key version that is not loaded");
	case CD_CRYPTO_NOMEM:
		return N_("out of memory");
	case CD_CRYPTO_INIT:
		return N_("cannot initialise the cryptography library");
	}
	return N_("unknown cryptography error");
}

int cd_crypto_init(void)
{
	/* 1 means "already initialised", which is success for us. */
	return sodium_init() < 0 ? -1 : 0;
}

/* ---- key file writing ---- */

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A new key file must survive a power cut right after it is written, or the
 * data sealed under it is lost: sync the directory entry as well. A failure
 * here is reported but the file is left in place. */
static int fsync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd, rc;

	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (dir == NULL)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	if (close(fd) != 0)
		rc = -1;
	return rc;
}

/* Formats the key file text into buf (at least KEYFILE_MAX bytes). */
static size_t format_keyfile(char *buf, uint8_t version, const unsigned char *master)
{
	char hex[MASTER_KEY_HEX + 1];
	int n;

	sodium_bin2hex(hex, sizeof hex, master, MASTER_KEY_BYTES);
	n = snprintf(buf, KEYFILE_MAX, "%s%s%u\n%s%s\n", KEYFILE_MAGIC,
		     KEYFILE_VERSION, (unsigned)version, KEYFILE_KEY, hex);
	sodium_memzero(hex, sizeof hex);
	assert(n > 0 && (size_t)n < KEYFILE_MAX);
	return (size_t)n;
}

static enum cd_crypto_err write_keyfile(const char *path, const char *text, size_t len)
{
	int fd, saved;

	/* O_EXCL: never replace a key, which would make existing data unreadable. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? CD_CRYPTO_EXISTS : CD_CRYPTO_IO;
	if (write_all(fd, text, len) != 0 || fsync(fd) != 0) {
		saved = errno;
		close(fd);
		/* A half-written key is worse than none: remove it so a retry works. */
		unlink(path);
		errno = saved;
		return CD_CRYPTO_IO;
	}
	if (close(fd) != 0) {
		saved = errno;
		unlink(path);
		errno = saved;
		return CD_CRYPTO_IO;
	}
	return fsync_parent(path) == 0 ? CD_CRYPTO_OK : CD_CRYPTO_IO;
}

enum cd_crypto_err cd_key_generate(const char *path, uint8_t version)
{
	unsigned char *master;
	char text[KEYFILE_MAX];
	enum cd_crypto_err err;
	size_t len;

	assert(path != NULL);
	if (cd_crypto_init() != 0)
		return CD_CRYPTO_INIT;
	master = sodium_malloc(MASTER_KEY_BYTES);
	if (master == NULL)
		return CD_CRYPTO_NOMEM;
	crypto_kdf_keygen(master);
	len = format_keyfile(text, version, master);
	sodium_free(master);
	err = write_keyfile(path, text, len);
	sodium_memzero(text, sizeof text);
	return err;
}

/* ---- key file reading ---- */

/* Reads the whole file into buf; *len < cap on success, == cap when too long. */
static enum cd_crypto_err read_keyfile(const char *path, char *buf, size_t cap, size_t *len)
{
	struct stat st;
	int fd, saved;
	enum cd_crypto_err err = CD_CRYPTO_OK;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return CD_CRYPTO_IO;
	/* fstat on the open descriptor: the file checked is the file read. */
	if (fstat(fd, &st) != 0)
		err = CD_CRYPTO_IO;
	else if (!S_ISREG(st.st_mode))
		err = CD_CRYPTO_FORMAT;
	else if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
		err = CD_CRYPTO_PERMS;
	*len = 0;
	while (err == CD_CRYPTO_OK && *len < cap) {
		ssize_t n = read(fd, buf + *len, cap - *len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err = CD_CRYPTO_IO;
		else if (n == 0)
			break;
		else
			*len += (size_t)n;
	}
	saved = errno;
	close(fd);
	errno = saved;
	return err;
}

/* Consumes `lit` at *p; 0 on success. */
static int expect(const char **p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(end - *p) < n || memcmp(*p, lit, n) != 0)
		return -1;
	*p += n;
	return 0;
}

/* Parses a canonical decimal 0-255 (no sign, no leading zero) at *p. Shared by
 * the key file and the "v<version>:" prefix of sealed text. */
static int parse_version(const char **p, const char *end, uint8_t *version)
{
	const char *s = *p;
	unsigned v = 0;
	size_t digits = 0;

	while (s < end && *s >= '0' && *s <= '9' && digits < 4) {
		v = v * 10 + (unsigned)(*s - '0');
		s++;
		digits++;
	}
	if (digits == 0 || digits > 3 || v > UINT8_MAX || (digits > 1 && **p == '0'))
		return -1;
	*version = (uint8_t)v;
	*p = s;
	return 0;
}

static enum cd_crypto_err parse_keyfile(const char *text, size_t len,
					uint8_t *version, unsigned char *master)
{
	const char *p = text, *end = text + len, *hex_end = NULL;
	size_t bin_len = 0;

	if (expect(&p, end, KEYFILE_MAGIC) != 0 || expect(&p, end, KEYFILE_VERSION) != 0
	    || parse_version(&p, end, version) != 0 || expect(&p, end, "\n") != 0
	    || expect(&p, end, KEYFILE_KEY) != 0)
		return CD_CRYPTO_FORMAT;
	if ((size_t)(end - p) != MASTER_KEY_HEX + 1 || p[MASTER_KEY_HEX] != '\n')
		return CD_CRYPTO_FORMAT;
	if (sodium_hex2bin(master, MASTER_KEY_BYTES, p, MASTER_KEY_HEX, NULL,
			   &bin_len, &hex_end) != 0
	    || bin_len != MASTER_KEY_BYTES || hex_end != p + MASTER_KEY_HEX)
		return CD_CRYPTO_FORMAT;
	return CD_CRYPTO_OK;
}

static enum cd_crypto_err derive_keys(struct cd_keys *keys, const unsigned char *master)
{
	if (crypto_kdf_derive_from_key(keys->field_key, sizeof keys->field_key,
				       KDF_SUBKEY_ID, KDF_CTX_FIELD, master) != 0
	    || crypto_kdf_derive_from_key(keys->blind_key, sizeof keys->blind_key,
					  KDF_SUBKEY_ID, KDF_CTX_BLIND, master) != 0)
		return CD_CRYPTO_FORMAT;
	return CD_CRYPTO_OK;
}

enum cd_crypto_err cd_keys_load(const char *path, struct cd_keys **out)
{
	char text[KEYFILE_MAX];
	unsigned char *master;
	struct cd_keys *keys;
	enum cd_crypto_err err;
	size_t len = 0;

	assert(path != NULL && out != NULL);
	*out = NULL;
	if (cd_crypto_init() != 0)
		return CD_CRYPTO_INIT;
	err = read_keyfile(path, text, sizeof text, &len);
	if (err == CD_CRYPTO_OK && len == sizeof text)
		err = CD_CRYPTO_FORMAT;
	if (err != CD_CRYPTO_OK) {
		sodium_memzero(text, sizeof text);
		return err;
	}
	master = sodium_malloc(MASTER_KEY_BYTES);
	keys = sodium_malloc(sizeof *keys);
	if (master == NULL || keys == NULL)
		err = CD_CRYPTO_NOMEM;
	else
		err = parse_keyfile(text, len, &keys->version, master);
	sodium_memzero(text, sizeof text);
	if (err == CD_CRYPTO_OK)
		err = derive_keys(keys, master);
	if (master != NULL)
		sodium_free(master);
	if (err != CD_CRYPTO_OK) {
		if (keys != NULL)
			sodium_free(keys);
		return err;
	}
	/* Nothing writes the keys after this; a stray write now faults. */
	sodium_mprotect_readonly(keys);
	*out = keys;
	return CD_CRYPTO_OK;
}

void cd_keys_free(struct cd_keys **keys)
{
	if (keys == NULL || *keys == NULL)
		return;
	sodium_mprotect_readwrite(*keys);
	sodium_memzero(*keys, sizeof **keys);
	sodium_free(*keys);
	*keys = NULL;
}

/* ---- field encryption ---- */

static unsigned char *put_field(unsigned char *p, const char *s)
{
	uint64_t n = strlen(s);
	int i;

	/* Fixed-width little-endian length, so ("a","bc") and ("ab","c") differ. */
	for (i = 0; i < 8; i++)
		*p++ = (unsigned char)(n >> (8 * i));
	memcpy(p, s, (size_t)n);
	return p + n;
}

/* Associated data: key version, then table, column and row id, each with its
 * length. Binding them means a ciphertext copied to another row, column or
 * table, or relabelled with another key version, fails to open. */
static unsigned char *build_ad(uint8_t version, const char *table, const char *column,
			       const char *row_id, size_t *ad_len)
{
	size_t lt = strlen(table), lc = strlen(column), lr = strlen(row_id);
	unsigned char *ad, *p;

	if (lt > SIZE_MAX / 4 || lc > SIZE_MAX / 4 || lr > SIZE_MAX / 4)
		return NULL;
	*ad_len = 1 + 3 * 8 + lt + lc + lr;
	ad = malloc(*ad_len);
	if (ad == NULL)
		return NULL;
	p = ad;
	*p++ = version;
	p = put_field(p, table);
	p = put_field(p, column);
	p = put_field(p, row_id);
	assert((size_t)(p - ad) == *ad_len);
	return ad;
}

/* Writes "v<version>:" + base64(bin) into a new string. */
static char *encode_sealed(uint8_t version, const unsigned char *bin, size_t bin_len)
{
	char prefix[sizeof "v255:"];
	size_t plen, b64_len;
	char *out;

	plen = (size_t)snprintf(prefix, sizeof prefix, "v%u:", (unsigned)version);
	b64_len = sodium_base64_ENCODED_LEN(bin_len, B64_VARIANT);
	out = malloc(plen + b64_len);
	if (out == NULL)
		return NULL;
	memcpy(out, prefix, plen);
	sodium_bin2base64(out + plen, b64_len, bin, bin_len, B64_VARIANT);
	return out;
}

enum cd_crypto_err cd_seal_field(const struct cd_keys *keys, const char *table,
				 const char *column, const char *row_id,
				 const char *plaintext, size_t len, char **out)
{
	unsigned char *ad, *box;
	size_t ad_len = 0, box_len;

	assert(keys != NULL && table != NULL && column != NULL && row_id != NULL);
	assert(out != NULL && (plaintext != NULL || len == 0));
	*out = NULL;
	/* Fields are short; this only guards the size arithmetic below. */
	if (len > crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX
	    || len > (SIZE_MAX / 4) * 3 - NONCE_BYTES - TAG_BYTES - 16)
		return CD_CRYPTO_NOMEM;
	box_len = NONCE_BYTES + len + TAG_BYTES;
	ad = build_ad(keys->version, table, column, row_id, &ad_len);
	box = malloc(box_len);
	if (ad == NULL || box == NULL) {
		free(ad);
		free(box);
		return CD_CRYPTO_NOMEM;
	}
	/* Random 192-bit nonces cannot realistically repeat, so no counter to keep. */
	randombytes_buf(box, NONCE_BYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(box + NONCE_BYTES, NULL,
						   (const unsigned char *)plaintext, len,
						   ad, ad_len, NULL, box, keys->field_key);
	*out = encode_sealed(keys->version, box, box_len);
	free(ad);
	free(box);
	return *out == NULL ? CD_CRYPTO_NOMEM : CD_CRYPTO_OK;
}

/* Splits "v<version>:<base64>" and decodes the base64 into a new buffer. */
static enum cd_crypto_err decode_sealed(const char *sealed, uint8_t *version,
					unsigned char **bin, size_t *bin_len)
{
	const char *p = sealed, *end = sealed + strlen(sealed), *b64_end = NULL;
	size_t b64_len, cap;

	if (expect(&p, end, "v") != 0 || parse_version(&p, end, version) != 0
	    || expect(&p, end, ":") != 0)
		return CD_CRYPTO_TAMPERED;
	b64_len = (size_t)(end - p);
	if (b64_len < sodium_base64_ENCODED_LEN(NONCE_BYTES + TAG_BYTES, B64_VARIANT) - 1)
		return CD_CRYPTO_TAMPERED;
	cap = b64_len / 4 * 3 + 3;
	*bin = malloc(cap);
	if (*bin == NULL)
		return CD_CRYPTO_NOMEM;
	/* Require the whole rest to be canonical base64: trailing junk is tampering. */
	if (sodium_base642bin(*bin, cap, p, b64_len, NULL, bin_len, &b64_end,
			      B64_VARIANT) != 0
	    || b64_end != end || *bin_len < NONCE_BYTES + TAG_BYTES) {
		free(*bin);
		*bin = NULL;
		return CD_CRYPTO_TAMPERED;
	}
	return CD_CRYPTO_OK;
}

enum cd_crypto_err cd_open_field(const struct cd_keys *keys, const char *table,
				 const char *column, const char *row_id,
				 const char *sealed, char **out, size_t *out_len)
{
	unsigned char *bin = NULL, *ad, *plain;
	size_t bin_len = 0, ad_len = 0, plain_len;
	enum cd_crypto_err err;
	uint8_t version = 0;
	int rc;

	assert(keys != NULL && table != NULL && column != NULL && row_id != NULL);
	assert(out != NULL);
	*out = NULL;
	if (out_len != NULL)
		*out_len = 0;
	if (sealed == NULL)
		return CD_CRYPTO_TAMPERED;
	err = decode_sealed(sealed, &version, &bin, &bin_len);
	if (err != CD_CRYPTO_OK)
		return err;
	if (version != keys->version) {
		free(bin);
		return CD_CRYPTO_UNKNOWN_KEY;
	}
	plain_len = bin_len - NONCE_BYTES - TAG_BYTES;
	ad = build_ad(version, table, column, row_id, &ad_len);
	plain = malloc(plain_len + 1);
	if (ad == NULL || plain == NULL) {
		free(ad);
		free(plain);
		free(bin);
		return CD_CRYPTO_NOMEM;
	}
	rc = crypto_aead_xchacha20poly1305_ietf_decrypt(plain, NULL, NULL,
							bin + NONCE_BYTES, bin_len - NONCE_BYTES,
							ad, ad_len, bin, keys->field_key);
	free(ad);
	free(bin);
	if (rc != 0) {
		free(plain);
		return CD_CRYPTO_TAMPERED;
	}
	plain[plain_len] = '\0';
	*out = (char *)plain;
	if (out_len != NULL)
		*out_len = plain_len;
	return CD_CRYPTO_OK;
}

/* ---- blind index ---- */

void cd_blind_index(const struct cd_keys *keys, const char *domain,
		    const char *value, size_t len, char out[CD_BLIND_HEX])
{
	crypto_generichash_state st;
	unsigned char hash[crypto_generichash_BYTES];
	char hex[crypto_generichash_BYTES * 2 + 1];
	static const unsigned char sep = 0;

	assert(keys != NULL && domain != NULL && (value != NULL || len == 0));
	/* The domain is a C string, so the NUL separator makes the input
	 * unambiguous: ("ab","c") cannot collide with ("a","bc"). */
	crypto_generichash_init(&st, keys->blind_key, sizeof keys->blind_key, sizeof hash);
	crypto_generichash_update(&st, (const unsigned char *)domain, strlen(domain));
	crypto_generichash_update(&st, &sep, 1);
	crypto_generichash_update(&st, (const unsigned char *)value, len);
	crypto_generichash_final(&st, hash, sizeof hash);
	sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
	/* Truncate after hashing (CipherSweet): many values share an index, so
	 * the index narrows a search without proving equality. */
	memcpy(out, hex, CD_BLIND_HEX - 1);
	out[CD_BLIND_HEX - 1] = '\0';
	sodium_memzero(&st, sizeof st);
	sodium_memzero(hash, sizeof hash);
	sodium_memzero(hex, sizeof hex);
}

/* ---- screen-lock password ---- */

/* INTERACTIVE limits (2 passes, 64 MiB): libsodium's recommendation for a
 * login prompt, well under a second on a counter PC, and the hash only ever
 * lives in this process's memory, so the stronger MODERATE cost (seconds
 * of waiting at every unlock) buys little. */
enum cd_crypto_err cd_pwhash(const char *password, char out[CD_PWHASH_LEN])
{
	assert(password != NULL && out != NULL);
	if (cd_crypto_init() != 0)
		return CD_CRYPTO_INIT;
	if (crypto_pwhash_str_alg(out, password, strlen(password),
				  crypto_pwhash_OPSLIMIT_INTERACTIVE,
				  crypto_pwhash_MEMLIMIT_INTERACTIVE,
				  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return CD_CRYPTO_NOMEM; /* the only documented failure */
	return CD_CRYPTO_OK;
}

int cd_pwhash_verify(const char out[CD_PWHASH_LEN], const char *password)
{
	if (out == NULL || password == NULL)
		return 0;
	/* libsodium reads the hash as a C string: refuse one without a NUL. */
	if (memchr(out, '\0', CD_PWHASH_LEN) == NULL)
		return 0;
	return crypto_pwhash_str_verify(out, password, strlen(password)) == 0;
}
