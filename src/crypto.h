/* Personal-data protection: a key file, AEAD field encryption bound to table,
 * column and row, a keyed blind index for exact look-up, and the argon2id hash
 * that unlocks an idle screen. All with libsodium. */
#ifndef CD_CRYPTO_H
#define CD_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

/* The key file holds a version byte and a 32-byte master key; encryption and
 * blind-index keys are derived from it (crypto_kdf) so one file serves both. */
struct cd_keys;

enum cd_crypto_err {
	CD_CRYPTO_OK = 0,
	CD_CRYPTO_IO,          /* key file missing or unreadable; errno kept */
	CD_CRYPTO_PERMS,       /* key file readable by group or others */
	CD_CRYPTO_FORMAT,      /* key file malformed */
	CD_CRYPTO_EXISTS,      /* refusing to overwrite an existing key file */
	CD_CRYPTO_TAMPERED,    /* ciphertext fails authentication (tampered or moved) */
	CD_CRYPTO_UNKNOWN_KEY, /* ciphertext names a key version we do not hold */
	CD_CRYPTO_NOMEM,
	CD_CRYPTO_INIT,        /* sodium_init failed */
};

const char *cd_crypto_strerror(enum cd_crypto_err err); /* English source text */

int cd_crypto_init(void); /* sodium_init; 0 on success */

/* Writes a new key file with mode 0600; never overwrites. */
enum cd_crypto_err cd_key_generate(const char *path, uint8_t version);
/* Loads a key file (refuses group/other-readable files). *out freed with cd_keys_free. */
enum cd_crypto_err cd_keys_load(const char *path, struct cd_keys **out);
void cd_keys_free(struct cd_keys **keys); /* zeroes, frees, sets *keys = NULL */

/* Encrypts plaintext bound to (table, column, row_id). The output is text
 * (printable, storable in a text column): "v<version>:" + base64 of nonce|ct.
 * *out is malloc'd; free it. */
enum cd_crypto_err cd_seal_field(const struct cd_keys *keys, const char *table,
				 const char *column, const char *row_id,
				 const char *plaintext, size_t len, char **out);
/* Reverses cd_seal_field; fails with CD_CRYPTO_TAMPERED if the text was changed
 * or belongs to another table/column/row. *out is malloc'd, NUL-terminated. */
enum cd_crypto_err cd_open_field(const struct cd_keys *keys, const char *table,
				 const char *column, const char *row_id,
				 const char *sealed, char **out, size_t *out_len);

/* Keyed BLAKE2b blind index of a normalised value within a domain ("idno",
 * "phone"), truncated to CD_BLIND_BITS bits so equal index does not prove equal
 * value on its own; written as lower-case hex into out (CD_BLIND_HEX bytes incl. NUL). */
#define CD_BLIND_BITS 32
#define CD_BLIND_HEX (CD_BLIND_BITS / 4 + 1)
void cd_blind_index(const struct cd_keys *keys, const char *domain,
		    const char *value, size_t len, char out[CD_BLIND_HEX]);

/* argon2id hash of a password, held in memory to unlock an idle screen. */
#define CD_PWHASH_LEN 128
enum cd_crypto_err cd_pwhash(const char *password, char out[CD_PWHASH_LEN]);
int cd_pwhash_verify(const char out[CD_PWHASH_LEN], const char *password); /* 1 match */

#endif
