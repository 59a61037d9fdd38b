/* The hall: tickets and calling (叫号), the green channel (绿色通道, 帮办代办)
 * and on-site ratings (好差评). Reads and checks hall.ini; every operation is
 * one call to an api function (docs/hall.md), carried with a fresh
 * operation id through cd_db_exec_op, so a call retried after a dropped
 * connection answers what the first one did and never calls a second
 * ticket. The CLI (cmd_ticket.c, cmd_green.c, cmd_rating.c) and the hall
 * screens work through this header; neither sees libpq.
 *
 * Conventions: window 0 means the caller's own default window; times are
 * time_t (0 = none) and shown in the terminal's local time; functions
 * return 0, or -1 with err filled (err->kind decides the exit code). */
#ifndef CD_HALL_H
#define CD_HALL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "error.h"

struct cd_db;
struct cd_keys;

/* The channel every hall change is notified on (one NOTIFY per transaction;
 * payload a small JSON object, docs/hall.md). */
#define CD_HALL_CHANNEL "counterdesk_hall"
/* LISTEN on CD_HALL_CHANNEL on this connection (a screen that shows queues
 * calls it once after logging in, and again after a reconnect). */
int cd_hall_listen(struct cd_db *db, struct cd_error *err);

/* ---- hall.ini ------------------------------------------------------------ */

#define CD_HALL_NAME_MAX 32  /* characters of a category name */

struct cd_hall_category {
	char code;                      /* 'A' .. 'Z' */
	char name[CD_HALL_NAME_MAX * 4 + 1];
};

struct cd_hall_window {
	int window_no;                  /* 1 .. 999 */
	char categories[27];            /* the letters it serves, in file order */
};

struct cd_hall_config {
	char *path;
	int priority_cap;               /* [rules] */
	int ordinary_wait_minutes;
	int recall_limit;
	char closing_time[6];           /* HH:MM */
	char at_closing[6];             /* close | carry */
	char *close_reason;
	char green_category;
	int callback_working_days;      /* [ratings] */
	int rectify_working_days;
	struct cd_hall_category *categories; /* [categories], sorted by code */
	size_t ncategories;
	struct cd_hall_window *windows;      /* [windows], sorted by number */
	size_t nwindows;
};

/* Reads and checks hall.ini whole (see config/hall.ini for every key). On
 * error returns -1 with one translated line in err naming the file, the
 * section and the key, and what was expected. */
int cd_hall_config_load(const char *path, struct cd_hall_config **out, char *err, size_t errlen);
void cd_hall_config_free(struct cd_hall_config **cfg);
/* The JSON api.hall_load takes (malloc'd). */
char *cd_hall_config_json(const struct cd_hall_config *cfg);
/* Sends the configuration to api.hall_load (administrators, or the set-up
 * superuser). *ncat / *nwin: what is active now (may be NULL). */
int cd_hall_load(struct cd_db *db, const struct cd_hall_config *cfg, int *ncat, int *nwin,
		 struct cd_error *err);
/* The configuration in force (api.hall_config) as JSON text, malloc'd; NULL
 * in *json when the hall is not configured. */
int cd_hall_config_fetch(struct cd_db *db, char **json, struct cd_error *err);

/* ---- tickets and windows ------------------------------------------------- */

struct cd_ticket {
	char number[16];                /* A023, G001 */
	char day[11];                   /* the day it was issued (YYYY-MM-DD) */
	char category[2];
	char category_name[CD_HALL_NAME_MAX * 4 + 1];
	bool green;
	char appointment[257];          /* "" when none */
	char status[10];                /* waiting, called, done, no_show, closed */
	time_t issued_at, arrived_at, called_at, finished_at;
	int window_no;                  /* 0 when not at a window */
	char called_by[64];
	int recalls, transfers;
	int wait_seconds;               /* issue to first call; -1 before */
	int service_seconds;            /* call to finish, summed */
	bool carried;                   /* carried from an earlier day */
	char reason[801];               /* why it was called out of order, "" */
	/* Filled by some calls only: */
	int ahead;                      /* ticket issue: waiting before it; -1 unknown */
	char rule[16];                  /* window call: green, appointment, arrival, fairness,
					   transfer, out_of_order */
	int pri;                        /* ticket list, waiting: 0 green, 1 appointment, 2 arrival; -1 */
	int to_window;                  /* ticket list: sent to this window; 0 */
	char cases[256];                /* ticket list: linked case numbers, comma-separated */
};

