/* Seals over the audit chain: see audit_seal.h and sql/090_audit_seal.sql. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "audit_seal.h"
#include "crypto.h"
#include "db.h"
#include "i18n.h"
#include "util.h"

#define SECRET_MAGIC "counterdesk-audit-secret-key v1\n"
#define PUBLIC_MAGIC "counterdesk-audit-public-key v1\n"
#define SEAL_MAGIC "counterdesk-audit-seal v1\n"
/* The domain of the signed message, NUL included, so that a signature made
 * by this key for anything else can never pass for a seal. */
static const char msg_domain[] = "counterdesk-audit-seal-v1";

#define HASH_BYTES crypto_hash_sha256_BYTES
#define CHECKPOINT_BYTES (8 + HASH_BYTES)
/* Enough to name the changed row exactly in a log of up to 256 rows, and
 * to narrow it to 1/256 of a longer one, in 10 KiB per seal. */
#define MAX_CHECKPOINTS 256
#define KEYFILE_MAX 512

_Static_assert(HASH_BYTES == 32, "sha256");

/* ---- files ---- */

/* Writes a new file (O_EXCL: never replaces one) and syncs it. */
static int write_new_file(const char *path, const char *text, mode_t mode, struct cd_error *err)
{
	size_t len = strlen(text);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);

	if (fd < 0) {
		cd_error_set(err, CD_ERR_IO, errno == EEXIST
			     ? "The file already exists; refusing to overwrite it"
			     : "Cannot write the file", "%s", path);
		return -1;
	}
	while (len > 0) {
		ssize_t n = write(fd, text, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		text += n;
		len -= (size_t)n;
	}
	if (len > 0 || fsync(fd) != 0) {
		close(fd);
		unlink(path);
		cd_error_set(err, CD_ERR_IO, "Cannot write the file", "%s", path);
		return -1;
	}
	if (close(fd) != 0) {
		unlink(path);
		cd_error_set(err, CD_ERR_IO, "Cannot write the file", "%s", path);
		return -1;
	}
	return 0;
}

/* Reads a small file; when secret, refuses one that group or others can read. */
static int read_small_file(const char *path, bool secret, char *buf, size_t cap,
			   struct cd_error *err)
{
	struct stat st;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		cd_error_set(err, CD_ERR_IO, "Cannot read the file", "%s", path);
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		cd_error_set(err, CD_ERR_IO, "Cannot read the file", "%s", path);
		return -1;
	}
	if (secret && (st.st_mode & (S_IRWXG | S_IRWXO))) {
		close(fd);
		cd_error_set(err, CD_ERR_IO,
			     "The secret key file is accessible by group or others (chmod 600 it)",
			     "%s", path);
		return -1;
	}
	while (len < cap - 1) {
		ssize_t n = read(fd, buf + len, cap - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return 0;
}

/* Parses "<magic>key <hex>\n" exactly into out (n bytes). */
static int parse_keyfile(const char *text, const char *magic, unsigned char *out, size_t n)
{
	size_t ml = strlen(magic);
	const char *hex, *end;
	size_t got;

	if (strncmp(text, magic, ml) || strncmp(text + ml, "key ", 4))
		return -1;
	hex = text + ml + 4;
	if (strlen(hex) != n * 2 + 1 || hex[n * 2] != '\n')
		return -1;
	if (sodium_hex2bin(out, n, hex, n * 2, NULL, &got, &end) != 0 || got != n
	    || end != hex + n * 2)
		return -1;
	return 0;
}

int cd_audit_keygen(const char *path, struct cd_error *err)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char *sk;
	char pk_hex[sizeof pk * 2 + 1];
	char *sk_hex, *text, *pub_path;
	struct stat st;
	int rc = -1;

	if (cd_crypto_init() != 0) {
		cd_error_set(err, CD_ERR_INTERNAL, "Cannot initialise the cryptography library", NULL);
		return -1;
	}
	pub_path = xasprintf("%s.pub", path);
	/* Check both before writing either, so a refusal leaves nothing behind. */
	if (lstat(path, &st) == 0 || lstat(pub_path, &st) == 0) {
		cd_error_set(err, CD_ERR_IO, "The file already exists; refusing to overwrite it",
			     "%s", lstat(path, &st) == 0 ? path : pub_path);
		free(pub_path);
		return -1;
	}
	sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	sk_hex = sodium_malloc(crypto_sign_SECRETKEYBYTES * 2 + 1);
	text = sodium_malloc(KEYFILE_MAX);
	if (!sk || !sk_hex || !text) {
		cd_error_set(err, CD_ERR_INTERNAL, "Out of memory", NULL);
		goto out;
	}
	crypto_sign_keypair(pk, sk);
	sodium_bin2hex(sk_hex, crypto_sign_SECRETKEYBYTES * 2 + 1, sk, crypto_sign_SECRETKEYBYTES);
	snprintf(text, KEYFILE_MAX, "%skey %s\n", SECRET_MAGIC, sk_hex);
	if (write_new_file(path, text, 0600, err) < 0)
		goto out;
	sodium_bin2hex(pk_hex, sizeof pk_hex, pk, sizeof pk);
	snprintf(text, KEYFILE_MAX, "%skey %s\n", PUBLIC_MAGIC, pk_hex);
	if (write_new_file(pub_path, text, 0644, err) < 0) {
		unlink(path); /* a secret key without its public half is of no use */
		goto out;
	}
	rc = 0;
out:
	sodium_free(sk);
	sodium_free(sk_hex);
	sodium_free(text);
	free(pub_path);
	return rc;
}

