/* An error as the core reports it: a kind that decides the exit code and the
 * wording, the SQLSTATE when the database said it, and the message. */
#ifndef CD_ERROR_H
#define CD_ERROR_H

enum cd_err_kind {
	CD_ERR_NONE = 0,
	CD_ERR_CONNECT,    /* could not reach the database */
	CD_ERR_AUTH,       /* wrong login or password */
	CD_ERR_CONN_LOST,  /* the connection dropped */
	CD_ERR_NOPERM,     /* refused for lack of rights (42501) */
	CD_ERR_NOTFOUND,   /* P0002 */
	CD_ERR_DUPLICATE,  /* 23505 */
	CD_ERR_INVALID,    /* 22xxx, 23514 ... a bad value */
	CD_ERR_CONFIG,     /* configuration */
	CD_ERR_IO,         /* a file */
	CD_ERR_INTERNAL,   /* anything else */
};

struct cd_error {
	enum cd_err_kind kind;
	char sqlstate[6];
	char message[512]; /* English source text as the server or core said it */
	char detail[512];  /* variable part (a code, a name), may be empty */
};

void cd_error_clear(struct cd_error *err);
/* Fills err; fmt builds the detail. message must be a constant source string. */
void cd_error_set(struct cd_error *err, enum cd_err_kind kind,
		  const char *message, const char *detail_fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The message for a person, translated, with the detail: "消息：细节". */
const char *cd_error_text(const struct cd_error *err, char *buf, unsigned buflen);
/* The CLI exit code for this error (exitcode.h). */
int cd_error_exit(const struct cd_error *err);

#endif