/* The kiosk (or a clerk) issues a ticket. category: a letter of hall.ini;
 * green: the green channel (the number takes the green letter);
 * appointment: a checked-in appointment's reference or NULL. */
int cd_ticket_issue(struct cd_db *db, const char *category, bool green, const char *appointment,
		    struct cd_ticket *out, struct cd_error *err);
/* Today's tickets (and those carried over), waiting ones first in calling
 * order. *out malloc'd (free()). */
int cd_ticket_list(struct cd_db *db, bool waiting_only, struct cd_ticket **out, size_t *n,
		   struct cd_error *err);

/* Call the next ticket by the calling rules (out->rule says which). No
 * ticket waiting for the window: CD_ERR_NOTFOUND. */
int cd_window_call(struct cd_db *db, int window, struct cd_ticket *out, struct cd_error *err);
/* Call one waiting ticket by its number, out of order; reason required. */
int cd_window_call_ticket(struct cd_db *db, int window, const char *number, const char *reason,
			  struct cd_ticket *out, struct cd_error *err);
/* Announce the ticket called once more; refused past the recall limit. */
int cd_window_recall(struct cd_db *db, int window, char number[16], int *recalls, int *limit,
		     struct cd_error *err);
int cd_window_noshow(struct cd_db *db, int window, struct cd_ticket *out, struct cd_error *err);
/* Back to the queue for another category (to_window 0) or one window
 * (category NULL), keeping the visitor's place. */
int cd_window_transfer(struct cd_db *db, int window, const char *category, int to_window,
		       struct cd_ticket *out, struct cd_error *err);
int cd_window_pause(struct cd_db *db, int window, bool paused, struct cd_error *err);
/* The service is done; case_no (or NULL) is the case accepted for it. The
 * window's rating pad now rates this service. */
int cd_window_finish(struct cd_db *db, int window, const char *case_no, struct cd_ticket *out,
		     struct cd_error *err);
/* Links a case to the window's ticket called (else the one last finished):
 * the intake screen calls this after a submit. */
int cd_window_link_case(struct cd_db *db, int window, const char *case_no, char number[16],
			struct cd_error *err);

struct cd_window_state {
	int window_no;
	char categories[27];            /* letters */
	bool serves_green;
	bool paused;
	char staff[64];                 /* who called there last, "" */
	char staff_name[128];
	char number[16];                /* the ticket called now, "" */
	char category[2];
	bool green;
	time_t called_at;
	int recalls;
	int served_today;
	int waiting;                    /* tickets this window would call */
};
int cd_hall_windows(struct cd_db *db, struct cd_window_state **out, size_t *n, struct cd_error *err);

struct cd_queue_stat {
	char category[2];
	char name[CD_HALL_NAME_MAX * 4 + 1];
	int waiting, green, appointments;
	int longest_wait_seconds;       /* -1 when nobody waits */
	int served, no_shows, closed;
	int avg_wait_seconds;           /* -1 when unknown */
	int avg_service_seconds;        /* -1 when unknown */
};
int cd_hall_queue(struct cd_db *db, struct cd_queue_stat **out, size_t *n, struct cd_error *err);

struct cd_close_day {
	char day[11];
	int closed, carried;
	char reason[801];
};
/* Supervisors: close (or carry, per hall.ini) every ticket still waiting;
 * no ticket is issued or called today afterwards. early: before closing
 * time (a reason is then required). */
int cd_hall_close_day(struct cd_db *db, const char *reason, bool early, struct cd_close_day *out,
		      struct cd_error *err);

/* ---- the green channel ---------------------------------------------------- */

