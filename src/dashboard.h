/* The supervisor's live dashboard (issue 8): one snapshot of the centre
 * fetched in one round trip (api.dashboard, sql/080) and parsed into fixed
 * arrays the screen can compare figure by figure with the last one, and
 * the supervisor's actions taken from it: a temporary window, escalating
 * a case. docs/dashboard.md is the contract. No curses here. */
#ifndef CD_DASHBOARD_H
#define CD_DASHBOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "error.h"

struct cd_db;

#define CD_DASH_CATEGORIES 26
#define CD_DASH_WINDOWS 64
#define CD_DASH_HOURS 24
#define CD_DASH_FORECAST 4
#define CD_DASH_WAITS 8
#define CD_DASH_DEPTS 32
#define CD_DASH_TARGETS 16

struct cd_dash_category {
	char code[4];
	char name[132];
	int waiting, green, issued, served;
	int longest_wait;  /* seconds, -1 when nobody waits */
	int avg_wait;      /* seconds, -1 when nobody was called today */
};

struct cd_dash_window {
	int window_no;
	char categories[64];  /* "A,B" */
	char state[8];        /* idle, serving, paused */
	char staff[64];       /* the login at the window, "" when nobody called there */
	char staff_name[128];
	char number[16];      /* the ticket called, "" when none */
	time_t called_at;
	int served;           /* today */
	bool temporary;       /* opened or re-purposed by a supervisor */
};

struct cd_dash_hour {
	int hour, today;
	double usual;  /* mean of the same weekday over the last eight weeks */
};

struct cd_dash_forecast {
	int hour, windows;
	double arrivals;
};

struct cd_dash_wait {
	int upto;      /* minutes; 0 = longer than the last bar */
	int called;    /* tickets called today after waiting this long */
	int waiting;   /* tickets waiting this long now */
};

struct cd_dash_dept {
	char code[17];
	char name[128];
	int open, claimed, returned, yellow, red, unclaimed_late;
};

struct cd_dash_target {
	char target[64];
	int backlog, oldest_pending, delivered_today, failing, dead;
	char last_error[160];
};

struct cd_dashboard {
	char day[11];
	int hour, target_minutes, service_seconds, history_days;
	double factor;
	struct cd_dash_category cat[CD_DASH_CATEGORIES];
	size_t ncat;
	struct cd_dash_window win[CD_DASH_WINDOWS];
	size_t nwin;
	struct cd_dash_hour hours[CD_DASH_HOURS];
	size_t nhours;
	struct cd_dash_forecast forecast[CD_DASH_FORECAST];
	size_t nforecast;
	struct cd_dash_wait waits[CD_DASH_WAITS];
	size_t nwaits;
	int green_today, green_open, green_followups, green_overdue;
	int ratings[5]; /* today's, level 1 .. 5 */
	int bad_open, bad_overdue;
	int escalations_today;
	bool has_depts;  /* the snapshot has the routing's departments */
	struct cd_dash_dept dept[CD_DASH_DEPTS];
	size_t ndept;
	bool has_sync;   /* ... and the sync targets */
	struct cd_dash_target sync[CD_DASH_TARGETS];
	size_t nsync;
};

/* The snapshot (api.dashboard) with waits kept within target_minutes (0:
 * the server's default). Supervisors only: CD_ERR_NOPERM otherwise. */
int cd_dashboard_fetch(struct cd_db *db, int target_minutes, struct cd_dashboard *out,
		       struct cd_error *err);
/* Parses api.dashboard's JSON; -1 when it is not that shape. */
int cd_dashboard_parse(const char *json, struct cd_dashboard *out);

/* A second connection for reading the snapshot ([dashboard] conninfo: a
 * read-only replica), as the same login as primary; NULL with err. */
struct cd_db *cd_dashboard_reader_open(struct cd_db *primary, const char *conninfo, struct cd_error *err);
void cd_dashboard_reader_close(struct cd_db **reader);

/* Window `window` serves `categories` ("A,C") until closed again; a window
 * that was not open is opened. With a reason (audited). */
int cd_window_open_temp(struct cd_db *db, int window, const char *categories, const char *reason,
			struct cd_error *err);
/* Back to what it served before (or closed when it was not open). */
int cd_window_close_temp(struct cd_db *db, int window, const char *reason, struct cd_error *err);
/* Escalates case case_no (督办) with a reason; *count: its escalations so far. */
int cd_case_escalate(struct cd_db *db, const char *case_no, const char *reason, int *count,
		     struct cd_error *err);

#endif