/* ---- the chain, recomputed here ---- */

struct chain {
	long long n;                   /* rows that hold together: ids 1..n */
	unsigned char (*h)[HASH_BYTES]; /* h[i] is the hash of row i + 1 */
	long long broken;              /* first row that does not fit; 0: none */
	const char *why;
};

static void netstring(crypto_hash_sha256_state *st, const char *s)
{
	char len[24];
	size_t n = strlen(s);

	snprintf(len, sizeof len, "%zu:", n);
	crypto_hash_sha256_update(st, (const unsigned char *)len, strlen(len));
	crypto_hash_sha256_update(st, (const unsigned char *)s, n);
	crypto_hash_sha256_update(st, (const unsigned char *)",", 1);
}

static int hex32(const char *hex, unsigned char out[HASH_BYTES])
{
	size_t got;

	return strlen(hex) == HASH_BYTES * 2
	       && sodium_hex2bin(out, HASH_BYTES, hex, HASH_BYTES * 2, NULL, &got, NULL) == 0
	       && got == HASH_BYTES ? 0 : -1;
}

/* Fetches rows up to upto (0: all) in one query and recomputes the chain,
 * the same way as core.audit_hash, stopping at the first row that does not
 * fit. */
static int chain_load(struct cd_db *db, long long upto, struct chain *c, struct cd_error *err)
{
	char upto_s[24];
	const char *p[1] = { NULL };
	unsigned char prev[HASH_BYTES] = { 0 };
	PGresult *res;
	int rows;

	memset(c, 0, sizeof(*c));
	if (upto > 0) {
		snprintf(upto_s, sizeof upto_s, "%lld", upto);
		p[0] = upto_s;
	}
	res = cd_db_exec(db, "SELECT id, at_utc, actor, action, object, detail, prev_hash, hash"
			 " FROM api.audit_rows($1::bigint)", 1, p, err);
	if (!res)
		return -1;
	rows = PQntuples(res);
	c->h = xcalloc(rows ? (size_t)rows : 1, HASH_BYTES);
	for (int r = 0; r < rows; r++) {
		crypto_hash_sha256_state st;
		unsigned char stored_prev[HASH_BYTES], stored[HASH_BYTES];
		long long id = atoll(PQgetvalue(res, r, 0));

		if (id != (long long)r + 1) {
			c->broken = id; /* as api.audit_verify: the row after the gap */
			c->why = N_("rows are missing before this row");
			break;
		}
		crypto_hash_sha256_init(&st);
		crypto_hash_sha256_update(&st, prev, HASH_BYTES);
		for (int f = 0; f < 6; f++)
			netstring(&st, PQgetvalue(res, r, f));
		crypto_hash_sha256_final(&st, c->h[r]);
		if (hex32(PQgetvalue(res, r, 6), stored_prev) < 0
		    || sodium_memcmp(stored_prev, prev, HASH_BYTES) != 0) {
			c->broken = id;
			c->why = N_("prev_hash does not match the hash of the previous row");
			break;
		}
		if (hex32(PQgetvalue(res, r, 7), stored) < 0
		    || sodium_memcmp(stored, c->h[r], HASH_BYTES) != 0) {
			c->broken = id;
			c->why = N_("hash does not match the content of the row");
			break;
		}
		memcpy(prev, c->h[r], HASH_BYTES);
		c->n = id;
	}
	PQclear(res);
	return 0;
}

/* ---- the signed message ---- */

