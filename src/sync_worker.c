/* The worker's loop (docs/sync.md): claim a batch with a lease in one short
 * statement, deliver outside any transaction, report in a second statement;
 * sleep on LISTEN counterdesk_sync with a slow poll as the safety net. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <libpq-fe.h>
#include <sodium.h>

#include "db.h"
#include "exitcode.h"
#include "sync.h"
#include "util.h"

static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t reload_flag;

void cd_sync_request_stop(void)
{
	stop_flag = 1;
}

void cd_sync_request_reload(void)
{
	reload_flag = 1;
}

static bool use_syslog;

__attribute__((format(printf, 2, 3)))
static void say(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (use_syslog) {
		vsyslog(prio, fmt, ap);
	} else {
		fputs("counterdesk-sync: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double jitter(void)
{
	return 0.5 + randombytes_uniform(1000001) / 1e6;
}

/* Waits up to seconds for input on the main connection (a notification) or
 * a signal. Returns true when a notification arrived. */
static bool woken;

static void on_notify(const char *channel, const char *payload, void *arg)
{
	(void)channel;
	(void)payload;
	(void)arg;
	woken = true;
}

static void wait_for(struct cd_db *db, double seconds)
{
	struct pollfd pfd = { .fd = cd_db_socket(db), .events = POLLIN };
	int ms = seconds <= 0 ? 0 : seconds > 3600 ? 3600000 : (int)(seconds * 1000) + 1;

	if (stop_flag || reload_flag)
		return;
	if (pfd.fd < 0) {
		struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
		return;
	}
	if (poll(&pfd, 1, ms) > 0)
		cd_db_poll(db);
}

/* The targets this worker claims for: configured, deliverable, not left
 * alone after a failure. As a text array literal. */
static char *claimable(const struct cd_targets *t, time_t now, bool all)
{
	char *buf = xstrdup("{");
	size_t len = 1, cap = 2;
	bool first = true;

	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i].kind == CD_TARGET_EXTERNAL || (!all && t->v[i].down_until > now))
			continue;
		cd_sync_array_add(&buf, &len, &cap, t->v[i].name, first);
		first = false;
	}
	buf = xrealloc(buf, len + 2);
	strcpy(buf + len, "}");
	return buf;
}

static void events_free(struct cd_event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(ev[i].id);
		free(ev[i].target);
		free(ev[i].type);
		free(ev[i].aggregatetype);
		free(ev[i].aggregateid);
		free(ev[i].created_at);
		free(ev[i].payload);
		for (size_t k = 0; k < ev[i].nvals; k++)
			free(ev[i].vals[k]);
		free(ev[i].vals);
	}
	free(ev);
}

/* Every payload path the targets' params name ("payload.a.b"), once each:
 * the server picks them out in the claim. */
struct paths {
	char **v;      /* "payload.a.b" */
	size_t n;
	char *literal; /* {"a.b",...} for api.sync_claim */
};

static void paths_make(struct paths *p, const struct cd_targets *t)
{
	size_t len = 1, cap = 2;

	memset(p, 0, sizeof(*p));
	p->literal = xstrdup("{");
	for (size_t i = 0; i < t->n; i++)
		for (size_t k = 0; k < t->v[i].nparams; k++) {
			const char *q = t->v[i].params[k];
			size_t j;
			if (strncmp(q, "payload.", 8))
				continue;
			for (j = 0; j < p->n && strcmp(p->v[j], q); j++)
				;
			if (j < p->n)
				continue;
			p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
			p->v[p->n] = xstrdup(q);
			cd_sync_array_add(&p->literal, &len, &cap, q + 8, p->n == 0);
			p->n++;
		}
	p->literal = xrealloc(p->literal, len + 2);
	strcpy(p->literal + len, "}");
}

static void paths_free(struct paths *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	free(p->literal);
}

static const char claim_sql[] =
	"SELECT id, target, type, aggregatetype, aggregateid, created_at, attempts, payload, vals "
	"FROM api.sync_claim($1, $2::text[], $3::int, $4::int, $5::text[])";

static int claim_send(struct cd_db *db, const struct cd_worker_opts *o, const char *targets,
		      const struct paths *paths, struct cd_error *err)
{
	char limit[16], lease[16];
	const char *p[5] = { o->name, targets, limit, lease, paths->literal };

	snprintf(limit, sizeof(limit), "%d", o->batch);
	snprintf(lease, sizeof(lease), "%d", o->lease_seconds);
	return cd_db_send(db, claim_sql, 5, p, err);
}

