/* Errors reported by the core, and their words and exit codes. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "exitcode.h"
#include "i18n.h"

void cd_error_clear(struct cd_error *err)
{
	if (!err)
		return;
	err->kind = CD_ERR_NONE;
	err->sqlstate[0] = '\0';
	err->message[0] = '\0';
	err->detail[0] = '\0';
}

void cd_error_set(struct cd_error *err, enum cd_err_kind kind,
		  const char *message, const char *detail_fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	cd_error_clear(err);
	err->kind = kind;
	snprintf(err->message, sizeof(err->message), "%s", message);
	if (detail_fmt) {
		va_start(ap, detail_fmt);
		vsnprintf(err->detail, sizeof(err->detail), detail_fmt, ap);
		va_end(ap);
	}
}

const char *cd_error_text(const struct cd_error *err, char *buf, unsigned buflen)
{
	/* The server's and the core's messages are constant English sentences,
	 * so the same catalogue translates both; the detail stays as it is. */
	const char *msg = err->message[0] ? _(err->message) : _("Unknown error");

	if (err->detail[0])
		snprintf(buf, buflen, _("%s: %s"), msg, err->detail);
	else
		snprintf(buf, buflen, "%s", msg);
	return buf;
}

int cd_error_exit(const struct cd_error *err)
{
	switch (err->kind) {
	case CD_ERR_NONE:
		return CD_EXIT_OK;
	case CD_ERR_NOPERM:
	case CD_ERR_AUTH:
		return CD_EXIT_NOPERM;
	case CD_ERR_CONFIG:
		return CD_EXIT_CONFIG;
	case CD_ERR_CONNECT:
	case CD_ERR_CONN_LOST:
		return CD_EXIT_UNAVAIL;
	case CD_ERR_NOTFOUND:
	case CD_ERR_DUPLICATE:
	case CD_ERR_INVALID:
		return CD_EXIT_NO;
	case CD_ERR_IO:
	case CD_ERR_INTERNAL:
		break;
	}
	return CD_EXIT_SOFTWARE;
}