static void put_be64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)(v & 0xff);
}

static uint64_t get_be64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* The message a seal signs; *len set; malloc'd. */
static unsigned char *seal_message(long long upto, const unsigned char *hash,
				   const unsigned char *cps, size_t ncp, size_t *len)
{
	unsigned char *m;

	*len = sizeof msg_domain + 8 + HASH_BYTES + ncp * CHECKPOINT_BYTES;
	m = xmalloc(*len);
	memcpy(m, msg_domain, sizeof msg_domain);
	put_be64(m + sizeof msg_domain, (uint64_t)upto);
	memcpy(m + sizeof msg_domain + 8, hash, HASH_BYTES);
	memcpy(m + sizeof msg_domain + 8 + HASH_BYTES, cps, ncp * CHECKPOINT_BYTES);
	return m;
}

/* Evenly spaced checkpoints over rows 1..n, the last being n; every row
 * when n <= MAX_CHECKPOINTS. Returns the count; cps holds id || hash each. */
static size_t make_checkpoints(const struct chain *c, unsigned char *cps)
{
	long long last = 0;
	size_t k = 0;

	for (long long i = 1; i <= MAX_CHECKPOINTS; i++) {
		long long id = (i * c->n + MAX_CHECKPOINTS - 1) / MAX_CHECKPOINTS;

		if (id <= last || id < 1)
			continue;
		put_be64(cps + k * CHECKPOINT_BYTES, (uint64_t)id);
		memcpy(cps + k * CHECKPOINT_BYTES + 8, c->h[id - 1], HASH_BYTES);
		k++;
		last = id;
	}
	return k;
}

static char *to_hex(const unsigned char *b, size_t n)
{
	char *s = xmalloc(n * 2 + 1);

	sodium_bin2hex(s, n * 2 + 1, b, n);
	return s;
}

int cd_audit_seal(struct cd_db *db, const char *secret_path, const char *seal_file,
		  long long *seal_no, long long *upto, struct cd_error *err)
{
	unsigned char *sk = NULL, *msg = NULL;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
	unsigned char cps[MAX_CHECKPOINTS * CHECKPOINT_BYTES];
	char *text = NULL, *h_hex = NULL, *cp_hex = NULL, *pk_hex = NULL, *sig_hex = NULL;
	char op[CD_UUID_LEN], upto_s[24];
	struct chain c = { 0 };
	size_t ncp, mlen;
	PGresult *res;
	int rc = -1;

	*seal_no = *upto = 0;
	if (cd_crypto_init() != 0) {
		cd_error_set(err, CD_ERR_INTERNAL, "Cannot initialise the cryptography library", NULL);
		return -1;
	}
	sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	text = sodium_malloc(KEYFILE_MAX);
	if (!sk || !text) {
		cd_error_set(err, CD_ERR_INTERNAL, "Out of memory", NULL);
		goto out;
	}
	if (read_small_file(secret_path, true, text, KEYFILE_MAX, err) < 0)
		goto out;
	if (parse_keyfile(text, SECRET_MAGIC, sk, crypto_sign_SECRETKEYBYTES) < 0) {
		cd_error_set(err, CD_ERR_IO, "The audit secret key file is malformed", "%s", secret_path);
		goto out;
	}
	crypto_sign_ed25519_sk_to_pk(pk, sk);
	if (chain_load(db, 0, &c, err) < 0)
		goto out;
	if (c.broken) {
		cd_error_set(err, CD_ERR_INVALID, "The audit chain is broken; it cannot be sealed",
			     "%lld", c.broken);
		goto out;
	}
	if (c.n == 0) {
		cd_error_set(err, CD_ERR_INVALID, "The audit log is empty; there is nothing to seal", NULL);
		goto out;
	}
	ncp = make_checkpoints(&c, cps);
	msg = seal_message(c.n, c.h[c.n - 1], cps, ncp, &mlen);
	crypto_sign_detached(sig, NULL, msg, mlen, sk);

	h_hex = to_hex(c.h[c.n - 1], HASH_BYTES);
	cp_hex = to_hex(cps, ncp * CHECKPOINT_BYTES);
	pk_hex = to_hex(pk, sizeof pk);
	sig_hex = to_hex(sig, sizeof sig);
	snprintf(upto_s, sizeof upto_s, "%lld", c.n);
	cd_uuid4(op);
	{
		const char *p[] = { op, upto_s, h_hex, cp_hex, pk_hex, sig_hex };

		res = cd_db_exec_op(db, op, "SELECT api.audit_seal_add($1::uuid, $2::bigint, $3, $4, $5, $6)",
				    6, p, err);
	}
	if (!res)
		goto out;
	*seal_no = atoll(PQgetvalue(res, 0, 0));
	*upto = c.n;
	PQclear(res);
	if (seal_file) {
		char *s = xasprintf("%supto %lld\nhash %s\ncheckpoints %s\npublic_key %s\nsignature %s\n",
				    SEAL_MAGIC, c.n, h_hex, cp_hex, pk_hex, sig_hex);
		int w = write_new_file(seal_file, s, 0644, err);

		free(s);
		if (w < 0)
			goto out;
	}
	rc = 0;
out:
	sodium_free(sk);
	sodium_free(text);
	free(msg);
	free(c.h);
	free(h_hex);
	free(cp_hex);
	free(pk_hex);
	free(sig_hex);
	return rc;
}