static int claim_receive(struct cd_db *db, const struct paths *paths, struct cd_event **out,
			 size_t *n, struct cd_error *err)
{
	PGresult *r;
	struct cd_event *ev;

	*out = NULL;
	*n = 0;
	r = cd_db_receive(db, err);
	if (!r)
		return -1;
	ev = xcalloc((size_t)PQntuples(r) + 1, sizeof(*ev));
	for (int i = 0; i < PQntuples(r); i++) {
		ev[i].id = xstrdup(PQgetvalue(r, i, 0));
		ev[i].target = xstrdup(PQgetvalue(r, i, 1));
		ev[i].type = xstrdup(PQgetvalue(r, i, 2));
		ev[i].aggregatetype = xstrdup(PQgetvalue(r, i, 3));
		ev[i].aggregateid = xstrdup(PQgetvalue(r, i, 4));
		ev[i].created_at = xstrdup(PQgetvalue(r, i, 5));
		ev[i].attempts = atoi(PQgetvalue(r, i, 6));
		ev[i].payload = xstrdup(PQgetvalue(r, i, 7));
		if (paths->n) {
			char **vals;
			long k = cd_sync_array_parse(PQgetvalue(r, i, 8), &vals);
			if (k == (long)paths->n) {
				ev[i].paths = (const char *const *)paths->v;
				ev[i].vals = vals;
				ev[i].nvals = (size_t)k;
			} else {
				for (long j = 0; j < k; j++)
					free(vals[j]);
				free(vals);
			}
		}
	}
	*n = (size_t)PQntuples(r);
	*out = ev;
	PQclear(r);
	return 0;
}

static int claim(struct cd_db *db, const struct cd_worker_opts *o, const char *targets,
		 const struct paths *paths, struct cd_event **out, size_t *n, struct cd_error *err)
{
	*out = NULL;
	*n = 0;
	if (claim_send(db, o, targets, paths, err) < 0)
		return -1;
	return claim_receive(db, paths, out, n, err);
}

static int by_target(const void *a, const void *b)
{
	const struct cd_event *x = a, *y = b;
	int c = strcmp(x->target, y->target);

	/* Claimed in order; keep that order within a target. */
	return c ? c : (x < y ? -1 : x > y);
}

struct arrays {
	char *buf[5];
	size_t len[5], cap[5];
	size_t n[5];
};

static void arr_add(struct arrays *a, int k, const char *v)
{
	if (!a->buf[k]) {
		a->cap[k] = 64;
		a->buf[k] = xmalloc(a->cap[k]);
		strcpy(a->buf[k], "{");
		a->len[k] = 1;
	}
	cd_sync_array_add(&a->buf[k], &a->len[k], &a->cap[k], v, a->n[k]++ == 0);
}

static const char *arr_end(struct arrays *a, int k)
{
	if (!a->buf[k])
		return "{}";
	a->buf[k] = xrealloc(a->buf[k], a->len[k] + 2);
	strcpy(a->buf[k] + a->len[k], "}");
	a->len[k]++;
	return a->buf[k];
}

/* The next batch, claimed while this one is delivered: the main database
 * and the target work at the same time. */
struct prefetch {
	bool want;
	const char *names;
	const struct paths *paths;
	bool got;
	struct cd_event *ev;
	size_t n;
};

/* Delivers one claimed batch (unless release: then the leases are given
 * back untouched) and reports it. Returns -1 when the report could not be
 * made (the leases will expire; delivery is idempotent). */
static int run_batch(struct cd_db *db, const struct cd_worker_opts *o, struct cd_targets *targets,
		     struct cd_event *ev, size_t n, struct prefetch *pf, bool release,
		     struct cd_error *err)
{
	struct arrays a = { 0 };
	double t0 = now_s();
	time_t now = time(NULL);
	size_t done = 0, refused = 0, waiting = 0, dead = 0;
	bool sent = false;
	const char *p[6];
	PGresult *r;

