/* Logging a staff member in and keeping the session alive. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "dbrow.h"
#include "i18n.h"
#include "session.h"
#include "timezone.h"
#include "util.h"

/* Fills who from a row of (login, full_name, role, dept_code, dept_name, window_no). */
static void read_identity(const PGresult *res, struct cd_identity *who)
{
	text_at(who->login, sizeof(who->login), res, 0, 0);
	text_at(who->full_name, sizeof(who->full_name), res, 0, 1);
	text_at(who->role, sizeof(who->role), res, 0, 2);
	text_at(who->dept_code, sizeof(who->dept_code), res, 0, 3);
	text_at(who->dept_name, sizeof(who->dept_name), res, 0, 4);
	who->window_no = int_at(res, 0, 5, 0);
}

struct cd_session *cd_session_login(const struct cd_config *cfg, const char *login,
				    const char *password, int window,
				    struct cd_error *err)
{
	char appname[64], winbuf[16];
	const char *params[1];
	struct cd_session *s;
	struct cd_db *db;
	PGresult *res;

	/* pg_stat_activity then shows who sits at which window. */
	if (window > 0)
		snprintf(appname, sizeof(appname), "counterdesk window %d", window);
	else
		snprintf(appname, sizeof(appname), "counterdesk");
	db = cd_db_open(cfg->db_conninfo, login, password, appname, err);
	if (!db)
		return NULL;

	snprintf(winbuf, sizeof(winbuf), "%d", window);
	params[0] = window > 0 ? winbuf : NULL;
	/* With the login, in the same round trip: the first year within the
	 * calendar horizon whose holidays are not loaded (NULL: none). */
	res = cd_db_exec(db, "SELECT login, full_name, role, dept_code, dept_name, window_no,"
			     " (SELECT min(y) FROM generate_series(extract(year FROM current_date)::int,"
			     "   extract(year FROM current_date + " CD_CALENDAR_HORIZON_DAYS ")::int) y"
			     "  WHERE NOT EXISTS (SELECT 1 FROM api.calendar_years c WHERE c.year = y))"
			     " FROM api.session_start($1::int)", 1, params, err);
	if (!res) {
		cd_db_close(&db);
		return NULL;
	}
	if (PQntuples(res) != 1) {
		PQclear(res);
		cd_db_close(&db);
		cd_error_set(err, CD_ERR_NOPERM, "You are not an active staff member", NULL);
		return NULL;
	}
	/* Times on every screen in the centre's zone, not the terminal's. */
	cd_time_zone_follow(db);
	s = xcalloc(1, sizeof(*s));
	s->cfg = cfg;
	s->db = db;
	read_identity(res, &s->who);
	s->calendar_gap_year = int_at(res, 0, 6, 0);
	PQclear(res);
	return s;
}

void cd_session_free(struct cd_session **sp)
{
	struct cd_session *s = *sp;

	if (!s)
		return;
	cd_db_close(&s->db);
	free(s);
	*sp = NULL;
}

bool cd_session_alive(struct cd_session *s)
{
	return cd_db_poll(s->db);
}

void cd_session_on_notify(struct cd_session *s,
			  void (*fn)(const char *channel, const char *payload, void *arg),
			  void *arg)
{
	cd_db_on_notify(s->db, fn, arg);
}

int cd_session_socket(struct cd_session *s)
{
	return cd_db_socket(s->db);
}

bool cd_session_reconnect(struct cd_session *s, struct cd_error *err)
{
	return cd_db_reconnect(s->db, err);
}

const char *cd_role_label(const char *role)
{
	static const char *const labels[][2] = {
		{ "clerk", N_("Window clerk") },
		{ "helper", N_("Green-channel helper") },
		{ "reviewer", N_("Back-office reviewer") },
		{ "supervisor", N_("Supervisor") },
		{ "admin", N_("Administrator") },
		{ "kiosk", N_("Kiosk") },
	};

	return I18N_WORD(labels, role, role);
}