/* The needs a session records, as the database names them. */
extern const char *const cd_green_needs[7];  /* vision hearing mobility cognitive language digital other */
extern const char *const cd_age_bands[4];    /* 0-59 60-69 70-79 80+ */
/* Translated label of a need / outcome / typed_by value (the value itself
 * when unknown). */
const char *cd_green_label(const char *value);

struct cd_green_visitor {
	const char *ticket;             /* a green ticket of today, or NULL: a walk-in */
	int window;                     /* 0: the ticket's window, else the helper's own */
	const char *age_band;           /* NULL or one of cd_age_bands */
	const char *needs;              /* comma-separated cd_green_needs, or NULL */
	const char *need_note;          /* required with "other" */
	const char *name;               /* only with consent */
	const char *idno;               /* clear text, only with consent: checked, sealed here */
	const char *proxy_name;         /* only with consent */
	const char *proxy_relation;     /* with a proxy: relationship (子女, 配偶, 受托人 ...) */
	const char *proxy_authorisation;/* with a proxy: the material (授权委托书, 户口簿 ...) */
	const char *typed_by;           /* visitor, helper (default when NULL) or proxy */
	bool consent;                   /* the visitor agrees to the record */
};

struct cd_green_started {
	long long session_no;
	time_t started_at;
	char ticket[16];                /* "" for a walk-in */
};

/* Checks what can be checked here (needs, age band, identity number) with a
 * translated reason in err (CD_ERR_INVALID), seals the identity number with
 * keys (may be NULL when no idno is given) and calls api.green_start.
 * Helpers only (the database refuses anyone else with 42501). */
int cd_green_start(struct cd_db *db, const struct cd_keys *keys, const struct cd_green_visitor *v,
		   struct cd_green_started *out, struct cd_error *err);

struct cd_green_ended {
	long long session_no;
	int duration_seconds;
	long long followup_id;          /* 0 unless a home visit was opened */
};

/* outcome: done, referred, home_visit. cases: case numbers accepted in the
 * session (may be empty) and/or note: what was done (one is required). dept:
 * where it was referred (or NULL). visit_date YYYY-MM-DD: with home_visit. */
int cd_green_end(struct cd_db *db, long long session_no, const char *outcome,
		 const char *const *cases, size_t ncases, const char *note, const char *dept,
		 const char *visit_date, struct cd_green_ended *out, struct cd_error *err);

struct cd_green_session {
	long long session_no;
	char helper[64];
	char *helper_name;
	char ticket[16];
	int window_no;
	time_t started_at, ended_at;
	int duration_seconds;           /* -1 while open */
	char age_band[8];
	char needs[96];                 /* comma-separated */
	char *need_note;
	char *visitor_name;
	char visitor_id_mask[32];
	char *proxy_name;
	char *proxy_relation;
	char *proxy_authorisation;
	char typed_by[8];
	bool consent;
	char outcome[12];               /* "" while open */
	char referred_to[17];
	char cases[256];
	char *note;
	long long followup_id;
};
/* A helper sees their own sessions, a supervisor everyone's. from / to:
 * YYYY-MM-DD or NULL. */
int cd_green_sessions(struct cd_db *db, bool open_only, const char *from, const char *to,
		      struct cd_green_session **out, size_t *n, struct cd_error *err);
void cd_green_sessions_free(struct cd_green_session **v, size_t n);

struct cd_green_followup {
	long long id;
	long long session_no;
	char visit_date[11];
	char helper[64];
	char *helper_name;
	char *visitor_name;
	char age_band[8];
	char needs[96];
	char *note;
	time_t created_at, closed_at;
	char closed_by[64];
	char *close_note;
	bool overdue;
};
/* Home visits: a helper's own, or all for a supervisor; earliest first. */
int cd_green_followups(struct cd_db *db, bool open_only, struct cd_green_followup **out,
		       size_t *n, struct cd_error *err);
void cd_green_followups_free(struct cd_green_followup **v, size_t n);
int cd_green_close_followup(struct cd_db *db, long long id, const char *note, struct cd_error *err);
/* The report for days from .. to (NULL: today) as the JSON of
 * api.green_report (malloc'd). */