	qsort(ev, n, sizeof(*ev), by_target);
	if (pf && pf->want && !stop_flag)
		sent = claim_send(db, o, pf->names, pf->paths, err) == 0;
	for (size_t i = 0; i < n && !release;) {
		size_t j = i;
		struct cd_target *t;

		while (j < n && !strcmp(ev[j].target, ev[i].target))
			j++;
		t = cd_targets_find(targets, ev[i].target);
		if (t) {
			cd_sync_deliver(t, &ev[i], j - i);
		} else {
			for (size_t k = i; k < j; k++) {
				ev[k].state = CD_EV_UNREACHABLE;
				snprintf(ev[k].error, sizeof(ev[k].error), "target not configured for this worker");
			}
		}
		if (t) {
			bool down = false;
			for (size_t k = i; k < j; k++)
				down |= ev[k].state == CD_EV_UNREACHABLE;
			if (down) {
				double d = cd_sync_backoff(++t->down_count, t->backoff, t->backoff_max, jitter());
				t->down_until = now + (time_t)(d + 0.999);
				say(LOG_WARNING, "target %s unreachable: %s; its events wait, next try in %.1f s",
				    t->name, ev[i].error, d);
			} else {
				t->down_count = 0;
				t->down_until = 0;
			}
		}
		for (size_t k = i; k < j; k++) {
			char retry[32];
			if (ev[k].state == CD_EV_CLAIMED)
				continue;
			if (ev[k].state == CD_EV_DONE) {
				arr_add(&a, 0, ev[k].id);
				done++;
				continue;
			}
			arr_add(&a, 1, ev[k].id);
			arr_add(&a, 2, ev[k].error);
			if (ev[k].state == CD_EV_REFUSED) {
				int attempt = ev[k].attempts + 1;
				arr_add(&a, 4, "t");
				if (!t || attempt >= t->max_attempts) {
					arr_add(&a, 3, NULL);
					dead++;
					say(LOG_ERR, "target %s refused event %s (%s) %d times, parked as dead: %s",
					    ev[k].target, ev[k].id, ev[k].aggregateid, attempt, ev[k].error);
				} else {
					double d = cd_sync_backoff(attempt, t->backoff, t->backoff_max, jitter());
					snprintf(retry, sizeof(retry), "%.3f", d);
					arr_add(&a, 3, retry);
					refused++;
					say(LOG_WARNING, "target %s refused event %s (%s), attempt %d, retry in %.1f s: %s",
					    ev[k].target, ev[k].id, ev[k].aggregateid, attempt, d, ev[k].error);
				}
			} else {
				double d = t && t->down_until > now ? (double)(t->down_until - now) : o->poll_seconds;
				snprintf(retry, sizeof(retry), "%.3f", d);
				arr_add(&a, 3, retry);
				arr_add(&a, 4, "f");
				waiting++;
			}
		}
		i = j;
	}
	if (sent) {
		struct cd_error perr;
		pf->got = claim_receive(db, pf->paths, &pf->ev, &pf->n, &perr) == 0;
		if (!pf->got)
			say(LOG_ERR, "claim failed: %s %s", perr.message, perr.detail);
	}
	for (size_t k = 0; k < n; k++)
		if (ev[k].state == CD_EV_CLAIMED) {
			/* Not attempted: the lease goes back, nothing else changes. */
			arr_add(&a, 1, ev[k].id);
			arr_add(&a, 2, NULL);
			arr_add(&a, 3, "0");
			arr_add(&a, 4, "f");
		}
	p[0] = o->name;
	p[1] = arr_end(&a, 0);
	p[2] = arr_end(&a, 1);
	p[3] = arr_end(&a, 2);
	p[4] = arr_end(&a, 3);
	p[5] = arr_end(&a, 4);
	r = cd_db_exec(db, "SELECT * FROM api.sync_report($1, $2::uuid[], $3::uuid[], $4::text[], "
		       "$5::float8[], $6::boolean[])", 6, p, err);
	for (int k = 0; k < 5; k++)
		free(a.buf[k]);
	if (!r) {
		say(LOG_ERR, "batch of %zu delivered but not reported (%s); the leases will expire and "
		    "the events be delivered again", n, err->message);
		return -1;
	}
	PQclear(r);
	if (release)
		say(LOG_INFO, "batch of %zu given back undelivered", n);
	else
		say(LOG_INFO, "batch of %zu: %zu delivered, %zu refused, %zu dead, %zu waiting for their target (%.0f ms)",
		    n, done, refused, dead, waiting, (now_s() - t0) * 1000);
	return 0;
}

static double next_due(struct cd_db *db, const struct cd_targets *t)
{
	char *names = claimable(t, 0, true);
	const char *p[1] = { names };
	struct cd_error err;
	PGresult *r = cd_db_exec(db, "SELECT api.sync_next_due($1::text[])", 1, p, &err);
	double d = -1;

	free(names);
	if (r && !PQgetisnull(r, 0, 0))
		d = atof(PQgetvalue(r, 0, 0));
	PQclear(r);
	return d;
}

static bool listen(struct cd_db *db, struct cd_error *err)
{
	PGresult *r = cd_db_exec(db, "LISTEN counterdesk_sync", 0, NULL, err);

	PQclear(r);
	return r != NULL;
}