/* ---- verification ---- */

struct seal {
	long long no;
	long long upto;
	unsigned char hash[HASH_BYTES];
	unsigned char *cps; /* malloc'd */
	size_t ncp;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char sig[crypto_sign_BYTES];
};

/* Fills s from hex fields; -1 when any is malformed. */
static int seal_from_hex(struct seal *s, const char *hash, const char *cps,
			 const char *pk, const char *sig)
{
	size_t got, n = strlen(cps);

	s->cps = NULL;
	if (hex32(hash, s->hash) < 0 || n == 0 || n % (CHECKPOINT_BYTES * 2)
	    || n / (CHECKPOINT_BYTES * 2) > MAX_CHECKPOINTS)
		return -1;
	s->ncp = n / (CHECKPOINT_BYTES * 2);
	s->cps = xmalloc(n / 2);
	if (sodium_hex2bin(s->cps, n / 2, cps, n, NULL, &got, NULL) || got != n / 2
	    || strlen(pk) != sizeof s->pk * 2
	    || sodium_hex2bin(s->pk, sizeof s->pk, pk, strlen(pk), NULL, &got, NULL) || got != sizeof s->pk
	    || strlen(sig) != sizeof s->sig * 2
	    || sodium_hex2bin(s->sig, sizeof s->sig, sig, strlen(sig), NULL, &got, NULL)
	    || got != sizeof s->sig)
		return -1;
	return 0;
}

static bool seal_signature_ok(const struct seal *s)
{
	size_t mlen;
	unsigned char *m = seal_message(s->upto, s->hash, s->cps, s->ncp, &mlen);
	bool ok = crypto_sign_verify_detached(s->sig, m, mlen, s->pk) == 0;

	free(m);
	return ok;
}

/* Reads a seal file written by cd_audit_seal (fixed line order). */
static int seal_file_read(const char *path, struct seal *s, struct cd_error *err)
{
	size_t len;
	char *text = read_file(path, &len);
	char *hash, *cps, *pk, *sig, *save = NULL, *line;
	int rc = -1;

	if (!text) {
		cd_error_set(err, CD_ERR_IO, "Cannot read the file", "%s", path);
		return -1;
	}
	memset(s, 0, sizeof(*s));
	s->no = -1;
	if (strncmp(text, SEAL_MAGIC, strlen(SEAL_MAGIC)))
		goto bad;
	line = strtok_r(text + strlen(SEAL_MAGIC), "\n", &save);
	if (!line || sscanf(line, "upto %lld", &s->upto) != 1 || s->upto < 1)
		goto bad;
	hash = strtok_r(NULL, "\n", &save);
	cps = strtok_r(NULL, "\n", &save);
	pk = strtok_r(NULL, "\n", &save);
	sig = strtok_r(NULL, "\n", &save);
	if (!hash || !cps || !pk || !sig || strncmp(hash, "hash ", 5) || strncmp(cps, "checkpoints ", 12)
	    || strncmp(pk, "public_key ", 11) || strncmp(sig, "signature ", 10)
	    || seal_from_hex(s, hash + 5, cps + 12, pk + 11, sig + 10) < 0)
		goto bad;
	rc = 0;
	goto out;
bad:
	cd_error_set(err, CD_ERR_IO, "The seal file is malformed", "%s", path);
out:
	free(text);
	return rc;
}

/* Checks one seal whose signature is good against the recomputed chain;
 * notes in rep the earliest row found changed. */