int cd_green_report(struct cd_db *db, const char *from, const char *to, char **json,
		    struct cd_error *err);

/* ---- ratings (好差评) ------------------------------------------------------ */

/* 1 非常满意 .. 5 非常不满意, translated; "" outside 1..5. */
const char *cd_rating_level_label(int level);
/* 4 and 5 (差评) need a reason. */
bool cd_rating_needs_reason(int level);

struct cd_rating_pending {
	bool found;                     /* false: nothing to rate at this window */
	int window_no;
	char number[16];
	char category[2];
	char category_name[CD_HALL_NAME_MAX * 4 + 1];
	char served_by[64];
	char served_by_name[128];
	time_t finished_at;
};
/* What the pad of a window would rate now (kiosk accounts). */
int cd_rating_pending(struct cd_db *db, int window, struct cd_rating_pending *out,
		      struct cd_error *err);

struct cd_rating_result {
	long long rating_id;
	char number[16];
	int level;
	bool followup;                  /* a bad rating: a follow-up was opened */
	time_t callback_due, rectify_due;
	char due_basis[12];             /* calendar, or weekdays when a year is not loaded */
};
/* The kiosk rates the service last finished at window. Refused (42501) for
 * every account but a kiosk's. */
int cd_rating_add(struct cd_db *db, int window, int level, const char *reason,
		  struct cd_rating_result *out, struct cd_error *err);
/* The one follow-up rating, after the call back (kiosk accounts). */
int cd_rating_rerate(struct cd_db *db, long long rating_id, int level, const char *reason,
		     struct cd_error *err);

struct cd_rating_followup {
	long long rating_id;
	time_t rated_at;
	int window_no;
	char number[16];
	char category[2];
	char served_by[64];
	char *served_by_name;
	int level;
	char *reason;
	char state[12];                 /* callback, rectify, closed, cancelled */
	time_t callback_due, called_back_at;
	char *callback_note;
	time_t rectify_due, rectified_at;
	char *rectify_note;
	int followup_level;             /* 0 when none */
	char due_basis[12];
	char appeal[12];                /* "", pending, accepted, rejected */
	bool overdue;
	char cases[256];
};
/* Supervisors: follow-ups by their next deadline (open ones only unless
 * all). */
int cd_rating_followups(struct cd_db *db, bool open_only, struct cd_rating_followup **out,
			size_t *n, struct cd_error *err);
void cd_rating_followups_free(struct cd_rating_followup **v, size_t n);
int cd_rating_callback(struct cd_db *db, long long rating_id, const char *note, struct cd_error *err);
int cd_rating_rectify(struct cd_db *db, long long rating_id, const char *note, struct cd_error *err);
/* Centre staff appeal a bad rating as mistaken or malicious. */
int cd_rating_appeal(struct cd_db *db, long long rating_id, const char *reason, struct cd_error *err);
/* A supervisor other than the appellant decides. */
int cd_rating_decide_appeal(struct cd_db *db, long long rating_id, bool accept, const char *reason,
			    struct cd_error *err);

struct cd_rating {
	long long rating_id;
	time_t rated_at;
	int window_no;
	char number[16];
	char category[2];
	char served_by[64];
	int level;
	char *reason;
	bool void_;                     /* an accepted appeal */
	bool followup;
	char appeal[12];
};
int cd_rating_list(struct cd_db *db, const char *from, const char *to, struct cd_rating **out,
		   size_t *n, struct cd_error *err);
void cd_ratings_free(struct cd_rating **v, size_t n);

/* ---- formatting ----------------------------------------------------------- */

/* Local time "HH:MM" (today) or "YYYY-MM-DD HH:MM"; "-" for 0. */
const char *cd_hall_time(time_t t, char buf[20]);
/* ISO 8601 with the local offset, for JSON: 2026-03-02T09:15:02+08:00. */
const char *cd_hall_iso_time(time_t t, char buf[32]);
/* "12:05" (minutes:seconds) or "1:02:05"; "-" for a negative value. */
const char *cd_hall_duration(int seconds, char buf[16]);

#endif
