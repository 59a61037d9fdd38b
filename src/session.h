/* A staff member's working session: log in (as their own PostgreSQL role),
 * know who they are, where they sit, and keep the connection alive. This is
 * what the TUI and the CLI both use; neither sees libpq. */
#ifndef CD_SESSION_H
#define CD_SESSION_H

#include <stdbool.h>
#include "config.h"
#include "error.h"

struct cd_identity {
	char login[64];
	char full_name[128];
	char role[16];       /* clerk, helper, reviewer, supervisor, admin, kiosk */
	char dept_code[17];
	char dept_name[128];
	int window_no;       /* 0 when none */
};

/* How far ahead the holidays must be loaded: the longest promise of an
 * item (20 working days) with the holidays around it fits in two months,
 * and a warning that starts then gives the administrator weeks to load the
 * year the State Council announces each November. A string: it goes into
 * the login query. */
#define CD_CALENDAR_HORIZON_DAYS "62"

struct cd_session {
	const struct cd_config *cfg;
	struct cd_db *db;
	struct cd_identity who;
	/* The first year within CD_CALENDAR_HORIZON_DAYS of the login whose
	 * holidays are not loaded (deadlines that reach it are refused), or 0. */
	int calendar_gap_year;
};

/* Connects as login with password, records the window (0 = the staff
 * member's default) and fills who. Returns NULL with err on failure
 * (CD_ERR_AUTH for a wrong password, CD_ERR_CONNECT when unreachable,
 * CD_ERR_NOPERM when the login is not active staff). */
struct cd_session *cd_session_login(const struct cd_config *cfg, const char *login,
				    const char *password, int window,
				    struct cd_error *err);
void cd_session_free(struct cd_session **s);

/* Non-blocking health check for the UI loop: true while connected. */
bool cd_session_alive(struct cd_session *s);
/* Socket to poll for database events, -1 when disconnected. */
int cd_session_socket(struct cd_session *s);
/* One reconnection attempt with the remembered credentials. */
bool cd_session_reconnect(struct cd_session *s, struct cd_error *err);

/* Calls fn for every NOTIFY on a channel the session LISTENs to (delivered
 * from cd_session_alive, which the UI loop calls when the socket is readable). */
void cd_session_on_notify(struct cd_session *s,
			  void (*fn)(const char *channel, const char *payload, void *arg),
			  void *arg);

/* A role name for people ("clerk" -> translated "Window clerk"). */
const char *cd_role_label(const char *role);

#endif