static void check_seal(const struct seal *s, const struct chain *c, struct cd_seal_report *rep)
{
	long long prev_cp = 0, broken = 0, from = 0;
	const char *why = NULL;

	rep->seals++;
	if (s->upto > rep->sealed_upto)
		rep->sealed_upto = s->upto;
	for (size_t i = 0; i < s->ncp && !broken; i++) {
		const unsigned char *cp = s->cps + i * CHECKPOINT_BYTES;
		long long id = (long long)get_be64(cp);

		if (id < 1 || id <= prev_cp)
			break;
		if (id > c->n) {
			/* The chain ends (or breaks) before this sealed row. */
			if (!c->broken) {
				broken = c->n + 1;
				from = prev_cp + 1;
				why = N_("sealed rows are missing at the end of the log");
			}
			break;
		}
		if (sodium_memcmp(cp + 8, c->h[id - 1], HASH_BYTES) != 0) {
			broken = id;
			from = prev_cp + 1;
			why = N_("the row differs from what a signed seal recorded");
		}
		prev_cp = id;
	}
	if (broken && (!rep->first_broken || broken < rep->first_broken)) {
		rep->first_broken = broken;
		rep->range_from = from;
		rep->seal_no = s->no;
		rep->reason = why;
	}
}

/* Signature first; a seal whose signature fails is itself the finding. */
static void consider_seal(const struct seal *s, const unsigned char *pk,
			  const struct chain *c, struct cd_seal_report *rep)
{
	if (sodium_memcmp(s->pk, pk, sizeof s->pk) != 0 && s->no >= 0)
		return; /* made with another key */
	if (sodium_memcmp(s->pk, pk, sizeof s->pk) != 0 || !seal_signature_ok(s)) {
		if (!rep->bad_seal)
			rep->bad_seal = s->no;
		return;
	}
	check_seal(s, c, rep);
}

int cd_audit_verify_sealed(struct cd_db *db, const char *public_path, const char *seal_file,
			   struct cd_seal_report *rep, struct cd_error *err)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	char text[KEYFILE_MAX];
	struct chain c;
	struct seal fs = { .no = -1 };
	PGresult *res;

	memset(rep, 0, sizeof(*rep));
	if (cd_crypto_init() != 0) {
		cd_error_set(err, CD_ERR_INTERNAL, "Cannot initialise the cryptography library", NULL);
		return -1;
	}
	if (read_small_file(public_path, false, text, sizeof text, err) < 0)
		return -1;
	if (parse_keyfile(text, PUBLIC_MAGIC, pk, sizeof pk) < 0) {
		cd_error_set(err, CD_ERR_IO, "The audit public key file is malformed", "%s", public_path);
		return -1;
	}
	if (seal_file && seal_file_read(seal_file, &fs, err) < 0) {
		free(fs.cps);
		return -1;
	}
	if (chain_load(db, 0, &c, err) < 0) {
		free(fs.cps);
		free(c.h);
		return -1;
	}
	rep->rows = c.n;
	res = cd_db_exec(db, "SELECT seal_no, upto_id, head_hash, checkpoints, public_key, signature"
			 " FROM api.audit_seals()", 0, NULL, err);
	if (!res) {
		free(c.h);
		free(fs.cps);
		return -1;
	}
	for (int r = 0; r < PQntuples(res); r++) {
		struct seal s = { .no = atoll(PQgetvalue(res, r, 0)),
				  .upto = atoll(PQgetvalue(res, r, 1)) };

		if (seal_from_hex(&s, PQgetvalue(res, r, 2), PQgetvalue(res, r, 3),
				  PQgetvalue(res, r, 4), PQgetvalue(res, r, 5)) < 0) {
			if (!rep->bad_seal)
				rep->bad_seal = s.no;
		} else {
			consider_seal(&s, pk, &c, rep);
		}
		free(s.cps);
	}
	PQclear(res);
	if (seal_file)
		consider_seal(&fs, pk, &c, rep);
	free(fs.cps);
	/* A break in the chain itself that no seal caught earlier. */
	if (c.broken && (!rep->first_broken || c.broken < rep->first_broken)) {
		rep->first_broken = c.broken;
		rep->range_from = c.broken;
		rep->seal_no = 0;
		rep->reason = c.why;
	}
	rep->no_seal = rep->seals == 0;
	if (!rep->reason && rep->bad_seal)
		rep->reason = N_("a seal's signature does not verify with this public key");
	if (!rep->reason && rep->no_seal)
		rep->reason = N_("no seal signed with this public key was found");
	free(c.h);
	return 0;
}

bool cd_seal_report_intact(const struct cd_seal_report *rep)
{
	return !rep->first_broken && !rep->bad_seal && !rep->no_seal;
}
