/* Delivery to department systems (一次录入、多端共享), docs/sync.md: the
 * targets (config/targets.d), the worker's calls on the outbox, and what
 * the CLI and the screens show of it. */
#ifndef CD_SYNC_H
#define CD_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "error.h"

struct cd_db;
struct cd_config;

enum cd_target_kind { CD_TARGET_POSTGRES, CD_TARGET_SPOOL, CD_TARGET_EXTERNAL };

struct cd_target {
	char *name;
	enum cd_target_kind kind;
	char **departments;
	size_t ndepartments;
	char *dsn;          /* postgres */
	char *statement;    /* postgres: run once per batch, parameters are text arrays */
	char **params;      /* postgres: id, type, aggregateid, payload, payload.a.b ... */
	size_t nparams;
	char *directory;    /* spool */
	int max_attempts;
	double backoff;     /* first retry delay, seconds */
	double backoff_max;
	char *file;         /* where it was read from, for messages */
	/* The worker's state, not configuration. */
	void *conn;         /* PGconn * of a postgres target */
	time_t down_until;  /* unreachable: left alone until then */
	int down_count;
};

struct cd_targets {
	struct cd_target *v;
	size_t n;
};

/* Reads every *.ini of dir (sorted), checks each (one line per problem into
 * err, naming file and key); all or nothing. */
int cd_targets_load(const char *dir, struct cd_targets *out, char *err, size_t errlen);
void cd_targets_free(struct cd_targets *t);
struct cd_target *cd_targets_find(struct cd_targets *t, const char *name);
/* api.sync_targets_load: name, kind and departments only. Prints nothing. */
int cd_sync_targets_send(struct cd_db *db, const struct cd_targets *t, struct cd_error *err);

/* The delay before attempt number `attempts + 1` after `attempts` refusals:
 * base * 2^(attempts-1), at most max, times jitter (0.5 .. 1.5). */
double cd_sync_backoff(int attempts, double base, double max, double jitter);

/* One claimed event. */
struct cd_event {
	char *id, *target, *type, *aggregatetype, *aggregateid, *created_at, *payload;
	int attempts;
	/* The payload members the targets' params name, picked out by the
	 * server: vals[k] for path paths[k] ("payload.a.b"), NULL = absent. */
	const char *const *paths;
	char **vals;
	size_t nvals;
	/* The outcome, filled by delivery. */
	int state;          /* CD_EV_* */
	char error[512];
};
enum { CD_EV_CLAIMED, CD_EV_DONE, CD_EV_REFUSED, CD_EV_UNREACHABLE };

/* Delivers the events of one target (all of events[0..n) belong to t);
 * sets each event's state and error. Never touches the main database. */
void cd_sync_deliver(struct cd_target *t, struct cd_event *events, size_t n);
/* The value that parameter path names in an event (docs/sync.md), malloc'd,
 * NULL for absent. */
char *cd_sync_param(const struct cd_event *ev, const char *path);
/* Splits PostgreSQL's text form of a one-dimensional text array into
 * malloc'd elements (NULL for NULL). Returns the count, -1 if malformed. */
long cd_sync_array_parse(const char *text, char ***out);
/* Appends one element to a PostgreSQL array literal under construction. */
void cd_sync_array_add(char **buf, size_t *len, size_t *cap, const char *value, bool first);
void cd_sync_close_targets(struct cd_targets *t);

/* The worker: one loop for counterdesk-sync and `counterdesk sync run --once`. */
struct cd_worker_opts {
	const char *name;        /* shown as leased_by / delivered_by */
	bool once;               /* deliver what is due, then return */
	bool use_syslog;
	int batch;
	int poll_seconds;
	int lease_seconds;
	const char *targets_dir;
};
/* Runs until SIGTERM/SIGINT (or, once, until nothing is due). db is the
 * connection to the main database. Returns an exit code. */
int cd_sync_run(struct cd_db *db, const struct cd_worker_opts *o);
/* Signal flags set by the daemon's handlers. */
void cd_sync_request_stop(void);
void cd_sync_request_reload(void);

/* What the screens and `sync status` show. */
struct cd_sync_status {
	char target[64];
	int backlog;
	int oldest_pending_seconds; /* -1: nothing pending */
	int delivered_today;
	int failing;
	int dead;
	char last_error[256];
};
int cd_sync_status(struct cd_db *db, struct cd_sync_status **out, size_t *n, struct cd_error *err);

struct cd_sync_problem {
	char id[40];
	char target[64];
	char type[48];
	char aggregateid[64];
	char status[16];    /* dead, failing */
	int attempts;
	char last_error[256];
	time_t created_at;
};
int cd_sync_problems(struct cd_db *db, const char *target, int limit,
		     struct cd_sync_problem **out, size_t *n, struct cd_error *err);
/* One event (id) or every dead and failing event of target: back to pending.
 * Returns how many, or -1. */
int cd_sync_retry(struct cd_db *db, const char *id, const char *target, struct cd_error *err);

/* LISTEN to what changes the status: new events and reports. */
#define CD_SYNC_CHANNEL "counterdesk_sync"
#define CD_SYNC_STATUS_CHANNEL "counterdesk_sync_status"
int cd_sync_listen(struct cd_db *db, struct cd_error *err);

struct cd_case_delivery {
	char target[64];
	char departments[128]; /* "RS, YB" */
	int events, delivered, dead;
	time_t last_delivered_at; /* 0: never */
	char last_error[256];
};
int cd_case_deliveries(struct cd_db *db, const char *case_no, struct cd_case_delivery **out,
		       size_t *n, struct cd_error *err);

#endif