/* After the main connection dropped: try again, backing off, until it is
 * back or we are told to stop. */
static bool reconnect(struct cd_db *db)
{
	struct cd_error err;
	double delay = 1;

	while (!stop_flag) {
		if (cd_db_reconnect(db, &err) && listen(db, &err)) {
			say(LOG_NOTICE, "connected to the database again");
			return true;
		}
		say(LOG_WARNING, "cannot reach the database (%s: %s); next try in %.0f s", err.message,
		    err.detail, delay);
		wait_for(db, delay);
		delay = delay * 2 > 60 ? 60 : delay * 2;
	}
	return false;
}

int cd_sync_run(struct cd_db *db, const struct cd_worker_opts *o)
{
	struct cd_targets targets;
	struct paths paths;
	struct cd_event *next = NULL; /* claimed ahead */
	size_t next_n = 0;
	struct cd_error err;
	char msg[1024];
	int rc = CD_EXIT_OK;

	use_syslog = o->use_syslog;
	if (sodium_init() < 0) /* the jitter's random numbers */
		return CD_EXIT_SOFTWARE;
	if (cd_targets_load(o->targets_dir, &targets, msg, sizeof(msg)) < 0) {
		say(LOG_ERR, "%s", msg);
		return CD_EXIT_CONFIG;
	}
	paths_make(&paths, &targets);
	cd_db_on_notify(db, on_notify, NULL);
	if (!listen(db, &err)) {
		paths_free(&paths);
		say(LOG_ERR, "%s %s", err.message, err.detail);
		cd_targets_free(&targets);
		return cd_error_exit(&err);
	}
	say(LOG_INFO, "%s started: %zu targets, batches of %d", o->name, targets.n, o->batch);
	while (!stop_flag) {
		struct cd_event *ev;
		size_t n;
		char *names;
		struct prefetch pf = { 0 };

		if (reload_flag) {
			struct cd_targets fresh;
			reload_flag = 0;
			/* The batch claimed ahead names the old targets' paths. */
			if (next) {
				run_batch(db, o, &targets, next, next_n, NULL, true, &err);
				events_free(next, next_n);
				next = NULL;
			}
			if (cd_targets_load(o->targets_dir, &fresh, msg, sizeof(msg)) < 0) {
				say(LOG_ERR, "targets not reloaded, keeping the old ones: %s", msg);
			} else {
				cd_targets_free(&targets);
				targets = fresh;
				paths_free(&paths);
				paths_make(&paths, &targets);
				say(LOG_NOTICE, "targets reloaded: %zu", targets.n);
			}
		}
		woken = false;
		names = claimable(&targets, time(NULL), false);
		if (next) {
			ev = next;
			n = next_n;
			next = NULL;
		} else if (claim(db, o, names, &paths, &ev, &n, &err) < 0) {
			free(names);
			say(LOG_ERR, "claim failed: %s %s", err.message, err.detail);
			if (err.kind == CD_ERR_CONN_LOST && reconnect(db))
				continue;
			if (err.kind == CD_ERR_NOPERM) {
				rc = CD_EXIT_NOPERM;
				break;
			}
			if (o->once) {
				rc = cd_error_exit(&err);
				break;
			}
			wait_for(db, o->poll_seconds);
			continue;
		}
		if (n == 0) {
			double due;
			free(names);
			events_free(ev, n);
			if (o->once)
				break;
			cd_db_poll(db); /* notifications read during the claim */
			if (woken)
				continue;
			due = next_due(db, &targets);
			wait_for(db, due >= 0 && due < o->poll_seconds ? due + 0.01 : o->poll_seconds);
			continue;
		}
		pf.want = true;
		pf.names = names;
		pf.paths = &paths;
		if (run_batch(db, o, &targets, ev, n, &pf, false, &err) < 0 && err.kind == CD_ERR_CONN_LOST)
			reconnect(db);
		free(names);
		events_free(ev, n);
		if (pf.got && pf.n > 0) {
			next = pf.ev;
			next_n = pf.n;
		} else if (pf.got) {
			events_free(pf.ev, pf.n);
		}
	}
	if (next) { /* stopped with a batch claimed ahead: give it back */
		run_batch(db, o, &targets, next, next_n, NULL, true, &err);
		events_free(next, next_n);
	}
	cd_sync_close_targets(&targets);
	cd_targets_free(&targets);
	paths_free(&paths);
	say(LOG_INFO, "%s stopped", o->name);
	return rc;
}
